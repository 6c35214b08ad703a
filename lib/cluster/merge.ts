/**
 * The merge: the workers' families, in wire form, folded into one set of client_model families
 * by the rules of rules.ts. It runs on the primary in slices (see slices.ts), so
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
import { isRowsFamily } from "../model/index.js";
import { compareMetrics, goQuote } from "../prometheus/index.js";
import { keepShape } from "./shapes.js";
import { combine } from "./combine.js";
import { FamilyConflictError, MergeError, MergeRuleError } from "./errors.js";
import { LabelTexts } from "./label-text.js";
import { groupByName, labelPairs, metricOf, type Part, SeriesPerCheck, type WorkerAnswer } from "./parts.js";
import { fitsRows, RowLayouts, rowsOf } from "./rows.js";
import { RuleBook, ruleFits } from "./rules.js";
import { Slicer, sortInSlices } from "./slices.js";
import { toWire } from "./wire.js";

export type { WorkerAnswer } from "./parts.js";

/** MergeOptions are the rules and the name of the label that marks a worker's series. */
export interface MergeOptions {
  rules: RuleBook;
  workerLabel: string;
  slicer?: Slicer;
  /** Label pairs of earlier merges, to use again (a gatherer keeps one across scrapes). */
  labelTexts?: LabelTexts;
  /** Rows layouts of earlier merges, to use again (a gatherer keeps one across scrapes). */
  rowLayouts?: RowLayouts;
  /**
   * Make the counters, gauges and untyped families merged into one series per label set rows
   * families (rows.ts), for a transactional gather; default false: plain families only.
   */
  rows?: boolean;
}

/** MergeResult holds the merged families (sorted by name) and the errors of those left out. */
export interface MergeResult<F extends dto.GatheredFamily = dto.MetricFamily> {
  families: F[];
  errors: Error[];
}

/**
 * mergeAnswers merges the workers' answers (in any order; they are taken by worker id).
 */
export async function mergeAnswers(answers: readonly WorkerAnswer[], options: MergeOptions & { rows?: false }): Promise<MergeResult>;
export async function mergeAnswers(answers: readonly WorkerAnswer[], options: MergeOptions): Promise<MergeResult<dto.GatheredFamily>>;
export async function mergeAnswers(answers: readonly WorkerAnswer[], options: MergeOptions): Promise<MergeResult<dto.GatheredFamily>> {
  const slicer = options.slicer ?? new Slicer();
  const labelTexts = options.labelTexts ?? new LabelTexts();
  labelTexts.nextMerge();
  const rowLayouts = options.rowLayouts ?? new RowLayouts();
  rowLayouts.nextMerge();
  const errors: Error[] = [];
  const groups = await groupByName([...answers].sort((a, b) => a.workerId - b.workerId), labelTexts, errors, slicer);
  const families: dto.GatheredFamily[] = [];
  for (const name of [...groups.keys()].sort()) {
    try {
      const family = await mergeFamily(groups.get(name)!, options, rowLayouts, slicer);
      // A family without series is left out, as a registry leaves it out of a gather.
      if (family !== undefined && (isRowsFamily(family) ? family.length : family.metric.length) > 0) families.push(family);
    } catch (err) {
      if (!(err instanceof MergeError)) throw err;
      errors.push(err);
    }
    if (slicer.due()) await slicer.yield();
  }
  return { families, errors };
}

/** mergeFamily merges one family's parts, or returns undefined when its rule omits it. */
async function mergeFamily(parts: Part[], options: MergeOptions, rowLayouts: RowLayouts, slicer: Slicer): Promise<dto.GatheredFamily | undefined> {
  const first = parts[0]!.wire;
  checkAgreement(parts);
  const rule = options.rules.ruleFor(first.name, first.type);
  if (!ruleFits(rule, first.type)) {
    throw new MergeRuleError(`merge rule "${rule}" does not apply to metric family ${first.name} of type ${first.type}`, first.name);
  }
  if (rule === "omit") return undefined;
  if (options.rows === true && fitsRows(parts, rule)) return rowsOf(parts, rule, rowLayouts, slicer);
  const family: dto.MetricFamily = { name: first.name, type: first.type, metric: [] };
  if (first.help !== undefined) family.help = first.help;
  if (first.unit !== undefined) family.unit = first.unit;
  family.metric = rule === "worker" ? await keepPerWorker(parts, options.workerLabel, slicer) : await combine(parts, rule, slicer);
  if (!(await isSorted(family.metric, slicer))) await sortInSlices(family.metric, compareMetrics, slicer);
  return family;
}

/** isSorted reports whether metrics are already in a registry's order (workers send them so). */
async function isSorted(metrics: readonly dto.Metric[], slicer: Slicer): Promise<boolean> {
  for (let i = 1; i < metrics.length; i++) {
    if (compareMetrics(metrics[i - 1]!, metrics[i]!) > 0) return false;
    if ((i & (SeriesPerCheck - 1)) === 0 && slicer.due()) await slicer.yield();
  }
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
      if ((i & (SeriesPerCheck - 1)) === 0 && slicer.due()) await slicer.yield();
    }
  }
  return metrics;
}

/**
 * keepMergeShapes keeps what a merge of a family of each type returns, summed and kept per
 * worker (see shapes.ts): the merged metrics get their fields one after
 * another, and without one of each alive a full collection between two scrapes frees their
 * hidden classes and V8 discards the code that made them, and the encoders' code that read them.
 */
function keepMergeShapes(): void {
  // Fractions: a field that has held only small integers has another hidden class than one that
  // has held a fraction, and real values are both.
  const label = [{ name: "a", value: "b" }];
  const families: dto.MetricFamily[] = [
    { name: "c_total", help: "h", type: "counter", metric: [{ label, counter: { value: 0.25, createdTimestampMs: 0.5 } }] },
    { name: "g", help: "h", type: "gauge", metric: [{ label, gauge: { value: 0.25 } }] },
    { name: "u", help: "h", type: "untyped", metric: [{ label, untyped: { value: 0.25 } }] },
    {
      name: "s",
      help: "h",
      type: "summary",
      metric: [{ label, summary: { sampleCount: 0.25, sampleSum: 0.25, quantile: [{ quantile: 0.5, value: 0.25 }], createdTimestampMs: 0.5 } }],
    },
    {
      name: "h",
      help: "h",
      type: "histogram",
      metric: [{ label, histogram: { sampleCount: 0.25, sampleSum: 0.25, bucket: [{ upperBound: 0.5, cumulativeCount: 0.25 }], createdTimestampMs: 0.5 } }],
    },
  ];
  const answers = [1, 2].map((workerId) => ({ workerId, families: JSON.parse(JSON.stringify(toWire(families))) as unknown[] }));
  for (const rule of ["sum", "worker"] as const) {
    const rules = new RuleBook({ byType: { counter: rule, gauge: rule, untyped: rule, summary: rule, histogram: rule } });
    // It cannot fail (the families are made above); were it to, the exemplars would be missing, nothing more.
    mergeAnswers(answers, { rules, workerLabel: "worker" }).then(keepShape, () => {});
  }
}

keepMergeShapes();
