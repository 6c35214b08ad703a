/**
 * The time window behind a Summary's quantiles: the part of client_golang's `summary`
 * (prometheus/summary.go) that buffers observations, feeds them into age-bucket streams and
 * rotates those streams so that old observations drop out. Count and sum are kept here too and
 * are cumulative; only the quantiles are windowed.
 *
 * How it works, as in Go: observations go into a hot buffer of `bufCap` values. The buffer is
 * flushed when it is full, when its expiry time has passed, and at every snapshot: it becomes
 * the cold buffer, whose values are inserted into every one of the `ageBuckets` streams. Every
 * `maxAge / ageBuckets` the head stream (the one that has been filling the longest) is reset and
 * the next one becomes the head, so the head always holds between `(ageBuckets − 1)/ageBuckets`
 * and all of `maxAge` of history. Quantiles are read from the head stream alone. (Go inserts
 * into every stream because perks cannot merge streams correctly.)
 *
 * Go flushes the cold buffer on a goroutine under a mutex; JavaScript runs an observation to
 * completion, so here the flush is synchronous and the cold buffer is empty between calls.
 *
 * @module
 */

import type { Quantile, Summary } from "../model/index.js";
import { TargetedQuantileStream } from "./quantile.js";

/** DefMaxAgeMs is the default duration, in ms, for which observations stay relevant (10 min). */
export const DefMaxAgeMs = 10 * 60 * 1000;

/** DefAgeBuckets is the default number of age buckets that make up the window. */
export const DefAgeBuckets = 5;

/** DefBufCap is the default size of the buffer that collects observations. */
export const DefBufCap = 500;

/** SummaryWindowOptions configures a SummaryWindow; omitted fields take Go's defaults. */
export interface SummaryWindowOptions {
  /**
   * Objectives maps each quantile to its allowed absolute rank error. An empty map keeps only
   * count and sum. Check it first with `validateObjectives`.
   */
  objectives: ReadonlyMap<number, number>;
  /** MaxAgeMs is how long, in ms, an observation counts in the quantiles (DefMaxAgeMs). */
  maxAgeMs?: number;
  /** AgeBuckets is the number of streams the window rotates through (DefAgeBuckets). */
  ageBuckets?: number;
  /** BufCap is the size of the observation buffer (DefBufCap). */
  bufCap?: number;
  /**
   * Now returns the current time in ms. Only differences matter. Defaults to
   * `performance.now()`, a monotonic clock like the one Go's `time.Now` carries.
   */
  now?: () => number;
}

/**
 * validateObjectives checks that every quantile lies in (0, 1) and every allowed error in
 * [0, 1). NaN and anything that is not a number fail both checks.
 *
 * @throws {RangeError} naming the first bad entry, e.g.
 *   `invalid quantile 1.5: must be in the interval (0, 1)` or
 *   `invalid error 1 for quantile 0.5: must be in the interval [0, 1)`.
 */
export function validateObjectives(objectives: ReadonlyMap<number, number>): void {
  for (const [q, e] of objectives) {
    // typeof first: comparisons would coerce a string such as "0.5" and let it through.
    if (typeof q !== "number" || !(q > 0 && q < 1)) {
      throw new RangeError(`invalid quantile ${show(q)}: must be in the interval (0, 1)`);
    }
    if (typeof e !== "number" || !(e >= 0 && e < 1)) {
      throw new RangeError(`invalid error ${show(e)} for quantile ${q}: must be in the interval [0, 1)`);
    }
  }
}

/** show renders an objective for a message; a string is quoted, so that "0.5" is not read as 0.5. */
function show(v: unknown): string {
  return typeof v === "string" ? JSON.stringify(v) : String(v);
}

/**
 * SummaryWindow keeps a Summary's count, sum and windowed quantile streams, like the unexported
 * `summary` type of client_golang (its objectives path; with no objectives it is as cheap as
 * Go's `noObjectivesSummary`: two numbers and no clock reads).
 *
 * @example
 * ```ts
 * const w = new SummaryWindow({ objectives: new Map([[0.5, 0.05], [0.9, 0.01]]) });
 * for (let i = 1; i <= 10; i++) w.observe(i);
 * w.snapshot();
 * // { sampleCount: 10, sampleSum: 55,
 * //   quantile: [{ quantile: 0.5, value: 5 }, { quantile: 0.9, value: 9 }] }
 * ```
 */
export class SummaryWindow {
  readonly #now: () => number;
  readonly #sortedObjectives: readonly number[];
  #sum = 0;
  #cnt = 0;

  #hotBuf: Float64Array;
  #hotLen = 0;
  #coldBuf: Float64Array;
  #coldLen = 0;

  readonly #streams: TargetedQuantileStream[] = [];
  readonly #streamDuration: number;
  #headStream: TargetedQuantileStream | undefined;
  #headStreamIdx = 0;
  #headStreamExpTime = 0;
  #hotBufExpTime = 0;

  /**
   * SummaryWindow's constructor applies the defaults and, when there are objectives, reads the
   * clock once to start the first age bucket.
   *
   * @throws {RangeError} if maxAgeMs is not a positive number, or ageBuckets or bufCap is not a
   *   positive integer (Go would divide by zero or loop forever).
   */
  constructor(options: SummaryWindowOptions) {
    const maxAgeMs = options.maxAgeMs ?? DefMaxAgeMs;
    const ageBuckets = options.ageBuckets ?? DefAgeBuckets;
    const bufCap = options.bufCap ?? DefBufCap;
    checkWindow(maxAgeMs, ageBuckets, bufCap);
    this.#now = options.now ?? (() => performance.now());
    this.#sortedObjectives = [...options.objectives.keys()].sort((a, b) => a - b);
    this.#streamDuration = maxAgeMs / ageBuckets;
    const withQuantiles = options.objectives.size > 0;
    this.#hotBuf = new Float64Array(withQuantiles ? bufCap : 0);
    this.#coldBuf = new Float64Array(withQuantiles ? bufCap : 0);
    if (!withQuantiles) return;
    for (let i = 0; i < ageBuckets; i++) {
      this.#streams.push(new TargetedQuantileStream(options.objectives));
    }
    this.#headStream = this.#streams[0];
    this.#headStreamExpTime = this.#now() + this.#streamDuration;
    this.#hotBufExpTime = this.#headStreamExpTime;
  }

  /** observe records one observation. */
  observe(v: number): void {
    if (this.#headStream === undefined) {
      this.#cnt++;
      this.#sum += v;
      return;
    }
    const now = this.#now();
    if (now > this.#hotBufExpTime) this.#flush(now);
    this.#hotBuf[this.#hotLen++] = v;
    if (this.#hotLen === this.#hotBuf.length) this.#flush(now);
  }

  /**
   * snapshot flushes the buffer, rotates the window up to now and returns the cumulative count
   * and sum with the quantiles in ascending order. A quantile's value is NaN when the window
   * holds no observation.
   */
  snapshot(): Summary {
    if (this.#headStream === undefined) {
      return { sampleCount: this.#cnt, sampleSum: this.#sum, quantile: [] };
    }
    // Swap even an empty hot buffer: it moves the expiry time and so rotates the streams.
    this.#flush(this.#now());
    return { sampleCount: this.#cnt, sampleSum: this.#sum, quantile: this.#quantiles() };
  }

  #quantiles(): Quantile[] {
    const head = this.#headStream as TargetedQuantileStream;
    const empty = head.count() === 0;
    return this.#sortedObjectives.map((q) => ({ quantile: q, value: empty ? NaN : head.query(q) }));
  }

  /** #flush is Go's asyncFlush, run to completion: swap the buffers and flush the cold one. */
  #flush(now: number): void {
    this.#swapBufs(now);
    this.#flushColdBuf();
  }

  /** #swapBufs makes the hot buffer cold and moves the hot buffer's expiry time past now. */
  #swapBufs(now: number): void {
    [this.#hotBuf, this.#coldBuf] = [this.#coldBuf, this.#hotBuf];
    this.#coldLen = this.#hotLen;
    this.#hotLen = 0;
    while (now > this.#hotBufExpTime) this.#hotBufExpTime += this.#streamDuration;
  }

  /** #flushColdBuf inserts the cold values into every stream, counts them, then rotates. */
  #flushColdBuf(): void {
    const cold = this.#coldBuf;
    for (let i = 0; i < this.#coldLen; i++) {
      const v = cold[i];
      for (const stream of this.#streams) stream.insert(v);
      this.#cnt++;
      this.#sum += v;
    }
    this.#coldLen = 0;
    this.#maybeRotateStreams();
  }

  /**
   * #maybeRotateStreams resets the head stream and moves the head on, one age bucket at a time,
   * until the head's expiry time catches up with the hot buffer's. Both times start equal and
   * grow by the same steps, so comparing them for equality is exact.
   */
  #maybeRotateStreams(): void {
    while (this.#hotBufExpTime !== this.#headStreamExpTime) {
      this.#headStream?.reset();
      this.#headStreamIdx = (this.#headStreamIdx + 1) % this.#streams.length;
      this.#headStream = this.#streams[this.#headStreamIdx];
      this.#headStreamExpTime += this.#streamDuration;
    }
  }
}

function checkWindow(maxAgeMs: number, ageBuckets: number, bufCap: number): void {
  if (!(maxAgeMs > 0 && maxAgeMs < Infinity)) {
    throw new RangeError(`illegal max age ${maxAgeMs}: must be a positive number of milliseconds`);
  }
  if (!(Number.isInteger(ageBuckets) && ageBuckets > 0)) {
    throw new RangeError(`illegal age buckets ${ageBuckets}: must be a positive integer`);
  }
  if (!(Number.isInteger(bufCap) && bufCap > 0)) {
    throw new RangeError(`illegal buffer capacity ${bufCap}: must be a positive integer`);
  }
}
