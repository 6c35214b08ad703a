/**
 * MetricVec, the collector that bundles the series of one metric name that differ in their label
 * values (the base of CounterVec, GaugeVec, HistogramVec, SummaryVec and UntypedVec).
 *
 * Counterpart: client_golang's vec.go (`MetricVec`, `metricMap`, `curriedLabelValue`). Go hashes
 * label values and resolves collisions; here a Map keyed by an unambiguous string does both.
 * Children are created once per label-value combination and keep their (immutable, sorted) label
 * pairs, so a scrape does not rebuild them.
 *
 * Fallible methods come in two forms, as in Go: `getMetricWith...` and `curryWith` return a
 * {@link Result}; `with`, `withLabelValues` and `mustCurryWith` throw.
 *
 * @module
 */

import type * as dto from "../model/index.js";
import type { SendOnlyChannel } from "./channel.js";
import type { Collector } from "./collector.js";
import type { Desc } from "./desc.js";
import { LabelMismatchError } from "./errors.js";
import {
  compareUTF8,
  goQuote,
  goSlice,
  type Labels,
  validateLabelValues,
  validateValuesInLabels,
} from "./labels.js";
import type { Metric } from "./metric.js";
import { Slicer, sortInSlices } from "./slices.js";
import { checkedLabelPairs, makeLabelPairs, type Result, resultOf } from "./value.js";

/** CurriedLabelValue fixes the value of the variable label at `index`. */
interface CurriedLabelValue {
  readonly index: number;
  readonly value: string;
}

interface Child<M> {
  readonly labelPairs: readonly dto.LabelPair[];
  readonly metric: M;
  /** Set when the child is deleted, so that the order lists can drop it lazily. */
  deleted: boolean;
}

/** NewMetric makes a vec's child from its label values and its (sorted, immutable) label pairs. */
export type NewMetric<M> = (labelValues: readonly string[], labelPairs: readonly dto.LabelPair[]) => M;

/** Reordering work up to this many children is done inside collect; more goes to time slices. */
const syncReorderLimit = 50_000;

/**
 * The state shared by a vec and all its curried views: the children by key, and their order.
 *
 * A gather wants the children sorted by label values. Rather than sort them at every scrape, the
 * store keeps a sorted list and the children added since; when a scrape needs the order, the
 * (few) new children are sorted and merged in, and deleted ones dropped. Work too large for one
 * step (the first scrape after creating a million series) is done in time slices in the
 * background; meanwhile collect sends the children unsorted and the registry sorts them, in slices
 * too.
 */
class ChildStore<M extends Metric> {
  readonly desc: Desc;
  readonly #newMetric: NewMetric<M>;
  readonly #children = new Map<string, Child<M>>();
  #sorted: Child<M>[] = [];
  #added: Child<M>[] = [];
  #hasDeleted = false;
  #generation = 0;
  #reordering: Promise<void> | undefined;

  constructor(desc: Desc, newMetric: NewMetric<M>) {
    this.desc = desc;
    this.#newMetric = newMetric;
  }

  get(key: string): Child<M> | undefined {
    return this.#children.get(key);
  }

  /** create makes and stores the child for already validated label values. */
  create(key: string, values: readonly string[]): M {
    const labelPairs = this.desc.err === undefined ? checkedLabelPairs(this.desc, values) : makeLabelPairs(this.desc, values);
    const metric = this.#newMetric(values, labelPairs);
    const child: Child<M> = { labelPairs, metric, deleted: false };
    this.#children.set(key, child);
    this.#added.push(child);
    return metric;
  }

  delete(key: string): boolean {
    const child = this.#children.get(key);
    if (child === undefined) return false;
    this.#children.delete(key);
    child.deleted = true;
    this.#hasDeleted = true;
    return true;
  }

  /** deleteWhere removes the children matching the predicate and returns how many. */
  deleteWhere(predicate: (child: Child<M>) => boolean): number {
    let deleted = 0;
    for (const [key, child] of this.#children) {
      if (predicate(child)) {
        this.delete(key);
        deleted++;
      }
    }
    return deleted;
  }

  clear(): void {
    for (const child of this.#children.values()) child.deleted = true;
    this.#children.clear();
    this.#sorted = [];
    this.#added = [];
    this.#hasDeleted = false;
    this.#generation++;
  }

  /**
   * ordered returns the live children sorted by label values, or, while large reordering work is
   * being done in the background, `undefined` (then use `unordered`).
   */
  ordered(): readonly Child<M>[] | undefined {
    if (this.#reordering !== undefined) return undefined;
    if (this.#added.length === 0 && !this.#hasDeleted) return this.#sorted;
    if (this.#added.length + (this.#hasDeleted ? this.#sorted.length : 0) <= syncReorderLimit) {
      this.#sorted = mergeChildren(this.#sorted, this.#added.sort(compareChildren), this.#hasDeleted);
      this.#added = [];
      this.#hasDeleted = false;
      return this.#sorted;
    }
    this.#reordering = this.#reorderInSlices().finally(() => (this.#reordering = undefined));
    return undefined;
  }

  /** unordered returns the live children in insertion order. */
  unordered(): IterableIterator<Child<M>> {
    return this.#children.values();
  }

  async #reorderInSlices(): Promise<void> {
    const generation = this.#generation;
    const added = this.#added;
    this.#added = [];
    this.#hasDeleted = false;
    const slicer = new Slicer();
    await sortInSlices(added, compareChildren, slicer);
    await slicer.yield();
    const merged = mergeChildren(this.#sorted, added, true);
    if (generation !== this.#generation) return;
    this.#sorted = merged;
  }
}

/** compareChildren orders children by their label values, as a gather orders series. */
function compareChildren<M>(a: Child<M>, b: Child<M>): number {
  return compareLabelValues(a.labelPairs, b.labelPairs);
}

/** mergeChildren merges two sorted lists, dropping deleted children when asked. */
function mergeChildren<M>(sorted: readonly Child<M>[], added: readonly Child<M>[], dropDeleted: boolean): Child<M>[] {
  const out: Child<M>[] = [];
  let i = 0;
  let j = 0;
  while (i < sorted.length || j < added.length) {
    const next =
      j >= added.length || (i < sorted.length && compareChildren(sorted[i]!, added[j]!) <= 0) ? sorted[i++]! : added[j++]!;
    if (!dropDeleted || !next.deleted) out.push(next);
  }
  return out;
}

/** compareLabelValues orders label-pair arrays of equal names by their values (UTF-8 order). */
function compareLabelValues(a: readonly dto.LabelPair[], b: readonly dto.LabelPair[]): number {
  for (let i = 0; i < a.length; i++) {
    const c = compareUTF8(a[i]!.value, b[i]!.value);
    if (c !== 0) return c;
  }
  return 0;
}

/**
 * MetricVec is a collector of metrics of one descriptor, one per combination of variable label
 * values. It is usually used through its typed subclasses.
 */
export class MetricVec<M extends Metric> implements Collector {
  /** @internal The children, shared with curried views. */
  protected store: ChildStore<M>;
  /** @internal The curried label values of this view, sorted by index. */
  protected curry: readonly CurriedLabelValue[];

  /**
   * Creates a vec for `desc`. `newMetric` makes the child for a full list of label values (in the
   * order of the descriptor's variable labels).
   */
  constructor(desc: Desc, newMetric: NewMetric<M>) {
    this.store = new ChildStore(desc, newMetric);
    this.curry = [];
  }

  /** describe sends the vec's one descriptor. */
  describe(ch: SendOnlyChannel<Desc>): void {
    ch.send(this.store.desc);
  }

  /**
   * collect sends every child (of all curried views: they share the children), in the order a
   * gather sorts them when that order is at hand, so that the registry need not sort them.
   */
  collect(ch: SendOnlyChannel<Metric>): void {
    const ordered = this.store.ordered();
    if (ordered === undefined) {
      for (const child of this.store.unordered()) ch.send(child.metric);
      return;
    }
    for (const child of ordered) if (!child.deleted) ch.send(child.metric);
  }

  /**
   * getMetricWithLabelValues returns the child for the label values (in the order of the variable
   * labels, curried ones left out), creating it on first access.
   */
  getMetricWithLabelValues(...labelValues: string[]): Result<M> {
    return resultOf(() => this.withLabelValues(...labelValues));
  }

  /** getMetricWith returns the child for the labels map, creating it on first access. */
  getMetricWith(labels: Labels): Result<M> {
    return resultOf(() => this.with(labels));
  }

  /**
   * withLabelValues works as getMetricWithLabelValues but throws on error, allowing
   * `vec.withLabelValues("404", "GET").inc()`.
   * @throws {InconsistentCardinalityError} for a wrong number of values.
   * @throws {InvalidLabelValueError} for a value that is not valid UTF-8.
   */
  withLabelValues(...labelValues: string[]): M {
    const store = this.store;
    const expected = store.desc.variableLabels.length - this.curry.length;
    if (labelValues.length !== expected) validateLabelValues(labelValues, expected, this.context());
    const values = this.curry.length === 0 ? labelValues : this.uncurry(labelValues);
    const key = childKey(values);
    const child = store.get(key);
    if (child !== undefined) return child.metric;
    validateLabelValues(labelValues, expected, this.context());
    return this.store.create(key, values);
  }

  /**
   * with works as getMetricWith but throws on error, allowing
   * `vec.with({ code: "404", method: "GET" }).inc()`.
   * @throws {InconsistentCardinalityError} for a wrong number of labels.
   * @throws {LabelMismatchError} for a missing or already curried label name.
   * @throws {InvalidLabelValueError} for a value that is not valid UTF-8.
   */
  with(labels: Labels): M {
    const values = this.valuesFromLabels(labels);
    const key = childKey(values);
    return this.store.get(key)?.metric ?? this.store.create(key, values);
  }

  /**
   * deleteLabelValues removes the child with these label values and reports whether there was
   * one. A wrong number of values is not an error; it just matches nothing.
   */
  deleteLabelValues(...labelValues: string[]): boolean {
    if (labelValues.length !== this.store.desc.variableLabels.length - this.curry.length) return false;
    return this.store.delete(childKey(this.uncurry(labelValues)));
  }

  /** delete removes the child with these labels and reports whether there was one. */
  delete(labels: Labels): boolean {
    let values: readonly string[];
    try {
      values = this.valuesFromLabels(labels);
    } catch {
      return false;
    }
    return this.store.delete(childKey(values));
  }

  /**
   * deletePartialMatch removes every child whose label values include all the given labels and
   * returns how many it removed. As in client_golang, a label curried in this view matches
   * nothing, and the view's curried values do not restrict what is deleted.
   */
  deletePartialMatch(labels: Labels): number {
    const variable = this.store.desc.variableLabels;
    const wanted = Object.entries(labels).map(([name, value]) => ({ index: variable.indexOf(name), value }));
    if (wanted.some((w) => w.index < 0 || this.curry.some((c) => c.index === w.index))) return 0;
    const pairs = wanted.map((w) => ({ name: variable[w.index]!, value: w.value }));
    return this.store.deleteWhere((child) => pairs.every((p) => child.labelPairs.some((lp) => lp.name === p.name && lp.value === p.value)));
  }

  /** reset deletes all children (of all curried views). */
  reset(): void {
    this.store.clear();
  }

  /**
   * curryWith returns a view of this vec with the given labels fixed; the view shares the
   * children. Collecting or resetting the view acts on all children.
   */
  curryWith(labels: Labels): Result<this> {
    return resultOf(() => this.mustCurryWith(labels));
  }

  /**
   * mustCurryWith works as curryWith but throws on error.
   * @throws {LabelMismatchError} for a label already curried or not a variable label.
   */
  mustCurryWith(labels: Labels): this {
    const variable = this.store.desc.variableLabels;
    const next: CurriedLabelValue[] = [];
    let iCurry = 0;
    for (let i = 0; i < variable.length; i++) {
      const name = variable[i]!;
      const given = Object.hasOwn(labels, name);
      if (iCurry < this.curry.length && this.curry[iCurry]!.index === i) {
        if (given) throw new LabelMismatchError(`label name ${goQuote(name)} is already curried${this.context()}`);
        next.push(this.curry[iCurry]!);
        iCurry++;
      } else if (given) {
        validateLabelValues([labels[name]!], 1, this.context());
        next.push({ index: i, value: labels[name]! });
      }
    }
    const unknown = this.curry.length + Object.keys(labels).length - next.length;
    if (unknown > 0) {
      throw new LabelMismatchError(`${unknown} unknown label(s) found during currying${this.context()}`);
    }
    // Subclass constructors take options, not a store, so the view is made from the prototype.
    // Such an object has no #private brand: that is why this class's helpers are `private`.
    const view = Object.create(Object.getPrototypeOf(this) as object) as this;
    return Object.assign(view, { store: this.store, curry: Object.freeze(next) });
  }

  /** Merges the curried values into the given ones, giving the full list. */
  private uncurry(labelValues: readonly string[]): string[] {
    const total = this.store.desc.variableLabels.length;
    const values: string[] = new Array<string>(total);
    let iCurry = 0;
    let iValue = 0;
    for (let i = 0; i < total; i++) {
      if (iCurry < this.curry.length && this.curry[iCurry]!.index === i) {
        values[i] = this.curry[iCurry++]!.value;
      } else {
        values[i] = labelValues[iValue++]!;
      }
    }
    return values;
  }

  private valuesFromLabels(labels: Labels): string[] {
    const variable = this.store.desc.variableLabels;
    validateValuesInLabels(labels, variable.length - this.curry.length, this.context());
    const values: string[] = new Array<string>(variable.length);
    let iCurry = 0;
    for (let i = 0; i < variable.length; i++) {
      const name = variable[i]!;
      const given = Object.hasOwn(labels, name);
      if (iCurry < this.curry.length && this.curry[iCurry]!.index === i) {
        if (given) throw new LabelMismatchError(`label name ${goQuote(name)} is already curried${this.context()}`);
        values[i] = this.curry[iCurry++]!.value;
      } else {
        if (!given) throw new LabelMismatchError(`label name ${goQuote(name)} missing in label map${this.context()}`);
        values[i] = labels[name]!;
      }
    }
    return values;
  }

  /** The suffix that names the metric and its labels in error messages. */
  private context(): string {
    const desc = this.store.desc;
    return ` (metric ${goQuote(desc.fqName)} with variable labels ${goSlice(desc.variableLabels)})`;
  }
}

/**
 * childKey turns label values into an unambiguous map key: the value itself when there is one,
 * else the values length-prefixed and joined (join makes one flat string, where `+=` would keep a
 * chain of pieces alive in the map).
 */
function childKey(values: readonly string[]): string {
  if (values.length === 1) return values[0]!;
  const parts = new Array<string>(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    // A value that is not a string matches no child; creating one validates and rejects it.
    parts[i] = typeof v === "string" ? v.length + ":" + v : "?";
  }
  return parts.join("");
}
