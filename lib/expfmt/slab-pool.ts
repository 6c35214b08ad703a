/**
 * SlabPool: Buffers that an encoder writes into and a server gives back once they are sent.
 *
 * The byte encoder (text-bytes.ts) cuts its chunks from slabs, Buffers of several chunks.
 * Without a pool every scrape allocates as much as its exposition is large, and that memory,
 * outside V8's heap, drives full garbage collections: with a large registry in the heap, those
 * pause the event loop for tens of milliseconds. A metrics handler knows when a chunk has been written to the socket,
 * so it can give the chunk back, and a slab whose chunks all came back (and that the encoder has
 * left) is used again by the next chunks, of this scrape or the next one.
 *
 * The protocol: the encoder `acquire`s a slab, calls `lend` for each chunk it hands out and
 * `retire` when it leaves the slab; whoever receives a chunk calls `done` once it no longer needs
 * it. A chunk that is never given back keeps its slab out of the pool: the garbage collector
 * takes it like any Buffer, and nothing is ever written over a chunk still in use.
 *
 * @module
 */

/** What the pool knows of a slab while it is out. */
interface SlabState {
  /** Chunks handed out and not given back. */
  lent: number;
  /** Whether the encoder has left the slab. */
  retired: boolean;
}

/** SlabPool lends slabs to encoders and takes them back. */
export class SlabPool {
  /** The size of each slab. */
  readonly slabSize: number;
  readonly #maxFree: number;
  readonly #free: Buffer[] = [];
  readonly #out = new WeakMap<ArrayBufferLike, SlabState>();

  /**
   * Creates a pool of slabs of `slabSize` bytes, keeping at most `maxFree` of them unused: by
   * default 1 MiB slabs (sixteen chunks of the default size), at most 16 MiB kept. A response
   * cycles through a few slabs as its chunks are written; what many concurrent scrapes needed
   * at once is not kept.
   * @throws {RangeError} for a slab size below 64 bytes or a negative count, or non-integers.
   */
  constructor(slabSize = 1 << 20, maxFree = 16) {
    if (!Number.isSafeInteger(slabSize) || slabSize < 64) {
      throw new RangeError(`SlabPool: slabSize must be an integer of at least 64 bytes, got ${String(slabSize)}`);
    }
    if (!Number.isSafeInteger(maxFree) || maxFree < 0) {
      throw new RangeError(`SlabPool: maxFree must be a non-negative integer, got ${String(maxFree)}`);
    }
    this.slabSize = slabSize;
    this.#maxFree = maxFree;
  }

  /** The number of unused slabs held, for tests. */
  get free(): number {
    return this.#free.length;
  }

  /** acquire returns a slab to write into: a free one, or a new one. */
  acquire(): Buffer {
    // allocUnsafeSlow: a slab of its own, never a slice of Node's shared pool.
    const slab = this.#free.pop() ?? Buffer.allocUnsafeSlow(this.slabSize);
    this.#out.set(slab.buffer, { lent: 0, retired: false });
    return slab;
  }

  /** lend notes that a chunk of one of the pool's slabs was handed out. */
  lend(chunk: Uint8Array): void {
    const state = this.#out.get(chunk.buffer);
    if (state !== undefined) state.lent++;
  }

  /** retire notes that the encoder has left `slab`. */
  retire(slab: Buffer): void {
    const state = this.#out.get(slab.buffer);
    if (state === undefined) return;
    state.retired = true;
    if (state.lent === 0) this.#giveBack(slab.buffer);
  }

  /** done gives back a chunk; chunks of other Buffers are ignored. */
  done(chunk: Uint8Array): void {
    const state = this.#out.get(chunk.buffer);
    if (state === undefined) return;
    state.lent--;
    if (state.lent === 0 && state.retired) this.#giveBack(chunk.buffer);
  }

  #giveBack(buffer: ArrayBufferLike): void {
    this.#out.delete(buffer);
    if (this.#free.length < this.#maxFree) this.#free.push(Buffer.from(buffer as ArrayBuffer, 0, this.slabSize));
  }
}
