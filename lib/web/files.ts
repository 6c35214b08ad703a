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

/**
 * readTextFile reads a whole file as UTF-8 text, rejecting bytes that are not UTF-8 as yaml.v2
 * does (`yaml: invalid leading UTF-8 octet`), where a plain decode would turn them into U+FFFD.
 *
 * @throws {WebConfigError} as readFile does, or for bytes that are not UTF-8.
 */
export async function readTextFile(path: string): Promise<string> {
  return decodeUTF8(await readFile(path));
}

/**
 * readTextFileSync reads a whole file as UTF-8 text, synchronously.
 *
 * @throws {WebConfigError} as readTextFile does.
 */
export function readTextFileSync(path: string): string {
  return decodeUTF8(readFileSync(path));
}

const strictUTF8 = new TextDecoder("utf-8", { fatal: true });

/** decodeUTF8 decodes bytes, or throws yaml.v2's message for the first invalid sequence. */
function decodeUTF8(bytes: Buffer): string {
  try {
    return strictUTF8.decode(bytes);
  } catch {
    throw new WebConfigError(`yaml: ${utf8Problem(bytes)}`);
  }
}

/** utf8Problem names the first invalid sequence in `b` as yaml.v2's reader does. */
function utf8Problem(b: Uint8Array): string {
  for (let i = 0; i < b.length; ) {
    const lead = b[i]!;
    const width = lead < 0x80 ? 1 : (lead & 0xe0) === 0xc0 ? 2 : (lead & 0xf0) === 0xe0 ? 3 : (lead & 0xf8) === 0xf0 ? 4 : 0;
    if (width === 0) return "invalid leading UTF-8 octet";
    if (i + width > b.length) return "incomplete UTF-8 octet sequence";
    let value = width === 1 ? lead : lead & (0xff >> (width + 1));
    for (let k = 1; k < width; k++) {
      const octet = b[i + k]!;
      if ((octet & 0xc0) !== 0x80) return "invalid trailing UTF-8 octet";
      value = (value << 6) + (octet & 0x3f);
    }
    const minimum = [0, 0, 0x80, 0x800, 0x10000][width]!;
    if (value < minimum) return "invalid length of a UTF-8 sequence";
    if ((value >= 0xd800 && value <= 0xdfff) || value > 0x10ffff) return "invalid Unicode character";
    i += width;
  }
  return "invalid UTF-8";
}

function fileError(path: string, err: unknown): WebConfigError {
  const code = (err as NodeJS.ErrnoException).code ?? "";
  const op = code === "EISDIR" ? "read" : "open";
  const reason = reasons[code] ?? (err as Error).message;
  return new WebConfigError(`${op} ${path}: ${reason}`, { cause: err });
}
