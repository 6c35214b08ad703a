/**
 * client_golang 1.14, prometheus/histogram_test.go: TestHistogramNonMonotonicBuckets (3 cases) and
 * TestBuckets. Go panics where we throw; the messages are Go's.
 *
 * Ported before, elsewhere: TestSparseHistogram and TestGetLe in
 * spec/prometheus/native-histogram.spec.ts, TestHistogramExemplar in
 * spec/prometheus/exemplar.spec.ts. Skipped, Go-only: TestHistogramConcurrency,
 * TestHistogramVecConcurrency, TestSparseHistogramConcurrency and TestHistogramAtomicObserve
 * (goroutines racing Observe and Write).
 */
import { describe, expect, it } from "vitest";

import {
  exponentialBuckets,
  exponentialBucketsRange,
  InvalidOptionsError,
  linearBuckets,
  newHistogram,
} from "../../lib/prometheus/index.js";

describe("histogram_test.go TestHistogramNonMonotonicBuckets", () => {
  it.each([
    ["not strictly monotonic", [1, 2, 2, 3], "histogram buckets must be in increasing order: 2.000000 >= 2.000000"],
    ["not monotonic at all", [1, 2, 4, 3, 5], "histogram buckets must be in increasing order: 4.000000 >= 3.000000"],
    ["have +Inf in the middle", [1, 2, Infinity, 3], "histogram buckets must be in increasing order: +Inf >= 3.000000"],
  ])("buckets that %s make newHistogram throw", (_name, buckets, message) => {
    let err: unknown;
    try {
      newHistogram({ name: "test_histogram", help: "helpless", buckets });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InvalidOptionsError);
    expect((err as Error).message).toBe(message);
  });
});

describe("histogram_test.go TestBuckets", () => {
  it("linearBuckets, exponentialBuckets, exponentialBucketsRange", () => {
    expect(linearBuckets(-15, 5, 6)).toEqual([-15, -10, -5, 0, 5, 10]);
    expect(exponentialBuckets(100, 1.2, 3)).toEqual([100, 120, 144]);
    const want = [1.0, 1.6681, 2.7825, 4.6415, 7.7426, 12.9154, 21.5443, 35.9381, 59.9484, 100.0];
    const got = exponentialBucketsRange(1, 100, 10);
    expect(got).toHaveLength(want.length);
    got.forEach((g, i) => expect(Math.abs(g - want[i]!)).toBeLessThan(0.0001)); // Go's epsilon
  });
});
