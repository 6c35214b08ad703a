/**
 * MetricVec, the collector that bundles the series of one metric name that differ in their label
 * values (the base of CounterVec, GaugeVec, HistogramVec, SummaryVec and UntypedVec).
 *
 * Counterpart: client_golang's vec.go (`MetricVec`, `metricMap`, `curriedLabelValue`). Go keeps a
 * child object per label-value combination in a map of hashes; here the series live in the
 * columns of a {@link SeriesTable} (series-table.ts), and a child is a handle on one of them, made
 * by the metric type's {@link VecKind}. A registry's gather takes a vec's children all at once,
 * as one rows family (lib/model/rows-family.ts, {@link MetricVec.collectRows}), instead of a
 * metric per child.
 *
 * A child held across the deletion of its series (delete, deleteLabelValues, deletePartialMatch,
 * reset) is *detached*: as in Go, what is written to it is no longer exported. Unlike Go's
 * orphan, it keeps its value only while its slot has not been given to another series (or the
 * vec reset), and starts from zero after that (docs/go-to-typescript.md). Children of an
 * {@link ObjectKind} (summaries) are objects and behave exactly as Go's.
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
import { LabelMismatchError, type MetricContext } from "./errors.js";
import {
  goQuote,
  type Labels,
  validateLabelValues,
  validateValuesInLabels,
} from "./labels.js";
import type { Metric } from "./metric.js";
import { limitSeries, newSeries, type SeriesLimitError, type SeriesLimitOpts, strictResultOf } from "./series-limit.js";
import { type SeriesColumns, SeriesTable } from "./internal/series-table.js";
import type { Slicer } from "./internal/slices.js";
import { type Result, resultOf } from "./value.js";
import { GatherChannel } from "./internal/gather-channel.js";
import { type Loans, ValueSpares } from "./internal/loans.js";

/** CurriedLabelValue fixes the value of the variable label at `index`. */
interface CurriedLabelValue {
  readonly index: number;
  readonly value: string;
}

/**
 * VecKind is what a metric type brings to a vec: the columns of its values, the handle that
 * `withLabelValues` returns for a slot, and, for the types the encoders write from columns, how
 * a gather copies rows into a rows family.
 */
export interface VecKind<M> extends SeriesColumns {
  /** child returns the metric of a live slot whose label values are `labelValues`. */
  child(slot: number, serial: number, labelValues: readonly string[]): M;
  /** How a gather takes this kind's series as rows; absent: metric by metric. */
  readonly rows?: RowKind;
}

/**
 * RowKind copies a kind's values into the numbers of a rows family (lib/model/rows-family.ts),
 * row by row. A gather calls `stride`, then `fill` over the rows (in slices, for many), then
 * `extras`.
 */
export interface RowKind {
  /** The family's type. */
  readonly type: dto.RowsFamily["type"];
  /** stride returns the numbers per row, or `undefined` when the series must go one by one now. */
  stride(): number | undefined;
  /**
   * fill copies the values of the series in slots[from, to) into rows from..to-1 of `numbers`,
   * writing every number of those rows: the array may hold an earlier gather's numbers.
   */
  fill(numbers: Float64Array, slots: Int32Array, from: number, to: number): void;
  /** extras returns the rows' exemplars (which are few) and, for histograms, the bucket bounds. */
  extras(slots: Int32Array): Pick<dto.RowsFamily, "exemplars" | "upperBounds">;
}

/** NewMetric makes a vec's child from its label values and its (sorted, immutable) label pairs. */
export type NewMetric<M> = (labelValues: readonly string[], labelPairs: readonly dto.LabelPair[]) => M;

/**
 * ObjectKind keeps one metric object per series, made by `newMetric`: summaries, whose state (a
 * sliding window of observations) is too rich for columns. (Histograms, native buckets included,
 * keep their state in HistogramColumns.) A child is the same object each time, and one held across
 * its deletion keeps its own value, as in Go.
 */
export class ObjectKind<M extends Metric> implements VecKind<M> {
  readonly #newMetric: NewMetric<M>;
  #children: (M | undefined)[] = [];

  constructor(newMetric: NewMetric<M>) {
    this.#newMetric = newMetric;
  }

  grow(_capacity: number, used: number): void {
    if (used === 0) this.#children = [];
  }

  init(slot: number, labelValues: readonly string[], labelPairs: () => readonly dto.LabelPair[]): void {
    this.#children[slot] = this.#newMetric(labelValues, labelPairs());
  }

  release(slot: number): void {
    this.#children[slot] = undefined;
  }

  child(slot: number): M {
    return this.#children[slot]!;
  }
}

/** How many rows are copied between two looks at the clock. */
const rowsPerCheck = 16384;

/** Up to this many rows are copied in one step, without a look at the clock. */
const syncRows = 1 << 17;

/**
 * dropDeleted marks, in `kept`, the rows from..to-1 whose series is deleted, making the mask on
 * the first such row; it returns the mask, or `undefined` while every row is kept.
 */
function dropDeleted(table: SeriesTable, slots: Int32Array, from: number, to: number, kept: Uint8Array | undefined): Uint8Array | undefined {
  const serials = table.serials;
  for (let row = from; row < to; row++) {
    if (serials[slots[row]!]! > 0) continue;
    kept ??= new Uint8Array(slots.length).fill(1);
    kept[row] = 0;
  }
  return kept;
}

/**
 * MetricVec is a collector of metrics of one descriptor, one per combination of variable label
 * values. It is usually used through its typed subclasses.
 */
export class MetricVec<M extends Metric> implements Collector {
  /** @internal The series, shared with curried views. */
  protected table: SeriesTable;
  /** @internal What the metric type stores per series, shared with curried views. */
  protected kind: VecKind<M>;
  /** @internal The curried label values of this view, sorted by index. */
  protected curry: readonly CurriedLabelValue[];
  /** @internal Value arrays that transactional gathers gave back, shared with curried views. */
  protected spares: ValueSpares;

  /** Creates a vec for `desc` whose series are stored as `kind` says, limited as `limit` says. */
  constructor(desc: Desc, kind: VecKind<M>, limit?: SeriesLimitOpts) {
    this.kind = kind;
    this.table = new SeriesTable(desc, kind);
    limitSeries(this.table, limit);
    this.curry = [];
    this.spares = new ValueSpares();
  }

  /** describe sends the vec's one descriptor. */
  describe(ch: SendOnlyChannel<Desc>): void {
    ch.send(this.table.desc);
  }

  /**
   * collect sends every child (of all curried views: they share the children), in the order a
   * gather sorts them when that order is at hand, so that the registry need not sort them. A
   * registry's own channel ({@link GatherChannel}) takes them all at once, as rows.
   */
  collect(ch: SendOnlyChannel<Metric>): void {
    if (ch instanceof GatherChannel && this.rowsAvailable() && ch.sendRows(this)) return;
    const table = this.table;
    const slots = table.ordered() ?? table.liveSlots();
    for (const slot of slots) {
      if (table.isLive(slot)) ch.send(this.kind.child(slot, table.serials[slot]!, table.valuesOf(slot)));
    }
  }

  /** @internal Whether {@link collectRows} can gather this vec now. */
  rowsAvailable(): boolean {
    return this.kind.rows?.stride() !== undefined && this.table.desc.err === undefined;
  }

  /**
   * @internal collectRows returns the children as a rows family, in order (see
   * lib/model/rows-family.ts); only when {@link rowsAvailable}. With `loans` (a transactional
   * gather), the numbers are a spare array, given back when the transaction is done; with
   * `withLabels` (a plain gather, which turns the rows into client_model data), the family
   * carries each row's label pairs.
   */
  async collectRows(slicer: Slicer, loans: Loans | undefined, withLabels: boolean): Promise<dto.RowsFamily> {
    const table = this.table;
    const kind = this.kind.rows!;
    const stride = kind.stride()!;
    // The order comes back with live slots only. The rows refer to it and to where the label
    // entries lie, as they are now (neither is changed in place later), and copy the values:
    // at once when they are few, else in slices.
    let slots = table.ordered() ?? (await table.orderedAsync());
    const text = table.shareText();
    const rows = slots.length;
    const copied = loans === undefined ? new Float64Array(rows * stride) : this.spares.take(rows * stride);
    let numbers = copied;
    if (rows <= syncRows) {
      kind.fill(numbers, slots, 0, rows);
    } else {
      // The table may change between slices (as Go's children may change while a gather writes
      // them one by one): a series deleted before its row is copied is left out; one deleted
      // later is kept with the value it had, as if it had been deleted after the gather. No slot
      // is reused meanwhile, so a slot listed holds its series or none.
      const unpin = table.pin();
      let kept: Uint8Array | undefined;
      try {
        for (let from = 0; from < rows; from += rowsPerCheck) {
          const to = Math.min(rows, from + rowsPerCheck);
          kind.fill(numbers, slots, from, to);
          kept = dropDeleted(table, slots, from, to, kept);
          if (slicer.due()) await slicer.yield();
        }
      } finally {
        unpin();
      }
      if (kept !== undefined) {
        slots = slots.filter((_, row) => kept[row] === 1);
        numbers = numbers.filter((_, i) => kept[Math.floor(i / stride)] === 1);
      }
    }
    // Lent only now that the rows are complete: an array still being filled when a gather was
    // aborted is never given back.
    loans?.add(copied, this.spares);
    const desc = table.desc;
    let labels: (readonly dto.LabelPair[])[] | undefined;
    if (withLabels) {
      labels = new Array<readonly dto.LabelPair[]>(slots.length);
      for (let row = 0; row < slots.length; row++) labels[row] = table.labelPairs(slots[row]!);
    }
    return {
      rows: true,
      name: desc.fqName,
      help: desc.help,
      type: kind.type,
      length: slots.length,
      width: table.width,
      pieces: table.layout.pieces,
      slots,
      ...text,
      numbers,
      stride,
      ...kind.extras(slots),
      ...(labels === undefined ? {} : { labels }),
    };
  }

  /**
   * getMetricWithLabelValues returns the child for the label values (in the order of the variable
   * labels, curried ones left out), creating it on first access. A vec full to its series limit
   * returns a {@link SeriesLimitError} for a new label set (see series-limit.ts).
   */
  getMetricWithLabelValues(...labelValues: string[]): Result<M> {
    return strictResultOf(() => this.withLabelValues(...labelValues));
  }

  /** getMetricWith returns the child for the labels map, creating it on first access (or a SeriesLimitError). */
  getMetricWith(labels: Labels | null): Result<M> {
    return strictResultOf(() => this.with(labels));
  }

  /**
   * withLabelValues works as getMetricWithLabelValues but throws on error, allowing
   * `vec.withLabelValues("404", "GET").inc()`. A vec full to its series limit returns its
   * overflow series for a new label set, and does not throw.
   * @throws {InconsistentCardinalityError} for a wrong number of values.
   * @throws {InvalidLabelValueError} for a value that is not valid UTF-8.
   */
  withLabelValues(...labelValues: string[]): M {
    const table = this.table;
    const expected = table.width - this.curry.length;
    if (labelValues.length !== expected) validateLabelValues(labelValues, expected, this.context());
    const values = this.curry.length === 0 ? labelValues : this.uncurry(labelValues);
    const slot = table.find(values);
    if (slot < 0) {
      validateLabelValues(labelValues, expected, this.context());
      return newSeries(table, this.kind, values);
    }
    return this.kind.child(slot, table.serials[slot]!, values);
  }

  /**
   * with works as getMetricWith but throws on error, allowing
   * `vec.with({ code: "404", method: "GET" }).inc()`.
   * @throws {InconsistentCardinalityError} for a wrong number of labels.
   * @throws {LabelMismatchError} for a missing or already curried label name.
   * @throws {InvalidLabelValueError} for a value that is not valid UTF-8.
   */
  with(labels: Labels | null): M {
    const table = this.table;
    const values = this.valuesFromLabels(labels);
    const slot = table.find(values);
    if (slot < 0) return newSeries(table, this.kind, values);
    return this.kind.child(slot, table.serials[slot]!, values);
  }

  /**
   * deleteLabelValues removes the child with these label values and reports whether there was
   * one. A wrong number of values is not an error; it just matches nothing.
   */
  deleteLabelValues(...labelValues: string[]): boolean {
    if (labelValues.length !== this.table.width - this.curry.length) return false;
    return this.deleteValues(this.uncurry(labelValues));
  }

  /** delete removes the child with these labels and reports whether there was one. */
  delete(labels: Labels | null): boolean {
    let values: readonly string[];
    try {
      values = this.valuesFromLabels(labels);
    } catch {
      return false;
    }
    return this.deleteValues(values);
  }

  /**
   * deletePartialMatch removes every child whose label values include all the given labels and
   * returns how many it removed. As in client_golang, a label curried in this view matches
   * nothing, and the view's curried values do not restrict what is deleted.
   */
  deletePartialMatch(labels: Labels | null): number {
    const table = this.table;
    const variable = table.desc.variableLabels;
    const wanted = Object.entries(this.labelMap(labels)).map(([name, value]) => ({ index: variable.indexOf(name), value }));
    if (wanted.some((w) => w.index < 0 || this.curry.some((c) => c.index === w.index))) return 0;
    let deleted = 0;
    for (const slot of table.liveSlots()) {
      const values = table.valuesOf(slot);
      if (wanted.every((w) => values[w.index] === w.value)) {
        table.delete(slot);
        deleted++;
      }
    }
    return deleted;
  }

  /** reset deletes all children (of all curried views). */
  reset(): void {
    this.table.clear();
  }

  /**
   * curryWith returns a view of this vec with the given labels fixed; the view shares the
   * children. Collecting or resetting the view acts on all children.
   */
  curryWith(labels: Labels | null): Result<this> {
    return resultOf(() => this.mustCurryWith(labels));
  }

  /**
   * mustCurryWith works as curryWith but throws on error.
   * @throws {LabelMismatchError} for a label already curried or not a variable label.
   */
  mustCurryWith(labels: Labels | null): this {
    labels = this.labelMap(labels);
    const variable = this.table.desc.variableLabels;
    const next: CurriedLabelValue[] = [];
    let iCurry = 0;
    for (let i = 0; i < variable.length; i++) {
      const name = variable[i]!;
      const given = Object.hasOwn(labels, name);
      if (iCurry < this.curry.length && this.curry[iCurry]!.index === i) {
        if (given) throw new LabelMismatchError(`label name ${goQuote(name)} is already curried`, this.context());
        next.push(this.curry[iCurry]!);
        iCurry++;
      } else if (given) {
        validateLabelValues([labels[name]!], 1, this.context());
        next.push({ index: i, value: labels[name]! });
      }
    }
    const unknown = this.curry.length + Object.keys(labels).length - next.length;
    if (unknown > 0) {
      throw new LabelMismatchError(`${unknown} unknown label(s) found during currying`, this.context());
    }
    // Subclass constructors take options, not a table, so the view is made from the prototype.
    // Such an object has no #private brand: that is why this class's helpers are `private`.
    const view = Object.create(Object.getPrototypeOf(this) as object) as this;
    return Object.assign(view, { table: this.table, kind: this.kind, curry: Object.freeze(next), spares: this.spares });
  }

  /** Deletes the series with these (full) label values, reporting whether there was one. */
  private deleteValues(values: readonly string[]): boolean {
    const slot = this.table.find(values);
    if (slot < 0) return false;
    this.table.delete(slot);
    return true;
  }

  /** Merges the curried values into the given ones, giving the full list. */
  private uncurry(labelValues: readonly string[]): string[] {
    const total = this.table.desc.variableLabels.length;
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

  private valuesFromLabels(given: Labels | null): string[] {
    const labels = this.labelMap(given);
    const variable = this.table.desc.variableLabels;
    validateValuesInLabels(given ?? null, variable.length - this.curry.length, this.context());
    const values: string[] = new Array<string>(variable.length);
    let iCurry = 0;
    for (let i = 0; i < variable.length; i++) {
      const name = variable[i]!;
      const given = Object.hasOwn(labels, name);
      if (iCurry < this.curry.length && this.curry[iCurry]!.index === i) {
        if (given) throw new LabelMismatchError(`label name ${goQuote(name)} is already curried`, this.context());
        values[i] = this.curry[iCurry++]!.value;
      } else {
        if (!given) throw new LabelMismatchError(`label name ${goQuote(name)} missing in label map`, this.context());
        values[i] = labels[name]!;
      }
    }
    return values;
  }

  /**
   * Checks that labels is a label map. `null` and `undefined` count as an empty map, as a nil
   * `prometheus.Labels` does in Go.
   * @throws {LabelMismatchError} for anything else that is not a plain object.
   */
  private labelMap(labels: Labels | null | undefined): Labels {
    if (labels === null || labels === undefined) return {};
    if (typeof labels !== "object" || Array.isArray(labels)) {
      throw new LabelMismatchError(`labels ${String(labels)} are not a label map`, this.context());
    }
    return labels;
  }

  /** The metric and its labels, for the properties of the errors this vec raises. */
  private context(): MetricContext {
    const desc = this.table.desc;
    return { fqName: desc.fqName, variableLabels: desc.variableLabels };
  }
}
