/**
 * HostCollector: the load average and the memory of a Linux host, read from /proc at every scrape.
 *
 * The values live in the kernel, not in this program, so the collector keeps no gauges: at every
 * scrape it reads the files and sends const metrics, made anew each time (client_golang's advice
 * for exporters that proxy another system, and what node_exporter's loadavg and meminfo
 * collectors do). The one thing it keeps is a counter of its own failures, a live CounterVec.
 *
 * Counterparts: node_exporter's collector/loadavg.go and collector/meminfo.go, and client_golang's
 * example_clustermanager_test.go for the shape of a collector of const metrics.
 *
 * @module
 */

import {
  buildFQName,
  type Collector,
  type CounterVec,
  type Desc,
  GaugeValue,
  type Metric,
  mustNewConstMetric,
  newCounterVec,
  newDesc,
  type SendOnlyChannel,
} from "../../lib/prometheus/index.js";
import { parseLoadavg, parseMeminfo, readProcFile } from "./proc.js";

/** namespace prefixes every metric of this exporter. */
export const namespace = "host";

/** memoryFields are the /proc/meminfo fields exported, each as a gauge of its own, in bytes. */
export const memoryFields = [
  { field: "MemTotal", name: "memory_total_bytes", help: "Total usable memory in bytes." },
  { field: "MemFree", name: "memory_free_bytes", help: "Memory not used for anything, in bytes." },
  {
    field: "MemAvailable",
    name: "memory_available_bytes",
    help: "Memory available for starting new applications without swapping, in bytes.",
  },
  { field: "SwapTotal", name: "swap_total_bytes", help: "Total swap space in bytes." },
  { field: "SwapFree", name: "swap_free_bytes", help: "Unused swap space in bytes." },
] as const;

/** HostCollectorOptions configure a HostCollector; every field has a default. */
export interface HostCollectorOptions {
  /** Where the proc file system is mounted. Default `/proc`; tests point it at testdata. */
  procRoot?: string;
  /** Called with every error reading a file, after it was counted (e.g. to log it). */
  onError?: (err: Error) => void;
}

/** HostCollector collects the load average and memory of the host. */
export class HostCollector implements Collector {
  readonly procRoot: string;
  readonly load1 = gaugeDesc("load1", "1m load average.");
  readonly load5 = gaugeDesc("load5", "5m load average.");
  readonly load15 = gaugeDesc("load15", "15m load average.");
  readonly tasksRunnable = gaugeDesc("tasks_runnable", "Scheduling entities (processes, threads) that are runnable.");
  readonly tasks = gaugeDesc("tasks", "Scheduling entities (processes, threads) that exist.");
  /** The memory descriptors by /proc/meminfo field. */
  readonly memory: ReadonlyMap<string, Desc> = new Map(
    memoryFields.map(({ field, name, help }) => [field, gaugeDesc(name, help)]),
  );
  readonly readErrors: CounterVec = newCounterVec(
    { namespace, name: "read_errors_total", help: "Errors reading or parsing a proc file, by file." },
    ["file"],
  );
  readonly #onError: (err: Error) => void;

  constructor(options: HostCollectorOptions = {}) {
    this.procRoot = options.procRoot ?? "/proc";
    this.#onError = options.onError ?? (() => {});
    // Create both series now, so that they are exported as 0 before the first error.
    this.readErrors.withLabelValues("loadavg");
    this.readErrors.withLabelValues("meminfo");
  }

  /** describe sends every descriptor collect may use: the gauges and the error counter's. */
  describe(ch: SendOnlyChannel<Desc>): void {
    for (const desc of [this.load1, this.load5, this.load15, this.tasksRunnable, this.tasks]) ch.send(desc);
    for (const desc of this.memory.values()) ch.send(desc);
    this.readErrors.describe(ch);
  }

  /**
   * collect reads both files (at once) and sends what it could read, then the error counter. A
   * file that cannot be read or parsed leaves out its own metrics only.
   */
  async collect(ch: SendOnlyChannel<Metric>): Promise<void> {
    const [loadavg, meminfo] = await Promise.all([
      this.#read("loadavg", parseLoadavg),
      this.#read("meminfo", parseMeminfo),
    ]);
    if (loadavg !== undefined) {
      ch.send(mustNewConstMetric(this.load1, GaugeValue, loadavg.load1));
      ch.send(mustNewConstMetric(this.load5, GaugeValue, loadavg.load5));
      ch.send(mustNewConstMetric(this.load15, GaugeValue, loadavg.load15));
      ch.send(mustNewConstMetric(this.tasksRunnable, GaugeValue, loadavg.runnable));
      ch.send(mustNewConstMetric(this.tasks, GaugeValue, loadavg.entities));
    }
    if (meminfo !== undefined) {
      for (const [field, desc] of this.memory) {
        const bytes = meminfo.get(field);
        if (bytes !== undefined) ch.send(mustNewConstMetric(desc, GaugeValue, bytes));
      }
    }
    this.readErrors.collect(ch);
  }

  /** read reads and parses one file; a failure is counted, reported, and yields undefined. */
  async #read<T>(file: string, parse: (text: string, path: string) => T): Promise<T | undefined> {
    try {
      return await readProcFile(this.procRoot, file, parse);
    } catch (err) {
      this.readErrors.withLabelValues(file).inc();
      this.#onError(err as Error);
      return undefined;
    }
  }
}

/** newHostCollector creates a HostCollector (the `NewXxxCollector` of Go exporters). */
export function newHostCollector(options: HostCollectorOptions = {}): HostCollector {
  return new HostCollector(options);
}

function gaugeDesc(name: string, help: string): Desc {
  return newDesc(buildFQName(namespace, "", name), help, null, null);
}
