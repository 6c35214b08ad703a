/**
 * The native (sparse) buckets of one histogram: the current schema and zero threshold, the zero
 * bucket, and the populated buckets of positive and negative observations; and the two ways of
 * reducing their number that do not lose observations (widening the zero bucket, halving the
 * resolution).
 *
 * Counterpart: the native-histogram fields of client_golang's `histogramCounts` (histogram.go),
 * `histogramCounts.observe` (its sparse part), `addToBucket`, `findSmallestKey`,
 * `histogram.maybeWidenZeroBucket` and `histogram.doubleBucketWidth`. Go keeps two copies of
 * these counts, one hot for lock-free observations and one cold for writing, and moves buckets
 * between them; JavaScript runs one call at a time, so one copy does, and each strategy becomes
 * the plain change to the buckets that Go's hot/cold swaps add up to. The third strategy,
 * resetting the whole histogram, also clears the classic buckets and lives in histogram.ts.
 *
 * @module
 */

import type * as dto from "../model/index.js";
import { InvalidOptionsError } from "./errors.js";
import {
  DefNativeHistogramZeroThreshold,
  getLe,
  makeBuckets,
  MinNativeSchema,
  nativeBucketKey,
  pickSchema,
} from "./native-histogram.js";

/**
 * NativeHistogramOpts are the options of a histogram's native buckets (the `NativeHistogram...`
 * fields of Go's `HistogramOpts`). Native histograms need a Prometheus server that scrapes them
 * over protobuf with `--enable-feature=native-histograms`.
 */
export interface NativeHistogramOpts {
  /**
   * Above 1, the histogram also counts into native buckets, each at most this factor wider than
   * the previous one (the factor actually used is `2^(2^-n)`, the largest not above this, for n
   * from -4 to 8; see `pickSchema`). 1.1 gives 8 buckets per power of two, a good trade-off.
   * At most 1 or left out: no native buckets.
   */
  nativeHistogramBucketFactor?: number;
  /**
   * Observations with `|v| ≤` this go into the zero bucket. 0 or left out: 2^-128
   * (`DefNativeHistogramZeroThreshold`); negative (`NativeHistogramZeroThresholdZero`): only
   * exact zeros.
   */
  nativeHistogramZeroThreshold?: number;
  /**
   * The most populated native buckets to keep (0 or left out: no limit, which lets widely spread
   * observations use unbounded memory). Beyond it the histogram is reset if the last reset is at
   * least `nativeHistogramMinResetDuration` ago; else the zero bucket is widened, up to
   * `nativeHistogramMaxZeroThreshold`; else the resolution is halved (down to schema -4).
   */
  nativeHistogramMaxBucketNumber?: number;
  /** The least time, in ms, between two resets for the bucket limit (0 or left out: never reset). */
  nativeHistogramMinResetDuration?: number;
  /** The widest the zero bucket may grow for the bucket limit (0 or left out: it never grows). */
  nativeHistogramMaxZeroThreshold?: number;
}

/** NativeHistogramConfig is what {@link NativeHistogramOpts} resolve to, shared by a vec's children. */
export interface NativeHistogramConfig {
  /** The initial schema, from the bucket factor. */
  readonly schema: number;
  /** The initial zero threshold. */
  readonly zeroThreshold: number;
  readonly maxBucketNumber: number;
  readonly minResetDurationMs: number;
  readonly maxZeroThreshold: number;
}

/**
 * nativeHistogramConfig checks the native options and resolves them as Go's `newHistogram` does:
 * undefined when the bucket factor is at most 1 (no native buckets); the zero threshold defaulted
 * (0 → 2^-128, negative → 0).
 * @throws {InvalidOptionsError} for an option of the wrong type, NaN, a max bucket number that is
 * not a uint32, or a negative min reset duration.
 */
export function nativeHistogramConfig(opts: NativeHistogramOpts): NativeHistogramConfig | undefined {
  const factor = optionalNumber(opts.nativeHistogramBucketFactor, "bucket factor");
  const zeroThreshold = optionalNumber(opts.nativeHistogramZeroThreshold, "zero threshold");
  const maxBucketNumber = optionalNumber(opts.nativeHistogramMaxBucketNumber, "max bucket number");
  const minResetDurationMs = optionalNumber(opts.nativeHistogramMinResetDuration, "min reset duration");
  const maxZeroThreshold = optionalNumber(opts.nativeHistogramMaxZeroThreshold, "max zero threshold");
  if (!Number.isInteger(maxBucketNumber) || maxBucketNumber < 0 || maxBucketNumber > 0xffffffff) {
    throw new InvalidOptionsError(
      `native histogram max bucket number must be an integer from 0 to 4294967295, got ${String(maxBucketNumber)}`,
    );
  }
  if (!(minResetDurationMs >= 0)) {
    throw new InvalidOptionsError(
      `native histogram min reset duration must be a non-negative number of ms, got ${String(minResetDurationMs)}`,
    );
  }
  if (factor <= 1) return undefined;
  return {
    schema: pickSchema(factor),
    zeroThreshold: zeroThreshold > 0 ? zeroThreshold : zeroThreshold === 0 ? DefNativeHistogramZeroThreshold : 0,
    maxBucketNumber,
    minResetDurationMs,
    maxZeroThreshold,
  };
}

/** optionalNumber returns a native option's value, 0 when left out. @throws {InvalidOptionsError} */
function optionalNumber(v: unknown, what: string): number {
  if (v === undefined) return 0;
  if (typeof v !== "number" || Number.isNaN(v)) {
    throw new InvalidOptionsError(`native histogram ${what} must be a number, got ${String(v)}`);
  }
  return v;
}

/** NativeHistogramWrite is the native part of a written histogram. */
export type NativeHistogramWrite = Required<
  Pick<
    dto.Histogram,
    "schema" | "zeroThreshold" | "zeroCount" | "negativeSpan" | "negativeDelta" | "positiveSpan" | "positiveDelta"
  >
>;

/**
 * NativeBuckets counts observations into exponential buckets. Bucket counts are kept per key in
 * two maps, one for positive and one for negative values; only populated buckets exist.
 */
export class NativeBuckets {
  #schema: number;
  #zeroThreshold: number;
  #zeroCount = 0;
  readonly #positive = new Map<number, number>();
  readonly #negative = new Map<number, number>();

  /** Creates empty buckets with the given (initial) schema and zero threshold. */
  constructor(schema: number, zeroThreshold: number) {
    this.#schema = schema;
    this.#zeroThreshold = zeroThreshold;
  }

  /** schema is the current schema; it only goes down, when {@link doubleBucketWidth} runs. */
  get schema(): number {
    return this.#schema;
  }

  /** zeroThreshold is the current zero threshold; it only goes up, when the zero bucket widens. */
  get zeroThreshold(): number {
    return this.#zeroThreshold;
  }

  /** zeroCount is the number of observations in the zero bucket. */
  get zeroCount(): number {
    return this.#zeroCount;
  }

  /** bucketsNumber is the number of populated buckets, positive and negative (Go's `nativeHistogramBucketsNumber`). */
  get bucketsNumber(): number {
    return this.#positive.size + this.#negative.size;
  }

  /** positiveBuckets returns a copy of the positive buckets, key → count. */
  positiveBuckets(): Map<number, number> {
    return new Map(this.#positive);
  }

  /** negativeBuckets returns a copy of the negative buckets, key → count. */
  negativeBuckets(): Map<number, number> {
    return new Map(this.#negative);
  }

  /**
   * observe counts v into the zero bucket when `|v| ≤ zeroThreshold`, else into the bucket of its
   * sign and key. v must not be NaN (Go leaves NaN out of the native buckets).
   */
  observe(v: number): void {
    if (v > this.#zeroThreshold) add(this.#positive, nativeBucketKey(v, this.#schema), 1);
    else if (v < -this.#zeroThreshold) add(this.#negative, nativeBucketKey(v, this.#schema), 1);
    else this.#zeroCount++;
  }

  /**
   * maybeWidenZeroBucket raises the zero threshold to the upper bound of the populated bucket
   * closest to zero (on either side, both when they have the same key) and moves that bucket's
   * count into the zero bucket, unless the new threshold would exceed `maxZeroThreshold` or the
   * current one already reaches it. It returns whether it widened (Go's `maybeWidenZeroBucket`).
   */
  maybeWidenZeroBucket(maxZeroThreshold: number): boolean {
    if (this.#zeroThreshold >= maxZeroThreshold) return false;
    const smallestKey = Math.min(smallestKeyOf(this.#positive), smallestKeyOf(this.#negative));
    if (smallestKey === Infinity) return false;
    const newZeroThreshold = getLe(smallestKey, this.#schema);
    if (newZeroThreshold > maxZeroThreshold) return false;
    this.#zeroThreshold = newZeroThreshold;
    for (const buckets of [this.#positive, this.#negative]) {
      const count = buckets.get(smallestKey);
      if (count === undefined) continue;
      this.#zeroCount += count;
      buckets.delete(smallestKey);
    }
    return true;
  }

  /**
   * doubleBucketWidth lowers the schema by one, so that every bucket becomes twice as wide
   * (growth factor squared), and merges each pair of buckets into the new one that covers both:
   * key k becomes ⌈k/2⌉. Nothing happens at the lowest schema, -4 (Go's `doubleBucketWidth`).
   */
  doubleBucketWidth(): void {
    if (this.#schema === MinNativeSchema) return;
    this.#schema--;
    for (const buckets of [this.#positive, this.#negative]) {
      const old = [...buckets];
      buckets.clear();
      // Go: `if key > 0 { key++ }; key /= 2` with a division that truncates: ⌈key/2⌉.
      for (const [key, count] of old) add(buckets, Math.trunc((key > 0 ? key + 1 : key) / 2), count);
    }
  }

  /**
   * write returns the native part of the histogram's client_model data: schema, zero bucket, and
   * the spans and deltas of both sides. A histogram with a zero threshold of zero and nothing
   * counted yet gets one empty positive span, so that scrapers still see a native histogram (as
   * later client_golang releases do).
   */
  write(): NativeHistogramWrite {
    const negative = makeBuckets(this.#negative);
    const positive = makeBuckets(this.#positive);
    if (this.#zeroThreshold === 0 && this.#zeroCount === 0 && positive.spans.length === 0 && negative.spans.length === 0) {
      positive.spans.push({ offset: 0, length: 0 });
    }
    return {
      schema: this.#schema,
      zeroThreshold: this.#zeroThreshold,
      zeroCount: this.#zeroCount,
      negativeSpan: negative.spans,
      negativeDelta: negative.deltas,
      positiveSpan: positive.spans,
      positiveDelta: positive.deltas,
    };
  }
}

/** add adds n to the bucket at key, creating it (Go's `addToBucket`). */
function add(buckets: Map<number, number>, key: number, n: number): void {
  buckets.set(key, (buckets.get(key) ?? 0) + n);
}

/** smallestKeyOf returns the smallest key, or Infinity for no buckets (Go's `findSmallestKey`, with MaxInt32). */
function smallestKeyOf(buckets: ReadonlyMap<number, number>): number {
  let smallest = Infinity;
  for (const key of buckets.keys()) if (key < smallest) smallest = key;
  return smallest;
}
