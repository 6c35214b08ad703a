/**
 * The merge: the workers' families, in wire form, folded into one set of client_model families
 * by the rules of rules.ts. It runs on the primary in slices (see lib/prometheus/slices.ts), so
 * that a big cluster does not stall the primary's event loop.
 *
 * The steps: {@link mergeAnswers} groups the families by name → checks that the workers agree on
 * help and type → picks the family's rule → sums or picks series by their exact label set (or
 * keeps each worker's series with a worker label) → sorts the series as a registry does.
 * A family that cannot be merged is left out and its error reported; the others still merge.
 *
 * @module
 */

import type * as dto from "../model/index.js";
import { compareMetrics } from "../prometheus/consistency.js";
import { goQuote } from "../prometheus/labels.js";
import { Slicer, sortInSlices } from "../prometheus/slices.js";
import { BucketMismatchError, FamilyConflictError, MergeError, MergeRuleError, WireFormatError } from "./errors.js";
import { type MergeRule, type RuleBook, ruleFits } from "./rules.js";
import { LabelTexts } from "./label-text.js";
import { exemplarFromWire, isWireFamily, numbersOf, type WireExemplar, type WireExtra, type WireFamily } from "./wire.js";

/** WorkerAnswer is what one worker sent: its cluster id and its families. */
export interface WorkerAnswer {
  workerId: number;
  families: readonly unknown[];
}

/** MergeOptions are the rules and the name of the label that marks a worker's series. */
export interface MergeOptions {
  rules: RuleBook;
  workerLabel: string;
  slicer?: Slicer;
  /** Label pairs of earlier merges, to use again (a gatherer keeps one across scrapes). */
  labelTexts?: LabelTexts;
}

/** MergeResult holds the merged families (sorted by name) and the errors of those left out. */
export interface MergeResult {
  families: dto.MetricFamily[];
  errors: Error[];
}

/** One worker's family, decoded and indexed: where each series' numbers start. */
interface Part {
  workerId: number;
  wire: WireFamily;
  numbers: Float64Array;
  /** Per series: the index of its first value in `numbers`. */
  valueAt: Int32Array;
  /** Per series: its created timestamp, NaN for none; undefined when no series has one. */
  created: Float64Array | undefined;
  extras: Map<number, WireExtra> | undefined;
  labelTexts: LabelTexts;
}

/** Series are checked against the clock every this many (a power of two). */
const seriesPerCheck = 1024;

/**
 * mergeAnswers merges the workers' answers (in any order; they are taken by worker id).
 */
export async function mergeAnswers(answers: readonly WorkerAnswer[], options: MergeOptions): Promise<MergeResult> {
  const slicer = options.slicer ?? new Slicer();
  const labelTexts = options.labelTexts ?? new LabelTexts();
  labelTexts.nextMerge();
  const errors: Error[] = [];
  const groups = groupByName([...answers].sort((a, b) => a.workerId - b.workerId), labelTexts, errors);
  const families: dto.MetricFamily[] = [];
  for (const name of [...groups.keys()].sort()) {
    try {
      const family = await mergeFamily(groups.get(name)!, options, slicer);
      // A family without series is left out, as a registry leaves it out of a gather.
      if (family !== undefined && family.metric.length > 0) families.push(family);
    } catch (err) {
      if (!(err instanceof MergeError)) throw err;
      errors.push(err);
    }
    if (slicer.due()) await slicer.yield();
  }
  return { families, errors };
}

/** groupByName decodes each worker's families (joining their chunks) and groups them by name, in worker order. */
function groupByName(answers: readonly WorkerAnswer[], labelTexts: LabelTexts, errors: Error[]): Map<string, Part[]> {
  const groups = new Map<string, Part[]>();
  for (const answer of answers) {
    for (const chunks of chunksByName(answer, errors).values()) {
      try {
        const part = indexPart(answer.workerId, chunks, labelTexts);
        const group = groups.get(part.wire.name);
        if (group === undefined) groups.set(part.wire.name, [part]);
        else group.push(part);
      } catch (err) {
        if (!(err instanceof MergeError)) throw err;
        errors.push(err);
      }
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
function indexPart(workerId: number, chunks: readonly WireFamily[], labelTexts: LabelTexts): Part {
  const first = chunks[0]!;
  const bad = (what: string): WireFormatError =>
    new WireFormatError(`worker ${workerId}: metric family ${first.name}: ${what}`, first.name, workerId);
  let series = 0;
  let length = 0;
  const decoded = chunks.map((c) => {
    if (c.type !== first.type || c.help !== first.help || c.unit !== first.unit) throw bad("chunks disagree on help, type or unit");
    if (c.labels.length !== c.series) throw bad("the label and number columns do not match the series count");
    series += c.series;
    const numbers = numbersOf(c);
    length += numbers.length;
    return numbers;
  });
  const numbers = decoded.length === 1 ? decoded[0]! : new Float64Array(length);
  const labels = chunks.length === 1 ? first.labels : chunks.flatMap((c) => c.labels);
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
  const wire: WireFamily = chunks.length === 1 ? first : { ...first, series, labels };
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
  if (n !== numbers.length) throw bad("the label and number columns do not match the series count");
  if (labels.some((t) => typeof t !== "string")) throw bad("a label text is not a string");
  return { workerId, wire, numbers, valueAt, created, extras: extras.size > 0 ? extras : undefined, labelTexts };
}

/** mergeFamily merges one family's parts, or returns undefined when its rule omits it. */
async function mergeFamily(parts: Part[], options: MergeOptions, slicer: Slicer): Promise<dto.MetricFamily | undefined> {
  const first = parts[0]!.wire;
  checkAgreement(parts);
  const rule = options.rules.ruleFor(first.name, first.type);
  if (!ruleFits(rule, first.type)) {
    throw new MergeRuleError(`merge rule "${rule}" does not apply to metric family ${first.name} of type ${first.type}`, first.name);
  }
  if (rule === "omit") return undefined;
  const family: dto.MetricFamily = { name: first.name, type: first.type, metric: [] };
  if (first.help !== undefined) family.help = first.help;
  if (first.unit !== undefined) family.unit = first.unit;
  family.metric = rule === "worker" ? await keepPerWorker(parts, options.workerLabel, slicer) : await combine(parts, rule, slicer);
  if (!isSorted(family.metric)) await sortInSlices(family.metric, compareMetrics, slicer);
  return family;
}

/** isSorted reports whether metrics are already in a registry's order (workers send them so). */
function isSorted(metrics: readonly dto.Metric[]): boolean {
  for (let i = 1; i < metrics.length; i++) if (compareMetrics(metrics[i - 1]!, metrics[i]!) > 0) return false;
  return true;
}

/** checkAgreement throws when a worker's help, type or unit differs from the first worker's. */
function checkAgreement(parts: Part[]): void {
  const first = parts[0]!.wire;
  for (const { wire, workerId } of parts.slice(1)) {
    const at = `worker ${workerId}: gathered metric family ${first.name}`;
    if (wire.help !== first.help) {
      throw new FamilyConflictError(`${at} has help ${goQuote(wire.help ?? "")} but should have ${goQuote(first.help ?? "")}`, first.name, workerId);
    }
    if (wire.type !== first.type) {
      throw new FamilyConflictError(`${at} has type ${wire.type.toUpperCase()} but should have ${first.type.toUpperCase()}`, first.name, workerId);
    }
    if (wire.unit !== first.unit) {
      throw new FamilyConflictError(`${at} has unit ${goQuote(wire.unit ?? "")} but should have ${goQuote(first.unit ?? "")}`, first.name, workerId);
    }
  }
}

/** labelPairs returns a series' label pairs, read from its label text. */
function labelPairs(part: Part, series: number): readonly dto.LabelPair[] {
  const text = part.wire.labels[series]!;
  const pairs = part.labelTexts.pairs(text);
  if (pairs === undefined) {
    throw new WireFormatError(`worker ${part.workerId}: metric family ${part.wire.name}: malformed label text ${goQuote(text)}`, part.wire.name, part.workerId);
  }
  return pairs;
}

/** keepPerWorker keeps every worker's series, each with the worker label added. */
async function keepPerWorker(parts: Part[], workerLabel: string, slicer: Slicer): Promise<dto.Metric[]> {
  const metrics: dto.Metric[] = [];
  for (const part of parts) {
    const workerPair = { name: workerLabel, value: String(part.workerId) };
    for (let i = 0; i < part.wire.series; i++) {
      const pairs = [...labelPairs(part, i)];
      if (pairs.some((p) => p.name === workerLabel)) {
        throw new MergeRuleError(
          `worker ${part.workerId}: metric family ${part.wire.name} already has a label named ${goQuote(workerLabel)}, so its series cannot be kept per worker`,
          part.wire.name,
          part.workerId,
        );
      }
      const at = pairs.findIndex((p) => p.name > workerLabel);
      pairs.splice(at === -1 ? pairs.length : at, 0, workerPair);
      metrics.push(metricOf(part, i, pairs));
      if ((i & (seriesPerCheck - 1)) === 0 && slicer.due()) await slicer.yield();
    }
  }
  return metrics;
}

/** metricOf builds one series of a part as it is, with `pairs` as its labels. */
function metricOf(part: Part, series: number, pairs: dto.LabelPair[]): dto.Metric {
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

/** One merged series while the parts are folded in. */
interface Acc {
  part: Part;
  series: number;
  /** Workers that had the series. */
  n: number;
  /** The value, or count and sum; for histograms also the bounds and cumulative counts. */
  value: number;
  sum: number;
  bounds?: Float64Array;
  counts?: Float64Array;
  createdTimestampMs?: number;
  timestampMs?: number;
  exemplar?: WireExemplar;
  bucketExemplars?: (WireExemplar | null)[];
}

/**
 * combine folds the parts' series with the same label set into one, by `rule`; a series' label
 * text is its key. Workers of one service usually send the same series in the same order: a part
 * whose label column equals the first part's is folded series by series, without a lookup.
 */
async function combine(parts: Part[], rule: Exclude<MergeRule, "worker" | "omit">, slicer: Slicer): Promise<dto.Metric[]> {
  const base = parts[0]!;
  const accs: Acc[] = [];
  for (let i = 0; i < base.wire.series; i++) {
    accs.push(startAcc(base, i));
    if ((i & (seriesPerCheck - 1)) === 0 && slicer.due()) await slicer.yield();
  }
  let byKey: Map<string, Acc> | undefined;
  for (const part of parts.slice(1)) {
    if (sameLabels(part, base)) {
      for (let i = 0; i < part.wire.series; i++) {
        foldInto(accs[i]!, part, i, rule);
        if ((i & (seriesPerCheck - 1)) === 0 && slicer.due()) await slicer.yield();
      }
      continue;
    }
    if (byKey === undefined) {
      byKey = new Map();
      for (const acc of accs) byKey.set(acc.part.wire.labels[acc.series]!, acc);
    }
    const labels = part.wire.labels;
    for (let i = 0; i < part.wire.series; i++) {
      const acc = byKey.get(labels[i]!);
      if (acc === undefined) {
        const started = startAcc(part, i);
        byKey.set(labels[i]!, started);
        accs.push(started);
      } else {
        foldInto(acc, part, i, rule);
      }
      if ((i & (seriesPerCheck - 1)) === 0 && slicer.due()) await slicer.yield();
    }
  }
  const metrics = new Array<dto.Metric>(accs.length);
  for (let i = 0; i < accs.length; i++) {
    metrics[i] = finish(accs[i]!, rule);
    if ((i & (seriesPerCheck - 1)) === 0 && slicer.due()) await slicer.yield();
  }
  return metrics;
}

/** sameLabels reports whether two parts hold the same label sets in the same order. */
function sameLabels(a: Part, b: Part): boolean {
  const x = a.wire.labels;
  const y = b.wire.labels;
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

/** startAcc takes the first worker's series as the start of a merged one. */
function startAcc(part: Part, series: number): Acc {
  const nums = part.numbers;
  const at = part.valueAt[series]!;
  const extra = part.extras?.get(series);
  const acc: Acc = { part, series, n: 1, value: nums[at]!, sum: 0 };
  const type = part.wire.type;
  if (type === "summary" || type === "histogram" || type === "gaugehistogram") acc.sum = nums[at + 1]!;
  if (type === "histogram" || type === "gaugehistogram") {
    if (extra?.native !== undefined) {
      throw new MergeRuleError(
        `worker ${part.workerId}: metric family ${part.wire.name} has native histogram buckets, which are not summed: use the "worker" rule`,
        part.wire.name,
        part.workerId,
      );
    }
    const k = nums[at + 2]!;
    acc.bounds = new Float64Array(k);
    acc.counts = new Float64Array(k);
    for (let j = 0; j < k; j++) {
      acc.bounds[j] = nums[at + 3 + 2 * j]!;
      acc.counts[j] = nums[at + 4 + 2 * j]!;
    }
    if (extra?.bucketExemplars !== undefined) acc.bucketExemplars = [...extra.bucketExemplars];
  }
  if (extra?.exemplar !== undefined) acc.exemplar = extra.exemplar;
  const created = part.created?.[series];
  if (created !== undefined && !Number.isNaN(created)) acc.createdTimestampMs = created;
  if (extra?.timestampMs !== undefined) acc.timestampMs = extra.timestampMs;
  return acc;
}

/** foldInto adds (or picks) another worker's series into a merged one. */
function foldInto(acc: Acc, part: Part, series: number, rule: MergeRule): void {
  const nums = part.numbers;
  const at = part.valueAt[series]!;
  const v = nums[at]!;
  acc.n++;
  if (rule === "sum" || rule === "average") acc.value += v;
  else if (rule === "min") acc.value = Math.min(acc.value, v);
  else if (rule === "max") acc.value = Math.max(acc.value, v);
  const type = part.wire.type;
  if (type === "summary") acc.sum += nums[at + 1]!;
  if (type === "histogram" || type === "gaugehistogram") foldBuckets(acc, part, series);
  const created = part.created?.[series];
  if (created !== undefined && !Number.isNaN(created)) acc.createdTimestampMs = Math.min(acc.createdTimestampMs ?? Infinity, created);
  const extra = part.extras?.get(series);
  if (extra === undefined) return;
  if (extra.timestampMs !== undefined) acc.timestampMs = Math.max(acc.timestampMs ?? -Infinity, extra.timestampMs);
  if (extra.exemplar !== undefined) acc.exemplar = newer(acc.exemplar, extra.exemplar);
  if (extra.bucketExemplars !== undefined) {
    const mine = (acc.bucketExemplars ??= new Array<WireExemplar | null>(acc.counts!.length + 1).fill(null));
    extra.bucketExemplars.forEach((e, j) => {
      if (e) mine[j] = newer(mine[j] ?? undefined, e);
    });
  }
}

/** foldBuckets adds a histogram series bucket by bucket, after checking its bounds. */
function foldBuckets(acc: Acc, part: Part, series: number): void {
  const nums = part.numbers;
  const at = part.valueAt[series]!;
  const name = part.wire.name;
  if (part.extras?.get(series)?.native !== undefined) {
    throw new MergeRuleError(`worker ${part.workerId}: metric family ${name} has native histogram buckets, which are not summed: use the "worker" rule`, name, part.workerId);
  }
  acc.sum += nums[at + 1]!;
  const k = nums[at + 2]!;
  const bounds = acc.bounds!;
  let same = k === bounds.length;
  for (let j = 0; same && j < k; j++) same = nums[at + 3 + 2 * j] === bounds[j];
  if (!same) {
    const got = Array.from({ length: k }, (_, j) => nums[at + 3 + 2 * j]!);
    throw new BucketMismatchError(
      `worker ${part.workerId}: histogram ${name}${part.wire.labels[series] || "{}"} has bucket bounds [${got.join(" ")}] but should have [${[...bounds].join(" ")}]: histograms are merged bucket by bucket`,
      name,
      part.workerId,
      [...bounds],
      got,
    );
  }
  const counts = acc.counts!;
  for (let j = 0; j < k; j++) counts[j] += nums[at + 4 + 2 * j]!;
}

/** newer returns the exemplar with the later timestamp (the later one when neither has one). */
function newer(a: WireExemplar | undefined, b: WireExemplar): WireExemplar {
  if (a === undefined) return b;
  return (a.timestampMs ?? -Infinity) > (b.timestampMs ?? -Infinity) ? a : b;
}

/** finish turns a merged series into its client_model metric. */
function finish(acc: Acc, rule: MergeRule): dto.Metric {
  const m: dto.Metric = { label: labelPairs(acc.part, acc.series) };
  const value = rule === "average" ? acc.value / acc.n : acc.value;
  switch (acc.part.wire.type) {
    case "counter":
      m.counter = { value };
      if (acc.exemplar !== undefined) m.counter.exemplar = exemplarFromWire(acc.exemplar);
      if (acc.createdTimestampMs !== undefined) m.counter.createdTimestampMs = acc.createdTimestampMs;
      break;
    case "gauge":
      m.gauge = { value };
      break;
    case "untyped":
      m.untyped = { value };
      break;
    case "summary":
      m.summary = { sampleCount: value, sampleSum: acc.sum, quantile: [] };
      if (acc.createdTimestampMs !== undefined) m.summary.createdTimestampMs = acc.createdTimestampMs;
      break;
    default: {
      const bucket: dto.Bucket[] = [];
      for (let j = 0; j < acc.bounds!.length; j++) {
        const b: dto.Bucket = { upperBound: acc.bounds![j]!, cumulativeCount: acc.counts![j]! };
        const e = acc.bucketExemplars?.[j];
        if (e) b.exemplar = exemplarFromWire(e);
        bucket.push(b);
      }
      const inf = acc.bucketExemplars?.[bucket.length];
      if (inf) bucket.push({ upperBound: Number.POSITIVE_INFINITY, cumulativeCount: value, exemplar: exemplarFromWire(inf) });
      m.histogram = { sampleCount: value, sampleSum: acc.sum, bucket };
      if (acc.createdTimestampMs !== undefined) m.histogram.createdTimestampMs = acc.createdTimestampMs;
    }
  }
  if (acc.timestampMs !== undefined) m.timestampMs = acc.timestampMs;
  return m;
}
