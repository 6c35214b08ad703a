/**
 * What a gather returns is plain client_model data: no getters, no hidden symbols, no marker that
 * decides whether labels are checked. These are the reproductions of issue 14, which failed on
 * the code that had sealed label arrays and lazily built families.
 */
import { describe, expect, it } from "vitest";
import { metricFamiliesToOpenMetrics, metricFamiliesToText, textByteChunks } from "../../lib/expfmt/index.js";
import * as model from "../../lib/model/index.js";
import type { LabelPair, MetricFamily } from "../../lib/model/index.js";
import * as prom from "../../lib/prometheus/index.js";

async function gathered(): Promise<MetricFamily> {
  const reg = prom.newRegistry();
  const vec = prom.newGaugeVec({ name: "level", help: "A level." }, ["i"]);
  vec.withLabelValues("a").set(1);
  vec.withLabelValues("b").set(2);
  reg.mustRegister(vec);
  const [family] = await reg.gather();
  return family!;
}

const metrics = [
  { label: [{ name: "i", value: "a" }], gauge: { value: 1 } },
  { label: [{ name: "i", value: "b" }], gauge: { value: 2 } },
];

/** collectorOf returns a collector that sends one gauge metric that writes `label` as its labels. */
function collectorOf(label: readonly LabelPair[], summary = false): prom.Collector {
  const desc = prom.newDesc("m", "h", null, null);
  const metric: prom.Metric = {
    desc: () => desc,
    write: () => (summary ? { label, summary: { sampleCount: 1, sampleSum: 1, quantile: [] } } : { label, gauge: { value: 1 } }),
  };
  return { describe: (ch) => void ch.send(desc), collect: (ch) => void ch.send(metric) };
}

describe("a gathered family", () => {
  it("is plain data: an own, enumerable metric array, no accessors, no symbols", async () => {
    const family = await gathered();
    expect(Object.keys(family)).toEqual(["name", "help", "type", "metric"]);
    expect(Object.getOwnPropertySymbols(family)).toEqual([]);
    expect(Object.getOwnPropertyDescriptor(family, "metric")!.get).toBeUndefined();
    expect(JSON.parse(JSON.stringify(family))).toEqual({ name: "level", help: "A level.", type: "gauge", metric: metrics });
    expect(structuredClone(family)).toEqual(family);
  });

  it("can be frozen and then read (Object.freeze(family); family.metric)", async () => {
    const family = Object.freeze(await gathered());
    expect(family.metric).toEqual(metrics);
    for (const m of family.metric) Object.freeze(m);
    expect(metricFamiliesToText([family])).toBe('# HELP level A level.\n# TYPE level gauge\nlevel{i="a"} 1\nlevel{i="b"} 2\n');
  });

  it("is the caller's: changing it changes nothing in the next gather", async () => {
    const reg = prom.newRegistry();
    const vec = prom.newGaugeVec({ name: "level", help: "A level." }, ["i"]);
    vec.withLabelValues("a").set(1);
    reg.mustRegister(vec);
    const [first] = await reg.gather();
    first!.metric = [];
    const [second] = await reg.gather();
    expect(second!.metric).toEqual([metrics[0]]);
  });
});

describe("label validation trusts no marker", () => {
  it("has no public way to mark label pairs as checked (sealLabelPairs is gone)", () => {
    expect(Object.keys(model)).not.toContain("sealLabelPairs");
    expect(Object.keys(model)).not.toContain("sealedLabelsText");
  });

  it("rejects an invalid label name in a frozen array, every time", async () => {
    const bad = Object.freeze([Object.freeze({ name: "bad name", value: "x" })]);
    const reg = prom.newRegistry();
    reg.mustRegister(collectorOf(bad));
    for (let i = 0; i < 2; i++) {
      const err = await reg.gather().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(prom.GatherError);
      expect((err as prom.GatherError).errors[0]).toBeInstanceOf(prom.ConsistencyError);
      expect((err as prom.GatherError).message).toContain("has a label with an invalid name: bad name");
    }
  });

  it("checks a frozen array that was valid for a gauge again against a summary's rule", async () => {
    const pairs = Object.freeze([Object.freeze({ name: "quantile", value: "0.5" })]);
    const reg = prom.newRegistry();
    reg.mustRegister(collectorOf(pairs));
    await expect(reg.gather()).resolves.toHaveLength(1);
    const summaries = prom.newRegistry();
    summaries.mustRegister(collectorOf(pairs, true));
    await expect(summaries.gather()).rejects.toThrow('must not have an explicit "quantile" label');
  });

  it("checks an array whose pairs are not frozen at every gather (a pair may change)", async () => {
    const pair = { name: "a", value: "1" };
    const label = Object.freeze([pair]);
    const reg = prom.newRegistry();
    reg.mustRegister(collectorOf(label));
    expect(metricFamiliesToText(await reg.gather())).toBe('# HELP m h\n# TYPE m gauge\nm{a="1"} 1\n');
    (pair as { name: string }).name = "bad name";
    await expect(reg.gather()).rejects.toThrow("has a label with an invalid name: bad name");
    (pair as { name: string; value: string }).name = "a";
    pair.value = "2";
    expect(metricFamiliesToText(await reg.gather())).toBe('# HELP m h\n# TYPE m gauge\nm{a="2"} 1\n');
  });
});

describe("the text format and OpenMetrics write the same labels", () => {
  it("for label pairs the caller built, frozen or not", async () => {
    for (const label of [[{ name: "a", value: "1" }], Object.freeze([Object.freeze({ name: "a", value: 'x"\\\ny' })])]) {
      const family: MetricFamily = { name: "m", help: "h", type: "gauge", metric: [{ label, gauge: { value: 1 } }] };
      const text = metricFamiliesToText([family]).split("\n")[2];
      const om = metricFamiliesToOpenMetrics([family]).split("\n")[2];
      expect(om).toBe(`${text}.0`);
      expect(Buffer.concat([...textByteChunks([family])]).toString().split("\n")[2]).toBe(text);
    }
  });

  it("for a vec's series, gathered plain or transactional", async () => {
    const reg = prom.newRegistry();
    const vec = prom.newGaugeVec({ name: "m", help: "h", constLabels: { z: "\\" } }, ["a"]);
    vec.withLabelValues('"1"\n').set(1);
    reg.mustRegister(vec);
    const plain = await reg.gather();
    const { families, done } = await reg.transactionalGatherer().gather();
    try {
      const line = 'm{a="\\"1\\"\\n",z="\\\\"} 1';
      expect(metricFamiliesToText(plain).split("\n")[2]).toBe(line);
      expect(metricFamiliesToText(families).split("\n")[2]).toBe(line);
      expect(Buffer.concat([...textByteChunks(families)]).toString().split("\n")[2]).toBe(line);
      expect(metricFamiliesToOpenMetrics(plain).split("\n")[2]).toBe(`${line}.0`);
      expect(metricFamiliesToOpenMetrics(families).split("\n")[2]).toBe(`${line}.0`);
    } finally {
      done();
    }
  });
});
