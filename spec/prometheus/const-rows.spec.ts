/**
 * Const metrics (mustNewConstMetric) that a collector sends are gathered as rows
 * (lib/prometheus/internal/const-rows.ts): sorted when they came out of order, repeats reported,
 * mixed with other metrics of their family, and written the same whether gathered plain or
 * transactionally, in every format.
 */
import { describe, expect, it } from "vitest";
import { metricFamiliesToOpenMetrics, metricFamiliesToText, textByteChunks } from "../../lib/expfmt/index.js";
import { isRowsFamily } from "../../lib/model/index.js";
import * as prom from "../../lib/prometheus/index.js";

const desc = prom.newDesc("c", "Const.", ["b", "a"], { z: 'q"' });

function registryOf(send: (ch: prom.SendOnlyChannel<prom.Metric>) => void): prom.Registry {
  const reg = prom.newRegistry();
  reg.mustRegister({ describe: (ch) => void ch.send(desc), collect: (ch) => send(ch) });
  return reg;
}

async function both(reg: prom.Registry): Promise<{ plain: string; rows: string; bytes: string; om: string; omRows: string }> {
  const plain = await reg.gather();
  const { families, done } = await reg.transactionalGatherer().gather();
  try {
    expect(families.every(isRowsFamily)).toBe(true);
    return {
      plain: metricFamiliesToText(plain),
      rows: metricFamiliesToText(families),
      bytes: Buffer.concat([...textByteChunks(families)]).toString(),
      om: metricFamiliesToOpenMetrics(plain),
      omRows: metricFamiliesToOpenMetrics(families),
    };
  } finally {
    done();
  }
}

describe("const metrics gathered as rows", () => {
  it("are sorted by label values in name order, whatever order they came in", async () => {
    const reg = registryOf((ch) => {
      for (const [b, a, v] of [["2", "y", 1], ["1", "y", 2], ["9", "x", 3], ["é", "x\n", 4]] as const) {
        ch.send(prom.mustNewConstMetric(desc, prom.GaugeValue, v, b, a));
      }
    });
    const out = await both(reg);
    const expected =
      '# HELP c Const.\n# TYPE c gauge\nc{a="x",b="9",z="q\\""} 3\nc{a="x\\n",b="é",z="q\\""} 4\n' +
      'c{a="y",b="1",z="q\\""} 2\nc{a="y",b="2",z="q\\""} 1\n';
    expect(out.plain).toBe(expected);
    expect(out.rows).toBe(expected);
    expect(out.bytes).toBe(expected);
    expect(out.omRows).toBe(out.om);
  });

  it("report a series sent twice, and keep the first", async () => {
    const reg = registryOf((ch) => {
      ch.send(prom.mustNewConstMetric(desc, prom.GaugeValue, 1, "2", "a"));
      ch.send(prom.mustNewConstMetric(desc, prom.GaugeValue, 2, "1", "a"));
      ch.send(prom.mustNewConstMetric(desc, prom.GaugeValue, 3, "2", "a"));
    });
    const err = await reg.gather().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(prom.GatherError);
    expect((err as prom.GatherError).errors[0]).toBeInstanceOf(prom.ConsistencyError);
    expect(String(err)).toContain("was collected before with the same name and label values");
    expect(metricFamiliesToText((err as prom.GatherError).families)).toBe(
      '# HELP c Const.\n# TYPE c gauge\nc{a="a",b="1",z="q\\""} 2\nc{a="a",b="2",z="q\\""} 1\n',
    );
  });

  it("are checked one by one once another metric joins their family", async () => {
    const other = prom.newDesc("c", "Const.", ["b", "a"], { z: "other" });
    const reg = prom.newRegistry();
    reg.mustRegister({
      describe: (ch) => {
        ch.send(desc);
        ch.send(other);
      },
      collect: (ch) => {
        ch.send(prom.mustNewConstMetric(desc, prom.GaugeValue, 1, "2", "a"));
        ch.send(prom.mustNewConstMetric(other, prom.GaugeValue, 2, "1", "a"));
        ch.send(prom.mustNewConstMetric(desc, prom.GaugeValue, 3, "1", "a"));
      },
    });
    expect(metricFamiliesToText(await reg.gather())).toBe(
      '# HELP c Const.\n# TYPE c gauge\nc{a="a",b="1",z="other"} 2\nc{a="a",b="1",z="q\\""} 3\nc{a="a",b="2",z="q\\""} 1\n',
    );
  });

  it("write counters without a created timestamp, as the plain const metric does", async () => {
    const counters = prom.newDesc("jobs_total", "Jobs.", ["k"], null);
    const reg = prom.newRegistry();
    reg.mustRegister({ describe: (ch) => void ch.send(counters), collect: (ch) => void ch.send(prom.mustNewConstMetric(counters, prom.CounterValue, 5, "x")) });
    const plain = await reg.gather();
    const { families, done } = await reg.transactionalGatherer().gather();
    expect(metricFamiliesToOpenMetrics(families, { createdLines: true })).toBe(metricFamiliesToOpenMetrics(plain, { createdLines: true }));
    expect(metricFamiliesToOpenMetrics(families)).toBe('# HELP jobs Jobs.\n# TYPE jobs counter\njobs_total{k="x"} 5.0\n# EOF\n');
    done();
  });
});

/**
 * The errors Go reports (client_golang 1.14's Registry.Gather, from the conformance oracle) when
 * const metrics of an unchecked collector repeat a series and then something else joins their
 * family: every repeat is reported, and so is the metric that joined. Found by the differential
 * fuzzer (FUZZ_SEED=2 FUZZ_CASE=291 and 731, FUZZ_SEED=1486704325 FUZZ_CASE=334).
 */
describe("const rows report what Go reports", () => {
  const repeated = (value: number, timestamp = ""): string =>
    `collected metric "g" { gauge:<value:${value} > ${timestamp}} was collected before with the same name and label values`;

  async function gatherErrors(reg: prom.Registry, send: (ch: prom.SendOnlyChannel<prom.Metric>) => void): Promise<{ errors: string[]; text: string }> {
    reg.mustRegister({ describe: () => undefined, collect: (ch) => send(ch) });
    const err = await reg.gather().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(prom.GatherError);
    const gathered = err as prom.GatherError;
    for (const e of gathered.errors) expect(e).toBeInstanceOf(prom.ConsistencyError);
    return { errors: gathered.errors.map((e) => (e as Error).message), text: metricFamiliesToText(gathered.families) };
  }

  const g = prom.newDesc("g", "G.", null, null);

  it("every repeat of a series, not only the first", async () => {
    const out = await gatherErrors(prom.newRegistry(), (ch) => {
      for (const v of [1, 2, 3]) ch.send(prom.mustNewConstMetric(g, prom.GaugeValue, v));
    });
    expect(out.errors).toEqual([repeated(2), repeated(3)]);
    expect(out.text).toBe("# HELP g G.\n# TYPE g gauge\ng 1\n");
  });

  it("every repeat, when a metric of another kind repeats the series after them", async () => {
    const out = await gatherErrors(prom.newRegistry(), (ch) => {
      ch.send(prom.mustNewConstMetric(g, prom.GaugeValue, 1));
      ch.send(prom.mustNewConstMetric(g, prom.GaugeValue, 2));
      ch.send(prom.newMetricWithTimestamp(5000, prom.mustNewConstMetric(g, prom.GaugeValue, 3)));
    });
    expect(out.errors).toEqual([repeated(2), repeated(3, "timestamp_ms:5000 ")]);
    expect(out.text).toBe("# HELP g G.\n# TYPE g gauge\ng 1\n");
  });

  it("a repeat, and then a metric of the wrong type", async () => {
    const gk = prom.newDesc("g", "G.", ["k"], null);
    const out = await gatherErrors(prom.newRegistry(), (ch) => {
      ch.send(prom.mustNewConstMetric(g, prom.GaugeValue, 1));
      ch.send(prom.mustNewConstMetric(g, prom.GaugeValue, 2));
      ch.send(prom.mustNewConstMetric(gk, prom.CounterValue, 3, "x"));
    });
    expect(out.errors).toEqual([repeated(2), 'collected metric g label:<name:"k" value:"x" > counter:<value:3 >  should be a Gauge']);
    expect(out.text).toBe("# HELP g G.\n# TYPE g gauge\ng 1\n");
  });

  it("a repeat, and then a metric with another help (pedantic registry, unchecked collector)", async () => {
    const u = prom.newDesc("u", "Untyped.", null, null);
    const s = prom.newDesc("u", "Summary.", ["l"], null);
    const out = await gatherErrors(prom.newPedanticRegistry(), (ch) => {
      ch.send(prom.mustNewConstMetric(u, prom.UntypedValue, 1));
      ch.send(prom.mustNewConstMetric(u, prom.UntypedValue, 2));
      ch.send(prom.mustNewConstSummary(s, 1, 4, new Map([[0.5, 4]]), "x"));
    });
    expect(out.errors).toEqual([
      'collected metric "u" { untyped:<value:2 > } was collected before with the same name and label values',
      'collected metric u label:<name:"l" value:"x" > summary:<sample_count:1 sample_sum:4 quantile:<quantile:0.5 value:4 > >  has help "Summary." but should have "Untyped."',
    ]);
    expect(out.text).toBe("# HELP u Untyped.\n# TYPE u untyped\nu 1\n");
  });

  it("are not reported after an abort: the abort comes alone, as for every other error", async () => {
    const reg = prom.newRegistry();
    reg.mustRegister({
      describe: () => undefined,
      collect: (ch) => {
        for (const v of [1, 2]) ch.send(prom.mustNewConstMetric(g, prom.GaugeValue, v));
      },
    });
    reg.mustRegister({ describe: () => undefined, collect: () => new Promise<void>(() => undefined) });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 20);
    const err = await reg.gather({ signal: ac.signal }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(prom.GatherError);
    const errors = (err as prom.GatherError).errors;
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(prom.GatherAbortedError);
  });
});
