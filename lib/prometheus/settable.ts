/**
 * Settable: the value that Gauge and Untyped share, which can be set, increased and decreased.
 *
 * Counterpart: client_golang's `gauge` struct in gauge.go (whose methods the old `Untyped` shared
 * too). Here one base class holds the value logic and its checks; the two types differ only in
 * how they are exposed (`# TYPE ... gauge` or `untyped`) and in what their messages call them.
 *
 * A Settable is a handle on a slot of SettableColumns (internal/settable-columns.ts): the values of a whole vec live in
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
import { SettableColumns } from "./internal/settable-columns.js";

export { SettableColumns };

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
