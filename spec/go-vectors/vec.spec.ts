/**
 * client_golang 1.14, prometheus/vec_test.go, line for line: TestDelete, TestDeleteLabelValues,
 * TestDeletePartialMatch, TestMetricVec, TestCounterVecEndToEndWithCollision and TestCurryVec
 * (its 11 subtests). Go's `len(vec.metricMap.metrics)` is the number of series collected.
 *
 * Skipped, Go-only: the four `...WithCollisions` variants (TestDeleteWithCollisions,
 * TestDeleteLabelValuesWithCollisions, TestMetricVecWithCollisions, TestCurryVecWithCollisions)
 * replace the vec's hash functions (`vec.hashAdd = ...`) to force collisions; our vec has no such
 * hook. Colliding values are covered by TestCounterVecEndToEndWithCollision below and by
 * spec/prometheus/vec.spec.ts.
 */
import { describe, expect, it } from "vitest";

import { type CounterVec, type GaugeVec, LabelMismatchError, type Metric, newCounterVec, newGaugeVec } from "../../lib/prometheus/index.js";

/** count is the number of series a vec (or a view of it) collects. */
function count(vec: { collect(ch: { send(m: Metric): void }): unknown }): number {
  let n = 0;
  vec.collect({ send: () => void n++ });
  return n;
}

const gaugeVec = (labels: string[]): GaugeVec => newGaugeVec({ name: "test", help: "helpless" }, labels);

describe("vec_test.go TestDelete", () => {
  it("testDelete", () => {
    const vec = gaugeVec(["l1", "l2"]);
    expect(vec.delete({ l1: "v1", l2: "v2" })).toBe(false);

    vec.with({ l1: "v1", l2: "v2" }).set(42);
    expect(vec.delete({ l1: "v1", l2: "v2" })).toBe(true);
    expect(vec.delete({ l1: "v1", l2: "v2" })).toBe(false);

    vec.with({ l1: "v1", l2: "v2" }).set(42);
    expect(vec.delete({ l2: "v2", l1: "v1" })).toBe(true);
    expect(vec.delete({ l2: "v2", l1: "v1" })).toBe(false);

    vec.with({ l1: "v1", l2: "v2" }).set(42);
    expect(vec.delete({ l2: "v1", l1: "v2" })).toBe(false);
    expect(vec.delete({ l1: "v1" })).toBe(false);
  });
});

describe("vec_test.go TestDeleteLabelValues", () => {
  it("testDeleteLabelValues", () => {
    const vec = gaugeVec(["l1", "l2"]);
    expect(vec.deleteLabelValues("v1", "v2")).toBe(false);

    vec.with({ l1: "v1", l2: "v2" }).set(42);
    vec.with({ l1: "v1", l2: "v3" }).set(42); // Add junk data for collision.
    expect(vec.deleteLabelValues("v1", "v2")).toBe(true);
    expect(vec.deleteLabelValues("v1", "v2")).toBe(false);
    expect(vec.deleteLabelValues("v1", "v3")).toBe(true);

    vec.with({ l1: "v1", l2: "v2" }).set(42);
    // Delete out of order.
    expect(vec.deleteLabelValues("v2", "v1")).toBe(false);
    expect(vec.deleteLabelValues("v1")).toBe(false);
  });
});

describe("vec_test.go TestDeletePartialMatch", () => {
  it("deletes by partial labels from the base vector and from a curried one", () => {
    const baseVec = gaugeVec(["l1", "l2", "l3"]);
    // No metric value is set.
    expect(baseVec.deletePartialMatch({ l1: "v1", l2: "v2" })).toBe(0);

    baseVec.with({ l1: "baseValue1", l2: "baseValue2", l3: "baseValue3" }).inc();
    baseVec.with({ l1: "multiDeleteV1", l2: "diff1BaseValue2", l3: "v3" }).set(42);
    baseVec.with({ l1: "multiDeleteV1", l2: "diff2BaseValue2", l3: "v3" }).set(84);
    baseVec.with({ l1: "multiDeleteV1", l2: "diff3BaseValue2", l3: "v3" }).set(168);

    const curriedVec = baseVec.mustCurryWith({ l2: "curriedValue2" });
    curriedVec.withLabelValues("curriedValue1", "curriedValue3").inc();
    curriedVec.withLabelValues("curriedValue1", "differentCurriedValue3").inc();
    curriedVec.withLabelValues("differentCurriedValue1", "differentCurriedValue3").inc();

    // Try to delete nonexistent label with existent value from curried vector.
    expect(curriedVec.deletePartialMatch({ lx: "curriedValue1" })).toBe(0);
    // Try to delete valid label with nonexistent value from curried vector.
    expect(curriedVec.deletePartialMatch({ l1: "badValue1" })).toBe(0);
    // Try to delete from a curried vector based on labels which were curried.
    expect(curriedVec.deletePartialMatch({ l2: "curriedValue2" })).toBe(0);
    // ... but the value actually exists in the base vector.
    expect(curriedVec.deletePartialMatch({ l2: "baseValue2" })).toBe(0);
    // Delete multiple matching metrics from a curried vector based on partial values.
    expect(curriedVec.deletePartialMatch({ l1: "curriedValue1" })).toBe(2);
    // Try to delete nonexistent label with existent value from base vector.
    expect(baseVec.deletePartialMatch({ lx: "curriedValue1" })).toBe(0);
    // Try to delete partially invalid labels from base vector.
    expect(baseVec.deletePartialMatch({ l1: "baseValue1", l2: "badValue2" })).toBe(0);
    // Delete from the base vector based on values which were curried.
    expect(baseVec.deletePartialMatch({ l2: "curriedValue2" })).toBe(1);
    // Delete multiple metrics from the base vector based on a single valid label.
    expect(baseVec.deletePartialMatch({ l1: "multiDeleteV1" })).toBe(3);
    // Delete from the base vector based on values which were not curried.
    expect(baseVec.deletePartialMatch({ l3: "baseValue3" })).toBe(1);
    // All metrics should have been deleted now.
    expect(count(baseVec)).toBe(0);
  });
});

describe("vec_test.go TestMetricVec", () => {
  it("testMetricVec: 1000 increments over 21 label pairs, then reset", () => {
    const vec = gaugeVec(["l1", "l2"]);
    vec.reset(); // Actually test Reset now!
    const expected = new Map<string, number>();
    const bump = (pair: string) => expected.set(pair, (expected.get(pair) ?? 0) + 1);
    for (let i = 0; i < 1000; i++) {
      const pair = [String(i % 4), String(i % 5)] as const;
      bump(pair.join(","));
      vec.withLabelValues(pair[0], pair[1]).inc();
      bump("v1,v2");
      vec.withLabelValues("v1", "v2").inc();
    }
    let total = 0;
    vec.collect({
      send: (m) => {
        total++;
        const out = m.write();
        const pair = out.label.map((l) => l.value).join(",");
        expect(out.gauge?.value, pair).toBe(expected.get(pair));
      },
    });
    expect(total).toBe(expected.size);
    vec.reset();
    expect(count(vec)).toBe(0);
  });
});

describe("vec_test.go TestCounterVecEndToEndWithCollision", () => {
  it("keeps two label values whose FNV hashes collide apart", () => {
    const vec = newCounterVec({ name: "test", help: "helpless" }, ["labelname"]);
    vec.withLabelValues("77kepQFQ8Kl").inc();
    vec.withLabelValues("!0IC=VloaY").add(2);
    let m = vec.withLabelValues("77kepQFQ8Kl").write();
    expect(m.label[0]!.value).toBe("77kepQFQ8Kl");
    expect(m.counter?.value).toBe(1);
    m = vec.withLabelValues("!0IC=VloaY").write();
    expect(m.label[0]!.value).toBe("!0IC=VloaY");
    expect(m.counter?.value).toBe(2);
  });
});

describe("vec_test.go TestCurryVec", () => {
  const vec: CounterVec = newCounterVec({ name: "test", help: "helpless" }, ["one", "two", "three"]);

  const assertMetrics = () => {
    expect(count(vec)).toBe(2);
    const [c1, err1] = vec.getMetricWithLabelValues("1", "2", "3");
    expect(err1).toBeUndefined();
    expect(c1!.write().counter?.value).toBe(1);
    const [c2, err2] = vec.getMetricWithLabelValues("11", "22", "33");
    expect(err2).toBeUndefined();
    expect(c2!.write().counter?.value).toBe(1);
  };
  const assertNoMetric = () => expect(count(vec)).toBe(0);

  it("zero labels", () => {
    const c1 = vec.mustCurryWith(null);
    const c2 = vec.mustCurryWith(null);
    c1.withLabelValues("1", "2", "3").inc();
    c2.with({ one: "11", two: "22", three: "33" }).inc();
    assertMetrics();
    expect(c1.delete({ one: "1", two: "2", three: "3" })).toBe(true);
    expect(c2.deleteLabelValues("11", "22", "33")).toBe(true);
    assertNoMetric();
  });

  /**
   * The subtests that curry some labels, as Go writes each: c1 and c2 are the two views; c1 gets
   * `inc1` as label values and c2 `with2` as a map; then deleting `wrong1`/`wrong2` fails, and
   * deleting `del1`/`del2` succeeds.
   */
  const partial: [string, () => CounterVec[], string[], Record<string, string>, Record<string, string>, string[], Record<string, string>, string[]][] = [
    ["first label", () => [vec.mustCurryWith({ one: "1" }), vec.mustCurryWith({ one: "11" })],
      ["2", "3"], { two: "22", three: "33" }, { two: "22", three: "33" }, ["2", "3"], { two: "2", three: "3" }, ["22", "33"]],
    ["middle label", () => [vec.mustCurryWith({ two: "2" }), vec.mustCurryWith({ two: "22" })],
      ["1", "3"], { one: "11", three: "33" }, { one: "11", three: "33" }, ["1", "3"], { one: "1", three: "3" }, ["11", "33"]],
    ["last label", () => [vec.mustCurryWith({ three: "3" }), vec.mustCurryWith({ three: "33" })],
      ["1", "2"], { one: "11", two: "22" }, { two: "22", one: "11" }, ["1", "2"], { two: "2", one: "1" }, ["11", "22"]],
    ["two labels", () => [vec.mustCurryWith({ three: "3", one: "1" }), vec.mustCurryWith({ three: "33", one: "11" })],
      ["2"], { two: "22" }, { two: "22" }, ["2"], { two: "2" }, ["22"]],
    ["double curry", () => [
        vec.mustCurryWith({ three: "3" }).mustCurryWith({ one: "1" }),
        vec.mustCurryWith({ three: "33" }).mustCurryWith({ one: "11" }),
      ],
      ["2"], { two: "22" }, { two: "22" }, ["2"], { two: "2" }, ["22"]],
  ];

  it.each(partial)("%s", (_name, views, inc1, with2, wrong1, wrong2, del1, del2) => {
    const [c1, c2] = views() as [CounterVec, CounterVec];
    c1.withLabelValues(...inc1).inc();
    c2.with(with2).inc();
    assertMetrics();
    expect(c1.delete(wrong1)).toBe(false);
    expect(c2.deleteLabelValues(...wrong2)).toBe(false);
    expect(c1.delete(del1)).toBe(true);
    expect(c2.deleteLabelValues(...del2)).toBe(true);
    assertNoMetric();
  });

  it("all labels", () => {
    const c1 = vec.mustCurryWith({ three: "3", two: "2", one: "1" });
    const c2 = vec.mustCurryWith({ three: "33", one: "11", two: "22" });
    c1.withLabelValues().inc();
    c2.with(null).inc();
    assertMetrics();
    expect(c1.delete({})).toBe(true);
    expect(c2.deleteLabelValues()).toBe(true);
    assertNoMetric();
  });

  it("use already curried label", () => {
    const c1 = vec.mustCurryWith({ three: "3" });
    expect(c1.getMetricWithLabelValues("1", "2", "3")[1]).toBeInstanceOf(Error);
    expect(c1.getMetricWith({ one: "1", two: "2", three: "3" })[1]).toBeInstanceOf(Error);
    assertNoMetric();
    c1.withLabelValues("1", "2").inc();
    expect(c1.delete({ one: "1", two: "2", three: "3" })).toBe(false);
    expect(c1.delete({ one: "1", two: "2" })).toBe(true);
    assertNoMetric();
  });

  it("curry already curried label", () => {
    const [view, err] = vec.mustCurryWith({ three: "3" }).curryWith({ three: "33" });
    expect(view).toBeUndefined();
    expect(err).toBeInstanceOf(LabelMismatchError);
    expect(err!.message).toBe('label name "three" is already curried');
    expect(err).toMatchObject({ fqName: "test", variableLabels: ["one", "two", "three"] });
  });

  it("unknown label", () => {
    const [view, err] = vec.curryWith({ foo: "bar" });
    expect(view).toBeUndefined();
    expect(err!.message).toBe("1 unknown label(s) found during currying");
    expect(err).toMatchObject({ fqName: "test", variableLabels: ["one", "two", "three"] });
  });
});
