/**
 * Combining series: the rules that fold the workers' series with the same label set into one
 * (`sum`, `min`, `max`, `average`, `first`). Histograms are added bucket by bucket after their
 * bounds are compared; exemplars, created timestamps and timestamps follow their own rules
 * (the newest exemplar, the earliest created timestamp, the latest timestamp).
 *
 * @module
 */

import type * as dto from "../model/index.js";
import { BucketMismatchError, MergeRuleError } from "./errors.js";
import { labelPairs, type Part, SeriesPerCheck } from "./parts.js";
import type { MergeRule } from "./rules.js";
import type { Slicer } from "./slices.js";
import { exemplarFromWire, type WireExemplar } from "./wire.js";

/** One merged series while the parts are folded in. */
export interface Acc {
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
export async function combine(parts: Part[], rule: Exclude<MergeRule, "worker" | "omit">, slicer: Slicer): Promise<dto.Metric[]> {
  const accs = await fold(parts, rule, slicer);
  const metrics = new Array<dto.Metric>(accs.length);
  for (let i = 0; i < accs.length; i++) {
    metrics[i] = finish(accs[i]!, rule);
    if ((i & (SeriesPerCheck - 1)) === 0 && slicer.due()) await slicer.yield();
  }
  return metrics;
}

/** fold folds the parts' series into merged ones, keyed by label text (see {@link combine}). */
export async function fold(parts: Part[], rule: Exclude<MergeRule, "worker" | "omit">, slicer: Slicer): Promise<Acc[]> {
  const base = parts[0]!;
  const accs: Acc[] = [];
  for (let i = 0; i < base.wire.series; i++) {
    accs.push(startAcc(base, i));
    if ((i & (SeriesPerCheck - 1)) === 0 && slicer.due()) await slicer.yield();
  }
  let byKey: Map<string, Acc> | undefined;
  for (const part of parts.slice(1)) {
    if (sameLabels(part, base)) {
      for (let i = 0; i < part.wire.series; i++) {
        foldInto(accs[i]!, part, i, rule);
        if ((i & (SeriesPerCheck - 1)) === 0 && slicer.due()) await slicer.yield();
      }
      continue;
    }
    if (byKey === undefined) {
      byKey = new Map();
      for (const acc of accs) byKey.set(acc.part.texts[acc.series]!, acc);
    }
    const labels = part.texts;
    for (let i = 0; i < part.wire.series; i++) {
      const acc = byKey.get(labels[i]!);
      if (acc === undefined) {
        const started = startAcc(part, i);
        byKey.set(labels[i]!, started);
        accs.push(started);
      } else {
        foldInto(acc, part, i, rule);
      }
      if ((i & (SeriesPerCheck - 1)) === 0 && slicer.due()) await slicer.yield();
    }
  }
  return accs;
}

/**
 * MergedScalars are counter, gauge or untyped series merged into columns, in the order
 * {@link fold} gives them: each series' label text, its merged value (the rule applied,
 * `average` divided), and its earliest created timestamp (NaN for none).
 */
export interface MergedScalars {
  texts: readonly string[];
  values: Float64Array;
  /** Undefined when no part has a created column. */
  created: Float64Array | undefined;
  /**
   * Where each series' label text came from, for the errors of its parse: undefined when every
   * text is the first part's series of the same index.
   */
  origins: readonly Acc[] | undefined;
}

/**
 * foldScalars folds the parts of a counter, gauge or untyped family whose series carry nothing
 * beside their values (no extras: see rows.ts's fitsRows). When every part holds the first
 * part's label column (workers of one service send the same series in the same order), the
 * values are folded column by column, without an object per series; otherwise through
 * {@link fold}. Either way the sums are made in worker order, so the results are the same.
 */
export async function foldScalars(parts: Part[], rule: Exclude<MergeRule, "worker" | "omit">, slicer: Slicer): Promise<MergedScalars> {
  const base = parts[0]!;
  if (parts.every((p) => p === base || sameLabels(p, base))) {
    const n = base.wire.series;
    // A scalar family's numbers hold one value per series, in series order (indexPart checks).
    const values = base.numbers.slice(0, n);
    let created = base.created?.slice(0, n);
    for (let p = 1; p < parts.length; p++) {
      const more = parts[p]!.numbers;
      if (rule === "sum" || rule === "average") for (let i = 0; i < n; i++) values[i] += more[i]!;
      else if (rule === "min") for (let i = 0; i < n; i++) values[i] = Math.min(values[i]!, more[i]!);
      else if (rule === "max") for (let i = 0; i < n; i++) values[i] = Math.max(values[i]!, more[i]!);
      const c = parts[p]!.created;
      if (c !== undefined) {
        created ??= new Float64Array(n).fill(Number.NaN);
        // The earliest of those that have one: NaN (none) never wins.
        for (let i = 0; i < n; i++) if (!Number.isNaN(c[i]!) && !(c[i]! >= created[i]!)) created[i] = c[i]!;
      }
      if (slicer.due()) await slicer.yield();
    }
    if (rule === "average") for (let i = 0; i < n; i++) values[i]! /= parts.length;
    return { texts: base.texts, values, created, origins: undefined };
  }
  const accs = await fold(parts, rule, slicer);
  const texts = new Array<string>(accs.length);
  const values = new Float64Array(accs.length);
  const anyCreated = parts.some((p) => p.created !== undefined);
  const created = anyCreated ? new Float64Array(accs.length) : undefined;
  for (let i = 0; i < accs.length; i++) {
    const acc = accs[i]!;
    texts[i] = acc.part.texts[acc.series]!;
    values[i] = rule === "average" ? acc.value / acc.n : acc.value;
    if (created !== undefined) created[i] = acc.createdTimestampMs ?? Number.NaN;
  }
  return { texts, values, created, origins: accs };
}

/** sameLabels reports whether two parts hold the same label sets in the same order. */
function sameLabels(a: Part, b: Part): boolean {
  const x = a.texts;
  const y = b.texts;
  if (x === y) return true; // equal label columns give the same array (LabelTexts)
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

/** startAcc takes the first worker's series as the start of a merged one. */
function startAcc(part: Part, series: number): Acc {
  const nums = part.numbers;
  const at = part.valueAt[series]!;
  const extra = part.extras?.get(series);
  // Every field in the literal (one hidden class for all, see parts.ts's keepWireShapes).
  const acc: Acc = {
    part,
    series,
    n: 1,
    value: nums[at]!,
    sum: 0,
    bounds: undefined,
    counts: undefined,
    createdTimestampMs: undefined,
    timestampMs: undefined,
    exemplar: undefined,
    bucketExemplars: undefined,
  };
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
      `worker ${part.workerId}: histogram ${name}${part.texts[series] || "{}"} has bucket bounds [${got.join(" ")}] but should have [${[...bounds].join(" ")}]: histograms are merged bucket by bucket`,
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
