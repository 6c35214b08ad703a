/**
 * Reading the files a web configuration names, with Go's wording for failures
 * (`open server.crt: no such file or directory`), so that messages match exporter-toolkit's.
 *
 * Counterpart: Go's `os.ReadFile` and the `*PathError` text it returns; for the configuration
 * file itself, yaml.v2's UTF-8 check of its input (readerc.go), with its messages.
 *
 * @module
 */

import { readFileSync as fsReadFileSync } from "node:fs";
import { readFile as fsReadFile } from "node:fs/promises";

import { WebConfigError } from "./errors.js";

/** The strerror(3) text Go prints for the usual errno values. */
const reasons: Record<string, string> = {
  ENOENT: "no such file or directory",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  ENOTDIR: "not a directory",
  EISDIR: "is a directory",
  ELOOP: "too many levels of symbolic links",
  ENAMETOOLONG: "file name too long",
  EMFILE: "too many open files",
};

/**
 * readFile reads a whole file.
 *
 * @throws {WebConfigError} `open <path>: <reason>` (`read <path>: is a directory` for a
 *   directory), with the system error as cause.
 */
export async function readFile(path: string): Promise<Buffer> {
  try {
    return await fsReadFile(path);
  } catch (err) {
    throw fileError(path, err);
  }
}

/**
 * readFileSync reads a whole file synchronously; the TLS handshake path needs it.
 *
 * @throws {WebConfigError} as readFile does.
 */
export function readFileSync(path: string): Buffer {
  try {
    return fsReadFileSync(path);
  } catch (err) {
    throw fileError(path, err);
  }
}

function fileError(path: string, err: unknown): WebConfigError {
  const code = (err as NodeJS.ErrnoException).code ?? "";
  const op = code === "EISDIR" ? "read" : "open";
  const reason = reasons[code] ?? (err as Error).message;
  return new WebConfigError(`${op} ${path}: ${reason}`, { cause: err });
}
