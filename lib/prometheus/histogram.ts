/**
 * Histogram: counts observations (request durations, response sizes) in configurable buckets and
 * keeps their sum, so that quantiles can be estimated and aggregated on the server with
 * `histogram_quantile`.
 *
 * Counterpart: client_golang's histogram.go (`Histogram`, `HistogramOpts`, `NewHistogram`,
 * `HistogramVec`, `DefBuckets`, `LinearBuckets`, `ExponentialBuckets`, `ExponentialBucketsRange`,
 * `NewConstHistogram`, `MustNewConstHistogram`). Classic (fixed) buckets only for now.
 *
 * @module
 */

import type * as dto from "../model/index.js";
import { SelfCollector } from "./collector.js";
import { Desc } from "./desc.js";
import { InvalidOptionsError, InvalidValueError, type PrometheusError } from "./errors.js";
import { BucketLabel, goQuote, validateLabelValues } from "./labels.js";
import { descFromOpts, type Metric, type Opts } from "./metric.js";
import { MetricVec } from "./vec.js";
import { checkedLabelPairs, type Result } from "./value.js";

/**
 * DefBuckets are the default histogram buckets, tailored to measure the response time (in seconds)
 * of a network service.
 */
export const DefBuckets: readonly number[] = Object.freeze([0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]);

/** HistogramOpts bundles the options for creating a Histogram or HistogramVec. */
export interface HistogramOpts extends Opts {
  /**
   * The inclusive upper bounds of the buckets, strictly increasing. A trailing `+Inf` is implicit
   * and may be left out. Defaults to {@link DefBuckets}.
   */
  buckets?: readonly number[];
}

/** Histogram counts observations into buckets. */
export class Histogram extends SelfCollector {
  readonly #desc: Desc;
  readonly #labelPairs: readonly dto.LabelPair[];
  readonly #upperBounds: Float64Array;
  readonly #counts: Float64Array;
  #count = 0;
  #sum = 0;

  /** Creates a histogram from options; the same as {@link newHistogram}. */
  constructor(opts: HistogramOpts);
  /** @internal Creates a child of a HistogramVec from validated bounds. */
  constructor(desc: Desc, labelPairs: readonly dto.LabelPair[], upperBounds: Float64Array);
  constructor(optsOrDesc: HistogramOpts | Desc, labelPairs?: readonly dto.LabelPair[], upperBounds?: Float64Array) {
    super();
    if (optsOrDesc instanceof Desc) {
      this.#desc = optsOrDesc;
      this.#labelPairs = labelPairs!;
      this.#upperBounds = upperBounds!;
    } else {
      this.#desc = descFromOpts(optsOrDesc, null);
      checkNoReservedLabel(this.#desc, BucketLabel, "histograms");
      this.#labelPairs = this.#desc.constLabelPairs;
      this.#upperBounds = validateBuckets(optsOrDesc.buckets);
    }
    this.#counts = new Float64Array(this.#upperBounds.length);
  }

  desc(): Desc {
    return this.#desc;
  }

  /**
   * observe adds a single observation: it counts into the first bucket whose upper bound is at
   * least v (bounds are inclusive) and adds v to the sum.
   */
  observe(v: number): void {
    const bounds = this.#upperBounds;
    let lo = 0;
    let hi = bounds.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (bounds[mid]! >= v) hi = mid;
      else lo = mid + 1;
    }
    if (lo < bounds.length) this.#counts[lo]!++;
    this.#count++;
    this.#sum += v;
  }

  write(): dto.Metric {
    const bucket: dto.Bucket[] = new Array<dto.Bucket>(this.#upperBounds.length);
    let cumulative = 0;
    for (let i = 0; i < bucket.length; i++) {
      cumulative += this.#counts[i]!;
      bucket[i] = { cumulativeCount: cumulative, upperBound: this.#upperBounds[i]! };
    }
    return { label: this.#labelPairs, histogram: { sampleCount: this.#count, sampleSum: this.#sum, bucket } };
  }
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
    const bounds = validateBuckets(opts.buckets);
    super(desc, (_labelValues, labelPairs) => new Histogram(desc, labelPairs, bounds));
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
 * trailing `+Inf` (it is implicit). An empty or absent list gives {@link DefBuckets}.
 * @throws {InvalidOptionsError}
 */
export function validateBuckets(buckets: readonly number[] | undefined): Float64Array {
  const list = buckets === undefined || buckets.length === 0 ? DefBuckets : buckets;
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

/**
 * linearBuckets returns `count` buckets, `width` wide, the lowest with upper bound `start`.
 * @throws {InvalidOptionsError} if count is not positive.
 */
export function linearBuckets(start: number, width: number, count: number): number[] {
  if (!(count >= 1)) throw new InvalidOptionsError("LinearBuckets needs a positive count");
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
  if (!(count >= 1)) throw new InvalidOptionsError("ExponentialBuckets needs a positive count");
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
  if (!(count >= 1)) throw new InvalidOptionsError("ExponentialBucketsRange count needs a positive count");
  if (!(min > 0)) throw new InvalidOptionsError("ExponentialBucketsRange min needs to be greater than 0");
  if (!(max > min)) throw new InvalidOptionsError("ExponentialBucketsRange max needs to be greater than min");
  const growthFactor = Math.pow(max / min, 1 / (count - 1));
  const buckets: number[] = [];
  for (let i = 1; i <= count; i++) buckets.push(min * Math.pow(growthFactor, i - 1));
  return buckets;
}

/** ConstHistogram is a histogram whose state is fixed at construction. */
class ConstHistogram implements Metric {
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
  try {
    return [mustNewConstHistogram(desc, count, sum, buckets, ...labelValues), undefined];
  } catch (err) {
    return [undefined, err as PrometheusError];
  }
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
  const bucket: dto.Bucket[] = [];
  for (const [key, cumulativeCount] of bucketEntries(buckets)) {
    const upperBound = typeof key === "number" ? key : parseBound(key);
    if (Number.isNaN(upperBound)) throw new InvalidValueError(`histogram bucket bound ${String(key)} is not a number`);
    checkCount(`histogram bucket ${String(key)} count`, cumulativeCount);
    bucket.push({ cumulativeCount, upperBound });
  }
  bucket.sort((a, b) => a.upperBound - b.upperBound);
  return new ConstHistogram(desc, {
    label: checkedLabelPairs(desc, labelValues),
    histogram: { sampleCount: count, sampleSum: sum, bucket },
  });
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
 * checkCount checks that a count is a non-negative integer, as Go's uint64 counts are.
 * @throws {InvalidValueError}
 */
export function checkCount(what: string, n: number): void {
  if (typeof n !== "number" || !Number.isInteger(n) || n < 0) {
    throw new InvalidValueError(`${what} must be a non-negative integer, got ${String(n)}`);
  }
}
