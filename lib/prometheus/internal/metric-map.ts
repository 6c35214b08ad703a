/**
 * MetricMap: the series of a vec and how a gather takes them, the machinery behind
 * {@link MetricVec} (vec.ts).
 *
 * Counterpart: the `metricMap` of client_golang's vec.go, which `MetricVec` embeds: it holds the
 * children, creates them on first access, deletes them and collects them. Go keeps a child object
 * per label-value combination in a map of hashes; here the series live in the columns of a
 * {@link SeriesTable}, and a child is a handle on one of them (a slot), made by the metric type's
 * {@link VecKind}. A registry's gather takes all the children at once, as one rows family
 * (lib/model/rows-family.ts, {@link MetricMap.collectRows}), instead of a metric per child.
 *
 * @module
 */

import type * as dto from "../../model/index.js";
import { newRowsFamily } from "../../model/index.js";
import type { SendOnlyChannel } from "../channel.js";
import type { Desc } from "../desc.js";
import type { Metric } from "../metric.js";
import { newSeries } from "../series-limit.js";
import { GatherChannel, type RowsSource } from "./gather-channel.js";
import { type Loans, ValueSpares } from "./loans.js";
import { type SeriesColumns, SeriesTable } from "./series-table.js";
import type { Slicer } from "./slices.js";

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

/**
 * How many rows are copied between two looks at the clock: few enough to take well under a
 * millisecond even before V8 has optimized the copy (the first scrape of a process).
 */
const rowsPerCheck = 2048;

/** Up to this many rows are copied in one step, without a look at the clock. */
const syncRows = 1 << 14;

/** MetricMap holds the series of one vec; the vec and its curried views share it. */
export class MetricMap<M extends Metric> implements RowsSource {
  /** The series: label values, serials, the gather order. */
  readonly table: SeriesTable;
  /** What the metric type stores per series. */
  readonly kind: VecKind<M>;
  /** Value arrays that transactional gathers gave back, held weakly (see loans.ts). */
  readonly spares = new ValueSpares();

  constructor(desc: Desc, kind: VecKind<M>) {
    this.kind = kind;
    this.table = new SeriesTable(desc, kind);
  }

  /** desc is the vec's descriptor. */
  get desc(): Desc {
    return this.table.desc;
  }

  /**
   * collect sends every child, in the order a gather sorts them when that order is at hand, so
   * that the registry need not sort them. A registry's own channel ({@link GatherChannel}) takes
   * them all at once, as rows (see {@link collectRows}).
   */
  collect(ch: SendOnlyChannel<Metric>): void {
    if (ch instanceof GatherChannel && this.#rowsAvailable() && ch.sendRows(this)) return;
    const table = this.table;
    const slots = table.ordered() ?? table.liveSlots();
    for (const slot of slots) {
      if (table.isLive(slot)) ch.send(this.kind.child(slot, table.serials[slot]!, table.valuesOf(slot)));
    }
  }

  /** width is the number of variable labels, i.e. the label values of a series. */
  get width(): number {
    return this.table.width;
  }

  /**
   * getOrCreateMetricWithLabelValues returns the child for these (full) label values, creating its
   * series on first access (or, for a vec full to its series limit, the overflow series: see
   * series-limit.ts). `checkNew` runs before a series is created and may throw: the values of a
   * series that exists were checked when it was created, so only new ones need it.
   */
  getOrCreateMetricWithLabelValues(values: readonly string[], checkNew?: () => void): M {
    const table = this.table;
    const slot = table.find(values);
    if (slot >= 0) return this.kind.child(slot, table.serials[slot]!, values);
    checkNew?.();
    return newSeries(table, this.kind, values);
  }

  /** deleteByLabelValues deletes the series with these (full) label values, reporting whether there was one. */
  deleteByLabelValues(values: readonly string[]): boolean {
    const slot = this.table.find(values);
    if (slot < 0) return false;
    this.table.delete(slot);
    return true;
  }

  /**
   * deletePartialMatch deletes every series whose label value at each wanted index equals the
   * wanted value, and returns how many it deleted.
   */
  deletePartialMatch(wanted: readonly { index: number; value: string }[]): number {
    const table = this.table;
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

  /** reset deletes every series. */
  reset(): void {
    this.table.clear();
  }

  /** Whether {@link collectRows} can gather the series now. */
  #rowsAvailable(): boolean {
    return this.kind.rows?.stride() !== undefined && this.table.desc.err === undefined;
  }

  /**
   * collectRows returns the children as a rows family, in order (see lib/model/rows-family.ts).
   * With `loans` (a transactional gather), the numbers are a spare array (a new one when there is
   * none, or a full collection has freed them), given back when the transaction is done; with
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
    const { exemplars, upperBounds } = kind.extras(slots);
    return newRowsFamily({
      name: desc.fqName,
      help: desc.help,
      type: kind.type,
      length: slots.length,
      width: table.width,
      pieces: table.layout.pieces,
      slots,
      arena: text.arena,
      textStart: text.textStart,
      textLength: text.textLength,
      numbers,
      stride,
      upperBounds,
      exemplars,
      labels,
    });
  }
}

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
