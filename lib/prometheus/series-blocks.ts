/**
 * The blocks a vec hands a registry at gather time (see lib/model/series-block.ts): its rows in
 * order, their label texts, and a copy of their values taken now.
 *
 * There is no Go counterpart: client_golang's gather calls `Write` on every child. These blocks
 * are what a gather of counters, gauges, untyped metrics and classic histograms turns into here,
 * and what the text encoder writes from; `metricAt` gives the same client_model data `write` gives.
 *
 * @module
 */

import type * as dto from "../model/index.js";
import { rowLabelPairs } from "../model/index.js";
import type { LabelLayout } from "./label-arena.js";
import type { RowSnapshot } from "./vec.js";

/** Exemplars of some rows (most rows have none). */
export type RowExemplars = ReadonlyMap<number, dto.Exemplar>;

/** RowsBlock holds what every block has: the rows, where their labels lie, their numbers. */
abstract class RowsBlock implements dto.SeriesBlock {
  abstract readonly type: dto.MetricType;
  readonly rows: number;
  readonly width: number;
  readonly pieces: readonly string[];
  readonly slots: Int32Array;
  readonly arena: Uint8Array;
  readonly textStart: Uint32Array;
  readonly textLength: Uint32Array;
  readonly numbers: Float64Array;
  readonly stride: number;
  readonly #layout: LabelLayout;

  constructor(rows: RowSnapshot, numbers: Float64Array, stride: number) {
    this.rows = rows.slots.length;
    this.width = rows.layout.byName.length;
    this.pieces = rows.layout.pieces;
    this.slots = rows.slots;
    this.arena = rows.arena;
    this.textStart = rows.textStart;
    this.textLength = rows.textLength;
    this.numbers = numbers;
    this.stride = stride;
    this.#layout = rows.layout;
  }

  abstract metricAt(row: number): dto.Metric;

  /** labelsAt returns a row's label pairs. */
  protected labelsAt(row: number): readonly dto.LabelPair[] {
    return rowLabelPairs(this, row, this.#layout.template);
  }
}

/**
 * ScalarBlock holds counter, gauge or untyped rows: per row the value and, for counters, the
 * created timestamp.
 */
export class ScalarBlock extends RowsBlock {
  readonly type: "counter" | "gauge" | "untyped";
  readonly #exemplars: RowExemplars | undefined;

  constructor(
    type: "counter" | "gauge" | "untyped",
    rows: RowSnapshot,
    numbers: Float64Array,
    stride: number,
    exemplars?: RowExemplars,
  ) {
    super(rows, numbers, stride);
    this.type = type;
    this.#exemplars = exemplars;
  }

  metricAt(row: number): dto.Metric {
    const label = this.labelsAt(row);
    const value = this.numbers[row * this.stride]!;
    if (this.type === "gauge") return { label, gauge: { value } };
    if (this.type === "untyped") return { label, untyped: { value } };
    const createdTimestampMs = this.numbers[row * this.stride + 1]!;
    const exemplar = this.#exemplars?.get(row);
    return { label, counter: exemplar === undefined ? { value, createdTimestampMs } : { value, exemplar, createdTimestampMs } };
  }
}

/**
 * HistogramBlock holds classic histogram rows: per row the count, the sum, the created
 * timestamp and the cumulative count of every bucket bound, with the exemplars aside.
 */
export class HistogramBlock extends RowsBlock {
  readonly type = "histogram" as const;
  readonly upperBounds: Float64Array;
  /** Per row with exemplars: one per bucket and one for `+Inf`. */
  readonly #exemplars: ReadonlyMap<number, readonly (dto.Exemplar | undefined)[]>;

  constructor(
    rows: RowSnapshot,
    upperBounds: Float64Array,
    numbers: Float64Array,
    exemplars: ReadonlyMap<number, readonly (dto.Exemplar | undefined)[]>,
  ) {
    super(rows, numbers, 3 + upperBounds.length);
    this.upperBounds = upperBounds;
    this.#exemplars = exemplars;
  }

  metricAt(row: number): dto.Metric {
    const label = this.labelsAt(row);
    const at = row * this.stride;
    const sampleCount = this.numbers[at]!;
    const exemplars = this.#exemplars.get(row);
    const bucket: dto.Bucket[] = [];
    for (let k = 0; k < this.upperBounds.length; k++) {
      const exemplar = exemplars?.[k];
      const cumulativeCount = this.numbers[at + 3 + k]!;
      const upperBound = this.upperBounds[k]!;
      bucket.push(exemplar === undefined ? { cumulativeCount, upperBound } : { cumulativeCount, upperBound, exemplar });
    }
    const infExemplar = exemplars?.[this.upperBounds.length];
    if (infExemplar !== undefined) bucket.push({ cumulativeCount: sampleCount, upperBound: Infinity, exemplar: infExemplar });
    const histogram: dto.Histogram = {
      sampleCount,
      sampleSum: this.numbers[at + 1]!,
      bucket,
      createdTimestampMs: this.numbers[at + 2]!,
    };
    return { label, histogram };
  }
}
