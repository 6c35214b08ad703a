/**
 * Settable: the value that Gauge and Untyped share, which can be set, increased and decreased.
 *
 * Counterpart: client_golang's `gauge` struct in gauge.go (whose methods the old `Untyped` shared
 * too). Here one base class holds the value logic and its checks; the two types differ only in
 * how they are exposed (`# TYPE ... gauge` or `untyped`) and in what their messages call them.
 *
 * A Settable is a handle on a slot of {@link SettableColumns}: the values of a whole vec live in
 * one Float64Array (see series-table.ts), and a metric made on its own has columns of one slot.
 * A handle whose series has been deleted from its vec is detached (see vec.ts).
 *
 * @module
 */

import type * as dto from "../model/index.js";
import type { Desc } from "./desc.js";
import { InvalidValueError } from "./errors.js";
import { SlotHandle } from "./internal/slot-handle.js";
import { descFromOpts, type Opts } from "./metric.js";
import { labelPairsOf } from "./value.js";
import type { RowKind, VecKind } from "./internal/metric-map.js";

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

/** Settable is the base of Gauge and Untyped. */
export abstract class Settable extends SlotHandle<SettableColumns<Settable>> {

  /** @internal From options, or as a handle on a vec's slot. */
  protected constructor(
    kind: "gauge" | "untyped",
    optsOrColumns: Opts | SettableColumns<Settable>,
    slot = 0,
    serial = 1,
    labelValues?: readonly string[],
  ) {
    const columns =
      optsOrColumns instanceof SettableColumns
        ? optsOrColumns
        : new SettableColumns<Settable>(descFromOpts(optsOrColumns, null), kind, () => {
            throw new Error("a lone metric's columns make no children");
          });
    super(columns, slot, serial, labelValues);
  }

  desc(): Desc {
    return this.columns.desc;
  }

  /** set sets the value to v. @throws {InvalidValueError} if v is not a number. */
  set(v: number): void {
    const checked = this.#checked(v);
    this.live().values[this.slot] = checked;
  }

  /** inc increments the value by 1. */
  inc(): void {
    this.live().values[this.slot]++;
  }

  /** dec decrements the value by 1. */
  dec(): void {
    this.live().values[this.slot]--;
  }

  /** add adds v (which may be negative). @throws {InvalidValueError} if v is not a number. */
  add(v: number): void {
    const checked = this.#checked(v);
    this.live().values[this.slot] += checked;
  }

  /** sub subtracts v. @throws {InvalidValueError} if v is not a number. */
  sub(v: number): void {
    const checked = this.#checked(v);
    this.live().values[this.slot] -= checked;
  }

  /** get returns the current value. */
  get(): number {
    return this.live().values[this.slot]!;
  }

  write(): dto.Metric {
    const columns = this.live();
    const value = columns.values[this.slot]!;
    const label = labelPairsOf(columns.desc, this.labelValues);
    return columns.kind === "gauge" ? { label, gauge: { value } } : { label, untyped: { value } };
  }

  #checked(v: number): number {
    if (typeof v !== "number") throw new InvalidValueError(`${this.columns.kind} value must be a number, got ${typeof v}`);
    return v;
  }
}
