/**
 * Histogram: counts observations (request durations, response sizes) in configurable buckets and
 * keeps their sum, so that quantiles can be estimated and aggregated on the server with
 * `histogram_quantile`.
 *
 * Counterpart: client_golang's histogram.go (`Histogram`, `HistogramOpts`, `NewHistogram`,
 * `HistogramVec`, `DefBuckets`, `LinearBuckets`, `ExponentialBuckets`, `ExponentialBucketsRange`,
 * `NewConstHistogram`, `MustNewConstHistogram`, `ObserveWithExemplar`, and the bucket limit of
 * `limitBuckets` and `maybeReset`), with the creation time client_golang records since 1.17
 * (`createdTs`, `NewConstHistogramWithCreatedTimestamp`).
 *
 * A histogram has classic buckets (fixed upper bounds, written cumulatively with an `le` label),
 * native buckets (exponential, sparse; see native-histogram.ts and native-buckets.ts), or both.
 * Go keeps two copies of the counts and swaps them so that observations need no lock; here one
 * copy does (see collector.ts on why JavaScript needs no locks).
 *
 * @module
 */

import type * as dto from "../model/index.js";
import { SlotHandle } from "./internal/slot-handle.js";
import { Desc } from "./desc.js";
import { InvalidOptionsError, InvalidValueError } from "./errors.js";
import { type ExemplarObserver, newExemplar } from "./exemplar.js";
import { BucketLabel, goQuote, type Labels, validateLabelValues } from "./labels.js";
import { descFromOpts, type Metric, type Opts } from "./metric.js";
import {
  NativeBuckets,
  nativeHistogramConfig,
  type NativeHistogramOpts,
} from "./native-buckets.js";
import {
  bucketsAt,
  countAt,
  createdAt,
  type HistogramConfig,
  HistogramColumns,
  type NativeState,
  sumAt,
} from "./internal/histogram-columns.js";
import { MetricVec } from "./vec.js";
import type { SeriesLimitOpts } from "./series-limit.js";
import { ConstMetric, makeLabelPairs, labelPairsOf, type Result, resultOf, withCreatedTimestamp } from "./value.js";

/**
 * DefBuckets are the default histogram buckets, tailored to measure the response time (in seconds)
 * of a network service.
 */
export const DefBuckets: readonly number[] = Object.freeze([0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]);

/**
 * HistogramOpts bundles the options for creating a Histogram or HistogramVec: the classic
 * buckets, and the native buckets of {@link NativeHistogramOpts}.
 */
export interface HistogramOpts extends Opts, NativeHistogramOpts {
  /**
   * The inclusive upper bounds of the classic buckets, strictly increasing. A trailing `+Inf` is
   * implicit and may be left out. Empty or left out: {@link DefBuckets}, unless the histogram has
   * native buckets, in which case it has no classic ones (give them here to have both).
   */
  buckets?: readonly number[];
}

/** histogramConfig checks and resolves the options that shape the buckets. @throws {InvalidOptionsError} */
function histogramConfig(opts: HistogramOpts): HistogramConfig {
  const native = nativeHistogramConfig(opts);
  return { upperBounds: validateBuckets(opts.buckets, native !== undefined), native };
}

/**
 * Histogram counts observations into buckets and keeps their count and sum. It records when it
 * was made (written as its created timestamp) and keeps, per classic bucket (`+Inf` included),
 * the exemplar of the latest {@link Histogram.observeWithExemplar} that fell in it.
 *
 * A Histogram is a handle on a slot of HistogramColumns (internal/histogram-columns.ts): a vec's histograms share
 * columns, and a histogram made on its own has columns of one slot. A handle whose series has
 * been deleted from its vec is detached (see vec.ts).
 */
export class Histogram extends SlotHandle<HistogramColumns> implements ExemplarObserver {

  /** Creates a histogram from options; the same as {@link newHistogram}. */
  constructor(opts: HistogramOpts);
  /** @internal A handle on a slot of a HistogramVec. */
  constructor(columns: HistogramColumns, slot: number, serial: number, labelValues: readonly string[]);
  constructor(optsOrColumns: HistogramOpts | HistogramColumns, slot = 0, serial = 1, labelValues?: readonly string[]) {
    super(columnsOf(optsOrColumns), slot, serial, labelValues);
  }

  desc(): Desc {
    return this.columns.desc;
  }

  /**
   * observe adds a single observation: it counts into the first classic bucket whose upper bound
   * is at least v (bounds are inclusive), into its native bucket (not for NaN), and adds v to the
   * sum. With a native bucket limit, it may then reset the histogram, widen the zero bucket or
   * halve the resolution (see {@link NativeHistogramOpts}).
   * @throws {InvalidValueError} if v is not a number (a string would turn the sum into text).
   */
  observe(v: number): void {
    if (typeof v !== "number") throw notANumber(v);
    const columns = this.live();
    this.#observe(columns, v, findBucket(columns.config.upperBounds, v));
  }

  /**
   * observeWithExemplar observes v and replaces the exemplar of the classic bucket v falls in
   * (the `+Inf` bucket included) with one made of v, the current time and `labels` (Go's
   * `ObserveWithExemplar`). Undefined labels keep the bucket's exemplar. The exemplar is checked
   * before anything changes (Go observes first, then panics on a bad exemplar).
   * @throws {InvalidValueError} if v is not a number.
   * @throws {InvalidExemplarError} for an invalid label name or value, or over 128 runes of labels.
   * @example
   * ```ts
   * latency.observeWithExemplar(0.042, { trace_id: "4bf92f3577b34da6" });
   * ```
   */
  observeWithExemplar(v: number, labels?: Labels): void {
    if (typeof v !== "number") throw notANumber(v);
    const exemplar = labels === undefined ? undefined : newExemplar(v, Date.now(), labels);
    const columns = this.live();
    const bounds = columns.config.upperBounds;
    const bucket = findBucket(bounds, v);
    this.#observe(columns, v, bucket);
    if (exemplar !== undefined) {
      let exemplars = columns.exemplars.get(this.slot);
      if (exemplars === undefined) {
        exemplars = new Array<dto.Exemplar | undefined>(bounds.length + 1).fill(undefined);
        columns.exemplars.set(this.slot, exemplars);
      }
      exemplars[bucket] = exemplar;
    }
  }

  #observe(columns: HistogramColumns, v: number, bucket: number): void {
    const native = columns.native.get(this.slot);
    countObservation(columns, this.slot, native, v, bucket);
    if (native !== undefined && !Number.isNaN(v)) this.#limitBuckets(columns, native, v, bucket);
  }

  /**
   * limitBuckets keeps the number of native buckets within the configured limit, trying in turn
   * a reset, a wider zero bucket and a lower resolution, one of them per observation (Go's
   * `limitBuckets`).
   */
  #limitBuckets(columns: HistogramColumns, native: NativeState, v: number, bucket: number): void {
    const config = columns.config.native!;
    if (config.maxBucketNumber === 0 || config.maxBucketNumber >= native.buckets.bucketsNumber) return;
    if (this.#maybeReset(columns, native, v, bucket)) return;
    if (native.buckets.maybeWidenZeroBucket(config.maxZeroThreshold)) return;
    native.buckets.doubleBucketWidth();
  }

  /**
   * maybeReset resets the whole histogram (classic buckets, count and sum too, not the
   * exemplars) when the last reset is at least the min reset duration ago, and counts the latest
   * observation again so that it is not lost (Go's `maybeReset`).
   */
  #maybeReset(columns: HistogramColumns, native: NativeState, v: number, bucket: number): boolean {
    const config = columns.config.native!;
    if (config.minResetDurationMs === 0 || performance.now() - native.lastResetTime < config.minResetDurationMs) return false;
    const at = this.slot * columns.stride;
    columns.state.fill(0, at + bucketsAt, at + columns.stride);
    columns.state[at + countAt] = 0;
    columns.state[at + sumAt] = 0;
    native.buckets = new NativeBuckets(config.schema, config.zeroThreshold);
    countObservation(columns, this.slot, native, v, bucket);
    native.lastResetTime = performance.now();
    return true;
  }

  /**
   * write returns the histogram's state: the classic buckets (cumulative, with their exemplars,
   * and an explicit `+Inf` bucket when it has an exemplar), count, sum, created timestamp, and the
   * native buckets when configured.
   */
  write(): dto.Metric {
    const columns = this.live();
    const bounds = columns.config.upperBounds;
    const state = columns.state;
    const at = this.slot * columns.stride;
    const exemplars = columns.exemplars.get(this.slot);
    const bucket: dto.Bucket[] = new Array<dto.Bucket>(bounds.length);
    let cumulativeCount = 0;
    for (let i = 0; i < bounds.length; i++) {
      cumulativeCount += state[at + bucketsAt + i]!;
      const exemplar = exemplars?.[i];
      bucket[i] =
        exemplar === undefined
          ? { cumulativeCount, upperBound: bounds[i]! }
          : { cumulativeCount, upperBound: bounds[i]!, exemplar };
    }
    const sampleCount = state[at + countAt]!;
    const infExemplar = exemplars?.[bounds.length];
    if (infExemplar !== undefined) bucket.push({ cumulativeCount: sampleCount, upperBound: Infinity, exemplar: infExemplar });
    const histogram: dto.Histogram = {
      sampleCount,
      sampleSum: state[at + sumAt]!,
      bucket,
      createdTimestampMs: state[at + createdAt]!,
      ...columns.native.get(this.slot)?.buckets.write(),
    };
    return { label: labelPairsOf(columns.desc, this.labelValues), histogram };
  }
}

/** columnsOf returns the columns a histogram handle is made on: a vec's, or one slot of its own. */
/** newHistogramHandle makes the handle HistogramColumns hand out for a vec's slot. */
function newHistogramHandle(columns: HistogramColumns, slot: number, serial: number, labelValues: readonly string[]): Histogram {
  return new Histogram(columns, slot, serial, labelValues);
}

function columnsOf(optsOrColumns: HistogramOpts | HistogramColumns): HistogramColumns {
  if (optsOrColumns instanceof HistogramColumns) return optsOrColumns;
  const desc = descFromOpts(optsOrColumns, null);
  checkNoReservedLabel(desc, BucketLabel, "histograms");
  return new HistogramColumns(desc, histogramConfig(optsOrColumns), newHistogramHandle);
}

/** findBucket returns the index of the first bound ≥ v, the number of bounds for `+Inf` (and NaN). */
function findBucket(bounds: Float64Array, v: number): number {
  let lo = 0;
  let hi = bounds.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (bounds[mid]! >= v) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** countObservation counts v into a slot's bucket, count and sum, and its native buckets. */
function countObservation(columns: HistogramColumns, slot: number, native: NativeState | undefined, v: number, bucket: number): void {
  const state = columns.state;
  const at = slot * columns.stride;
  if (bucket < columns.config.upperBounds.length) state[at + bucketsAt + bucket]!++;
  state[at + sumAt] += v;
  if (native !== undefined && !Number.isNaN(v)) native.buckets.observe(v);
  state[at + countAt]!++;
}

function notANumber(v: unknown): InvalidValueError {
  return new InvalidValueError(`histogram observation must be a number, got ${typeof v}`);
}

/** newHistogram creates a histogram from options (Go's `NewHistogram`). @throws {InvalidOptionsError} */
export function newHistogram(opts: HistogramOpts): Histogram {
  return new Histogram(opts);
}

/** HistogramVec bundles histograms of one name that differ in their label values. */
export class HistogramVec extends MetricVec<Histogram> {
  /** Creates a histogram vec; the same as {@link newHistogramVec}. @throws {InvalidOptionsError} */
  constructor(opts: HistogramOpts & SeriesLimitOpts, labelNames: readonly string[]) {
    const desc = descFromOpts(opts, labelNames);
    checkNoReservedLabel(desc, BucketLabel, "histograms");
    const config = histogramConfig(opts);
    super(desc, new HistogramColumns(desc, config, newHistogramHandle), opts);
  }
}

/** newHistogramVec creates a HistogramVec (Go's `NewHistogramVec`). @throws {InvalidOptionsError} */
export function newHistogramVec(opts: HistogramOpts & SeriesLimitOpts, labelNames: readonly string[]): HistogramVec {
  return new HistogramVec(opts, labelNames);
}

/**
 * checkNoReservedLabel rejects a descriptor that uses the label a histogram (`le`) or summary
 * (`quantile`) adds itself.
 * @throws {InvalidOptionsError}
 */
export function checkNoReservedLabel(desc: Desc, label: string, kind: string): void {
  if (desc.variableLabels.includes(label) || desc.constLabelPairs.some((lp) => lp.name === label)) {
    throw new InvalidOptionsError(`${goQuote(label)} is not allowed as label name in ${kind}`);
  }
}

/**
 * validateBuckets checks that bucket bounds are numbers in strictly increasing order and drops a
 * trailing `+Inf` (it is implicit). An empty or absent list gives {@link DefBuckets}, or no
 * buckets for a histogram with native buckets (`native`), as in Go.
 * @throws {InvalidOptionsError}
 */
export function validateBuckets(buckets: readonly number[] | undefined, native = false): Float64Array {
  if (buckets !== undefined && !Array.isArray(buckets)) {
    throw new InvalidOptionsError(`histogram buckets must be an array of numbers, got ${String(buckets)}`);
  }
  const list = buckets === undefined || buckets.length === 0 ? (native ? [] : DefBuckets) : buckets;
  for (let i = 0; i < list.length; i++) {
    const bound = list[i]!;
    if (typeof bound !== "number" || Number.isNaN(bound)) {
      throw new InvalidOptionsError(`histogram bucket ${i} is ${String(bound)}, not a number`);
    }
    if (i + 1 < list.length && !(bound < list[i + 1]!)) {
      throw new InvalidOptionsError(
        `histogram buckets must be in increasing order: ${goFloatF(bound)} >= ${goFloatF(list[i + 1]!)}`,
      );
    }
  }
  const end = list[list.length - 1] === Infinity ? list.length - 1 : list.length;
  return Float64Array.from(list.slice(0, end));
}

/**
 * goFloatF formats as Go's `%f`: six decimals, `+Inf`, `-Inf`, `NaN`, `-0.000000` for -0, and
 * every digit of a number from 1e21 up (where `toFixed` switches to exponent form).
 */
function goFloatF(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (!Number.isFinite(v)) return v > 0 ? "+Inf" : "-Inf";
  if (Object.is(v, -0)) return "-0.000000";
  return Math.abs(v) < 1e21 ? v.toFixed(6) : `${BigInt(v).toString()}.000000`;
}

/** isPositiveCount reports whether a bucket count is a positive integer, as Go's `int` count must be. */
function isPositiveCount(count: number): boolean {
  return Number.isInteger(count) && count >= 1;
}

/**
 * MaxBucketCount is the most buckets the bucket helpers make. Go has no limit; here a count in
 * the billions would abort V8 while it grows the array, so it is refused with a typed error.
 * Classic histograms use tens of buckets.
 */
export const MaxBucketCount = 100_000;

/** checkBucketCount throws unless `count` is at most MaxBucketCount; `fn` is Go's function name. */
function checkBucketCount(fn: string, count: number): void {
  if (count > MaxBucketCount) {
    throw new InvalidOptionsError(`${fn} needs a count of at most ${MaxBucketCount}, got ${count}`);
  }
}

/**
 * linearBuckets returns `count` buckets, `width` wide, the lowest with upper bound `start`.
 * @throws {InvalidOptionsError} if count is not a positive integer, or is above MaxBucketCount.
 */
export function linearBuckets(start: number, width: number, count: number): number[] {
  if (!isPositiveCount(count)) throw new InvalidOptionsError("LinearBuckets needs a positive count");
  checkBucketCount("LinearBuckets", count);
  const buckets: number[] = [];
  for (let i = 0; i < count; i++) {
    buckets.push(start);
    start += width;
  }
  return buckets;
}

/**
 * exponentialBuckets returns `count` buckets, the lowest with upper bound `start`, each `factor`
 * times the previous.
 * @throws {InvalidOptionsError} for a non-positive count or one above MaxBucketCount, a non-positive
 *   start, or a factor not above 1.
 */
export function exponentialBuckets(start: number, factor: number, count: number): number[] {
  if (!isPositiveCount(count)) throw new InvalidOptionsError("ExponentialBuckets needs a positive count");
  checkBucketCount("ExponentialBuckets", count);
  if (!(start > 0)) throw new InvalidOptionsError("ExponentialBuckets needs a positive start value");
  if (!(factor > 1)) throw new InvalidOptionsError("ExponentialBuckets needs a factor greater than 1");
  const buckets: number[] = [];
  for (let i = 0; i < count; i++) {
    buckets.push(start);
    start *= factor;
  }
  return buckets;
}

/**
 * exponentialBucketsRange returns `count` buckets spread exponentially from `min` to `max`.
 * @throws {InvalidOptionsError} for a non-positive count or one above MaxBucketCount, a non-positive
 *   min, or max not above min.
 */
export function exponentialBucketsRange(min: number, max: number, count: number): number[] {
  if (!isPositiveCount(count)) throw new InvalidOptionsError("ExponentialBucketsRange count needs a positive count");
  checkBucketCount("ExponentialBucketsRange", count);
  if (!(min > 0)) throw new InvalidOptionsError("ExponentialBucketsRange min needs to be greater than 0");
  if (!(max > min)) throw new InvalidOptionsError("ExponentialBucketsRange max needs to be greater than min");
  const growthFactor = Math.pow(max / min, 1 / (count - 1));
  const buckets: number[] = [];
  for (let i = 1; i <= count; i++) buckets.push(min * Math.pow(growthFactor, i - 1));
  return buckets;
}

/** Buckets given to a const histogram: upper bound → cumulative count. */
export type ConstBuckets = ReadonlyMap<number, number> | Readonly<Record<string, number>>;

/**
 * newConstHistogram returns a histogram with fixed count, sum and cumulative bucket counts, for
 * collectors that relay histograms computed elsewhere. Returns the error instead of throwing.
 */
export function newConstHistogram(
  desc: Desc,
  count: number,
  sum: number,
  buckets: ConstBuckets,
  ...labelValues: string[]
): Result<Metric> {
  return resultOf(() => mustNewConstHistogram(desc, count, sum, buckets, ...labelValues));
}

/**
 * mustNewConstHistogram is newConstHistogram that throws.
 * @throws {PrometheusError} for an invalid descriptor, label values, count or bucket.
 */
export function mustNewConstHistogram(
  desc: Desc,
  count: number,
  sum: number,
  buckets: ConstBuckets,
  ...labelValues: string[]
): Metric {
  if (desc.err !== undefined) throw desc.err;
  validateLabelValues(labelValues, desc.variableLabels.length);
  checkCount("histogram count", count);
  checkNumber("histogram sum", sum);
  const bucket: dto.Bucket[] = [];
  for (const [key, cumulativeCount] of bucketEntries(buckets)) {
    const upperBound = typeof key === "number" ? key : parseBound(key);
    if (Number.isNaN(upperBound)) throw new InvalidValueError(`histogram bucket bound ${String(key)} is not a number`);
    checkCount(`histogram bucket ${String(key)} count`, cumulativeCount);
    bucket.push({ cumulativeCount, upperBound });
  }
  bucket.sort((a, b) => a.upperBound - b.upperBound);
  return new ConstMetric(desc, {
    label: makeLabelPairs(desc, labelValues),
    histogram: { sampleCount: count, sampleSum: sum, bucket },
  });
}

/**
 * newConstHistogramWithCreatedTimestamp is newConstHistogram for a histogram that also carries its
 * creation time `ct` (a Date or ms since the epoch). Returns the error instead of throwing.
 */
export function newConstHistogramWithCreatedTimestamp(
  desc: Desc,
  count: number,
  sum: number,
  buckets: ConstBuckets,
  ct: Date | number,
  ...labelValues: string[]
): Result<Metric> {
  return resultOf(() => mustNewConstHistogramWithCreatedTimestamp(desc, count, sum, buckets, ct, ...labelValues));
}

/**
 * mustNewConstHistogramWithCreatedTimestamp is newConstHistogramWithCreatedTimestamp that throws.
 * @throws {PrometheusError} as mustNewConstHistogram, and {@link InvalidValueError} for an invalid `ct`.
 */
export function mustNewConstHistogramWithCreatedTimestamp(
  desc: Desc,
  count: number,
  sum: number,
  buckets: ConstBuckets,
  ct: Date | number,
  ...labelValues: string[]
): Metric {
  return withCreatedTimestamp(mustNewConstHistogram(desc, count, sum, buckets, ...labelValues), ct);
}

function bucketEntries(buckets: ConstBuckets): Iterable<[number | string, number]> {
  return buckets instanceof Map ? buckets.entries() : Object.entries(buckets);
}

function parseBound(key: string): number {
  if (key === "+Inf" || key === "Inf") return Infinity;
  if (key === "-Inf") return -Infinity;
  return key.trim() === "" ? NaN : Number(key);
}

/**
 * checkNumber checks that a value given for the wire (a sum, a quantile's value) is a number;
 * NaN and the infinities are numbers.
 * @throws {InvalidValueError}
 */
export function checkNumber(what: string, v: number): void {
  if (typeof v !== "number") throw new InvalidValueError(`${what} must be a number, got ${typeof v}`);
}

/**
 * checkCount checks that a count is a non-negative integer, as Go's uint64 counts are.
 * @throws {InvalidValueError}
 */
export function checkCount(what: string, n: number): void {
  if (typeof n !== "number" || !Number.isInteger(n) || n < 0) {
    throw new InvalidValueError(`${what} must be a non-negative integer, got ${String(n)}`);
  }
}
