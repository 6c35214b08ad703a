/**
 * Settable: the value that Gauge and Untyped share, which can be set, increased and decreased.
 *
 * Counterpart: client_golang's `gauge` struct in gauge.go (whose methods the old `Untyped` shared
 * too). Here one base class holds the value and its checks; the two types differ only in how
 * they are exposed (`# TYPE ... gauge` or `untyped`) and in what their messages call them.
 *
 * @module
 */

import type * as dto from "../model/index.js";
import { SelfCollector } from "./collector.js";
import { Desc } from "./desc.js";
import { InvalidValueError } from "./errors.js";
import { descFromOpts, type Opts } from "./metric.js";

/** Settable is the base of Gauge and Untyped. */
export abstract class Settable extends SelfCollector {
  readonly #kind: "gauge" | "untyped";
  readonly #desc: Desc;
  readonly #labelPairs: readonly dto.LabelPair[];
  #value = 0;
  /** The last written state, handed out again while the value is unchanged. */
  #written: dto.Metric | undefined;

  /** @internal From options, or from a vec's descriptor and a child's label pairs. */
  protected constructor(kind: "gauge" | "untyped", optsOrDesc: Opts | Desc, labelPairs?: readonly dto.LabelPair[]) {
    super();
    this.#kind = kind;
    this.#desc = optsOrDesc instanceof Desc ? optsOrDesc : descFromOpts(optsOrDesc, null);
    this.#labelPairs = labelPairs ?? this.#desc.constLabelPairs;
  }

  desc(): Desc {
    return this.#desc;
  }

  /** set sets the value to v. @throws {InvalidValueError} if v is not a number. */
  set(v: number): void {
    this.#value = this.#checked(v);
  }

  /** inc increments the value by 1. */
  inc(): void {
    this.#value++;
  }

  /** dec decrements the value by 1. */
  dec(): void {
    this.#value--;
  }

  /** add adds v (which may be negative). @throws {InvalidValueError} if v is not a number. */
  add(v: number): void {
    this.#value += this.#checked(v);
  }

  /** sub subtracts v. @throws {InvalidValueError} if v is not a number. */
  sub(v: number): void {
    this.#value -= this.#checked(v);
  }

  /** get returns the current value. */
  get(): number {
    return this.#value;
  }

  write(): dto.Metric {
    const value = this.#value;
    const written = this.#written;
    if (written !== undefined && Object.is((written.gauge ?? written.untyped)!.value, value)) return written;
    const label = this.#labelPairs;
    return (this.#written = this.#kind === "gauge" ? { label, gauge: { value } } : { label, untyped: { value } });
  }

  #checked(v: number): number {
    if (typeof v !== "number") throw new InvalidValueError(`${this.#kind} value must be a number, got ${typeof v}`);
    return v;
  }
}
