// The shared procedure of the scrape cases (GaugeVec, CounterVec, HistogramVec, const metrics).
//
// A case hands in, for each implementation (floor, ours, prom-client), a `build` that creates the
// series from the case's data and returns `{ scrape }`: one scrape, from the series in memory to
// the exposition bytes. The implementations are handled one after the other, each alone on the
// heap (one library's live objects would slow down another's garbage collections):
//
//   1. build it, and measure the memory the series take (heapUsed + external, after gc());
//   2. scrape it once, keep the output, and measure the memory again (what a scrape leaves behind,
//      such as caches of rendered label text);
//   3. compare the output with the first implementation's (compare.mjs); a difference stops the
//      case, and no figure of it is reported;
//   4. warm up (the scrape of step 2 was the first), time the scrapes, and drop the implementation.
//
// The first implementation (the floor) is the reference: every other one is compared with it
// before it is timed.

import { compareOutputs } from "./compare.mjs";
import { caseArgs, log, runCounts, settledHeapBytes, stats, timeRuns } from "./measure.mjs";

/** toBuffer joins what a scrape returned (a Buffer or a list of Buffers). */
function toBuffer(out) {
  return Array.isArray(out) ? Buffer.concat(out) : out;
}

/**
 * measureOne builds one implementation, checks its output against `reference` (or returns it as
 * the reference) and times its scrapes. It is a function of its own so that, once it returns,
 * nothing of the implementation stays reachable from a frame: V8 may keep a dead local of a
 * running function alive, which would count one library in another's heap.
 */
async function measureOne(spec, name, impl, reference) {
  log(`${spec.case} n=${spec.n}: building ${name}`);
  const base = await settledHeapBytes();
  const built = await impl.build();
  const created = (await settledHeapBytes()) - base;

  // The output is copied (the floor reuses its buffer); the copy is left out of the heap figure.
  const output = Buffer.from(toBuffer(await built.scrape()));
  const afterScrape = (await settledHeapBytes()) - base - output.length;

  const match = reference === undefined ? "bytes" : compareOutputs({ [reference.name]: reference.output, [name]: output });
  if (reference !== undefined) log(`${spec.case} n=${spec.n}: ${name} matches ${reference.name} (${match})`);

  const counts = runCounts(spec.quick, spec.n);
  log(`${spec.case} n=${spec.n}: timing ${name} (${counts.warmup} warm-up, ${counts.runs} runs)`);
  const timing = stats(await timeRuns(() => built.scrape(), counts));
  return { result: { ...timing, bytes: output.length, heap: { created, afterScrape } }, output, match, counts };
}

/**
 * runEncodeCase measures every implementation and returns the case's result.
 * @param {{ case: string, n: number, series: number, quick: boolean,
 *           impls: Record<string, { build(): Promise<{ scrape(): unknown }> | { scrape(): unknown } }> }} spec
 *   `n` is the number of label sets, `series` the number of sample lines they make; the first
 *   implementation is the reference.
 */
export async function runEncodeCase(spec) {
  const levels = ["bytes", "label order", "line set"];
  let reference;
  let match = "bytes";
  let counts;
  const impls = {};
  const only = caseArgs().impl; // --impl=ours: measure only these (no output check with one)
  const chosen = Object.entries(spec.impls).filter(([name]) => only === undefined || only.includes(name));
  if (chosen.length < 2) match = "unchecked";
  for (const [name, impl] of chosen) {
    const measured = await measureOne(spec, name, impl, reference);
    reference ??= { name, output: measured.output };
    measured.output = undefined;
    if (match !== "unchecked" && levels.indexOf(measured.match) > levels.indexOf(match)) match = measured.match;
    impls[name] = measured.result;
    counts = measured.counts;
  }
  return { case: spec.case, n: spec.n, series: spec.series, match, counts, impls };
}
