/**
 * The merged counters, gauges and untyped samples as a {@link dto.RowsFamily}, for the primary's
 * transactional gather (primary.ts): the label text each worker sent, already validated by the
 * strict parser of label-text.ts, goes into one byte arena, the merged values into one
 * `Float64Array`, and the text encoder writes the lines from those, without a `Metric` object
 * per series. The rows own their arrays (nothing is borrowed): the transaction's `done()` has
 * nothing to give back.
 *
 * Layout (lib/model/rows-family.ts): one variable piece per row (`width` 1) holding the whole
 * label text, `{a="1",b="2"}` or nothing, between two empty fixed pieces.
 *
 * @module
 */

import type * as dto from "../model/index.js";
import { compareUTF8 } from "../prometheus/index.js";
import type { Acc } from "./combine.js";
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
 * rowsOf makes the rows family of merged series, sorted as a registry sorts them.
 * @throws {WireFormatError} for a label text the strict parser refuses.
 */
export async function rowsOf(parts: readonly Part[], accs: readonly Acc[], rule: MergeRule, slicer: Slicer): Promise<dto.RowsFamily> {
  const first = parts[0]!.wire;
  const n = accs.length;
  const labels = new Array<readonly dto.LabelPair[]>(n);
  for (let i = 0; i < n; i++) {
    labels[i] = labelPairs(accs[i]!.part, accs[i]!.series);
    if ((i & (SeriesPerCheck - 1)) === 0 && slicer.due()) await slicer.yield();
  }
  const order = Array.from({ length: n }, (_, i) => i);
  if (!isSorted(labels)) await sortInSlices(order, (a, b) => compareLabelSets(labels[a]!, labels[b]!), slicer);
  const texts = order.map((i) => accs[i]!.part.wire.labels[accs[i]!.series]!);
  let bytes = 0;
  for (const text of texts) bytes += Buffer.byteLength(text);
  const arena = Buffer.alloc(bytes + 8); // the 8 bytes an encoder may read past the last entry
  const textStart = new Uint32Array(n);
  const textLength = new Uint32Array(n);
  const stride = first.type === "counter" ? 2 : 1;
  const numbers = new Float64Array(n * stride);
  for (let row = 0, at = 0; row < n; row++) {
    const acc = accs[order[row]!]!;
    textStart[row] = at;
    textLength[row] = arena.write(texts[row]!, at);
    at += textLength[row]!;
    numbers[row * stride] = rule === "average" ? acc.value / acc.n : acc.value;
    if (stride === 2) numbers[row * stride + 1] = acc.createdTimestampMs ?? Number.NaN;
    if ((row & (SeriesPerCheck - 1)) === 0 && slicer.due()) await slicer.yield();
  }
  return {
    rows: true,
    name: first.name,
    help: first.help ?? "",
    type: first.type as "counter" | "gauge" | "untyped",
    length: n,
    width: 1,
    pieces: ["", ""],
    slots: Int32Array.from({ length: n }, (_, i) => i),
    arena,
    textStart,
    textLength,
    numbers,
    stride,
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
