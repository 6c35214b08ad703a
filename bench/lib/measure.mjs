// Timing, statistics and heap helpers shared by every case.
//
// Every case runs in its own child process started with `node --expose-gc`, so `gc()` is there.
// A timed run is preceded by a full collection (not timed), so that one run does not pay for the
// garbage of the previous one; the garbage a run makes itself is collected inside it, as in real
// life, whenever V8 decides to.

import { performance } from "node:perf_hooks";

if (typeof globalThis.gc !== "function") {
  throw new Error("bench cases need `node --expose-gc` (run them through bench/run.mjs)");
}

/** fullGC runs two full collections (the second one frees what finalizers released). */
export function fullGC() {
  globalThis.gc();
  globalThis.gc();
}

/**
 * The options of a case (argv): --quick and --size=N from the runner, and, when a case is run by
 * hand (to profile it, say), --impl=ours,floor to measure only some implementations.
 */
export function caseArgs(argv = process.argv.slice(2)) {
  const value = (name) => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const size = value("size");
  return { quick: argv.includes("--quick"), size: size === undefined ? undefined : Number(size), impl: value("impl")?.split(",") };
}

/** How many warm-up and timed runs a case does, by mode and (for the big ones) by size. */
export function runCounts(quick, n = 0) {
  if (quick) return { warmup: 1, runs: 5 };
  // At 1M series the untimed scrape that checks the output (encode-driver.mjs) is warm-up enough.
  if (n >= 1_000_000) return { warmup: 0, runs: 15 };
  return { warmup: 3, runs: 15 };
}

/**
 * timeRuns calls `fn` (sync or async) `warmup` times untimed, then `runs` times timed, each after
 * a full GC, and returns the durations in milliseconds.
 */
export async function timeRuns(fn, { warmup, runs }) {
  for (let i = 0; i < warmup; i++) await fn();
  const ms = [];
  for (let i = 0; i < runs; i++) {
    globalThis.gc(); // one full collection is enough to start clean (two cost seconds at 1M series)
    const t0 = performance.now();
    await fn();
    ms.push(performance.now() - t0);
  }
  return ms;
}

/** stats summarises a list of samples: median, min, max, count. */
export function stats(samples) {
  const s = [...samples].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
  return { median, min: s[0], max: s[s.length - 1], n: s.length };
}

/**
 * heapBytes is what the process holds in JavaScript objects and in Buffers: V8's `heapUsed` plus
 * `external` (Buffer and ArrayBuffer memory lives outside V8's heap; the floor keeps its text in
 * Buffers, so leaving it out would flatter the floor).
 */
export function heapBytes() {
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
}

/**
 * settledHeapBytes is {@link heapBytes} after full collections, once the figure has settled: V8
 * frees the memory of dead ArrayBuffers (Buffers) in a sweep that runs after the collection, on
 * another thread, so right after gc() `external` still counts Buffers that are already garbage.
 * It collects and waits a little until two readings agree (within 64 KiB), at most ten times.
 */
export async function settledHeapBytes() {
  let previous = Number.NaN;
  for (let i = 0; i < 10; i++) {
    fullGC();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const now = heapBytes();
    if (Math.abs(now - previous) < 64 * 1024) return now;
    previous = now;
  }
  return previous;
}

/** emit hands a case's result to the runner: one JSON line on stdout, marked so logs don't mix. */
export function emit(result) {
  process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
}

/** log writes progress to stderr (the runner passes it through), with the seconds since the start. */
export function log(...parts) {
  process.stderr.write(`  [${(performance.now() / 1000).toFixed(1).padStart(6)} s] ${parts.join(" ")}\n`);
}
