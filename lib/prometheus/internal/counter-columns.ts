/**
 * CounterColumns: where the values of a vec's counters live, one slot per series (the columns
 * behind counter.ts's Counter handles; see series-table.ts for slots and serials).
 *
 * @module
 */

import type * as dto from "../../model/index.js";
import type { Counter } from "../counter.js";
import type { Desc } from "../desc.js";
import type { RowKind, VecKind } from "./metric-map.js";

/** NewCounterHandle makes the Counter that `withLabelValues` returns for a slot. */
export type NewCounterHandle = (columns: CounterColumns, slot: number, serial: number, labelValues: readonly string[]) => Counter;

/**
 * CounterColumns hold the values of counter series, per slot: the integral and the fractional
 * part of the value (kept apart as in client_golang, so that `inc` stays exact), the creation
 * time, and the exemplar of the few series that have one.
 */
export class CounterColumns implements VecKind<Counter> {
  readonly #newHandle: NewCounterHandle;
  readonly desc: Desc;
  serials: Int32Array;
  valInt: Float64Array;
  /** Made by the first fractional add: most counters only ever count whole numbers. */
  valFloat: Float64Array | undefined;
  #capacity = 1;
  /**
   * When each series was made, in ms after {@link createdBase}: four bytes a series instead of
   * eight, for 49 days after the vec was made; a series made later turns the column into
   * Float64Array offsets.
   */
  created: Uint32Array | Float64Array;
  readonly createdBase = Date.now();
  readonly exemplars = new Map<number, dto.Exemplar>();

  constructor(desc: Desc, newHandle: NewCounterHandle) {
    this.desc = desc;
    this.#newHandle = newHandle;
    this.serials = new Int32Array(1).fill(1);
    this.valInt = new Float64Array(1);
    this.created = new Uint32Array(1);
  }

  grow(capacity: number, used: number, serials: Int32Array): void {
    this.serials = serials;
    this.valInt = grown(this.valInt, capacity, used);
    if (this.valFloat !== undefined) this.valFloat = grown(this.valFloat, capacity, used);
    this.#capacity = capacity;
    const created = this.created instanceof Uint32Array ? new Uint32Array(capacity) : new Float64Array(capacity);
    created.set(this.created.subarray(0, used));
    this.created = created;
  }

  init(slot: number): void {
    this.valInt[slot] = 0;
    if (this.valFloat !== undefined) this.valFloat[slot] = 0;
    this.setCreated(slot, Date.now());
  }

  release(slot: number): void {
    this.exemplars.delete(slot);
  }

  /** setCreated records when a slot's series was made (Unix ms). */
  setCreated(slot: number, ms: number): void {
    const offset = ms - this.createdBase;
    if (this.created instanceof Uint32Array && !(offset >= 0 && offset <= 0xffffffff)) {
      this.created = Float64Array.from(this.created);
    }
    this.created[slot] = offset;
  }

  /** createdOf returns when a slot's series was made (Unix ms). */
  createdOf(slot: number): number {
    return this.createdBase + this.created[slot]!;
  }

  /** addFloat adds a fractional increment. */
  addFloat(slot: number, v: number): void {
    (this.valFloat ??= new Float64Array(this.#capacity))[slot] += v;
  }

  /** detach copies a deleted slot's series into columns of its own (see internal/slot-handle.ts). */
  detach(slot: number, serial: number): CounterColumns {
    const detached = new CounterColumns(this.desc, this.#newHandle);
    if (this.serials[slot] === -serial) {
      detached.valInt[0] = this.valInt[slot]!;
      if (this.valFloat !== undefined) detached.addFloat(0, this.valFloat[slot]!);
      detached.setCreated(0, this.createdOf(slot));
    }
    return detached;
  }

  /** valueOf returns a slot's value: the fractional part plus the integral one, as in Go. */
  valueOf(slot: number): number {
    return (this.valFloat === undefined ? 0 : this.valFloat[slot]!) + this.valInt[slot]!;
  }

  child(slot: number, serial: number, labelValues: readonly string[]): Counter {
    return this.#newHandle(this, slot, serial, labelValues);
  }

  /** Per row: the value, then the created timestamp. */
  readonly rows: RowKind = {
    type: "counter",
    stride: () => 2,
    fill: (numbers, slots, from, to) => {
      const { valInt, valFloat, created } = this;
      for (let row = from; row < to; row++) {
        const slot = slots[row]!;
        numbers[2 * row] = (valFloat === undefined ? 0 : valFloat[slot]!) + valInt[slot]!;
        numbers[2 * row + 1] = this.createdBase + created[slot]!;
      }
    },
    extras: (slots) => {
      if (this.exemplars.size === 0) return {};
      const exemplars = new Map<number, readonly dto.Exemplar[]>();
      for (let row = 0; row < slots.length; row++) {
        const exemplar = this.exemplars.get(slots[row]!);
        if (exemplar !== undefined) exemplars.set(row, [exemplar]);
      }
      return { exemplars };
    },
  };
}

/** grown returns a copy of `from` with room for `capacity` values, keeping the first `used`. */
export function grown(from: Float64Array, capacity: number, used: number): Float64Array {
  const to = new Float64Array(capacity);
  to.set(from.subarray(0, used));
  return to;
}

