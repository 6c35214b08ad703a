// The wire-form measurement behind docs/cluster.md: how long 10,000 series take to cross from a
// worker to the primary in each candidate form. Not a case of bench/run.mjs; run it by hand after
// `npm run build`:
//
//   node bench/cases/cluster-wire.mjs [--size=10000]
//
// For each form: what the worker does (from a gather's families to the message node:cluster
// writes: `JSON.stringify` for the default "json" serialization, `v8.serialize` for "advanced"),
// what the primary does on receipt (`JSON.parse` / `v8.deserialize`, and for protobuf the decode
// it would need), and the message size. Medians of 21 runs, in ms.
//
// - plain families: client_model objects as a gather returns them (one object per series and
//   per label pair). JSON turns NaN and ±Inf into null, so it would need a float encoding too.
// - protobuf delimited: lib/expfmt's encoder; no decoder is timed (the project has none yet), so
//   its primary column is a lower bound: the v8.deserialize of the bytes alone.
// - ours (lib/cluster wire.ts): per family, one string of every series' label text (one a line)
//   and one Float64Array of all numbers as base64, read straight from the rows families of the
//   registry's transactional gather (as serveWorker does), given back with done() once the wire
//   form is made; cut into chunks of at most 1,024 series.
// - ours, columns held: the same, numbered as serveWorker numbers its label columns, for a request
//   that says the primary holds them (lib/cluster/columns.ts): the columns are left out, as at
//   every scrape after the first while the series stay the same. The primary column includes
//   putting the held columns back (HeldColumns.take).

import v8 from "node:v8";
import { toWire } from "demo-exporter/cluster";
import { HeldColumns, SentColumns } from "../../dist/lib/cluster/columns.js";
import { encodeDelimited } from "demo-exporter/expfmt";
import { newCounterVec, newGaugeVec, newRegistry, toTransactionalGatherer } from "demo-exporter/prometheus";

const size = Number(process.argv.find((a) => a.startsWith("--size="))?.slice(7) ?? 10_000);
const reg = newRegistry();
const c = newCounterVec({ name: "bench_requests_total", help: "Requests." }, ["a", "b"]);
const g = newGaugeVec({ name: "bench_in_flight", help: "In flight." }, ["a", "b"]);
reg.mustRegister(c, g);
for (let i = 0; i < size; i++) (i < size * 0.6 ? c : g).withLabelValues(`route_${i % 100}`, `id_${i}`).add((i % 1000) + 1);

async function median(fn) {
  await fn();
  const ms = [];
  for (let i = 0; i < 21; i++) {
    const t0 = performance.now();
    await fn();
    ms.push(performance.now() - t0);
  }
  return ms.sort((a, b) => a - b)[10];
}

/** plain copies the gathered families into ordinary objects (what structured clone would send). */
const plain = (families) => families.map((f) => ({ ...f, metric: f.metric.map((m) => ({ ...m, label: m.label.map((l) => ({ ...l })) })) }));

const rows = [];
async function row(form, serialization, worker, primary) {
  const message = await worker();
  rows.push({ form, serialization, workerMs: await median(worker), primaryMs: await median(() => primary(message)), bytes: message.length });
}
await row("plain families", "json", async () => JSON.stringify(plain(await reg.gather())), (m) => JSON.parse(m));
await row("plain families", "advanced", async () => v8.serialize(plain(await reg.gather())), (m) => v8.deserialize(m));
await row("protobuf delimited", "advanced", async () => v8.serialize(encodeDelimited(await reg.gather())), (m) => v8.deserialize(m));
/** wire makes the wire form as serveWorker does: from a transactional gather, before done(). */
async function wire() {
  const { families, done } = await toTransactionalGatherer(reg).gather();
  try {
    return toWire(families);
  } finally {
    done();
  }
}
await row("ours (wire.ts)", "json", async () => JSON.stringify(await wire()), (m) => JSON.parse(m));
await row("ours (wire.ts)", "advanced", async () => v8.serialize(await wire()), (m) => v8.deserialize(m));
/** held makes the wire form of a scrape after the first: the primary holds the label columns. */
const sent = new SentColumns();
const primary = new HeldColumns();
const first = await wire();
sent.number(first, primary.known(1));
primary.take(1, first);
async function held() {
  const wires = await wire();
  sent.number(wires, primary.known(1));
  return wires;
}
await row("ours, columns held", "json", async () => JSON.stringify(await held()), (m) => primary.take(1, JSON.parse(m)));
await row("ours, columns held", "advanced", async () => v8.serialize(await held()), (m) => primary.take(1, v8.deserialize(m)));

console.log(`${size} series (60% counters, 40% gauges, 2 labels), node ${process.version}; medians of 21 runs`);
console.log("| form | serialization | worker ms | primary ms (receive) | bytes |");
console.log("| --- | --- | --- | --- | --- |");
for (const r of rows) console.log(`| ${r.form} | ${r.serialization} | ${r.workerMs.toFixed(1)} | ${r.primaryMs.toFixed(1)} | ${r.bytes.toLocaleString("en-US")} |`);
