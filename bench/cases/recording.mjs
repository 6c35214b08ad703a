// Case: the instrumentation hot path, ours against prom-client, in ns per operation.
//   lookup + set   find an existing series by its label values and set it
//                  (ours `withLabelValues(a, b).set(v)`, prom-client `labels(a, b).set(v)`),
//                  and the same by a labels object (ours `with({...})`, prom-client `set({...}, v)`);
//   held child     record on a series handle kept by the application (ours: the child;
//                  prom-client: what `labels(a, b)` returns), for inc, set and observe;
//   no labels      record on a metric without labels, for inc, set and observe;
//   limit: ...     withLabelValues on existing and new series, with and without maxSeries.
// Each operation runs over 1,000 existing series with two labels.
// Run by bench/run.mjs as `node --expose-gc bench/cases/recording.mjs [--quick]`.

import { gaugeData } from "../lib/data.mjs";
import { caseArgs, emit, log, runCounts, stats, timeRuns } from "../lib/measure.mjs";
import * as ours from "../lib/ours.mjs";
import client from "../lib/prom.mjs";

const { quick } = caseArgs();
const ops = 200_000;
const { labelNames, labelValues: lvs } = gaugeData(1000);
const [first, second] = labelNames;
const obs = [0.003, 0.02, 0.2, 0.7, 3]; // observations spread over the buckets

// Ours: one registry-less vec per type (registration does not change the recording path).
const oGauge = ours.newGaugeVec({ name: "g", help: "g" }, labelNames);
const oCounter = ours.newCounterVec({ name: "c", help: "c" }, labelNames);
const oHisto = ours.newHistogramVec({ name: "h", help: "h" }, labelNames);
const oG = ours.newGauge({ name: "g1", help: "g" });
const oC = ours.newCounter({ name: "c1", help: "c" });
const oH = ours.newHistogram({ name: "h1", help: "h" });

const registers = [new client.Registry()];
const pGauge = new client.Gauge({ name: "g", help: "g", labelNames, registers });
const pCounter = new client.Counter({ name: "c", help: "c", labelNames, registers });
const pHisto = new client.Histogram({ name: "h", help: "h", labelNames, registers });
const pG = new client.Gauge({ name: "g1", help: "g", registers });
const pC = new client.Counter({ name: "c1", help: "c", registers });
const pH = new client.Histogram({ name: "h1", help: "h", registers });

// Create the series up front, and the handles an application would keep.
const held = { oG: [], oC: [], oH: [], pG: [], pC: [], pH: [] };
for (const lv of lvs) {
  held.oG.push(oGauge.withLabelValues(lv[0], lv[1]));
  held.oC.push(oCounter.withLabelValues(lv[0], lv[1]));
  held.oH.push(oHisto.withLabelValues(lv[0], lv[1]));
  held.pG.push(pGauge.labels(lv[0], lv[1]));
  held.pC.push(pCounter.labels(lv[0], lv[1]));
  held.pH.push(pHisto.labels(lv[0], lv[1]));
  pGauge.labels(lv[0], lv[1]).set(0);
  pCounter.labels(lv[0], lv[1]).inc(0);
}

/** Each row: what is measured, whether a target applies, and the two loops. */
const rows = [
  {
    op: "lookup existing series + set (positional)",
    target: true,
    ours: () => { for (let i = 0; i < ops; i++) { const lv = lvs[i % 1000]; oGauge.withLabelValues(lv[0], lv[1]).set(i); } },
    prom: () => { for (let i = 0; i < ops; i++) { const lv = lvs[i % 1000]; pGauge.labels(lv[0], lv[1]).set(i); } },
  },
  {
    op: "lookup existing series + set (labels object)",
    target: false,
    ours: () => { for (let i = 0; i < ops; i++) { const lv = lvs[i % 1000]; oGauge.with({ [first]: lv[0], [second]: lv[1] }).set(i); } },
    prom: () => { for (let i = 0; i < ops; i++) { const lv = lvs[i % 1000]; pGauge.set({ [first]: lv[0], [second]: lv[1] }, i); } },
  },
  {
    op: "held child: counter inc",
    target: true,
    ours: () => { const h = held.oC; for (let i = 0; i < ops; i++) h[i % 1000].inc(); },
    prom: () => { const h = held.pC; for (let i = 0; i < ops; i++) h[i % 1000].inc(); },
  },
  {
    op: "held child: gauge set",
    target: true,
    ours: () => { const h = held.oG; for (let i = 0; i < ops; i++) h[i % 1000].set(i); },
    prom: () => { const h = held.pG; for (let i = 0; i < ops; i++) h[i % 1000].set(i); },
  },
  {
    op: "held child: histogram observe",
    target: true,
    ours: () => { const h = held.oH; for (let i = 0; i < ops; i++) h[i % 1000].observe(obs[i % 5]); },
    prom: () => { const h = held.pH; for (let i = 0; i < ops; i++) h[i % 1000].observe(obs[i % 5]); },
  },
  {
    op: "no labels: counter inc",
    target: true,
    ours: () => { for (let i = 0; i < ops; i++) oC.inc(); },
    prom: () => { for (let i = 0; i < ops; i++) pC.inc(); },
  },
  {
    op: "no labels: gauge set",
    target: true,
    ours: () => { for (let i = 0; i < ops; i++) oG.set(i); },
    prom: () => { for (let i = 0; i < ops; i++) pG.set(i); },
  },
  {
    op: "no labels: histogram observe",
    target: true,
    ours: () => { for (let i = 0; i < ops; i++) oH.observe(obs[i % 5]); },
    prom: () => { for (let i = 0; i < ops; i++) pH.observe(obs[i % 5]); },
  },
];

// Series limits (maxSeries, ours only): withLabelValues on an existing and on a new series, with and
// without a limit. New series need new label sets each run, so those loops make a fresh vec (and
// prom-client metric); prom-client has no limit, so its column is the same work without one.
const fresh = Array.from({ length: ops }, (_, i) => [`user${i}`, `/path/${i % 50}`]);
const oLimited = ours.newCounterVec({ name: "cl", help: "c", maxSeries: 10_000 }, labelNames);
for (const lv of lvs) oLimited.withLabelValues(lv[0], lv[1]).inc(0);
const newCounter = (maxSeries) => ours.newCounterVec({ name: "cn", help: "c", ...(maxSeries === undefined ? {} : { maxSeries }) }, labelNames);
const newPromCounter = () => new client.Counter({ name: "cn", help: "c", labelNames, registers: [] });
const fillNew = (vec) => { for (let i = 0; i < ops; i++) { const lv = fresh[i]; vec.withLabelValues(lv[0], lv[1]).inc(); } };
const fillNewProm = (c) => { for (let i = 0; i < ops; i++) { const lv = fresh[i]; c.labels(lv[0], lv[1]).inc(); } };
const promExisting = () => { for (let i = 0; i < ops; i++) { const lv = lvs[i % 1000]; pCounter.labels(lv[0], lv[1]).inc(); } };
rows.push(
  {
    op: "limit: existing series, counter inc, no limit",
    target: false,
    ours: () => { for (let i = 0; i < ops; i++) { const lv = lvs[i % 1000]; oCounter.withLabelValues(lv[0], lv[1]).inc(); } },
    prom: promExisting,
  },
  {
    op: "limit: existing series, counter inc, maxSeries 10,000",
    target: false,
    ours: () => { for (let i = 0; i < ops; i++) { const lv = lvs[i % 1000]; oLimited.withLabelValues(lv[0], lv[1]).inc(); } },
    prom: promExisting,
  },
  { op: "limit: new series, counter inc, no limit", target: false, ours: () => fillNew(newCounter()), prom: () => fillNewProm(newPromCounter()) },
  {
    op: "limit: new series, counter inc, maxSeries with room",
    target: false,
    ours: () => fillNew(newCounter(ops + 1)),
    prom: () => fillNewProm(newPromCounter()),
  },
  {
    op: "limit: new label set on a full vec (to overflow), maxSeries 1,000",
    target: false,
    ours: () => { const vec = newCounter(1000); for (let i = 0; i < 999; i++) vec.withLabelValues(lvs[i][0], lvs[i][1]).inc(); fillNew(vec); },
    prom: () => fillNewProm(newPromCounter()),
  },
);

const counts = runCounts(quick);
const nsPerOp = (s) => ({ median: (s.median * 1e6) / ops, min: (s.min * 1e6) / ops, max: (s.max * 1e6) / ops, n: s.n });
const results = [];
for (const row of rows) {
  log(`time recording: ${row.op}`);
  const o = stats(await timeRuns(row.ours, counts));
  const p = stats(await timeRuns(row.prom, counts));
  results.push({ op: row.op, target: row.target, ours: nsPerOp(o), prom: nsPerOp(p) });
}
emit({ case: "Recording", n: ops, counts, rows: results });
