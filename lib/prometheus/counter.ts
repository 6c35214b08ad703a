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
import { SelfCollector } from "./collector.js";
import { Desc } from "./desc.js";
import { InvalidValueError } from "./errors.js";
import { type ExemplarAdder, newExemplar } from "./exemplar.js";
import type { Labels } from "./labels.js";
import { type CounterOpts, descFromOpts } from "./metric.js";
import { MetricVec } from "./vec.js";
import { ValueFunc } from "./value.js";

/**
 * Counter is a metric that counts up. As in client_golang, integral increments are kept apart from
 * fractional ones, so that `inc` stays exact however many fractional `add`s happened. A counter
 * records when it was made (written as its created timestamp) and keeps the exemplar of the
 * latest {@link Counter.addWithExemplar}.
 */
export class Counter extends SelfCollector implements ExemplarAdder {
  readonly #desc: Desc;
  readonly #labelPairs: readonly dto.LabelPair[];
  readonly #createdTimestampMs = Date.now();
  #valInt = 0;
  #valFloat = 0;
  #exemplar: dto.Exemplar | undefined;
  /** The last written state, handed out again while the value is unchanged. */
  #written: dto.Metric | undefined;

  /** Creates a counter from options; the same as {@link newCounter}. */
  constructor(opts: CounterOpts);
  /** @internal Creates a child of a CounterVec. */
  constructor(desc: Desc, labelPairs: readonly dto.LabelPair[]);
  constructor(optsOrDesc: CounterOpts | Desc, labelPairs?: readonly dto.LabelPair[]) {
    super();
    this.#desc = optsOrDesc instanceof Desc ? optsOrDesc : descFromOpts(optsOrDesc, null);
    this.#labelPairs = labelPairs ?? this.#desc.constLabelPairs;
  }

  desc(): Desc {
    return this.#desc;
  }

  /** inc increments the counter by 1. */
  inc(): void {
    this.#valInt++;
  }

  /**
   * add adds v to the counter.
   * @throws {InvalidValueError} if v is negative ("counter cannot decrease in value") or NaN.
   */
  add(v: number): void {
    checkIncrement(v);
    if (Number.isInteger(v) && v <= Number.MAX_SAFE_INTEGER) this.#valInt += v;
    else this.#valFloat += v;
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
    if (exemplar !== undefined) this.#exemplar = exemplar;
  }

  /** get returns the current value. */
  get(): number {
    return this.#valFloat + this.#valInt;
  }

  write(): dto.Metric {
    const value = this.#valFloat + this.#valInt;
    const exemplar = this.#exemplar;
    const written = this.#written;
    if (written !== undefined && Object.is(written.counter!.value, value) && written.counter!.exemplar === exemplar) {
      return written;
    }
    const counter: dto.Counter =
      exemplar === undefined
        ? { value, createdTimestampMs: this.#createdTimestampMs }
        : { value, exemplar, createdTimestampMs: this.#createdTimestampMs };
    return (this.#written = { label: this.#labelPairs, counter });
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
  constructor(opts: CounterOpts, labelNames: readonly string[]) {
    const desc = descFromOpts(opts, labelNames);
    super(desc, (_labelValues, labelPairs) => new Counter(desc, labelPairs));
  }
}

/** newCounterVec creates a CounterVec (Go's `NewCounterVec`). */
export function newCounterVec(opts: CounterOpts, labelNames: readonly string[]): CounterVec {
  return new CounterVec(opts, labelNames);
}

/**
 * newCounterFunc creates a counter whose value is read from fn at each collection. fn must return
 * a value that only goes up. (Go's `NewCounterFunc`.)
 */
export function newCounterFunc(opts: CounterOpts, fn: () => number): ValueFunc {
  return new ValueFunc(descFromOpts(opts, null), "counter", fn);
}
