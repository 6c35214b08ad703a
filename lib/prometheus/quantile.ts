/**
 * Streaming quantile estimation over an unbounded stream in bounded memory: the engine behind a
 * Summary's φ-quantiles. Follows `github.com/beorn7/perks/quantile` (stream.go, v1.0.1), which
 * client_golang uses through `quantile.NewTargeted(objectives)`.
 *
 * The algorithm is the "targeted quantiles" variant of Cormode, Korn, Muthukrishnan and
 * Srivastava, "Effective Computation of Biased Quantiles over Data Streams" (CKMS, ICDE 2005).
 * The stream keeps a sorted list of samples `(value, width, delta)`: `width` is how many
 * observations a sample stands for and `delta` bounds the uncertainty of its rank. An invariant
 * ƒ(r) says how much rank uncertainty is allowed at rank `r`; it is small near the target
 * quantiles and large elsewhere, so samples far from a target are compressed together.
 *
 * Like perks, new values first collect in a buffer of 500; when it is full they are sorted and
 * merged into the list in one pass, and the list is compressed. While nothing has been merged
 * yet, a query reads the sorted buffer directly and is exact.
 *
 * The merge step keeps two details of perks on purpose, so that a stream returns the same values
 * as its Go counterpart: a value appended after the last sample gets `delta` 0, while one
 * inserted anywhere else, even before the first sample, gets `delta` ⌊ƒ(r)⌋ − 1.
 *
 * @module
 */

/** Sample is one entry of a stream's compressed list, as in perks' `quantile.Sample`. */
export interface Sample {
  /** The observed value. */
  value: number;
  /** How many observations this sample stands for. */
  width: number;
  /** The uncertainty of this sample's rank. */
  delta: number;
}

/** The size of the insert buffer, fixed at 500 as in perks. */
const bufferCap = 500;

/**
 * TargetedQuantileStream estimates a fixed set of quantiles, each with its own allowed absolute
 * rank error (perks' `NewTargeted`). For every objective `(q, e)`, the value returned by
 * `query(q)` has a rank `r` among the `n` inserted values with `|r/n - q| <= e`.
 *
 * A stream is not meant to answer quantiles it was not built for: `query` of another quantile
 * returns a value without any error guarantee.
 *
 * The guarantee is the one perks gives in practice: it holds for values arriving in random or
 * ascending order, but long strictly descending runs (each batch landing in front of the list)
 * can miss it by about a quarter of `e` and keep many more samples. This class keeps perks'
 * behaviour anyway, so that a summary reports the same values as client_golang's.
 *
 * @example
 * ```ts
 * const stream = new TargetedQuantileStream(new Map([[0.5, 0.05], [0.9, 0.01]]));
 * for (let i = 1; i <= 100; i++) stream.insert(i);
 * stream.query(0.5); // 50
 * stream.query(0.9); // 90
 * ```
 */
export class TargetedQuantileStream {
  readonly #quantiles: Float64Array;
  readonly #epsilons: Float64Array;
  readonly #buf = new Float64Array(bufferCap);
  #bufLen = 0;
  #sorted = true;
  #list: Sample[] = [];
  #n = 0;

  /**
   * TargetedQuantileStream's constructor takes the objectives, mapping each quantile to its
   * allowed absolute rank error (for example `0.5 → 0.05`, `0.99 → 0.001`). The map is copied;
   * it is not checked (see `validateObjectives` in summary-window.ts).
   */
  constructor(objectives: ReadonlyMap<number, number>) {
    // Plain arrays rather than the map: ƒ runs on the hot path of every merge and compress.
    this.#quantiles = Float64Array.from(objectives.keys());
    this.#epsilons = Float64Array.from(objectives.values());
  }

  /** insert adds one observation to the stream. */
  insert(v: number): void {
    this.#buf[this.#bufLen++] = v;
    this.#sorted = false;
    if (this.#bufLen === bufferCap) this.#flush();
  }

  /**
   * query returns the estimated q-quantile of the inserted values, or 0 when the stream is empty
   * (perks' convention; a Summary reports NaN instead, which its caller decides). Before the
   * first merge the answer is exact: the value at 1-based rank ⌈q·n⌉ of the buffer.
   */
  query(q: number): number {
    if (!this.#flushed()) return this.#queryBuffer(q);
    this.#flush();
    return this.#queryList(q);
  }

  /** count returns the number of values inserted since construction or the last reset. */
  count(): number {
    return this.#bufLen + Math.trunc(this.#n);
  }

  /** reset empties the stream, keeping its objectives and its buffer's memory. */
  reset(): void {
    this.#list = [];
    this.#n = 0;
    this.#bufLen = 0;
    this.#sorted = true;
  }

  /**
   * samples returns copies of the samples the stream holds: the unmerged buffer (each of width
   * 1) while nothing has been merged, otherwise the compressed list after merging the buffer.
   */
  samples(): Sample[] {
    if (!this.#flushed()) return this.#bufferSamples();
    this.#flush();
    return this.#list.map((s) => ({ value: s.value, width: s.width, delta: s.delta }));
  }

  /**
   * merge folds samples (from another stream's `samples()`) into this stream's list, bypassing
   * the buffer. As perks warns, merging compressed summaries is not what the algorithm was
   * made for, and the result has no error guarantee; client_golang stopped using it for that
   * reason. Kept for parity with perks.
   */
  merge(samples: readonly Sample[]): void {
    const sorted = samples.map((s) => ({ value: s.value, width: s.width, delta: s.delta }));
    sorted.sort(bySampleValue);
    this.#mergeSorted(sorted);
  }

  #flushed(): boolean {
    return this.#list.length > 0;
  }

  /** #flush merges the buffer into the list and compresses it, even when the buffer is empty. */
  #flush(): void {
    const samples = this.#bufferSamples();
    this.#bufLen = 0;
    this.#mergeSorted(samples);
  }

  /** #bufferSamples sorts the buffer and returns it as samples of width 1. */
  #bufferSamples(): Sample[] {
    const values = this.#maybeSort();
    const samples = new Array<Sample>(values.length);
    for (let i = 0; i < values.length; i++) samples[i] = { value: values[i], width: 1, delta: 0 };
    return samples;
  }

  #maybeSort(): Float64Array {
    const values = this.#buf.subarray(0, this.#bufLen);
    if (!this.#sorted) {
      values.sort();
      this.#sorted = true;
    }
    return values;
  }

  /** #queryBuffer answers exactly from the buffer, picking 1-based rank ⌈q·n⌉ (at least 1). */
  #queryBuffer(q: number): number {
    const len = this.#bufLen;
    if (len === 0) return 0;
    let i = Math.ceil(len * q);
    if (i > 0) i -= 1;
    // perks would panic for q > 1; read the maximum instead.
    return this.#maybeSort()[Math.min(i, len - 1)];
  }

  /**
   * #queryList walks the list for the last sample whose rank is certainly within the target
   * rank t = ⌈q·n⌉ plus half the allowed uncertainty there.
   */
  #queryList(q: number): number {
    const list = this.#list;
    let t = Math.ceil(q * this.#n);
    t += Math.ceil(this.#invariant(t) / 2);
    let r = 0;
    for (let i = 1; i < list.length; i++) {
      r += list[i - 1].width;
      if (r + list[i].width + list[i].delta > t) return list[i - 1].value;
    }
    return list[list.length - 1].value;
  }

  /**
   * #invariant is ƒ(r) for targeted quantiles: the rank uncertainty allowed at rank r, the
   * smallest over all objectives (q, e) of 2·e·r/q at or above rank q·n and 2·e·(n−r)/(1−q)
   * below it.
   */
  #invariant(r: number): number {
    const n = this.#n;
    let m = Number.MAX_VALUE;
    for (let i = 0; i < this.#quantiles.length; i++) {
      const q = this.#quantiles[i];
      const e = this.#epsilons[i];
      const f = q * n <= r ? (2 * e * r) / q : (2 * e * (n - r)) / (1 - q);
      if (f < m) m = f;
    }
    return m;
  }

  /**
   * #mergeSorted inserts samples, sorted by value, into the list in one pass and compresses.
   * A sample landing before an existing one gets delta ƒ(r)−1 (floored), r being the running
   * rank; one appended at the end gets delta 0.
   */
  #mergeSorted(samples: readonly Sample[]): void {
    const old = this.#list;
    const out: Sample[] = [];
    let i = 0;
    let r = 0;
    for (const sample of samples) {
      for (; i < old.length && !(old[i].value > sample.value); i++) {
        r += old[i].width;
        out.push(old[i]);
      }
      out.push(this.#newEntry(sample, r, i < old.length));
      this.#n += sample.width;
      r += sample.width;
    }
    for (; i < old.length; i++) out.push(old[i]);
    this.#list = out;
    this.#compress();
  }

  #newEntry(sample: Sample, r: number, inside: boolean): Sample {
    const delta = inside ? Math.max(sample.delta, Math.floor(this.#invariant(r)) - 1) : 0;
    return { value: sample.value, width: sample.width, delta };
  }

  /**
   * #compress walks the list from the back and folds a sample into its right neighbour x
   * whenever their combined width plus x's delta stays within ƒ at the current rank.
   */
  #compress(): void {
    const list = this.#list;
    const len = list.length;
    if (len < 2) return;
    let w = len - 1;
    let x = list[w];
    let r = this.#n - 1 - x.width;
    for (let j = len - 2; j >= 0; j--) {
      const c = list[j];
      if (c.width + x.width + x.delta <= this.#invariant(r)) {
        x.width += c.width;
      } else {
        list[--w] = c;
        x = c;
      }
      r -= c.width;
    }
    if (w > 0) {
      list.copyWithin(0, w);
      list.length = len - w;
    }
  }
}

function bySampleValue(a: Sample, b: Sample): number {
  if (a.value < b.value) return -1;
  return a.value > b.value ? 1 : 0;
}
