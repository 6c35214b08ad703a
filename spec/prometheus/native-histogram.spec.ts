/**
 * Native (sparse, exponential) histograms: the bucket math of native-histogram.ts, the buckets of
 * native-buckets.ts, and Histogram with native buckets (client_golang's histogram.go and the
 * `TestSparseHistogram` and `TestGetLe` tables of histogram_test.go).
 *
 * How to read a key by hand: in schema s the growth factor is base = 2^(2^-s), and bucket k holds
 * base^(k-1) < |v| ≤ base^k; so k = ⌈log_base |v|⌉ = ⌈2^s · log2 |v|⌉, where an exact bucket
 * boundary belongs to the bucket it ends. (For s > 0 the boundaries are the doubles of Go's
 * bounds table, not the exact irrational powers, which matters only for values within an ulp.)
 */
import { createHash } from "node:crypto";

import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { encodeDelimited } from "../../lib/expfmt/protobuf.js";
import { metricFamiliesToText } from "../../lib/expfmt/text.js";
import type * as dto from "../../lib/model/index.js";
import { InvalidOptionsError } from "../../lib/prometheus/errors.js";
import { DefBuckets, type HistogramOpts, newHistogram, newHistogramVec } from "../../lib/prometheus/histogram.js";
import { NativeBuckets, nativeHistogramConfig, type NativeHistogramOpts } from "../../lib/prometheus/native-buckets.js";
import {
  DefNativeHistogramZeroThreshold,
  frexp,
  getLe,
  ldexp,
  makeBuckets,
  nativeBucketKey,
  nativeHistogramBounds,
  NativeHistogramZeroThresholdZero,
  pickSchema,
} from "../../lib/prometheus/native-histogram.js";
import { newRegistry } from "../../lib/prometheus/registry.js";

const MAX = Number.MAX_VALUE;
const MIN_SUBNORMAL = Number.MIN_VALUE; // 2^-1074

/** nextUp returns the next double above a positive finite v. */
function nextUp(v: number): number {
  const f = new Float64Array([v]);
  new BigUint64Array(f.buffer)[0]! += 1n;
  return f[0]!;
}

describe("nativeHistogramBounds", () => {
  it("has 2^s bounds for schema s, starting at 0.5", () => {
    expect(nativeHistogramBounds.map((b) => b.length)).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 256]);
    for (const bounds of nativeHistogramBounds) expect(bounds[0]).toBe(0.5);
    expect(nativeHistogramBounds[1]).toEqual([0.5, 0.7071067811865475]);
    expect(nativeHistogramBounds[2]).toEqual([0.5, 0.5946035575013605, 0.7071067811865475, 0.8408964152537144]);
  });

  it("are generated identical to all 511 literals of client_golang 1.14", () => {
    // The digest of Go's literal table (histogram.go, schemas 0 to 8, in order), each value as 8
    // little-endian bytes, computed from Go's source once. Note 0.7071067811865475: one ulp below
    // the double nearest √½; Go generated the table with its own Exp2, and so do we.
    const bytes = Buffer.from(Float64Array.from(nativeHistogramBounds.flat()).buffer);
    expect(createHash("sha256").update(bytes).digest("hex")).toBe(
      "ef8c502a6c1058710589604d187fa4789ad2848af70668cf7739ab3797e768ec",
    );
    expect(nativeHistogramBounds[8]![255]).toBe(0.9972960560854698);
  });

  it("are nested: schema s's bounds are every other bound of schema s+1", () => {
    for (let s = 0; s < 8; s++) {
      expect(nativeHistogramBounds[s]).toEqual(nativeHistogramBounds[s + 1]!.filter((_, j) => j % 2 === 0));
    }
  });
});

describe("pickSchema", () => {
  it.each([
    // 2^(2^-n) ≤ factor, the largest such n:
    [1.0001, 8], // below 2^(1/256) ≈ 1.00271: still 8
    [1.01, 7], // 2^(1/128) ≈ 1.00543 ≤ 1.01 < 2^(1/64) ≈ 1.01089
    [1.1, 3], // 2^(1/8) ≈ 1.0905 ≤ 1.1 < 2^(1/4) ≈ 1.1892
    [1.2, 2],
    [1.5, 1], // √2 ≤ 1.5 < 2
    [2, 0],
    [4, -1],
    [17, -2], // 16 ≤ 17 < 256
    [300, -3],
    [65536, -4],
    [1e9, -4], // capped at -4
    [Infinity, -4],
    // At the boundary 2^(1/32), as Go's math.Log2 decides it (JavaScript's Math.log2 would say 6
    // for the first one):
    [1.0218971486541166, 5],
    [1.0218971486541164, 6],
  ])("pickSchema(%d) is %d", (factor, schema) => {
    expect(pickSchema(factor)).toBe(schema);
  });

  it("throws InvalidOptionsError with Go's message for a factor of at most 1", () => {
    expect(() => pickSchema(1)).toThrow(InvalidOptionsError);
    expect(() => pickSchema(1)).toThrow("bucketFactor 1.000000 is <=1");
  });
});

describe("frexp and ldexp (Go's math.Frexp and math.Ldexp)", () => {
  it.each([
    [1, 0.5, 1],
    [3, 0.75, 2],
    [0.1, 0.8, -3],
    [-6, -0.75, 3],
    [MAX, 0.9999999999999999, 1024],
    [MIN_SUBNORMAL, 0.5, -1073],
    [3 * MIN_SUBNORMAL, 0.75, -1072],
  ])("frexp(%d) is [%d, %d] and ldexp gives it back", (x, frac, exp) => {
    expect(frexp(x)).toEqual([frac, exp]);
    expect(ldexp(frac, exp)).toBe(x);
  });

  it("passes zero, infinities and NaN through with exponent 0, and overflows to +Inf", () => {
    expect(frexp(0)).toEqual([0, 0]);
    expect(frexp(Infinity)).toEqual([Infinity, 0]);
    expect(frexp(NaN)).toEqual([NaN, 0]);
    expect(ldexp(0.5, 1025)).toBe(Infinity);
    expect(ldexp(1, 2064)).toBe(Infinity);
    expect(ldexp(0.5, -1080)).toBe(0);
  });
});

describe("nativeBucketKey", () => {
  // Schema 0: base 2, bucket k = (2^(k-1), 2^k].
  it.each([
    [1, 0], // an exact power ends its bucket: (0.5, 1]
    [nextUp(1), 1], // just above: (1, 2]
    [1.5, 1],
    [2, 1],
    [3, 2],
    [0.75, 0],
    [0.5, -1], // (0.25, 0.5]
    [1024, 10],
    [MAX, 1024], // (2^1023, 2^1024): the last bucket of finite values
    [Infinity, 1025], // ±Inf: one above, as Go counts them
    [2 ** -1022, -1022], // the smallest normal
    [MIN_SUBNORMAL, -1074], // the smallest subnormal, 2^-1074
  ])("schema 0: %d is in bucket %d", (v, key) => {
    expect(nativeBucketKey(v, 0)).toBe(key);
    expect(nativeBucketKey(-v, 0)).toBe(key); // the sign picks the side, not the key
  });

  // Schema -4: base 2^16, bucket k = (2^(16(k-1)), 2^(16k)]; the key is ⌈log2|v| / 16⌉.
  it.each([
    [1, 0],
    [nextUp(1), 1],
    [65536, 1], // 2^16 ends bucket 1
    [65537, 2],
    [0.5, 0], // (2^-16, 1]
    [2 ** -16, -1], // (2^-32, 2^-16]
    [nextUp(2 ** -16), 0],
    [0.25, 0],
    [MAX, 64], // 2^1024 = (2^16)^64
    [Infinity, 65],
    [MIN_SUBNORMAL, -67], // ⌈-1074/16⌉ = ⌈-67.125⌉
  ])("schema -4: %d is in bucket %d", (v, key) => {
    expect(nativeBucketKey(v, -4)).toBe(key);
  });

  it("rounds negative keys up in negative schemas (client_golang 1.14 truncated towards zero)", () => {
    // Schema -1, base 4: 0.25 = 4^-1 ends bucket -1, (1/16, 1/4]; 0.2 is in it too; 0.3 is in
    // bucket 0, (1/4, 1]. client_golang 1.14 computed (−2+1)/2 = 0 with Go's truncating division
    // and put 0.2 and 0.25 in bucket 0; later releases shift, which rounds towards −∞.
    expect(nativeBucketKey(0.25, -1)).toBe(-1);
    expect(nativeBucketKey(0.2, -1)).toBe(-1);
    expect(nativeBucketKey(0.3, -1)).toBe(0);
    expect(getLe(-1, -1)).toBe(0.25);
  });

  // Schema 3: base 2^(1/8), 8 buckets per power of two; key = ⌈8 · log2|v|⌉.
  it.each([
    [1, 0],
    [2, 8],
    [3, 13], // 8 · log2 3 = 12.68
    [0.75, -3], // 8 · log2 0.75 = -3.32
    [0.5, -8],
    [1.0905077326652577, 1], // Go's bound for 2^(1/8) (0.5452538663326288 × 2) ends bucket 1
    [nextUp(1.0905077326652577), 2],
    [MAX, 8192], // 1024 powers of two × 8
    [Infinity, 8193],
  ])("schema 3: %d is in bucket %d", (v, key) => {
    expect(nativeBucketKey(v, 3)).toBe(key);
  });

  // Schema 8: base 2^(1/256); key = ⌈256 · log2|v|⌉.
  it.each([
    [1, 0],
    [2, 256],
    [1.5, 150], // 256 · log2 1.5 = 149.75
    [1.414213562373095, 128], // Go's bound for √2 (0.7071067811865475 × 2) ends bucket 128...
    [Math.SQRT2, 129], // ...so the double nearest √2, one ulp above it, is in bucket 129
    [0.5, -256],
    [MAX, 262144],
  ])("schema 8: %d is in bucket %d", (v, key) => {
    expect(nativeBucketKey(v, 8)).toBe(key);
  });
});

describe("getLe (Go's TestGetLe)", () => {
  it.each([
    [-1, -1, 0.25],
    [0, -1, 1],
    [1, -1, 4],
    [512, -1, MAX],
    [513, -1, Infinity],
    [-1, 0, 0.5],
    [0, 0, 1],
    [1, 0, 2],
    [1024, 0, MAX],
    [1025, 0, Infinity],
    [-1, 2, 0.8408964152537144],
    [0, 2, 1],
    [1, 2, 1.189207115002721],
    [4096, 2, MAX],
    [4097, 2, Infinity],
  ])("key %d in schema %d ends at %d", (key, schema, le) => {
    expect(getLe(key, schema)).toBe(le);
  });

  it("is the upper bound of the bucket nativeBucketKey picks", () => {
    for (const schema of [-4, -1, 0, 1, 3, 8]) {
      for (const v of [1e-300, 0.001, 0.3, 1, 1.7, 42, 1e6, 1e300]) {
        const key = nativeBucketKey(v, schema);
        expect(getLe(key - 1, schema)).toBeLessThan(v);
        expect(getLe(key, schema)).toBeGreaterThanOrEqual(v);
      }
    }
  });
});

describe("makeBuckets", () => {
  it("writes nothing for no buckets", () => {
    expect(makeBuckets(new Map())).toEqual({ spans: [], deltas: [] });
  });

  it("starts a span at the first key, fills gaps of up to two, and starts a new span after longer ones", () => {
    // Keys 2, 3, 5, 8, 12 with counts 4, 1, 1, 2, 3:
    // - span 1 starts at key 2 (offset 2): 2, 3, then the gap of one (key 4) is filled with a 0,
    //   then 5, then the gap of two (6, 7) is filled, then 8: length 7, counts 4 1 0 1 0 0 2;
    // - key 12 is three after 9: a new span, offset 3, length 1, count 3.
    // Deltas are each count minus the one before: 4, -3, -1, 1, -1, 0, 2, then 3 - 2 = 1.
    const { spans, deltas } = makeBuckets(new Map([[5, 1], [2, 4], [12, 3], [3, 1], [8, 2]]));
    expect(spans).toEqual([
      { offset: 2, length: 7 },
      { offset: 3, length: 1 },
    ]);
    expect(deltas).toEqual([4, -3, -1, 1, -1, 0, 2, 1]);
  });

  it("handles negative keys", () => {
    expect(makeBuckets(new Map([[-3, 1], [-1, 1]]))).toEqual({ spans: [{ offset: -3, length: 3 }], deltas: [1, -1, 1] });
  });
});

describe("the @examples of native-histogram.ts", () => {
  it("pickSchema, nativeBucketKey, getLe and makeBuckets", () => {
    expect([pickSchema(1.1), pickSchema(2), pickSchema(4)]).toEqual([3, 0, -1]);
    expect([nativeBucketKey(1, 0), nativeBucketKey(1.5, 0), nativeBucketKey(3, 3)]).toEqual([0, 1, 13]);
    expect([getLe(-1, 0), getLe(1, 2), getLe(1024, 0)]).toEqual([0.5, 1.189207115002721, MAX]);
    expect(makeBuckets(new Map([[0, 1], [1, 3], [3, 2], [9, 1]]))).toEqual({
      spans: [
        { offset: 0, length: 4 },
        { offset: 5, length: 1 },
      ],
      deltas: [1, 2, -3, 2, -1],
    });
  });
});

describe("NativeBuckets", () => {
  it("counts |v| ≤ zeroThreshold in the zero bucket, others by sign and key", () => {
    const b = new NativeBuckets(0, 0.5);
    for (const v of [0, -0, 0.5, -0.5, 0.25, 0.75, -0.75, 3, -3, -3]) b.observe(v);
    expect(b.zeroCount).toBe(5); // 0, -0, ±0.5 (inclusive), 0.25
    expect([...b.positiveBuckets()]).toEqual([
      [0, 1], // 0.75 in (0.5, 1]
      [2, 1], // 3 in (2, 4]
    ]);
    expect([...b.negativeBuckets()]).toEqual([
      [0, 1],
      [2, 2],
    ]);
    expect(b.bucketsNumber).toBe(4);
  });

  it("with a zero threshold of zero, counts only exact zeros in the zero bucket", () => {
    const b = new NativeBuckets(0, 0);
    b.observe(0);
    b.observe(MIN_SUBNORMAL);
    expect(b.zeroCount).toBe(1);
    expect([...b.positiveBuckets()]).toEqual([[-1074, 1]]);
  });

  it("widens the zero bucket to the bucket closest to zero, on both sides, up to the max", () => {
    const b = new NativeBuckets(0, DefNativeHistogramZeroThreshold);
    for (const v of [0.3, -0.4, 0.9, 5]) b.observe(v); // keys: 0.3 → -1, -0.4 → -1, 0.9 → 0, 5 → 3
    expect(b.maybeWidenZeroBucket(0.4)).toBe(false); // bucket -1 ends at 0.5 > 0.4
    expect(b.maybeWidenZeroBucket(1)).toBe(true);
    expect(b.zeroThreshold).toBe(0.5);
    expect(b.zeroCount).toBe(2); // 0.3 and -0.4 moved in
    expect(b.bucketsNumber).toBe(2);
    expect(b.maybeWidenZeroBucket(1)).toBe(true); // bucket 0 ends at 1
    expect(b.zeroThreshold).toBe(1);
    expect(b.maybeWidenZeroBucket(1)).toBe(false); // the threshold already reaches the max
    expect([...b.positiveBuckets()]).toEqual([[3, 1]]);
  });

  it("doubles the bucket width by merging key k into ⌈k/2⌉, down to schema -4", () => {
    const b = new NativeBuckets(2, 0);
    for (const v of [1, 1.1, 1.2, 1.4, 1.8, 2, 3, 0.7, 0.4]) b.observe(v);
    // Schema 2 keys (⌈4 · log2 v⌉): 1 → 0, 1.1 → 1, 1.2 → 2, 1.4 → 2, 1.8 → 4, 2 → 4, 3 → 7,
    // 0.7 → ⌈-2.06⌉ = -2, 0.4 → ⌈-5.29⌉ = -5.
    expect([...b.positiveBuckets()].sort((x, y) => x[0] - y[0])).toEqual([[-5, 1], [-2, 1], [0, 1], [1, 1], [2, 2], [4, 2], [7, 1]]);
    b.doubleBucketWidth();
    // Schema 1: -5 → -2, -2 → -1, 0 → 0, 1 → 1, 2 → 1, 4 → 2, 7 → 4.
    expect(b.schema).toBe(1);
    expect([...b.positiveBuckets()].sort((x, y) => x[0] - y[0])).toEqual([[-2, 1], [-1, 1], [0, 1], [1, 3], [2, 2], [4, 1]]);
    for (let i = 0; i < 10; i++) b.doubleBucketWidth();
    expect(b.schema).toBe(-4);
    // At schema -4 everything in (2^-16, 1] is bucket 0 and (1, 2^16] bucket 1.
    expect([...b.positiveBuckets()].sort((x, y) => x[0] - y[0])).toEqual([[0, 3], [1, 6]]);
  });

  it("writes one empty span for an empty histogram with a zero threshold of zero", () => {
    expect(new NativeBuckets(3, 0).write()).toEqual({
      schema: 3,
      zeroThreshold: 0,
      zeroCount: 0,
      negativeSpan: [],
      negativeDelta: [],
      positiveSpan: [{ offset: 0, length: 0 }],
      positiveDelta: [],
    });
    expect(new NativeBuckets(3, DefNativeHistogramZeroThreshold).write().positiveSpan).toEqual([]);
  });
});

describe("native histogram options", () => {
  it("resolve as Go's newHistogram: no native buckets for a factor ≤ 1, zero threshold defaulted", () => {
    expect(nativeHistogramConfig({})).toBeUndefined();
    expect(nativeHistogramConfig({ nativeHistogramBucketFactor: 1 })).toBeUndefined();
    expect(nativeHistogramConfig({ nativeHistogramBucketFactor: 1.1 })).toEqual({
      schema: 3,
      zeroThreshold: DefNativeHistogramZeroThreshold,
      maxBucketNumber: 0,
      minResetDurationMs: 0,
      maxZeroThreshold: 0,
    });
    const zeroWidth = nativeHistogramConfig({
      nativeHistogramBucketFactor: 2,
      nativeHistogramZeroThreshold: NativeHistogramZeroThresholdZero,
    });
    expect(zeroWidth?.zeroThreshold).toBe(0);
    expect(nativeHistogramConfig({ nativeHistogramBucketFactor: 2, nativeHistogramZeroThreshold: 0.01 })?.zeroThreshold).toBe(0.01);
  });

  it.each<[HistogramOpts, string]>([
    [{ name: "h", help: "h", nativeHistogramBucketFactor: NaN }, "native histogram bucket factor must be a number, got NaN"],
    [
      { name: "h", help: "h", nativeHistogramBucketFactor: "1.1" as unknown as number },
      "native histogram bucket factor must be a number, got 1.1",
    ],
    [
      { name: "h", help: "h", nativeHistogramBucketFactor: 1.1, nativeHistogramMaxBucketNumber: 1.5 },
      "native histogram max bucket number must be an integer from 0 to 4294967295, got 1.5",
    ],
    [
      { name: "h", help: "h", nativeHistogramBucketFactor: 1.1, nativeHistogramMinResetDuration: -1 },
      "native histogram min reset duration must be a non-negative number of ms, got -1",
    ],
    [
      { name: "h", help: "h", nativeHistogramBucketFactor: 1.1, nativeHistogramMaxZeroThreshold: NaN },
      "native histogram max zero threshold must be a number, got NaN",
    ],
  ])("reject %o with InvalidOptionsError", (opts, message) => {
    expect(() => newHistogram(opts)).toThrow(InvalidOptionsError);
    expect(() => newHistogram(opts)).toThrow(message);
    expect(() => newHistogramVec(opts, ["a"])).toThrow(message);
  });
});

/** The native part of a written histogram, with spans as [offset, length] pairs. */
function nativeOf(m: dto.Metric): Record<string, unknown> {
  const h = m.histogram!;
  const pairs = (spans: dto.BucketSpan[] | undefined) => (spans ?? []).map((s) => [s.offset, s.length]);
  return {
    count: h.sampleCount,
    sum: h.sampleSum,
    schema: h.schema,
    zeroThreshold: h.zeroThreshold,
    zeroCount: h.zeroCount,
    positive: pairs(h.positiveSpan),
    positiveDelta: h.positiveDelta,
    negative: pairs(h.negativeSpan),
    negativeDelta: h.negativeDelta,
  };
}

describe("Histogram with native buckets", () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(1_600_000_000_000);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  /**
   * Go's TestSparseHistogram, scenario by scenario. Each observation comes one (simulated) minute
   * after the previous, the first 30 s after the histogram was made. Hand derivations of the
   * first scenarios are in their comments; the limit scenarios are derived in the test below.
   */
  const Z = DefNativeHistogramZeroThreshold;
  const positive = (spans: number[][], deltas: number[]) => ({ positive: spans, positiveDelta: deltas, negative: [], negativeDelta: [] });
  const negative = (spans: number[][], deltas: number[]) => ({ positive: [], positiveDelta: [], negative: spans, negativeDelta: deltas });
  const scenarios: [string, NativeHistogramOpts, number[], Record<string, unknown>][] = [
    [
      // Schema 3: 1 → key 0, 2 → key 8, 3 → key 13 (8·log2 3 = 12.7); 0 is in the zero bucket.
      // Keys 0, 8, 13 are more than two apart: three spans, offsets 0, 8-1 = 7, 13-9 = 4.
      "factor 1.1 results in schema 3",
      { nativeHistogramBucketFactor: 1.1 },
      [0, 1, 2, 3],
      { count: 4, sum: 6, schema: 3, zeroThreshold: Z, zeroCount: 1, ...positive([[0, 1], [7, 1], [4, 1]], [1, 0, 0]) },
    ],
    [
      // Schema 2 bounds: key 0 → 1, 1 → 1.189, 2 → 1.414, 3 → 1.682, 4 → 2. So 1 → 0, 1.2 and
      // 1.4 → 2, 1.8 and 2 → 4: counts 1, 0, 2, 0, 2 in one span (gaps of one are filled).
      "factor 1.2 results in schema 2",
      { nativeHistogramBucketFactor: 1.2 },
      [0, 1, 1.2, 1.4, 1.8, 2],
      { count: 6, sum: 7.4, schema: 2, zeroThreshold: Z, zeroCount: 1, ...positive([[0, 5]], [1, -1, 2, -2, 2]) },
    ],
    [
      // Schema -1, base 4: (0.25, 1] holds 0.5, 1; (1, 4] 1.5, 2, 3, 3.5; (4, 16] 5, 6, 7; (16, 64] 33.33.
      "factor 4 results in schema -1",
      { nativeHistogramBucketFactor: 4 },
      [0.5, 1, 1.5, 2, 3, 3.5, 5, 6, 7, 33.33],
      { count: 10, sum: 62.83, schema: -1, zeroThreshold: Z, zeroCount: 0, ...positive([[0, 4]], [2, 2, -1, -2]) },
    ],
    [
      // Schema -2, base 16: (1/16, 1] holds 2, (1, 16] 7, (16, 256] 1.
      "factor 17 results in schema -2",
      { nativeHistogramBucketFactor: 17 },
      [0.5, 1, 1.5, 2, 3, 3.5, 5, 6, 7, 33.33],
      { count: 10, sum: 62.83, schema: -2, zeroThreshold: Z, zeroCount: 0, ...positive([[0, 3]], [2, 5, -6]) },
    ],
    [
      "negative buckets",
      { nativeHistogramBucketFactor: 1.2 },
      [0, -1, -1.2, -1.4, -1.8, -2],
      { count: 6, sum: -7.4, schema: 2, zeroThreshold: Z, zeroCount: 1, ...negative([[0, 5]], [1, -1, 2, -2, 2]) },
    ],
    [
      "negative and positive buckets",
      { nativeHistogramBucketFactor: 1.2 },
      [0, -1, -1.2, -1.4, -1.8, -2, 1, 1.2, 1.4, 1.8, 2],
      {
        count: 11,
        sum: 0,
        schema: 2,
        zeroThreshold: Z,
        zeroCount: 1,
        positive: [[0, 5]],
        positiveDelta: [1, -1, 2, -2, 2],
        negative: [[0, 5]],
        negativeDelta: [1, -1, 2, -2, 2],
      },
    ],
    [
      // |v| ≤ 1.4 goes to the zero bucket: 0, ±1, ±1.2, ±1.4; ±1.8 and ±2 stay in key 4.
      "wide zero bucket",
      { nativeHistogramBucketFactor: 1.2, nativeHistogramZeroThreshold: 1.4 },
      [0, -1, -1.2, -1.4, -1.8, -2, 1, 1.2, 1.4, 1.8, 2],
      {
        count: 11,
        sum: 0,
        schema: 2,
        zeroThreshold: 1.4,
        zeroCount: 7,
        positive: [[4, 1]],
        positiveDelta: [2],
        negative: [[4, 1]],
        negativeDelta: [2],
      },
    ],
    [
      // NaN counts (count 7, sum NaN) but goes to no native bucket.
      "NaN observation",
      { nativeHistogramBucketFactor: 1.2 },
      [0, 1, 1.2, 1.4, 1.8, 2, NaN],
      { count: 7, sum: NaN, schema: 2, zeroThreshold: Z, zeroCount: 1, ...positive([[0, 5]], [1, -1, 2, -2, 2]) },
    ],
    [
      // +Inf goes to key 4097, one above MAX_VALUE's 4096 (1024 powers × 4): 4097 − 5 = 4092 after
      // the first span; its count 1 is 1 − 2 = -1 from the last.
      "+Inf observation",
      { nativeHistogramBucketFactor: 1.2 },
      [0, 1, 1.2, 1.4, 1.8, 2, Infinity],
      { count: 7, sum: Infinity, schema: 2, zeroThreshold: Z, zeroCount: 1, ...positive([[0, 5], [4092, 1]], [1, -1, 2, -2, 2, -1]) },
    ],
    [
      "-Inf observation",
      { nativeHistogramBucketFactor: 1.2 },
      [0, 1, 1.2, 1.4, 1.8, 2, -Infinity],
      {
        count: 7,
        sum: -Infinity,
        schema: 2,
        zeroThreshold: Z,
        zeroCount: 1,
        positive: [[0, 5]],
        positiveDelta: [1, -1, 2, -2, 2],
        negative: [[4097, 1]],
        negativeDelta: [1],
      },
    ],
    [
      "limited buckets but nothing triggered",
      { nativeHistogramBucketFactor: 1.2, nativeHistogramMaxBucketNumber: 4 },
      [0, 1, 1.2, 1.4, 1.8, 2],
      { count: 6, sum: 7.4, schema: 2, zeroThreshold: Z, zeroCount: 1, ...positive([[0, 5]], [1, -1, 2, -2, 2]) },
    ],
    [
      "buckets limited by halving resolution",
      { nativeHistogramBucketFactor: 1.2, nativeHistogramMaxBucketNumber: 4 },
      [0, 1, 1.1, 1.2, 1.4, 1.8, 2, 3],
      { count: 8, sum: 11.5, schema: 1, zeroThreshold: Z, zeroCount: 1, ...positive([[0, 5]], [1, 2, -1, -2, 1]) },
    ],
    [
      "buckets limited by widening the zero bucket",
      { nativeHistogramBucketFactor: 1.2, nativeHistogramMaxBucketNumber: 4, nativeHistogramMaxZeroThreshold: 1.2 },
      [0, 1, 1.1, 1.2, 1.4, 1.8, 2, 3],
      { count: 8, sum: 11.5, schema: 2, zeroThreshold: 1, zeroCount: 2, ...positive([[1, 7]], [1, 1, -2, 2, -2, 0, 1]) },
    ],
    [
      "buckets limited by widening the zero bucket twice",
      { nativeHistogramBucketFactor: 1.2, nativeHistogramMaxBucketNumber: 4, nativeHistogramMaxZeroThreshold: 1.2 },
      [0, 1, 1.1, 1.2, 1.4, 1.8, 2, 3, 4],
      {
        count: 9,
        sum: 15.5,
        schema: 2,
        zeroThreshold: 1.189207115002721,
        zeroCount: 3,
        ...positive([[2, 7]], [2, -2, 2, -2, 0, 1, 0]),
      },
    ],
    [
      "buckets limited by reset",
      {
        nativeHistogramBucketFactor: 1.2,
        nativeHistogramMaxBucketNumber: 4,
        nativeHistogramMaxZeroThreshold: 1.2,
        nativeHistogramMinResetDuration: 5 * 60_000,
      },
      [0, 1, 1.1, 1.2, 1.4, 1.8, 2, 3, 4],
      { count: 2, sum: 7, schema: 2, zeroThreshold: Z, zeroCount: 0, ...positive([[7, 2]], [1, 0]) },
    ],
    [
      "limited buckets but nothing triggered, negative observations",
      { nativeHistogramBucketFactor: 1.2, nativeHistogramMaxBucketNumber: 4 },
      [0, -1, -1.2, -1.4, -1.8, -2],
      { count: 6, sum: -7.4, schema: 2, zeroThreshold: Z, zeroCount: 1, ...negative([[0, 5]], [1, -1, 2, -2, 2]) },
    ],
    [
      "buckets limited by halving resolution, negative observations",
      { nativeHistogramBucketFactor: 1.2, nativeHistogramMaxBucketNumber: 4 },
      [0, -1, -1.1, -1.2, -1.4, -1.8, -2, -3],
      { count: 8, sum: -11.5, schema: 1, zeroThreshold: Z, zeroCount: 1, ...negative([[0, 5]], [1, 2, -1, -2, 1]) },
    ],
    [
      "buckets limited by widening the zero bucket, negative observations",
      { nativeHistogramBucketFactor: 1.2, nativeHistogramMaxBucketNumber: 4, nativeHistogramMaxZeroThreshold: 1.2 },
      [0, -1, -1.1, -1.2, -1.4, -1.8, -2, -3],
      { count: 8, sum: -11.5, schema: 2, zeroThreshold: 1, zeroCount: 2, ...negative([[1, 7]], [1, 1, -2, 2, -2, 0, 1]) },
    ],
    [
      "buckets limited by widening the zero bucket twice, negative observations",
      { nativeHistogramBucketFactor: 1.2, nativeHistogramMaxBucketNumber: 4, nativeHistogramMaxZeroThreshold: 1.2 },
      [0, -1, -1.1, -1.2, -1.4, -1.8, -2, -3, -4],
      {
        count: 9,
        sum: -15.5,
        schema: 2,
        zeroThreshold: 1.189207115002721,
        zeroCount: 3,
        ...negative([[2, 7]], [2, -2, 2, -2, 0, 1, 0]),
      },
    ],
    [
      "buckets limited by reset, negative observations",
      {
        nativeHistogramBucketFactor: 1.2,
        nativeHistogramMaxBucketNumber: 4,
        nativeHistogramMaxZeroThreshold: 1.2,
        nativeHistogramMinResetDuration: 5 * 60_000,
      },
      [0, -1, -1.1, -1.2, -1.4, -1.8, -2, -3, -4],
      { count: 2, sum: -7, schema: 2, zeroThreshold: Z, zeroCount: 0, ...negative([[7, 2]], [1, 0]) },
    ],
    [
      "buckets limited by halving resolution, then reset",
      { nativeHistogramBucketFactor: 1.2, nativeHistogramMaxBucketNumber: 4, nativeHistogramMinResetDuration: 9 * 60_000 },
      [0, 1, 1.1, 1.2, 1.4, 1.8, 2, 5, 5.1, 3, 4],
      { count: 2, sum: 7, schema: 2, zeroThreshold: Z, zeroCount: 0, ...positive([[7, 2]], [1, 0]) },
    ],
    [
      "buckets limited by widening the zero bucket, then reset",
      {
        nativeHistogramBucketFactor: 1.2,
        nativeHistogramMaxBucketNumber: 4,
        nativeHistogramMaxZeroThreshold: 1.2,
        nativeHistogramMinResetDuration: 9 * 60_000,
      },
      [0, 1, 1.1, 1.2, 1.4, 1.8, 2, 5, 5.1, 3, 4],
      { count: 2, sum: 7, schema: 2, zeroThreshold: Z, zeroCount: 0, ...positive([[7, 2]], [1, 0]) },
    ],
  ];

  it.each(scenarios)("%s", (_name, opts, observations, want) => {
    const h = newHistogram({ name: "name", help: "help", ...opts });
    vi.advanceTimersByTime(30_000);
    for (const v of observations) {
      h.observe(v);
      vi.advanceTimersByTime(60_000);
    }
    const m = h.write();
    expect(nativeOf(m)).toEqual(want);
    expect(m.histogram!.bucket).toEqual([]); // only the factor is set: no classic buckets
  });

  it("limits buckets step by step: halve, widen, reset, with an injected clock", () => {
    // Schema 2, at most 4 buckets, zero bucket up to 1.2, a reset at most every 5 minutes.
    const h = newHistogram({
      name: "h",
      help: "h",
      nativeHistogramBucketFactor: 1.2,
      nativeHistogramMaxBucketNumber: 4,
      nativeHistogramMaxZeroThreshold: 1.2,
      nativeHistogramMinResetDuration: 5 * 60_000,
    });
    // Keys 0 (1), 1 (1.1), 2 (1.2), 4 (1.8): four buckets, at the limit but not over it.
    for (const v of [1, 1.1, 1.2, 1.8]) h.observe(v);
    expect(nativeOf(h.write())).toMatchObject({ schema: 2, zeroThreshold: Z, positive: [[0, 5]] });

    // 3 is key 7: a fifth bucket. No reset yet (made less than 5 min ago): the zero bucket widens
    // to the end of the lowest bucket, key 0, which ends at 1 ≤ 1.2; 1 moves into it.
    h.observe(3);
    expect(nativeOf(h.write())).toMatchObject({ schema: 2, zeroThreshold: 1, zeroCount: 1, positive: [[1, 7]] });

    // 4 is key 8: five buckets again (1, 2, 4, 7, 8). Bucket 1 ends at 1.189 ≤ 1.2: widen again.
    h.observe(4);
    expect(nativeOf(h.write())).toMatchObject({ zeroThreshold: 1.189207115002721, zeroCount: 2, positive: [[2, 7]] });

    // 10 is key 14 (4 · log2 10 = 13.3): five buckets (2, 4, 7, 8, 14); bucket 2 ends at 1.414 >
    // 1.2, so the zero bucket cannot widen: the resolution halves to schema 1, key k becoming
    // ⌈k/2⌉: 1.2 → 1, 1.8 → 2, 3 and 4 → 4, 10 → 7. Counts 1, 1, 0, 2, 0, 0, 1 from key 1.
    h.observe(10);
    expect(nativeOf(h.write())).toMatchObject({
      count: 7,
      schema: 1,
      zeroThreshold: 1.189207115002721,
      zeroCount: 2,
      positive: [[1, 7]],
      positiveDelta: [1, 0, -1, 2, -2, 0, 1],
    });

    // Six minutes later, 100 (schema 1 key ⌈2 · log2 100⌉ = 14) is a fifth bucket again: now the
    // whole histogram resets, and only 100 is counted again, at the initial schema 2 and zero
    // threshold, in key ⌈4 · 6.64⌉ = 27. Then 0.001 goes to key ⌈4 · log2 0.001⌉ = ⌈-39.9⌉ = -39.
    vi.advanceTimersByTime(6 * 60_000);
    h.observe(100);
    h.observe(0.001);
    expect(nativeOf(h.write())).toEqual({
      count: 2,
      sum: 100.001,
      schema: 2,
      zeroThreshold: Z,
      zeroCount: 0,
      ...positive([[-39, 1], [65, 1]], [1, 0]),
    });
  });

  it("keeps classic buckets beside native ones when both are configured", async () => {
    const h = newHistogram({ name: "h_seconds", help: "h", buckets: DefBuckets, nativeHistogramBucketFactor: 1.1 });
    h.observe(0.3);
    const m = h.write().histogram!;
    expect(m.bucket.map((b) => b.upperBound)).toEqual([...DefBuckets]);
    expect(m.bucket[DefBuckets.indexOf(0.5)]!.cumulativeCount).toBe(1);
    expect(m.schema).toBe(3);
    expect(m.positiveSpan).toEqual([{ offset: -13, length: 1 }]); // ⌈8 · log2 0.3⌉ = ⌈-13.9⌉
    const reg = newRegistry();
    reg.mustRegister(h);
    // The text format shows the classic buckets only.
    expect(metricFamiliesToText(await reg.gather())).toContain('h_seconds_bucket{le="0.5"} 1\nh_seconds_bucket{le="1"} 1\n');
  });

  it("has DefBuckets without a factor, and no classic buckets with only a factor", async () => {
    expect(newHistogram({ name: "h", help: "h" }).write().histogram!.bucket).toHaveLength(DefBuckets.length);
    expect(newHistogram({ name: "h", help: "h", nativeHistogramBucketFactor: 1 }).write().histogram!.schema).toBeUndefined();
    const native = newHistogram({ name: "native_only", help: "h", nativeHistogramBucketFactor: 2 });
    native.observe(3);
    const reg = newRegistry();
    reg.mustRegister(native);
    expect(metricFamiliesToText(await reg.gather())).toBe(`# HELP native_only h
# TYPE native_only histogram
native_only_bucket{le="+Inf"} 1
native_only_sum 3
native_only_count 1
`);
  });

  it("HistogramVec children share the native options and count apart", () => {
    const vec = newHistogramVec({ name: "v", help: "h", nativeHistogramBucketFactor: 4, nativeHistogramMaxBucketNumber: 1 }, ["code"]);
    vec.withLabelValues("200").observe(1);
    vec.withLabelValues("200").observe(100); // a second bucket: over the limit, halves to schema -2
    vec.withLabelValues("500").observe(100);
    expect(nativeOf(vec.withLabelValues("200").write())).toMatchObject({ schema: -2, positive: [[0, 3]], positiveDelta: [1, -1, 1] });
    expect(nativeOf(vec.withLabelValues("500").write())).toMatchObject({ schema: -1, positive: [[4, 1]] });
  });

  it("never changes a written object afterwards", () => {
    const h = newHistogram({ name: "h", help: "h", buckets: [1], nativeHistogramBucketFactor: 2 });
    h.observe(0.5);
    const first = h.write();
    const snapshot = structuredClone(first);
    expect(h.write()).toEqual(first);
    h.observe(3);
    const second = h.write();
    expect(second).not.toBe(first);
    expect(first).toEqual(snapshot);
    expect(second.histogram!.sampleCount).toBe(2);
  });

  it("survives a protobuf round trip field by field", async () => {
    const h = newHistogram({
      name: "rt_seconds",
      help: "round trip",
      buckets: [1],
      nativeHistogramBucketFactor: 1.1,
      nativeHistogramZeroThreshold: 0.001,
    });
    for (const v of [0, 0.0005, -0.5, -0.6, 0.3, 1, 1, 2, 3, 1e6]) h.observe(v);
    const reg = newRegistry();
    reg.mustRegister(h);
    const families = await reg.gather();
    const decoded = decodeHistogram(encodeDelimited(families));
    const written = families[0]!.metric[0]!.histogram!;
    expect(decoded).toEqual({
      sampleCount: written.sampleCount,
      sampleSum: written.sampleSum,
      bucket: written.bucket.map((b) => ({ cumulativeCount: b.cumulativeCount, upperBound: b.upperBound })),
      createdTimestampMs: 1_600_000_000_000,
      schema: 3,
      zeroThreshold: 0.001,
      zeroCount: 2,
      negativeSpan: written.negativeSpan,
      negativeDelta: written.negativeDelta,
      positiveSpan: written.positiveSpan,
      positiveDelta: written.positiveDelta,
    });
    // By hand, schema 3 (key = ⌈8 · log2|v|⌉): -0.5 → -8, -0.6 → ⌈-5.9⌉ = -5; 0.3 → -13, 1 → 0
    // (twice), 2 → 8, 3 → 13, 1e6 → ⌈159.45⌉ = 160.
    expect(decoded.negativeSpan).toEqual([{ offset: -8, length: 4 }]);
    expect(decoded.negativeDelta).toEqual([1, -1, 0, 1]);
    expect(decoded.positiveSpan).toEqual([
      { offset: -13, length: 1 },
      { offset: 12, length: 1 },
      { offset: 7, length: 1 },
      { offset: 4, length: 1 },
      { offset: 146, length: 1 },
    ]);
    expect(decoded.positiveDelta).toEqual([1, 1, -1, 0, 0]);
  });
});

// ---------------------------------------------------------------------------------------------
// A tiny reader for the one histogram of one delimited MetricFamily, from client_model's
// metrics.proto: MetricFamily.metric = 4, Metric.histogram = 7; Histogram.sample_count = 1
// (uint64), sample_sum = 2 (double), bucket = 3 (Bucket: cumulative_count = 1, upper_bound = 2),
// schema = 5 (sint32), zero_threshold = 6 (double), zero_count = 7 (uint64), negative_span = 9,
// negative_delta = 10 (sint64), positive_span = 12, positive_delta = 13, created_timestamp = 15
// (Timestamp: seconds = 1, nanos = 2); BucketSpan.offset = 1 (sint32), length = 2 (uint32).

type Field = [num: number, value: bigint | Uint8Array];

function fields(buf: Uint8Array): Field[] {
  const out: Field[] = [];
  let at = 0;
  const varint = (): bigint => {
    let v = 0n;
    for (let shift = 0n; ; shift += 7n) {
      const byte = buf[at++]!;
      v |= BigInt(byte & 0x7f) << shift;
      if (byte < 0x80) return v;
    }
  };
  while (at < buf.length) {
    const key = Number(varint());
    const wire = key & 7;
    if (wire === 0) out.push([key >>> 3, varint()]);
    else if (wire === 1) out.push([key >>> 3, buf.subarray(at, (at += 8))]);
    else if (wire === 2) {
      const len = Number(varint());
      out.push([key >>> 3, buf.subarray(at, (at += len))]);
    } else throw new Error(`wire type ${wire}`);
  }
  return out;
}

const zigzag = (v: bigint): number => Number((v >> 1n) ^ -(v & 1n));
const double = (b: Uint8Array): number => new DataView(b.buffer, b.byteOffset, 8).getFloat64(0, true);
const sub = (f: Field[], num: number): Uint8Array => f.find(([n]) => n === num)![1] as Uint8Array;

function decodeHistogram(delimited: Uint8Array): dto.Histogram {
  let start = 0;
  while (delimited[start]! >= 0x80) start++; // skip the length prefix (a varint)
  const family = fields(delimited.subarray(start + 1));
  const h = fields(sub(fields(sub(family, 4)), 7));
  const out: dto.Histogram = { sampleCount: 0, sampleSum: 0, bucket: [], negativeSpan: [], negativeDelta: [], positiveSpan: [], positiveDelta: [] };
  const span = (b: Uint8Array): dto.BucketSpan => {
    const f = fields(b);
    return { offset: zigzag(f.find(([n]) => n === 1)![1] as bigint), length: Number(f.find(([n]) => n === 2)![1] as bigint) };
  };
  for (const [num, v] of h) {
    if (num === 1) out.sampleCount = Number(v as bigint);
    else if (num === 2) out.sampleSum = double(v as Uint8Array);
    else if (num === 3) {
      const b = fields(v as Uint8Array);
      out.bucket.push({ cumulativeCount: Number(b.find(([n]) => n === 1)![1] as bigint), upperBound: double(sub(b, 2)) });
    } else if (num === 5) out.schema = zigzag(v as bigint);
    else if (num === 6) out.zeroThreshold = double(v as Uint8Array);
    else if (num === 7) out.zeroCount = Number(v as bigint);
    else if (num === 9) out.negativeSpan!.push(span(v as Uint8Array));
    else if (num === 10) out.negativeDelta!.push(zigzag(v as bigint));
    else if (num === 12) out.positiveSpan!.push(span(v as Uint8Array));
    else if (num === 13) out.positiveDelta!.push(zigzag(v as bigint));
    else if (num === 15) {
      const t = fields(v as Uint8Array);
      const seconds = Number((t.find(([n]) => n === 1)?.[1] as bigint | undefined) ?? 0n);
      const nanos = Number((t.find(([n]) => n === 2)?.[1] as bigint | undefined) ?? 0n);
      out.createdTimestampMs = seconds * 1000 + nanos / 1e6;
    } else throw new Error(`unexpected histogram field ${num}`);
  }
  return out;
}
