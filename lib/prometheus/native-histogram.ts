/**
 * The bucket math of native (sparse, exponential) histograms: which bucket a value falls in, where
 * a bucket ends, and how a set of buckets is written as spans and deltas.
 *
 * Counterpart: the package-level functions and tables of client_golang's histogram.go
 * (`nativeHistogramBounds`, `pickSchema`, the key computation inside `histogramCounts.observe`,
 * `getLe`, `makeBuckets`, `DefNativeHistogramZeroThreshold`, `NativeHistogramZeroThresholdZero`)
 * and the parts of Go's math package they rely on (`Frexp`, `Log2`, `Exp2`, `Ldexp`), ported so
 * that the results are bit for bit those of Go on amd64. The state of one histogram's native
 * buckets, and the strategies that limit their number, are in native-buckets.ts.
 *
 * ## Schemas, keys and bounds
 * A schema `s` (from -4 to 8) divides each power of two into `2^s` buckets when `s > 0`, or
 * merges `2^-s` powers of two into one bucket when `s ≤ 0`. Bucket `key` holds the values `v` with
 * `base^(key-1) < |v| ≤ base^key`, where `base = 2^(2^-s)`: bucket 0 ends at 1, bucket 1 at
 * `base`, bucket -1 at `1/base`. Positive and negative values are counted in separate bucket sets
 * with the same keys; values with `|v| ≤ zeroThreshold` go to the zero bucket instead.
 *
 * @module
 */

import type * as dto from "../model/index.js";
import { InvalidOptionsError } from "./errors.js";

/**
 * DefNativeHistogramZeroThreshold is the zero threshold used when none is configured: 2^-128, a
 * bucket boundary in every schema (Go's `DefNativeHistogramZeroThreshold`).
 */
export const DefNativeHistogramZeroThreshold = 2.938735877055719e-39;

/**
 * NativeHistogramZeroThresholdZero, given as `nativeHistogramZeroThreshold`, makes a zero bucket
 * of width zero that only counts observations of exactly zero (Go's
 * `NativeHistogramZeroThresholdZero`; any negative threshold does the same).
 */
export const NativeHistogramZeroThresholdZero = -1;

/** MinNativeSchema is the coarsest schema: each bucket spans 2^16 powers of two. */
export const MinNativeSchema = -4;
/** MaxNativeSchema is the finest schema: each power of two is divided into 2^8 buckets. */
export const MaxNativeSchema = 8;

// --- Go's math, bit for bit ---------------------------------------------------------------

const scratch = new Float64Array(1);
const words = new Uint32Array(scratch.buffer);
/** Index of the word holding sign, exponent and the top of the mantissa. */
const hi = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;

/**
 * frexp splits a finite, non-zero x into a fraction in [0.5, 1) (with x's sign) and a power of
 * two: `x = frac × 2^exp` (Go's `math.Frexp`). Zero, ±Inf and NaN come back with exp 0.
 */
export function frexp(x: number): [frac: number, exp: number] {
  if (x === 0 || !Number.isFinite(x)) return [x, 0];
  scratch[0] = x;
  let biased = (words[hi]! >>> 20) & 0x7ff;
  let exp = 0;
  if (biased === 0) {
    // Subnormal: scale into the normal range first, as Go's `normalize` does.
    scratch[0] = x * 2 ** 52;
    biased = (words[hi]! >>> 20) & 0x7ff;
    exp = -52;
  }
  exp += biased - 1022;
  words[hi] = (words[hi]! & 0x800fffff) | (1022 << 20);
  return [scratch[0], exp];
}

/** pow2 returns 2^n exactly, for integers n from -1074 to 1023. */
function pow2(n: number): number {
  if (n < -1022) return pow2(n + 52) / 2 ** 52;
  scratch[0] = 0;
  words[hi] = (n + 1023) << 20;
  return scratch[0];
}

/**
 * ldexp returns `frac × 2^exp`, rounded once (Go's `math.Ldexp`): +Inf when it overflows, 0 or a
 * subnormal when it underflows.
 */
export function ldexp(frac: number, exp: number): number {
  while (exp > 1023 && Number.isFinite(frac)) {
    frac *= pow2(1023);
    exp -= 1023;
  }
  if (exp >= -1022) return frac * pow2(Math.min(exp, 1023));
  // Below the normal range: scale while exact, then round once into the subnormals.
  if (exp >= -1075) return (frac * pow2(exp + 53)) / 2 ** 53;
  return frac * 0;
}

const Ln2 = 0.693147180559945309417232121458176568;

/**
 * goLog2 is Go's pure-Go `math.Log2`: exact for powers of two, `ln(frac)/ln(2) + exp` otherwise.
 * JavaScript's `Math.log2` differs from it by an ulp for some inputs, which would move
 * {@link pickSchema}'s result at the boundaries between schemas.
 */
function goLog2(x: number): number {
  const [frac, exp] = frexp(x);
  if (frac === 0.5) return exp - 1;
  return Math.log(frac) * (1 / Ln2) + exp;
}

/**
 * goExp2 is Go's pure-Go `math.Exp2` (argument reduction, then the polynomial of `expmulti`),
 * for |x| well inside the range of a double. Go generated its bounds tables with it; computing
 * them with it again reproduces them exactly.
 */
function goExp2(x: number): number {
  const Ln2Hi = 6.9314718036912381649e-1;
  const Ln2Lo = 1.90821492927058770002e-10;
  const P1 = 1.66666666666666657415e-1;
  const P2 = -2.77777777770155933842e-3;
  const P3 = 6.61375632143793436117e-5;
  const P4 = -1.6533902205465251539e-6;
  const P5 = 4.13813679705723846039e-8;
  const k = x > 0 ? Math.trunc(x + 0.5) : x < 0 ? Math.trunc(x - 0.5) : 0;
  const t = x - k;
  const high = t * Ln2Hi;
  const low = -t * Ln2Lo;
  const r = high - low;
  const rr = r * r;
  const c = r - rr * (P1 + rr * (P2 + rr * (P3 + rr * (P4 + rr * P5))));
  const y = 1 - (low - (r * c) / (2 - c) - high);
  return ldexp(y, k);
}

// --- Bounds, schemas, keys ----------------------------------------------------------------

/**
 * nativeHistogramBounds holds, for each schema s from 1 to 8 (at index s), the `2^s` bucket
 * boundaries within one power of two, as `frexp` fractions in [0.5, 1): `bounds[j] = 2^(j/2^s - 1)`.
 * A value whose fraction is at most `bounds[j]` (and above `bounds[j-1]`) falls in the j-th
 * bucket of its power of two. Index 0 (`[0.5]`) is there only so that the schema is the index.
 *
 * Go keeps these as literals; here they are generated at load time with the algorithm Go's
 * comment gives (each schema doubles the previous one: every other bound is the previous
 * schema's, the ones in between are `bound × 2^(2^-s)` with Go's `Exp2`), which reproduces all
 * 511 of Go's literals exactly (a spec checks their digest).
 */
export const nativeHistogramBounds: readonly (readonly number[])[] = generateBounds();

function generateBounds(): number[][] {
  const tables: number[][] = [];
  let numBuckets = 1;
  for (let schema = 0; schema <= MaxNativeSchema; schema++) {
    const bounds = [0.5];
    const factor = goExp2(goExp2(-schema));
    for (let j = 0; j < numBuckets - 1; j++) {
      bounds.push((j + 1) % 2 === 0 ? tables[schema - 1]![(j >> 1) + 1]! : bounds[j]! * factor);
    }
    numBuckets *= 2;
    tables.push(Object.freeze(bounds) as number[]);
  }
  return tables;
}

/**
 * pickSchema returns the largest schema n from -4 to 8 such that `2^(2^-n) ≤ bucketFactor`
 * (Go's `pickSchema`): the finest resolution whose growth factor from one bucket to the next
 * stays within the factor asked for. A factor below 2^(2^-8) ≈ 1.00271 still gives 8.
 *
 * @throws {InvalidOptionsError} for a factor of at most 1 (Go panics).
 * @example
 * ```ts
 * pickSchema(1.1); // 3: 2^(1/8) ≈ 1.0905 ≤ 1.1 < 2^(1/4)
 * pickSchema(2); // 0
 * pickSchema(4); // -1
 * ```
 */
export function pickSchema(bucketFactor: number): number {
  if (!(bucketFactor > 1)) {
    throw new InvalidOptionsError(`bucketFactor ${goFloatF(bucketFactor)} is <=1`);
  }
  const floor = Math.floor(goLog2(goLog2(bucketFactor)));
  if (floor <= -MaxNativeSchema) return MaxNativeSchema;
  if (floor >= -MinNativeSchema) return MinNativeSchema;
  return 0 - floor; // not -floor, which is -0 for schema 0
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

/**
 * nativeBucketKey returns the key of the bucket that holds |v| in `schema` (the key computation of
 * Go's `histogramCounts.observe`). ±Inf lands one bucket above the bucket of the largest finite
 * value (Go's "pretend v is MaxFloat64 but later increment key by one"). v must not be NaN.
 *
 * With `|v| = frac × 2^exp`:
 * - schema > 0: the first j with `bounds[j] ≥ frac`, plus `(exp-1) × 2^schema`;
 * - schema ≤ 0: exp (minus one for an exact power of two, which ends its bucket), divided by
 *   `2^-schema` rounding up.
 *
 * @example
 * ```ts
 * nativeBucketKey(1, 0); // 0: (0.5, 1]
 * nativeBucketKey(1.5, 0); // 1: (1, 2]
 * nativeBucketKey(3, 3); // 13: (2^(12/8), 2^(13/8)] ≈ (2.83, 3.08]
 * ```
 */
export function nativeBucketKey(v: number, schema: number): number {
  let abs = Math.abs(v);
  const isInf = abs === Infinity;
  if (isInf) abs = Number.MAX_VALUE;
  // frexp, inlined without allocating (this runs for every observation): exp from the exponent
  // bits, frac by setting them to 2^-1.
  scratch[0] = abs;
  let biased = (words[hi]! >>> 20) & 0x7ff;
  let exp = -1022;
  if (biased === 0 && abs !== 0) {
    scratch[0] = abs * 2 ** 52; // subnormal: normalize first
    biased = (words[hi]! >>> 20) & 0x7ff;
    exp -= 52;
  }
  let key: number;
  if (abs === 0) {
    key = schema > 0 ? -(1 << schema) : 0; // Go: Frexp(0) is (0, 0)
  } else if (schema > 0) {
    words[hi] = (words[hi]! & 0x800fffff) | (1022 << 20);
    const bounds = boundsArrays[schema]!;
    key = searchFloat64s(bounds, scratch[0]!) + (exp + biased - 1) * bounds.length;
  } else {
    exp += biased;
    const isHalf = (words[hi]! & 0xfffff) === 0 && words[1 - hi] === 0; // frac == 0.5: a power of two
    key = isHalf ? exp - 1 : exp;
    // Rounds up, towards +∞ also for negative keys. (client_golang 1.14 divided with Go's `/`,
    // which truncates towards zero and put values ≤ 2^-(2^-schema) one bucket too high; later
    // releases shift, as here.)
    key = (key + (1 << -schema) - 1) >> -schema;
  }
  return isInf ? key + 1 : key;
}

/** The bounds tables as typed arrays, for the binary search of every observation. */
const boundsArrays: readonly Float64Array[] = nativeHistogramBounds.map((b) => Float64Array.from(b));

/** searchFloat64s returns the first index whose value is ≥ x, or the length (Go's `sort.SearchFloat64s`). */
function searchFloat64s(values: Float64Array, x: number): number {
  let lo = 0;
  let hiIdx = values.length;
  while (lo < hiIdx) {
    const mid = (lo + hiIdx) >>> 1;
    if (values[mid]! >= x) hiIdx = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * getLe returns the (inclusive) upper bound of bucket `key` in `schema` (Go's `getLe`). The last
 * bucket of finite values ends at `Number.MAX_VALUE` rather than at the +Inf its formula gives,
 * so that only ±Inf observations fall in the bucket above it, which ends at +Inf.
 *
 * @example
 * ```ts
 * getLe(-1, 0); // 0.5
 * getLe(1, 2); // 1.189207115002721 (2^(1/4))
 * getLe(1024, 0); // Number.MAX_VALUE
 * ```
 */
export function getLe(key: number, schema: number): number {
  if (schema < 0) {
    const exp = key * 2 ** -schema;
    return exp === 1024 ? Number.MAX_VALUE : ldexp(1, exp);
  }
  const fracIdx = key & ((1 << schema) - 1);
  const frac = nativeHistogramBounds[schema]![fracIdx]!;
  const exp = (key >> schema) + 1;
  if (frac === 0.5 && exp === 1025) return Number.MAX_VALUE;
  return ldexp(frac, exp);
}

/** NativeSpansAndDeltas is one side (positive or negative) of a native histogram as written. */
export interface NativeSpansAndDeltas {
  spans: dto.BucketSpan[];
  deltas: number[];
}

/**
 * makeBuckets writes populated buckets (key → count) as spans of consecutive keys and the counts
 * as deltas, each count minus the one before it (Go's `makeBuckets`). A gap of one or two empty
 * buckets is written as zero counts inside a span rather than as a new span, which is usually
 * shorter on the wire; a longer gap starts a new span, whose offset is the gap's length (the
 * first span's offset is its first key).
 *
 * @example
 * ```ts
 * makeBuckets(new Map([[0, 1], [1, 3], [3, 2], [9, 1]]));
 * // spans: [{ offset: 0, length: 4 }, { offset: 5, length: 1 }]: keys 0–3, then 9
 * // deltas: [1, 2, -3, 2, -1]: counts 1, 3, 0, 2, 1
 * ```
 */
export function makeBuckets(buckets: ReadonlyMap<number, number>): NativeSpansAndDeltas {
  const keys = [...buckets.keys()].sort((a, b) => a - b);
  const spans: dto.BucketSpan[] = [];
  const deltas: number[] = [];
  let prevCount = 0;
  let nextKey = 0;
  for (let n = 0; n < keys.length; n++) {
    const key = keys[n]!;
    const gap = key - nextKey;
    if (n === 0 || gap > 2) {
      spans.push({ offset: gap, length: 0 });
    } else {
      for (let j = 0; j < gap; j++) {
        spans[spans.length - 1]!.length++;
        deltas.push(0 - prevCount); // not -prevCount, which is -0 after an empty bucket
        prevCount = 0;
      }
    }
    const count = buckets.get(key)!;
    spans[spans.length - 1]!.length++;
    deltas.push(count - prevCount);
    prevCount = count;
    nextKey = key + 1;
  }
  return { spans, deltas };
}
