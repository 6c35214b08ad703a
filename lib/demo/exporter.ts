/**
 * The demo collector of the original write-up, line for line: an `Exporter` holding a host and a
 * logger, a const descriptor `demo_version` and a gauge vector `demo_total`; `describe` sends both
 * descriptors, `collect` sends the version as a const metric, resets the vector, counts the scrape
 * and sets `{region_id="region1",instance_id="instance1"}` to the count, then collects the vector.
 *
 * The Go original, for comparison:
 * ```go
 * func (e *Exporter) Describe(ch chan<- *prometheus.Desc) {
 *     ch <- e.version
 *     e.total.Describe(ch)
 * }
 * func (e *Exporter) Collect(ch chan<- prometheus.Metric) {
 *     ch <- prometheus.MustNewConstMetric(e.version, prometheus.GaugeValue, 0.8)
 *     e.total.Reset()
 *     start++
 *     e.total.With(prometheus.Labels{"region_id": "region1", "instance_id": "instance1"}).Set(float64(start))
 *     e.total.Collect(ch)
 * }
 * ```
 * One deliberate difference: Go keeps `start` in a package variable; here each exporter keeps its
 * own count, so two exporters (or two tests) do not share it. `collect` never awaits, so two
 * concurrent scrapes cannot interleave inside it: each sees its own increment.
 *
 * @module
 */

import type { Logger } from "../log/index.js";
import {
  buildFQName,
  type Collector,
  type Desc,
  GaugeValue,
  type GaugeVec,
  type Metric,
  mustNewConstMetric,
  newDesc,
  newGaugeVec,
  type SendOnlyChannel,
} from "../prometheus/index.js";
import type { Config } from "./config.js";

/** namespace prefixes every demo metric. */
export const namespace = "demo";

/** version is the value `demo_version` reports. */
export const version = 0.8;

/** Exporter is the demo collector. */
export class Exporter implements Collector {
  readonly host: string;
  readonly logger: Logger;
  readonly version: Desc;
  readonly total: GaugeVec;
  #start = 0;

  constructor(logger: Logger, config: Config) {
    this.host = config.host;
    this.logger = logger;
    this.version = newDesc(buildFQName(namespace, "", "version"), "demo exporter version", null, null);
    this.total = newGaugeVec({ namespace, name: "total", help: "demo total" }, ["region_id", "instance_id"]);
  }

  /** describe sends the version descriptor and the total vector's descriptor. */
  describe(ch: SendOnlyChannel<Desc>): void {
    ch.send(this.version);
    this.total.describe(ch);
  }

  /** collect sends the version, then the total vector set to the number of scrapes so far. */
  collect(ch: SendOnlyChannel<Metric>): void {
    ch.send(mustNewConstMetric(this.version, GaugeValue, version));
    this.total.reset();
    this.#start++;
    this.total.with({ region_id: "region1", instance_id: "instance1" }).set(this.#start);
    this.total.collect(ch);
    this.logger.debug("collected demo metrics", "host", this.host, "scrape", this.#start);
  }
}

/** newExporter creates the demo exporter (Go's `NewExporter(logger, config)`). */
export function newExporter(logger: Logger | undefined, config: Config): Exporter {
  return new Exporter(logger ?? nopLogger, config);
}

/** nopLogger discards everything; for exporters built without a logger (tests, examples). */
export const nopLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  with() {
    return nopLogger;
  },
};
