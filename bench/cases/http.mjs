// Case: the HTTP path. 10k series (GaugeVec, two labels) served on 127.0.0.1 by our CLI-like
// server, by prom-client over node:http, and by the floor (a precomputed body), each loaded by
// wrk for a fixed duration with 10 connections.
// Run by bench/run.mjs as `node --expose-gc bench/cases/http.mjs --size=10000 [--quick]`.

import { compareOutputs } from "../lib/compare.mjs";
import { get, startServer, wrk } from "../lib/http-client.mjs";
import { caseArgs, emit, log } from "../lib/measure.mjs";

const { size = 10_000, quick } = caseArgs();
const seconds = quick ? 3 : 10;
const warmupSeconds = quick ? 1 : 2;
const impls = ["ours", "prom-client", "floor"];

// All three servers run at once (idle ones cost nothing), so the bodies can be compared first.
const servers = {};
for (const impl of impls) servers[impl] = await startServer(impl, size);
try {
  const bodies = {};
  for (const impl of impls) {
    const { status, body } = await get(servers[impl].url);
    if (status !== 200) throw new Error(`${impl} answered ${status}`);
    bodies[impl] = body;
  }
  const match = compareOutputs(bodies);
  log(`check http n=${size}: bodies match (${match})`);

  const results = {};
  for (const impl of impls) {
    log(`load http n=${size}: ${impl} (${warmupSeconds} s warm-up, ${seconds} s measured)`);
    await wrk(servers[impl].url, warmupSeconds);
    const r = await wrk(servers[impl].url, seconds);
    // A failed response would make the figure meaningless; a slow one (past wrk's 10 s timeout)
    // is only counted, and reported.
    if (r.non2xx > 0 || r.socketErrors > 0) {
      throw new Error(`${impl}: ${r.non2xx} non-2xx responses, ${r.socketErrors} socket errors`);
    }
    const { rss } = await servers[impl].stats();
    const { raw, ...summary } = r;
    results[impl] = { ...summary, rss, bodyBytes: bodies[impl].length };
  }
  emit({ case: "HTTP", n: size, seconds, match, impls: results });
} finally {
  for (const s of Object.values(servers)) await s.stop();
}
