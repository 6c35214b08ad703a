/**
 * Histogram, HistogramVec, the bucket helpers and const histograms (client_golang's histogram.go
 * and histogram_test.go).
 */
import { describe, expect, it } from "vitest";
import { metricFamiliesToText } from "../../lib/expfmt/text.js";
import type { Collector } from "../../lib/prometheus/collector.js";
import { newDesc } from "../../lib/prometheus/desc.js";
import {
  InconsistentCardinalityError,
  InvalidLabelValueError,
  InvalidNameError,
  InvalidOptionsError,
  InvalidValueError,
} from "../../lib/prometheus/errors.js";
import {
  DefBuckets,
  exponentialBuckets,
  exponentialBucketsRange,
  Histogram,
  type HistogramOpts,
  linearBuckets,
  mustNewConstHistogram,
  newConstHistogram,
  newHistogram,
  newHistogramVec,
  validateBuckets,
} from "../../lib/prometheus/histogram.js";
import type { Metric } from "../../lib/prometheus/metric.js";
import { newRegistry } from "../../lib/prometheus/registry.js";
import { afterEach as afterEachCreated, beforeEach as beforeEachCreated, vi } from "vitest";
import { metricFamiliesToOpenMetrics } from "../../lib/expfmt/openmetrics.js";
import {
  mustNewConstHistogramWithCreatedTimestamp,
  newConstHistogramWithCreatedTimestamp,
} from "../../lib/prometheus/histogram.js";

async function exposition(...cs: Collector[]): Promise<string> {
  const reg = newRegistry();
  reg.mustRegister(...cs);
  return metricFamiliesToText(await reg.gather());
}

/** constCollector collects fixed metrics and describes their descriptors. */
function constCollector(...metrics: Metric[]): Collector {
  return {
    describe: (ch) => {
      for (const d of new Set(metrics.map((m) => m.desc()))) ch.send(d);
    },
    collect: (ch) => {
      for (const m of metrics) ch.send(m);
    },
  };
}

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected a throw");
}

function expectThrow(fn: () => unknown, errorClass: new (...args: never[]) => Error, message: string): void {
  const err = thrown(fn);
  expect(err).toBeInstanceOf(errorClass);
  expect(err.message).toBe(message);
}

describe("Histogram", () => {
  it("counts an observation into the first bucket whose (inclusive) bound holds it", () => {
    const h = newHistogram({ name: "h", help: "h", buckets: [1, 2, 5] });
    for (const v of [0.5, 1, 1.5, 2, 3, 5, 10, -1]) h.observe(v);
    const m = h.write();
    expect(m.histogram).toEqual({
      sampleCount: 8,
      sampleSum: 22,
      bucket: [
        { cumulativeCount: 3, upperBound: 1 },
        { cumulativeCount: 5, upperBound: 2 },
        { cumulativeCount: 7, upperBound: 5 },
      ],
      createdTimestampMs: expect.any(Number),
    });
  });

  it("counts NaN and +Inf only in the implicit +Inf bucket", () => {
    const h = newHistogram({ name: "h", help: "h", buckets: [1] });
    h.observe(Infinity);
    h.observe(NaN);
    const m = h.write();
    expect(m.histogram!.sampleCount).toBe(2);
    expect(m.histogram!.sampleSum).toBeNaN();
    expect(m.histogram!.bucket).toEqual([{ cumulativeCount: 0, upperBound: 1 }]);
  });

  it("uses DefBuckets when none (or an empty list) is given", () => {
    expect(DefBuckets).toEqual([0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]);
    for (const buckets of [undefined, []]) {
      const h = newHistogram({ name: "h", help: "h", buckets });
      expect(h.write().histogram!.bucket.map((b) => b.upperBound)).toEqual(DefBuckets);
    }
  });

  it("drops a trailing +Inf bucket (it is implicit) and writes +Inf once", async () => {
    const h = newHistogram({ name: "latency_seconds", help: "Latency.", buckets: [0.1, 1, Infinity] });
    h.observe(0.05);
    h.observe(0.5);
    h.observe(7);
    expect(h.write().histogram!.bucket.map((b) => b.upperBound)).toEqual([0.1, 1]);
    expect(await exposition(h)).toBe(`# HELP latency_seconds Latency.
# TYPE latency_seconds histogram
latency_seconds_bucket{le="0.1"} 1
latency_seconds_bucket{le="1"} 2
latency_seconds_bucket{le="+Inf"} 3
latency_seconds_sum 7.55
latency_seconds_count 3
`);
  });

  const badBuckets: [what: string, buckets: number[], message: string][] = [
    ["equal bounds", [1, 1], "histogram buckets must be in increasing order: 1.000000 >= 1.000000"],
    ["decreasing bounds", [0.5, 2, 0.25], "histogram buckets must be in increasing order: 2.000000 >= 0.250000"],
    ["+Inf not last", [1, Infinity, 2], "histogram buckets must be in increasing order: +Inf >= 2.000000"],
    ["-Inf after a bound", [-1, -Infinity], "histogram buckets must be in increasing order: -1.000000 >= -Inf"],
    ["NaN after a bound", [1, NaN], "histogram buckets must be in increasing order: 1.000000 >= NaN"],
    // Go's %f writes every digit, and the sign of -0 (found by the differential fuzzer).
    ["a bound from 1e21 up", [1e21, -1.25], "histogram buckets must be in increasing order: 1000000000000000000000.000000 >= -1.250000"],
    ["-0 then 0", [-0, 0], "histogram buckets must be in increasing order: -0.000000 >= 0.000000"],
    ["NaN first", [NaN, 1], "histogram bucket 0 is NaN, not a number"],
  ];
  it.each(badBuckets)("rejects %s with InvalidOptionsError and Go's message", (_what, buckets, message) => {
    expectThrow(() => newHistogram({ name: "h", help: "h", buckets }), InvalidOptionsError, message);
    expectThrow(() => newHistogramVec({ name: "h", help: "h", buckets }, ["a"]), InvalidOptionsError, message);
    expectThrow(() => validateBuckets(buckets), InvalidOptionsError, message);
  });

  const leCases: [what: string, build: () => unknown][] = [
    ["a const label of a Histogram", () => newHistogram({ name: "h", help: "h", constLabels: { le: "1" } })],
    ["a variable label of a HistogramVec", () => newHistogramVec({ name: "h", help: "h" }, ["a", "le"])],
    ["a const label of a HistogramVec", () => newHistogramVec({ name: "h", help: "h", constLabels: { le: "1" } }, ["a"])],
  ];
  it.each(leCases)("rejects le as %s", (_what, build) => {
    expectThrow(build, InvalidOptionsError, '"le" is not allowed as label name in histograms');
  });

  it("allows a quantile label", () => {
    expect(() => newHistogramVec({ name: "h", help: "h" }, ["quantile"])).not.toThrow();
  });

  it("with an invalid name is built, and fails at registration", () => {
    const h = newHistogram({ name: "bad name", help: "h" } as HistogramOpts);
    expect(h).toBeInstanceOf(Histogram);
    expect(h.desc().err).toBeInstanceOf(InvalidNameError);
    expect(newRegistry().register(h)).toBeDefined();
  });
});

describe("HistogramVec", () => {
  it("gives each child its own buckets, labels before le", async () => {
    const vec = newHistogramVec({ name: "rpc_seconds", help: "RPC latency.", buckets: [0.5, 1] }, ["service"]);
    vec.withLabelValues("b").observe(0.7);
    vec.with({ service: "a" }).observe(0.1);
    vec.with({ service: "a" }).observe(3);
    expect(await exposition(vec)).toBe(`# HELP rpc_seconds RPC latency.
# TYPE rpc_seconds histogram
rpc_seconds_bucket{service="a",le="0.5"} 1
rpc_seconds_bucket{service="a",le="1"} 1
rpc_seconds_bucket{service="a",le="+Inf"} 2
rpc_seconds_sum{service="a"} 3.1
rpc_seconds_count{service="a"} 2
rpc_seconds_bucket{service="b",le="0.5"} 0
rpc_seconds_bucket{service="b",le="1"} 1
rpc_seconds_bucket{service="b",le="+Inf"} 1
rpc_seconds_sum{service="b"} 0.7
rpc_seconds_count{service="b"} 1
`);
  });
});

describe("bucket helpers", () => {
  it("linearBuckets", () => {
    expect(linearBuckets(-15, 5, 6)).toEqual([-15, -10, -5, 0, 5, 10]);
    expect(linearBuckets(1, 0.5, 1)).toEqual([1]);
  });

  it("exponentialBuckets", () => {
    expect(exponentialBuckets(100, 1.2, 3)).toEqual([100, 120, 144]);
    expect(exponentialBuckets(1, 2, 4)).toEqual([1, 2, 4, 8]);
  });

  it("exponentialBucketsRange", () => {
    expect(exponentialBucketsRange(1, 100, 3)).toEqual([1, 10, 100]);
    expect(exponentialBucketsRange(1, 32, 6)).toEqual([1, 2, 4, 8, 16, 32]);
  });

  const panics: [call: string, fn: () => unknown, message: string][] = [
    ["linearBuckets(0, 1, 0)", () => linearBuckets(0, 1, 0), "LinearBuckets needs a positive count"],
    ["linearBuckets(0, 1, -3)", () => linearBuckets(0, 1, -3), "LinearBuckets needs a positive count"],
    ["exponentialBuckets(1, 2, 0)", () => exponentialBuckets(1, 2, 0), "ExponentialBuckets needs a positive count"],
    ["exponentialBuckets(0, 2, 3)", () => exponentialBuckets(0, 2, 3), "ExponentialBuckets needs a positive start value"],
    ["exponentialBuckets(-1, 2, 3)", () => exponentialBuckets(-1, 2, 3), "ExponentialBuckets needs a positive start value"],
    ["exponentialBuckets(1, 1, 3)", () => exponentialBuckets(1, 1, 3), "ExponentialBuckets needs a factor greater than 1"],
    [
      "exponentialBucketsRange(1, 10, 0)",
      () => exponentialBucketsRange(1, 10, 0),
      "ExponentialBucketsRange count needs a positive count",
    ],
    [
      "exponentialBucketsRange(0, 10, 3)",
      () => exponentialBucketsRange(0, 10, 3),
      "ExponentialBucketsRange min needs to be greater than 0",
    ],
    [
      "exponentialBucketsRange(10, 10, 3)",
      () => exponentialBucketsRange(10, 10, 3),
      "ExponentialBucketsRange max needs to be greater than min",
    ],
  ];
  it.each(panics)("%s throws InvalidOptionsError", (_call, fn, message) => {
    expectThrow(fn, InvalidOptionsError, message);
  });
});

describe("newConstHistogram", () => {
  const desc = newDesc("http_request_duration_seconds", "A histogram of the HTTP request durations.", ["code", "method"], {
    owner: "example",
  });

  it("returns [metric, undefined] and writes the buckets sorted by bound", async () => {
    const [metric, err] = newConstHistogram(desc, 4711, 403.34, new Map([[100, 4000], [25, 121], [50, 2403], [200, 4711]]), "200", "get");
    expect(err).toBeUndefined();
    expect(await exposition(constCollector(metric!))).toBe(`# HELP http_request_duration_seconds A histogram of the HTTP request durations.
# TYPE http_request_duration_seconds histogram
http_request_duration_seconds_bucket{code="200",method="get",owner="example",le="25"} 121
http_request_duration_seconds_bucket{code="200",method="get",owner="example",le="50"} 2403
http_request_duration_seconds_bucket{code="200",method="get",owner="example",le="100"} 4000
http_request_duration_seconds_bucket{code="200",method="get",owner="example",le="200"} 4711
http_request_duration_seconds_bucket{code="200",method="get",owner="example",le="+Inf"} 4711
http_request_duration_seconds_sum{code="200",method="get",owner="example"} 403.34
http_request_duration_seconds_count{code="200",method="get",owner="example"} 4711
`);
  });

  it("accepts buckets as a record, with an explicit +Inf written once", async () => {
    const d = newDesc("h", "h");
    const [metric, err] = newConstHistogram(d, 1_000_000, 2, { "0.5": 10, "+Inf": 1_000_000 });
    expect(err).toBeUndefined();
    expect(await exposition(constCollector(metric!))).toBe(`# HELP h h
# TYPE h histogram
h_bucket{le="0.5"} 10
h_bucket{le="+Inf"} 1e+06
h_sum 2
h_count 1e+06
`);
  });

  const errorCases: [what: string, call: () => ReturnType<typeof newConstHistogram>, errorClass: new (...a: never[]) => Error, message: string][] = [
    [
      "too few label values",
      () => newConstHistogram(desc, 1, 1, {}, "200"),
      InconsistentCardinalityError,
      'inconsistent label cardinality: expected 2 label values but got 1 in []string{"200"}',
    ],
    [
      "an invalid label value",
      () => newConstHistogram(desc, 1, 1, {}, "200", "\ud800"),
      InvalidLabelValueError,
      'label value "\\ud800" is not valid UTF-8',
    ],
    [
      "an invalid descriptor",
      () => newConstHistogram(newDesc("bad-name", "h"), 1, 1, {}),
      InvalidNameError,
      '"bad-name" is not a valid metric name',
    ],
    [
      "a negative count",
      () => newConstHistogram(desc, -1, 1, {}, "200", "get"),
      InvalidValueError,
      "histogram count must be a non-negative integer, got -1",
    ],
    [
      "a fractional bucket count",
      () => newConstHistogram(desc, 2, 1, { "1": 1.5 }, "200", "get"),
      InvalidValueError,
      "histogram bucket 1 count must be a non-negative integer, got 1.5",
    ],
    [
      "a bucket bound that is not a number",
      () => newConstHistogram(desc, 2, 1, { abc: 1 }, "200", "get"),
      InvalidValueError,
      "histogram bucket bound abc is not a number",
    ],
  ];
  it.each(errorCases)("returns [undefined, err] for %s", (_what, call, errorClass, message) => {
    const [metric, err] = call();
    expect(metric).toBeUndefined();
    expect(err).toBeInstanceOf(errorClass);
    expect(err?.message).toBe(message);
  });

  it("mustNewConstHistogram throws what newConstHistogram returns", () => {
    expectThrow(
      () => mustNewConstHistogram(desc, 1, 1, {}),
      InconsistentCardinalityError,
      "inconsistent label cardinality: expected 2 label values but got 0 in []string{}",
    );
    expect(mustNewConstHistogram(desc, 0, 0, {}, "a", "b").write().histogram).toEqual({
      sampleCount: 0,
      sampleSum: 0,
      bucket: [],
    });
  });
});

describe("Histogram created timestamp (client_golang 1.17+ createdTs)", () => {
  beforeEachCreated(() => {
    vi.useFakeTimers();
    vi.setSystemTime(1_600_000_000_000);
  });
  afterEachCreated(() => {
    vi.useRealTimers();
  });

  it("is the time the histogram (or vec child) was made", () => {
    const h = newHistogram({ name: "h", help: "h", buckets: [1] });
    const vec = newHistogramVec({ name: "v", help: "h", buckets: [1] }, ["a"]);
    vi.setSystemTime(1_600_000_005_000);
    h.observe(1);
    vec.withLabelValues("x").observe(1);
    expect(h.write().histogram!.createdTimestampMs).toBe(1_600_000_000_000);
    expect(vec.withLabelValues("x").write().histogram!.createdTimestampMs).toBe(1_600_000_005_000);
  });

  it("const histograms carry one when made WithCreatedTimestamp", async () => {
    const desc = newDesc("rpc_seconds", "RPC latency.", ["op"], null);
    const [m, err] = newConstHistogramWithCreatedTimestamp(desc, 3, 1.5, { 1: 2 }, new Date(1_500_000_000_000), "get");
    expect(err).toBeUndefined();
    expect(m!.write()).toEqual({
      label: [{ name: "op", value: "get" }],
      histogram: {
        sampleCount: 3,
        sampleSum: 1.5,
        bucket: [{ cumulativeCount: 2, upperBound: 1 }],
        createdTimestampMs: 1_500_000_000_000,
      },
    });
    const reg = newRegistry();
    reg.mustRegister(constCollector(m!));
    expect(metricFamiliesToOpenMetrics(await reg.gather(), { createdLines: true })).toContain(
      'rpc_seconds_count{op="get"} 3\nrpc_seconds_created{op="get"} 1.5e+09\n',
    );
  });

  it("const histograms reject what newConstHistogram rejects, and an invalid created time", () => {
    const desc = newDesc("h", "h", null, null);
    expect(newConstHistogramWithCreatedTimestamp(desc, -1, 0, {}, 0)[1]).toBeInstanceOf(InvalidValueError);
    expect(() => mustNewConstHistogramWithCreatedTimestamp(desc, 1, 0, {}, new Date(NaN))).toThrow(
      "created timestamp must be a valid date or a finite number of ms, got Invalid Date",
    );
  });
});
