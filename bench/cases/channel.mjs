// Case: the cost of the collector channel. 1M sends into a channel, drained the way the registry
// drains it, against pushing the same metrics into a plain array and iterating it.
// Run by bench/run.mjs as `node --expose-gc bench/cases/channel.mjs [--quick]`.
//
// Two ways a registry drains a channel (lib/prometheus/collect.ts):
//   sync  a synchronous `collect` fills the channel, then the registry closes it and takes
//         everything buffered in one step (`close()`, `takeAll()`);
//   async an async `collect` awaits the promise `send` returns when the buffer is full (back-
//         pressure), while the registry iterates the channel's batches with `for await`.
// The consumer does the same trivial work per metric in every variant (reads its `desc`), so the
// difference is the channel's own cost. The target compares the slower variant with the array.

import { caseArgs, emit, log, runCounts, stats, timeRuns } from "../lib/measure.mjs";
import * as ours from "../lib/ours.mjs";

const { quick } = caseArgs();
const sends = 1_000_000;

// 1,000 distinct metrics, sent 1,000 times each: what is sent does not change what a send costs.
const desc = ours.newDesc("bench_channel", "Metrics sent through a channel.", ["i"], null);
const metrics = Array.from({ length: 1000 }, (_, i) => ours.mustNewConstMetric(desc, ours.GaugeValue, i, String(i)));

let sink = 0;
function consume(m) {
  if (m.desc() === desc) sink++;
}

const variants = {
  "array push": () => {
    const arr = [];
    for (let i = 0; i < sends; i++) arr.push(metrics[i % 1000]);
    for (const m of arr) consume(m);
  },
  "channel, sync collect": () => {
    const ch = new ours.Channel();
    for (let i = 0; i < sends; i++) ch.send(metrics[i % 1000]);
    ch.close();
    for (const m of ch.takeAll()) consume(m);
  },
  "channel, async collect": async () => {
    const ch = new ours.Channel();
    const producer = (async () => {
      for (let i = 0; i < sends; i++) {
        const full = ch.send(metrics[i % 1000]);
        if (full !== undefined) await full;
      }
      ch.close();
    })();
    for await (const batch of ch) for (const m of batch) consume(m);
    await producer;
  },
};

const counts = runCounts(quick);
const results = {};
for (const [name, fn] of Object.entries(variants)) {
  sink = 0;
  await fn();
  if (sink !== sends) throw new Error(`${name}: consumed ${sink} of ${sends} metrics`);
  log(`time channel: ${name} (${counts.warmup} warm-up, ${counts.runs} runs)`);
  results[name] = stats(await timeRuns(fn, counts));
}
emit({ case: "Channel", n: sends, counts, variants: results });
