/**
 * RowsFamily: a family's series as columns, the fast form a transactional gather may hand an
 * encoder instead of a {@link MetricFamily}.
 *
 * A gather returns client_model data, one `Metric` object per series. For a vec of a million
 * series that is a million objects (and their label pairs and values) made and dropped at every
 * scrape, when an encoder needs only bytes: each series' rendered label text and its numbers. So a
 * registry's transactional gather (see lib/prometheus/transactional.ts) hands the encoders the
 * series of a vec as rows: the label text of every row lies, escaped and rendered, in a byte
 * arena, and the numbers in one Float64Array. Every encoder of lib/expfmt accepts it
 * (`GatheredFamily`); `familyOfRows` in lib/expfmt turns it into a plain MetricFamily.
 *
 * It is plain data: no methods, no getters, no hidden properties. It is tagged by `rows: true`,
 * which a MetricFamily never has. The columns may be borrowed from the vec that made them: they
 * are valid until the transaction's `done()` is called.
 *
 * @module
 */

import type { Exemplar, LabelPair, MetricFamily } from "./metric-family.js";

/**
 * RowsFamily holds the rows of one family, in the order the family is written.
 *
 * Row `r`'s labels render as `pieces[0] + entry + pieces[width]`, where its entry is the UTF-8
 * text at `arena[textStart[slots[r]], textStart[slots[r]] + textLength[slots[r]])`: the row's
 * variable label values, escaped (lib/expfmt/label-text.ts), with `pieces[1..width-1]` between
 * them. The pieces hold the label names, quotes, commas and const labels, the same for every
 * row. With no variable labels (`width` 0) the one piece holds all the labels, or nothing.
 * The arena has at least 8 bytes of room after its last entry (an encoder may read words).
 */
export interface RowsFamily {
  /** The tag: a RowsFamily, not a MetricFamily. */
  readonly rows: true;
  readonly name: string;
  readonly help: string;
  /** counter, gauge or untyped; or histogram (classic buckets only). */
  readonly type: "counter" | "gauge" | "untyped" | "histogram";
  /** The number of rows. */
  readonly length: number;
  /** How many variable label values each row has (`pieces.length - 1`, or 0). */
  readonly width: number;
  /** The fixed label text around the values: `width + 1` pieces, or one with no variable labels. */
  readonly pieces: readonly string[];
  /** Per row, the index (slot) of its entry in textStart and textLength. */
  readonly slots: Int32Array;
  readonly arena: Uint8Array;
  readonly textStart: Uint32Array;
  readonly textLength: Uint32Array;
  /**
   * `stride` numbers per row. Gauge, untyped: the value. Counter: the value, the created
   * timestamp (ms; NaN for none). Histogram: the count, the sum, the created timestamp (ms), then the cumulative
   * count of each of {@link upperBounds}.
   */
  readonly numbers: Float64Array;
  readonly stride: number;
  /** The classic bucket bounds of a histogram (without `+Inf`). */
  readonly upperBounds?: Float64Array;
  /**
   * The exemplars of the few rows that have one, by row: for a counter one, for a histogram one
   * per bucket and one more for `+Inf` (undefined where there is none).
   */
  readonly exemplars?: ReadonlyMap<number, readonly (Exemplar | undefined)[]>;
  /**
   * Per row, its label pairs (sorted by name, frozen), when the gatherer has them at hand; else
   * they are parsed from the label text.
   */
  readonly labels?: readonly (readonly LabelPair[])[];
}

/**
 * newRowsFamily returns a RowsFamily of `fields`, with every field present in one fixed order (an
 * optional one left out is `undefined`). All rows families thus share one hidden class in V8, and
 * the encoders' compiled code stays valid from one scrape to the next (an object built with
 * spreads or added fields gets a class that dies with it; see lib/prometheus/internal/shapes.ts).
 */
export function newRowsFamily(fields: Omit<RowsFamily, "rows">): RowsFamily {
  return {
    rows: true,
    name: fields.name,
    help: fields.help,
    type: fields.type,
    length: fields.length,
    width: fields.width,
    pieces: fields.pieces,
    slots: fields.slots,
    arena: fields.arena,
    textStart: fields.textStart,
    textLength: fields.textLength,
    numbers: fields.numbers,
    stride: fields.stride,
    upperBounds: fields.upperBounds,
    exemplars: fields.exemplars,
    labels: fields.labels,
  };
}

/** GatheredFamily is what a transactional gather returns: a MetricFamily or a RowsFamily. */
export type GatheredFamily = MetricFamily | RowsFamily;

/** isRowsFamily tells a RowsFamily from a MetricFamily. */
export function isRowsFamily(family: GatheredFamily): family is RowsFamily {
  return (family as Partial<RowsFamily>).rows === true;
}
