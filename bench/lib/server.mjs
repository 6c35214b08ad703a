// A metrics server for the HTTP cases, started by them with `child_process.fork` (one process
// per server, so that each has the event loop, heap and RSS of its own):
//
//   node --expose-gc bench/lib/server.mjs --impl=ours|prom-client|floor --size=N [--monitor]
//
//   ours         the demo exporter's web server (lib/demo/server.ts `WebServer`) serving
//                `handlerFor(registry, { errorHandling: "continue", maxRequestsInFlight: 40 })`,
//                as the CLI wires it, minus the exporter's own metrics (so that all three serve
//                the same series);
//   prom-client  node:http serving `await registry.metrics()`, as prom-client's docs show;
//   floor        node:http serving a body encoded once at start (the floor encoder's output).
//
// Every server serves a GaugeVec with two labels and N series on 127.0.0.1, at /metrics.
// It reports `{ ready, port }` over IPC, then answers the messages `stats` (RSS, heap and, with
// --monitor, the event-loop delay since the last `reset`), `reset` and `gc` (a full collection).
// With --monitor, `perf_hooks.monitorEventLoopDelay` runs, and so does a 1 ms `setInterval`
// that records the longest gap between its own calls: the "other timers" of a busy process.

import { createServer } from "node:http";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { getHeapSpaceStatistics } from "node:v8";
import { WebServer } from "../../dist/lib/demo/server.js";
import { ContinueOnError, handlerFor } from "demo-exporter/promhttp";
import { gaugeData } from "./data.mjs";
import { FloorEncoder, header, labelText } from "./floor.mjs";
import * as ours from "./ours.mjs";
import client from "./prom.mjs";

const args = Object.fromEntries(
  process.argv.slice(2).map((a) => {
    const [k, v] = a.replace(/^--/, "").split("=");
    return [k, v ?? true];
  }),
);
const impl = args.impl;
const n = Number(args.size);
// The input data is dropped once the series are made (see the end), so that the server's heap
// holds what the implementation holds: at 1M series the data alone is over 100 MB of objects,
// which every garbage collection would otherwise have to trace.
let data = gaugeData(n);

const nopLogger = { debug() {}, info() {}, warn() {}, error() {}, with: () => nopLogger };

/** listen starts the chosen server and resolves to its port. */
async function listen() {
  if (impl === "ours") {
    const registry = ours.newRegistry();
    const vec = ours.newGaugeVec({ name: data.name, help: data.help }, data.labelNames);
    registry.mustRegister(vec);
    for (let i = 0; i < n; i++) vec.withLabelValues(...data.labelValues[i]).set(data.values[i]);
    const server = new WebServer({
      telemetryPath: "/metrics",
      metricsHandler: handlerFor(registry, { errorHandling: ContinueOnError, maxRequestsInFlight: 40 }),
      landing: { name: "bench", description: "bench", version: "bench" },
      logger: nopLogger,
    });
    const address = await server.listen("127.0.0.1:0");
    return Number(address.slice(address.lastIndexOf(":") + 1));
  }
  let handle;
  if (impl === "prom-client") {
    const registry = new client.Registry();
    const gauge = new client.Gauge({ name: data.name, help: data.help, labelNames: data.labelNames, registers: [registry] });
    for (let i = 0; i < n; i++) gauge.labels(...data.labelValues[i]).set(data.values[i]);
    handle = async (res) => {
      const body = await registry.metrics();
      res.setHeader("Content-Type", registry.contentType);
      res.end(body);
    };
  } else if (impl === "floor") {
    const prefixes = data.labelValues.map((lv) => `${data.name}${labelText(data.labelNames, lv)} `);
    const encoder = new FloorEncoder(header(data.name, data.help, "gauge"), prefixes);
    const body = Buffer.from(encoder.encode((i) => data.values[i]));
    handle = async (res) => {
      res.setHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
      res.setHeader("Content-Length", body.length);
      res.end(body);
    };
  } else {
    throw new Error(`unknown --impl=${impl}`);
  }
  const server = createServer((req, res) => {
    if (req.url !== "/metrics") {
      res.statusCode = 404;
      res.end();
      return;
    }
    handle(res).catch((err) => {
      res.statusCode = 500;
      res.end(String(err));
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return server.address().port;
}

// The event-loop monitor and the 1 ms timer standing for the rest of an application.
let histogram;
let maxGapMs = 0;
if (args.monitor) {
  histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  let last = performance.now();
  setInterval(() => {
    const now = performance.now();
    maxGapMs = Math.max(maxGapMs, now - last);
    last = now;
  }, 1);
}

/** youngGeneration reads the new space's reserved and resident bytes. */
function youngGeneration() {
  const space = getHeapSpaceStatistics().find((s) => s.space_name === "new_space");
  return space && { reserved: space.space_size, resident: space.physical_space_size };
}

process.on("message", (msg) => {
  if (msg === "reset") {
    histogram?.reset();
    maxGapMs = 0;
    process.send({ reset: true });
  } else if (msg === "gc") {
    globalThis.gc(); // the server runs with --expose-gc
    process.send({ gc: true });
  } else if (msg === "stats") {
    const mem = process.memoryUsage();
    process.send({
      rss: mem.rss,
      heapUsed: mem.heapUsed,
      heapTotal: mem.heapTotal,
      external: mem.external,
      arrayBuffers: mem.arrayBuffers,
      // V8's young generation: the memory reserved for it, and how much of that is resident.
      young: youngGeneration(),
      loop: histogram && {
        maxMs: histogram.max / 1e6,
        p99Ms: histogram.percentile(99) / 1e6,
        meanMs: histogram.mean / 1e6,
        maxIntervalGapMs: maxGapMs,
      },
    });
  }
});
process.on("disconnect", () => process.exit(0));

const port = await listen();
data = undefined;
globalThis.gc();
process.send({ ready: true, port });
