/**
 * Counter: a cumulative metric that only goes up (or resets to zero when the process restarts).
 * Use it for requests served, tasks completed, errors occurred. Never for a value that can go down.
 *
 * Counterpart: client_golang's counter.go (`Counter`, `NewCounter`, `CounterVec`,
 * `NewCounterVec`, `CounterFunc`, `NewCounterFunc`, `AddWithExemplar`), with the creation time
 * that client_golang records since 1.17 (`createdTs`).
 *
 * @module
 */

import type * as dto from "../model/index.js";
import type { Desc } from "./desc.js";
import { InvalidValueError } from "./errors.js";
import { type ExemplarAdder, newExemplar } from "./exemplar.js";
import type { Labels } from "./labels.js";
import { SlotHandle } from "./internal/slot-handle.js";
import { type CounterOpts, descFromOpts } from "./metric.js";
import { labelPairsOf, ValueFunc } from "./value.js";
import { CounterColumns } from "./internal/counter-columns.js";
import { MetricVec } from "./vec.js";
import type { SeriesLimitOpts } from "./series-limit.js";

/**
 * Counter is a metric that counts up. As in client_golang, integral increments are kept apart from
 * fractional ones, so that `inc` stays exact however many fractional `add`s happened. A counter
 * records when it was made (written as its created timestamp) and keeps the exemplar of the
 * latest {@link Counter.addWithExemplar}.
 *
 * A Counter is a handle on a slot of CounterColumns (internal/counter-columns.ts): a vec's counters share columns, and a
 * counter made on its own has columns of one slot. A handle whose series has been deleted from
 * its vec is detached (see vec.ts).
 */
export class Counter extends SlotHandle<CounterColumns> implements ExemplarAdder {

  /** Creates a counter from options; the same as {@link newCounter}. */
  constructor(opts: CounterOpts);
  /** @internal A handle on a slot of a CounterVec. */
  constructor(columns: CounterColumns, slot: number, serial: number, labelValues: readonly string[]);
  constructor(optsOrColumns: CounterOpts | CounterColumns, slot = 0, serial = 1, labelValues?: readonly string[]) {
    const columns =
      optsOrColumns instanceof CounterColumns ? optsOrColumns : new CounterColumns(descFromOpts(optsOrColumns, null), newCounterHandle);
    super(columns, slot, serial, labelValues);
  }

  desc(): Desc {
    return this.columns.desc;
  }

  /** inc increments the counter by 1. */
  inc(): void {
    this.live().valInt[this.slot]++;
  }

  /**
   * add adds v to the counter.
   * @throws {InvalidValueError} if v is negative ("counter cannot decrease in value") or NaN.
   */
  add(v: number): void {
    checkIncrement(v);
    const columns = this.live();
    if (Number.isInteger(v) && v <= Number.MAX_SAFE_INTEGER) columns.valInt[this.slot] += v;
    else columns.addFloat(this.slot, v);
  }

  /**
   * addWithExemplar adds v like {@link Counter.add} and replaces the exemplar with one made of v,
   * the current time and `labels` (Go's `AddWithExemplar`). Empty labels make an exemplar without
   * labels; undefined labels keep the current exemplar. Both the value and the exemplar are
   * checked before anything changes (Go adds first, then panics on a bad exemplar).
   * @throws {InvalidValueError} as add does.
   * @throws {InvalidExemplarError} for an invalid label name or value, or over 128 runes of labels.
   * @example
   * ```ts
   * requests.addWithExemplar(1, { trace_id: "4bf92f3577b34da6" });
   * ```
   */
  addWithExemplar(v: number, labels?: Labels): void {
    checkIncrement(v);
    const exemplar = labels === undefined ? undefined : newExemplar(v, Date.now(), labels);
    this.add(v);
    if (exemplar !== undefined) this.columns.exemplars.set(this.slot, exemplar);
  }

  /** get returns the current value. */
  get(): number {
    const columns = this.live();
    return columns.valueOf(this.slot);
  }

  write(): dto.Metric {
    const columns = this.live();
    const slot = this.slot;
    const value = columns.valueOf(slot);
    const exemplar = columns.exemplars.get(slot);
    const createdTimestampMs = columns.createdOf(slot);
    const counter: dto.Counter =
      exemplar === undefined ? { value, createdTimestampMs } : { value, exemplar, createdTimestampMs };
    return { label: labelPairsOf(columns.desc, this.labelValues), counter };
  }
}

/**
 * checkIncrement rejects what a counter cannot be increased by.
 * @throws {InvalidValueError} "counter cannot decrease in value" for a negative v, or
 * "counter cannot be increased by ..." for NaN or a non-number.
 */
function checkIncrement(v: number): void {
  if (typeof v !== "number" || !(v >= 0)) {
    throw new InvalidValueError(
      Number.isNaN(v) || typeof v !== "number" ? `counter cannot be increased by ${String(v)}` : "counter cannot decrease in value",
    );
  }
}

/** newCounterHandle makes the handle CounterColumns hand out for a vec's slot. */
function newCounterHandle(columns: CounterColumns, slot: number, serial: number, labelValues: readonly string[]): Counter {
  return new Counter(columns, slot, serial, labelValues);
}

/** newCounter creates a counter from options (Go's `NewCounter`). */
export function newCounter(opts: CounterOpts): Counter {
  return new Counter(opts);
}

/**
 * CounterVec bundles counters of one name that differ in their label values, e.g. HTTP requests
 * by status code and method.
 */
export class CounterVec extends MetricVec<Counter> {
  /** Creates a counter vec; the same as {@link newCounterVec}. */
  constructor(opts: CounterOpts & SeriesLimitOpts, labelNames: readonly string[]) {
    const desc = descFromOpts(opts, labelNames);
    super(desc, new CounterColumns(desc, newCounterHandle), opts);
  }
}

/** newCounterVec creates a CounterVec (Go's `NewCounterVec`). */
export function newCounterVec(opts: CounterOpts & SeriesLimitOpts, labelNames: readonly string[]): CounterVec {
  return new CounterVec(opts, labelNames);
}

/**
 * newCounterFunc creates a counter whose value is read from fn at each collection. fn must return
 * a value that only goes up. (Go's `NewCounterFunc`.)
 */
export function newCounterFunc(opts: CounterOpts, fn: () => number): ValueFunc {
  return new ValueFunc(descFromOpts(opts, null), "counter", fn);
}
