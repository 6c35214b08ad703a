/**
 * Exemplars (exemplar.ts, and the exemplar methods of Counter and Histogram): the checks of Go's
 * `newExemplar` with its messages, where exemplars are kept, how `newMetricWithExemplars`
 * attaches them, and what OpenMetrics writes (client_golang's counter_test.go
 * `TestCounterExemplar`, histogram_test.go `TestHistogramExemplar`, metric_test.go
 * `TestWithExemplarsMetric`). Go's panics are thrown errors here.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { metricFamiliesToOpenMetrics } from "../../lib/expfmt/openmetrics.js";
import { metricFamiliesToText } from "../../lib/expfmt/text.js";
import type * as dto from "../../lib/model/index.js";
import type { Collector } from "../../lib/prometheus/collector.js";
import { newCounter, newCounterVec } from "../../lib/prometheus/counter.js";
import { newDesc } from "../../lib/prometheus/desc.js";
import { InvalidExemplarError, InvalidValueError } from "../../lib/prometheus/errors.js";
import {
  ExemplarMaxRunes,
  mustNewMetricWithExemplars,
  newExemplar,
  newMetricWithExemplars,
} from "../../lib/prometheus/exemplar.js";
import { mustNewConstHistogram, newHistogram } from "../../lib/prometheus/histogram.js";
import type { Metric } from "../../lib/prometheus/metric.js";
import { newRegistry } from "../../lib/prometheus/registry.js";
import { CounterValue, GaugeValue, mustNewConstMetric } from "../../lib/prometheus/value.js";

const T0 = 1_600_000_000_000;

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(T0);
});
afterEach(() => {
  vi.useRealTimers();
});

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected a throw");
}

/** constCollector collects fixed metrics. */
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

describe("newExemplar (Go's checks and messages)", () => {
  it("makes a frozen exemplar with its labels sorted by name", () => {
    const e = newExemplar(42, T0, { trace_id: "abc", span_id: "def" });
    expect(e).toEqual({
      label: [
        { name: "span_id", value: "def" },
        { name: "trace_id", value: "abc" },
      ],
      value: 42,
      timestampMs: T0,
    });
    expect(Object.isFrozen(e)).toBe(true);
    expect(Object.isFrozen(e.label)).toBe(true);
  });

  it.each([
    [{ ":o)": "smile" }, 'exemplar label name ":o)" is invalid'],
    [{ __name: "x" }, 'exemplar label name "__name" is invalid'], // reserved, as for metric labels
    [{ "": "x" }, 'exemplar label name "" is invalid'],
    [{ a: "\ud800" }, 'exemplar label value "\\ud800" is not valid UTF-8'], // Go: "\xff"
    [{ a: 7 as unknown as string }, "exemplar label value 7 is not a string"],
    [
      // Go's TestCounterExemplar: 26+16 + 8+15 + 1+63 = 129 runes.
      { abcdefghijklmnopqrstuvwxyz: "26+16 characters", x1234567: "8+15 characters", z: "x".repeat(63) },
      "exemplar labels have 129 runes, exceeding the limit of 128",
    ],
  ])("rejects %o: %s", (labels, message) => {
    const err = thrown(() => newExemplar(1, T0, labels));
    expect(err).toBeInstanceOf(InvalidExemplarError);
    expect(err).toBeInstanceOf(InvalidValueError);
    expect(err.message).toBe(message);
  });

  it("counts runes (code points), not UTF-16 units or bytes", () => {
    expect(ExemplarMaxRunes).toBe(128);
    // "a" + 127 emoji: 128 runes, 255 UTF-16 units, 509 bytes of UTF-8.
    expect(newExemplar(1, T0, { a: "🙂".repeat(127) }).label[0]!.value).toHaveLength(254);
    expect(() => newExemplar(1, T0, { a: "🙂".repeat(128) })).toThrow(
      "exemplar labels have 129 runes, exceeding the limit of 128",
    );
  });

  it("accepts empty labels: an exemplar without labels", () => {
    expect(newExemplar(1, T0, {})).toEqual({ label: [], value: 1, timestampMs: T0 });
  });

  it.each([
    [253402300800_000, "proto: timestamp (seconds:253402300800) after 9999-12-31"],
    [253402300800_005, "proto: timestamp (seconds:253402300800 nanos:5000000) after 9999-12-31"],
    [-62135596801_000, "proto: timestamp (seconds:-62135596801) before 0001-01-01"],
    [NaN, "exemplar timestamp must be a valid date or a finite number of ms, got NaN"],
  ])("rejects the timestamp %d ms as protobuf's Timestamp.CheckValid does", (ms, message) => {
    expect(() => newExemplar(1, ms, { a: "b" })).toThrow(InvalidExemplarError);
    expect(() => newExemplar(1, ms, { a: "b" })).toThrow(message);
  });

  it("accepts the last valid second, 9999-12-31T23:59:59.999Z", () => {
    expect(newExemplar(1, 253402300799_999, {}).timestampMs).toBe(253402300799_999);
  });
});

describe("Counter.addWithExemplar", () => {
  it("adds the value and keeps the exemplar of the latest call, timestamped now", () => {
    const c = newCounter({ name: "c_total", help: "h" });
    c.addWithExemplar(42, { foo: "bar" });
    vi.setSystemTime(T0 + 1500);
    c.addWithExemplar(1, { foo: "baz" });
    expect(c.write().counter).toEqual({
      value: 43,
      exemplar: { label: [{ name: "foo", value: "baz" }], value: 1, timestampMs: T0 + 1500 },
      createdTimestampMs: T0,
    });
  });

  it("keeps the exemplar when no labels are given, and makes a label-less one for empty labels", () => {
    const c = newCounter({ name: "c_total", help: "h" });
    c.addWithExemplar(1, { foo: "bar" });
    c.addWithExemplar(2);
    expect(c.write().counter!.exemplar?.value).toBe(1);
    c.addWithExemplar(3, {});
    expect(c.write().counter!.exemplar).toEqual({ label: [], value: 3, timestampMs: T0 });
    expect(c.get()).toBe(6);
  });

  it("changes nothing when the exemplar or the value is invalid (Go adds, then panics)", () => {
    const c = newCounter({ name: "c_total", help: "h" });
    c.addWithExemplar(1, { foo: "bar" });
    const before = c.write();
    const err = thrown(() => c.addWithExemplar(42, { ":o)": "smile" }));
    expect(err).toBeInstanceOf(InvalidExemplarError);
    expect(err.message).toBe('exemplar label name ":o)" is invalid');
    expect(() => c.addWithExemplar(-1, { foo: "x" })).toThrow("counter cannot decrease in value");
    expect(c.get()).toBe(1);
    expect(c.write()).toStrictEqual(before);
  });

  it("writes a new object when only the exemplar changed", () => {
    const c = newCounter({ name: "c_total", help: "h" });
    c.addWithExemplar(0, { a: "1" });
    const first = c.write();
    c.addWithExemplar(0, { a: "2" });
    const second = c.write();
    expect(second).not.toBe(first);
    expect(first.counter!.exemplar!.label[0]!.value).toBe("1");
    expect(second.counter!.exemplar!.label[0]!.value).toBe("2");
  });
});

describe("Histogram.observeWithExemplar", () => {
  it("keeps one exemplar per bucket, +Inf included (Go's TestHistogramExemplar)", () => {
    const h = newHistogram({ name: "test", help: "test help", buckets: [1, 2, 3, 4] });
    h.observeWithExemplar(1.5, { id: "1" });
    h.observeWithExemplar(1.6, { id: "2" }); // replaces the exemplar of bucket le=2
    h.observeWithExemplar(4, { id: "3" }); // le=4: bounds are inclusive
    h.observeWithExemplar(4.5, { id: "4" }); // above every bound: the +Inf bucket
    const ex = (id: string, value: number): dto.Exemplar => ({ label: [{ name: "id", value: id }], value, timestampMs: T0 });
    expect(h.write().histogram!.bucket).toEqual([
      { cumulativeCount: 0, upperBound: 1 },
      { cumulativeCount: 2, upperBound: 2, exemplar: ex("2", 1.6) },
      { cumulativeCount: 2, upperBound: 3 },
      { cumulativeCount: 3, upperBound: 4, exemplar: ex("3", 4) },
      // Go writes the +Inf bucket explicitly only when it has an exemplar; its count is the total.
      { cumulativeCount: 4, upperBound: Infinity, exemplar: ex("4", 4.5) },
    ]);
  });

  it("puts NaN's exemplar on +Inf, and on +Inf only for a histogram without classic buckets", () => {
    const h = newHistogram({ name: "h", help: "h", buckets: [1] });
    h.observeWithExemplar(NaN, { id: "nan" });
    expect(h.write().histogram!.bucket[1]).toMatchObject({ upperBound: Infinity, cumulativeCount: 1 });
    const native = newHistogram({ name: "n", help: "h", nativeHistogramBucketFactor: 1.1 });
    native.observeWithExemplar(0.5, { id: "x" });
    expect(native.write().histogram!.bucket).toEqual([
      { cumulativeCount: 1, upperBound: Infinity, exemplar: { label: [{ name: "id", value: "x" }], value: 0.5, timestampMs: T0 } },
    ]);
  });

  it("changes nothing for an invalid exemplar", () => {
    const h = newHistogram({ name: "h", help: "h", buckets: [1] });
    expect(() => h.observeWithExemplar(0.5, { "bad-name": "x" })).toThrow(InvalidExemplarError);
    expect(h.write().histogram!.sampleCount).toBe(0);
  });
});

describe("newMetricWithExemplars", () => {
  const counterDesc = newDesc("jobs_total", "Jobs.", null, null);

  it("attaches the last exemplar to a counter, timestamped now when no time is given", () => {
    const [m, err] = newMetricWithExemplars(
      mustNewConstMetric(counterDesc, CounterValue, 42),
      { value: 1, labels: { trace_id: "a" }, timestamp: new Date(T0 - 1000) },
      { value: 2, labels: { trace_id: "b" } },
    );
    expect(err).toBeUndefined();
    expect(m!.write()).toEqual({
      label: [],
      counter: { value: 42, exemplar: { label: [{ name: "trace_id", value: "b" }], value: 2, timestampMs: T0 } },
    });
    expect(m!.desc()).toBe(counterDesc);
  });

  it("runs the @example of newMetricWithExemplars", () => {
    const desc = counterDesc;
    const [m, err] = newMetricWithExemplars(mustNewConstMetric(desc, CounterValue, 42), {
      value: 1,
      labels: { trace_id: "4bf92f3577b34da6" },
      timestamp: 1.6e12,
    });
    expect(err).toBeUndefined();
    expect(m!.write().counter!.exemplar).toEqual({
      label: [{ name: "trace_id", value: "4bf92f3577b34da6" }],
      value: 1,
      timestampMs: 1.6e12,
    });
  });

  it("leaves the wrapped metric's own data alone, and hands out the same object again", () => {
    const inner = mustNewConstMetric(counterDesc, CounterValue, 42);
    const m = mustNewMetricWithExemplars(inner, { value: 1, labels: { a: "b" }, timestamp: T0 });
    expect(m.write()).toBe(m.write());
    expect(inner.write().counter!.exemplar).toBeUndefined();
  });

  it("attaches each exemplar to the bucket its value falls in, adding +Inf (Go's TestWithExemplarsMetric)", () => {
    const h = mustNewConstHistogram(
      newDesc("http_request_duration_seconds", "A histogram of the HTTP request durations.", null, null),
      4711,
      403.34,
      new Map([
        [25, 121],
        [50, 2403],
        [100, 3221],
        [200, 4233],
      ]),
    );
    const values = [2000, 500, 42, 157, 100, 89, 24, 25.1]; // unordered
    const m = mustNewMetricWithExemplars(h, ...values.map((value) => ({ value, labels: {} })));
    const buckets = m.write().histogram!.bucket;
    // Per bucket the last exemplar that fits wins: le=25: 24; le=50: 25.1 (42 came before it);
    // le=100: 89 (after 100); le=200: 157; +Inf: 500 (after 2000).
    expect(buckets.map((b) => b.exemplar?.value)).toEqual([24, 25.1, 89, 157, 500]);
    expect(buckets[4]).toMatchObject({ upperBound: Infinity, cumulativeCount: 4711 });
    expect(h.write().histogram!.bucket).toHaveLength(4);
  });

  it("puts a NaN exemplar on +Inf, never on a second +Inf bucket", () => {
    const h = mustNewConstHistogram(newDesc("h", "h", null, null), 3, 1, { 1: 2 });
    const m = mustNewMetricWithExemplars(h, { value: NaN, labels: { a: "1" } }, { value: NaN, labels: { a: "2" } });
    const buckets = m.write().histogram!.bucket;
    expect(buckets).toHaveLength(2);
    expect(buckets[1]!.exemplar!.label[0]!.value).toBe("2");
  });

  it("returns Go's errors: no exemplars, an invalid one", () => {
    const c = mustNewConstMetric(counterDesc, CounterValue, 1);
    const [m1, err1] = newMetricWithExemplars(c);
    expect(m1).toBeUndefined();
    expect(err1).toBeInstanceOf(InvalidExemplarError);
    expect(err1?.message).toBe("no exemplar was passed for NewMetricWithExemplars");
    const [, err2] = newMetricWithExemplars(c, { value: 1, labels: { "1x": "y" } });
    expect(err2?.message).toBe('exemplar label name "1x" is invalid');
    expect(() => mustNewMetricWithExemplars(c, { value: 1, labels: {}, timestamp: new Date(NaN) })).toThrow(
      "exemplar timestamp must be a valid date or a finite number of ms, got NaN",
    );
  });

  it("fails at write for a gauge, and the registry reports it", async () => {
    const g = mustNewMetricWithExemplars(mustNewConstMetric(newDesc("g", "h", null, null), GaugeValue, 1), {
      value: 1,
      labels: { a: "b" },
    });
    expect(() => g.write()).toThrow(InvalidExemplarError);
    expect(() => g.write()).toThrow("cannot inject exemplar into Gauge, Summary or Untyped");
    const reg = newRegistry();
    reg.mustRegister(constCollector(g));
    await expect(reg.gather()).rejects.toThrow("cannot inject exemplar into Gauge, Summary or Untyped");
  });
});

describe("exemplars in the expositions", () => {
  it("OpenMetrics writes them after counter and bucket samples; the text format leaves them out", async () => {
    const reg = newRegistry();
    const requests = newCounterVec({ name: "requests_total", help: "Requests." }, ["code"]);
    const latency = newHistogram({ name: "latency_seconds", help: "Latency.", buckets: [0.1, 1] });
    reg.mustRegister(requests, latency);

    requests.withLabelValues("200").addWithExemplar(1, { trace_id: "abc" });
    requests.withLabelValues("200").inc();
    latency.observeWithExemplar(0.05, { trace_id: "t1" });
    vi.setSystemTime(T0 + 500);
    latency.observeWithExemplar(5, { trace_id: "t2", span_id: "s2" }); // +Inf; labels sorted
    latency.observe(0.5);

    const families = await reg.gather();
    expect(metricFamiliesToOpenMetrics(families)).toBe(`# HELP latency_seconds Latency.
# TYPE latency_seconds histogram
latency_seconds_bucket{le="0.1"} 1 # {trace_id="t1"} 0.05 1.6e+09
latency_seconds_bucket{le="1.0"} 2
latency_seconds_bucket{le="+Inf"} 3 # {span_id="s2",trace_id="t2"} 5.0 1.6000000005e+09
latency_seconds_sum 5.55
latency_seconds_count 3
# HELP requests Requests.
# TYPE requests counter
requests_total{code="200"} 2.0 # {trace_id="abc"} 1.0 1.6e+09
# EOF
`);
    expect(metricFamiliesToText(families)).toBe(`# HELP latency_seconds Latency.
# TYPE latency_seconds histogram
latency_seconds_bucket{le="0.1"} 1
latency_seconds_bucket{le="1"} 2
latency_seconds_bucket{le="+Inf"} 3
latency_seconds_sum 5.55
latency_seconds_count 3
# HELP requests_total Requests.
# TYPE requests_total counter
requests_total{code="200"} 2
`);
  });

  it("OpenMetrics with createdLines writes each live metric's creation time", async () => {
    const reg = newRegistry();
    const c = newCounter({ name: "jobs_total", help: "Jobs." });
    vi.setSystemTime(T0 + 500);
    const h = newHistogram({ name: "size_bytes", help: "Sizes.", buckets: [100] });
    reg.mustRegister(c, h);
    c.addWithExemplar(3, { job: "x" });
    h.observe(42);
    expect(metricFamiliesToOpenMetrics(await reg.gather(), { createdLines: true })).toBe(`# HELP jobs Jobs.
# TYPE jobs counter
jobs_total 3.0 # {job="x"} 3.0 1.6000000005e+09
jobs_created 1.6e+09
# HELP size_bytes Sizes.
# TYPE size_bytes histogram
size_bytes_bucket{le="100.0"} 1
size_bytes_bucket{le="+Inf"} 1
size_bytes_sum 42.0
size_bytes_count 1
size_bytes_created 1.6000000005e+09
# EOF
`);
  });
});
