/**
 * The checks a gather applies to every collected metric, and the final sort: help and type per
 * name, suffix collisions, label validity, duplicate series, and (pedantic) the descriptor.
 * Counterpart: processMetric, checkSuffixCollisions, checkMetricConsistency and
 * checkDescConsistency in client_golang's registry.go.
 */
import { describe, expect, it } from "vitest";
import { metricFamiliesToText } from "../../lib/expfmt/text.js";
import type * as dto from "../../lib/model/index.js";
import type { Collector } from "../../lib/prometheus/collector.js";
import { compareMetrics, FamilyMap, metricTypeOf } from "../../lib/prometheus/consistency.js";
import { type Desc, newDesc } from "../../lib/prometheus/desc.js";
import { ConsistencyError, GatherError, InvalidNameError } from "../../lib/prometheus/errors.js";
import type { Metric } from "../../lib/prometheus/metric.js";
import { newPedanticRegistry, newRegistry, type Registry } from "../../lib/prometheus/registry.js";

/** raw returns a custom Metric that writes exactly `m` (the same object every time). */
function raw(desc: Desc, m: dto.Metric): Metric {
  return { desc: () => desc, write: () => m };
}

/** unchecked returns a collector that describes nothing and collects the given metrics. */
function unchecked(...metrics: Metric[]): Collector {
  return {
    describe() {},
    collect(ch) {
      for (const m of metrics) ch.send(m);
    },
  };
}

const gauge = (value: number, ...label: dto.LabelPair[]): dto.Metric => ({ label, gauge: { value } });
const counter = (value: number, ...label: dto.LabelPair[]): dto.Metric => ({ label, counter: { value } });
const histogram = (...label: dto.LabelPair[]): dto.Metric => ({
  label,
  histogram: { sampleCount: 1, sampleSum: 1, bucket: [{ upperBound: 1, cumulativeCount: 1 }] },
});
const summary = (...label: dto.LabelPair[]): dto.Metric => ({ label, summary: { sampleCount: 1, sampleSum: 1, quantile: [] } });
const lp = (name: string, value: string): dto.LabelPair => ({ name, value });
/** rethrow is the onError of processMetric for the cases here, which hold no const rows. */
const rethrow = (err: unknown): never => {
  throw err;
};

/** gatherError gathers and returns the GatherError it must reject with. */
async function gatherError(reg: Registry): Promise<GatherError> {
  const err = await reg.gather().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(GatherError);
  return err as GatherError;
}

function registryWith(...metrics: Metric[]): Registry {
  const reg = newRegistry();
  reg.mustRegister(unchecked(...metrics));
  return reg;
}

describe("suffix collisions", () => {
  const cases: [name: string, first: Metric, second: Metric, message: string | undefined][] = [
    [
      "histogram x, then gauge x_count",
      raw(newDesc("x", "h"), histogram()),
      raw(newDesc("x_count", "h"), gauge(1)),
      'collected metric named "x_count" collides with previously collected histogram named "x"',
    ],
    [
      "histogram x, then gauge x_sum",
      raw(newDesc("x", "h"), histogram()),
      raw(newDesc("x_sum", "h"), gauge(1)),
      'collected metric named "x_sum" collides with previously collected histogram named "x"',
    ],
    [
      "histogram x, then gauge x_bucket",
      raw(newDesc("x", "h"), histogram()),
      raw(newDesc("x_bucket", "h"), gauge(1)),
      'collected metric named "x_bucket" collides with previously collected histogram named "x"',
    ],
    [
      "gauge x_count, then histogram x",
      raw(newDesc("x_count", "h"), gauge(1)),
      raw(newDesc("x", "h"), histogram()),
      'collected histogram or summary named "x" collides with previously collected metric named "x_count"',
    ],
    [
      "gauge x_bucket, then histogram x",
      raw(newDesc("x_bucket", "h"), gauge(1)),
      raw(newDesc("x", "h"), histogram()),
      'collected histogram named "x" collides with previously collected metric named "x_bucket"',
    ],
    [
      "summary x, then counter x_sum",
      raw(newDesc("x", "h"), summary()),
      raw(newDesc("x_sum", "h"), counter(1)),
      'collected metric named "x_sum" collides with previously collected summary named "x"',
    ],
    [
      "counter x_sum, then summary x",
      raw(newDesc("x_sum", "h"), counter(1)),
      raw(newDesc("x", "h"), summary()),
      'collected histogram or summary named "x" collides with previously collected metric named "x_sum"',
    ],
    ["summary x, then gauge x_bucket (summaries have no buckets)", raw(newDesc("x", "h"), summary()), raw(newDesc("x_bucket", "h"), gauge(1)), undefined],
    ["gauge x, then gauge x_count", raw(newDesc("x", "h"), gauge(1)), raw(newDesc("x_count", "h"), gauge(1)), undefined],
    ["gauge x_count, then counter x", raw(newDesc("x_count", "h"), gauge(1)), raw(newDesc("x", "h"), counter(1)), undefined],
  ];

  it.each(cases)("%s", async (_name, first, second, message) => {
    const reg = registryWith(first, second);
    if (message === undefined) {
      expect((await reg.gather()).length).toBe(2);
      return;
    }
    const err = await gatherError(reg);
    expect(err.errors).toHaveLength(1);
    expect(err.errors[0]).toBeInstanceOf(ConsistencyError);
    expect(err.message).toBe(message);
    // The first family is kept; the colliding one is dropped.
    expect(err.families.map((f) => f.name)).toEqual([first.desc().fqName]);
  });
});

describe("help and type of one name", () => {
  it("rejects a metric with other help than the first of its name", async () => {
    const err = await gatherError(
      registryWith(raw(newDesc("x", "help one"), gauge(1, lp("c", "1"))), raw(newDesc("x", "help two"), gauge(2, lp("c", "2")))),
    );
    expect(err.message).toBe(
      'collected metric x label:<name:"c" value:"2" > gauge:<value:2 >  has help "help two" but should have "help one"',
    );
    expect((err.errors[0] as ConsistencyError).metricName).toBe("x");
    expect(metricFamiliesToText(err.families)).toBe('# HELP x help one\n# TYPE x gauge\nx{c="1"} 1\n');
  });

  it.each([
    ["gauge", gauge(1, lp("c", "1")), counter(2, lp("c", "2")), 'counter:<value:2 >  should be a Gauge'],
    ["counter", counter(1, lp("c", "1")), gauge(2, lp("c", "2")), "gauge:<value:2 >  should be a Counter"],
    ["summary", summary(lp("c", "1")), gauge(2, lp("c", "2")), "gauge:<value:2 >  should be a Summary"],
    ["histogram", histogram(lp("c", "1")), gauge(2, lp("c", "2")), "gauge:<value:2 >  should be a Histogram"],
    ["untyped", { label: [lp("c", "1")], untyped: { value: 1 } }, gauge(2, lp("c", "2")), "gauge:<value:2 >  should be Untyped"],
  ] as [string, dto.Metric, dto.Metric, string][])("rejects a metric of another type than the first %s", async (_type, first, second, tail) => {
    const err = await gatherError(registryWith(raw(newDesc("x", "h"), first), raw(newDesc("x", "h"), second)));
    expect(err.errors[0]).toBeInstanceOf(ConsistencyError);
    expect(err.message).toBe(`collected metric x label:<name:"c" value:"2" > ${tail}`);
    expect(err.families[0]!.metric).toEqual([first]);
  });
});

describe("labels and series", () => {
  const desc = newDesc("x", "h");
  const cases: [name: string, m: dto.Metric, message: string][] = [
    [
      "two labels with the same name",
      gauge(1, lp("a", "1"), lp("a", "2")),
      'collected metric "x" { label:<name:"a" value:"1" > label:<name:"a" value:"2" > gauge:<value:1 > } has two or more labels with the same name: a',
    ],
    [
      "two labels with the same name, not adjacent",
      gauge(1, lp("a", "1"), lp("b", "2"), lp("a", "3")),
      'collected metric "x" { label:<name:"a" value:"1" > label:<name:"b" value:"2" > label:<name:"a" value:"3" > gauge:<value:1 > } has two or more labels with the same name: a',
    ],
    [
      "a label with an invalid name",
      gauge(1, lp("a-b", "1")),
      'collected metric "x" { label:<name:"a-b" value:"1" > gauge:<value:1 > } has a label with an invalid name: a-b',
    ],
    [
      "a label with a reserved name",
      gauge(1, lp("__name__", "y")),
      'collected metric "x" { label:<name:"__name__" value:"y" > gauge:<value:1 > } has a label with an invalid name: __name__',
    ],
    [
      // A lone surrogate has no UTF-8 form: the protobuf text shows U+FFFD's bytes instead.
      "a label value that is not UTF-8",
      gauge(1, lp("a", "\ud800")),
      'collected metric "x" { label:<name:"a" value:"\\357\\277\\275" > gauge:<value:1 > } has a label named "a" whose value is not utf8: "\\ud800"',
    ],
    [
      "an explicit quantile label on a summary",
      summary(lp("quantile", "0.5")),
      'collected metric "x" { label:<name:"quantile" value:"0.5" > summary:<sample_count:1 sample_sum:1 > } must not have an explicit "quantile" label',
    ],
  ];

  it.each(cases)("rejects %s", async (_name, m, message) => {
    const err = await gatherError(registryWith(raw(desc, m)));
    expect(err.errors).toHaveLength(1);
    expect(err.errors[0]).toBeInstanceOf(ConsistencyError);
    expect(err.message).toBe(message);
    expect(err.families).toEqual([]);
  });

  it("allows a quantile label on other types and an le label on a summary", async () => {
    const reg = registryWith(raw(newDesc("g", "h"), gauge(1, lp("quantile", "x"))), raw(newDesc("s", "h"), summary(lp("le", "1"))));
    expect((await reg.gather()).map((f) => f.name)).toEqual(["g", "s"]);
  });

  it("rejects an empty metric", async () => {
    const err = await gatherError(registryWith(raw(desc, { label: [lp("a", "1")] })));
    expect(err.errors[0]).toBeInstanceOf(ConsistencyError);
    expect(err.message).toBe('empty metric collected: label:<name:"a" value:"1" > ');
  });

  it("rejects a series collected twice, with labels in any order", async () => {
    const err = await gatherError(
      registryWith(raw(desc, gauge(1, lp("a", "1"), lp("b", "2"))), raw(desc, gauge(2, lp("b", "2"), lp("a", "1")))),
    );
    expect(err.message).toBe(
      'collected metric "x" { label:<name:"b" value:"2" > label:<name:"a" value:"1" > gauge:<value:2 > } was collected before with the same name and label values',
    );
    expect(metricFamiliesToText(err.families)).toBe('# HELP x h\n# TYPE x gauge\nx{a="1",b="2"} 1\n');
  });

  it("does not confuse series whose label pairs share a concatenation", async () => {
    const reg = registryWith(raw(desc, gauge(1, lp("a", "1,b"), lp("c", "2"))), raw(desc, gauge(2, lp("a", "1"), lp("b", "c,2"))));
    expect((await reg.gather())[0]!.metric).toHaveLength(2);
  });

  it("sorts the label pairs of a custom metric by name, without changing what the metric wrote", async () => {
    const written = gauge(1, lp("b", "2"), lp("a", "1"), lp("c", "0"));
    const reg = registryWith(raw(desc, written), raw(desc, gauge(2, lp("a", "0"), lp("b", "9"), lp("c", "9"))));
    const families = await reg.gather();
    expect(metricFamiliesToText(families)).toBe('# HELP x h\n# TYPE x gauge\nx{a="0",b="9",c="9"} 2\nx{a="1",b="2",c="0"} 1\n');
    expect(written.label.map((l) => l.name)).toEqual(["b", "a", "c"]);
    // A second gather sees the same (unsorted) metric and sorts it again.
    expect(metricFamiliesToText(await reg.gather())).toBe(metricFamiliesToText(families));
  });

  it("reports the error carried by the descriptor of a collected metric", async () => {
    const bad = newDesc("bad name", "h");
    const err = await gatherError(registryWith(raw(bad, gauge(1))));
    expect(err.errors[0]).toBe(bad.err);
    expect(err.errors[0]).toBeInstanceOf(InvalidNameError);
  });

  it("keeps going after an error: every error is reported, every good metric kept", async () => {
    // An empty metric of a known name fails the type check, as in Go.
    const err = await gatherError(
      registryWith(raw(desc, gauge(1, lp("a-b", "1"))), raw(desc, gauge(2, lp("a", "ok"))), raw(desc, { label: [] }), raw(newDesc("y", "h"), gauge(3))),
    );
    expect(err.errors).toHaveLength(2);
    expect(err.message).toBe(
      '2 error(s) occurred:\n* collected metric "x" { label:<name:"a-b" value:"1" > gauge:<value:1 > } has a label with an invalid name: a-b\n* collected metric x  should be a Gauge',
    );
    expect(metricFamiliesToText(err.families)).toBe('# HELP x h\n# TYPE x gauge\nx{a="ok"} 2\n# HELP y h\n# TYPE y gauge\ny 3\n');
  });
});

describe("pedantic checks", () => {
  /** described describes `descs` and collects `metrics`. */
  function described(descs: Desc[], metrics: Metric[]): Collector {
    return {
      describe(ch) {
        for (const d of descs) ch.send(d);
      },
      collect(ch) {
        for (const m of metrics) ch.send(m);
      },
    };
  }

  it("rejects a metric whose descriptor was not registered", async () => {
    const reg = newPedanticRegistry();
    const undescribed = newDesc("undescribed_metric", "not described");
    reg.mustRegister(described([newDesc("described_metric", "described")], [raw(undescribed, gauge(2))]));
    const err = await gatherError(reg);
    expect(err.errors[0]).toBeInstanceOf(ConsistencyError);
    expect(err.message).toBe(
      'collected metric undescribed_metric gauge:<value:2 >  with unregistered descriptor Desc{fqName: "undescribed_metric", help: "not described", constLabels: {}, variableLabels: []}',
    );
  });

  it.each([
    ["a missing label", newDesc("x", "h", ["a", "b"]), gauge(1, lp("a", "1"))],
    ["an extra label", newDesc("x", "h", ["a"]), gauge(1, lp("a", "1"), lp("b", "2"))],
    ["another label name", newDesc("x", "h", ["a"]), gauge(1, lp("b", "1"))],
    ["another const label value", newDesc("x", "h", null, { c: "1" }), gauge(1, lp("c", "2"))],
  ] as [string, Desc, dto.Metric][])("rejects labels inconsistent with the descriptor: %s", async (_what, desc, m) => {
    const reg = newPedanticRegistry();
    reg.mustRegister(described([desc], [raw(desc, m)]));
    const err = await gatherError(reg);
    expect(err.errors[0]).toBeInstanceOf(ConsistencyError);
    expect(err.message).toBe(`labels in collected metric x ${metricText(m)} are inconsistent with descriptor ${desc}`);
    // The same collector passes a registry that is not pedantic.
    const lenient = newRegistry();
    lenient.mustRegister(described([desc], [raw(desc, m)]));
    expect(await lenient.gather()).toHaveLength(1);
  });

  it("does not check unchecked collectors against descriptors", async () => {
    const reg = newPedanticRegistry();
    reg.mustRegister(unchecked(raw(newDesc("x", "h", ["a"]), gauge(1))));
    expect(await reg.gather()).toHaveLength(1);
  });
});

/** metricText is the protobuf text Go embeds in messages, for a metric with labels and a gauge. */
function metricText(m: dto.Metric): string {
  return m.label.map((l) => `label:<name:"${l.name}" value:"${l.value}" > `).join("") + `gauge:<value:${m.gauge!.value} > `;
}

describe("FamilyMap.normalize and compareMetrics", () => {
  it("drops families left without metrics and sorts by name", async () => {
    const families = new FamilyMap();
    families.processMetric(raw(newDesc("b", "h"), gauge(1)), undefined, rethrow);
    families.processMetric(raw(newDesc("a", "h"), gauge(1)), undefined, rethrow);
    families.byName.set("empty", { name: "empty", help: "h", type: "gauge", metric: [] });
    expect((await families.normalize(true)).map((f) => f.name)).toEqual(["a", "b"]);
  });

  it("orders by label count, then label values in UTF-8 order, then timestamp (none last)", () => {
    const metrics: dto.Metric[] = [
      { ...gauge(1, lp("a", "2")) },
      { ...gauge(1, lp("a", "1")), timestampMs: 5 },
      { ...gauge(1, lp("a", "1")) },
      { ...gauge(1, lp("a", "1")), timestampMs: 3 },
      { ...gauge(1, lp("a", "🙂")) },
      { ...gauge(1, lp("a", "\uffff")) },
      gauge(1),
      gauge(1, lp("a", "0"), lp("b", "0")),
    ];
    const order = [...metrics].sort(compareMetrics).map((m) => `${m.label.map((l) => l.value).join(",")}@${m.timestampMs ?? "-"}`);
    expect(order).toEqual(["@-", "1@3", "1@5", "1@-", "2@-", "\uffff@-", "🙂@-", "0,0@-"]);
  });

  it("metricTypeOf names the value a metric holds", () => {
    expect(metricTypeOf(gauge(1))).toBe("gauge");
    expect(metricTypeOf(counter(1))).toBe("counter");
    expect(metricTypeOf(summary())).toBe("summary");
    expect(metricTypeOf(histogram())).toBe("histogram");
    expect(metricTypeOf({ label: [], untyped: { value: 1 } })).toBe("untyped");
    expect(() => metricTypeOf({ label: [] })).toThrow(ConsistencyError);
  });
});

describe("FamilyMap duplicate detection, in order and out of order", () => {
  const desc = newDesc("series", "h", ["k"]);
  const lp = (name: string, value: string): dto.LabelPair => ({ name, value });

  /** process feeds label values in order and returns the messages of the errors raised. */
  function process(...values: [string, string][]): string[] {
    const families = new FamilyMap();
    const errors: string[] = [];
    for (const [name, value] of values) {
      try {
        families.processMetric(raw(desc, gauge(1, lp(name, value))), undefined, rethrow);
      } catch (err) {
        errors.push((err as Error).message);
      }
    }
    return errors;
  }

  const duplicate = (v: string) =>
    `collected metric "series" { label:<name:"k" value:"${v}" > gauge:<value:1 > } was collected before with the same name and label values`;

  it("accepts strictly increasing series without keeping keys", () => {
    expect(process(["k", "a"], ["k", "b"], ["k", "c"])).toEqual([]);
  });

  it("catches a repeat of the previous series", () => {
    expect(process(["k", "a"], ["k", "b"], ["k", "b"])).toEqual([duplicate("b")]);
  });

  it("catches a repeat of an earlier series once the order breaks", () => {
    expect(process(["k", "a"], ["k", "b"], ["k", "c"], ["k", "a"], ["k", "d"], ["k", "b"])).toEqual([
      duplicate("a"),
      duplicate("b"),
    ]);
  });

  it("does not take equal values under other label names for a repeat", () => {
    expect(process(["k", "a"], ["j", "a"], ["k", "b"])).toEqual([]);
  });
});
