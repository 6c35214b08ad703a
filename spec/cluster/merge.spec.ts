/**
 * The merge of workers' families, without a cluster: families go through the wire form (and
 * through JSON, as node:cluster's default serialization sends them), then mergeAnswers. The
 * expected exposition is written out as text.
 */
import { deserialize, serialize } from "node:v8";
import { describe, expect, it } from "vitest";
import {
  BucketMismatchError,
  FamilyConflictError,
  mergeAnswers,
  MergeRuleError,
  type MergeRules,
  RuleBook,
  toWire,
  type WireFamily,
  WireFormatError,
  type WorkerAnswer,
} from "../../lib/cluster/index.js";
import { LabelTexts } from "../../lib/cluster/label-text.js";
import { RowLayouts } from "../../lib/cluster/rows.js";
import { metricFamiliesToOpenMetrics, metricFamiliesToText, textByteChunks } from "../../lib/expfmt/index.js";
import { isRowsFamily, type Metric, type MetricFamily } from "../../lib/model/index.js";
import {
  ConsistencyError,
  InvalidOptionsError,
  newCounterVec,
  newGaugeVec,
  newHistogramVec,
  newRegistry,
  newUntypedVec,
  type Registry,
  toTransactionalGatherer,
} from "../../lib/prometheus/index.js";

const lbl = (o: Record<string, string>) => Object.entries(o).map(([name, value]) => ({ name, value }));
const gauge = (name: string, series: [Record<string, string>, number][], help = "h"): MetricFamily => ({
  name,
  help,
  type: "gauge",
  metric: series.map(([l, value]) => ({ label: lbl(l), gauge: { value } })),
});
const counter = (name: string, series: [Record<string, string>, number][], help = "h"): MetricFamily => ({
  name,
  help,
  type: "counter",
  metric: series.map(([l, value]) => ({ label: lbl(l), counter: { value } })),
});
const histogram = (name: string, bounds: number[], counts: number[], sum: number, label: Record<string, string> = {}): MetricFamily => ({
  name,
  help: "h",
  type: "histogram",
  metric: [
    {
      label: lbl(label),
      histogram: { sampleCount: counts.at(-1)!, sampleSum: sum, bucket: bounds.map((upperBound, i) => ({ upperBound, cumulativeCount: counts[i]! })) },
    },
  ],
});

/** Through the wire and through JSON (node:cluster's default serialization), as a worker sends. */
function viaJSON(workerId: number, families: MetricFamily[], exemplars = false): WorkerAnswer {
  return { workerId, families: JSON.parse(JSON.stringify(toWire(families, { exemplars }))) as unknown[] };
}

/**
 * A worker's answer as serveWorker makes it: a transactional gather, whose vecs come as rows
 * families (checked: else this would not test the rows path), turned into wire form before done().
 */
async function rowsAnswer(workerId: number, reg: Registry, exemplars = false): Promise<WorkerAnswer> {
  const { families, done } = await toTransactionalGatherer(reg).gather();
  try {
    expect(families.some(isRowsFamily)).toBe(true);
    return { workerId, families: JSON.parse(JSON.stringify(toWire(families, { exemplars }))) as unknown[] };
  } finally {
    done();
  }
}

/**
 * mergeBoth merges as the primary's plain gather does and as its transactional gather does (rows
 * families where they fit), and checks that both write the same text (the rows through the byte
 * encoder, as the handler writes them) and OpenMetrics, with the same errors.
 */
async function mergeBoth(answers: WorkerAnswer[], options: { rules: RuleBook; workerLabel: string }) {
  const plain = await mergeAnswers(answers, options);
  const rows = await mergeAnswers(answers, { ...options, rows: true });
  const text = metricFamiliesToText(plain.families);
  expect(Buffer.concat([...textByteChunks(rows.families)]).toString()).toBe(text);
  expect(metricFamiliesToText(rows.families)).toBe(text);
  expect(metricFamiliesToOpenMetrics(rows.families)).toBe(metricFamiliesToOpenMetrics(plain.families));
  expect(rows.errors.map((e) => e.message)).toEqual(plain.errors.map((e) => e.message));
  return { ...plain, text, rowsFamilies: rows.families };
}

async function mergeRows(workers: Registry[], rules?: MergeRules, exemplars = false) {
  const answers = await Promise.all(workers.map((reg, i) => rowsAnswer(i + 1, reg, exemplars)));
  return mergeBoth(answers, { rules: new RuleBook(rules), workerLabel: "worker" });
}

async function merge(workers: MetricFamily[][], rules?: MergeRules, workerLabel = "worker", exemplars = false) {
  const answers = workers.map((families, i) => viaJSON(i + 1, families, exemplars));
  return mergeBoth(answers, { rules: new RuleBook(rules), workerLabel });
}

describe("mergeAnswers", () => {
  it("sums counters by their exact label set", async () => {
    const { text, errors } = await merge([
      [counter("c_total", [[{ a: "x" }, 1], [{ a: "y" }, 2], [{}, 5]])],
      [counter("c_total", [[{ a: "x" }, 10], [{ a: "x", b: "z" }, 100]])],
      [counter("c_total", [[{ a: "y" }, 20]])],
    ]);
    expect(errors).toEqual([]);
    expect(text).toBe(`# HELP c_total h
# TYPE c_total counter
c_total 5
c_total{a="x"} 11
c_total{a="y"} 22
c_total{a="x",b="z"} 100
`);
  });

  it("keeps NaN, ±Inf, -0 and big integers exact through JSON", async () => {
    const values = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 1e-300, 2 ** 53 + 2];
    const w1 = [gauge("g", values.map((v, i) => [{ i: String(i) }, v]))];
    const { families } = await merge([w1, w1]);
    for (let i = 0; i < values.length; i++) {
      const ofI = families[0]!.metric.filter((m) => m.label.some((l) => l.name === "i" && l.value === String(i)));
      expect(ofI).toHaveLength(2); // default gauge rule: one series per worker
      for (const m of ofI) expect(Object.is(m.gauge!.value, values[i])).toBe(true);
    }
  });

  it("also keeps them exact through structured clone (serialization: advanced)", async () => {
    const family = gauge("g", [[{}, -0], [{ a: "nan" }, Number.NaN]]);
    const answer = { workerId: 7, families: deserialize(serialize(toWire([family]))) as unknown[] };
    const { families } = await mergeAnswers([answer], { rules: new RuleBook({ byType: { gauge: "first" } }), workerLabel: "worker" });
    expect(Object.is(families[0]!.metric[0]!.gauge!.value, -0)).toBe(true);
    expect(families[0]!.metric[1]!.gauge!.value).toBeNaN();
  });

  it("merges gauges by the rule named for the family, and keeps them per worker by default", async () => {
    const fams = (v: number) => [gauge("g_sum", [[{}, v]]), gauge("g_min", [[{}, v]]), gauge("g_max", [[{}, v]]), gauge("g_avg", [[{}, v]]), gauge("g_first", [[{}, v]]), gauge("g_omit", [[{}, v]]), gauge("g_default", [[{}, v]])];
    const rules: MergeRules = { byName: { g_sum: "sum", g_min: "min", g_max: "max", g_avg: "average", g_first: "first", g_omit: "omit" } };
    const { text } = await merge([fams(3), fams(-1), fams(7)], rules);
    expect(text).toBe(`# HELP g_avg h
# TYPE g_avg gauge
g_avg 3
# HELP g_default h
# TYPE g_default gauge
g_default{worker="1"} 3
g_default{worker="2"} -1
g_default{worker="3"} 7
# HELP g_first h
# TYPE g_first gauge
g_first 3
# HELP g_max h
# TYPE g_max gauge
g_max 7
# HELP g_min h
# TYPE g_min gauge
g_min -1
# HELP g_sum h
# TYPE g_sum gauge
g_sum 9
`);
  });

  it("averages over the workers that have the series, not over all workers", async () => {
    const { text } = await merge([[gauge("g", [[{ a: "1" }, 4], [{ a: "2" }, 10]])], [gauge("g", [[{ a: "1" }, 8]])]], { byName: { g: "average" } });
    expect(text).toContain(`g{a="1"} 6\ng{a="2"} 10\n`);
  });

  it("puts the worker label in its sorted place, under the name asked for", async () => {
    const { text } = await merge([[gauge("g", [[{ a: "1", z: "2" }, 1]])]], undefined, "pid_slot");
    expect(text).toContain(`g{a="1",pid_slot="1",z="2"} 1\n`);
  });

  it("sums histograms bucket by bucket", async () => {
    const { text, errors } = await merge([
      [histogram("h", [0.1, 1, 10], [1, 3, 4], 7.5, { path: "/" })],
      [histogram("h", [0.1, 1, 10], [0, 2, 2], 1.5, { path: "/" })],
    ]);
    expect(errors).toEqual([]);
    expect(text).toBe(`# HELP h h
# TYPE h histogram
h_bucket{path="/",le="0.1"} 1
h_bucket{path="/",le="1"} 5
h_bucket{path="/",le="10"} 6
h_bucket{path="/",le="+Inf"} 6
h_sum{path="/"} 9
h_count{path="/"} 6
`);
  });

  it("reports histograms with different bounds as a BucketMismatchError and merges the rest", async () => {
    const { families, errors } = await merge([
      [histogram("h", [0.1, 1], [1, 2], 1), counter("c_total", [[{}, 1]])],
      [histogram("h", [0.1, 2], [1, 2], 1), counter("c_total", [[{}, 2]])],
    ]);
    expect(families.map((f) => f.name)).toEqual(["c_total"]);
    expect(errors).toHaveLength(1);
    const err = errors[0] as BucketMismatchError;
    expect(err).toBeInstanceOf(BucketMismatchError);
    expect(err).toBeInstanceOf(ConsistencyError);
    expect(err.metricName).toBe("h");
    expect(err.workerId).toBe(2);
    expect(err.expectedBounds).toEqual([0.1, 1]);
    expect(err.gotBounds).toEqual([0.1, 2]);
    expect(err.message).toBe("worker 2: histogram h{} has bucket bounds [0.1 2] but should have [0.1 1]: histograms are merged bucket by bucket");
  });

  it("reports a different number of buckets too", async () => {
    const { errors } = await merge([[histogram("h", [1], [1], 1)], [histogram("h", [1, 2], [1, 1], 1)]]);
    expect(errors[0]).toBeInstanceOf(BucketMismatchError);
  });

  it("sums histograms made by real registries in two workers", async () => {
    const worker = (observations: number[]) => {
      const reg = newRegistry();
      const h = newHistogramVec({ name: "rt_seconds", help: "r", buckets: [0.5, 1] }, ["code"]);
      reg.mustRegister(h);
      for (const o of observations) h.withLabelValues("200").observe(o);
      return reg.gather();
    };
    const { text } = await merge([await worker([0.1, 0.7]), await worker([0.2, 3])]);
    expect(text).toBe(`# HELP rt_seconds r
# TYPE rt_seconds histogram
rt_seconds_bucket{code="200",le="0.5"} 2
rt_seconds_bucket{code="200",le="1"} 3
rt_seconds_bucket{code="200",le="+Inf"} 4
rt_seconds_sum{code="200"} 4
rt_seconds_count{code="200"} 4
`);
  });

  it("sums a summary's count and sum and drops its quantiles, or keeps it whole per worker", async () => {
    const summary = (count: number, sum: number, q50: number): MetricFamily => ({
      name: "s",
      help: "h",
      type: "summary",
      metric: [{ label: [], summary: { sampleCount: count, sampleSum: sum, quantile: [{ quantile: 0.5, value: q50 }] } }],
    });
    const summed = await merge([[summary(2, 3, 1)], [summary(4, 5, 9)]]);
    expect(summed.text).toBe(`# HELP s h
# TYPE s summary
s_sum 8
s_count 6
`);
    const kept = await merge([[summary(2, 3, 1)], [summary(4, 5, 9)]], { byName: { s: "worker" } });
    expect(kept.text).toBe(`# HELP s h
# TYPE s summary
s{worker="1",quantile="0.5"} 1
s_sum{worker="1"} 3
s_count{worker="1"} 2
s{worker="2",quantile="0.5"} 9
s_sum{worker="2"} 5
s_count{worker="2"} 4
`);
  });

  it("reports workers that disagree on help or type as a FamilyConflictError", async () => {
    const { families, errors } = await merge([
      [counter("a_total", [[{}, 1]], "one"), counter("b", [[{}, 1]])],
      [counter("a_total", [[{}, 1]], "two"), gauge("b", [[{}, 1]])],
    ]);
    expect(families).toEqual([]);
    expect(errors.map((e) => [e.constructor, e.message])).toEqual([
      [FamilyConflictError, 'worker 2: gathered metric family a_total has help "two" but should have "one"'],
      [FamilyConflictError, "worker 2: gathered metric family b has type GAUGE but should have COUNTER"],
    ]);
  });

  it("reports a gauge rule on a counter, a worker label already there, and native buckets under sum", async () => {
    const native: MetricFamily = {
      name: "n",
      help: "h",
      type: "histogram",
      metric: [{ label: [], histogram: { sampleCount: 1, sampleSum: 1, bucket: [], schema: 0, zeroThreshold: 1e-128, zeroCount: 0, positiveSpan: [{ offset: 0, length: 1 }], positiveDelta: [1] } }],
    };
    const { errors, families } = await merge([[counter("c_total", [[{}, 1]]), gauge("g", [[{ worker: "x" }, 1]]), native]], { byName: { c_total: "max" } });
    expect(families).toEqual([]);
    expect(errors.every((e) => e instanceof MergeRuleError)).toBe(true);
    expect(errors.map((e) => e.message)).toEqual([
      'merge rule "max" does not apply to metric family c_total of type counter',
      'worker 1: metric family g already has a label named "worker", so its series cannot be kept per worker',
      'worker 1: metric family n has native histogram buckets, which are not summed: use the "worker" rule',
    ]);
    const kept = await merge([[native]], { byName: { n: "worker" } });
    expect(kept.errors).toEqual([]);
    expect(kept.families[0]!.metric[0]!.histogram).toMatchObject({ schema: 0, positiveSpan: [{ offset: 0, length: 1 }], positiveDelta: [1] });
  });

  it("matches label sets exactly even when values hold the key separator", async () => {
    const { text } = await merge([
      [counter("c_total", [[{ a: "x\u0000b\u0000y" }, 1]])],
      [{ name: "c_total", help: "h", type: "counter", metric: [{ label: lbl({ a: "x", b: "y" }), counter: { value: 2 } }] }],
    ]);
    expect(text).toContain(`c_total{a="x\u0000b\u0000y"} 1\n`);
    expect(text).toContain(`c_total{a="x",b="y"} 2\n`);
  });

  it("keeps the newest exemplar, the earliest created timestamp and the latest timestamp", async () => {
    const c = (value: number, exTs: number, created: number, ts: number): MetricFamily => ({
      name: "c_total",
      help: "h",
      type: "counter",
      metric: [{ label: [], timestampMs: ts, counter: { value, createdTimestampMs: created, exemplar: { label: lbl({ trace: String(exTs) }), value: Number.NaN, timestampMs: exTs } } }],
    });
    const { families } = await merge([[c(1, 5, 100, 7)], [c(2, 9, 50, 3)], [c(3, 1, 70, 4)]], undefined, "worker", true);
    const m: Metric = families[0]!.metric[0]!;
    expect(m.counter!.value).toBe(6);
    expect(m.counter!.createdTimestampMs).toBe(50);
    expect(m.counter!.exemplar!.label).toEqual(lbl({ trace: "9" }));
    expect(m.counter!.exemplar!.value).toBeNaN();
    expect(m.timestampMs).toBe(7);
    // Without { exemplars: true } (the default), exemplars stay in the workers.
    const without = await merge([[c(1, 5, 100, 7)], [c(2, 9, 50, 3)]]);
    expect(without.families[0]!.metric[0]!.counter).toEqual({ value: 3, createdTimestampMs: 50 });
  });

  it("reads counter and histogram vecs from their rows families as a registry writes them, and sums them", async () => {
    const worker = (scale: number) => {
      const reg = newRegistry();
      const c = newCounterVec({ name: "c_total", help: "h", constLabels: { k: "v" } }, ["code", "path"]);
      const h = newHistogramVec({ name: "h_seconds", help: "h", buckets: [0.1, 1] }, ["path"]);
      reg.mustRegister(c, h);
      for (const p of ["/", "/é", 'q"'] as const) {
        c.withLabelValues("200", p).add(scale);
        h.withLabelValues(p).observe(0.05 * scale);
        h.withLabelValues(p).observe(5);
      }
      return reg;
    };
    const one = worker(1);
    const alone = await mergeRows([one]);
    expect(alone.text).toBe(metricFamiliesToText(await one.gather()));
    // The rows path and the plain path put the same thing on the wire.
    expect((await rowsAnswer(1, one)).families).toEqual(JSON.parse(JSON.stringify(toWire(await one.gather()))));
    const both = await mergeRows([one, worker(3)]);
    expect(both.text).toContain('c_total{code="200",k="v",path="/é"} 4\n');
    expect(both.text).toContain('h_seconds_bucket{path="q\\"",le="0.1"} 1\nh_seconds_bucket{path="q\\"",le="1"} 2\nh_seconds_bucket{path="q\\"",le="+Inf"} 4\n');
    expect(both.families[0]!.metric[0]!.counter!.createdTimestampMs).toBeGreaterThan(0);
  });

  it("carries the exemplars of counter and histogram vecs from their rows when asked to", async () => {
    const worker = (trace: string) => {
      const reg = newRegistry();
      const c = newCounterVec({ name: "c_total", help: "h" }, ["path"]);
      const h = newHistogramVec({ name: "h_seconds", help: "h", buckets: [1, 10] }, ["path"]);
      reg.mustRegister(c, h);
      c.withLabelValues("/a").addWithExemplar(2, { trace });
      c.withLabelValues("/b").inc();
      h.withLabelValues("/a").observeWithExemplar(5, { trace });
      h.withLabelValues("/a").observeWithExemplar(50, { trace });
      return reg;
    };
    const one = worker("t1");
    expect((await rowsAnswer(1, one, true)).families).toEqual(JSON.parse(JSON.stringify(toWire(await one.gather(), { exemplars: true }))));
    const { families, errors } = await mergeRows([one, worker("t2")], undefined, true);
    expect(errors).toEqual([]);
    const [c, h] = families;
    expect(c!.metric[0]!.counter!.value).toBe(4);
    expect(c!.metric[0]!.counter!.exemplar!.label).toEqual([{ name: "trace", value: expect.stringMatching(/^t[12]$/) }]);
    expect(c!.metric[1]!.counter!.exemplar).toBeUndefined();
    const buckets = h!.metric[0]!.histogram!.bucket;
    expect(buckets.map((b) => [b.upperBound, b.cumulativeCount, b.exemplar?.value])).toEqual([
      [1, 0, undefined],
      [10, 2, 5],
      [Infinity, 4, 50],
    ]);
    // Without exemplars, none travel.
    const plain = await mergeRows([one, worker("t2")]);
    expect(plain.families[0]!.metric[0]!.counter!.exemplar).toBeUndefined();
    expect(plain.families[1]!.metric[0]!.histogram!.bucket).toHaveLength(2);
  });

  it("carries a +Inf bucket's exemplar without counting the bucket as a bound", async () => {
    const withInf: MetricFamily = {
      name: "h",
      help: "h",
      type: "histogram",
      metric: [{ label: [], histogram: { sampleCount: 3, sampleSum: 9, bucket: [{ upperBound: 1, cumulativeCount: 1 }, { upperBound: Infinity, cumulativeCount: 3, exemplar: { label: lbl({ t: "x" }), value: 7, timestampMs: 5 } }] } }],
    };
    const plain = histogram("h", [1], [2], 1);
    const { families, errors } = await merge([[withInf], [plain]], undefined, "worker", true);
    expect(errors).toEqual([]);
    expect(families[0]!.metric[0]!.histogram!.bucket).toEqual([
      { upperBound: 1, cumulativeCount: 3 },
      { upperBound: Infinity, cumulativeCount: 5, exemplar: { label: lbl({ t: "x" }), value: 7, timestampMs: 5 } },
    ]);
  });

  it("reads gauge vecs straight from their rows, escapes and non-ASCII values included", async () => {
    const values = ["plain", "é", "日本", "🙂", 'q"uote', "back\\slash", "new\nline", ""];
    for (const extra of [[], ["ascii"]]) {
      const reg = newRegistry();
      const g = newGaugeVec({ name: "g", help: "h", constLabels: { m: "const" } }, ["a", "z"]);
      const u = newUntypedVec({ name: "u", help: "h" }, ["a"]);
      reg.mustRegister(g, u);
      for (const [i, v] of [...values, ...extra].entries()) {
        if (extra.length > 0 && /[^\x00-\x7f]/.test(v)) continue; // the second round: an all-ASCII arena
        g.withLabelValues(v, String(i)).set(i - 0.5);
        u.withLabelValues(v).set(-i);
      }
      const { text } = await mergeRows([reg], { byType: { gauge: "sum", untyped: "sum" } });
      expect(text).toBe(metricFamiliesToText(await reg.gather()));
      expect(text).toContain('g{a="q\\"uote",m="const",z="4"} 3.5\n');
    }
  });

  it("cuts big families into chunks and joins them again, whatever the workers' order of series", async () => {
    const worker = (n: number, reverse: boolean) => {
      const reg = newRegistry();
      const c = newCounterVec({ name: "c_total", help: "h" }, ["i"]);
      const h = newHistogramVec({ name: "h", help: "h", buckets: Array.from({ length: 40 }, (_, k) => k + 1) }, ["i"]);
      reg.mustRegister(c, h);
      const ids = Array.from({ length: n }, (_, i) => String(i).padStart(5, "0"));
      for (const id of reverse ? ids.reverse() : ids) {
        c.withLabelValues(id).inc();
        if (Number(id) < 500) h.withLabelValues(id).observe(Number(id) % 50);
      }
      return reg;
    };
    const a = worker(2500, false);
    const wire = toWire(await a.gather());
    expect(wire.filter((w) => w.name === "c_total").map((w) => [w.part, w.series])).toEqual([[0, 1024], [1, 1024], [2, 452]]);
    expect(wire.filter((w) => w.name === "h").length).toBeGreaterThan(2); // 500 × 83 numbers: cut by numbers
    const alone = await merge([await a.gather()]);
    expect(alone.text).toBe(metricFamiliesToText(await a.gather()));
    const both = await merge([await a.gather(), await worker(3000, true).gather()]);
    expect(both.errors).toEqual([]);
    const counts = both.families[0]!.metric.map((m) => m.counter!.value);
    expect(counts.filter((v) => v === 2)).toHaveLength(2500);
    expect(counts.filter((v) => v === 1)).toHaveLength(500);
    expect(both.families[1]!.metric.every((m) => m.histogram!.sampleCount === 2)).toBe(true);
  });

  it("keeps rows layouts and label columns from one scrape to the next only while the texts are the same", async () => {
    // One LabelTexts and RowLayouts across merges, as a ClusterGatherer keeps them.
    const options = { rules: new RuleBook({ byName: { g: "sum" } }), workerLabel: "worker", rows: true, labelTexts: new LabelTexts(), rowLayouts: new RowLayouts() };
    const scrape = async (workers: MetricFamily[][]) => {
      const { families, errors } = await mergeAnswers(workers.map((f, i) => viaJSON(i + 1, f)), options);
      expect(families.every(isRowsFamily)).toBe(true);
      return { text: metricFamiliesToText(families), errors: errors.map((e) => e.message) };
    };
    const two = (x: number) => [[{ k: "a" }, x], [{ k: "b" }, 2 * x]] as [Record<string, string>, number][];
    expect(await scrape([[gauge("g", two(1))], [gauge("g", two(10))]])).toEqual({ text: '# HELP g h\n# TYPE g gauge\ng{k="a"} 11\ng{k="b"} 22\n', errors: [] });
    expect(await scrape([[gauge("g", two(2))], [gauge("g", two(20))]])).toEqual({ text: '# HELP g h\n# TYPE g gauge\ng{k="a"} 22\ng{k="b"} 44\n', errors: [] });
    // A series more in one worker, then in another order: merged by label set, sorted again.
    const three: [Record<string, string>, number][] = [[{ k: "c" }, 5], ...two(1)];
    expect(await scrape([[gauge("g", two(1))], [gauge("g", three)]])).toEqual({ text: '# HELP g h\n# TYPE g gauge\ng{k="a"} 2\ng{k="b"} 4\ng{k="c"} 5\n', errors: [] });
    expect(await scrape([[gauge("g", three)], [gauge("g", three)]])).toEqual({ text: '# HELP g h\n# TYPE g gauge\ng{k="a"} 2\ng{k="b"} 4\ng{k="c"} 10\n', errors: [] });
    // A label column that differs from the last one by a malformed text is checked again.
    const bad = (answer: WorkerAnswer) => ({ ...answer, families: (answer.families as WireFamily[]).map((w) => ({ ...w, labels: w.labels!.replace('{k="c"}', '{k="c}') })) });
    const { families, errors } = await mergeAnswers([viaJSON(1, [gauge("g", three)]), bad(viaJSON(2, [gauge("g", three)]))], options);
    expect(families).toEqual([]);
    expect(errors.map((e) => [e.constructor, e.message])).toEqual([[WireFormatError, 'worker 2: metric family g: malformed label text "{k=\\"c}"']]);
  });

  it("leaves out a family that has no series in any worker", async () => {
    const { families, errors } = await merge([[counter("empty_total", [])], [counter("empty_total", []), counter("c_total", [[{}, 1]])]]);
    expect(errors).toEqual([]);
    expect(families.map((f) => f.name)).toEqual(["c_total"]);
  });

  it("sorts series as a registry does, whatever order the workers sent them in", async () => {
    const reg = newRegistry();
    const c = newCounterVec({ name: "c_total", help: "h" }, ["k"]);
    reg.mustRegister(c);
    for (const k of ["b", "d", "a", "c"]) c.withLabelValues(k).inc();
    const { families } = await merge([[counter("c_total", [[{ k: "d" }, 1], [{ k: "b" }, 1]])], [counter("c_total", [[{ k: "c" }, 1], [{ k: "a" }, 1]])]]);
    expect(metricFamiliesToText(families)).toBe(metricFamiliesToText(await reg.gather()));
  });

  it("sorts thousands of series kept per worker (a sort in slices) as a registry does", async () => {
    const ids = Array.from({ length: 3000 }, (_, i) => String((i * 7919) % 3000));
    const worker = () => {
      const reg = newRegistry();
      const g = newGaugeVec({ name: "g", help: "h" }, ["i"]);
      reg.mustRegister(g);
      for (const id of ids) g.withLabelValues(id).set(Number(id));
      return reg;
    };
    const { text, families } = await mergeRows([worker(), worker(), worker()]);
    expect(families[0]!.metric).toHaveLength(9000);
    // Summed instead, the same series come as one rows family, sorted too.
    const summed = await mergeRows([worker(), worker()], { byType: { gauge: "sum" } });
    expect(summed.rowsFamilies.map(isRowsFamily)).toEqual([true]);
    expect(summed.families[0]!.metric.map((m) => m.label[0]!.value)).toEqual([...ids].sort());
    const expected = newRegistry();
    const g = newGaugeVec({ name: "g", help: "h" }, ["i", "worker"]);
    expected.mustRegister(g);
    for (const w of ["3", "1", "2"]) for (const id of ids) g.withLabelValues(id, w).set(Number(id));
    expect(text).toBe(metricFamiliesToText(await expected.gather()));
  });

  it("reports what is not wire data as a WireFormatError, and merges the rest", async () => {
    const good = toWire([counter("c_total", [[{}, 1]])])[0]!;
    const answers: WorkerAnswer[] = [
      { workerId: 1, families: [good, { name: 3 }, { ...good, name: "t", type: "weird" }, { ...good, name: "x", extras: [5] }, { ...good, name: "z", labels: ["{}"] }, { ...good, name: "y", extras: [[0, { exemplar: { label: null, value: 1 } }]] }] },
      {
        workerId: 2,
        families: [
          { ...good, name: "b_total", series: 2 },
          { ...good, name: "d_total", numbers: "AAA=" },
          { ...good, name: "j_total", labels: '{a="1"}\n{a="2"}' }, // two label lines, one series
          good,
          { ...good, name: "e_total", labels: '{a="x"' },
          { ...good, name: "f_total", labels: '{b="1",a="2"}' },
          { ...good, name: "g_total", labels: '{a="x\\q"}' },
          { ...good, name: "h_total", labels: "{}" },
          { ...good, name: "i_total", labels: '{a="x\\\\q\\"\\n"}' },
          good,
        ],
      },
    ];
    const { families, errors } = await mergeAnswers(answers, { rules: new RuleBook(), workerLabel: "worker" });
    expect(errors.map((e) => [e.constructor, e.message])).toEqual([
      [WireFormatError, "worker 1 sent a family that is not in wire form"],
      [WireFormatError, "worker 1 sent a family that is not in wire form"],
      [WireFormatError, "worker 1 sent a family that is not in wire form"],
      [WireFormatError, "worker 1 sent a family that is not in wire form"],
      [WireFormatError, "worker 1 sent a family that is not in wire form"],
      [WireFormatError, "worker 2 sent metric family c_total twice"],
      [WireFormatError, "worker 2: metric family b_total: the label and number columns do not match the series count"],
      [WireFormatError, "metric family d_total: numbers column of 2 bytes is not a whole number of float64s"],
      [WireFormatError, "worker 2: metric family j_total: the label and number columns do not match the series count"],
      [WireFormatError, 'worker 2: metric family e_total: malformed label text "{a=\\"x\\""'],
      [WireFormatError, 'worker 2: metric family f_total: malformed label text "{b=\\"1\\",a=\\"2\\"}"'],
      [WireFormatError, 'worker 2: metric family g_total: malformed label text "{a=\\"x\\\\q\\"}"'],
      [WireFormatError, 'worker 2: metric family h_total: malformed label text "{}"'],
    ]);
    expect(metricFamiliesToText(families)).toBe('# HELP c_total h\n# TYPE c_total counter\nc_total 1\n# HELP i_total h\n# TYPE i_total counter\ni_total{a="x\\\\q\\"\\n"} 1\n');
    expect(families.at(-1)!.metric[0]!.label).toEqual([{ name: "a", value: 'x\\q"\n' }]);
  });
});

describe("RuleBook", () => {
  it("rejects unknown rules and types, and value rules for types they do not fit", () => {
    expect(() => new RuleBook({ byName: { x: "median" as never } })).toThrow(InvalidOptionsError);
    expect(() => new RuleBook({ byName: { x: "median" as never } })).toThrow(
      'rules.byName["x"]: unknown merge rule "median", use one of "sum", "min", "max", "average", "first", "worker", "omit"',
    );
    expect(() => new RuleBook({ byType: { counter: "max" } })).toThrow('rules.byType.counter: rule "max" does not apply to a counter');
    expect(() => new RuleBook({ byType: { bogus: "sum" } as never })).toThrow('rules.byType: unknown metric type "bogus"');
  });

  it("gives each type its documented default, and a named rule first", () => {
    const book = new RuleBook({ byName: { g: "sum" }, byType: { untyped: "max" } });
    expect(["counter", "histogram", "summary", "gauge", "untyped", "gaugehistogram"].map((t) => book.ruleFor("x", t as never))).toEqual([
      "sum",
      "sum",
      "sum",
      "worker",
      "max",
      "worker",
    ]);
    expect(book.ruleFor("g", "gauge")).toBe("sum");
  });
});

