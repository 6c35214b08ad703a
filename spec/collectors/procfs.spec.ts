/**
 * Specs for lib/collectors/procfs.ts: each parser against literal file text, as procfs' own tests
 * do with their fixtures; and the readers against this process's /proc where there is one.
 * @module
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";

import {
  cpuTime,
  FallbackPageSize,
  parseBootTime,
  parseLimits,
  parsePageSize,
  parseProcStat,
  ProcfsError,
  readLimits,
  readPageSize,
  readProcStat,
  startTime,
  UnlimitedLimit,
} from "../../lib/collectors/procfs.js";
import { kernelLimits, limitsText, statLine } from "./fixtures.js";

describe("parseProcStat", () => {
  it("reads the fields after the last parenthesis, so a comm may hold spaces and parentheses", () => {
    expect(parseProcStat(statLine, "stat")).toEqual({
      utime: 250,
      stime: 125,
      starttime: 360000,
      vsize: 1073741824,
      rss: 2560,
    });
  });

  it("derives CPU time and start time with USER_HZ 100, as procfs does", () => {
    const stat = parseProcStat(statLine, "stat");
    expect(cpuTime(stat)).toBe(3.75);
    expect(startTime(stat, 1700000000)).toBe(1700003600);
  });

  it.each([
    { name: "no comm", text: "4242 S 1 2 3", message: `unexpected format, couldn't extract comm "4242 S 1 2 3"` },
    {
      name: "a truncated line",
      text: "4242 (node) S 1 4242 4242 0 -1 4194560 1234 0 5 0 250",
      message: `couldn't parse stime (field 15) of "/proc/4242/stat": got ""`,
    },
    {
      name: "a field that is not a number",
      text: statLine.replace(" 250 ", " x "),
      message: `couldn't parse utime (field 14) of "/proc/4242/stat": got "x"`,
    },
  ])("rejects $name with a ProcfsError", ({ text, message }) => {
    let caught: unknown;
    try {
      parseProcStat(text, "/proc/4242/stat");
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ProcfsError);
    expect((caught as ProcfsError).message).toBe(message);
    expect((caught as ProcfsError).path).toBe("/proc/4242/stat");
  });
});

describe("parseLimits", () => {
  it("reads the soft limits on open files and address space, unlimited as 2^64", () => {
    expect(parseLimits(limitsText(kernelLimits), "limits")).toEqual({ openFiles: 1024, addressSpace: UnlimitedLimit });
    expect(UnlimitedLimit).toBe(18446744073709551615);
  });

  it("reads numbers where the limits are set", () => {
    const rows = kernelLimits.map((r) =>
      r[0] === "Max address space" ? (["Max address space", "8589934592", "unlimited", "bytes"] as const) : r,
    );
    expect(parseLimits(limitsText(rows), "limits")).toEqual({ openFiles: 1024, addressSpace: 8589934592 });
  });

  it("rejects a line that does not match, as procfs does", () => {
    const text = limitsText(kernelLimits) + "garbage\n";
    expect(() => parseLimits(text, "/proc/1/limits")).toThrow(`couldn't parse "/proc/1/limits" line "garbage"`);
  });

  it("rejects a soft limit that is neither a number nor unlimited", () => {
    const text = limitsText([["Max open files", "lots", "524288", "files"]]);
    expect(() => parseLimits(text, "limits")).toThrow(ProcfsError);
    expect(() => parseLimits(text, "limits")).toThrow(`couldn't parse value "lots"`);
  });
});

describe("parseBootTime", () => {
  const procStat = "cpu  1 2 3 4 5 6 7 0 0 0\ncpu0 1 2 3 4 5 6 7 0 0 0\nintr 0\nctxt 42\nbtime 1700000000\nprocesses 9\n";

  it("reads the btime line", () => {
    expect(parseBootTime(procStat, "stat")).toBe(1700000000);
  });

  it("reports a missing or malformed btime instead of using 0", () => {
    expect(() => parseBootTime("cpu 1 2 3\n", "/proc/stat")).toThrow(`couldn't find btime in "/proc/stat"`);
    expect(() => parseBootTime("btime soon\n", "/proc/stat")).toThrow(`couldn't parse "soon" (btime)`);
  });
});

describe("parsePageSize", () => {
  it("finds AT_PAGESZ (6) among the aux vector's word pairs, 64-bit and 32-bit", () => {
    const auxv64 = new Uint8Array(BigUint64Array.from([33n, 140737n, 16n, 0xbfebfbffn, 6n, 16384n, 0n, 0n]).buffer);
    expect(parsePageSize(auxv64, "x64")).toBe(16384);
    const auxv32 = new Uint8Array(Uint32Array.from([33, 1407, 6, 4096, 0, 0]).buffer);
    expect(parsePageSize(auxv32, "arm")).toBe(4096);
  });

  it("returns undefined when the entry is missing or after the terminating zero key", () => {
    expect(parsePageSize(new Uint8Array(BigUint64Array.from([33n, 1n, 0n, 0n, 6n, 4096n]).buffer), "x64")).toBeUndefined();
    expect(parsePageSize(new Uint8Array(0), "x64")).toBeUndefined();
  });

  it("falls back to 4096 when the aux vector cannot be read", async () => {
    expect(await readPageSize("/nonexistent-proc-root")).toBe(FallbackPageSize);
  });
});

describe.runIf(existsSync("/proc/self/auxv"))("the readers on this system's /proc", () => {
  it("read the page size getconf reports", async () => {
    let getconf: number;
    try {
      getconf = Number(execFileSync("getconf", ["PAGESIZE"], { encoding: "utf8" }).trim());
    } catch {
      return; // no getconf: nothing to compare with
    }
    expect(await readPageSize("/proc")).toBe(getconf);
  });

  it("parse this process's stat and limits", async () => {
    const stat = await readProcStat("/proc", process.pid);
    expect(stat.vsize).toBeGreaterThan(0);
    expect(stat.rss).toBeGreaterThan(0);
    const limits = await readLimits("/proc", process.pid);
    expect(limits.openFiles).toBeGreaterThan(0);
    expect(limits.addressSpace).toBeGreaterThan(0);
  });
});
