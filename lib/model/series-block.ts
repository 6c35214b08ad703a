/**
 * Series blocks: a family's series as columns, for the encoders to write without building one
 * object per series.
 *
 * A gather returns client_model data, `MetricFamily` with one `Metric` object per series. For a vec
 * of a million series that is a million objects (and their label pairs and values) made and
 * dropped at every scrape, when the text encoder needs only bytes: each series' rendered label
 * text and its numbers. So when a family comes whole from one vec, the registry keeps the vec's
 * snapshot as a block: the rows in order, where each row's label text lies in a byte arena, and
 * the row's numbers. The family's `metric` array is built from the block the first time it is
 * read (and then is an ordinary array that belongs to the caller); an encoder that finds the
 * block unread writes straight from it.
 *
 * The snapshot is taken at gather time, as Go's `Write` calls are, so reading `metric` later gives
 * the values of the gather, not of the moment it is read.
 *
 * @module
 */

import { sealLabelPairs } from "./label-cache.js";
import type { LabelPair, Metric, MetricFamily, MetricType } from "./metric-family.js";

/**
 * SeriesBlock holds the rows of one family, in the order the family is written.
 *
 * A row's labels are written as `pieces[0] v[0] pieces[1] v[1] ... v[width-1] pieces[width]`:
 * the pieces hold the label names, quotes, commas and const labels, the same for every row, and
 * the `v` are the row's variable label values, escaped. The arena holds each row's entry, the
 * part from `v[0]` to `v[width-1]` (see {@link entryTexts}); the first and the last piece are
 * written around it. With no variable labels the one piece holds all the labels (or nothing).
 */
export interface SeriesBlock {
  /** counter, gauge or untyped; or histogram (classic buckets only). */
  readonly type: MetricType;
  readonly rows: number;
  /** How many variable label values each row has (`pieces.length - 1`). */
  readonly width: number;
  /** The fixed text around the values: `width + 1` pieces, the last one closing the labels. */
  readonly pieces: readonly string[];
  /**
   * The label entries (UTF-8), and where each one starts and its length in bytes: row `r`'s
   * entry is at `textStart[slots[r]]` (the arrays are shared with the vec, indexed by its slots).
   */
  readonly slots: Int32Array;
  readonly arena: Uint8Array;
  readonly textStart: Uint32Array;
  readonly textLength: Uint32Array;
  /**
   * `stride` numbers per row. Counter, gauge, untyped: the value first. Histogram: the count,
   * the sum, the created timestamp, then the cumulative count of each of {@link upperBounds}.
   */
  readonly numbers: Float64Array;
  readonly stride: number;
  /** The classic bucket bounds of a histogram block (without `+Inf`). */
  readonly upperBounds?: Float64Array;
  /** metricAt builds the client_model metric of a row. */
  metricAt(row: number): Metric;
}

/** Decodes arena bytes; a leading U+FEFF is part of a value, not a byte-order mark to drop. */
const decoder = new TextDecoder("utf-8", { ignoreBOM: true });
const encoder = new TextEncoder();

/**
 * entryTexts reads the escaped label values of the entry at arena[start, start+length): the
 * values in order, with `pieces[j]` between values j-1 and j. A value ends at an unescaped quote
 * (the start of the next piece) or at the end of the entry.
 */
export function entryTexts(arena: Uint8Array, start: number, length: number, pieces: readonly string[]): string[] {
  const width = pieces.length - 1;
  const texts = new Array<string>(width);
  const end = start + length;
  let at = start;
  for (let j = 0; j < width; j++) {
    if (j > 0) at += encoder.encode(pieces[j]!).length;
    const from = at;
    while (at < end && arena[at] !== 0x22) at += arena[at] === 0x5c ? 2 : 1;
    texts[j] = decoder.decode(arena.subarray(from, at));
  }
  return texts;
}

/** entryValues reads the label values of an entry (see {@link entryTexts}), unescaped. */
export function entryValues(arena: Uint8Array, start: number, length: number, pieces: readonly string[]): string[] {
  return entryTexts(arena, start, length, pieces).map(unescapeLabelValue);
}

/** unescapeLabelValue undoes the text format's escaping of a label value (`\\`, `\"`, `\n`). */
export function unescapeLabelValue(escaped: string): string {
  if (!escaped.includes("\\")) return escaped;
  return escaped.replace(/\\(.)/gs, (_, c: string) => (c === "n" ? "\n" : c));
}

/** Where a family made by {@link familyOfBlock} keeps its block (not enumerable). */
const blockKey: unique symbol = Symbol("block");

/** BlockFamily is a family made by {@link familyOfBlock}. */
type BlockFamily = MetricFamily & { readonly [blockKey]?: SeriesBlock };

/** settleMetric makes `metric` a plain data property of `family`, holding `metric`. */
function settleMetric(family: MetricFamily, metric: Metric[]): Metric[] {
  Object.defineProperty(family, "metric", { value: metric, writable: true, enumerable: true, configurable: true });
  return metric;
}

/**
 * The accessor of `metric` of every family made by {@link familyOfBlock}: one pair of functions
 * for all of them, finding the block through `this`. With a pair of closures per family (and the
 * block in a WeakMap), about 0.23 MB of each scavenge interval's families, blocks and values
 * survived V8's scavenges until the next full collection (measured with --trace-gc-nvp; which
 * old-generation object held them was not pinned down).
 */
const lazyMetric: PropertyDescriptor = {
  enumerable: true,
  configurable: true,
  get(this: MetricFamily): Metric[] {
    const block = Object.hasOwn(this, blockKey) ? (this as BlockFamily)[blockKey] : undefined;
    if (block !== undefined) return settleMetric(this, metricsOfBlock(block));
    // An object that inherits from such a family reads the family's metrics.
    const proto = Object.getPrototypeOf(this) as MetricFamily | null;
    return proto === null ? [] : proto.metric;
  },
  set(this: MetricFamily, metric: Metric[]): void {
    settleMetric(this, metric);
  },
};

/**
 * familyOfBlock returns a family whose `metric` array is built from `block` the first time it is
 * read or replaced by an assignment.
 */
export function familyOfBlock(name: string, help: string | undefined, type: MetricType, block: SeriesBlock): MetricFamily {
  const family = (help === undefined ? { name, type } : { name, help, type }) as MetricFamily;
  Object.defineProperty(family, "metric", lazyMetric);
  Object.defineProperty(family, blockKey, { value: block });
  return family;
}

/**
 * blockOf returns the block of a family made by {@link familyOfBlock} whose `metric` has not been
 * read or replaced, or undefined: then `metric` is what the family holds.
 */
export function blockOf(family: MetricFamily): SeriesBlock | undefined {
  if (!Object.hasOwn(family, blockKey)) return undefined;
  const block = (family as BlockFamily)[blockKey];
  return Object.getOwnPropertyDescriptor(family, "metric")?.get === undefined ? undefined : block;
}

/** metricsOfBlock builds every row's metric. */
export function metricsOfBlock(block: SeriesBlock): Metric[] {
  const metrics = new Array<Metric>(block.rows);
  for (let row = 0; row < block.rows; row++) metrics[row] = block.metricAt(row);
  return metrics;
}

/**
 * LabelTemplate says how a row's label pairs are made: sorted by name, each either a variable
 * label (its index among the row's values) or a const label.
 */
export type LabelTemplate = readonly ({ name: string; value: string } | { name: string; index: number })[];

/** rowLabelPairs builds a row's label pairs (sealed, with their text) from its entry. */
export function rowLabelPairs(block: SeriesBlock, row: number, template: LabelTemplate): readonly LabelPair[] {
  const slot = block.slots[row]!;
  const start = block.textStart[slot]!;
  const length = block.textLength[slot]!;
  const texts = entryTexts(block.arena, start, length, block.pieces);
  const pairs: LabelPair[] = template.map((t) => ({
    name: t.name,
    value: "value" in t ? t.value : unescapeLabelValue(texts[t.index]!),
  }));
  const pieces = block.pieces;
  const text = block.width === 0 ? pieces[0]! : pieces[0]! + decoder.decode(block.arena.subarray(start, start + length)) + pieces[block.width]!;
  return sealLabelPairs(pairs, text);
}
