/**
 * The merged counters, gauges and untyped samples as a {@link dto.RowsFamily}, for the primary's
 * transactional gather (primary.ts): the label text each worker sent, validated by the strict
 * parser of label-text.ts, goes into one byte arena, the merged values into one `Float64Array`,
 * and the text encoder writes the lines from those, without a `Metric` object per series. The
 * layout of the rows (order, arena, label pairs) is kept from one scrape to the next while the
 * workers send the same label texts ({@link RowLayouts}); the numbers are new at every scrape.
 * Nothing is borrowed: the transaction's `done()` has nothing to give back.
 *
 * Layout (lib/model/rows-family.ts): one variable piece per row (`width` 1) holding the whole
 * label text, `{a="1",b="2"}` or nothing, between two empty fixed pieces.
 *
 * @module
 */

import type * as dto from "../model/index.js";
import { newRowsFamily } from "../model/index.js";
import { compareUTF8 } from "../prometheus/index.js";
import { foldScalars, type MergedScalars } from "./combine.js";
import { labelPairs, type Part, SeriesPerCheck } from "./parts.js";
import type { MergeRule } from "./rules.js";
import { type Slicer, sortInSlices } from "./slices.js";

/**
 * fitsRows reports whether a family merged by `rule` can be written as rows: a counter, gauge or
 * untyped family combined into one series per label set, with help and no unit, whose series
 * carry nothing beside their values (no timestamps, no exemplars).
 */
export function fitsRows(parts: readonly Part[], rule: MergeRule): rule is Exclude<MergeRule, "worker" | "omit"> {
  const first = parts[0]!.wire;
  if (rule === "worker" || rule === "omit" || first.help === undefined || first.unit !== undefined) return false;
  if (first.type !== "counter" && first.type !== "gauge" && first.type !== "untyped") return false;
  return parts.every((p) => p.extras === undefined);
}

/**
 * rowsOf merges the parts of a family that {@link fitsRows} into its rows family, sorted as a
 * registry sorts them. The layout of the rows (the sort order, the label arena, the label pairs)
 * depends on the label texts alone: it is taken from `layouts` when the merged texts are those
 * of an earlier scrape, and made (each text parsed and checked, the series sorted) otherwise.
 * @throws {WireFormatError} for a label text the strict parser refuses.
 */
export async function rowsOf(
  parts: Part[],
  rule: Exclude<MergeRule, "worker" | "omit">,
  layouts: RowLayouts,
  slicer: Slicer,
): Promise<dto.RowsFamily> {
  const first = parts[0]!.wire;
  const merged = await foldScalars(parts, rule, slicer);
  const layout = layouts.get(first.name, merged.texts) ?? layouts.set(first.name, await layOut(parts[0]!, merged, slicer));
  const { order } = layout;
  const n = order.length;
  const stride = first.type === "counter" ? 2 : 1;
  const numbers = new Float64Array(n * stride);
  const { values, created } = merged;
  if (stride === 1) {
    for (let row = 0; row < n; row++) numbers[row] = values[order[row]!]!;
  } else {
    for (let row = 0; row < n; row++) {
      numbers[2 * row] = values[order[row]!]!;
      numbers[2 * row + 1] = created === undefined ? Number.NaN : created[order[row]!]!;
    }
  }
  return newRowsFamily({
    name: first.name,
    help: first.help ?? "",
    type: first.type as "counter" | "gauge" | "untyped",
    length: n,
    width: 1,
    pieces: ["", ""],
    slots: layout.slots,
    arena: layout.arena,
    textStart: layout.textStart,
    textLength: layout.textLength,
    numbers,
    stride,
    labels: layout.labels,
  });
}

/**
 * RowLayout is how the rows of one set of label texts are laid out: `order[row]` is the merged
 * series written at `row`, and the arena, offsets and label pairs are those of the rows, in row
 * order. Nothing in it is written to once it is made, so the rows families of several scrapes
 * share it.
 */
interface RowLayout {
  /** The merged label texts (in merge order) it was made for. */
  texts: readonly string[];
  order: Int32Array;
  slots: Int32Array;
  arena: Uint8Array;
  textStart: Uint32Array;
  textLength: Uint32Array;
  labels: readonly (readonly dto.LabelPair[])[];
}

/**
 * RowLayouts keeps the layout of each family's rows from one merge to the next, by family name,
 * as label-text.ts's LabelTexts keeps label pairs: a family whose workers send the same label texts as at
 * the last scrape (the usual case) is not parsed, checked or sorted again. A text that equals an
 * earlier one was checked when that layout was made. Layouts of families not merged for a whole
 * merge are forgotten.
 */
export class RowLayouts {
  #previous = new Map<string, RowLayout>();
  #current = new Map<string, RowLayout>();

  /** get returns the layout of family `name` made for exactly `texts`, or undefined. */
  get(name: string, texts: readonly string[]): RowLayout | undefined {
    const layout = this.#current.get(name) ?? this.#previous.get(name);
    if (layout === undefined || !sameTexts(layout.texts, texts)) return undefined;
    this.#current.set(name, layout);
    return layout;
  }

  /** set keeps `layout` for family `name` and returns it. */
  set(name: string, layout: RowLayout): RowLayout {
    this.#current.set(name, layout);
    return layout;
  }

  /** nextMerge starts a new generation: layouts the last merge did not use are dropped. */
  nextMerge(): void {
    this.#previous = this.#current;
    this.#current = new Map();
  }
}

function sameTexts(a: readonly string[], b: readonly string[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * layOut makes the layout of merged series: parses each label text (the strict parser of
 * label-text.ts, through the part's LabelTexts), sorts the series as a registry does, and writes
 * the texts into one arena in that order.
 * @throws {WireFormatError} for a label text the strict parser refuses.
 */
async function layOut(base: Part, merged: MergedScalars, slicer: Slicer): Promise<RowLayout> {
  const { texts, origins } = merged;
  const n = texts.length;
  const labels = new Array<readonly dto.LabelPair[]>(n);
  for (let i = 0; i < n; i++) {
    labels[i] = origins === undefined ? labelPairs(base, i) : labelPairs(origins[i]!.part, origins[i]!.series);
    if ((i & (SeriesPerCheck - 1)) === 0 && slicer.due()) await slicer.yield();
  }
  const order = Array.from({ length: n }, (_, i) => i);
  if (!isSorted(labels)) await sortInSlices(order, (a, b) => compareLabelSets(labels[a]!, labels[b]!), slicer);
  let bytes = 0;
  for (const text of texts) bytes += Buffer.byteLength(text);
  const arena = Buffer.alloc(bytes + 8); // the 8 bytes an encoder may read past the last entry
  const textStart = new Uint32Array(n);
  const textLength = new Uint32Array(n);
  for (let row = 0, at = 0; row < n; row++) {
    textStart[row] = at;
    textLength[row] = arena.write(texts[order[row]!]!, at);
    at += textLength[row]!;
    if ((row & (SeriesPerCheck - 1)) === 0 && slicer.due()) await slicer.yield();
  }
  return {
    texts,
    order: Int32Array.from(order),
    slots: Int32Array.from({ length: n }, (_, i) => i),
    arena,
    textStart,
    textLength,
    labels: order.map((i) => labels[i]!),
  };
}

/** compareLabelSets orders label sets as a registry orders a family's metrics (compareMetrics). */
function compareLabelSets(a: readonly dto.LabelPair[], b: readonly dto.LabelPair[]): number {
  if (a.length !== b.length) return a.length - b.length;
  for (let i = 0; i < a.length; i++) {
    const c = compareUTF8(a[i]!.value, b[i]!.value);
    if (c !== 0) return c;
  }
  return 0;
}

function isSorted(labels: readonly (readonly dto.LabelPair[])[]): boolean {
  for (let i = 1; i < labels.length; i++) if (compareLabelSets(labels[i - 1]!, labels[i]!) > 0) return false;
  return true;
}
