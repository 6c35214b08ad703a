/**
 * Hand-written proc files for the collector specs, and a builder of a fake proc filesystem in a
 * temporary directory.
 * @module
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** limitsText renders a limits table as the kernel does ("%-25s %-20s %-20s %-10s\n"). */
export function limitsText(rows: readonly (readonly [string, string, string, string])[]): string {
  const row = ([name, soft, hard, units]: readonly [string, string, string, string]) =>
    `${name.padEnd(25)} ${soft.padEnd(20)} ${hard.padEnd(20)} ${units.padEnd(10)}\n`;
  return row(["Limit", "Soft Limit", "Hard Limit", "Units"]) + rows.map(row).join("");
}

/** A complete limits table, as a 6.x kernel writes it. */
export const kernelLimits = [
  ["Max cpu time", "unlimited", "unlimited", "seconds"],
  ["Max file size", "unlimited", "unlimited", "bytes"],
  ["Max data size", "unlimited", "unlimited", "bytes"],
  ["Max stack size", "8388608", "unlimited", "bytes"],
  ["Max core file size", "0", "unlimited", "bytes"],
  ["Max resident set", "unlimited", "unlimited", "bytes"],
  ["Max processes", "63704", "63704", "processes"],
  ["Max open files", "1024", "524288", "files"],
  ["Max locked memory", "8388608", "8388608", "bytes"],
  ["Max address space", "unlimited", "unlimited", "bytes"],
  ["Max file locks", "unlimited", "unlimited", "locks"],
  ["Max pending signals", "63704", "63704", "signals"],
  ["Max msgqueue size", "819200", "819200", "bytes"],
  ["Max nice priority", "0", "0", ""],
  ["Max realtime priority", "0", "0", ""],
  ["Max realtime timeout", "unlimited", "unlimited", "us"],
] as const;

/** A stat line with utime 250, stime 125, starttime 360000, vsize 1 GiB and rss 2560 pages. */
export const statLine =
  "4242 (demo (exporter) x) S 1 4242 4242 0 -1 4194560 1234 0 5 0 250 125 0 0 20 0 11 0 360000 " +
  "1073741824 2560 18446744073709551615 1 1 0 0 0 0 0 4096 134234626 0 0 0 17 3 0 0 0 0 0 0 0 0 0 0 0 0 0\n";

/** procStatText is a /proc/stat with the given boot time (or none). */
export function procStatText(btime: number | undefined): string {
  const lines = ["cpu  1 2 3 4 5 6 7 0 0 0", "cpu0 1 2 3 4 5 6 7 0 0 0", "intr 0", "ctxt 42"];
  if (btime !== undefined) lines.push(`btime ${btime}`);
  return lines.concat("processes 9", "").join("\n");
}

/** auxvWithPageSize is an aux vector, in this machine's word size and byte order, giving pageSize. */
export function auxvWithPageSize(pageSize: number): Uint8Array {
  const is32 = ["arm", "ia32", "mips", "mipsel", "ppc"].includes(process.arch);
  const words = [33, 4096, 6, pageSize, 0, 0];
  return new Uint8Array(is32 ? Uint32Array.from(words).buffer : BigUint64Array.from(words.map(BigInt)).buffer);
}

/** A process in a fake proc filesystem: each file is written when given. */
export interface FakeProcess {
  pid: number;
  stat?: string;
  limits?: string;
  /** The number of entries to create in fd/. */
  fds?: number;
}

/** A fake proc filesystem: the processes, /proc/stat, and /proc/self/auxv. */
export interface FakeProcRoot {
  processes: readonly FakeProcess[];
  stat?: string;
  auxv?: Uint8Array;
}

/** makeProcRoot writes a fake proc filesystem into a new temporary directory and returns it. */
export async function makeProcRoot(spec: FakeProcRoot): Promise<{ root: string; remove: () => Promise<void> }> {
  const root = await mkdtemp(join(tmpdir(), "procfs-"));
  if (spec.stat !== undefined) await writeFile(join(root, "stat"), spec.stat);
  if (spec.auxv !== undefined) {
    await mkdir(join(root, "self"));
    await writeFile(join(root, "self", "auxv"), spec.auxv);
  }
  for (const p of spec.processes) {
    const dir = join(root, String(p.pid));
    await mkdir(dir);
    if (p.stat !== undefined) await writeFile(join(dir, "stat"), p.stat);
    if (p.limits !== undefined) await writeFile(join(dir, "limits"), p.limits);
    if (p.fds !== undefined) {
      await mkdir(join(dir, "fd"));
      for (let fd = 0; fd < p.fds; fd++) await writeFile(join(dir, "fd", String(fd)), "");
    }
  }
  return { root, remove: () => rm(root, { recursive: true, force: true }) };
}
