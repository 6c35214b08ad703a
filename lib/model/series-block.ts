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

/** SeriesBlock holds the rows of one family, in the order the family is written. */
export interface SeriesBlock {
  /** counter, gauge or untyped: one value per row; histogram: count, sum, cumulative buckets. */
  readonly type: MetricType;
  readonly rows: number;
  /** The bytes of the rendered label texts (`{a="1"}`, or nothing for no labels), UTF-8. */
  readonly arena: Uint8Array;
  readonly textStart: Uint32Array;
  readonly textLength: Uint32Array;
  /**
   * `stride` numbers per row. Counter, gauge, untyped: the value first. Histogram: the count,
   * the sum, then the cumulative count of each of {@link upperBounds}.
   */
  readonly numbers: Float64Array;
  readonly stride: number;
  /** The classic bucket bounds of a histogram block (without `+Inf`). */
  readonly upperBounds?: Float64Array;
  /** metricAt builds the client_model metric of a row. */
  metricAt(row: number): Metric;
}

const blocks = new WeakMap<MetricFamily, SeriesBlock>();

/**
 * familyOfBlock returns a family whose `metric` array is built from `block` the first time it is
 * read or replaced by an assignment.
 */
export function familyOfBlock(name: string, help: string | undefined, type: MetricType, block: SeriesBlock): MetricFamily {
  const family = (help === undefined ? { name, type } : { name, help, type }) as MetricFamily;
  const settle = (metric: Metric[]) => {
    Object.defineProperty(family, "metric", { value: metric, writable: true, enumerable: true, configurable: true });
    return metric;
  };
  Object.defineProperty(family, "metric", {
    enumerable: true,
    configurable: true,
    get: () => settle(metricsOfBlock(block)),
    set: (metric: Metric[]) => void settle(metric),
  });
  blocks.set(family, block);
  return family;
}

/**
 * blockOf returns the block of a family made by {@link familyOfBlock} whose `metric` has not been
 * read or replaced, or undefined: then `metric` is what the family holds.
 */
export function blockOf(family: MetricFamily): SeriesBlock | undefined {
  const block = blocks.get(family);
  if (block === undefined) return undefined;
  return Object.getOwnPropertyDescriptor(family, "metric")?.get === undefined ? undefined : block;
}

/** metricsOfBlock builds every row's metric. */
export function metricsOfBlock(block: SeriesBlock): Metric[] {
  const metrics = new Array<Metric>(block.rows);
  for (let row = 0; row < block.rows; row++) metrics[row] = block.metricAt(row);
  return metrics;
}

const decoder = new TextDecoder();

/** rowLabelText returns the rendered label text of a row. */
export function rowLabelText(block: SeriesBlock, row: number): string {
  const start = block.textStart[row]!;
  return decoder.decode(block.arena.subarray(start, start + block.textLength[row]!));
}

/**
 * labelPairsOfText reads label pairs back from their rendered text, `{a="x",b="y"}`, given the
 * names in the order they appear (sorted, as rendered). The result is sealed with the text.
 */
export function labelPairsOfText(text: string, names: readonly string[]): readonly LabelPair[] {
  const pairs: LabelPair[] = [];
  let pos = 1; // past "{"
  for (const name of names) {
    pos += name.length + 2; // past `name="`
    let value = "";
    let from = pos;
    for (;;) {
      const c = text.charCodeAt(pos);
      if (c === 0x22) break; // the closing quote
      if (c === 0x5c) {
        // An escape: \\, \" or \n.
        const escaped = text[pos + 1];
        value += text.slice(from, pos) + (escaped === "n" ? "\n" : escaped);
        pos += 2;
        from = pos;
      } else {
        pos++;
      }
    }
    value += text.slice(from, pos);
    pos += 2; // past `",` or `"}`
    pairs.push({ name, value });
  }
  return sealLabelPairs(pairs, text);
}
