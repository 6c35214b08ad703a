/**
 * The process collector: CPU time, memory, open file descriptors, limits and start time of a
 * process, read from the Linux proc filesystem.
 *
 * Counterpart: client_golang's process_collector.go and process_collector_other.go
 * (`NewProcessCollector`, `ProcessCollectorOpts`, `NewPidFileFn`), as exposed by its
 * collectors/process_collector.go. Metric names, help texts and error behaviour are Go's; the
 * files are read by procfs.ts. Go reads them one after the other; we read them concurrently and
 * send the metrics in Go's order.
 *
 * @module
 */

import { statSync } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";

import type * as dto from "../model/index.js";
import {
  buildFQName,
  type Collector,
  CounterValue,
  type Desc,
  GaugeValue,
  type Metric,
  mustNewConstMetric,
  newDesc,
  newInvalidDesc,
  PrometheusError,
  type SendOnlyChannel,
} from "../prometheus/index.js";
import {
  asProcfsError,
  countFileDescriptors,
  cpuTime,
  ProcfsError,
  type ProcLimits,
  type ProcStat,
  readBootTime,
  readLimits,
  readPageSize,
  readProcStat,
  startTime,
} from "./procfs.js";

/** ProcessCollectorOpts defines the behaviour of a collector created with {@link newProcessCollector}. */
export interface ProcessCollectorOpts {
  /**
   * The process to collect for: a PID, or a function called at every collection that returns one
   * (or a promise of one; see {@link newPidFileFn}). Defaults to this process, as determined at
   * construction.
   */
  pid?: number | (() => number | Promise<number>);
  /** If not empty, every metric name is prefixed with it and an underscore. */
  namespace?: string;
  /**
   * If true, any error met during collection is reported as an invalid metric, which makes the
   * gather fail for it. Otherwise (the default) errors are ignored and the metrics are
   * incomplete, possibly empty: right for the usual "mix-in" of process metrics, which are nice
   * to have but should not break the collection of the others.
   */
  reportErrors?: boolean;
  /** Where the proc filesystem is mounted; `/proc` unless a spec points it at a fixture. */
  procRoot?: string;
}

/**
 * newProcessCollector returns a collector of the metrics of a process: CPU time, virtual and
 * resident memory, open and maximum file descriptors, maximum virtual memory and start time.
 *
 * It works where a Linux-style proc filesystem is mounted at `procRoot`; elsewhere it collects
 * nothing (or, with `reportErrors`, reports "process metrics not supported on this platform").
 *
 * @example
 * ```ts
 * const registry = newRegistry();
 * registry.mustRegister(newProcessCollector());
 * ```
 */
export function newProcessCollector(opts: ProcessCollectorOpts = {}): Collector {
  return new ProcessCollector(opts);
}

/** PidFileError reports a PID file that cannot be read or does not hold a PID. */
export class PidFileError extends PrometheusError {
  /** The PID file concerned. */
  readonly path: string;

  constructor(message: string, path: string, options?: ErrorOptions) {
    super(message, options);
    this.path = path;
  }
}

/**
 * newPidFileFn returns a function that reads a PID from the file at `path`, for the `pid` option:
 * the file is read at every collection, so a restarted daemon is followed.
 * The function rejects with a {@link PidFileError}.
 */
export function newPidFileFn(path: string): () => Promise<number> {
  return async () => {
    let content: string;
    try {
      content = await readFile(path, "utf8");
    } catch (err) {
      throw new PidFileError(`can't read pid file ${JSON.stringify(path)}: ${messageOf(err)}`, path, { cause: err });
    }
    const text = content.trim();
    if (!/^[+-]?\d+$/.test(text)) {
      const message = `can't parse pid file ${JSON.stringify(path)}: ${JSON.stringify(text)} is not a number`;
      throw new PidFileError(message, path);
    }
    return Number(text);
  };
}

/** The descriptors of the process metrics, in the order Go describes them. */
interface ProcessDescs {
  cpuTotal: Desc;
  openFDs: Desc;
  maxFDs: Desc;
  vsize: Desc;
  maxVsize: Desc;
  rss: Desc;
  startTime: Desc;
}

function processDescs(namespace: string): ProcessDescs {
  const desc = (name: string, help: string) => newDesc(buildFQName(namespace, "", name), help);
  return {
    cpuTotal: desc("process_cpu_seconds_total", "Total user and system CPU time spent in seconds."),
    openFDs: desc("process_open_fds", "Number of open file descriptors."),
    maxFDs: desc("process_max_fds", "Maximum number of open file descriptors."),
    vsize: desc("process_virtual_memory_bytes", "Virtual memory size in bytes."),
    maxVsize: desc("process_virtual_memory_max_bytes", "Maximum amount of virtual memory available in bytes."),
    rss: desc("process_resident_memory_bytes", "Resident memory size in bytes."),
    startTime: desc("process_start_time_seconds", "Start time of the process since unix epoch in seconds."),
  };
}

/** ProcessCollector collects the metrics of one process; see {@link newProcessCollector}. */
class ProcessCollector implements Collector {
  readonly #descs: ProcessDescs;
  readonly #pidFn: () => number | Promise<number>;
  readonly #reportErrors: boolean;
  readonly #procRoot: string;
  readonly #supported: boolean;
  /** The page size, read once, on the first collection. */
  #pageSize: Promise<number> | undefined;

  constructor(opts: ProcessCollectorOpts) {
    this.#descs = processDescs(opts.namespace ?? "");
    const pid = opts.pid ?? process.pid;
    this.#pidFn = typeof pid === "function" ? pid : () => pid;
    this.#reportErrors = opts.reportErrors ?? false;
    this.#procRoot = opts.procRoot ?? "/proc";
    this.#supported = isDirectory(this.#procRoot);
  }

  describe(ch: SendOnlyChannel<Desc>): void {
    for (const desc of Object.values(this.#descs)) ch.send(desc);
  }

  async collect(ch: SendOnlyChannel<Metric>): Promise<void> {
    if (!this.#supported) {
      const err = new ProcfsError("process metrics not supported on this platform", this.#procRoot);
      this.#reportError(ch, undefined, err);
      return;
    }
    const pid = await this.#resolvePid(ch);
    if (pid === undefined) return;
    const root = this.#procRoot;
    const [[procStat, bootTime, fds, limits], pageSize] = await Promise.all([
      Promise.allSettled([
        readProcStat(root, pid),
        readBootTime(root),
        countFileDescriptors(root, pid),
        readLimits(root, pid),
      ]),
      (this.#pageSize ??= readPageSize(root)),
    ]);
    this.#sendStat(ch, procStat, bootTime, pageSize);
    this.#sendFDs(ch, fds);
    this.#sendLimits(ch, limits);
  }

  /** sendStat sends what /proc/<pid>/stat gives: CPU time, memory sizes and start time. */
  #sendStat(
    ch: SendOnlyChannel<Metric>,
    procStat: PromiseSettledResult<ProcStat>,
    bootTime: PromiseSettledResult<number>,
    pageSize: number,
  ): void {
    if (procStat.status === "rejected") {
      this.#reportError(ch, undefined, procStat.reason);
      return;
    }
    const d = this.#descs;
    const s = procStat.value;
    ch.send(mustNewConstMetric(d.cpuTotal, CounterValue, cpuTime(s)));
    ch.send(mustNewConstMetric(d.vsize, GaugeValue, s.vsize));
    ch.send(mustNewConstMetric(d.rss, GaugeValue, s.rss * pageSize));
    if (bootTime.status === "fulfilled") {
      ch.send(mustNewConstMetric(d.startTime, GaugeValue, startTime(s, bootTime.value)));
    } else {
      this.#reportError(ch, d.startTime, bootTime.reason);
    }
  }

  /** sendFDs sends the number of open file descriptors. */
  #sendFDs(ch: SendOnlyChannel<Metric>, fds: PromiseSettledResult<number>): void {
    if (fds.status === "fulfilled") ch.send(mustNewConstMetric(this.#descs.openFDs, GaugeValue, fds.value));
    else this.#reportError(ch, this.#descs.openFDs, fds.reason);
  }

  /** sendLimits sends the soft limits on file descriptors and virtual memory. */
  #sendLimits(ch: SendOnlyChannel<Metric>, limits: PromiseSettledResult<ProcLimits>): void {
    if (limits.status === "rejected") {
      this.#reportError(ch, undefined, limits.reason);
      return;
    }
    ch.send(mustNewConstMetric(this.#descs.maxFDs, GaugeValue, limits.value.openFiles));
    ch.send(mustNewConstMetric(this.#descs.maxVsize, GaugeValue, limits.value.addressSpace));
  }

  /**
   * resolvePid calls the PID function and checks that the process exists (procfs' `NewProc`); on
   * failure it reports the error and returns undefined.
   */
  async #resolvePid(ch: SendOnlyChannel<Metric>): Promise<number | undefined> {
    let pid: number;
    try {
      pid = await this.#pidFn();
    } catch (err) {
      this.#reportError(ch, undefined, err);
      return undefined;
    }
    const dir = join(this.#procRoot, String(pid));
    try {
      await stat(dir);
    } catch (err) {
      this.#reportError(ch, undefined, asProcfsError(err, dir));
      return undefined;
    }
    return pid;
  }

  /**
   * reportError sends an invalid metric for err when errors are reported, and does nothing
   * otherwise. With a descriptor, the metric's write fails; without, its descriptor carries err.
   */
  #reportError(ch: SendOnlyChannel<Metric>, desc: Desc | undefined, err: unknown): void {
    if (!this.#reportErrors) return;
    const e = err instanceof PrometheusError ? err : new PrometheusError(messageOf(err), { cause: err });
    ch.send(newInvalidMetric(desc ?? newInvalidDesc(e), e));
  }
}

/**
 * newInvalidMetric returns a metric whose `write` throws err, so that a gather reports err for
 * it (client_golang's `NewInvalidMetric`). It lives here until the prometheus package has it.
 */
export function newInvalidMetric(desc: Desc, err: PrometheusError): Metric {
  return {
    desc: () => desc,
    write: (): dto.Metric => {
      throw err;
    },
  };
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
