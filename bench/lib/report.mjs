// Turning the cases' results into the markdown report that `npm run bench` prints and writes to
// docs/performance.md: the run's context, the targets of issues 6 and 14 with pass/fail, one table per
// kind of case, and what each case measures.

import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { availableParallelism, cpus, release, totalmem } from "node:os";

/** machine describes where the run happened. */
export function machine() {
  const readJSON = (path) => JSON.parse(readFileSync(new URL(path, import.meta.url), "utf8"));
  let wrk = "not installed";
  try {
    execFileSync("wrk", ["--version"], { stdio: "pipe" });
  } catch (err) {
    // wrk prints its version with the usage text and exits with status 1.
    wrk = /wrk (\S+)/.exec(String(err.stdout ?? ""))?.[1] ?? wrk;
  }
  return {
    nproc: availableParallelism(),
    cpu: cpus()[0]?.model ?? "unknown",
    memoryGiB: totalmem() / 2 ** 30,
    os: `Linux ${release()}`,
    node: process.version,
    v8: process.versions.v8,
    ours: readJSON("../../package.json").version,
    promClient: readJSON("../../node_modules/prom-client/package.json").version,
    wrk,
  };
}

// ---- formatting ----

function ms(x) {
  if (x >= 100) return x.toFixed(0);
  if (x >= 10) return x.toFixed(1);
  if (x >= 1) return x.toFixed(2);
  return x.toFixed(3);
}
const msRange = (s) => `${ms(s.median)} (${ms(s.min)}–${ms(s.max)})`;
const num = (x) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));
const int = (x) => Math.round(x).toLocaleString("en-US");
const ratio = (x) => (x >= 10 ? `${x.toFixed(0)}×` : x >= 1 ? `${x.toFixed(1)}×` : `${x.toFixed(2)}×`);
const mib = (b) => `${(b / 2 ** 20).toFixed(1)} MiB`;
const passCell = (pass) => (pass === undefined ? "not measured" : pass ? "**pass**" : "**FAIL**");
const table = (head, rows) =>
  [`| ${head.join(" | ")} |`, `| ${head.map(() => "---").join(" | ")} |`, ...rows.map((r) => `| ${r.join(" | ")} |`)].join("\n");

// ---- looking results up ----

const encodeCases = [
  "GaugeVec, 2 labels",
  "CounterVec, 5 labels",
  "HistogramVec, default buckets",
  "Const metrics via the channel",
  "GaugeVec via gather() and metricFamiliesToText",
];

function lookup(results, name, n) {
  return results.find((r) => r.case === name && r.error === undefined && (n === undefined || r.n === n));
}

/** seriesCell names what a case's n counts: series, or label sets and the lines they make. */
function seriesCell(r) {
  return r.series === r.n ? int(r.n) : `${int(r.n)} sets (${int(r.series)} lines)`;
}

// ---- the targets of issues 6 and 14 ----

function targets(results) {
  const rows = [];
  const add = (target, measured, pass) => rows.push([target, measured, passCell(pass)]);
  for (const [name, label] of [["GaugeVec, 2 labels", "GaugeVec"], ["CounterVec, 5 labels", "CounterVec"]]) {
    const r = lookup(results, name, 100_000);
    const vsProm = r && r.impls["prom-client"].median / r.impls.ours.median;
    const vsFloor = r && r.impls.ours.median / r.impls.floor.median;
    add(`Encode ${label}, 100k series: ≥ 8× faster than prom-client`, r ? ratio(vsProm) : "—", r && vsProm >= 8);
    add(`Encode ${label}, 100k series: within 2× of the floor`, r ? `${ratio(vsFloor)} the floor` : "—", r && vsFloor <= 2);
  }
  {
    const r = lookup(results, "GaugeVec via gather() and metricFamiliesToText", 100_000);
    const vsProm = r && r.impls["prom-client"].median / r.impls.ours.median;
    add("gather() + metricFamiliesToText, GaugeVec, 100k series: ≥ 3× faster than prom-client", r ? ratio(vsProm) : "—", r && vsProm >= 3);
  }
  for (const n of [10_000, 100_000]) {
    const r = lookup(results, "Const metrics via the channel", n);
    const vsProm = r && r.impls["prom-client"].median / r.impls.ours.median;
    add(
      `Const metrics via the channel, ${int(n)} series: ≥ 4× faster than prom-client's Gauge with collect()`,
      r ? ratio(vsProm) : "—",
      r && vsProm >= 4,
    );
  }
  for (const n of [1000, 10_000]) {
    const r = lookup(results, "HistogramVec, default buckets", n);
    const vsProm = r && r.impls["prom-client"].median / r.impls.ours.median;
    add(`Encode HistogramVec, ${int(n)} label sets: ≥ 5× faster than prom-client`, r ? ratio(vsProm) : "—", r && vsProm >= 5);
  }
  for (const [name, n] of [["GaugeVec, 2 labels", 100_000], ["CounterVec, 5 labels", 100_000], ["HistogramVec, default buckets", 10_000]]) {
    const r = lookup(results, name, n);
    const heapRatio = r && r.impls.ours.heap.afterScrape / r.impls["prom-client"].heap.afterScrape;
    const created = r && r.impls.ours.heap.created / r.impls["prom-client"].heap.created;
    add(
      `Heap per series ≤ ½ prom-client's (${name.split(",")[0]}, ${int(n)}; after a scrape)`,
      r ? `${ratio(heapRatio)} prom-client's (${ratio(created)} right after creation)` : "—",
      r && heapRatio <= 0.5,
    );
  }
  const loop = results.find((r) => r.case === "Event loop" && r.error === undefined);
  add(
    `Event loop never blocked > 10 ms during a scrape of 1M series (cold scrape included)`,
    loop ? `worst ${ms(loop.impls.ours.worstBlockMs)} ms${loop.n === 1_000_000 ? "" : ` (at ${int(loop.n)} series)`}` : "—",
    loop && loop.n === 1_000_000 ? loop.impls.ours.worstBlockMs <= 10 : undefined,
  );
  const http = lookup(results, "HTTP");
  const httpRatio = http && http.impls.ours.requestsPerSec / http.impls["prom-client"].requestsPerSec;
  add("HTTP, 10k series: ≥ 8× prom-client's requests/s", http ? ratio(httpRatio) : "—", http && httpRatio >= 8);
  const rss = lookup(results, "RSS");
  let rssMeasured = "—";
  let rssPass;
  if (rss !== undefined) {
    const [a, b] = rss.readings;
    if (b === undefined || rss.outOfTime) {
      rssMeasured = `only ${int(rss.readings.at(-1).scrapes)} scrapes within ${rss.budgetSeconds} s`;
    } else {
      // The target is about leaks: growth counts, a smaller RSS later passes. It is judged after
      // gc(), which does not depend on when V8 last collected; the raw figures are shown too.
      const pct = (x) => `${x >= 0 ? "+" : ""}${(x * 100).toFixed(1)}%`;
      const growth = b.rssAfterGC / a.rssAfterGC - 1;
      rssMeasured =
        `${pct(growth)} after gc() (${mib(a.rssAfterGC)} → ${mib(b.rssAfterGC)}); ` +
        `${pct(b.rss / a.rss - 1)} as read (${mib(a.rss)} → ${mib(b.rss)}); heap after gc() ` +
        `${pct(b.heapUsedAfterGC / a.heapUsedAfterGC - 1)}; after ${int(a.scrapes)} → ${int(b.scrapes)} scrapes`;
      rssPass = rss.checkpoints[1] === 10_000 ? growth <= 0.1 : undefined;
    }
  }
  add("HTTP, 10k series: RSS after 10k scrapes at most 10% above after 1k (no leak)", rssMeasured, rssPass);
  const ch = lookup(results, "Channel");
  if (ch !== undefined) {
    const base = ch.variants["array push"].median;
    const worst = Math.max(ch.variants["channel, sync collect"].median, ch.variants["channel, async collect"].median);
    add("Channel: 1M sends drained by the registry < 2× an array push", `${ratio(worst / base)} (slower of sync/async)`, worst / base < 2);
  } else {
    add("Channel: 1M sends drained by the registry < 2× an array push", "—", undefined);
  }
  const rec = lookup(results, "Recording");
  for (const row of rec?.rows.filter((x) => x.target) ?? []) {
    const x = row.prom.median / row.ours.median;
    add(`${row.op}: at least as fast as prom-client`, `${num(row.ours.median)} vs ${num(row.prom.median)} ns (${ratio(x)})`, x >= 1);
  }
  const cl = lookup(results, "Cluster");
  const clRatio = cl && cl.impls["prom-client"].median / cl.impls.ours.median;
  add("Cluster (issue 17), 4 workers × 10k series: a scrape of the primary ≥ 3× faster than prom-client's AggregatorRegistry", cl ? ratio(clRatio) : "—", cl && clRatio >= 3);
  const clBlock = cl && Math.max(cl.impls.ours.worstBlockMs, cl.impls["ours (advanced)"].worstBlockMs);
  add(
    "Cluster: the primary's event loop never blocked > 20 ms during those scrapes",
    cl ? `worst ${ms(clBlock)} ms (CPU used in the longest timer gap: ${ms(cl.impls.ours.worstGapCpuMs)} ms)` : "—",
    cl && clBlock <= 20,
  );
  return { rows, passed: rows.filter((r) => r[2] === "**pass**").length, failed: rows.filter((r) => r[2] === "**FAIL**").length };
}

function clusterTable(r) {
  const prom = r.impls["prom-client"].median;
  return table(
    ["primary", "scrape ms (min–max)", "vs prom-client", "CPU ms per scrape: primary + workers", "worst block ms", "longest 1 ms timer gap ms", "CPU in that gap ms", "bytes"],
    Object.entries(r.impls).map(([name, x]) => [
      name,
      msRange(x),
      ratio(prom / x.median),
      `${ms(x.primaryCpuMs)} + ${ms(x.workersCpuMs)}`,
      ms(x.worstBlockMs),
      ms(x.worstGapMs),
      ms(x.worstGapCpuMs),
      int(x.bytes),
    ]),
  );
}

// ---- the tables ----

function encodeTables(results) {
  const rows = [];
  const heapRows = [];
  for (const name of encodeCases) {
    for (const r of results.filter((x) => x.case === name && x.error === undefined)) {
      const { ours, floor } = r.impls;
      const prom = r.impls["prom-client"];
      const perNs = (s) => num((s.median * 1e6) / r.n);
      rows.push([
        name,
        seriesCell(r),
        msRange(ours),
        msRange(prom),
        msRange(floor),
        perNs(ours),
        perNs(prom),
        perNs(floor),
        num(ours.bytes / r.n),
        ratio(prom.median / ours.median),
        ratio(ours.median / floor.median),
        r.match,
      ]);
      const perSeries = (b) => int(b / r.n);
      heapRows.push([
        name,
        seriesCell(r),
        `${perSeries(ours.heap.created)} / ${perSeries(ours.heap.afterScrape)}`,
        `${perSeries(prom.heap.created)} / ${perSeries(prom.heap.afterScrape)}`,
        `${perSeries(floor.heap.created)} / ${perSeries(floor.heap.afterScrape)}`,
        ratio(ours.heap.afterScrape / prom.heap.afterScrape),
      ]);
    }
  }
  return {
    scrape: table(
      [
        "case",
        "series",
        "ours ms (min–max)",
        "prom-client ms (min–max)",
        "floor ms (min–max)",
        "ours ns/series",
        "prom-client ns/series",
        "floor ns/series",
        "bytes/series",
        "ours vs prom-client (faster)",
        "ours vs floor (slower)",
        "output check",
      ],
      rows,
    ),
    heap: table(
      ["case", "series", "ours B/series (created / after a scrape)", "prom-client", "floor", "ours / prom-client (after a scrape)"],
      heapRows,
    ),
  };
}

function httpTable(r) {
  const prom = r.impls["prom-client"].requestsPerSec;
  const rows = Object.entries(r.impls).map(([name, x]) => [
    name,
    x.requestsPerSec.toFixed(1),
    int(x.requests),
    ms(x.latencyP50Ms),
    ms(x.latencyP99Ms),
    String(x.timeouts),
    mib(x.rss),
    ratio(x.requestsPerSec / prom),
  ]);
  return table(["server", "requests/s", "requests", "p50 ms", "p99 ms", "timeouts (> 10 s)", "RSS after", "vs prom-client"], rows);
}

function loopTable(r) {
  const rows = Object.entries(r.impls).map(([name, x]) => [
    name,
    ms(x.cold.scrapeMs),
    ms(x.cold.maxMs),
    x.warmScrapeMs.map(ms).join(", "),
    x.warm.map((w) => ms(w.maxMs)).join(", "),
    ms(x.cold.maxIntervalGapMs),
    x.warm.map((w) => ms(w.maxIntervalGapMs)).join(", "),
    `**${ms(x.worstBlockMs)}**`,
  ]);
  return table(
    [
      "server",
      "cold scrape ms",
      "cold: max delay ms",
      "warm scrapes ms",
      "warm: max delay ms",
      "cold: 1 ms timer's longest gap",
      "warm: 1 ms timer's longest gap",
      "worst block ms",
    ],
    rows,
  );
}

function rssTable(r) {
  return table(
    ["scrapes", "RSS", "heap used", "RSS after gc()", "heap used after gc()", "young generation after gc(): resident / reserved", "elapsed s"],
    r.readings.map((x) => [
      int(x.scrapes),
      mib(x.rss),
      mib(x.heapUsed),
      mib(x.rssAfterGC),
      mib(x.heapUsedAfterGC),
      x.youngAfterGC === undefined ? "—" : `${mib(x.youngAfterGC.resident)} / ${mib(x.youngAfterGC.reserved)}`,
      x.seconds.toFixed(0),
    ]),
  );
}

function channelTable(r) {
  const base = r.variants["array push"].median;
  return table(
    ["variant", "ms per 1M (min–max)", "ns per send", "vs array push"],
    Object.entries(r.variants).map(([name, s]) => [name, msRange(s), num((s.median * 1e6) / r.n), ratio(s.median / base)]),
  );
}

function recordingTable(r) {
  return table(
    ["operation", "ours ns/op (min–max)", "prom-client ns/op (min–max)", "ours vs prom-client (faster)", "target"],
    r.rows.map((x) => [
      x.op,
      `${num(x.ours.median)} (${num(x.ours.min)}–${num(x.ours.max)})`,
      `${num(x.prom.median)} (${num(x.prom.min)}–${num(x.prom.max)})`,
      ratio(x.prom.median / x.ours.median),
      x.target ? "≥ 1×" : "—",
    ]),
  );
}

// ---- the report ----

/** renderReport returns the whole of docs/performance.md. */
export function renderReport(results, meta) {
  const m = meta.machine;
  const t = targets(results);
  const enc = encodeTables(results);
  const section = (title, r, render) => (r === undefined ? "" : `### ${title}\n\n${render(r)}\n`);
  const http = lookup(results, "HTTP");
  const failed = results.filter((r) => r.error !== undefined);
  const counts = results.find((r) => r.counts !== undefined)?.counts;
  return `# Performance

This file is written by \`npm run bench\` (bench/run.mjs): the figures below are those of the
latest full run. Do not edit it by hand; change bench/lib/report.mjs and run the benchmark again.
It measures the targets of issues 6 and 14 against prom-client ${m.promClient} and against a hand-rolled
"floor" encoder, in the same run on the same machine.

## The run

| | |
| --- | --- |
| command | \`${meta.command}\`${meta.quick ? " (quick: fewer runs, no 1M-series cases; not the full benchmark)" : ""} |
| date | ${meta.date} |
| machine | ${m.nproc} CPUs (\`nproc\`), ${m.cpu}, ${m.memoryGiB.toFixed(0)} GiB, ${m.os} |
| software | Node.js ${m.node} (V8 ${m.v8}), demo-exporter ${m.ours} (lib/ as compiled to dist/${meta.library ? `, fingerprint \`${meta.library}\`` : ""}), prom-client ${m.promClient}, wrk ${m.wrk} |
| load average (1, 5, 15 min) | before ${meta.loadBefore.map((x) => x.toFixed(2)).join(", ")}; after ${meta.loadAfter.map((x) => x.toFixed(2)).join(", ")} |
| wall time | ${(meta.wallSeconds / 60).toFixed(1)} min |
| runs per figure | ${counts ? `1 untimed scrape that checks the output, ${counts.warmup} more warm-up${meta.quick ? "" : " (none at 1M series)"}, ${counts.runs} timed; median and min–max shown` : "—"} |

A load average near or above the number of CPUs means other processes shared the machine during
the run: absolute figures and their spread move with it. Each implementation is timed alone (so
that one library's heap does not slow down another's garbage collection), so the ratios move
too, if less. The fingerprint is a hash of dist/lib/**/*.js: the cases of one run all measure the
same build, copied aside when the run starts.
${failed.length === 0 ? "" : `\n**Failed cases** (no figures): ${failed.map((f) => `${f.file}${f.n === undefined ? "" : ` n=${f.n}`} (${f.error})`).join("; ")}.\n`}
## Targets (issues 6 and 14)

${t.passed} pass, ${t.failed} fail.

${table(["target", "measured", "result"], t.rows)}

## Results

### Scrape: gather + text encoding to bytes

Time per scrape: median (min–max) in ms. "ours vs prom-client" is prom-client's median over ours
(above 1× we are faster); "ours vs floor" is ours over the floor's (the floor is the lower bound;
1× would be as fast). For histograms a series is a label set, which writes 14 lines.

${enc.scrape}

### Heap per series

Bytes of heap (V8 \`heapUsed\` + \`external\`, after \`gc()\`, once the figure has settled) per
series: right after creating the series, and after one scrape (what a scrape leaves behind:
caches, trimmed arrays). The label value strings exist before and are not counted for anyone.

${enc.heap}

${section("HTTP: 10k series over loopback", http, (r) => `${httpTable(r)}\n\nEach server was loaded with \`${r.impls.ours.command.replace(/:\d+\//, ":PORT/")}\` after a warm-up of the same kind; the three bodies were ${r.match === "bytes" ? "byte-identical" : `identical up to ${r.match}`} (${int(r.impls.ours.bodyBytes)} bytes).`)}
${section("Event loop during a scrape", lookup(results, "Event loop"), (r) => `${loopTable(r)}\n\n${int(r.n)} series, scraped over HTTP while the server ran \`monitorEventLoopDelay\` (resolution 1 ms) and a 1 ms \`setInterval\`; "cold" is the first scrape after the series were created. "max delay" is \`monitorEventLoopDelay\`'s maximum; the timer's gap, measured with \`performance.now()\`, catches blocks the monitor sometimes misses (seen with prom-client's warm scrapes); the worse of the two counts.`)}
${section("Memory over many scrapes (ours, 10k series)", lookup(results, "RSS"), (r) => `${rssTable(r)}\n\nScraped over 10 kept-alive connections; RSS and heap read from the server process as they are,
then again right after a full \`gc()\` in the server (the target is judged on those). The young
generation is V8's new space: the memory reserved for it grows, up to 32 MiB here (two 16 MiB
semispaces), once enough objects have survived its collections, and its pages become resident as
allocation reaches them. A scrape that leaves nothing alive behind it keeps it where startup left
it (docs/architecture.md, "What a scrape leaves behind").${r.outOfTime ? ` The ${r.budgetSeconds} s budget ran out before the last checkpoint.` : ""}`)}
${section("Cluster: a scrape of the primary, 4 workers", lookup(results, "Cluster"), (r) => `${clusterTable(r)}\n\n${int(r.n)} series per worker (60% counters, 40% gauges, the same label sets in every worker), merged to ${int(r.n)} series on the primary and scraped over loopback HTTP. See docs/cluster.md.`)}
${section("Channel: 1M sends", lookup(results, "Channel"), channelTable)}
${section("Recording and series lookup", lookup(results, "Recording"), (r) => `${recordingTable(r)}\n\n${int(r.n)} operations per run, over 1,000 existing series with two labels.`)}
## What each case measures

Every case runs in a child process of its own (\`node --expose-gc bench/cases/<case>.mjs\`). A timed
run follows a full \`gc()\` (not timed), so that it does not pay for the previous run's garbage; the
garbage it makes itself is collected inside it, as in production. Implementations are built and
timed one after the other, each alone on the heap. Before an implementation is timed, its
output is compared with the floor's for the same data (same names, label values, values): byte for
byte, or, where prom-client orders labels differently (a histogram's \`le\` comes first in
prom-client), after sorting the labels inside each line; the "output check" column says which.
Any other difference stops the case and no figure is reported.

- **The floor** (bench/lib/floor.mjs) renders each series' \`name{labels} \` once into a Buffer; a
  scrape copies those into one reused Buffer and writes each value's text after them. No registry,
  checks, sorting or intermediate objects: the practical lower bound of an encoder in Node.js.
- **ours** is driven through the package's public entry points (\`demo-exporter/prometheus\`,
  \`demo-exporter/expfmt\`) as the metrics handler drives it: a transactional gather,
  \`const { families, done } = await toTransactionalGatherer(registry).gather()\`, then
  \`textByteChunks(families)\` (the text format's byte encoder), its Buffers kept, then
  \`done()\`. All of client_golang's checks are on (sorting, duplicate series, consistency).
  **prom-client** is \`Buffer.from(await registry.metrics())\` on its own Registry.
- **GaugeVec via gather() and metricFamiliesToText** (10k and 100k series): the path the README
  shows, \`Buffer.from(metricFamiliesToText(await registry.gather()))\`: plain client_model data,
  one object per series, and the text as one string.
- **GaugeVec, 2 labels** and **CounterVec, 5 labels** (1k to 1M series): a vec filled through
  \`withLabelValues(...)\` (prom-client: \`labels(...)\`), with label names and series already
  in sorted order, so that client_golang's sorted output and prom-client's insertion order agree.
- **HistogramVec, default buckets** (1k and 10k label sets, three observations each).
- **Const metrics via the channel** (10k and 100k): the demo collector's path: a collector that
  creates N \`mustNewConstMetric\` gauges at every scrape and sends them through the channel.
  prom-client's equivalent is a gauge whose \`collect()\` resets it and sets every series; the
  floor caches each series' label text, which a const-metric collector cannot, so it stays the
  lower bound.
- **Heap per series**: \`heapUsed + external\` after \`gc()\`, before and after creating the
  series (and after one scrape), divided by N. V8 frees the memory of dead Buffers after a
  collection, on another thread, so the figure is read once two readings 20 ms apart agree.
- **HTTP** (10k series): our CLI-like server (the demo's \`WebServer\` with
  \`handlerFor(registry, { errorHandling: "continue", maxRequestsInFlight: 40 })\`, as
  lib/demo/cli.ts wires it, without the exporter's own metrics), prom-client's idiomatic
  \`node:http\` server awaiting \`registry.metrics()\`, and the floor serving a precomputed body,
  each in its own process on 127.0.0.1, loaded by wrk (one thread, 10 connections, fixed
  duration, no compression asked). Timeouts are wrk's (10 s); any non-2xx answer or socket
  error fails the case. Each server drops the bench's input data once its series are made, so
  that its heap holds what the implementation holds.
- **Event loop** (1M series): the same servers, with \`perf_hooks.monitorEventLoopDelay\` and a
  1 ms \`setInterval\` running, scraped once cold and then warm; the worst delay counts, as the
  monitor reports it or as the longest gap between two calls of the 1 ms timer, whichever is worse.
  The floor has no scrape work to block with and is left out.
- **Memory over many scrapes**: our server with 10k series, RSS after 1,000 and after 10,000
  scrapes over 10 kept-alive connections, as read and after a full \`gc()\` in the server (stops
  at a time budget and says so).
- **Cluster** (issue 17): a node:cluster primary with 4 workers of 10k series each (the case file
  is primary and worker), scraped over HTTP: ours is \`handlerFor(newClusterGatherer())\` with the
  workers' \`serveWorker()\`, under node:cluster's default \`"json"\` serialization and under
  \`"advanced"\`; prom-client is an http server awaiting \`AggregatorRegistry.clusterMetrics()\`.
  The sample lines of the scrapes must be the same set before anything is timed. The primary's
  event loop is watched as in the event-loop case, with the CPU time used within the longest gap
  beside it (a long gap with little CPU in it is a wait for a core, not a block).
- **Channel**: 1M \`send\`s of prebuilt metrics into a \`Channel\`, drained as the registry
  drains it (sync collect: \`close()\` then \`takeAll()\`; async collect: the producer awaits
  \`send\` when the buffer is full, the consumer iterates batches with \`for await\`), against
  \`push\`ing the same metrics into an array and iterating it.
- **Recording and series lookup**: ns per operation over 1,000 existing series:
  \`withLabelValues(a, b).set(v)\` against prom-client's \`labels(a, b).set(v)\`, the
  labels-object forms, and \`inc\` / \`set\` / \`observe\` on a held child (prom-client: the
  object \`labels(...)\` returns) and on metrics without labels.

## The targets, as issues 6 and 14 state them

- Encode (gather + text encoding to bytes), GaugeVec and CounterVec at 100k series: at least 8×
  faster than prom-client, and within 2× of the floor, with all of client_golang's checks on.
  Histograms: at least 5× prom-client.
- Heap per series at most half of prom-client's (judged here after a scrape, the state a running
  exporter is in; the figure right after creation is shown beside it).
- The event loop is never blocked for more than 10 ms during a scrape of 1M series, the first
  (cold) scrape included (issue 14; issue 6 asked for 20 ms).
- \`gather()\` + \`metricFamiliesToText\`, GaugeVec at 100k series: at least 3× prom-client
  (issue 14: plain data is no excuse).
- Const metrics via the channel (the write-up's collector), at 10k and at 100k series: at least
  4× prom-client's Gauge whose \`collect()\` sets every series (issue 14).
- HTTP, 10k series: at least 8× prom-client's requests/s; RSS after 10k scrapes within 10% of
  after 1k, "no leak" (judged here on growth after a full \`gc()\`: an RSS that shrinks passes).
- Channel: 1M sends drained by the registry cost less than 2× a plain array push.
- \`withLabelValues\` of an existing child at least as fast as prom-client's \`labels(...).set\`
  path; recording (\`inc\`, \`set\`, \`observe\`) at least as fast.

## Running it

\`\`\`sh
npm run bench                       # build, run everything, write this file and bench/results/latest.json
                                    # (10 to 20 minutes on 2 CPUs, depending on what else runs)
npm run bench -- --quick            # fewer runs, no 1M series; prints the report only (about 2 minutes)
npm run bench -- --only=gauge,http  # some cases only
node bench/run.mjs --render=bench/results/latest.json --write   # redo this file from saved results
npm run build && node --expose-gc bench/cases/gauge-vec.mjs --size=100000   # one case, JSON result
\`\`\`

To see where the time goes, profile one implementation of one case and sum the self time by
function (the harness's own \`gc()\` between runs shows up as "(garbage collector)"):

\`\`\`sh
node --expose-gc --cpu-prof --cpu-prof-dir=/tmp/prof bench/cases/gauge-vec.mjs --size=100000 --impl=ours
node bench/profile-summary.mjs /tmp/prof/*.cpuprofile --top=25            # or --only=dist/lib
\`\`\`
`;
}
