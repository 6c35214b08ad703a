/**
 * Reading the two proc files the host collector exports: /proc/loadavg and /proc/meminfo.
 *
 * Counterpart: prometheus/procfs (`FS.LoadAvg`, `FS.Meminfo`), which node_exporter's loadavg and
 * meminfo collectors use. The parsers are pure functions of the file text, so tests can feed them
 * literal text; `readProcFile` adds the file system, under a proc root that tests point at
 * testdata/.
 *
 * @module
 */

import { readFile } from "node:fs/promises";
import { join } from "node:path";

/** ProcFileError reports a proc file that could not be read or parsed; `path` says which one. */
export class ProcFileError extends Error {
  readonly path: string;

  constructor(message: string, path: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ProcFileError";
    this.path = path;
  }
}

/** LoadAvg is /proc/loadavg: the load averages and the scheduling entities. */
export interface LoadAvg {
  /** The load average over 1, 5 and 15 minutes. */
  load1: number;
  load5: number;
  load15: number;
  /** Scheduling entities (processes and threads) that are runnable now. */
  runnable: number;
  /** Scheduling entities that exist. */
  entities: number;
}

/**
 * parseLoadavg parses the one line of /proc/loadavg, e.g. `0.52 0.58 0.59 2/1234 56789`.
 * @throws {ProcFileError} when the line does not have that shape.
 */
export function parseLoadavg(text: string, path = "loadavg"): LoadAvg {
  const match = /^(\S+) (\S+) (\S+) (\d+)\/(\d+) \d+\n?$/.exec(text);
  const [load1, load5, load15] = [match?.[1], match?.[2], match?.[3]].map(Number);
  if (match === null || !isFiniteNumber(load1) || !isFiniteNumber(load5) || !isFiniteNumber(load15)) {
    throw new ProcFileError(`unexpected content in ${path}: ${JSON.stringify(text)}`, path);
  }
  return { load1, load5, load15, runnable: Number(match[4]), entities: Number(match[5]) };
}

/**
 * parseMeminfo parses /proc/meminfo into bytes by field name. Lines look like
 * `MemTotal:       24684084 kB`; the kernel's "kB" is KiB, so the value is multiplied by 1024.
 * Lines without a unit (`HugePages_Total:       0`) are counts and are kept as they are.
 * @throws {ProcFileError} on a line that is neither.
 */
export function parseMeminfo(text: string, path = "meminfo"): Map<string, number> {
  const fields = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (line === "") continue;
    const match = /^([^:\s]+):\s+(\d+)(?: (kB))?$/.exec(line);
    if (match === null) throw new ProcFileError(`unexpected line in ${path}: ${JSON.stringify(line)}`, path);
    fields.set(match[1]!, Number(match[2]) * (match[3] === "kB" ? 1024 : 1));
  }
  return fields;
}

/**
 * readProcFile reads `name` under `procRoot` and parses it.
 * @throws {ProcFileError} when the file cannot be read (the error is the cause) or parsed.
 */
export async function readProcFile<T>(
  procRoot: string,
  name: string,
  parse: (text: string, path: string) => T,
): Promise<T> {
  const path = join(procRoot, name);
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    throw new ProcFileError(`cannot read ${path}: ${(err as Error).message}`, path, { cause: err });
  }
  return parse(text, path);
}

function isFiniteNumber(n: number | undefined): n is number {
  return n !== undefined && Number.isFinite(n);
}
