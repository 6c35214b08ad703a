/**
 * ConstRows: the const metrics (mustNewConstMetric) of one descriptor that a collector sent in
 * one gather, gathered as rows (lib/model/rows-family.ts) instead of one client_model metric each.
 *
 * The write-up's collector sends a const metric per series at every collect. Each one was checked
 * when it was made (a valid descriptor, label values of the right number, valid UTF-8), so the
 * registry does not check its labels again: it keeps each series' escaped label entry (the text
 * between the descriptor's fixed pieces, as a vec's table keeps it, see label-arena.ts) and its
 * value, notes whether the series arrive in order, and at the end sorts them if they did not and
 * reports repeated series. The encoders then write the rows as they write a vec's.
 *
 * There is no Go counterpart: Go's gather writes every const metric into a dto.Metric.
 *
 * @module
 */

import type * as dto from "../../model/index.js";
import { newRowsFamily } from "../../model/index.js";
import { Desc } from "../desc.js";
import { LabelLayout } from "./label-arena.js";
import { compareUTF8 } from "../labels.js";
import { type Slicer, sortInSlices } from "./slices.js";
import { keepShape } from "./shapes.js";
import { ConstValueMetric } from "../value.js";

/** The label layout of each descriptor whose const metrics were gathered as rows. */
const layouts = new WeakMap<Desc, LabelLayout>();

function layoutOf(desc: Desc): LabelLayout {
  let layout = layouts.get(desc);
  if (layout === undefined) {
    layout = new LabelLayout(desc);
    layouts.set(desc, layout);
  }
  return layout;
}

/** The bytes left free after the last entry of an arena (see lib/model/rows-family.ts). */
const arenaPadding = 8;

/** ConstRows collects the const metrics of one descriptor, in the order they come. */
export class ConstRows {
  readonly desc: Desc;
  readonly type: "counter" | "gauge" | "untyped";
  readonly #layout: LabelLayout;
  readonly metrics: ConstValueMetric[] = [];
  /** Whether every series came after the one before it (then none repeats). */
  #ordered = true;

  constructor(first: ConstValueMetric) {
    this.desc = first.desc();
    this.type = first.valueType as "counter" | "gauge" | "untyped";
    this.#layout = layoutOf(this.desc);
  }

  /** accepts reports whether `m` can join these rows: the same descriptor and value type. */
  accepts(m: ConstValueMetric): boolean {
    return m.desc() === this.desc && m.valueType === this.type;
  }

  add(m: ConstValueMetric): void {
    const metrics = this.metrics;
    if (this.#ordered && metrics.length > 0 && this.#compare(metrics[metrics.length - 1]!, m) >= 0) this.#ordered = false;
    metrics.push(m);
  }

  /**
   * compare orders two metrics by their label values, in the order of the label names. A method,
   * not a closure per instance: optimized code that calls a closure holds that closure, and would
   * be discarded with it after every gather (see shapes.ts).
   */
  #compare(a: ConstValueMetric, b: ConstValueMetric): number {
    const byName = this.#layout.byName;
    for (let j = 0; j < byName.length; j++) {
      const c = compareUTF8(a.labelValues[byName[j]!]!, b.labelValues[byName[j]!]!);
      if (c !== 0) return c;
    }
    return 0;
  }

  /**
   * order returns the rows in the order of their label values, sorting them in time slices if
   * they did not come in order. As in Go, the first of a series is kept and every later one that
   * repeats it is left out; `onRepeat` gets those, in the order they came.
   */
  async order(slicer: Slicer, onRepeat: (m: ConstValueMetric) => void): Promise<Int32Array> {
    const rows = new Int32Array(this.metrics.length);
    for (let i = 0; i < rows.length; i++) rows[i] = i;
    if (this.#ordered) return rows;
    const metrics = this.metrics;
    // Equal series sort by arrival, so the first of each comes first and is the one kept.
    await sortInSlices(rows, (a, b) => this.#compare(metrics[a]!, metrics[b]!) || a - b, slicer);
    let n = 0;
    let repeats: number[] | undefined;
    for (let i = 0; i < rows.length; i++) {
      if (n > 0 && this.#compare(metrics[rows[n - 1]!]!, metrics[rows[i]!]!) === 0) (repeats ??= []).push(rows[i]!);
      else rows[n++] = rows[i]!;
    }
    if (repeats === undefined) return rows;
    for (const i of repeats.sort((a, b) => a - b)) onRepeat(metrics[i]!);
    return rows.slice(0, n);
  }

  /**
   * arena writes every row's label entry (its values escaped, with the pieces between them, as
   * LabelLayout.entryText makes it) into one buffer, and returns it with where each entry lies.
   */
  #arena(): { arena: Buffer; textStart: Uint32Array; textLength: Uint32Array } {
    const metrics = this.metrics;
    const layout = this.#layout;
    const entries = new Array<string>(metrics.length);
    for (let i = 0; i < metrics.length; i++) entries[i] = layout.entryText(metrics[i]!.labelValues);
    // One string, encoded once: the engine's own joining and encoding beat a loop per character.
    const joined = entries.join("");
    const bytes = Buffer.byteLength(joined);
    const arena = Buffer.allocUnsafe(bytes + arenaPadding);
    arena.write(joined, 0, "utf8");
    arena.fill(0, bytes);
    const textStart = new Uint32Array(metrics.length);
    const textLength = new Uint32Array(metrics.length);
    const ascii = bytes === joined.length;
    let at = 0;
    for (let i = 0; i < entries.length; i++) {
      const length = ascii ? entries[i]!.length : Buffer.byteLength(entries[i]!);
      textStart[i] = at;
      textLength[i] = length;
      at += length;
    }
    return { arena, textStart, textLength };
  }

  /** rowsFamily makes the rows family of the rows in `order` (see {@link order}). */
  rowsFamily(order: Int32Array): dto.RowsFamily {
    const stride = this.type === "counter" ? 2 : 1;
    const numbers = new Float64Array(order.length * stride);
    for (let row = 0; row < order.length; row++) {
      numbers[row * stride] = this.metrics[order[row]!]!.value;
      if (stride === 2) numbers[row * stride + 1] = NaN; // no created timestamp
    }
    const desc = this.desc;
    const { arena, textStart, textLength } = this.#arena();
    return newRowsFamily({
      name: desc.fqName,
      help: desc.help,
      type: this.type,
      length: order.length,
      width: this.#layout.byName.length,
      pieces: this.#layout.pieces,
      slots: order,
      arena,
      textStart,
      textLength,
      numbers,
      stride,
    });
  }

  /** metricsOf returns the client_model metrics of the rows in `order`. */
  metricsOf(order: Int32Array): dto.Metric[] {
    return Array.from(order, (i) => this.metrics[i]!.write());
  }
}

// The rows of a gather die with it: one lives on so that their shape does (shapes.ts).
keepShape(new ConstRows(new ConstValueMetric(new Desc("shape", "An exemplar.", [], null), "gauge", 0.5, [])));
