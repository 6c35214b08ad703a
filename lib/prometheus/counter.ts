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
import type { RowKind, VecKind } from "./internal/metric-map.js";
import { MetricVec } from "./vec.js";
import type { SeriesLimitOpts } from "./series-limit.js";

/**
 * CounterColumns hold the values of counter series, per slot: the integral and the fractional
 * part of the value (kept apart as in client_golang, so that `inc` stays exact), the creation
 * time, and the exemplar of the few series that have one.
 */
export class CounterColumns implements VecKind<Counter> {
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

  constructor(desc: Desc) {
    this.desc = desc;
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
    const detached = new CounterColumns(this.desc);
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
    return new Counter(this, slot, serial, labelValues);
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

/**
 * Counter is a metric that counts up. As in client_golang, integral increments are kept apart from
 * fractional ones, so that `inc` stays exact however many fractional `add`s happened. A counter
 * records when it was made (written as its created timestamp) and keeps the exemplar of the
 * latest {@link Counter.addWithExemplar}.
 *
 * A Counter is a handle on a slot of {@link CounterColumns}: a vec's counters share columns, and a
 * counter made on its own has columns of one slot. A handle whose series has been deleted from
 * its vec is detached (see vec.ts).
 */
export class Counter extends SlotHandle<CounterColumns> implements ExemplarAdder {

  /** Creates a counter from options; the same as {@link newCounter}. */
  constructor(opts: CounterOpts);
  /** @internal A handle on a slot of a CounterVec. */
  constructor(columns: CounterColumns, slot: number, serial: number, labelValues: readonly string[]);
  constructor(optsOrColumns: CounterOpts | CounterColumns, slot = 0, serial = 1, labelValues?: readonly string[]) {
    const columns = optsOrColumns instanceof CounterColumns ? optsOrColumns : new CounterColumns(descFromOpts(optsOrColumns, null));
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

/** grown returns a copy of `from` with room for `capacity` values, keeping the first `used`. */
export function grown(from: Float64Array, capacity: number, used: number): Float64Array {
  const to = new Float64Array(capacity);
  to.set(from.subarray(0, used));
  return to;
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
    super(desc, new CounterColumns(desc), opts);
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
