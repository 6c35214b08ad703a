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
import { SelfCollector } from "./collector.js";
import { Desc } from "./desc.js";
import { InvalidOptionsError, InvalidValueError } from "./errors.js";
import { type ExemplarObserver, newExemplar } from "./exemplar.js";
import { BucketLabel, goQuote, type Labels, validateLabelValues } from "./labels.js";
import { descFromOpts, type Metric, type Opts } from "./metric.js";
import {
  NativeBuckets,
  type NativeHistogramConfig,
  nativeHistogramConfig,
  type NativeHistogramOpts,
} from "./native-buckets.js";
import type { SeriesTable } from "./series-table.js";
import { HistogramBlock } from "./series-blocks.js";
import { MetricVec, ObjectKind, type RowSnapshot } from "./vec.js";
import { checkedLabelPairs, ConstMetric, type Result, resultOf, withCreatedTimestamp } from "./value.js";

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

/** HistogramConfig is what a histogram's options resolve to, shared by the children of a vec. */
export interface HistogramConfig {
  readonly upperBounds: Float64Array;
  readonly native: NativeHistogramConfig | undefined;
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
 */
export class Histogram extends SelfCollector implements ExemplarObserver {
  readonly #desc: Desc;
  readonly #labelPairs: readonly dto.LabelPair[];
  readonly #upperBounds: Float64Array;
  readonly #nativeConfig: NativeHistogramConfig | undefined;
  readonly #createdTimestampMs = Date.now();
  /** Observations per classic bucket (not cumulative); the `+Inf` bucket is `#count` minus all. */
  readonly #counts: Float64Array;
  #count = 0;
  #sum = 0;
  #native: NativeBuckets | undefined;
  /** One exemplar slot per classic bucket, and one more for `+Inf`; made by the first exemplar. */
  #exemplars: (dto.Exemplar | undefined)[] | undefined;
  /** When the histogram was made or last reset for the native bucket limit (monotonic ms). */
  #lastResetTime = performance.now();
  /** Bumped by every change, so that write can hand out the last written state while unchanged. */
  #changes = 0;
  #written: dto.Metric | undefined;
  #writtenAt = -1;

  /** Creates a histogram from options; the same as {@link newHistogram}. */
  constructor(opts: HistogramOpts);
  /** @internal Creates a child of a HistogramVec from resolved options. */
  constructor(desc: Desc, labelPairs: readonly dto.LabelPair[], config: HistogramConfig);
  constructor(optsOrDesc: HistogramOpts | Desc, labelPairs?: readonly dto.LabelPair[], config?: HistogramConfig) {
    super();
    if (optsOrDesc instanceof Desc) {
      this.#desc = optsOrDesc;
      this.#labelPairs = labelPairs!;
    } else {
      this.#desc = descFromOpts(optsOrDesc, null);
      checkNoReservedLabel(this.#desc, BucketLabel, "histograms");
      this.#labelPairs = this.#desc.constLabelPairs;
      config = histogramConfig(optsOrDesc);
    }
    this.#upperBounds = config!.upperBounds;
    this.#nativeConfig = config!.native;
    this.#counts = new Float64Array(this.#upperBounds.length);
    this.#native = newNativeBuckets(this.#nativeConfig);
  }

  desc(): Desc {
    return this.#desc;
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
    this.#observe(v, this.#findBucket(v));
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
    const bucket = this.#findBucket(v);
    this.#observe(v, bucket);
    if (exemplar !== undefined) {
      this.#exemplars ??= new Array<dto.Exemplar | undefined>(this.#upperBounds.length + 1).fill(undefined);
      this.#exemplars[bucket] = exemplar;
    }
  }

  /** findBucket returns the index of the first bound ≥ v, the number of bounds for `+Inf` (and NaN). */
  #findBucket(v: number): number {
    const bounds = this.#upperBounds;
    let lo = 0;
    let hi = bounds.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (bounds[mid]! >= v) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  #observe(v: number, bucket: number): void {
    this.#changes++;
    this.#countObservation(v, bucket);
    if (this.#native !== undefined && !Number.isNaN(v)) this.#limitBuckets(v, bucket);
  }

  #countObservation(v: number, bucket: number): void {
    if (bucket < this.#counts.length) this.#counts[bucket]!++;
    this.#sum += v;
    if (!Number.isNaN(v)) this.#native?.observe(v);
    this.#count++;
  }

  /**
   * limitBuckets keeps the number of native buckets within the configured limit, trying in turn
   * a reset, a wider zero bucket and a lower resolution, one of them per observation (Go's
   * `limitBuckets`).
   */
  #limitBuckets(v: number, bucket: number): void {
    const config = this.#nativeConfig!;
    const native = this.#native!;
    if (config.maxBucketNumber === 0 || config.maxBucketNumber >= native.bucketsNumber) return;
    if (this.#maybeReset(v, bucket)) return;
    if (native.maybeWidenZeroBucket(config.maxZeroThreshold)) return;
    native.doubleBucketWidth();
  }

  /**
   * maybeReset resets the whole histogram (classic buckets, count and sum too, not the
   * exemplars) when the last reset is at least the min reset duration ago, and counts the latest
   * observation again so that it is not lost (Go's `maybeReset`).
   */
  #maybeReset(v: number, bucket: number): boolean {
    const minResetDurationMs = this.#nativeConfig!.minResetDurationMs;
    if (minResetDurationMs === 0 || performance.now() - this.#lastResetTime < minResetDurationMs) return false;
    this.#counts.fill(0);
    this.#count = 0;
    this.#sum = 0;
    this.#native = newNativeBuckets(this.#nativeConfig);
    this.#countObservation(v, bucket);
    this.#lastResetTime = performance.now();
    return true;
  }

  /** @internal When the histogram was made (Unix ms). */
  get createdTimestampMs(): number {
    return this.#createdTimestampMs;
  }

  /**
   * @internal snapshotInto writes the count, the sum and the cumulative classic bucket counts
   * into `out` from `at`, and returns a copy of the exemplars if there are any.
   */
  snapshotInto(out: Float64Array, at: number): (dto.Exemplar | undefined)[] | undefined {
    out[at] = this.#count;
    out[at + 1] = this.#sum;
    const counts = this.#counts;
    let cumulative = 0;
    for (let k = 0; k < counts.length; k++) out[at + 2 + k] = cumulative += counts[k]!;
    return this.#exemplars?.slice();
  }

  /**
   * write returns the histogram's state: the classic buckets (cumulative, with their exemplars,
   * and an explicit `+Inf` bucket when it has an exemplar), count, sum, created timestamp, and the
   * native buckets when configured. While nothing was observed since the last write, it returns
   * the same object again; a returned object is never changed afterwards.
   */
  write(): dto.Metric {
    if (this.#written !== undefined && this.#writtenAt === this.#changes) return this.#written;
    const bounds = this.#upperBounds;
    const bucket: dto.Bucket[] = new Array<dto.Bucket>(bounds.length);
    let cumulativeCount = 0;
    for (let i = 0; i < bounds.length; i++) {
      cumulativeCount += this.#counts[i]!;
      const exemplar = this.#exemplars?.[i];
      bucket[i] =
        exemplar === undefined
          ? { cumulativeCount, upperBound: bounds[i]! }
          : { cumulativeCount, upperBound: bounds[i]!, exemplar };
    }
    const infExemplar = this.#exemplars?.[bounds.length];
    if (infExemplar !== undefined) {
      bucket.push({ cumulativeCount: this.#count, upperBound: Infinity, exemplar: infExemplar });
    }
    const histogram: dto.Histogram = {
      sampleCount: this.#count,
      sampleSum: this.#sum,
      bucket,
      createdTimestampMs: this.#createdTimestampMs,
      ...this.#native?.write(),
    };
    this.#writtenAt = this.#changes;
    return (this.#written = { label: this.#labelPairs, histogram });
  }
}

/**
 * HistogramKind keeps a HistogramVec's children as objects, and snapshots their classic buckets
 * into a block for a gather, unless they have native buckets (which only `write` writes).
 */
class HistogramKind extends ObjectKind<Histogram> {
  readonly #config: HistogramConfig;

  constructor(desc: Desc, config: HistogramConfig) {
    super((_labelValues, labelPairs) => new Histogram(desc, labelPairs, config));
    this.#config = config;
  }

  snapshot(_table: SeriesTable, rows: RowSnapshot): dto.SeriesBlock | undefined {
    if (this.#config.native !== undefined) return undefined;
    const children = this.childrenOf(rows.slots);
    const stride = 2 + this.#config.upperBounds.length;
    const numbers = new Float64Array(children.length * stride);
    const created = new Float64Array(children.length);
    const exemplars = new Map<number, readonly (dto.Exemplar | undefined)[]>();
    for (let row = 0; row < children.length; row++) {
      const child = children[row]!;
      const rowExemplars = child.snapshotInto(numbers, row * stride);
      if (rowExemplars !== undefined) exemplars.set(row, rowExemplars);
      created[row] = child.createdTimestampMs;
    }
    return new HistogramBlock(rows, this.#config.upperBounds, numbers, created, exemplars);
  }
}

function newNativeBuckets(config: NativeHistogramConfig | undefined): NativeBuckets | undefined {
  return config === undefined ? undefined : new NativeBuckets(config.schema, config.zeroThreshold);
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
  constructor(opts: HistogramOpts, labelNames: readonly string[]) {
    const desc = descFromOpts(opts, labelNames);
    checkNoReservedLabel(desc, BucketLabel, "histograms");
    const config = histogramConfig(opts);
    super(desc, new HistogramKind(desc, config));
  }
}

/** newHistogramVec creates a HistogramVec (Go's `NewHistogramVec`). @throws {InvalidOptionsError} */
export function newHistogramVec(opts: HistogramOpts, labelNames: readonly string[]): HistogramVec {
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

/** goFloatF formats as Go's `%f`: six decimals, `+Inf`, `-Inf`, `NaN`. */
function goFloatF(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Infinity) return "+Inf";
  if (v === -Infinity) return "-Inf";
  return v.toFixed(6);
}

/** isPositiveCount reports whether a bucket count is a positive integer, as Go's `int` count must be. */
function isPositiveCount(count: number): boolean {
  return Number.isInteger(count) && count >= 1;
}

/**
 * linearBuckets returns `count` buckets, `width` wide, the lowest with upper bound `start`.
 * @throws {InvalidOptionsError} if count is not a positive integer.
 */
export function linearBuckets(start: number, width: number, count: number): number[] {
  if (!isPositiveCount(count)) throw new InvalidOptionsError("LinearBuckets needs a positive count");
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
 * @throws {InvalidOptionsError} for a non-positive count or start, or a factor not above 1.
 */
export function exponentialBuckets(start: number, factor: number, count: number): number[] {
  if (!isPositiveCount(count)) throw new InvalidOptionsError("ExponentialBuckets needs a positive count");
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
 * @throws {InvalidOptionsError} for a non-positive count or min, or max not above min.
 */
export function exponentialBucketsRange(min: number, max: number, count: number): number[] {
  if (!isPositiveCount(count)) throw new InvalidOptionsError("ExponentialBucketsRange count needs a positive count");
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
    label: checkedLabelPairs(desc, labelValues),
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
