/**
 * Untyped: a value whose type is unknown or does not matter, exposed as `# TYPE name untyped`.
 * Prefer a counter or a gauge; untyped exists for values relayed from other systems.
 *
 * Counterpart: client_golang's untyped.go (`UntypedOpts`, `UntypedFunc`, `NewUntypedFunc`).
 * client_golang dropped its settable `Untyped` and `UntypedVec` in v0.9; they are kept here,
 * shaped like Gauge, so that every value type has a live and a vec form.
 *
 * @module
 */

import { descFromOpts, type UntypedOpts } from "./metric.js";
import { Settable, SettableColumns } from "./settable.js";
import { MetricVec } from "./vec.js";
import type { SeriesLimitOpts } from "./series-limit.js";
import { ValueFunc } from "./value.js";

/** Untyped is a settable metric exposed without a type. */
export class Untyped extends Settable {
  /** Creates an untyped metric from options; the same as {@link newUntyped}. */
  constructor(opts: UntypedOpts);
  /** @internal A handle on a slot of an UntypedVec. */
  constructor(columns: SettableColumns<Untyped>, slot: number, serial: number, labelValues: readonly string[]);
  constructor(optsOrColumns: UntypedOpts | SettableColumns<Untyped>, slot?: number, serial?: number, labelValues?: readonly string[]) {
    super("untyped", optsOrColumns as UntypedOpts | SettableColumns<Settable>, slot, serial, labelValues);
  }
}

/** newUntyped creates an untyped metric from options. */
export function newUntyped(opts: UntypedOpts): Untyped {
  return new Untyped(opts);
}

/** UntypedVec bundles untyped metrics of one name that differ in their label values. */
export class UntypedVec extends MetricVec<Untyped> {
  /** Creates an untyped vec; the same as {@link newUntypedVec}. */
  constructor(opts: UntypedOpts & SeriesLimitOpts, labelNames: readonly string[]) {
    const desc = descFromOpts(opts, labelNames);
    super(desc, new SettableColumns<Untyped>(desc, "untyped", (columns, slot, serial, values) => new Untyped(columns, slot, serial, values)), opts);
  }
}

/** newUntypedVec creates an UntypedVec. */
export function newUntypedVec(opts: UntypedOpts & SeriesLimitOpts, labelNames: readonly string[]): UntypedVec {
  return new UntypedVec(opts, labelNames);
}

/** newUntypedFunc creates an untyped metric read from fn at each collection (Go's `NewUntypedFunc`). */
export function newUntypedFunc(opts: UntypedOpts, fn: () => number): ValueFunc {
  return new ValueFunc(descFromOpts(opts, null), "untyped", fn);
}
