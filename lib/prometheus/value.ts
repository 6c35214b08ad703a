/**
 * Value types and const metrics: metrics built for one scrape from values a collector read
 * elsewhere (a file, a device, an API), instead of metrics that live and are updated in-process.
 *
 * Counterpart: client_golang's value.go (`ValueType`, `NewConstMetric`, `MustNewConstMetric`,
 * `MakeLabelPairs`, `NewMetricWithTimestamp`), with `NewConstMetricWithCreatedTimestamp` and
 * `MustNewConstMetricWithCreatedTimestamp` of client_golang 1.17+.
 *
 * @module
 */

import type * as dto from "../model/index.js";
import { Desc } from "./desc.js";
import { keepShape } from "./internal/shapes.js";
import { InvalidValueError, type PrometheusError } from "./errors.js";
import { compareLabelPairs, validateLabelValues } from "./labels.js";
import type { Metric } from "./metric.js";

/** ValueType says how a const metric's value is exposed (Go's `ValueType`, an iota there). */
export type ValueType = "counter" | "gauge" | "untyped";

/** CounterValue marks a value as a counter. */
export const CounterValue: ValueType = "counter";
/** GaugeValue marks a value as a gauge. */
export const GaugeValue: ValueType = "gauge";
/** UntypedValue marks a value as untyped. */
export const UntypedValue: ValueType = "untyped";

/**
 * Result is what Go's `(T, error)` returns become: `[value, undefined]` on success,
 * `[undefined, err]` on failure, so that `m, err := f()` reads `const [m, err] = f()`.
 */
export type Result<T> = [T, undefined] | [undefined, PrometheusError];

/** resultOf runs a throwing `must*` form and returns its value or its error as a {@link Result}. */
export function resultOf<T>(fn: () => T): Result<T> {
  try {
    return [fn(), undefined];
  } catch (err) {
    return [undefined, err as PrometheusError];
  }
}

/**
 * ConstMetric is a metric whose state is fixed at construction: what newConstMetric,
 * newConstHistogram and newConstSummary return.
 */
export class ConstMetric implements Metric {
  readonly #desc: Desc;
  readonly #metric: dto.Metric;

  constructor(desc: Desc, metric: dto.Metric) {
    this.#desc = desc;
    this.#metric = metric;
  }

  desc(): Desc {
    return this.#desc;
  }

  write(): dto.Metric {
    return this.#metric;
  }
}

/**
 * newConstMetric returns a metric with one fixed value that cannot be changed. It checks the
 * descriptor's own error, the number of label values and their UTF-8 validity, and returns an
 * error instead of throwing, as Go returns `(Metric, error)`.
 */
export function newConstMetric(
  desc: Desc,
  valueType: ValueType,
  value: number,
  ...labelValues: string[]
): Result<Metric> {
  return resultOf(() => mustNewConstMetric(desc, valueType, value, ...labelValues));
}

/**
 * mustNewConstMetric is newConstMetric that throws the error instead of returning it.
 * @throws {PrometheusError} as newConstMetric would return.
 * @example
 * ```ts
 * ch.send(mustNewConstMetric(versionDesc, GaugeValue, 0.8));
 * ```
 */
export function mustNewConstMetric(desc: Desc, valueType: ValueType, value: number, ...labelValues: string[]): Metric {
  if (desc.err !== undefined) throw desc.err;
  validateLabelValues(labelValues, desc.variableLabels.length);
  checkValue(valueType, value);
  return new ConstValueMetric(desc, valueType, value, labelValues);
}

/** checkValue throws what populateMetric throws for a value type and value. */
function checkValue(valueType: ValueType, value: number): void {
  if (typeof value !== "number") throw new InvalidValueError(`metric value must be a number, got ${typeof value}`);
  if (valueType !== "counter" && valueType !== "gauge" && valueType !== "untyped") {
    throw new InvalidValueError(`encountered unknown type ${String(valueType)}`);
  }
}

/**
 * ConstValueMetric is what mustNewConstMetric returns: a descriptor, checked label values and a
 * value, from which `write` makes the client_model metric. A registry gathers many of them as
 * rows (internal/const-rows.ts) instead of writing each: it knows they were checked when made.
 */
export class ConstValueMetric implements Metric {
  readonly #desc: Desc;
  /** @internal */
  readonly valueType: ValueType;
  /** @internal */
  readonly value: number;
  /** @internal The label values, checked, in the order of the descriptor's variable labels. */
  readonly labelValues: readonly string[];
  /** What write made, made on the first call: a const metric writes the same data every time. */
  #written: dto.Metric | undefined;

  /** @internal Only mustNewConstMetric makes one, with what it checked. */
  constructor(desc: Desc, valueType: ValueType, value: number, labelValues: readonly string[]) {
    this.#desc = desc;
    this.valueType = valueType;
    this.value = value;
    this.labelValues = labelValues;
  }

  desc(): Desc {
    return this.#desc;
  }

  write(): dto.Metric {
    return (this.#written ??= populateMetric(this.valueType, this.value, makeLabelPairs(this.#desc, this.labelValues)));
  }
}

// A collector makes const metrics at every collect and drops them after the gather, and what
// they write with them: one of each lives on so that their shapes do (internal/shapes.ts).
keepShape(new ConstValueMetric(new Desc("shape", "An exemplar.", [], null), "gauge", 0.5, []));
keepShape(new ConstValueMetric(new Desc("shape", "An exemplar.", ["a", "b"], null), "gauge", 0.5, ["", ""]).write());

/**
 * newConstMetricWithCreatedTimestamp is newConstMetric for a counter that also carries its
 * creation time `ct` (a Date or ms since the epoch), which OpenMetrics writes as `_created` and
 * protobuf as `created_timestamp`. Only counters have one. Returns the error instead of throwing.
 */
export function newConstMetricWithCreatedTimestamp(
  desc: Desc,
  valueType: ValueType,
  value: number,
  ct: Date | number,
  ...labelValues: string[]
): Result<Metric> {
  return resultOf(() => mustNewConstMetricWithCreatedTimestamp(desc, valueType, value, ct, ...labelValues));
}

/**
 * mustNewConstMetricWithCreatedTimestamp is newConstMetricWithCreatedTimestamp that throws.
 * @throws {PrometheusError} as newConstMetric, and {@link InvalidValueError} "created timestamps
 * are only supported for counters" for another value type or for an invalid `ct`.
 * @example
 * ```ts
 * ch.send(mustNewConstMetricWithCreatedTimestamp(jobsDesc, CounterValue, 42, startedAt));
 * ```
 */
export function mustNewConstMetricWithCreatedTimestamp(
  desc: Desc,
  valueType: ValueType,
  value: number,
  ct: Date | number,
  ...labelValues: string[]
): Metric {
  if (desc.err !== undefined) throw desc.err;
  validateLabelValues(labelValues, desc.variableLabels.length);
  if (valueType !== "counter") throw new InvalidValueError("created timestamps are only supported for counters");
  const createdMs = createdTimestampMsOf(ct);
  return new ConstMetric(desc, populateMetric(valueType, value, makeLabelPairs(desc, labelValues), createdMs));
}

/**
 * withCreatedTimestamp returns a const metric that writes what `metric` writes, with the creation
 * time `ct` on its counter, histogram or summary: the shared tail of the `...WithCreatedTimestamp`
 * forms of const histograms and summaries.
 * @throws {InvalidValueError} for an invalid `ct`.
 */
export function withCreatedTimestamp(metric: Metric, ct: Date | number): Metric {
  const createdTimestampMs = createdTimestampMsOf(ct);
  const m = metric.write();
  const created: dto.Metric = { ...m };
  if (m.counter !== undefined) created.counter = { ...m.counter, createdTimestampMs };
  if (m.histogram !== undefined) created.histogram = { ...m.histogram, createdTimestampMs };
  if (m.summary !== undefined) created.summary = { ...m.summary, createdTimestampMs };
  return new ConstMetric(metric.desc(), created);
}

/**
 * createdTimestampMsOf turns a created timestamp given as a Date or ms since the epoch into ms.
 * @throws {InvalidValueError} for an invalid date or a number of ms that is not finite.
 */
export function createdTimestampMsOf(ct: Date | number): number {
  const ms = ct instanceof Date ? ct.getTime() : ct;
  if (typeof ms !== "number" || !Number.isFinite(ms)) {
    throw new InvalidValueError(`created timestamp must be a valid date or a finite number of ms, got ${String(ct)}`);
  }
  return ms;
}

/**
 * populateMetric builds the client_model data of a counter, gauge or untyped sample; a counter
 * gets `createdTimestampMs` when given.
 * @throws {InvalidValueError} for an unknown value type or a value that is not a number.
 */
export function populateMetric(
  valueType: ValueType,
  value: number,
  label: readonly dto.LabelPair[],
  createdTimestampMs?: number,
): dto.Metric {
  if (typeof value !== "number") {
    throw new InvalidValueError(`metric value must be a number, got ${typeof value}`);
  }
  switch (valueType) {
    case "counter":
      return { label, counter: createdTimestampMs === undefined ? { value } : { value, createdTimestampMs } };
    case "gauge":
      return { label, gauge: { value } };
    case "untyped":
      return { label, untyped: { value } };
    default:
      throw new InvalidValueError(`encountered unknown type ${String(valueType)}`);
  }
}

/**
 * makeLabelPairs combines a descriptor's variable label names with the given values and its const
 * label pairs, sorted by name. With no variable labels, the descriptor's own (shared) array is
 * returned. The result is frozen.
 */
export function makeLabelPairs(desc: Desc, labelValues: readonly string[]): readonly dto.LabelPair[] {
  if (desc.variableLabels.length === 0) return desc.constLabelPairs;
  return Object.freeze(buildLabelPairs(desc, labelValues));
}

/**
 * labelPairsOf returns the label pairs of a series: the descriptor's const labels when it has no
 * label values, else {@link makeLabelPairs} of the values (frozen, sorted by name).
 */
export function labelPairsOf(desc: Desc, labelValues: readonly string[] | undefined): readonly dto.LabelPair[] {
  if (labelValues === undefined) return desc.constLabelPairs;
  return makeLabelPairs(desc, labelValues);
}

function buildLabelPairs(desc: Desc, labelValues: readonly string[]): dto.LabelPair[] {
  const variable = desc.variableLabels;
  const constPairs = desc.constLabelPairs;
  const pairs = new Array<dto.LabelPair>(variable.length + constPairs.length);
  for (let i = 0; i < variable.length; i++) pairs[i] = { name: variable[i]!, value: labelValues[i]! };
  for (let i = 0; i < constPairs.length; i++) pairs[variable.length + i] = constPairs[i]!;
  if (pairs.length > 1) pairs.sort(compareLabelPairs);
  return pairs;
}

/** MetricWithTimestamp wraps a metric to add an explicit timestamp to what it writes. */
class MetricWithTimestamp implements Metric {
  readonly #metric: Metric;
  readonly #timestampMs: number;

  constructor(metric: Metric, timestampMs: number) {
    this.#metric = metric;
    this.#timestampMs = timestampMs;
  }

  desc(): Desc {
    return this.#metric.desc();
  }

  write(): dto.Metric {
    return { ...this.#metric.write(), timestampMs: this.#timestampMs };
  }
}

/**
 * newMetricWithTimestamp returns a metric that writes `metric` with an explicit timestamp: a Date,
 * or milliseconds since the epoch (a fraction is truncated towards the past, as Go's millisecond
 * conversion does). Use it only for values whose time is genuinely known and not "now".
 * @throws {InvalidValueError} for an invalid date, a number of ms that is not finite, or one beyond
 * ±(2^53 − 1), which would not be written as the exact integer the format needs.
 */
export function newMetricWithTimestamp(t: Date | number, metric: Metric): Metric {
  const ms = t instanceof Date ? t.getTime() : t;
  if (typeof ms !== "number" || !Number.isFinite(ms)) {
    throw new InvalidValueError(`timestamp must be a valid date or a finite number of ms, got ${String(t)}`);
  }
  const truncated = Math.floor(ms);
  if (!Number.isSafeInteger(truncated)) {
    throw new InvalidValueError(`timestamp ${String(ms)} ms is not within ±${Number.MAX_SAFE_INTEGER} ms`);
  }
  return new MetricWithTimestamp(metric, truncated);
}

/**
 * ValueFunc is a metric whose value is read from a function at every collection: the counterpart
 * of client_golang's `valueFunc`, behind `newCounterFunc`, `newGaugeFunc` and `newUntypedFunc`.
 * It is its own collector.
 */
export class ValueFunc implements Metric {
  readonly #desc: Desc;
  readonly #valueType: ValueType;
  readonly #fn: () => number;

  constructor(desc: Desc, valueType: ValueType, fn: () => number) {
    if (typeof fn !== "function") throw new InvalidValueError(`value function for ${desc.fqName} is not a function`);
    this.#desc = desc;
    this.#valueType = valueType;
    this.#fn = fn;
  }

  desc(): Desc {
    return this.#desc;
  }

  /** write calls the function; what it throws propagates as the collection error of this metric. */
  write(): dto.Metric {
    return populateMetric(this.#valueType, this.#fn(), this.#desc.constLabelPairs);
  }

  describe(ch: { send(d: Desc): void | Promise<void> }): void {
    ch.send(this.#desc);
  }

  collect(ch: { send(m: Metric): void | Promise<void> }): void {
    ch.send(this);
  }
}
