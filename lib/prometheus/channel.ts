/**
 * Channel, the TypeScript stand-in for Go's `chan<- prometheus.Metric` and `chan<- *prometheus.Desc`.
 *
 * A collector pushes into the channel with `send`; the registry reads from it as an async iterator
 * and `close` ends the iteration. The channel sits on the hot path of every scrape, so it is built
 * to cost about as much as pushing into an array:
 *
 * - `send` appends to a buffer and returns `undefined` while the buffer holds fewer than `capacity`
 *   values: no promise is allocated, and a synchronous collector never has to `await`.
 * - A send after `close` throws {@link ChannelClosedError}, as Go panics, unless the channel was made
 *   with an `onSendAfterClose` hook: then the value is dropped and handed to the hook. A gather makes
 *   its channels so (collect.ts), because a collector may send from a timer or callback after its
 *   gather ended, where a throw would reach nobody and end the process.
 * - Past `capacity`, `send` returns a promise that resolves once the consumer has taken the buffer.
 *   Awaiting it is how an async producer applies backpressure; all sends of one full buffer share
 *   one promise. The value is buffered either way: nothing is ever dropped.
 * - The consumer takes everything buffered in one step: iterating the channel yields **batches**
 *   (arrays), so draining 100k sends costs a handful of promises, not 100k. Where Go writes
 *   `for m := range ch`, write `for await (const batch of ch) for (const m of batch)`; `items()`
 *   yields single values for code where convenience matters more than speed.
 *
 * Counterpart: the buffered channels (`capMetricChan`, `capDescChan`) in client_golang's
 * registry.go.
 *
 * @module
 */

import { ChannelClosedError } from "./errors.js";

/** DefaultChannelCapacity is the number of values a channel buffers before `send` asks to wait. */
export const DefaultChannelCapacity = 4096;

/** ChannelOptions tunes a {@link Channel}. */
export interface ChannelOptions<T> {
  /**
   * onSendAfterClose, if given, receives every value sent after `close`; the send then returns
   * nothing instead of throwing {@link ChannelClosedError}. The hook must not throw.
   */
  onSendAfterClose?: (value: T) => void;
}

/** SendOnlyChannel is the side of a channel a collector sees, as Go's `chan<- T`. */
export interface SendOnlyChannel<T> {
  /**
   * send buffers value. It returns nothing while the buffer has room and a promise to await when it
   * is full. Once the channel is closed it throws {@link ChannelClosedError}, or drops the value
   * when the channel has an `onSendAfterClose` hook (every channel a gather hands out has one).
   */
  send(value: T): void | Promise<void>;
}

/** Channel is a buffered, closable, batch-draining channel of T. */
export class Channel<T> implements SendOnlyChannel<T>, AsyncIterable<T[]> {
  readonly capacity: number;
  #buffer: T[] = [];
  #closed = false;
  #wakeConsumer: (() => void) | undefined;
  #roomAvailable: Promise<void> | undefined;
  #signalRoom: (() => void) | undefined;
  readonly #onSendAfterClose: ((value: T) => void) | undefined;

  constructor(capacity: number = DefaultChannelCapacity, options: ChannelOptions<T> = {}) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`channel capacity must be a positive integer, got ${capacity}`);
    }
    this.capacity = capacity;
    this.#onSendAfterClose = options.onSendAfterClose;
  }

  /** closed reports whether close has been called. */
  get closed(): boolean {
    return this.#closed;
  }

  /** length is the number of values buffered and not yet taken. */
  get length(): number {
    return this.#buffer.length;
  }

  send(value: T): void | Promise<void> {
    if (this.#closed) return this.#sendAfterClose(value);
    const length = this.#buffer.push(value);
    if (length === 1 && this.#wakeConsumer !== undefined) this.#wake();
    if (length < this.capacity) return undefined;
    return (this.#roomAvailable ??= new Promise<void>((resolve) => (this.#signalRoom = resolve)));
  }

  /**
   * close ends the channel: buffered values can still be taken; further sends throw, or go to the
   * `onSendAfterClose` hook. Idempotent.
   */
  close(): void {
    this.#closed = true;
    if (this.#wakeConsumer !== undefined) this.#wake();
  }

  /** takeAll removes and returns everything buffered (possibly nothing), releasing waiting senders. */
  takeAll(): T[] {
    const taken = this.#buffer;
    if (taken.length === 0) return taken;
    this.#buffer = [];
    if (this.#signalRoom !== undefined) {
      const signal = this.#signalRoom;
      this.#signalRoom = undefined;
      this.#roomAvailable = undefined;
      signal();
    }
    return taken;
  }

  /** Iterating a channel yields the buffered values in batches until it is closed and empty. */
  async *[Symbol.asyncIterator](): AsyncGenerator<T[], void, undefined> {
    for (;;) {
      const batch = this.takeAll();
      if (batch.length > 0) {
        yield batch;
        continue;
      }
      if (this.#closed) return;
      await new Promise<void>((resolve) => (this.#wakeConsumer = resolve));
    }
  }

  /** items yields the values one at a time (one promise per value: prefer batches on hot paths). */
  async *items(): AsyncGenerator<T, void, undefined> {
    for await (const batch of this) yield* batch;
  }

  #sendAfterClose(value: T): undefined {
    if (this.#onSendAfterClose === undefined) throw new ChannelClosedError();
    this.#onSendAfterClose(value);
    return undefined;
  }

  #wake(): void {
    const wake = this.#wakeConsumer!;
    this.#wakeConsumer = undefined;
    wake();
  }
}
