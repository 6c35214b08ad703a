/**
 * The wire form of a worker's families: what a cluster worker sends to the primary over the IPC
 * channel, and how the primary reads it back.
 *
 * No client_golang counterpart (Go has no cluster of processes); prom-client sends
 * `getMetricsAsJSON()` objects. Here a family travels as columns: the labels of all its series
 * as one string, each series' rendered label text (label-text.ts) on a line of its own, and every
 * number of the family in one `Float64Array` whose bytes are sent as a base64 string. That form
 * - is exact: NaN, ±Inf and -0 are IEEE bytes, not JSON numbers, so they survive either of
 *   node:cluster's serializations (`"json"`, the default, or `"advanced"`);
 * - is cheap on the primary: a few strings per family instead of one object per series and per
 *   label (measured in docs/cluster.md: 10,000 series as plain objects take ~30 ms to
 *   deserialize with `"advanced"`, as columns under 1 ms), and a label column that equals one
 *   seen before is not split or parsed again (label-text.ts's LabelTexts).
 *
 * Created timestamps have a column of their own when a family has any. What is rare rides beside
 * the columns as plain data, per series: timestamps, exemplars and native-histogram fields
 * ({@link WireExtra}).
 *
 * A worker gathers through the transactional seam (lib/prometheus/transactional.ts), and a
 * registry hands a vec's series over as a {@link dto.RowsFamily}: the label column is copied
 * byte by byte from its arena and pieces and decoded once, the numbers copied from its columns,
 * its few exemplars read from its exemplar map, and no object is made per series. The rows are borrowed: {@link toWire} copies what it needs, so
 * the transaction's `done()` may be called as soon as it returns. A plain client_model family is
 * read metric by metric, its labels rendered by lib/expfmt's `labelsText`.
 *
 * @module
 */

import { labelsText } from "../expfmt/index.js";
import type * as dto from "../model/index.js";
import { isRowsFamily } from "../model/index.js";
import { WireFormatError } from "./errors.js";

/**
 * WireFamily is one family as a worker sends it.
 *
 * `labels` holds each series' label text (label-text.ts), in series order, joined by `"\n"` (a
 * label text never holds a raw newline: the text format escapes it as `\n`); a family without
 * series has `""`, as has one series without labels. It is absent when the primary holds the
 * column already: then `labelsId` names it (protocol.ts). `numbers` holds, for each series in
 * order, its values: counter, gauge, untyped: `value`; summary: `count, sum, k`, then k pairs
 * `quantile, value`; histogram and gauge histogram: `count, sum, k`, then k pairs
 * `upperBound, cumulativeCount`. `created`, when present, holds each series' created timestamp
 * (NaN for none).
 */
export interface WireFamily {
  name: string;
  help?: string;
  type: dto.MetricType;
  unit?: string;
  series: number;
  labels?: string;
  /** The number the worker gave this family's label column (the same in each of its chunks). */
  labelsId?: number;
  /** The bytes of a Float64Array (little-endian, as every platform Node runs on), base64. */
  numbers: string;
  /** Created timestamps in ms, one per series, in the same form as `numbers`. */
  created?: string;
  /** Series (by index) that carry more than the columns hold. */
  extras?: [number, WireExtra][];
  /**
   * The chunk's index when a family travels in several (0 for the first, absent when it travels
   * whole): the chunks come one after another, each with its own series.
   */
  part?: number;
}

/**
 * The most series and numbers in one chunk. A message of about this size parses in well under a
 * millisecond on the primary, so that no single message stalls its event loop.
 */
export const ChunkSeries = 1024;
export const ChunkNumbers = 8192;

/** A float that JSON cannot carry exactly travels as its `String()` (`"NaN"`, `"-Infinity"`, `"-0"`). */
export type WireFloat = number | string;

/** WireExemplar is an exemplar whose value survives JSON. */
export interface WireExemplar {
  label: dto.LabelPair[];
  value: WireFloat;
  timestampMs?: number;
}

/** WireExtra is what a series carries beside its columns. */
export interface WireExtra {
  timestampMs?: number;
  /** A counter's exemplar. */
  exemplar?: WireExemplar;
  /** A histogram's bucket exemplars, by bucket index, then `+Inf`'s (null where a bucket has none). */
  bucketExemplars?: (WireExemplar | null)[];
  /** A histogram's native (sparse) fields, as they are. */
  native?: NativeFields;
}

/** NativeFields are the native-histogram fields of a client_model Histogram. */
export type NativeFields = Pick<
  dto.Histogram,
  "schema" | "zeroThreshold" | "zeroCount" | "negativeSpan" | "negativeDelta" | "positiveSpan" | "positiveDelta"
>;

const nativeKeys = ["schema", "zeroThreshold", "zeroCount", "negativeSpan", "negativeDelta", "positiveSpan", "positiveDelta"] as const;

/** ToWireOptions say what travels besides the series. */
export interface ToWireOptions {
  /** Send the exemplars of counters and histogram buckets (default false: none are sent). */
  exemplars?: boolean;
}

/**
 * toWire turns gathered families, plain or rows (a transactional gather's), into their wire form.
 * It keeps nothing of the families: a transaction may be given back as soon as it returns.
 * @throws {WireFormatError} when a series lacks the value its family's type needs.
 */
export function toWire(families: readonly dto.GatheredFamily[], options: ToWireOptions = {}): WireFamily[] {
  return families.flatMap((f) => familyToWire(f, options.exemplars === true));
}

/** familyToWire reads a family's columns and cuts them into chunks of at most ChunkSeries / ChunkNumbers. */
function familyToWire(family: dto.GatheredFamily, exemplars: boolean): WireFamily[] {
  const columns = isRowsFamily(family) ? rowsColumns(family, exemplars) : metricColumns(family, exemplars);
  const numbers = columns.numbers instanceof Float64Array ? columns.numbers : Float64Array.from(columns.numbers);
  const scalar = family.type === "counter" || family.type === "gauge" || family.type === "untyped";
  const chunks: WireFamily[] = [];
  const series = columns.series;
  let extraAt = 0;
  for (let from = 0, n = 0; from < series || (from === 0 && chunks.length === 0); ) {
    // The chunk takes series until one of the limits is reached (and at least one series).
    let to = from;
    let end = n;
    while (to < series && (to === from || (to - from < ChunkSeries && end - n < ChunkNumbers))) {
      end += scalar ? 1 : 3 + 2 * numbers[end + 2]!;
      to++;
    }
    const extras: [number, WireExtra][] = [];
    for (; extraAt < columns.extras.length && columns.extras[extraAt]![0] < to; extraAt++) {
      extras.push([columns.extras[extraAt]![0] - from, columns.extras[extraAt]![1]]);
    }
    // Every field in one literal, absent ones undefined (JSON leaves them out): all wire families
    // share one hidden class, which a collection between scrapes does not free (see parts.ts).
    const wire: WireFamily = {
      name: family.name,
      type: family.type,
      series: to - from,
      labels: columns.labels(from, to),
      numbers: floatsToWire(numbers.subarray(n, end)),
      help: family.help,
      unit: isRowsFamily(family) ? undefined : family.unit,
      created: columns.created === undefined ? undefined : floatsToWire(columns.created.subarray(from, to)),
      extras: extras.length > 0 ? extras : undefined,
      part: from > 0 || to < series ? chunks.length : undefined,
      labelsId: undefined,
    };
    chunks.push(wire);
    if (to === from) break; // a family without series: one empty chunk
    from = to;
    n = end;
  }
  return chunks;
}

interface Columns {
  series: number;
  /** The label texts of series `from` to `to` (exclusive), joined by `"\n"`. */
  labels(from: number, to: number): string;
  numbers: ArrayLike<number>;
  created: Float64Array | undefined;
  extras: [number, WireExtra][];
}

/**
 * rowsColumns reads a RowsFamily: its label column is written as UTF-8 bytes (each row's first
 * piece, arena entry and last piece, then a newline) and decoded once per chunk; its numbers are
 * copied from its columns.
 */
function rowsColumns(family: dto.RowsFamily, exemplars: boolean): Columns {
  const { pieces, width, arena, slots, textStart, textLength, length } = family;
  // With no variable labels the one piece is the whole text; otherwise a row's text is
  // pieces[0] + its entry + pieces[width].
  const head = Buffer.from(pieces[0]!);
  const tail = width === 0 ? Buffer.alloc(0) : Buffer.from(pieces[width]!);
  let bytes = 0;
  for (let row = 0; row < length; row++) bytes += head.length + (width === 0 ? 0 : textLength[slots[row]!]!) + tail.length + 1;
  const out = Buffer.allocUnsafe(bytes);
  /** Per row, where its text ends in `out` (its newline). */
  const ends = new Uint32Array(length);
  let at = 0;
  for (let row = 0; row < length; row++) {
    // Byte loops: the pieces and entries are short, and a copy call per piece costs more.
    for (let j = 0; j < head.length; j++) out[at++] = head[j]!;
    if (width > 0) {
      const slot = slots[row]!;
      for (let j = textStart[slot]!, end = j + textLength[slot]!; j < end; j++) out[at++] = arena[j]!;
      for (let j = 0; j < tail.length; j++) out[at++] = tail[j]!;
    }
    ends[row] = at;
    out[at++] = 0x0a;
  }
  const { numbers, created } = rowsNumbers(family);
  return {
    series: length,
    labels: (from, to) => (from === to ? "" : out.toString("utf8", from === 0 ? 0 : ends[from - 1]! + 1, ends[to - 1]!)),
    numbers,
    created,
    extras: exemplars ? rowsExemplars(family) : [],
  };
}

/**
 * rowsNumbers copies a RowsFamily's numbers into wire order. Rows of a counter hold the value and
 * the created timestamp; of a histogram the count, the sum, the created timestamp and the
 * cumulative counts of `upperBounds`; of a gauge or untyped family the value.
 */
function rowsNumbers(family: dto.RowsFamily): Pick<Columns, "numbers" | "created"> {
  const { numbers, stride, length } = family;
  if (family.type !== "histogram") {
    const values = new Float64Array(length);
    for (let row = 0; row < length; row++) values[row] = numbers[row * stride]!;
    if (family.type !== "counter") return { numbers: values, created: undefined };
    const created = new Float64Array(length);
    for (let row = 0; row < length; row++) created[row] = numbers[row * stride + 1]!;
    return { numbers: values, created };
  }
  const bounds = family.upperBounds ?? new Float64Array(0);
  const k = bounds.length;
  const out = new Float64Array(length * (3 + 2 * k));
  const created = new Float64Array(length);
  for (let row = 0, o = 0; row < length; row++) {
    const at = row * stride;
    out[o++] = numbers[at]!;
    out[o++] = numbers[at + 1]!;
    out[o++] = k;
    created[row] = numbers[at + 2]!;
    for (let j = 0; j < k; j++) {
      out[o++] = bounds[j]!;
      out[o++] = numbers[at + 3 + j]!;
    }
  }
  return { numbers: out, created };
}

/**
 * rowsExemplars reads a RowsFamily's exemplar map (a counter's one per row; a histogram's one
 * per bucket, then `+Inf`'s) into extras, in row order.
 */
function rowsExemplars(family: dto.RowsFamily): [number, WireExtra][] {
  const extras: [number, WireExtra][] = [];
  if (family.exemplars === undefined) return extras;
  for (const [row, list] of [...family.exemplars].sort((a, b) => a[0] - b[0])) {
    if (!list.some((e) => e !== undefined)) continue;
    if (family.type === "counter") extras.push([row, { exemplar: exemplarToWire(list[0]!) }]);
    else extras.push([row, { bucketExemplars: list.map((e) => (e === undefined ? null : exemplarToWire(e))) }]);
  }
  return extras;
}

/** metricColumns reads a family's client_model metrics. */
function metricColumns(family: dto.MetricFamily, exemplars: boolean): Columns {
  const metrics = family.metric;
  const labels = new Array<string>(metrics.length);
  const numbers: number[] = [];
  const created = new Float64Array(metrics.length).fill(Number.NaN);
  let anyCreated = false;
  const extras: [number, WireExtra][] = [];
  for (let i = 0; i < metrics.length; i++) {
    const m = metrics[i]!;
    labels[i] = labelsText(sortedPairs(m.label));
    const extra = writeValues(family, m, numbers, exemplars);
    const c = createdOf(m);
    if (c !== undefined) {
      created[i] = c;
      anyCreated = true;
    }
    if (m.timestampMs !== undefined) extra.timestampMs = m.timestampMs;
    if (Object.keys(extra).length > 0) extras.push([i, extra]);
  }
  return {
    series: metrics.length,
    labels: (from, to) => labels.slice(from, to).join("\n"),
    numbers,
    created: anyCreated ? created : undefined,
    extras,
  };
}

function sortedPairs(pairs: readonly dto.LabelPair[]): readonly dto.LabelPair[] {
  for (let i = 1; i < pairs.length; i++) {
    if (pairs[i - 1]!.name > pairs[i]!.name) return [...pairs].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }
  return pairs;
}

function createdOf(m: dto.Metric): number | undefined {
  return m.counter?.createdTimestampMs ?? m.summary?.createdTimestampMs ?? m.histogram?.createdTimestampMs;
}

function floatsToWire(numbers: ArrayLike<number>): string {
  const floats = numbers instanceof Float64Array ? numbers : Float64Array.from(numbers);
  return Buffer.from(floats.buffer, floats.byteOffset, floats.byteLength).toString("base64");
}

/** writeValues appends a series' values to `numbers` and returns what the columns cannot hold. */
function writeValues(family: dto.MetricFamily, m: dto.Metric, numbers: number[], exemplars: boolean): WireExtra {
  const extra: WireExtra = {};
  const missing = (field: string): WireFormatError =>
    new WireFormatError(`metric family ${family.name} of type ${family.type} has a series without a ${field} value`, family.name);
  switch (family.type) {
    case "counter":
      if (m.counter === undefined) throw missing("counter");
      numbers.push(m.counter.value);
      if (exemplars && m.counter.exemplar !== undefined) extra.exemplar = exemplarToWire(m.counter.exemplar);
      return extra;
    case "gauge":
      if (m.gauge === undefined) throw missing("gauge");
      numbers.push(m.gauge.value);
      return extra;
    case "untyped":
      if (m.untyped === undefined) throw missing("untyped");
      numbers.push(m.untyped.value);
      return extra;
    case "summary": {
      const s = m.summary;
      if (s === undefined) throw missing("summary");
      numbers.push(s.sampleCount, s.sampleSum, s.quantile.length);
      for (const q of s.quantile) numbers.push(q.quantile, q.value);
      return extra;
    }
    case "histogram":
    case "gaugehistogram": {
      const h = m.histogram;
      if (h === undefined) throw missing("histogram");
      // A `+Inf` bucket is there only to carry an exemplar: it travels as that exemplar alone.
      const inf = h.bucket.at(-1)?.upperBound === Number.POSITIVE_INFINITY ? h.bucket.at(-1) : undefined;
      const buckets = inf === undefined ? h.bucket : h.bucket.slice(0, -1);
      numbers.push(h.sampleCount, h.sampleSum, buckets.length);
      for (const b of buckets) numbers.push(b.upperBound, b.cumulativeCount);
      if (exemplars && h.bucket.some((b) => b.exemplar !== undefined)) {
        extra.bucketExemplars = [...buckets, inf].map((b) => (b?.exemplar === undefined ? null : exemplarToWire(b.exemplar)));
      }
      if (h.schema !== undefined) {
        const native: NativeFields = {};
        for (const key of nativeKeys) if (h[key] !== undefined) (native as Record<string, unknown>)[key] = h[key];
        extra.native = native;
      }
      return extra;
    }
    default:
      throw new WireFormatError(`metric family ${family.name} has unknown type ${String(family.type)}`, family.name);
  }
}

/** floatToWire keeps finite non-negative-zero numbers and spells the rest as strings. */
export function floatToWire(x: number): WireFloat {
  return Number.isFinite(x) && !Object.is(x, -0) ? x : String(x);
}

/** floatFromWire reads a {@link WireFloat} back. */
export function floatFromWire(x: WireFloat): number {
  return typeof x === "number" ? x : Number(x);
}

function exemplarToWire(e: dto.Exemplar): WireExemplar {
  const w: WireExemplar = { label: e.label.map((l) => ({ name: l.name, value: l.value })), value: floatToWire(e.value) };
  if (e.timestampMs !== undefined) w.timestampMs = e.timestampMs;
  return w;
}

/** exemplarFromWire reads an exemplar back. */
export function exemplarFromWire(w: WireExemplar): dto.Exemplar {
  const e: dto.Exemplar = { label: w.label, value: floatFromWire(w.value) };
  if (w.timestampMs !== undefined) e.timestampMs = w.timestampMs;
  return e;
}

/**
 * numbersOf decodes a family's numbers column.
 * @throws {WireFormatError} when the column is not a whole number of float64s.
 */
export function numbersOf(wire: WireFamily, column: "numbers" | "created" = "numbers"): Float64Array {
  const bytes = Buffer.from(wire[column] ?? "", "base64");
  if (bytes.length % 8 !== 0) {
    throw new WireFormatError(`metric family ${wire.name}: ${column} column of ${bytes.length} bytes is not a whole number of float64s`, wire.name);
  }
  // A copy: Buffer.from may hand out a slice of its pool, not aligned for a Float64Array.
  const floats = new Float64Array(bytes.length / 8);
  new Uint8Array(floats.buffer).set(bytes);
  return floats;
}
