/**
 * The parts of a merge: one worker's family, decoded from its wire chunks and indexed (where
 * each series' numbers start), and the series read back from it: label pairs from their text,
 * a whole client_model metric for the rule that keeps series per worker.
 *
 * @module
 */

import { deserialize, serialize } from "node:v8";
import type * as dto from "../model/index.js";
import { goQuote } from "../prometheus/index.js";
import { keepShape } from "./shapes.js";
import { MergeError, WireFormatError } from "./errors.js";
import { HeldColumns, SentColumns } from "./columns.js";
import { LabelTexts } from "./label-text.js";
import type { Slicer } from "./slices.js";
import { exemplarFromWire, numbersOf, toWire, type WireExtra, type WireFamily } from "./wire.js";
import { isWireFamily } from "./wire-check.js";

/** WorkerAnswer is what one worker sent: its cluster id and its families. */
export interface WorkerAnswer {
  workerId: number;
  families: readonly unknown[];
  /**
   * The label columns of the families the worker sent by number (columns.ts), by family name,
   * as the primary holds them; a family sent by number without its column here is reported.
   */
  columns?: ReadonlyMap<string, string>;
}

/**
 * Part is one worker's family, decoded and indexed: its series' label texts, where each series'
 * numbers start.
 */
export interface Part {
  workerId: number;
  /** The family as it came (its chunks joined into one). */
  wire: WireFamily;
  /** Per series: its label text (from LabelTexts: equal columns give the same array). */
  texts: readonly string[];
  numbers: Float64Array;
  /** Per series: the index of its first value in `numbers`. */
  valueAt: Int32Array;
  /** Per series: its created timestamp, NaN for none; undefined when no series has one. */
  created: Float64Array | undefined;
  extras: Map<number, WireExtra> | undefined;
  labelTexts: LabelTexts;
}

/** SeriesPerCheck: loops over series look at the clock every this many (a power of two). */
export const SeriesPerCheck = 1024;

/** groupByName decodes each worker's families (joining their chunks) and groups them by name, in worker order. */
export async function groupByName(
  answers: readonly WorkerAnswer[],
  labelTexts: LabelTexts,
  errors: Error[],
  slicer: Slicer,
): Promise<Map<string, Part[]>> {
  const groups = new Map<string, Part[]>();
  for (const answer of answers) {
    for (const chunks of chunksByName(answer, errors).values()) {
      try {
        const part = indexPart(answer.workerId, chunks, answer.columns, labelTexts);
        const group = groups.get(part.wire.name);
        if (group === undefined) groups.set(part.wire.name, [part]);
        else group.push(part);
      } catch (err) {
        if (!(err instanceof MergeError)) throw err;
        errors.push(err);
      }
      if (slicer.due()) await slicer.yield();
    }
  }
  return groups;
}

/** chunksByName collects a worker's wire families by name: one, or its chunks in order. */
function chunksByName(answer: WorkerAnswer, errors: Error[]): Map<string, WireFamily[]> {
  const byName = new Map<string, WireFamily[]>();
  const refused = new Set<string>();
  for (const wire of answer.families) {
    if (!isWireFamily(wire)) {
      errors.push(new WireFormatError(`worker ${answer.workerId} sent a family that is not in wire form`, "", answer.workerId));
      continue;
    }
    if (refused.has(wire.name)) continue;
    const chunks = byName.get(wire.name);
    if (chunks === undefined) {
      byName.set(wire.name, [wire]);
    } else if (wire.part === undefined || wire.part !== chunks.length || chunks[0]!.part !== 0) {
      errors.push(new WireFormatError(`worker ${answer.workerId} sent metric family ${wire.name} twice`, wire.name, answer.workerId));
      byName.delete(wire.name);
      refused.add(wire.name);
    } else {
      chunks.push(wire);
    }
  }
  return byName;
}

/** indexPart decodes a worker's chunks of one family and finds where each series' numbers start. */
function indexPart(workerId: number, chunks: readonly WireFamily[], columns: ReadonlyMap<string, string> | undefined, labelTexts: LabelTexts): Part {
  const first = chunks[0]!;
  const bad = (what: string): WireFormatError =>
    new WireFormatError(`worker ${workerId}: metric family ${first.name}: ${what}`, first.name, workerId);
  let series = 0;
  let length = 0;
  const decoded = chunks.map((c) => {
    if (c.type !== first.type || c.help !== first.help || c.unit !== first.unit) throw bad("chunks disagree on help, type or unit");
    if (c.labelsId !== first.labelsId || (c.labels === undefined) !== (first.labels === undefined)) throw bad("chunks disagree on their label column");
    series += c.series;
    const numbers = numbersOf(c);
    length += numbers.length;
    return numbers;
  });
  const numbers = decoded.length === 1 ? decoded[0]! : new Float64Array(length);
  const labels = first.labels === undefined ? columns?.get(first.name) : chunks.length === 1 ? first.labels : chunks.map((c) => c.labels).join("\n");
  if (labels === undefined) throw bad(`label column ${String(first.labelsId)} was sent by number, and the primary does not hold it`);
  const anyCreated = chunks.some((c) => c.created !== undefined);
  const created = anyCreated ? new Float64Array(series).fill(Number.NaN) : undefined;
  const extras = new Map<number, WireExtra>();
  for (let i = 0, s = 0, n = 0; i < chunks.length; i++) {
    const c = chunks[i]!;
    if (decoded.length > 1) numbers.set(decoded[i]!, n);
    if (c.created !== undefined) {
      const column = numbersOf(c, "created");
      if (column.length !== c.series) throw bad("the created column does not match the series count");
      created!.set(column, s);
    }
    for (const [at, extra] of c.extras ?? []) extras.set(s + at, extra);
    s += c.series;
    n += decoded[i]!.length;
  }
  const wire: WireFamily = chunks.length === 1 && first.labels !== undefined ? first : { ...first, series, labels };
  const valueAt = new Int32Array(series);
  const scalar = first.type === "counter" || first.type === "gauge" || first.type === "untyped";
  let n = 0;
  for (let i = 0; i < series; i++) {
    valueAt[i] = n;
    if (scalar) {
      n++;
      continue;
    }
    const k = numbers[n + 2];
    if (k === undefined || !Number.isInteger(k) || k < 0) throw bad(`series ${i} has no bucket or quantile count`);
    n += 3 + 2 * k;
  }
  const texts = series === 0 && labels === "" ? noTexts : labelTexts.texts(labels);
  if (n !== numbers.length || texts.length !== series) throw bad("the label and number columns do not match the series count");
  return { workerId, wire, texts, numbers, valueAt, created, extras: extras.size > 0 ? extras : undefined, labelTexts };
}

const noTexts: readonly string[] = Object.freeze([]);

/** labelPairs returns a series' label pairs, read from its label text. */
export function labelPairs(part: Part, series: number): readonly dto.LabelPair[] {
  const text = part.texts[series]!;
  const pairs = part.labelTexts.pairs(text);
  if (pairs === undefined) {
    throw new WireFormatError(`worker ${part.workerId}: metric family ${part.wire.name}: malformed label text ${goQuote(text)}`, part.wire.name, part.workerId);
  }
  return pairs;
}

/** metricOf builds one series of a part as it is, with `pairs` as its labels. */
export function metricOf(part: Part, series: number, pairs: dto.LabelPair[]): dto.Metric {
  const nums = part.numbers;
  const at = part.valueAt[series]!;
  const extra = part.extras?.get(series);
  const created = part.created?.[series];
  const createdTimestampMs = created === undefined || Number.isNaN(created) ? undefined : created;
  const m: dto.Metric = { label: pairs };
  switch (part.wire.type) {
    case "counter":
      m.counter = { value: nums[at]! };
      if (extra?.exemplar) m.counter.exemplar = exemplarFromWire(extra.exemplar);
      if (createdTimestampMs !== undefined) m.counter.createdTimestampMs = createdTimestampMs;
      break;
    case "gauge":
      m.gauge = { value: nums[at]! };
      break;
    case "untyped":
      m.untyped = { value: nums[at]! };
      break;
    case "summary": {
      const quantile: dto.Quantile[] = [];
      for (let j = 0; j < nums[at + 2]!; j++) quantile.push({ quantile: nums[at + 3 + 2 * j]!, value: nums[at + 4 + 2 * j]! });
      m.summary = { sampleCount: nums[at]!, sampleSum: nums[at + 1]!, quantile };
      if (createdTimestampMs !== undefined) m.summary.createdTimestampMs = createdTimestampMs;
      break;
    }
    default: {
      const bucket: dto.Bucket[] = [];
      for (let j = 0; j < nums[at + 2]!; j++) {
        const b: dto.Bucket = { upperBound: nums[at + 3 + 2 * j]!, cumulativeCount: nums[at + 4 + 2 * j]! };
        const e = extra?.bucketExemplars?.[j];
        if (e) b.exemplar = exemplarFromWire(e);
        bucket.push(b);
      }
      const inf = extra?.bucketExemplars?.[bucket.length];
      if (inf) bucket.push({ upperBound: Number.POSITIVE_INFINITY, cumulativeCount: nums[at]!, exemplar: exemplarFromWire(inf) });
      m.histogram = { sampleCount: nums[at]!, sampleSum: nums[at + 1]!, bucket, ...extra?.native };
      if (createdTimestampMs !== undefined) m.histogram.createdTimestampMs = createdTimestampMs;
    }
  }
  if (extra?.timestampMs !== undefined) m.timestampMs = extra.timestampMs;
  return m;
}

/**
 * keepWireShapes keeps one exemplar of each object a merge decodes and drops (see shapes.ts):
 * a counter's and a gauge's wire family, whole and in two chunks, with their label columns and by
 * number (columns.ts), as node:cluster's "json" and "advanced" serializations rebuild them inside
 * a message, and the parts indexed from them. Without them, a full collection between two scrapes
 * frees their hidden classes and V8 discards the merge's compiled code ("weak objects" in
 * `node --trace-deopt`), so the next scrape's merge runs unoptimized.
 */
function keepWireShapes(): void {
  const label = [{ name: "a", value: "b" }];
  const families: dto.MetricFamily[] = [
    { name: "a_total", help: "h", type: "counter", metric: [{ label, counter: { value: 1, createdTimestampMs: 1 } }] },
    { name: "b", help: "h", type: "gauge", metric: [{ label, gauge: { value: 1 } }] },
  ];
  const sent = new SentColumns();
  const held = new HeldColumns();
  // Twice: first with the label columns, then by number (columns.ts).
  for (let round = 0; round < 2; round++) {
    const [counter, gauge] = toWire(families) as [WireFamily, WireFamily];
    const wires = [
      ...[counter, gauge],
      ...[0, 1].map((part) => ({ ...counter, name: "c_total", part })),
      ...[0, 1].map((part) => ({ ...gauge, name: "d", part })),
    ];
    sent.number(wires, held.known(1));
    const message = { type: "", id: 1, families: wires, errors: [], last: true };
    for (const copy of [JSON.parse(JSON.stringify(message)), deserialize(serialize(message))] as (typeof message)[]) {
      keepShape(copy);
      const columns = held.take(1, copy.families);
      const [c, g, c0, c1, g0, g1] = copy.families;
      for (const chunks of [[c!], [g!], [c0!, c1!], [g0!, g1!]]) keepShape(indexPart(1, chunks, columns, new LabelTexts()));
    }
  }
}
keepWireShapes();
