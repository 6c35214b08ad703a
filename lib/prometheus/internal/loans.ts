/**
 * What a transactional gather borrows from the vecs, and gives back when its `done()` is called.
 *
 * A vec gathered as rows (lib/model/rows-family.ts) copies its values into a Float64Array (8
 * bytes per number). Such arrays live outside V8's heap and are freed only when the garbage
 * collector gets to their owners: a new one per scrape both brings on full collections (V8 counts
 * that memory as pressure) and leaves holes in the C heap, so that the process's RSS wanders with
 * the scrape rate. A transactional gather (lib/prometheus/transactional.ts) takes its arrays from
 * the vec's spares instead, and its `done()` gives them back once the encoder has written them.
 *
 * The spares are held weakly, as Go's `sync.Pool` holds its items (promhttp's gzip writers and
 * expfmt's buffers are pooled so): a full collection may free them, and the next gather then
 * makes a new array. A vec scraped again and again reuses its arrays between full collections,
 * which are rare once the arrays no longer bring them on; after a full collection, a vec holds
 * its series alone (a spare of a HistogramVec with the default buckets takes 112 bytes per
 * series, as much as the series' own state).
 *
 * A plain `gather()` borrows nothing: the families it returns belong to the caller.
 *
 * @module
 */

/** At most this many spare arrays are kept per vec... */
const maxSpares = 8;

/** ...and at most this many bytes of them: one array of a larger vec. */
const maxSpareBytes = 16 * 2 ** 20;

/**
 * ValueSpares holds, weakly, a vec's value arrays that no gather uses any more: the garbage
 * collector may free any of them at a full collection.
 */
export class ValueSpares {
  readonly #free: WeakRef<Float64Array>[] = [];

  /** The number of arrays held that the garbage collector has not freed, for tests. */
  get size(): number {
    return this.#free.filter((ref) => ref.deref() !== undefined).length;
  }

  /**
   * take returns a spare array of `length` numbers, or a new one. A spare of another length (the
   * vec has grown or shrunk since) is dropped: the others are likely of the old length too. A
   * spare holds the numbers of an earlier gather, which the caller writes over.
   */
  take(length: number): Float64Array {
    for (let ref = this.#free.pop(); ref !== undefined; ref = this.#free.pop()) {
      const array = ref.deref();
      if (array?.length === length) return array;
    }
    return new Float64Array(length);
  }

  /**
   * giveBack keeps `array` for a later gather, unless enough are kept already (spares the
   * collector has freed are forgotten first).
   */
  giveBack(array: Float64Array): void {
    const free = this.#free;
    for (let i = free.length - 1; i >= 0; i--) if (free[i]!.deref() === undefined) free.splice(i, 1);
    const count = free.length + 1;
    if (count <= maxSpares && (count === 1 || count * array.byteLength <= maxSpareBytes)) free.push(new WeakRef(array));
  }
}

/**
 * Loans records what one transactional gather borrowed. A vec calls {@link add} once its rows are
 * complete; the transaction's `done()` calls {@link giveBack}. An array borrowed by rows that never
 * completed (the gather was aborted while the vec still copied) is never added, so nothing writes
 * over an array that someone might still fill; nor is anything given back twice.
 */
export class Loans {
  #loans: { array: Float64Array; spares: ValueSpares }[] | undefined = [];

  /** add arranges for `array` to go back to `spares` at {@link giveBack}. */
  add(array: Float64Array, spares: ValueSpares): void {
    this.#loans?.push({ array, spares });
  }

  /** giveBack gives every array back. Later calls, and arrays added after, do nothing. */
  giveBack(): void {
    const loans = this.#loans;
    this.#loans = undefined;
    for (const { array, spares } of loans ?? []) spares.giveBack(array);
  }

  /** forfeit lets every array go to the garbage collector instead (its reader may keep it). */
  forfeit(): void {
    this.#loans = undefined;
  }
}
