/**
 * Value arrays that a metrics handler's gather borrows from the vecs and gives back once the
 * response is encoded.
 *
 * A vec gathered as a block copies its values into a Float64Array (8 bytes per number), a new one
 * on every gather. Such arrays live outside V8's heap and are freed only when the garbage
 * collector gets to their owners: one per scrape both brings on full collections (V8 counts that
 * memory as pressure) and leaves holes in the C heap, so that the process's RSS wanders with the
 * scrape rate. A gather made for the metrics handler takes its arrays from the vec's spares
 * instead, and the handler gives them back once the last chunk is encoded, when no one reads them
 * any more.
 *
 * Only the handler's own gather borrows, and only from a Registry or Gatherers made of them whose
 * gather is their class's own (leased-gather.ts). The families that `gather()` returns to other
 * code are snapshots that stay as they are: a caller may keep them, or a caching gatherer may hand
 * the same families out again.
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
 * ValuesLease is one gather's hold on the arrays it borrowed. A vec calls {@link keep} once its
 * block is complete; the handler calls {@link end} when the response no longer needs the values.
 * An array borrowed by a block that never completed (the gather was aborted while the vec still
 * copied) is never given back, so nothing writes over an array that someone might still fill.
 */
export class ValuesLease {
  #kept: { array: Float64Array; spares: ValueSpares }[] | undefined = [];

  /** keep arranges for `array` to go back to `spares` when the lease ends. */
  keep(array: Float64Array, spares: ValueSpares): void {
    this.#kept?.push({ array, spares });
  }

  /** end gives every kept array back. Arrays kept after the end are left to the garbage collector. */
  end(): void {
    const kept = this.#kept;
    this.#kept = undefined;
    for (const { array, spares } of kept ?? []) spares.giveBack(array);
  }
}
