/**
 * Const metrics, value types, label pairs and timestamps (client_golang's value.go).
 */
import { describe, expect, it } from "vitest";
import { metricFamiliesToText } from "../../lib/expfmt/text.js";
import type { Collector } from "../../lib/prometheus/collector.js";
import { newDesc } from "../../lib/prometheus/desc.js";
import {
  InconsistentCardinalityError,
  InvalidLabelValueError,
  InvalidNameError,
  InvalidValueError,
  type PrometheusError,
} from "../../lib/prometheus/errors.js";
import type { Metric } from "../../lib/prometheus/metric.js";
import { newRegistry } from "../../lib/prometheus/registry.js";
import { metricFamiliesToOpenMetrics } from "../../lib/expfmt/openmetrics.js";
import {
  mustNewConstMetricWithCreatedTimestamp,
  newConstMetricWithCreatedTimestamp,
} from "../../lib/prometheus/value.js";
import {
  CounterValue,
  GaugeValue,
  makeLabelPairs,
  mustNewConstMetric,
  newConstMetric,
  newMetricWithTimestamp,
  UntypedValue,
  ValueFunc,
  type ValueType,
} from "../../lib/prometheus/value.js";

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

async function exposition(...cs: Collector[]): Promise<string> {
  const reg = newRegistry();
  reg.mustRegister(...cs);
  return metricFamiliesToText(await reg.gather());
}

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected a throw");
}

describe("value types", () => {
  it("are string unions, spelled as the text format's types", () => {
    expect([CounterValue, GaugeValue, UntypedValue]).toEqual(["counter", "gauge", "untyped"]);
  });
});

describe("newConstMetric", () => {
  const desc = newDesc("sample_value", "sample value", ["a"], { c: "const" });

  it.each([
    [CounterValue, { counter: { value: 0.3 } }],
    [GaugeValue, { gauge: { value: 0.3 } }],
    [UntypedValue, { untyped: { value: 0.3 } }],
  ] as [ValueType, object][])("returns [metric, undefined] for a %s", (valueType, value) => {
    const [metric, err] = newConstMetric(desc, valueType, 0.3, "x");
    expect(err).toBeUndefined();
    expect(metric!.desc()).toBe(desc);
    expect(metric!.write()).toEqual({
      label: [
        { name: "a", value: "x" },
        { name: "c", value: "const" },
      ],
      ...value,
    });
  });

  interface ErrorCase {
    name: string;
    args: Parameters<typeof newConstMetric>;
    errorClass: new (...a: never[]) => PrometheusError;
    message: string;
  }
  const errorCases: ErrorCase[] = [
    {
      name: "a value that is not UTF-8",
      args: [desc, CounterValue, 0.3, "\ud800"],
      errorClass: InvalidLabelValueError,
      message: 'label value "\\ud800" is not valid UTF-8',
    },
    {
      name: "not enough label values",
      args: [desc, CounterValue, 0.3],
      errorClass: InconsistentCardinalityError,
      message: "inconsistent label cardinality: expected 1 label values but got 0 in []string{}",
    },
    {
      name: "too many label values",
      args: [desc, CounterValue, 0.3, "1", "2"],
      errorClass: InconsistentCardinalityError,
      message: 'inconsistent label cardinality: expected 1 label values but got 2 in []string{"1", "2"}',
    },
    {
      name: "an invalid descriptor",
      args: [newDesc("sample value", "h"), GaugeValue, 1],
      errorClass: InvalidNameError,
      message: '"sample value" is not a valid metric name',
    },
    {
      name: "an unknown value type",
      args: [desc, "bogus" as ValueType, 1, "x"],
      errorClass: InvalidValueError,
      message: "encountered unknown type bogus",
    },
    {
      name: "a value that is not a number",
      args: [desc, GaugeValue, "1" as unknown as number, "x"],
      errorClass: InvalidValueError,
      message: "metric value must be a number, got string",
    },
  ];

  it.each(errorCases.map((c) => [c.name, c] as const))("returns [undefined, err] for %s", (_name, { args, errorClass, message }) => {
    const [metric, err] = newConstMetric(...args);
    expect(metric).toBeUndefined();
    expect(err).toBeInstanceOf(errorClass);
    expect(err?.message).toBe(message);
  });

  it.each(errorCases.map((c) => [c.name, c] as const))("mustNewConstMetric throws for %s", (_name, { args, errorClass, message }) => {
    const err = thrown(() => mustNewConstMetric(...args));
    expect(err).toBeInstanceOf(errorClass);
    expect(err.message).toBe(message);
  });

  it("is exposed like any other metric", async () => {
    const version = newDesc("demo_version", "demo exporter version");
    expect(await exposition(constCollector(mustNewConstMetric(version, GaugeValue, 0.8)))).toBe(
      "# HELP demo_version demo exporter version\n# TYPE demo_version gauge\ndemo_version 0.8\n",
    );
  });
});

describe("makeLabelPairs", () => {
  it("returns the descriptor's own const label pairs when there are no variable labels", () => {
    const desc = newDesc("x", "h", null, { b: "1", a: "2" });
    expect(makeLabelPairs(desc, [])).toBe(desc.constLabelPairs);
  });

  it("merges variable and const labels, sorted by name, and freezes them", () => {
    const desc = newDesc("x", "h", ["z", "b"], { m: "c" });
    const pairs = makeLabelPairs(desc, ["1", "2"]);
    expect(pairs).toEqual([
      { name: "b", value: "2" },
      { name: "m", value: "c" },
      { name: "z", value: "1" },
    ]);
    expect(Object.isFrozen(pairs)).toBe(true);
  });
});

describe("newMetricWithTimestamp", () => {
  const desc = newDesc("x", "h");
  const base = mustNewConstMetric(desc, GaugeValue, 1);

  it("adds a timestamp from a Date or from milliseconds, truncating fractions towards the past", () => {
    expect(newMetricWithTimestamp(new Date(1_234_567_890_123), base).write()).toEqual({
      label: [],
      gauge: { value: 1 },
      timestampMs: 1_234_567_890_123,
    });
    expect(newMetricWithTimestamp(1500.9, base).write().timestampMs).toBe(1500);
    expect(newMetricWithTimestamp(-1.5, base).write().timestampMs).toBe(-2);
    expect(newMetricWithTimestamp(0, base).desc()).toBe(desc);
  });

  it("does not change the wrapped metric", () => {
    newMetricWithTimestamp(5, base).write();
    expect(base.write().timestampMs).toBeUndefined();
  });

  it.each([
    ["an invalid Date", new Date(NaN), "timestamp must be a valid date or a finite number of ms, got Invalid Date"],
    ["NaN", NaN, "timestamp must be a valid date or a finite number of ms, got NaN"],
    ["Infinity", Infinity, "timestamp must be a valid date or a finite number of ms, got Infinity"],
  ])("rejects %s", (_what, t, message) => {
    const err = thrown(() => newMetricWithTimestamp(t, base));
    expect(err).toBeInstanceOf(InvalidValueError);
    expect(err.message).toBe(message);
  });

  it("is written with its timestamp", async () => {
    const m = newMetricWithTimestamp(new Date(Date.UTC(2009, 1, 13, 23, 31, 30)), base);
    expect(await exposition(constCollector(m))).toBe("# HELP x h\n# TYPE x gauge\nx 1 1234567890000\n");
  });
});

describe("ValueFunc", () => {
  it("is its own collector and reads the function at each write", () => {
    let v = 1;
    const desc = newDesc("f", "h", null, { a: "b" });
    const fn = new ValueFunc(desc, "gauge", () => v);
    const sent: unknown[] = [];
    fn.describe({ send: (d) => void sent.push(d) });
    fn.collect({ send: (m) => void sent.push(m) });
    expect(sent).toEqual([desc, fn]);
    v = 2;
    expect(fn.write()).toEqual({ label: [{ name: "a", value: "b" }], gauge: { value: 2 } });
  });
});

describe("newConstMetricWithCreatedTimestamp (client_golang 1.17+)", () => {
  const desc = newDesc("jobs_total", "Jobs.", ["queue"], null);

  it("makes a counter that carries its creation time, from a Date or ms", async () => {
    const [m, err] = newConstMetricWithCreatedTimestamp(desc, "counter", 42, new Date(1_500_000_000_000), "q1");
    expect(err).toBeUndefined();
    expect(m!.write()).toEqual({
      label: [{ name: "queue", value: "q1" }],
      counter: { value: 42, createdTimestampMs: 1_500_000_000_000 },
    });
    const m2 = mustNewConstMetricWithCreatedTimestamp(desc, "counter", 1, 1_500_000_000_500, "q2");
    const reg = newRegistry();
    reg.mustRegister({
      describe: (ch) => void ch.send(desc),
      collect: (ch) => {
        ch.send(m!);
        ch.send(m2);
      },
    });
    expect(metricFamiliesToOpenMetrics(await reg.gather(), { createdLines: true })).toBe(`# HELP jobs Jobs.
# TYPE jobs counter
jobs_total{queue="q1"} 42.0
jobs_created{queue="q1"} 1.5e+09
jobs_total{queue="q2"} 1.0
jobs_created{queue="q2"} 1.5000000005e+09
# EOF
`);
  });

  it("returns Go's error for a gauge or untyped value, after the label checks", () => {
    const [m, err] = newConstMetricWithCreatedTimestamp(desc, "gauge", 1, 0, "q");
    expect(m).toBeUndefined();
    expect(err).toBeInstanceOf(InvalidValueError);
    expect(err?.message).toBe("created timestamps are only supported for counters");
    expect(newConstMetricWithCreatedTimestamp(desc, "untyped", 1, 0)[1]?.message).toMatch(/^inconsistent label cardinality/);
  });

  it("rejects an invalid created time", () => {
    expect(() => mustNewConstMetricWithCreatedTimestamp(desc, "counter", 1, new Date(NaN), "q")).toThrow(
      "created timestamp must be a valid date or a finite number of ms, got Invalid Date",
    );
  });
});
