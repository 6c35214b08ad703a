/**
 * SettableColumns: where the values of a vec's gauges or untyped metrics live, one slot per series
 * (the columns behind settable.ts's handles; see series-table.ts for slots and serials).
 *
 * @module
 */

import type { Desc } from "../desc.js";
import type { Settable } from "../settable.js";
import type { RowKind, VecKind } from "./metric-map.js";

/** SettableColumns hold the values of gauge or untyped series, one per slot. */
export class SettableColumns<S extends Settable> implements VecKind<S> {
  readonly desc: Desc;
  readonly kind: "gauge" | "untyped";
  readonly rows: RowKind;
  serials: Int32Array;
  values: Float64Array;
  readonly #newHandle: (columns: SettableColumns<S>, slot: number, serial: number, labelValues: readonly string[]) => S;

  constructor(
    desc: Desc,
    kind: "gauge" | "untyped",
    newHandle: (columns: SettableColumns<S>, slot: number, serial: number, labelValues: readonly string[]) => S,
  ) {
    this.desc = desc;
    this.kind = kind;
    this.#newHandle = newHandle;
    this.serials = new Int32Array(1).fill(1);
    this.values = new Float64Array(1);
    this.rows = {
      type: kind,
      stride: () => 1,
      fill: (numbers, slots, from, to) => {
        const values = this.values;
        for (let row = from; row < to; row++) numbers[row] = values[slots[row]!]!;
      },
      extras: () => ({}),
    };
  }

  grow(capacity: number, used: number, serials: Int32Array): void {
    this.serials = serials;
    const values = new Float64Array(capacity);
    values.set(this.values.subarray(0, used));
    this.values = values;
  }

  init(slot: number): void {
    this.values[slot] = 0;
  }

  release(): void {}

  child(slot: number, serial: number, labelValues: readonly string[]): S {
    return this.#newHandle(this, slot, serial, labelValues);
  }

  /** detach copies a deleted slot's series into columns of its own (see internal/slot-handle.ts). */
  detach(slot: number, serial: number): SettableColumns<S> {
    const detached = new SettableColumns<S>(this.desc, this.kind, this.#newHandle);
    if (this.serials[slot] === -serial) detached.values[0] = this.values[slot]!;
    return detached;
  }
}
