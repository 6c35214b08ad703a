/**
 * The bucket helpers refuse a count beyond MaxBucketCount with a typed error, where a count in
 * the billions used to abort V8 while the array grew.
 */
import { describe, expect, it } from "vitest";
import { InvalidOptionsError } from "../../lib/prometheus/errors.js";
import { exponentialBuckets, exponentialBucketsRange, linearBuckets, MaxBucketCount } from "../../lib/prometheus/histogram.js";

describe("bucket counts", () => {
  it.each([
    ["LinearBuckets", () => linearBuckets(0, 1, 1e9), 1e9],
    ["ExponentialBuckets", () => exponentialBuckets(1, 2, 1e9), 1e9],
    ["ExponentialBucketsRange", () => exponentialBucketsRange(1, 100, 2 ** 40), 2 ** 40],
    ["LinearBuckets", () => linearBuckets(0, 1, MaxBucketCount + 1), MaxBucketCount + 1],
  ])("%s refuses %#", (fn, make, count) => {
    expect(make).toThrow(InvalidOptionsError);
    expect(make).toThrow(`${fn} needs a count of at most 100000, got ${count}`);
  });

  it("makes MaxBucketCount buckets", () => {
    const buckets = linearBuckets(0, 1, MaxBucketCount);
    expect(buckets).toHaveLength(100_000);
    expect(buckets[99_999]).toBe(99_999);
  });
});
