/**
 * The Node.js collector: V8 heap sizes, event-loop delay, garbage collection pauses, active
 * handles and requests, and the Node.js version.
 *
 * Counterpart: client_golang's go_collector.go (`NewGoCollector`: `go_memstats_*`,
 * `go_gc_duration_seconds`, `go_goroutines`, `go_info`), translated to what the Node runtime
 * measures. Unlike the Go runtime, which keeps its own statistics, Node needs observers to be
 * started: event-loop delay is sampled by `perf_hooks.monitorEventLoopDelay` and GC pauses arrive
 * as `gc` performance entries. So the collector has a lifecycle: it starts observing when created
 * and stops when {@link NodeJSCollector.close} is called, which lets tests and the process exit.
 *
 * @module
 */

import {
  constants,
  type IntervalHistogram,
  monitorEventLoopDelay,
  type NodeGCPerformanceDetail,
  type PerformanceEntry,
  PerformanceObserver,
} from "node:perf_hooks";
import { getHeapSpaceStatistics, getHeapStatistics } from "node:v8";

import {
  type Collector,
  type Desc,
  GaugeValue,
  type HistogramVec,
  type Metric,
  mustNewConstMetric,
  newDesc,
  newHistogramVec,
  type SendOnlyChannel,
} from "../prometheus/index.js";

/**
 * GCDurationBuckets are the default buckets of `nodejs_gc_duration_seconds`: from 0.1 ms (a small
 * scavenge) to 5 s (a full mark-compact of a very large heap).
 */
export const GCDurationBuckets: readonly number[] = Object.freeze([
  0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5,
]);

/** NodeJSCollectorOpts tune a collector created with {@link newNodeJSCollector}. */
export interface NodeJSCollectorOpts {
  /** How often the event-loop delay is sampled, in milliseconds (perf_hooks' `resolution`, default 10). */
  eventLoopResolutionMs?: number;
  /** The buckets of `nodejs_gc_duration_seconds`; defaults to {@link GCDurationBuckets}. */
  gcDurationBuckets?: readonly number[];
}

/**
 * newNodeJSCollector returns a collector of the Node.js runtime's metrics, and starts the event-loop
 * delay monitor and the GC observer it reads. Call `close()` when done with it.
 * @throws {InvalidOptionsError} for invalid `gcDurationBuckets`.
 * @example
 * ```ts
 * const nodejs = newNodeJSCollector();
 * registry.mustRegister(nodejs);
 * // ... on shutdown:
 * nodejs.close();
 * ```
 */
export function newNodeJSCollector(opts: NodeJSCollectorOpts = {}): NodeJSCollector {
  return new NodeJSCollector(opts);
}

/** The GC kinds of perf_hooks' `constants.NODE_PERFORMANCE_GC_*`, as label values. */
const gcKinds: ReadonlyMap<number, string> = new Map([
  [constants.NODE_PERFORMANCE_GC_MINOR, "minor"],
  [constants.NODE_PERFORMANCE_GC_MAJOR, "major"],
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL, "incremental"],
  [constants.NODE_PERFORMANCE_GC_WEAKCB, "weakcb"],
]);

/** The event-loop delay gauges: the mean, and the statistics in their own gauges. */
const lagStatistics = [
  ["", "Mean", (h: IntervalHistogram) => h.mean],
  ["min_", "Minimum", (h: IntervalHistogram) => h.min],
  ["max_", "Maximum", (h: IntervalHistogram) => h.max],
  ["p50_", "50th percentile of the", (h: IntervalHistogram) => h.percentile(50)],
  ["p90_", "90th percentile of the", (h: IntervalHistogram) => h.percentile(90)],
  ["p99_", "99th percentile of the", (h: IntervalHistogram) => h.percentile(99)],
] as const;

/** NodeJSCollector collects the Node.js runtime's metrics; see {@link newNodeJSCollector}. */
export class NodeJSCollector implements Collector {
  readonly #heapTotal = newDesc("nodejs_heap_size_total_bytes", "Total size of the V8 heap in bytes.");
  readonly #heapUsed = newDesc("nodejs_heap_size_used_bytes", "Used size of the V8 heap in bytes.");
  readonly #external = newDesc(
    "nodejs_external_memory_bytes",
    "Memory of C++ objects bound to JavaScript objects managed by V8, in bytes.",
  );
  readonly #heapSpaceUsed = newDesc(
    "nodejs_heap_space_size_used_bytes",
    "Used size of each V8 heap space in bytes.",
    ["space"],
  );
  readonly #lag: readonly { desc: Desc; read: (h: IntervalHistogram) => number }[] = lagStatistics.map(
    ([infix, what, read]) => ({
      desc: newDesc(
        `nodejs_eventloop_lag_${infix}seconds`,
        `${what} event loop delay in seconds since the previous collection (NaN when not sampled).`,
      ),
      read,
    }),
  );
  readonly #activeHandles = newDesc(
    "nodejs_active_handles",
    "Number of active handles (sockets, servers, timers, ...) keeping the event loop alive.",
  );
  readonly #activeRequests = newDesc(
    "nodejs_active_requests",
    "Number of active requests (file system operations, DNS lookups, writes, ...) keeping the event loop alive.",
  );
  readonly #versionInfo = newDesc("nodejs_version_info", "Information about the Node.js environment.", null, {
    version: process.version,
    ...versionLabels(process.versions.node),
  });
  readonly #gcDuration: HistogramVec;
  readonly #eventLoopDelay: IntervalHistogram;
  readonly #gcObserver: PerformanceObserver;
  #closed = false;

  /** Creates the collector and starts its observers; the same as {@link newNodeJSCollector}. */
  constructor(opts: NodeJSCollectorOpts = {}) {
    this.#gcDuration = newHistogramVec(
      {
        name: "nodejs_gc_duration_seconds",
        help: "Duration of garbage collection pauses in seconds, by kind (minor, major, incremental, weakcb).",
        buckets: opts.gcDurationBuckets ?? GCDurationBuckets,
      },
      ["kind"],
    );
    for (const kind of gcKinds.values()) this.#gcDuration.withLabelValues(kind);
    this.#eventLoopDelay = monitorEventLoopDelay({ resolution: opts.eventLoopResolutionMs ?? 10 });
    this.#eventLoopDelay.enable();
    this.#gcObserver = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) this.#observeGC(entry);
    });
    this.#gcObserver.observe({ entryTypes: ["gc"] });
  }

  describe(ch: SendOnlyChannel<Desc>): void {
    ch.send(this.#heapTotal);
    ch.send(this.#heapUsed);
    ch.send(this.#external);
    ch.send(this.#heapSpaceUsed);
    for (const { desc } of this.#lag) ch.send(desc);
    this.#gcDuration.describe(ch);
    ch.send(this.#activeHandles);
    ch.send(this.#activeRequests);
    ch.send(this.#versionInfo);
  }

  /**
   * collect sends the current values. The event-loop delay statistics cover the time since the
   * previous collection: the monitor is reset after each one, so that a long-running process
   * reports recent delays rather than the statistics of its whole life. (Two Prometheus servers
   * scraping one process therefore each see part of the samples.)
   */
  collect(ch: SendOnlyChannel<Metric>): void {
    const heap = getHeapStatistics();
    ch.send(mustNewConstMetric(this.#heapTotal, GaugeValue, heap.total_heap_size));
    ch.send(mustNewConstMetric(this.#heapUsed, GaugeValue, heap.used_heap_size));
    ch.send(mustNewConstMetric(this.#external, GaugeValue, heap.external_memory));
    for (const space of getHeapSpaceStatistics()) {
      const name = space.space_name.replace(/_space$/, "");
      ch.send(mustNewConstMetric(this.#heapSpaceUsed, GaugeValue, space.space_used_size, name));
    }
    this.#collectEventLoopDelay(ch);
    this.#gcDuration.collect(ch);
    const { handles, requests } = countActiveResources(process.getActiveResourcesInfo());
    ch.send(mustNewConstMetric(this.#activeHandles, GaugeValue, handles));
    ch.send(mustNewConstMetric(this.#activeRequests, GaugeValue, requests));
    ch.send(mustNewConstMetric(this.#versionInfo, GaugeValue, 1));
  }

  /**
   * close stops the event-loop delay monitor and the GC observer. The collector can still be
   * collected; its event-loop and GC metrics just stop changing. Idempotent.
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#eventLoopDelay.disable();
    this.#gcObserver.disconnect();
  }

  #collectEventLoopDelay(ch: SendOnlyChannel<Metric>): void {
    const h = this.#eventLoopDelay;
    const sampled = h.count > 0;
    for (const { desc, read } of this.#lag) {
      ch.send(mustNewConstMetric(desc, GaugeValue, sampled ? read(h) / 1e9 : NaN));
    }
    h.reset();
  }

  #observeGC(entry: PerformanceEntry): void {
    // Node 16+ puts the kind in `detail`; @types/node only types `detail` on marks and measures.
    const detail = (entry as PerformanceEntry & { detail?: NodeGCPerformanceDetail }).detail;
    const kind = gcKinds.get(detail?.kind ?? -1) ?? "unknown";
    this.#gcDuration.withLabelValues(kind).observe(entry.duration / 1000);
  }
}

/**
 * countActiveResources splits the resource types of `process.getActiveResourcesInfo()` into
 * libuv requests and handles. Node lists requests by the class of their request wrapper
 * (`FSReqCallback`, `FSReqPromise`, `CloseReq`, `GetAddrInfoReqWrap`, `WriteWrap`,
 * `ShutdownWrap`, `ConnectWrap`, `SendWrap`); everything else (`TCPWrap`, `TTYWrap`, `Timeout`,
 * `Immediate`, ...) counts as a handle.
 */
export function countActiveResources(types: readonly string[]): { handles: number; requests: number } {
  let requests = 0;
  for (const type of types) if (isRequestType(type)) requests++;
  return { handles: types.length - requests, requests };
}

function isRequestType(type: string): boolean {
  return /Req(Callback|Promise|Wrap)?$/.test(type) || /^(Write|Shutdown|Connect|Send)Wrap$/.test(type);
}

/** versionLabels splits a `major.minor.patch` version into labels; missing parts are empty. */
function versionLabels(version: string): { major: string; minor: string; patch: string } {
  const [major = "", minor = "", patch = ""] = version.split(".");
  return { major, minor, patch };
}
