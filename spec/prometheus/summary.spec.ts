/**
 * Summary, SummaryVec and const summaries (client_golang's summary.go and summary_test.go). The
 * quantile streams and the time window have their own specs (quantile, summary-window); here they
 * are seen through the metric and its exposition.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { metricFamiliesToText } from "../../lib/expfmt/text.js";
import type { Collector } from "../../lib/prometheus/collector.js";
import { newDesc } from "../../lib/prometheus/desc.js";
import {
  InconsistentCardinalityError,
  InvalidNameError,
  InvalidOptionsError,
  InvalidValueError,
} from "../../lib/prometheus/errors.js";
import type { Metric } from "../../lib/prometheus/metric.js";
import { newRegistry } from "../../lib/prometheus/registry.js";
import { beforeEach as beforeEachCreated } from "vitest";
import {
  mustNewConstSummaryWithCreatedTimestamp,
  newConstSummaryWithCreatedTimestamp,
  newSummary as newSummaryCreated,
  newSummaryVec as newSummaryVecCreated,
} from "../../lib/prometheus/summary.js";
import {
  DefAgeBuckets,
  DefBufCap,
  DefMaxAgeMs,
  mustNewConstSummary,
  newConstSummary,
  newSummary,
  newSummaryVec,
  Summary,
  type SummaryOpts,
} from "../../lib/prometheus/summary.js";

async function exposition(...cs: Collector[]): Promise<string> {
  const reg = newRegistry();
  reg.mustRegister(...cs);
  return metricFamiliesToText(await reg.gather());
}

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

afterEach(() => {
  vi.useRealTimers();
});

describe("Summary", () => {
  it("has Go's defaults", () => {
    expect(DefMaxAgeMs).toBe(10 * 60 * 1000);
    expect(DefAgeBuckets).toBe(5);
    expect(DefBufCap).toBe(500);
  });

  it("without objectives keeps only count and sum", async () => {
    const s = newSummary({ name: "rpc_seconds", help: "RPC latency." });
    s.observe(0.25);
    s.observe(1.5);
    expect(s.write().summary).toEqual({ sampleCount: 2, sampleSum: 1.75, quantile: [], createdTimestampMs: expect.any(Number) });
    expect(await exposition(s)).toBe(`# HELP rpc_seconds RPC latency.
# TYPE rpc_seconds summary
rpc_seconds_sum 1.75
rpc_seconds_count 2
`);
  });

  it("estimates its objectives within their errors", () => {
    const s = new Summary({
      name: "s",
      help: "h",
      objectives: new Map([
        [0.5, 0.05],
        [0.9, 0.01],
        [0.99, 0.001],
      ]),
    });
    for (let i = 1; i <= 1000; i++) s.observe(i);
    const summary = s.write().summary!;
    expect(summary.sampleCount).toBe(1000);
    expect(summary.sampleSum).toBe(500500);
    expect(summary.quantile.map((q) => q.quantile)).toEqual([0.5, 0.9, 0.99]);
    const [q50, q90, q99] = summary.quantile.map((q) => q.value);
    expect(Math.abs(q50! - 500)).toBeLessThanOrEqual(50);
    expect(Math.abs(q90! - 900)).toBeLessThanOrEqual(10);
    expect(Math.abs(q99! - 990)).toBeLessThanOrEqual(1);
  });

  it("accepts objectives as a record", () => {
    const s = newSummary({ name: "s", help: "h", objectives: { "0.9": 0.01, "0.5": 0.05 } });
    s.observe(1);
    expect(s.write().summary!.quantile).toEqual([
      { quantile: 0.5, value: 1 },
      { quantile: 0.9, value: 1 },
    ]);
  });

  it("writes NaN quantiles before the first observation", async () => {
    const s = newSummary({ name: "s", help: "h", objectives: { "0.5": 0.05, "0.99": 0.001 } });
    expect(await exposition(s)).toBe(`# HELP s h
# TYPE s summary
s{quantile="0.5"} NaN
s{quantile="0.99"} NaN
s_sum 0
s_count 0
`);
  });

  it("forgets observations older than maxAge in its quantiles, not in count and sum", () => {
    vi.useFakeTimers({ toFake: ["performance", "Date"] });
    const s = newSummary({ name: "s", help: "h", objectives: { "0.5": 0.05 }, maxAge: 1000, ageBuckets: 2 });
    s.observe(10);
    expect(s.write().summary!.quantile[0]!.value).toBe(10);
    vi.advanceTimersByTime(1100);
    const summary = s.write().summary!;
    expect(summary.quantile[0]!.value).toBeNaN();
    expect([summary.sampleCount, summary.sampleSum]).toEqual([1, 10]);
  });

  it("rejects an observation that is not a number", () => {
    expectThrow(
      () => newSummary({ name: "s", help: "h" }).observe("1" as unknown as number),
      InvalidValueError,
      "summary observation must be a number, got string",
    );
  });

  const quantileLabel: [what: string, build: () => unknown][] = [
    ["a const label of a Summary", () => newSummary({ name: "s", help: "h", constLabels: { quantile: "x" } })],
    ["a variable label of a SummaryVec", () => newSummaryVec({ name: "s", help: "h" }, ["quantile"])],
    ["a const label of a SummaryVec", () => newSummaryVec({ name: "s", help: "h", constLabels: { quantile: "x" } }, ["a"])],
  ];
  it.each(quantileLabel)("rejects quantile as %s", (_what, build) => {
    expectThrow(build, InvalidOptionsError, '"quantile" is not allowed as label name in summaries');
  });

  it("allows an le label", () => {
    expect(() => newSummaryVec({ name: "s", help: "h" }, ["le"])).not.toThrow();
  });

  const badOptions: [what: string, opts: Partial<SummaryOpts>, message: string][] = [
    ["quantile 0", { objectives: new Map([[0, 0.01]]) }, "invalid quantile 0: must be in the interval (0, 1)"],
    ["quantile 1", { objectives: new Map([[1, 0.01]]) }, "invalid quantile 1: must be in the interval (0, 1)"],
    ["quantile 1.5", { objectives: { "1.5": 0.01 } }, "invalid quantile 1.5: must be in the interval (0, 1)"],
    ["quantile -0.5", { objectives: new Map([[-0.5, 0.01]]) }, "invalid quantile -0.5: must be in the interval (0, 1)"],
    ["quantile NaN", { objectives: new Map([[NaN, 0.01]]) }, "invalid quantile NaN: must be in the interval (0, 1)"],
    ["error 1", { objectives: new Map([[0.5, 1]]) }, "invalid error 1 for quantile 0.5: must be in the interval [0, 1)"],
    ["a negative error", { objectives: new Map([[0.5, -0.1]]) }, "invalid error -0.1 for quantile 0.5: must be in the interval [0, 1)"],
    ["a negative maxAge", { maxAge: -1 }, "illegal max age MaxAge=-1"],
    ["an infinite maxAge", { maxAge: Infinity }, "illegal max age MaxAge=Infinity"],
    ["a NaN maxAge", { maxAge: NaN }, "illegal max age MaxAge=NaN"],
    ["negative ageBuckets", { ageBuckets: -1 }, "illegal age buckets AgeBuckets=-1"],
    ["fractional ageBuckets", { ageBuckets: 1.5 }, "illegal age buckets AgeBuckets=1.5"],
    ["a negative bufCap", { bufCap: -5 }, "illegal buffer capacity BufCap=-5"],
  ];
  it.each(badOptions)("rejects %s with InvalidOptionsError", (_what, opts, message) => {
    expectThrow(() => newSummary({ name: "s", help: "h", ...opts }), InvalidOptionsError, message);
    expectThrow(() => newSummaryVec({ name: "s", help: "h", ...opts }, ["a"]), InvalidOptionsError, message);
  });
});

describe("SummaryVec", () => {
  it("gives each child its own window, labels before quantile", async () => {
    const vec = newSummaryVec({ name: "s", help: "h", objectives: { "0.5": 0.05 } }, ["svc"]);
    vec.withLabelValues("b").observe(2);
    vec.with({ svc: "a" }).observe(1);
    expect(vec.withLabelValues("a")).toBeInstanceOf(Summary);
    expect(await exposition(vec)).toBe(`# HELP s h
# TYPE s summary
s{svc="a",quantile="0.5"} 1
s_sum{svc="a"} 1
s_count{svc="a"} 1
s{svc="b",quantile="0.5"} 2
s_sum{svc="b"} 2
s_count{svc="b"} 1
`);
  });
});

describe("newConstSummary", () => {
  const desc = newDesc("http_request_duration_seconds", "A summary of the HTTP request durations.", ["code", "method"], {
    owner: "example",
  });

  it("returns [metric, undefined] and writes the quantiles sorted", async () => {
    const [metric, err] = newConstSummary(
      desc,
      4711,
      403.34,
      new Map([
        [0.9, 35.7],
        [0.5, 42.3],
        [0.99, 90.4],
      ]),
      "200",
      "get",
    );
    expect(err).toBeUndefined();
    expect(await exposition(constCollector(metric!))).toBe(`# HELP http_request_duration_seconds A summary of the HTTP request durations.
# TYPE http_request_duration_seconds summary
http_request_duration_seconds{code="200",method="get",owner="example",quantile="0.5"} 42.3
http_request_duration_seconds{code="200",method="get",owner="example",quantile="0.9"} 35.7
http_request_duration_seconds{code="200",method="get",owner="example",quantile="0.99"} 90.4
http_request_duration_seconds_sum{code="200",method="get",owner="example"} 403.34
http_request_duration_seconds_count{code="200",method="get",owner="example"} 4711
`);
  });

  const errorCases: [what: string, call: () => ReturnType<typeof newConstSummary>, errorClass: new (...a: never[]) => Error, message: string][] = [
    [
      "too many label values",
      () => newConstSummary(desc, 1, 1, {}, "a", "b", "c"),
      InconsistentCardinalityError,
      'inconsistent label cardinality: expected 2 label values but got 3 in []string{"a", "b", "c"}',
    ],
    [
      "an invalid descriptor",
      () => newConstSummary(newDesc("x", "h", ["__bad"]), 1, 1, {}, "a"),
      InvalidNameError,
      '"__bad" is not a valid label name for metric "x"',
    ],
    [
      "a fractional count",
      () => newConstSummary(desc, 0.5, 1, {}, "a", "b"),
      InvalidValueError,
      "summary count must be a non-negative integer, got 0.5",
    ],
    [
      "a quantile above 1",
      () => newConstSummary(desc, 1, 1, { "1.5": 3 }, "a", "b"),
      InvalidValueError,
      "summary quantile 1.5 is not in [0, 1]",
    ],
    [
      "a NaN quantile",
      () => newConstSummary(desc, 1, 1, new Map([[NaN, 3]]), "a", "b"),
      InvalidValueError,
      "summary quantile NaN is not in [0, 1]",
    ],
  ];
  it.each(errorCases)("returns [undefined, err] for %s", (_what, call, errorClass, message) => {
    const [metric, err] = call();
    expect(metric).toBeUndefined();
    expect(err).toBeInstanceOf(errorClass);
    expect(err?.message).toBe(message);
  });

  it("mustNewConstSummary throws what newConstSummary returns", () => {
    expectThrow(
      () => mustNewConstSummary(desc, -1, 0, {}, "a", "b"),
      InvalidValueError,
      "summary count must be a non-negative integer, got -1",
    );
    expect(mustNewConstSummary(desc, 3, 6, { "0.5": 2 }, "a", "b").write().summary).toEqual({
      sampleCount: 3,
      sampleSum: 6,
      quantile: [{ quantile: 0.5, value: 2 }],
    });
  });
});

describe("Summary created timestamp (client_golang 1.17+ createdTs)", () => {
  beforeEachCreated(() => {
    vi.useFakeTimers();
    vi.setSystemTime(1_600_000_000_000);
    return () => {
      vi.useRealTimers();
    };
  });

  it("is the time the summary (or vec child) was made, with and without objectives", () => {
    const plain = newSummaryCreated({ name: "a", help: "h" });
    const windowed = newSummaryCreated({ name: "b", help: "h", objectives: { 0.5: 0.05 } });
    const vec = newSummaryVecCreated({ name: "c", help: "h" }, ["op"]);
    vi.setSystemTime(1_600_000_002_000);
    vec.withLabelValues("x").observe(1);
    plain.observe(1);
    windowed.observe(1);
    expect(plain.write().summary!.createdTimestampMs).toBe(1_600_000_000_000);
    expect(windowed.write().summary).toEqual({
      sampleCount: 1,
      sampleSum: 1,
      quantile: [{ quantile: 0.5, value: 1 }],
      createdTimestampMs: 1_600_000_000_000,
    });
    expect(vec.withLabelValues("x").write().summary!.createdTimestampMs).toBe(1_600_000_002_000);
  });

  it("const summaries carry one when made WithCreatedTimestamp", () => {
    const desc = newDesc("s", "h", null, null);
    const [m, err] = newConstSummaryWithCreatedTimestamp(desc, 2, 3, { 0.5: 1 }, 1_500_000_000_000);
    expect(err).toBeUndefined();
    expect(m!.write().summary).toEqual({
      sampleCount: 2,
      sampleSum: 3,
      quantile: [{ quantile: 0.5, value: 1 }],
      createdTimestampMs: 1_500_000_000_000,
    });
    expect(() => mustNewConstSummaryWithCreatedTimestamp(desc, 2, 3, {}, NaN)).toThrow(
      "created timestamp must be a valid date or a finite number of ms, got NaN",
    );
    expect(newConstSummaryWithCreatedTimestamp(desc, 1.5, 3, {}, 0)[1]?.message).toBe(
      "summary count must be a non-negative integer, got 1.5",
    );
  });
});
