/**
 * Counter: a cumulative metric that only goes up (or resets to zero when the process restarts).
 * Use it for requests served, tasks completed, errors occurred. Never for a value that can go down.
 *
 * Counterpart: client_golang's counter.go (`Counter`, `NewCounter`, `CounterVec`,
 * `NewCounterVec`, `CounterFunc`, `NewCounterFunc`).
 *
 * @module
 */

import type * as dto from "../model/index.js";
import { SelfCollector } from "./collector.js";
import { Desc } from "./desc.js";
import { InvalidValueError } from "./errors.js";
import { type CounterOpts, descFromOpts } from "./metric.js";
import { MetricVec } from "./vec.js";
import { ValueFunc } from "./value.js";

/**
 * Counter is a metric that counts up. As in client_golang, integral increments are kept apart from
 * fractional ones, so that `inc` stays exact however many fractional `add`s happened.
 */
export class Counter extends SelfCollector {
  readonly #desc: Desc;
  readonly #labelPairs: readonly dto.LabelPair[];
  #valInt = 0;
  #valFloat = 0;
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
    if (typeof v !== "number" || !(v >= 0)) {
      throw new InvalidValueError(
        Number.isNaN(v) || typeof v !== "number"
          ? `counter cannot be increased by ${String(v)}`
          : "counter cannot decrease in value",
      );
    }
    if (Number.isInteger(v) && v <= Number.MAX_SAFE_INTEGER) this.#valInt += v;
    else this.#valFloat += v;
  }

  /** get returns the current value. */
  get(): number {
    return this.#valFloat + this.#valInt;
  }

  write(): dto.Metric {
    const value = this.#valFloat + this.#valInt;
    const written = this.#written;
    if (written !== undefined && Object.is(written.counter!.value, value)) return written;
    return (this.#written = { label: this.#labelPairs, counter: { value } });
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
