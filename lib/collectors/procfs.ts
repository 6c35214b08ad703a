/**
 * The few files of the Linux proc filesystem the process collector reads, and their parsers.
 *
 * Counterpart: prometheus/procfs, which client_golang's process collector uses: proc_stat.go
 * (`Proc.Stat`, `ProcStat.CPUTime`, `ProcStat.ResidentMemory`, `ProcStat.StartTime`),
 * proc_limits.go (`Proc.Limits`), stat.go (the `btime` line of `FS.Stat`) and proc.go
 * (`Proc.FileDescriptorsLen`); plus Go's `os.Getpagesize`, which on Linux is the `AT_PAGESZ`
 * entry of the aux vector. The parsers are pure functions of the file text, so a spec can feed
 * them literal text; the `read*` functions add the file system.
 *
 * @module
 */

import { readdir, readFile } from "node:fs/promises";
import { endianness } from "node:os";
import { join } from "node:path";

import { PrometheusError } from "../prometheus/index.js";

/**
 * UserHZ is the number of clock ticks per second in which /proc reports CPU times and start
 * times. Like procfs, we take it to be 100: that is what the kernel reports to user space on
 * every platform Node runs on (reading it needs `sysconf(_SC_CLK_TCK)`, which Node does not offer).
 */
export const UserHZ = 100;

/**
 * FallbackPageSize is the page size used when the aux vector cannot be read: 4096 bytes, the page
 * size of x86-64 and of most arm64 kernels. It only affects `process_resident_memory_bytes`.
 */
export const FallbackPageSize = 4096;

/**
 * UnlimitedLimit is what an `unlimited` resource limit becomes. procfs returns the max uint64
 * (18446744073709551615), which client_golang converts to float64: that rounds to 2^64.
 */
export const UnlimitedLimit = 2 ** 64;

/** ProcfsError reports a proc file that could not be read or parsed; the path says which one. */
export class ProcfsError extends PrometheusError {
  /** The file or directory concerned. */
  readonly path: string;

  constructor(message: string, path: string, options?: ErrorOptions) {
    super(message, options);
    this.path = path;
  }
}

/** ProcStat holds the fields of /proc/<pid>/stat the process collector uses. */
export interface ProcStat {
  /** Time scheduled in user mode, in clock ticks. */
  utime: number;
  /** Time scheduled in kernel mode, in clock ticks. */
  stime: number;
  /** When the process started, in clock ticks after system boot. */
  starttime: number;
  /** Virtual memory size in bytes. */
  vsize: number;
  /** Resident set size in pages. */
  rss: number;
}

/** The positions of the fields we read, counted from the state field (field 3 in proc(5)). */
const statFields = { utime: 11, stime: 12, starttime: 19, vsize: 20, rss: 21 } as const;

/**
 * parseProcStat parses the text of /proc/<pid>/stat. The command name, in parentheses, may hold
 * spaces and parentheses itself, so the fields are read after the last `)`, as procfs does.
 * @throws {ProcfsError} when the comm cannot be found, or a field we read is missing or not an
 * integer. (procfs also fails when fields after those we read are missing; we do not need them.)
 */
export function parseProcStat(text: string, path: string): ProcStat {
  const l = text.indexOf("(");
  const r = text.lastIndexOf(")");
  if (l < 0 || r < 0) throw new ProcfsError(`unexpected format, couldn't extract comm ${JSON.stringify(text)}`, path);
  const fields = text.slice(r + 2).trim().split(/\s+/);
  const field = (name: keyof typeof statFields, signed: boolean): number => {
    const value = fields[statFields[name]];
    if (value === undefined || !(signed ? /^-?\d+$/ : /^\d+$/).test(value)) {
      const what = `${name} (field ${statFields[name] + 3}) of ${JSON.stringify(path)}`;
      throw new ProcfsError(`couldn't parse ${what}: got ${JSON.stringify(value ?? "")}`, path);
    }
    return Number(value);
  };
  return {
    utime: field("utime", false),
    stime: field("stime", false),
    starttime: field("starttime", false),
    vsize: field("vsize", false),
    rss: field("rss", true),
  };
}

/** cpuTime returns the total user and system CPU time in seconds (procfs' `CPUTime`). */
export function cpuTime(stat: ProcStat): number {
  return (stat.utime + stat.stime) / UserHZ;
}

/** startTime returns the process start time in seconds since the epoch (procfs' `StartTime`). */
export function startTime(stat: ProcStat, bootTime: number): number {
  return bootTime + stat.starttime / UserHZ;
}

/**
 * parseBootTime returns the `btime` line of /proc/stat: the boot time in seconds since the epoch.
 * @throws {ProcfsError} when the line is missing or malformed. (procfs reports 0 when it is
 * missing; a start time computed from 0 would be silently wrong, so we report it.)
 */
export function parseBootTime(text: string, path: string): number {
  const match = /^btime\s+(\S+)/m.exec(text);
  if (match === null) throw new ProcfsError(`couldn't find btime in ${JSON.stringify(path)}`, path);
  if (!/^\d+$/.test(match[1]!)) throw new ProcfsError(`couldn't parse ${JSON.stringify(match[1])} (btime)`, path);
  return Number(match[1]);
}

/** ProcLimits holds the soft limits of /proc/<pid>/limits the process collector uses. */
export interface ProcLimits {
  /** One more than the highest file descriptor number the process may open. */
  openFiles: number;
  /** The maximum size of the process's virtual address space, in bytes. */
  addressSpace: number;
}

/** procfs' pattern for one line of the limits table: name, soft limit, hard limit. */
const limitsLine = /(Max \w+\s{0,1}?\w*\s{0,1}\w*)\s{2,}(\w+)\s+(\w+)/;

/**
 * parseLimits parses the text of /proc/<pid>/limits: a header line, then one line per limit.
 * Every line must match and every soft limit must be a number or `unlimited`, as in procfs; an
 * `unlimited` limit becomes {@link UnlimitedLimit}.
 * @throws {ProcfsError} for a line that does not parse.
 */
export function parseLimits(text: string, path: string): ProcLimits {
  const lines = text.split("\n").slice(1);
  if (lines[lines.length - 1] === "") lines.pop();
  const limits: ProcLimits = { openFiles: 0, addressSpace: 0 };
  for (const line of lines) {
    const fields = limitsLine.exec(line);
    if (fields === null) {
      throw new ProcfsError(`couldn't parse ${JSON.stringify(path)} line ${JSON.stringify(line)}`, path);
    }
    const soft = parseLimit(fields[2]!, path);
    if (fields[1] === "Max open files") limits.openFiles = soft;
    if (fields[1] === "Max address space") limits.addressSpace = soft;
  }
  return limits;
}

function parseLimit(s: string, path: string): number {
  if (s === "unlimited") return UnlimitedLimit;
  if (!/^\d+$/.test(s)) throw new ProcfsError(`couldn't parse value ${JSON.stringify(s)}`, path);
  return Number(s);
}

/** AT_PAGESZ is the aux vector key of the system page size (from elf.h). */
const AT_PAGESZ = 6;

/** The architectures Node supports whose `unsigned long` (one aux vector word) is 4 bytes. */
const arches32 = new Set(["arm", "ia32", "mips", "mipsel", "ppc"]);

/**
 * parsePageSize finds `AT_PAGESZ` in the binary aux vector: pairs of native-endian words (key,
 * value), ended by a zero key. It returns `undefined` when the entry is not there.
 */
export function parsePageSize(auxv: Uint8Array, arch: string = process.arch): number | undefined {
  const view = new DataView(auxv.buffer, auxv.byteOffset, auxv.byteLength);
  const word = arches32.has(arch) ? 4 : 8;
  const little = endianness() === "LE";
  const read = (at: number) => (word === 4 ? view.getUint32(at, little) : Number(view.getBigUint64(at, little)));
  for (let at = 0; at + 2 * word <= auxv.byteLength; at += 2 * word) {
    const key = read(at);
    if (key === 0) break;
    if (key === AT_PAGESZ) return read(at + word);
  }
  return undefined;
}

/**
 * readPageSize returns the system page size from `<procRoot>/self/auxv`, the way the Go runtime
 * learns it; {@link FallbackPageSize} when the file cannot be read or has no page size entry.
 */
export async function readPageSize(procRoot: string): Promise<number> {
  try {
    return parsePageSize(await readFile(join(procRoot, "self", "auxv"))) ?? FallbackPageSize;
  } catch {
    return FallbackPageSize;
  }
}

/** readProcStat reads and parses `<procRoot>/<pid>/stat`. @throws {ProcfsError} */
export async function readProcStat(procRoot: string, pid: number): Promise<ProcStat> {
  const path = join(procRoot, String(pid), "stat");
  return parseProcStat(await readProcFile(path), path);
}

/** readBootTime reads the boot time from `<procRoot>/stat`. @throws {ProcfsError} */
export async function readBootTime(procRoot: string): Promise<number> {
  const path = join(procRoot, "stat");
  return parseBootTime(await readProcFile(path), path);
}

/** readLimits reads and parses `<procRoot>/<pid>/limits`. @throws {ProcfsError} */
export async function readLimits(procRoot: string, pid: number): Promise<ProcLimits> {
  const path = join(procRoot, String(pid), "limits");
  return parseLimits(await readProcFile(path), path);
}

/**
 * countFileDescriptors counts the entries of `<procRoot>/<pid>/fd`. Like procfs, it counts the
 * descriptor it opens to read the directory. @throws {ProcfsError}
 */
export async function countFileDescriptors(procRoot: string, pid: number): Promise<number> {
  const path = join(procRoot, String(pid), "fd");
  try {
    return (await readdir(path)).length;
  } catch (err) {
    throw asProcfsError(err, path);
  }
}

async function readProcFile(path: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (err) {
    throw asProcfsError(err, path);
  }
}

/** asProcfsError wraps a file system error, keeping Node's message ("ENOENT: no such file ..."). */
export function asProcfsError(err: unknown, path: string): ProcfsError {
  if (err instanceof ProcfsError) return err;
  return new ProcfsError(err instanceof Error ? err.message : String(err), path, { cause: err });
}
