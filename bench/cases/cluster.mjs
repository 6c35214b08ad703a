// Case: a scrape of a node:cluster primary that merges 4 workers × N series (issue 17), ours
// (newClusterGatherer + handlerFor, with node:cluster's default "json" serialization and with
// "advanced") against prom-client's AggregatorRegistry (an http server awaiting
// `clusterMetrics()`, its documented use), in the same run on the same machine.
// Run by bench/run.mjs as `node --expose-gc bench/cases/cluster.mjs --size=10000 [--quick]`.
//
// This file is both the primary (the case) and, when node:cluster forks it, the worker. Each
// worker holds N series: 60% in a CounterVec, 40% in a GaugeVec, two labels each, the same label
// sets in every worker (workers of one service serve the same routes), so the merged scrape has
// N series. Gauges are summed on both sides (prom-client's default; ours by rule) so that the
// outputs can be compared: before anything is timed, the sample lines of the two scrapes must be
// the same set (our own cluster_* families aside), or the case stops.
//
// The primary's event loop is watched during the timed scrapes, as event-loop.mjs watches a
// server: `monitorEventLoopDelay` and the longest gap between two calls of a 1 ms timer, the
// worse of the two counting; beside it, the CPU time used within the longest gap, which tells a
// block (CPU busy) from a wait for a core on a shared machine (CPU idle); that one is taken over
// three more scrapes, as sampling the CPU at every tick costs CPU. Each watched scrape follows a
// full gc() and a pause, so that the collection itself is not counted as a block. The CPU time
// per scrape of the primary and of all workers is measured over the timed scrapes.

import cluster from "node:cluster";
import { createServer, request } from "node:http";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";

const workers = 4;

if (cluster.isWorker) {
  await runWorker();
} else {
  await runPrimary();
}

/** The series of one worker: label values shared by every worker. */
function* seriesOf(n) {
  for (let i = 0; i < n; i++) yield { kind: i < n * 0.6 ? "counter" : "gauge", a: `route_${i % 100}`, b: `id_${i}`, v: i % 1000 };
}

async function runWorker() {
  const n = Number(process.env.BENCH_SERIES);
  process.on("message", (m) => m?.bench === "cpu" && process.send({ bench: "cpu", cpu: cpuMs() }));
  if (process.env.BENCH_IMPL === "prom-client") {
    const prom = await import("prom-client");
    new prom.AggregatorRegistry(); // sets up the worker's listener
    const c = new prom.Counter({ name: "bench_requests_total", help: "Requests.", labelNames: ["a", "b"] });
    const g = new prom.Gauge({ name: "bench_in_flight", help: "In flight.", labelNames: ["a", "b"] });
    for (const s of seriesOf(n)) (s.kind === "counter" ? c : g).labels(s.a, s.b).inc(s.v + 1);
  } else {
    const { serveWorker } = await import("demo-exporter/cluster");
    const { newCounterVec, newGaugeVec, mustRegister } = await import("demo-exporter/prometheus");
    const c = newCounterVec({ name: "bench_requests_total", help: "Requests." }, ["a", "b"]);
    const g = newGaugeVec({ name: "bench_in_flight", help: "In flight." }, ["a", "b"]);
    mustRegister(c, g);
    for (const s of seriesOf(n)) (s.kind === "counter" ? c : g).withLabelValues(s.a, s.b).add(s.v + 1);
    serveWorker();
  }
  process.send({ bench: "ready" });
}

async function runPrimary() {
  const { caseArgs, emit, log, runCounts, stats } = await import("../lib/measure.mjs");
  const { size = 10_000, quick, impl: only } = caseArgs();
  const counts = runCounts(quick, size);
  const impls = {};
  const bodies = {};
  const all = [["ours", "json"], ["ours (advanced)", "advanced"], ["prom-client", "json"]];
  for (const [impl, serialization] of all.filter(([name]) => only === undefined || only.includes(name))) {
    log(`cluster n=${size}: ${impl}: forking ${workers} workers`);
    const server = await startPrimary(impl, serialization, size);
    try {
      bodies[impl] = (await scrape(server.url)).toString("utf8");
      checkSame(bodies, impl);
      if (only !== undefined) log(`cluster: --impl given, so the output was compared with ${Object.keys(bodies)[0]} only`);
      for (let i = 0; i < counts.warmup; i++) await scrape(server.url);
      const workersBefore = await server.workersCpuMs();
      let primaryCpu = 0;
      const ms = [];
      let worstBlockMs = 0;
      let worstMonitorMs = 0;
      for (let i = 0; i < counts.runs; i++) {
        globalThis.gc();
        await sleep(20);
        const watch = watchLoop(false);
        const t0 = performance.now();
        const cpu0 = cpuMs();
        await scrape(server.url);
        primaryCpu += cpuMs() - cpu0;
        ms.push(performance.now() - t0);
        const { monitorMs, gapMs } = watch.stop();
        worstMonitorMs = Math.max(worstMonitorMs, monitorMs);
        worstBlockMs = Math.max(worstBlockMs, monitorMs, gapMs);
      }
      // CPU per scrape: the primary's during the scrapes, and all workers' (idle in between).
      const primaryCpuMs = primaryCpu / counts.runs;
      const workersCpuMs = ((await server.workersCpuMs()) - workersBefore) / counts.runs;
      // A few more scrapes, untimed, with the CPU sampled at every tick of the timer (which costs
      // CPU itself): how much CPU the longest gap held.
      let worstGapMs = 0;
      let worstGapCpuMs = 0;
      for (let i = 0; i < 3; i++) {
        globalThis.gc();
        await sleep(20);
        const watch = watchLoop(true);
        await scrape(server.url);
        const { gapMs, gapCpuMs } = watch.stop();
        if (gapMs > worstGapMs) [worstGapMs, worstGapCpuMs] = [gapMs, gapCpuMs];
      }
      impls[impl] = { ...stats(ms), primaryCpuMs, workersCpuMs, worstBlockMs, worstMonitorMs, worstGapMs, worstGapCpuMs, bytes: Buffer.byteLength(bodies[impl]) };
      log(
        `cluster n=${size}: ${impl}: median ${impls[impl].median.toFixed(1)} ms, ` +
          `CPU per scrape ${primaryCpuMs.toFixed(1)} ms primary + ${workersCpuMs.toFixed(1)} ms workers, worst block ${worstBlockMs.toFixed(1)} ms ` +
          `(longest timer gap ${worstGapMs.toFixed(1)} ms, ${worstGapCpuMs.toFixed(1)} ms of CPU in it)`,
      );
    } finally {
      await server.stop();
    }
  }
  emit({ case: "Cluster", n: size, workers, series: size, impls, match: "sample lines", counts });
}

/** startPrimary forks the workers for `impl` and serves the merged metrics over loopback HTTP. */
async function startPrimary(impl, serialization, size) {
  cluster.setupPrimary({ exec: new URL(import.meta.url).pathname, serialization, execArgv: [] });
  const forked = [];
  for (let i = 0; i < workers; i++) {
    forked.push(cluster.fork({ BENCH_IMPL: impl, BENCH_SERIES: String(size) }));
  }
  await Promise.all(forked.map((w) => new Promise((resolve, reject) => {
    w.on("message", (m) => m?.bench === "ready" && resolve());
    w.on("exit", (code) => reject(new Error(`a ${impl} worker exited with ${code}`)));
  })));
  let handle;
  if (impl === "prom-client") {
    const prom = await import("prom-client");
    const aggregator = new prom.AggregatorRegistry();
    handle = async (req, res) => {
      const text = await aggregator.clusterMetrics();
      res.setHeader("content-type", aggregator.contentType);
      res.end(text);
    };
  } else {
    const { newClusterGatherer } = await import("demo-exporter/cluster");
    const { handlerFor } = await import("demo-exporter/promhttp");
    handle = handlerFor(newClusterGatherer({ timeout: 10_000, rules: { byName: { bench_in_flight: "sum" } } }));
  }
  const server = createServer((req, res) => void handle(req, res));
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/metrics`,
    /** The CPU time all workers have used so far, in ms. */
    async workersCpuMs() {
      const each = await Promise.all(forked.map((w) => new Promise((resolve) => {
        const on = (m) => m?.bench === "cpu" && (w.off("message", on), resolve(m.cpu));
        w.on("message", on);
        w.send({ bench: "cpu" });
      })));
      return each.reduce((a, b) => a + b, 0);
    },
    async stop() {
      server.close();
      await Promise.all(forked.map((w) => new Promise((resolve) => {
        if (w.isDead()) return resolve();
        w.on("exit", resolve);
        w.process.kill("SIGKILL");
      })));
    },
  };
}

/** scrape fetches the body once, without keep-alive; anything but 200 stops the case. */
function scrape(url) {
  return new Promise((resolve, reject) => {
    request(url, { agent: false }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => (res.statusCode === 200 ? resolve(Buffer.concat(chunks)) : reject(new Error(`status ${res.statusCode}: ${Buffer.concat(chunks)}`))));
      res.on("error", reject);
    }).on("error", reject).end();
  });
}

/** checkSame stops the case unless `impl`'s sample lines are those of the first implementation. */
function checkSame(bodies, impl) {
  const lines = (text) => text.split("\n").filter((l) => l !== "" && !l.startsWith("#") && !l.startsWith("cluster_")).sort();
  const [firstImpl, first] = Object.entries(bodies)[0];
  const a = lines(first);
  const b = lines(bodies[impl]);
  const same = a.length === b.length && a.every((l, i) => l === b[i]);
  if (!same) throw new Error(`${impl}'s scrape differs from ${firstImpl}'s (${b.length} vs ${a.length} sample lines; first: ${b[0]} vs ${a[0]})`);
}

/**
 * watchLoop watches the event loop until stop(): the monitor's maximum, the 1 ms timer's longest
 * gap, and the CPU time the process used within that gap (process.cpuUsage, all threads: an upper
 * bound of the main thread's). On a machine shared with other work, a long gap with little CPU in
 * it is time the process waited for a core, not work that blocked its loop.
 */
function watchLoop(sampleCpu) {
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  let gapMs = 0;
  let gapCpuMs = 0;
  let last = performance.now();
  let lastCpu = sampleCpu ? cpuMs() : 0;
  const tick = () => {
    const now = performance.now();
    const cpu = sampleCpu ? cpuMs() : 0;
    if (now - last > gapMs) {
      gapMs = now - last;
      gapCpuMs = cpu - lastCpu;
    }
    last = now;
    lastCpu = cpu;
  };
  const timer = setInterval(tick, 1);
  return {
    stop() {
      clearInterval(timer);
      histogram.disable();
      tick();
      return { monitorMs: histogram.max / 1e6, gapMs, gapCpuMs };
    },
  };
}

function cpuMs() {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}
