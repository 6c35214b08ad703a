// Case: memory over many scrapes. Our server with 10k series (bench/lib/server.mjs) is scraped
// over 10 kept-alive connections; its RSS (and heap) is read after 1,000 and after 10,000 scrapes,
// as it is, and again after a full gc(). A leak per scrape would show as growth between the two
// checkpoints; the figures after gc() do not depend on when V8 last happened to collect, so the
// target is judged on them.
// Run by bench/run.mjs as `node --expose-gc bench/cases/rss.mjs --size=10000 [--quick]`.
//
// The case stops at a time budget (300 s; --quick: 200 and 2,000 scrapes, 60 s) and then reports
// how many scrapes it reached: a server too slow to reach 10,000 in time is not measured.

import { get, keepAliveAgent, startServer } from "../lib/http-client.mjs";
import { caseArgs, emit, log } from "../lib/measure.mjs";

const { size = 10_000, quick } = caseArgs();
const checkpoints = quick ? [200, 2000] : [1000, 10_000];
const budgetMs = quick ? 60_000 : 300_000;
const connections = 10;

const server = await startServer("ours", size);
const agent = keepAliveAgent(connections);
const readings = [];
let done = 0;
let outOfTime = false;
const start = performance.now();
try {
  for (const target of checkpoints) {
    // `connections` workers, each scraping until the checkpoint (or the budget) is reached.
    const worker = async () => {
      while (done < target && !outOfTime) {
        const { status } = await get(server.url, { agent, keep: false });
        if (status !== 200) throw new Error(`scrape answered ${status}`);
        done++;
        if (performance.now() - start > budgetMs) outOfTime = true;
      }
    };
    await Promise.all(Array.from({ length: connections }, worker));
    const seconds = (performance.now() - start) / 1000;
    const { rss, heapUsed } = await server.stats();
    await server.gc();
    const after = await server.stats();
    readings.push({ scrapes: done, rss, heapUsed, rssAfterGC: after.rss, heapUsedAfterGC: after.heapUsed, youngAfterGC: after.young, seconds });
    log(`rss: ${done} scrapes, RSS ${(rss / 2 ** 20).toFixed(1)} MiB (${(after.rss / 2 ** 20).toFixed(1)} after gc())`);
    if (outOfTime) break;
  }
} finally {
  agent.destroy();
  await server.stop();
}
emit({ case: "RSS", n: size, checkpoints, budgetSeconds: budgetMs / 1000, outOfTime, readings });
