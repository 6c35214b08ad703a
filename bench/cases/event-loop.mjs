// Case: how long a scrape of 1M series blocks the event loop. The server (bench/lib/server.mjs,
// --monitor) runs `perf_hooks.monitorEventLoopDelay` and a 1 ms `setInterval` while this process
// scrapes it over HTTP: once cold (the first scrape after the series were created), then warm.
// Run by bench/run.mjs as `node --expose-gc bench/cases/event-loop.mjs --size=1000000 [--quick]`.
//
// Both figures are kept, and the worse counts: `monitorEventLoopDelay` was seen to miss blocks
// of several hundred ms (prom-client's warm scrapes: max 2 ms reported while the 1 ms timer
// waited 270 ms), while the timer's own gaps, measured with `performance.now()`, cannot.
//
// The floor is left out: it serves a precomputed body, so it has no scrape to block with.

import { get, startServer } from "../lib/http-client.mjs";
import { caseArgs, emit, log } from "../lib/measure.mjs";

const { size = 1_000_000, quick } = caseArgs();
const warmScrapes = quick ? 1 : 3;

/** scrapeWatched resets the server's monitor, scrapes once, and returns the delay figures. */
async function scrapeWatched(server) {
  await server.reset();
  const t0 = performance.now();
  const { status, size: bytes } = await get(server.url, { keep: false });
  const ms = performance.now() - t0;
  if (status !== 200) throw new Error(`${server.impl} answered ${status}`);
  const { loop } = await server.stats();
  return { scrapeMs: ms, bytes, ...loop };
}

const results = {};
for (const impl of ["ours", "prom-client"]) {
  log(`event loop n=${size}: ${impl}: creating the series`);
  const server = await startServer(impl, size, { monitor: true });
  try {
    const cold = await scrapeWatched(server);
    log(`event loop n=${size}: ${impl}: cold scrape ${cold.scrapeMs.toFixed(0)} ms, max delay ${cold.maxMs.toFixed(1)} ms`);
    const warm = [];
    for (let i = 0; i < warmScrapes; i++) warm.push(await scrapeWatched(server));
    const worst = (key) => Math.max(cold[key], ...warm.map((w) => w[key]));
    results[impl] = {
      cold,
      warm,
      maxMs: worst("maxMs"),
      maxIntervalGapMs: worst("maxIntervalGapMs"),
      worstBlockMs: Math.max(worst("maxMs"), worst("maxIntervalGapMs")),
      warmScrapeMs: warm.map((w) => w.scrapeMs),
    };
  } finally {
    await server.stop();
  }
}
emit({ case: "Event loop", n: size, impls: results });
