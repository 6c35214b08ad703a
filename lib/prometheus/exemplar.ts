/**
 * Exemplars: a sample's link to one concrete event behind it, typically a trace, as a few labels
 * (`trace_id="..."`), the observed value and when it was observed. Counters carry one exemplar,
 * histograms one per bucket; the OpenMetrics and protobuf formats expose them, the text format
 * does not.
 *
 * Counterpart: `Exemplar`, `NewMetricWithExemplars`, `MustNewMetricWithExemplars` and
 * `withExemplarsMetric` in client_golang's metric.go; `newExemplar` and `ExemplarMaxRunes` in its
 * value.go; the `ExemplarAdder` and `ExemplarObserver` interfaces of counter.go and observer.go.
 *
 * Where we differ from Go, and why:
 * - An exemplar's label pairs are sorted by name. Go ranges over a map, so its order (and which
 *   of several invalid labels is reported) changes from run to run; ours is deterministic.
 * - A histogram exemplar whose value is NaN goes to the `+Inf` bucket. Go's search finds no
 *   bucket for NaN and appends a `+Inf` bucket each time, which can write two of them.
 * - `write` of a metric with exemplars copies what the wrapped metric wrote before attaching
 *   them: Go sets the exemplar on the wrapped const metric's own counter, which every later
 *   write then shares.
 *
 * @module
 */

import type * as dto from "../model/index.js";
import type { Desc } from "./desc.js";
import { InvalidExemplarError } from "./errors.js";
import { checkLabelName, compareLabelPairs, goQuote, isValidUTF8, type Labels } from "./labels.js";
import type { Metric } from "./metric.js";
import { type Result, resultOf } from "./value.js";

/** ExemplarMaxRunes is the most runes an exemplar's label names and values may hold together. */
export const ExemplarMaxRunes = 128;

/**
 * Exemplar is the user-facing form of an exemplar, given to {@link newMetricWithExemplars}
 * (Go's `Exemplar`).
 */
export interface Exemplar {
  /** The observed value the exemplar stands for. */
  value: number;
  /** Its labels, e.g. `{ trace_id: "4bf92f3577b34da6" }`; at most 128 runes in all. */
  labels: Labels;
  /** When it was observed: a Date or ms since the epoch. When left out, the time it is made. */
  timestamp?: Date | number;
}

/**
 * ExemplarAdder is implemented by counters that can add a value together with an exemplar
 * (Go's `ExemplarAdder`). `addWithExemplar` works like `add` and also replaces the saved
 * exemplar with one made from the value, the current time and `labels`. Empty labels make a valid
 * exemplar without labels; no labels at all (undefined) leave the saved exemplar in place.
 */
export interface ExemplarAdder {
  addWithExemplar(value: number, labels?: Labels): void;
}

/**
 * ExemplarObserver is implemented by histograms that can observe a value together with an
 * exemplar (Go's `ExemplarObserver`): the exemplar replaces the one of the bucket the value falls
 * in, the `+Inf` bucket included.
 */
export interface ExemplarObserver {
  observeWithExemplar(value: number, labels?: Labels): void;
}

/**
 * newExemplar makes the client_model form of an exemplar and checks it as client_golang's
 * `newExemplar` does: the timestamp within 0001-01-01 to 9999-12-31, every label name valid (and
 * not reserved), every label value valid UTF-8, and all names and values together at most
 * {@link ExemplarMaxRunes} runes. The result is frozen.
 *
 * @throws {InvalidExemplarError} with Go's messages, e.g. `exemplar label name ":o)" is invalid`
 * or `exemplar labels have 129 runes, exceeding the limit of 128`.
 */
export function newExemplar(value: number, timestampMs: number, labels: Labels): dto.Exemplar {
  checkTimestamp(timestampMs);
  const label: dto.LabelPair[] = [];
  let runes = 0;
  for (const name of Object.keys(labels).sort()) {
    const v = labels[name];
    if (!checkLabelName(name)) throw new InvalidExemplarError(`exemplar label name ${goQuote(name)} is invalid`);
    runes += runeCount(name);
    if (typeof v !== "string") throw new InvalidExemplarError(`exemplar label value ${String(v)} is not a string`);
    if (!isValidUTF8(v)) throw new InvalidExemplarError(`exemplar label value ${goQuote(v)} is not valid UTF-8`);
    runes += runeCount(v);
    label.push(Object.freeze({ name, value: v }));
  }
  if (runes > ExemplarMaxRunes) {
    throw new InvalidExemplarError(`exemplar labels have ${runes} runes, exceeding the limit of ${ExemplarMaxRunes}`);
  }
  label.sort(compareLabelPairs);
  return Object.freeze({ label: Object.freeze(label), value, timestampMs });
}

/** runeCount counts code points, as Go's `utf8.RuneCountInString` counts runes. */
function runeCount(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** The range of a protobuf `Timestamp`, in whole seconds since the epoch. */
const minTimestampSeconds = -62135596800;
const maxTimestampSeconds = 253402300799;

/**
 * checkTimestamp rejects what protobuf's `Timestamp.CheckValid` rejects, with its message
 * (`proto: timestamp (seconds:253402300800) after 9999-12-31`).
 */
function checkTimestamp(ms: number): void {
  if (typeof ms !== "number" || !Number.isFinite(ms)) {
    throw new InvalidExemplarError(`exemplar timestamp must be a valid date or a finite number of ms, got ${String(ms)}`);
  }
  const seconds = Math.floor(ms / 1000);
  if (seconds >= minTimestampSeconds && seconds <= maxTimestampSeconds) return;
  const nanos = Math.round((ms - seconds * 1000) * 1e6);
  const text = nanos === 0 ? `seconds:${seconds}` : `seconds:${seconds} nanos:${nanos}`;
  throw new InvalidExemplarError(
    `proto: timestamp (${text}) ${seconds < minTimestampSeconds ? "before 0001-01-01" : "after 9999-12-31"}`,
  );
}

/** timestampMsOf turns an exemplar's Date or ms into ms; NaN for an invalid date. */
function timestampMsOf(t: Date | number): number {
  return t instanceof Date ? t.getTime() : t;
}

/**
 * newMetricWithExemplars returns a metric that writes `metric` with the given exemplars attached
 * (Go's `NewMetricWithExemplars`): to a counter, the last exemplar; to a histogram, each exemplar
 * to the first bucket whose upper bound is at least its value (the last one wins per bucket),
 * adding a `+Inf` bucket for values above every bound. Exemplars without a timestamp get the
 * current time, the same for all. Writing a metric that is neither a counter nor a histogram
 * fails. Returns the error instead of throwing.
 *
 * @example
 * ```ts
 * const [m, err] = newMetricWithExemplars(
 *   mustNewConstMetric(desc, CounterValue, 42),
 *   { value: 1, labels: { trace_id: "4bf92f3577b34da6" }, timestamp: 1.6e12 },
 * );
 * ```
 */
export function newMetricWithExemplars(metric: Metric, ...exemplars: Exemplar[]): Result<Metric> {
  return resultOf(() => mustNewMetricWithExemplars(metric, ...exemplars));
}

/**
 * mustNewMetricWithExemplars is newMetricWithExemplars that throws the error instead of returning it.
 * @throws {InvalidExemplarError} for no exemplars ("no exemplar was passed for
 * NewMetricWithExemplars", Go's message) or an invalid one.
 */
export function mustNewMetricWithExemplars(metric: Metric, ...exemplars: Exemplar[]): Metric {
  if (exemplars.length === 0) throw new InvalidExemplarError("no exemplar was passed for NewMetricWithExemplars");
  const now = Date.now();
  const made = exemplars.map((e) => newExemplar(e.value, e.timestamp === undefined ? now : timestampMsOf(e.timestamp), e.labels ?? {}));
  return new MetricWithExemplars(metric, made);
}

/** MetricWithExemplars wraps a metric to attach exemplars to what it writes (Go's `withExemplarsMetric`). */
class MetricWithExemplars implements Metric {
  readonly #metric: Metric;
  readonly #exemplars: readonly dto.Exemplar[];
  /** The last metric the wrapped one wrote, and what this one made of it. */
  #lastInner: dto.Metric | undefined;
  #lastWritten: dto.Metric | undefined;

  constructor(metric: Metric, exemplars: readonly dto.Exemplar[]) {
    this.#metric = metric;
    this.#exemplars = exemplars;
  }

  desc(): Desc {
    return this.#metric.desc();
  }

  /**
   * write writes the wrapped metric and attaches the exemplars to a copy.
   * @throws {InvalidExemplarError} "cannot inject exemplar into Gauge, Summary or Untyped".
   */
  write(): dto.Metric {
    const inner = this.#metric.write();
    if (inner === this.#lastInner && this.#lastWritten !== undefined) return this.#lastWritten;
    let written: dto.Metric;
    if (inner.counter !== undefined) {
      written = { ...inner, counter: { ...inner.counter, exemplar: this.#exemplars[this.#exemplars.length - 1]! } };
    } else if (inner.histogram !== undefined) {
      written = { ...inner, histogram: { ...inner.histogram, bucket: withBucketExemplars(inner.histogram, this.#exemplars) } };
    } else {
      throw new InvalidExemplarError("cannot inject exemplar into Gauge, Summary or Untyped");
    }
    this.#lastInner = inner;
    return (this.#lastWritten = written);
  }
}

/** withBucketExemplars returns a copy of h's buckets with each exemplar on the bucket its value falls in. */
function withBucketExemplars(h: dto.Histogram, exemplars: readonly dto.Exemplar[]): dto.Bucket[] {
  const buckets = [...h.bucket];
  for (const e of exemplars) {
    let i = firstBucketAtLeast(buckets, e.value);
    if (i === buckets.length && Number.isNaN(e.value) && buckets[i - 1]?.upperBound === Infinity) i--;
    if (i < buckets.length) buckets[i] = { ...buckets[i]!, exemplar: e };
    else buckets.push({ cumulativeCount: h.sampleCount, upperBound: Infinity, exemplar: e });
  }
  return buckets;
}

/** firstBucketAtLeast returns the index of the first bucket whose upper bound is ≥ v (buckets sorted by bound). */
function firstBucketAtLeast(buckets: readonly dto.Bucket[], v: number): number {
  let lo = 0;
  let hi = buckets.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (buckets[mid]!.upperBound >= v) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
