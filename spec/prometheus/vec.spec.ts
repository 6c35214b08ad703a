/**
 * MetricVec through its typed subclasses: children by label values, the error paths, deletion and
 * currying (client_golang's vec.go and vec_test.go).
 */
import { describe, expect, it } from "vitest";
import { metricFamiliesToText } from "../../lib/expfmt/text.js";
import { CounterVec, newCounterVec } from "../../lib/prometheus/counter.js";
import {
  InconsistentCardinalityError,
  InvalidLabelValueError,
  LabelMismatchError,
  type PrometheusError,
} from "../../lib/prometheus/errors.js";
import { type Gauge, newGaugeVec } from "../../lib/prometheus/gauge.js";
import type { Metric } from "../../lib/prometheus/metric.js";
import { newRegistry } from "../../lib/prometheus/registry.js";
import type { MetricVec } from "../../lib/prometheus/vec.js";

/** children collects a vec and returns its children's label values, sorted, as "a=1,b=2". */
function children(vec: MetricVec<Metric>): string[] {
  const metrics: Metric[] = [];
  vec.collect({ send: (m) => void metrics.push(m) });
  return metrics.map((m) => m.write().label.map((lp) => `${lp.name}=${lp.value}`).join(",")).sort();
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


function newVec() {
  return newGaugeVec({ name: "test", help: "helpless" }, ["l1", "l2"]);
}

/**
 * sameSeries reports whether two children are the same series: a value set through one is read
 * through the other. (Children are handles on a vec's columns: a new one each call.)
 */
let marker = 1000;
function sameSeries(a: { set(v: number): void; get(): number }, b: { get(): number }): boolean {
  a.set(++marker);
  return b.get() === marker;
}

describe("MetricVec children", () => {
  it("returns the same child for the same label values, however they are given", () => {
    const vec = newVec();
    const a = vec.withLabelValues("v1", "v2");
    expect(sameSeries(vec.with({ l2: "v2", l1: "v1" }), a)).toBe(true);
    const [b, err] = vec.getMetricWithLabelValues("v1", "v2");
    expect(err).toBeUndefined();
    expect(sameSeries(b!, a)).toBe(true);
    expect(sameSeries(vec.getMetricWith({ l1: "v1", l2: "v2" })[0]!, a)).toBe(true);
    expect(sameSeries(vec.withLabelValues("v2", "v1"), a)).toBe(false);
    expect(children(vec)).toEqual(["l1=v1,l2=v2", "l1=v2,l2=v1"]);
  });

  it("never confuses label values that share a concatenation", () => {
    const vec = newVec();
    const pairs: [string, string][] = [
      ["a:b", "c"],
      ["a", "b:c"],
      ["ab", ""],
      ["a", "b"],
      ["", "ab"],
      ["1:a", ""],
      ["", "1:a"],
    ];
    pairs.forEach(([x, y], i) => vec.withLabelValues(x, y).set(i));
    expect(children(vec)).toHaveLength(pairs.length);
    pairs.forEach(([x, y], i) => expect(vec.withLabelValues(x, y).get()).toBe(i));
  });

  it("gives each child its labels sorted, const labels included", () => {
    const vec = newGaugeVec({ name: "test", help: "h", constLabels: { c: "k" } }, ["z", "a"]);
    vec.withLabelValues("1", "2").set(1);
    expect(vec.withLabelValues("1", "2").write().label).toEqual([
      { name: "a", value: "2" },
      { name: "c", value: "k" },
      { name: "z", value: "1" },
    ]);
  });

  it("works with no variable labels at all", () => {
    const vec = newGaugeVec({ name: "test", help: "h" }, []);
    const g = vec.withLabelValues();
    expect(sameSeries(vec.with({}), g)).toBe(true);
    expect(children(vec)).toEqual([""]);
  });

  interface ErrorCase {
    name: string;
    call: (vec: ReturnType<typeof newVec>) => unknown;
    errorClass: new (...args: never[]) => PrometheusError;
    message: string;
  }
  const errorCases: ErrorCase[] = [
    {
      name: "withLabelValues with too few values",
      call: (v) => v.withLabelValues("x"),
      errorClass: InconsistentCardinalityError,
      message: `inconsistent label cardinality: expected 2 label values but got 1 in []string{"x"}`,
    },
    {
      name: "withLabelValues with too many values",
      call: (v) => v.withLabelValues("x", "y", "z"),
      errorClass: InconsistentCardinalityError,
      message: `inconsistent label cardinality: expected 2 label values but got 3 in []string{"x", "y", "z"}`,
    },
    {
      name: "withLabelValues with a lone surrogate",
      call: (v) => v.withLabelValues("x", "\udfff"),
      errorClass: InvalidLabelValueError,
      message: `label value "\\udfff" is not valid UTF-8`,
    },
    {
      name: "with a missing label (right count, wrong name)",
      call: (v) => v.with({ l1: "x", other: "y" }),
      errorClass: LabelMismatchError,
      message: `label name "l2" missing in label map`,
    },
    {
      name: "with an extra label",
      call: (v) => v.with({ l1: "x", l2: "y", l3: "z" }),
      errorClass: InconsistentCardinalityError,
      message: `inconsistent label cardinality: expected 2 label values but got 3 in prometheus.Labels{"l1":"x", "l2":"y", "l3":"z"}`,
    },
    {
      name: "with too few labels",
      call: (v) => v.with({ l1: "x" }),
      errorClass: InconsistentCardinalityError,
      message: `inconsistent label cardinality: expected 2 label values but got 1 in prometheus.Labels{"l1":"x"}`,
    },
    {
      name: "with a value that is not UTF-8",
      call: (v) => v.with({ l1: "x", l2: "\ud800" }),
      errorClass: InvalidLabelValueError,
      message: `label l2: value "\\ud800" is not valid UTF-8`,
    },
  ];

  it.each(errorCases.map((c) => [c.name, c] as const))("throws from %s", (_name, { call, errorClass, message }) => {
    const vec = newVec();
    expectThrow(() => call(vec), errorClass, message);
    expect(children(vec)).toEqual([]);
  });

  it("returns the same errors as tuples from getMetricWith and getMetricWithLabelValues", () => {
    const vec = newVec();
    const [m1, e1] = vec.getMetricWithLabelValues("x");
    expect(m1).toBeUndefined();
    expect(e1).toBeInstanceOf(InconsistentCardinalityError);
    expect(e1?.message).toBe(errorCases[0]!.message);
    const [m2, e2] = vec.getMetricWith({ l1: "x", other: "y" });
    expect(m2).toBeUndefined();
    expect(e2).toBeInstanceOf(LabelMismatchError);
    expect(e2?.message).toBe(`label name "l2" missing in label map`);
    const [m3, e3] = vec.getMetricWith({ l1: "x", l2: "y" });
    expect(e3).toBeUndefined();
    expect(sameSeries(m3!, vec.withLabelValues("x", "y"))).toBe(true);
  });
});

describe("MetricVec deletion", () => {
  it("delete removes the child with these labels and reports whether there was one", () => {
    const vec = newVec();
    expect(vec.delete({ l1: "v1", l2: "v2" })).toBe(false);
    vec.with({ l1: "v1", l2: "v2" }).set(42);
    expect(vec.delete({ l1: "v1", l2: "v3" })).toBe(false);
    expect(vec.delete({ l1: "v1" })).toBe(false);
    expect(vec.delete({ l1: "v1", l2: "v2", l3: "v3" })).toBe(false);
    expect(vec.delete({ l1: "v1", other: "v2" })).toBe(false);
    expect(vec.delete({ l1: "v1", l2: "v2" })).toBe(true);
    expect(vec.delete({ l1: "v1", l2: "v2" })).toBe(false);
    expect(vec.with({ l1: "v1", l2: "v2" }).get()).toBe(0); // a fresh child
  });

  it("deleteLabelValues removes the child with these values; a wrong count matches nothing", () => {
    const vec = newVec();
    expect(vec.deleteLabelValues("v1", "v2")).toBe(false);
    vec.withLabelValues("v1", "v2").set(42);
    expect(vec.deleteLabelValues("v2", "v1")).toBe(false);
    expect(vec.deleteLabelValues("v1")).toBe(false);
    expect(vec.deleteLabelValues("v1", "v2", "v3")).toBe(false);
    // Values that could never be label values match nothing, as Go's invalid UTF-8 does.
    expect(vec.deleteLabelValues(null as unknown as string, "v2")).toBe(false);
    expect(vec.deleteLabelValues("v1", "\ud800")).toBe(false);
    expect(vec.deleteLabelValues("v1", "v2")).toBe(true);
    expect(vec.deleteLabelValues("v1", "v2")).toBe(false);
    expect(children(vec)).toEqual([]);
  });

  it("deletePartialMatch follows Go's TestDeletePartialMatch, curried views included", () => {
    const base = newGaugeVec({ name: "test", help: "helpless" }, ["l1", "l2", "l3"]);
    expect(base.deletePartialMatch({ l1: "v1", l2: "v2" })).toBe(0);

    base.with({ l1: "baseValue1", l2: "baseValue2", l3: "baseValue3" }).inc();
    base.with({ l1: "multiDeleteV1", l2: "diff1BaseValue2", l3: "v3" }).set(42);
    base.with({ l1: "multiDeleteV1", l2: "diff2BaseValue2", l3: "v3" }).set(84);
    base.with({ l1: "multiDeleteV1", l2: "diff3BaseValue2", l3: "v3" }).set(168);

    const curried = base.mustCurryWith({ l2: "curriedValue2" });
    curried.withLabelValues("curriedValue1", "curriedValue3").inc();
    curried.withLabelValues("curriedValue1", "differentCurriedValue3").inc();
    curried.withLabelValues("differentCurriedValue1", "differentCurriedValue3").inc();

    expect(curried.deletePartialMatch({ lx: "curriedValue1" })).toBe(0); // unknown label
    expect(curried.deletePartialMatch({ l1: "badValue1" })).toBe(0); // no such value
    expect(curried.deletePartialMatch({ l2: "curriedValue2" })).toBe(0); // curried in this view
    expect(curried.deletePartialMatch({ l2: "baseValue2" })).toBe(0); // curried, value exists in base
    expect(curried.deletePartialMatch({ l1: "curriedValue1" })).toBe(2);
    expect(base.deletePartialMatch({ lx: "curriedValue1" })).toBe(0);
    expect(base.deletePartialMatch({ l1: "baseValue1", l2: "badValue2" })).toBe(0);
    expect(base.deletePartialMatch({ l2: "curriedValue2" })).toBe(1); // works on the base vec
    expect(base.deletePartialMatch({ l1: "multiDeleteV1" })).toBe(3);
    expect(base.deletePartialMatch({ l3: "baseValue3" })).toBe(1);
    expect(children(base)).toEqual([]);
  });

  it("deletePartialMatch with no labels deletes everything", () => {
    const vec = newVec();
    vec.withLabelValues("a", "b");
    vec.withLabelValues("c", "d");
    expect(vec.deletePartialMatch({})).toBe(2);
    expect(children(vec)).toEqual([]);
  });

  it("reset deletes all children", () => {
    const vec = newVec();
    vec.withLabelValues("a", "b");
    vec.withLabelValues("c", "d");
    vec.reset();
    expect(children(vec)).toEqual([]);
  });
});

describe("MetricVec currying", () => {
  const labels = ["one", "two", "three"];
  const newCurryVec = () => newCounterVec({ name: "test", help: "helpless" }, labels);

  /** expectTwoChildren checks Go's assertMetrics: children 1/2/3 and 11/22/33, each at 1. */
  function expectTwoChildren(vec: CounterVec): void {
    expect(children(vec)).toEqual(["one=1,three=3,two=2", "one=11,three=33,two=22"]);
    expect(vec.getMetricWithLabelValues("1", "2", "3")[0]!.get()).toBe(1);
    expect(vec.getMetricWithLabelValues("11", "22", "33")[0]!.get()).toBe(1);
    vec.reset();
  }

  // Each case: curry c1 to the values of child 1/2/3 and c2 to those of 11/22/33.
  const cases: [name: string, curried: Record<string, string>, curried2: Record<string, string>][] = [
    ["zero labels", {}, {}],
    ["first label", { one: "1" }, { one: "11" }],
    ["middle label", { two: "2" }, { two: "22" }],
    ["last label", { three: "3" }, { three: "33" }],
    ["two labels", { three: "3", one: "1" }, { three: "33", one: "11" }],
    ["all labels", { three: "3", two: "2", one: "1" }, { three: "33", one: "11", two: "22" }],
  ];
  const all1: Record<string, string> = { one: "1", two: "2", three: "3" };
  const all2: Record<string, string> = { one: "11", two: "22", three: "33" };
  const rest = (all: Record<string, string>, curried: Record<string, string>) =>
    Object.fromEntries(Object.entries(all).filter(([k]) => !(k in curried)));
  const restValues = (all: Record<string, string>, curried: Record<string, string>) =>
    labels.filter((l) => !(l in curried)).map((l) => all[l]!);

  it.each(cases)("%s: the views create, find and delete the right children", (_name, curried1, curried2) => {
    const vec = newCurryVec();
    const c1 = vec.mustCurryWith(curried1);
    const c2 = vec.mustCurryWith(curried2);
    c1.withLabelValues(...restValues(all1, curried1)).inc();
    c2.with(rest(all2, curried2)).inc();
    expectTwoChildren(vec);

    c1.withLabelValues(...restValues(all1, curried1)).inc();
    c2.with(rest(all2, curried2)).inc();
    if (Object.keys(curried1).length > 0 && Object.keys(curried1).length < labels.length) {
      // Each view only sees its own curried values.
      expect(c1.delete(rest(all2, curried1))).toBe(false);
      expect(c2.deleteLabelValues(...restValues(all1, curried2))).toBe(false);
    }
    expect(c1.delete(rest(all1, curried1))).toBe(true);
    expect(c2.deleteLabelValues(...restValues(all2, curried2))).toBe(true);
    expect(children(vec)).toEqual([]);
  });

  it("double curry works like currying both labels at once", () => {
    const vec = newCurryVec();
    const c1 = vec.mustCurryWith({ three: "3" }).mustCurryWith({ one: "1" });
    const c2 = vec.mustCurryWith({ three: "33" }).mustCurryWith({ one: "11" });
    c1.withLabelValues("2").inc();
    c2.with({ two: "22" }).inc();
    expectTwoChildren(vec);
  });

  it("a view is an instance of the vec's own class, sharing its children", async () => {
    const vec = newCurryVec();
    const view = vec.mustCurryWith({ one: "1" });
    expect(view).toBeInstanceOf(CounterVec);
    view.withLabelValues("2", "3").add(5);
    vec.withLabelValues("x", "y", "z").inc();
    expect(vec.withLabelValues("1", "2", "3").get()).toBe(5);
    // Collecting a view collects every child, as in Go.
    expect(children(view)).toEqual(["one=1,three=3,two=2", "one=x,three=z,two=y"]);
    const reg = newRegistry();
    reg.mustRegister(vec);
    expect(metricFamiliesToText(await reg.gather())).toBe(`# HELP test helpless
# TYPE test counter
test{one="1",three="3",two="2"} 5
test{one="x",three="z",two="y"} 1
`);
  });

  it("reset through a view resets all children", () => {
    const vec = newCurryVec();
    vec.withLabelValues("a", "b", "c");
    const view = vec.mustCurryWith({ two: "2" });
    view.withLabelValues("1", "3");
    view.reset();
    expect(children(vec)).toEqual([]);
  });

  it("rejects a curried label given again, in values or in a map", () => {
    const vec = newCurryVec();
    const c1 = vec.mustCurryWith({ three: "3" });
    const [m1, e1] = c1.getMetricWithLabelValues("1", "2", "3");
    expect(m1).toBeUndefined();
    expect(e1).toBeInstanceOf(InconsistentCardinalityError);
    const [m2, e2] = c1.getMetricWith({ one: "1", two: "2", three: "3" });
    expect(m2).toBeUndefined();
    expect(e2).toBeInstanceOf(InconsistentCardinalityError);
    expectThrow(
      () => vec.mustCurryWith({ one: "1" }).with({ one: "1", two: "2" }),
      LabelMismatchError,
      'label name "one" is already curried',
    );
    expect(children(vec)).toEqual([]);
    c1.withLabelValues("1", "2").inc();
    expect(c1.delete({ one: "1", two: "2", three: "3" })).toBe(false);
    expect(c1.delete({ one: "1", two: "2" })).toBe(true);
    expect(children(vec)).toEqual([]);
  });

  it("rejects currying an already curried label", () => {
    const [view, err] = newCurryVec().mustCurryWith({ three: "3" }).curryWith({ three: "33" });
    expect(view).toBeUndefined();
    expect(err).toBeInstanceOf(LabelMismatchError);
    expect(err?.message).toBe('label name "three" is already curried');
  });

  it("rejects currying unknown labels", () => {
    const vec = newCurryVec();
    const [view, err] = vec.curryWith({ foo: "bar" });
    expect(view).toBeUndefined();
    expect(err).toBeInstanceOf(LabelMismatchError);
    expect(err?.message).toBe('1 unknown label(s) found during currying');
    expectThrow(
      () => vec.mustCurryWith({ one: "1", foo: "bar", baz: "" }),
      LabelMismatchError,
      '2 unknown label(s) found during currying',
    );
  });

  it("rejects a curried value that is not UTF-8", () => {
    expect(newCurryVec().curryWith({ one: "\ud800" })[1]).toBeInstanceOf(InvalidLabelValueError);
  });

  it("curryWith returns [view, undefined] on success", () => {
    const vec = newCurryVec();
    const [view, err] = vec.curryWith({ two: "2" });
    expect(err).toBeUndefined();
    view!.withLabelValues("1", "3").add(7);
    expect(vec.withLabelValues("1", "2", "3").get()).toBe(7);
  });

  it("keeps the typed child through a view", () => {
    const vec = newGaugeVec({ name: "g", help: "h" }, ["a", "b"]);
    const child: Gauge = vec.mustCurryWith({ a: "x" }).withLabelValues("y");
    child.set(3);
    expect(vec.withLabelValues("x", "y").get()).toBe(3);
  });
});

describe("MetricVec with nil labels and zero-valued options, as Go", () => {
  it("takes null labels as an empty map in with, getMetricWith, curryWith and mustCurryWith", () => {
    const none = newGaugeVec({ name: "none", help: "h" }, []);
    none.with(null).set(1);
    expect(none.getMetricWith(null)[1]).toBeUndefined();
    const vec = newGaugeVec({ name: "test", help: "h" }, ["l1"]);
    expect(vec.mustCurryWith(null).withLabelValues("x")).toBeDefined();
    const [view, err] = vec.curryWith(null);
    expect(err).toBeUndefined();
    expect(view).toBeInstanceOf(Object);
    const [, withErr] = vec.getMetricWith(null);
    expect(withErr).toBeInstanceOf(InconsistentCardinalityError);
    expect(withErr?.message).toBe("inconsistent label cardinality: expected 1 label values but got 0 in prometheus.Labels(nil)");
  });

  it("rejects labels that are not a map with a LabelMismatchError, not a TypeError", () => {
    const vec = newGaugeVec({ name: "test", help: "h" }, ["l1"]);
    for (const bad of ["l1", 3, ["x"]]) {
      expect(() => vec.with(bad as never)).toThrow(LabelMismatchError);
      expect(vec.curryWith(bad as never)[1]).toBeInstanceOf(LabelMismatchError);
    }
  });

  it("builds a vec from options without name or help, failing at registration as Go's zero Opts do", () => {
    const noName = newCounterVec({} as never, ["a"]);
    expect(() => noName.withLabelValues("x").inc()).not.toThrow();
    const err = newRegistry().register(noName);
    expect(err?.message).toBe('descriptor Desc{fqName: "", help: "", constLabels: {}, variableLabels: [a]} is invalid: "" is not a valid metric name');
    const noHelp = newCounterVec({ name: "x_total" } as never, ["a"]);
    expect(newRegistry().register(noHelp)).toBeUndefined();
  });
});
