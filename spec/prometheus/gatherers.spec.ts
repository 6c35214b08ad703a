/**
 * Gatherers: several gatherers merged into one, with the consistency checks of a registry, and
 * gathererFunc (client_golang's Gatherers and GathererFunc in registry.go).
 */
import { describe, expect, it } from "vitest";
import { metricFamiliesToText } from "../../lib/expfmt/text.js";
import type * as dto from "../../lib/model/index.js";
import { isRowsFamily } from "../../lib/model/index.js";
import * as prom from "../../lib/prometheus/index.js";
import { newCounter } from "../../lib/prometheus/counter.js";
import { ConsistencyError, GatherError, type GatherOptions, InvalidOptionsError } from "../../lib/prometheus/index.js";
import { Gatherers, gathererFunc } from "../../lib/prometheus/gatherers.js";
import { newGauge, newGaugeVec } from "../../lib/prometheus/gauge.js";
import { newRegistry, type Gatherer } from "../../lib/prometheus/registry.js";

/** families returns a gatherer that always gives these families (fresh copies each time). */
function families(...fs: dto.MetricFamily[]): Gatherer {
  return gathererFunc(async () => structuredClone(fs));
}

const family = (name: string, type: dto.MetricType, help: string, ...metric: dto.Metric[]): dto.MetricFamily => ({
  name,
  help,
  type,
  metric,
});
const gauge = (value: number, labels: Record<string, string> = {}): dto.Metric => ({
  label: Object.entries(labels).map(([name, v]) => ({ name, value: v })),
  gauge: { value },
});

async function gatherError(g: Gatherer): Promise<GatherError> {
  const err = await g.gather().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(GatherError);
  return err as GatherError;
}

describe("Gatherers", () => {
  it("merges the families of all gatherers, sorted by name and labels", async () => {
    const r1 = newRegistry();
    const r2 = newRegistry();
    const v1 = newGaugeVec({ name: "shared", help: "h" }, ["from"]);
    const v2 = newGaugeVec({ name: "shared", help: "h" }, ["from"]);
    v1.withLabelValues("r1").set(1);
    v2.withLabelValues("r2").set(2);
    r1.mustRegister(v1, newGauge({ name: "only_in_r1", help: "h" }));
    r2.mustRegister(v2, newCounter({ name: "a_only_in_r2", help: "h" }));
    expect(metricFamiliesToText(await new Gatherers([r2, r1]).gather())).toBe(`# HELP a_only_in_r2 h
# TYPE a_only_in_r2 counter
a_only_in_r2 0
# HELP only_in_r1 h
# TYPE only_in_r1 gauge
only_in_r1 0
# HELP shared h
# TYPE shared gauge
shared{from="r1"} 1
shared{from="r2"} 2
`);
  });

  it("gathers nothing from no gatherers", async () => {
    expect(await new Gatherers([]).gather()).toEqual([]);
  });

  it("injects families through gathererFunc", async () => {
    const injected = families(family("injected", "untyped", "from elsewhere", { label: [], untyped: { value: 7 } }));
    expect(metricFamiliesToText(await new Gatherers([injected]).gather())).toBe(
      "# HELP injected from elsewhere\n# TYPE injected untyped\ninjected 7\n",
    );
  });

  it("passes the gather options to every gatherer", async () => {
    const seen: (GatherOptions | undefined)[] = [];
    const spy = gathererFunc(async (options) => {
      seen.push(options);
      return [];
    });
    const signal = new AbortController().signal;
    await new Gatherers([spy, spy]).gather({ signal });
    expect(seen.map((o) => o?.signal)).toEqual([signal, signal]);
  });

  it("rejects a family whose help differs from the first one of its name, keeping the first", async () => {
    const err = await gatherError(
      new Gatherers([families(family("x", "gauge", "help one", gauge(1, { a: "1" }))), families(family("x", "gauge", "help two", gauge(2, { a: "2" })))]),
    );
    expect(err.errors).toHaveLength(1);
    expect(err.errors[0]).toBeInstanceOf(ConsistencyError);
    expect(err.message).toBe('gathered metric family x has help "help two" but should have "help one"');
    expect(metricFamiliesToText(err.families)).toBe('# HELP x help one\n# TYPE x gauge\nx{a="1"} 1\n');
  });

  it("rejects a family whose type differs from the first one of its name", async () => {
    const err = await gatherError(
      new Gatherers([
        families(family("x", "gauge", "h", gauge(1, { a: "1" }))),
        families(family("x", "counter", "h", { label: [{ name: "a", value: "2" }], counter: { value: 2 } })),
      ]),
    );
    expect(err.errors[0]).toBeInstanceOf(ConsistencyError);
    expect(err.message).toBe("gathered metric family x has type COUNTER but should have GAUGE");
    expect(err.families[0]!.metric).toHaveLength(1);
  });

  it("rejects a series gathered twice", async () => {
    const err = await gatherError(
      new Gatherers([families(family("x", "gauge", "h", gauge(1, { a: "1" }))), families(family("x", "gauge", "h", gauge(1, { a: "1" }), gauge(3, { a: "3" })))]),
    );
    expect(err.message).toBe(
      'collected metric "x" { label:<name:"a" value:"1" > gauge:<value:1 > } was collected before with the same name and label values',
    );
    expect(metricFamiliesToText(err.families)).toBe('# HELP x h\n# TYPE x gauge\nx{a="1"} 1\nx{a="3"} 3\n');
  });

  it("rejects suffix collisions between gatherers", async () => {
    const histogram: dto.Metric = { label: [], histogram: { sampleCount: 1, sampleSum: 1, bucket: [] } };
    const err = await gatherError(
      new Gatherers([families(family("x", "histogram", "h", histogram)), families(family("x_count", "gauge", "h", gauge(1)))]),
    );
    expect(err.message).toBe('collected metric named "x_count" collides with previously collected histogram named "x"');
    expect(err.families.map((f) => f.name)).toEqual(["x"]);
  });

  it("prefixes each gatherer's errors with its position and keeps its partial families", async () => {
    const ok = newRegistry();
    ok.mustRegister(newGauge({ name: "ok", help: "h" }));
    const failing = newRegistry();
    failing.mustRegister(newGauge({ name: "partial", help: "h" }), {
      describe() {},
      collect() {
        throw new Error("boom");
      },
    });
    const err = await gatherError(new Gatherers([ok, failing]));
    expect(err.errors).toHaveLength(1);
    expect(err.message).toBe("[from Gatherer #2] error collecting from collector: boom");
    expect((err.errors[0] as Error).cause).toBeInstanceOf(Error);
    expect(metricFamiliesToText(err.families)).toBe("# HELP ok h\n# TYPE ok gauge\nok 0\n# HELP partial h\n# TYPE partial gauge\npartial 0\n");
  });

  it("flattens a gatherer's several errors, one prefix each", async () => {
    const failing = newRegistry();
    failing.mustRegister(
      { describe() {}, collect: () => Promise.reject(new Error("one")) },
      { describe() {}, collect: () => Promise.reject(new Error("two")) },
    );
    const err = await gatherError(new Gatherers([failing]));
    expect(err.errors.map((e: Error) => e.message).sort()).toEqual([
      "[from Gatherer #1] error collecting from collector: one",
      "[from Gatherer #1] error collecting from collector: two",
    ]);
  });

  it("prefixes a plain rejection too", async () => {
    const err = await gatherError(
      new Gatherers([
        families(family("ok", "gauge", "h", gauge(1))),
        gathererFunc(() => Promise.reject(new Error("connection refused"))),
      ]),
    );
    expect(err.message).toBe("[from Gatherer #2] connection refused");
    expect(err.families.map((f) => f.name)).toEqual(["ok"]);
  });

  it("nests: errors of inner Gatherers get both prefixes", async () => {
    const inner = new Gatherers([families(), gathererFunc(() => Promise.reject(new Error("down")))]);
    const err = await gatherError(new Gatherers([inner]));
    expect(err.message).toBe("[from Gatherer #1] [from Gatherer #2] down");
  });

  it("does not change the families its gatherers returned", async () => {
    const returned = [family("x", "gauge", "h", gauge(2, { b: "1" }), gauge(1, { a: "1" }))];
    const g = gathererFunc(async () => returned);
    await new Gatherers([g]).gather();
    expect(returned[0]!.metric.map((m) => m.gauge!.value)).toEqual([2, 1]);
  });
});

describe("Gatherers construction", () => {
  it("refuses anything but an array of gatherers", () => {
    for (const bad of [5, null, [{}], [newRegistry(), "x"]]) {
      expect(() => new Gatherers(bad as never)).toThrow(InvalidOptionsError);
      expect(() => new Gatherers(bad as never)).toThrow("Gatherers needs an array of gatherers, each with a gather method");
    }
  });
});

describe("Gatherers and vecs gathered as blocks", () => {
  function vecRegistry(constLabels: prom.Labels | undefined, values: string[]): prom.Registry {
    const reg = prom.newRegistry();
    const vec = prom.newGaugeVec({ name: "merged", help: "h", constLabels }, ["k"]);
    values.forEach((v, i) => vec.withLabelValues(v).set(i + 1));
    reg.mustRegister(vec);
    return reg;
  }

  it("passes a family that only one gatherer has on as rows (transactional), and merges one that two have", async () => {
    const { families: alone, done } = await new prom.Gatherers([vecRegistry(undefined, ["b", "a"])]).transactionalGatherer().gather();
    expect(isRowsFamily(alone[0]!)).toBe(true);
    expect(metricFamiliesToText(alone)).toBe('# HELP merged h\n# TYPE merged gauge\nmerged{k="a"} 2\nmerged{k="b"} 1\n');
    done();
    const plain = await new prom.Gatherers([vecRegistry(undefined, ["b", "a"])]).gather();
    expect(isRowsFamily(plain[0]!)).toBe(false);
    expect(metricFamiliesToText(plain)).toBe('# HELP merged h\n# TYPE merged gauge\nmerged{k="a"} 2\nmerged{k="b"} 1\n');

    const both = await new prom.Gatherers([vecRegistry({ z: "2" }, ["b"]), vecRegistry({ z: "1" }, ["c", "a"])]).gather();
    expect(metricFamiliesToText(both)).toBe(
      '# HELP merged h\n# TYPE merged gauge\nmerged{k="a",z="1"} 2\nmerged{k="b",z="2"} 1\nmerged{k="c",z="1"} 1\n',
    );
  });

  it("still finds a series that two gatherers both have", async () => {
    const err = await new prom.Gatherers([vecRegistry(undefined, ["a"]), vecRegistry(undefined, ["a", "b"])]).gather().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(prom.GatherError);
    expect((err as prom.GatherError).message).toContain("was collected before with the same name and label values");
  });
});
