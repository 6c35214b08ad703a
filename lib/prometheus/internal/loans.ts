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
 * A plain `gather()` borrows nothing: the families it returns belong to the caller.
 *
 * @module
 */

/** At most this many spare arrays are kept per vec... */
const maxSpares = 8;

/** ...and at most this many bytes of them: one array of a larger vec. */
const maxSpareBytes = 16 * 2 ** 20;

/** ValueSpares holds a vec's value arrays that no gather uses any more. */
export class ValueSpares {
  readonly #free: Float64Array[] = [];

  /** The number of arrays held, for tests. */
  get size(): number {
    return this.#free.length;
  }

  /**
   * take returns a spare array of `length` numbers, or a new one. A spare of another length (the
   * vec has grown or shrunk since) is dropped: the others are likely of the old length too. A
   * spare holds the numbers of an earlier gather, which the caller writes over.
   */
  take(length: number): Float64Array {
    for (let array = this.#free.pop(); array !== undefined; array = this.#free.pop()) {
      if (array.length === length) return array;
    }
    return new Float64Array(length);
  }

  /** giveBack keeps `array` for a later gather, unless enough are kept already. */
  giveBack(array: Float64Array): void {
    const count = this.#free.length + 1;
    if (count <= maxSpares && (count === 1 || count * array.byteLength <= maxSpareBytes)) this.#free.push(array);
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
