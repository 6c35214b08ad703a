/**
 * Specs for lib/collectors/process.ts: exact values from a fake proc filesystem written to a
 * temporary directory, Go's error behaviour (ignored by default, invalid metrics with
 * `reportErrors`), and plausible values from this process's real /proc.
 * @module
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { newPidFileFn, newProcessCollector, PidFileError, type ProcessCollectorOpts } from "../../lib/collectors/index.js";
import { ProcfsError } from "../../lib/collectors/procfs.js";
import { metricFamiliesToText } from "../../lib/expfmt/index.js";
import type * as dto from "../../lib/model/index.js";
import {
  AlreadyRegisteredError,
  Channel,
  type Desc,
  GatherError,
  newPedanticRegistry,
  newRegistry,
  PrometheusError,
} from "../../lib/prometheus/index.js";
import { auxvWithPageSize, kernelLimits, limitsText, makeProcRoot, procStatText, statLine } from "./fixtures.js";
import { itPassesPromtool } from "./promtool.js";

/** gather registers a process collector on a pedantic registry and gathers once. */
async function gather(opts: ProcessCollectorOpts): Promise<dto.MetricFamily[]> {
  const registry = newPedanticRegistry();
  registry.mustRegister(newProcessCollector(opts));
  return registry.gather();
}

/** gatherError gathers and returns the GatherError it must reject with. */
async function gatherError(opts: ProcessCollectorOpts): Promise<GatherError> {
  const result = await gather(opts).then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(result).toBeInstanceOf(GatherError);
  return result as GatherError;
}

const names = (families: readonly dto.MetricFamily[]) => families.map((f) => f.name);

/** What the fake process 4242 exposes: every value is derived from the fixture by hand. */
const expected4242 = `# HELP process_cpu_seconds_total Total user and system CPU time spent in seconds.
# TYPE process_cpu_seconds_total counter
process_cpu_seconds_total 3.75
# HELP process_max_fds Maximum number of open file descriptors.
# TYPE process_max_fds gauge
process_max_fds 1024
# HELP process_open_fds Number of open file descriptors.
# TYPE process_open_fds gauge
process_open_fds 5
# HELP process_resident_memory_bytes Resident memory size in bytes.
# TYPE process_resident_memory_bytes gauge
process_resident_memory_bytes 4.194304e+07
# HELP process_start_time_seconds Start time of the process since unix epoch in seconds.
# TYPE process_start_time_seconds gauge
process_start_time_seconds 1.7000036e+09
# HELP process_virtual_memory_bytes Virtual memory size in bytes.
# TYPE process_virtual_memory_bytes gauge
process_virtual_memory_bytes 1.073741824e+09
# HELP process_virtual_memory_max_bytes Maximum amount of virtual memory available in bytes.
# TYPE process_virtual_memory_max_bytes gauge
process_virtual_memory_max_bytes 1.8446744073709552e+19
`;

describe("newProcessCollector", () => {
  it("runs its @example (on any platform: without /proc it collects nothing)", async () => {
    const registry = newRegistry();
    registry.mustRegister(newProcessCollector());
    await expect(registry.gather()).resolves.toBeInstanceOf(Array);
  });
});

describe("newProcessCollector on a fake proc filesystem", () => {
  let root: string;
  let noBootTime: string;
  const removes: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    // 4242: complete. utime+stime = 375 ticks = 3.75 s; rss 2560 pages of 16 KiB = 41943040 bytes;
    // started 360000 ticks = 3600 s after a boot at 1700000000; 5 fds; address space unlimited.
    // 4343: stat only: no fd directory, and limits the parser rejects.
    const fake = await makeProcRoot({
      stat: procStatText(1700000000),
      auxv: auxvWithPageSize(16384),
      processes: [
        { pid: 4242, stat: statLine, limits: limitsText(kernelLimits), fds: 5 },
        { pid: 4343, stat: statLine, limits: limitsText([["Max open files", "lots", "524288", "files"]]) },
      ],
    });
    root = fake.root;
    removes.push(fake.remove);
    const withoutBtime = await makeProcRoot({ stat: procStatText(undefined), processes: [{ pid: 4242, stat: statLine }] });
    noBootTime = withoutBtime.root;
    removes.push(withoutBtime.remove);
  });

  afterAll(async () => {
    for (const remove of removes) await remove();
  });

  it("describes the seven metrics of client_golang, in its order", () => {
    const ch = new Channel<Desc>();
    newProcessCollector({ procRoot: root, pid: 4242 }).describe(ch);
    expect(ch.takeAll().map((d) => d.fqName)).toEqual([
      "process_cpu_seconds_total",
      "process_open_fds",
      "process_max_fds",
      "process_virtual_memory_bytes",
      "process_virtual_memory_max_bytes",
      "process_resident_memory_bytes",
      "process_start_time_seconds",
    ]);
  });

  it("exposes the exact values of the fixture", async () => {
    expect(metricFamiliesToText(await gather({ procRoot: root, pid: 4242, reportErrors: true }))).toBe(expected4242);
  });

  it("calls a pid function at every collection", async () => {
    let calls = 0;
    const pid = () => (calls++, 4242);
    const registry = newPedanticRegistry();
    registry.mustRegister(newProcessCollector({ procRoot: root, pid }));
    await registry.gather();
    await registry.gather();
    expect(calls).toBe(2);
  });

  it("reads the pid from a pid file with newPidFileFn", async () => {
    const pidFile = join(root, "demo.pid");
    await writeFile(pidFile, "4242\n");
    expect(metricFamiliesToText(await gather({ procRoot: root, pid: newPidFileFn(pidFile) }))).toBe(expected4242);
  });

  it("prefixes every name with the namespace", async () => {
    const families = await gather({ procRoot: root, pid: 4242, namespace: "demo" });
    expect(names(families)).toEqual([
      "demo_process_cpu_seconds_total",
      "demo_process_max_fds",
      "demo_process_open_fds",
      "demo_process_resident_memory_bytes",
      "demo_process_start_time_seconds",
      "demo_process_virtual_memory_bytes",
      "demo_process_virtual_memory_max_bytes",
    ]);
  });

  it("cannot be registered twice on one registry", () => {
    const registry = newPedanticRegistry();
    registry.mustRegister(newProcessCollector({ procRoot: root }));
    expect(registry.register(newProcessCollector({ procRoot: root }))).toBeInstanceOf(AlreadyRegisteredError);
  });

  describe("by default, ignores errors and collects what it can (Go's default)", () => {
    it("a proc root that does not exist yields no metrics", async () => {
      expect(await gather({ procRoot: join(root, "missing") })).toEqual([]);
    });

    it("a process that does not exist yields no metrics", async () => {
      expect(await gather({ procRoot: root, pid: 9999 })).toEqual([]);
    });

    it("a process with unreadable fds and limits yields the metrics of its stat", async () => {
      expect(names(await gather({ procRoot: root, pid: 4343 }))).toEqual([
        "process_cpu_seconds_total",
        "process_resident_memory_bytes",
        "process_start_time_seconds",
        "process_virtual_memory_bytes",
      ]);
    });
  });

  describe("with reportErrors, reports each error as an invalid metric", () => {
    it("a proc root that does not exist: process metrics not supported on this platform", async () => {
      const err = await gatherError({ procRoot: join(root, "missing"), reportErrors: true });
      expect(err.errors).toHaveLength(1);
      expect(err.errors[0]).toBeInstanceOf(ProcfsError);
      expect(err.errors[0].message).toBe("process metrics not supported on this platform");
      expect(err.families).toEqual([]);
    });

    it("a process that does not exist: the error of the file system", async () => {
      const err = await gatherError({ procRoot: root, pid: 9999, reportErrors: true });
      expect(err.errors).toHaveLength(1);
      expect(err.errors[0]).toBeInstanceOf(ProcfsError);
      expect(err.errors[0].path).toBe(join(root, "9999"));
      expect(err.errors[0].message).toMatch(/^ENOENT: no such file or directory/);
    });

    it("unreadable fds and bad limits: two errors, and the other metrics beside them", async () => {
      const err = await gatherError({ procRoot: root, pid: 4343, reportErrors: true });
      const messages = err.errors.map((e: Error) => e.message);
      expect(messages).toHaveLength(2);
      expect(messages[0]).toMatch(/^error collecting metric Desc\{fqName: "process_open_fds", .*ENOENT/);
      expect(messages[1]).toBe(`couldn't parse value "lots"`);
      expect(names(err.families)).toHaveLength(4);
    });

    it("a /proc/stat without btime: an error for the start time only", async () => {
      const err = await gatherError({ procRoot: noBootTime, pid: 4242, reportErrors: true });
      expect(err.errors).toHaveLength(3); // start time, and (no files in this root) fds and limits
      const startTimeError = err.errors[0] as PrometheusError;
      expect(startTimeError.message).toBe(
        `error collecting metric Desc{fqName: "process_start_time_seconds", help: "Start time of the process since unix epoch in seconds.", constLabels: {}, variableLabels: []}: couldn't find btime in ${JSON.stringify(join(noBootTime, "stat"))}`,
      );
      expect(startTimeError.cause).toBeInstanceOf(ProcfsError);
      expect(names(err.families)).toEqual([
        "process_cpu_seconds_total",
        "process_resident_memory_bytes",
        "process_virtual_memory_bytes",
      ]);
    });

    it("a pid function that throws: its error", async () => {
      const pid = () => {
        throw new Error("no daemon running");
      };
      const err = await gatherError({ procRoot: root, pid, reportErrors: true });
      expect(err.errors.map((e: Error) => e.message)).toEqual(["no daemon running"]);
      expect(err.errors[0]).toBeInstanceOf(PrometheusError);
    });

    it("a pid file that does not hold a number: a PidFileError", async () => {
      const pidFile = join(root, "bad.pid");
      await writeFile(pidFile, "not-a-pid\n");
      const err = await gatherError({ procRoot: root, pid: newPidFileFn(pidFile), reportErrors: true });
      expect(err.errors[0]).toBeInstanceOf(PidFileError);
      expect(err.errors[0].message).toBe(`can't parse pid file ${JSON.stringify(pidFile)}: "not-a-pid" is not a number`);
      expect(err.errors[0].path).toBe(pidFile);
    });
  });

  itPassesPromtool("passes promtool check metrics", async () => expected4242);
});

describe.runIf(existsSync("/proc/self/stat"))("newProcessCollector on this process's /proc", () => {
  const value = (families: dto.MetricFamily[], name: string): number => {
    const m = families.find((f) => f.name === name)?.metric[0];
    const v = m?.gauge?.value ?? m?.counter?.value;
    expect(v, name).toBeTypeOf("number");
    return v!;
  };

  it("collects all seven metrics, with plausible values", async () => {
    const families = await gather({ reportErrors: true });
    expect(names(families)).toEqual([
      "process_cpu_seconds_total",
      "process_max_fds",
      "process_open_fds",
      "process_resident_memory_bytes",
      "process_start_time_seconds",
      "process_virtual_memory_bytes",
      "process_virtual_memory_max_bytes",
    ]);
    const now = Date.now() / 1000;
    expect(value(families, "process_cpu_seconds_total")).toBeGreaterThan(0);
    expect(value(families, "process_open_fds")).toBeGreaterThanOrEqual(3);
    expect(value(families, "process_max_fds")).toBeGreaterThanOrEqual(value(families, "process_open_fds"));
    expect(value(families, "process_resident_memory_bytes")).toBeGreaterThan(1 << 20);
    expect(value(families, "process_virtual_memory_bytes")).toBeGreaterThan(value(families, "process_resident_memory_bytes"));
    expect(value(families, "process_virtual_memory_max_bytes")).toBeGreaterThan(0);
    const started = value(families, "process_start_time_seconds");
    expect(started).toBeGreaterThan(now - 86400);
    expect(started).toBeLessThanOrEqual(now + 1); // boot time is whole seconds, start time in ticks
  });

  it("reports the soft limit on open files that the shell sees", async () => {
    const ulimit = execFileSync("sh", ["-c", "ulimit -n"], { encoding: "utf8" }).trim();
    const expected = ulimit === "unlimited" ? 2 ** 64 : Number(ulimit);
    expect(value(await gather({ pid: () => process.pid }), "process_max_fds")).toBe(expected);
  });

  it("agrees with process.memoryUsage() on the resident memory, within 20%", async () => {
    const rss = value(await gather({}), "process_resident_memory_bytes");
    expect(Math.abs(rss - process.memoryUsage().rss) / rss).toBeLessThan(0.2);
  });

  itPassesPromtool("passes promtool check metrics", async () => metricFamiliesToText(await gather({ reportErrors: true })));
});
