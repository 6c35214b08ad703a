/**
 * The families a gather makes of vec blocks (familyOfBlock): `metric` is built on first read,
 * and until then the family is, to any reader, a plain MetricFamily with an own, enumerable
 * `metric`. All such families share one accessor: a pair of closures per family kept every
 * scrape's block alive until V8's next full collection ("What a scrape leaves behind" in
 * docs/architecture.md).
 */
import { describe, expect, it } from "vitest";
import { blockOf, type MetricFamily } from "../../lib/model/index.js";
import * as prom from "../../lib/prometheus/index.js";

async function gathered(): Promise<MetricFamily> {
  const reg = prom.newRegistry();
  const vec = prom.newGaugeVec({ name: "level", help: "A level." }, ["i"]);
  vec.withLabelValues("a").set(1);
  vec.withLabelValues("b").set(2);
  reg.mustRegister(vec);
  const [family] = await reg.gather();
  expect(blockOf(family!)).toBeDefined();
  return family!;
}

const metrics = [
  { label: [{ name: "i", value: "a" }], gauge: { value: 1 } },
  { label: [{ name: "i", value: "b" }], gauge: { value: 2 } },
];

describe("a family made of a block", () => {
  it("has an own, enumerable metric that spreads and serializes like a plain family's", async () => {
    const family = await gathered();
    expect(Object.keys(family)).toEqual(["name", "help", "type", "metric"]);
    expect(JSON.parse(JSON.stringify(family))).toEqual({ name: "level", help: "A level.", type: "gauge", metric: metrics });
    expect(blockOf(family)).toBeUndefined();
    const again = await gathered();
    expect({ ...again }).toMatchObject({ name: "level", metric: metrics });
    expect(Object.getOwnPropertySymbols(again).every((s) => !Object.getOwnPropertyDescriptor(again, s)!.enumerable)).toBe(true);
  });

  it("keeps what is assigned to metric, and then has no block", async () => {
    const family = await gathered();
    family.metric = [];
    expect(family.metric).toEqual([]);
    expect(blockOf(family)).toBeUndefined();
  });

  it("builds its own metrics, not another family's: the accessor is shared", async () => {
    const [first, second] = [await gathered(), await gathered()];
    const descriptor = (f: MetricFamily) => Object.getOwnPropertyDescriptor(f, "metric")!;
    expect(descriptor(first).get).toBe(descriptor(second).get);
    first.metric = [];
    expect(second.metric).toEqual(metrics);
  });

  it("lends its metrics to an object that inherits from it", async () => {
    const family = await gathered();
    const child = Object.create(family) as MetricFamily;
    expect(child.metric).toEqual(metrics);
    expect(Object.hasOwn(child, "metric")).toBe(false);
    expect(blockOf(family)).toBeUndefined();
  });
});
