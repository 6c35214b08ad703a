/**
 * Series limits: an opt-in bound on the number of series one vec holds, so that a label fed with
 * user IDs or URLs cannot grow an exporter without bound.
 *
 * Not in client_golang (nor prom-client): our addition, after the cardinality limit of
 * OpenTelemetry's SDK, which sends what does not fit to one overflow attribute set. The rules:
 *
 * - **Where a limit comes from.** `maxSeries` in a vec's options (`newCounterVec({ ..., maxSeries:
 *   10_000 }, [...])`), or the `maxSeries` of the {@link Registry} it is registered with: a
 *   registry's limit is given, at registration, to each vec that has none yet, so a vec made before
 *   registration gets it too. A limit, once set, stays (a second registry does not change it).
 *   A limit given to a vec that already holds more series deletes nothing; new label sets are
 *   turned away until deletions bring it under the limit.
 * - **What it counts.** Every series of the vec (all curried views share them), the overflow series
 *   included: up to `maxSeries - 1` label sets of its own, and the last place is kept for the
 *   overflow series, so the vec never exports more than `maxSeries` series.
 * - **The overflow series** has every variable label set to {@link overflowLabelValue}
 *   (`"__overflow__"`): one series per vec, a valid label value, easy to select in PromQL
 *   (`{path="__overflow__"}`), and shown as what it is on every label. A caller who writes
 *   `"__overflow__"` in every label gets that same series: it is one label set, not a second one.
 * - **When the vec is full**, `withLabelValues` and `with` hand back the overflow series instead of
 *   a new one: the observation is kept there, and nothing is thrown into the instrumented code.
 *   `getMetricWithLabelValues` and `getMetricWith`, the forms that return errors, return a
 *   {@link SeriesLimitError} that carries the overflow series, for callers who want to know.
 *   Either way the label set is counted as turned away (see {@link newSeriesLimitCollector}).
 * - **Deleting** series (`delete*`, `reset`) makes room again. Nothing moves out of the overflow
 *   series: its counters only grow, like any other series, until it is itself deleted.
 *
 * @module
 */

import type { SendOnlyChannel } from "./channel.js";
import type { Collector } from "./collector.js";
import { type Desc, newDesc } from "./desc.js";
import { InvalidOptionsError, PrometheusError } from "./errors.js";
import { goQuote, goSlice } from "./labels.js";
import type { Metric } from "./metric.js";
import { SeriesTable } from "./internal/series-table.js";
import { CounterValue, mustNewConstMetric, type Result, resultOf } from "./value.js";
import type { VecKind } from "./internal/metric-map.js";

/** SeriesLimitOpts is the option every `new…Vec` takes besides the metric's own options. */
export interface SeriesLimitOpts {
  /**
   * The most series the vec holds, its overflow series included: a positive integer, or
   * `Infinity` for no limit (not even a registry's). Default: the limit of the registry it is
   * registered with, if any.
   */
  maxSeries?: number;
}

/** overflowLabelValue is the value of every variable label of a vec's overflow series. */
export const overflowLabelValue = "__overflow__";

/**
 * SeriesLimitError is returned by `getMetricWithLabelValues` and `getMetricWith` of a full vec for
 * a label set it has no room for. `overflow` is the overflow series, where `withLabelValues` would
 * have sent the observation.
 */
export class SeriesLimitError<M extends Metric = Metric> extends PrometheusError {
  /** The vec's limit. */
  readonly maxSeries: number;
  /** The label values turned away (all variable labels, curried ones included). */
  readonly labelValues: readonly string[];
  /** The vec's overflow series. */
  readonly overflow: M;

  constructor(message: string, maxSeries: number, labelValues: readonly string[], overflow: M) {
    super(message);
    this.maxSeries = maxSeries;
    this.labelValues = labelValues;
    this.overflow = overflow;
  }
}

/** SeriesLimit is the limit of one vec (of its table, which curried views share). */
interface SeriesLimit {
  readonly max: number;
  /** Every variable label set to overflowLabelValue. */
  readonly overflowValues: readonly string[];
}

const limits = new WeakMap<SeriesTable, SeriesLimit>();

/** Label sets turned away, per metric name, over every limited vec of the process. */
const turnedAway = new Map<string, number>();

/** Set while a `getMetricWith…` form runs: a turned-away label set then becomes an error. */
let strict = false;

/**
 * checkMaxSeries returns `value` if it is a valid limit (a positive integer or `Infinity`).
 * @throws {InvalidOptionsError} for anything else, naming `where` the option was given.
 */
export function checkMaxSeries(value: unknown, where: string): number {
  if (typeof value === "number" && value >= 1 && (Number.isInteger(value) || value === Infinity)) return value;
  throw new InvalidOptionsError(`maxSeries of ${where} must be a positive integer, got ${String(value)}`);
}

/**
 * limitSeries gives the series of `table` the limit of `opts`, if it has one (a vec's
 * constructor calls it).
 * @throws {InvalidOptionsError} for an invalid `maxSeries`.
 */
export function limitSeries(table: SeriesTable, opts: SeriesLimitOpts | undefined): void {
  if (opts?.maxSeries === undefined) return;
  setLimit(table, checkMaxSeries(opts.maxSeries, `metric ${goQuote(table.desc.fqName)}`));
}

/**
 * applyDefaultSeriesLimit gives `collector`, when it is a vec (or wraps one) without a limit, the
 * limit `maxSeries` (a registry calls it for each collector it registers).
 */
export function applyDefaultSeriesLimit(collector: Collector, maxSeries: number): void {
  let c: unknown = collector;
  while (c !== null && typeof c === "object" && typeof (c as { unwrap?: unknown }).unwrap === "function") {
    c = (c as { unwrap(): unknown }).unwrap();
  }
  // A vec keeps its series in a protected `metricMap` field; views and vec share it.
  const table = (c as { metricMap?: { table?: unknown } } | null)?.metricMap?.table;
  if (table instanceof SeriesTable && !limits.has(table)) setLimit(table, maxSeries);
}

/** setLimit records the limit; `Infinity` is recorded too, so that no registry's limit replaces it. */
function setLimit(table: SeriesTable, max: number): void {
  limits.set(table, { max, overflowValues: Object.freeze(new Array<string>(table.width).fill(overflowLabelValue)) });
  if (max !== Infinity && !turnedAway.has(table.desc.fqName)) turnedAway.set(table.desc.fqName, 0);
}

/**
 * newSeries returns the child for label values the table does not hold yet (validated by the
 * caller): a new series when the vec has room, else its overflow series (or, inside
 * {@link strictResultOf}, a {@link SeriesLimitError} carrying it).
 * @throws {SeriesLimitError} inside strictResultOf, for a label set turned away.
 */
export function newSeries<M>(table: SeriesTable, kind: VecKind<M>, values: readonly string[]): M {
  const limit = limits.get(table);
  if (limit === undefined || hasRoom(table, limit, values)) {
    const slot = table.create(values);
    return kind.child(slot, table.serials[slot]!, values);
  }
  const name = table.desc.fqName;
  turnedAway.set(name, (turnedAway.get(name) ?? 0) + 1);
  const overflowValues = limit.overflowValues;
  let slot = table.find(overflowValues);
  if (slot < 0) slot = table.create(overflowValues);
  const overflow = kind.child(slot, table.serials[slot]!, overflowValues);
  if (!strict) return overflow;
  const message =
    `series limit reached: metric ${goQuote(name)} with variable labels ${goSlice(table.desc.variableLabels)} ` +
    `holds ${table.count} series (maxSeries ${limit.max}); label values [${values.map(goQuote).join(" ")}] ` +
    "go to its overflow series";
  throw new SeriesLimitError(message, limit.max, [...values], overflow as M & Metric);
}

/**
 * hasRoom reports whether a new series may be made for `values`: the overflow label set always
 * may; another while the places left, minus the one kept for the overflow series until it exists,
 * are not all taken.
 */
function hasRoom(table: SeriesTable, limit: SeriesLimit, values: readonly string[]): boolean {
  const count = table.count;
  if (count + 1 < limit.max) return true;
  if (values.every((v) => v === overflowLabelValue)) return true;
  return count < limit.max && table.find(limit.overflowValues) >= 0;
}

/**
 * strictResultOf is {@link resultOf} for the `getMetricWith…` forms of a vec: a label set that a
 * full vec turns away while `fn` runs becomes a {@link SeriesLimitError} instead of the overflow
 * series. (Calls are synchronous, so one flag for the module is enough.)
 */
export function strictResultOf<T>(fn: () => T): Result<T> {
  const outer = strict;
  strict = true;
  try {
    return resultOf(fn);
  } finally {
    strict = outer;
  }
}

/** seriesOverflowDesc describes the counter of label sets turned away. */
const seriesOverflowDesc: Desc = newDesc(
  "prometheus_vec_series_overflow_total",
  "Label sets that vecs with a series limit turned away to their overflow series, by metric name.",
  ["name"],
  null,
);

/**
 * newSeriesLimitCollector returns a collector of `prometheus_vec_series_overflow_total{name}`:
 * per metric name, how many times a vec of that name with a series limit turned a new label set
 * away to its overflow series, summed over every such vec of the process. A name shows, at 0, as
 * soon as a vec of that name has a limit. Register it beside the vecs (or in an exporter's own
 * registry) to see overflow happen; nothing is registered by itself.
 * @example
 * ```ts
 * registry.mustRegister(newSeriesLimitCollector());
 * ```
 */
export function newSeriesLimitCollector(): Collector {
  return {
    describe(ch: SendOnlyChannel<Desc>): void {
      ch.send(seriesOverflowDesc);
    },
    collect(ch: SendOnlyChannel<Metric>): void {
      for (const [name, count] of turnedAway) ch.send(mustNewConstMetric(seriesOverflowDesc, CounterValue, count, name));
    },
  };
}

/**
 * seriesTurnedAway returns how many label sets vecs named `name` turned away so far (what
 * {@link newSeriesLimitCollector} exports for that name), 0 for a name never limited.
 */
export function seriesTurnedAway(name: string): number {
  return turnedAway.get(name) ?? 0;
}
