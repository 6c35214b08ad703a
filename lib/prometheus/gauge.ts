/**
 * Gauge: a value that can go up and down. Use it for temperatures, queue lengths, memory in use,
 * the number of things that exist now.
 *
 * Counterpart: client_golang's gauge.go (`Gauge`, `NewGauge`, `GaugeVec`, `NewGaugeVec`,
 * `GaugeFunc`, `NewGaugeFunc`).
 *
 * @module
 */

import { descFromOpts, type GaugeOpts } from "./metric.js";
import { Settable, SettableColumns } from "./settable.js";
import { MetricVec } from "./vec.js";
import type { SeriesLimitOpts } from "./series-limit.js";
import { ValueFunc } from "./value.js";

/** Gauge is a metric whose value can be set, increased and decreased. */
export class Gauge extends Settable {
  /** Creates a gauge from options; the same as {@link newGauge}. */
  constructor(opts: GaugeOpts);
  /** @internal A handle on a slot of a GaugeVec. */
  constructor(columns: SettableColumns<Gauge>, slot: number, serial: number, labelValues: readonly string[]);
  constructor(optsOrColumns: GaugeOpts | SettableColumns<Gauge>, slot?: number, serial?: number, labelValues?: readonly string[]) {
    super("gauge", optsOrColumns as GaugeOpts | SettableColumns<Settable>, slot, serial, labelValues);
  }

  /** setToCurrentTime sets the gauge to the current Unix time in seconds. */
  setToCurrentTime(): void {
    this.set(Date.now() / 1000);
  }
}

/** newGauge creates a gauge from options (Go's `NewGauge`). */
export function newGauge(opts: GaugeOpts): Gauge {
  return new Gauge(opts);
}

/** GaugeVec bundles gauges of one name that differ in their label values. */
export class GaugeVec extends MetricVec<Gauge> {
  /** Creates a gauge vec; the same as {@link newGaugeVec}. */
  constructor(opts: GaugeOpts & SeriesLimitOpts, labelNames: readonly string[]) {
    const desc = descFromOpts(opts, labelNames);
    super(desc, new SettableColumns<Gauge>(desc, "gauge", (columns, slot, serial, values) => new Gauge(columns, slot, serial, values)), opts);
  }
}

/**
 * newGaugeVec creates a GaugeVec (Go's `NewGaugeVec`).
 * @example
 * ```ts
 * const total = newGaugeVec({ namespace: "demo", name: "total", help: "demo total" }, ["region_id", "instance_id"]);
 * total.with({ region_id: "region1", instance_id: "instance1" }).set(1);
 * ```
 */
export function newGaugeVec(opts: GaugeOpts & SeriesLimitOpts, labelNames: readonly string[]): GaugeVec {
  return new GaugeVec(opts, labelNames);
}

/** newGaugeFunc creates a gauge whose value is read from fn at each collection (Go's `NewGaugeFunc`). */
export function newGaugeFunc(opts: GaugeOpts, fn: () => number): ValueFunc {
  return new ValueFunc(descFromOpts(opts, null), "gauge", fn);
}
