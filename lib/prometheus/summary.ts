/**
 * Summary: counts observations and keeps their sum like a histogram, and also estimates
 * configurable φ-quantiles over a sliding time window, on the client. Quantiles of summaries
 * cannot be aggregated across instances; prefer a histogram unless you need exact client-side
 * quantiles of one process.
 *
 * Counterpart: client_golang's summary.go (`Summary`, `SummaryOpts`, `NewSummary`, `SummaryVec`,
 * `NewConstSummary`, `MustNewConstSummary`), with the creation time client_golang records since
 * 1.17 (`createdTs`, `NewConstSummaryWithCreatedTimestamp`). The windowed quantile streams live in
 * summary-window.ts and quantile.ts.
 *
 * @module
 */

import type * as dto from "../model/index.js";
import { SelfCollector } from "./collector.js";
import { Desc } from "./desc.js";
import { InvalidOptionsError, InvalidValueError } from "./errors.js";
import { checkCount, checkNoReservedLabel, checkNumber } from "./histogram.js";
import { QuantileLabel, validateLabelValues } from "./labels.js";
import { descFromOpts, type Metric, type Opts } from "./metric.js";
import { DefAgeBuckets, DefBufCap, DefMaxAgeMs, SummaryWindow, validateObjectives } from "./summary-window.js";
import { ObjectKind } from "./internal/metric-map.js";
import { MetricVec } from "./vec.js";
import type { SeriesLimitOpts } from "./series-limit.js";
import { ConstMetric, makeLabelPairs, type Result, resultOf, withCreatedTimestamp } from "./value.js";

export { DefAgeBuckets, DefBufCap, DefMaxAgeMs };

/** Objectives map each quantile (0 < φ < 1) to its allowed absolute error, e.g. `{0.5: 0.05, 0.99: 0.001}`. */
export type Objectives = ReadonlyMap<number, number> | Readonly<Record<string, number>>;

/** SummaryOpts bundles the options for creating a Summary or SummaryVec. */
export interface SummaryOpts extends Opts {
  /** The quantiles to estimate and their allowed errors. None by default: only count and sum. */
  objectives?: Objectives;
  /** How long, in ms, observations stay in the quantile window. Default 10 minutes. */
  maxAge?: number;
  /** The number of buckets the window is divided into, rotated every `maxAge / ageBuckets`. Default 5. */
  ageBuckets?: number;
  /** The number of observations buffered before they are merged into the streams. Default 500. */
  bufCap?: number;
}

interface WindowOptions {
  objectives: ReadonlyMap<number, number>;
  maxAgeMs: number;
  ageBuckets: number;
  bufCap: number;
}

/** Summary observes values and reports count, sum and windowed quantile estimates. */
export class Summary extends SelfCollector {
  readonly #desc: Desc;
  readonly #labelPairs: readonly dto.LabelPair[];
  readonly #window: SummaryWindow | undefined;
  /** When the summary was made, written as its created timestamp. */
  readonly #createdTimestampMs = Date.now();
  #count = 0;
  #sum = 0;

  /** Creates a summary from options; the same as {@link newSummary}. */
  constructor(opts: SummaryOpts);
  /** @internal Creates a child of a SummaryVec from validated options. */
  constructor(desc: Desc, labelPairs: readonly dto.LabelPair[], windowOptions: WindowOptions);
  constructor(optsOrDesc: SummaryOpts | Desc, labelPairs?: readonly dto.LabelPair[], windowOptions?: WindowOptions) {
    super();
    if (optsOrDesc instanceof Desc) {
      this.#desc = optsOrDesc;
      this.#labelPairs = labelPairs!;
    } else {
      this.#desc = descFromOpts(optsOrDesc, null);
      checkNoReservedLabel(this.#desc, QuantileLabel, "summaries");
      this.#labelPairs = this.#desc.constLabelPairs;
      windowOptions = validateSummaryOpts(optsOrDesc);
    }
    this.#window = windowOptions!.objectives.size === 0 ? undefined : new SummaryWindow(windowOptions!);
  }

  desc(): Desc {
    return this.#desc;
  }

  /** observe adds a single observation. */
  observe(v: number): void {
    if (typeof v !== "number") throw new InvalidValueError(`summary observation must be a number, got ${typeof v}`);
    if (this.#window !== undefined) {
      this.#window.observe(v);
      return;
    }
    this.#count++;
    this.#sum += v;
  }

  write(): dto.Metric {
    const createdTimestampMs = this.#createdTimestampMs;
    if (this.#window === undefined) {
      return {
        label: this.#labelPairs,
        summary: { sampleCount: this.#count, sampleSum: this.#sum, quantile: [], createdTimestampMs },
      };
    }
    return { label: this.#labelPairs, summary: { ...this.#window.snapshot(), createdTimestampMs } };
  }
}

/** newSummary creates a summary from options (Go's `NewSummary`). @throws {InvalidOptionsError} */
export function newSummary(opts: SummaryOpts): Summary {
  return new Summary(opts);
}

/** SummaryVec bundles summaries of one name that differ in their label values. */
export class SummaryVec extends MetricVec<Summary> {
  /** Creates a summary vec; the same as {@link newSummaryVec}. @throws {InvalidOptionsError} */
  constructor(opts: SummaryOpts & SeriesLimitOpts, labelNames: readonly string[]) {
    const desc = descFromOpts(opts, labelNames);
    checkNoReservedLabel(desc, QuantileLabel, "summaries");
    const windowOptions = validateSummaryOpts(opts);
    super(desc, new ObjectKind((_labelValues, labelPairs) => new Summary(desc, labelPairs, windowOptions)), opts);
  }
}

/** newSummaryVec creates a SummaryVec (Go's `NewSummaryVec`). @throws {InvalidOptionsError} */
export function newSummaryVec(opts: SummaryOpts & SeriesLimitOpts, labelNames: readonly string[]): SummaryVec {
  return new SummaryVec(opts, labelNames);
}

function validateSummaryOpts(opts: SummaryOpts): WindowOptions {
  const objectives = objectivesMap(opts.objectives);
  try {
    validateObjectives(objectives);
  } catch (err) {
    throw new InvalidOptionsError((err as Error).message);
  }
  const maxAgeMs = opts.maxAge ?? 0;
  if (!(maxAgeMs >= 0) || !Number.isFinite(maxAgeMs)) {
    throw new InvalidOptionsError(`illegal max age MaxAge=${String(opts.maxAge)}`);
  }
  const ageBuckets = opts.ageBuckets ?? 0;
  const bufCap = opts.bufCap ?? 0;
  if (!Number.isInteger(ageBuckets) || ageBuckets < 0) {
    throw new InvalidOptionsError(`illegal age buckets AgeBuckets=${String(ageBuckets)}`);
  }
  if (!Number.isInteger(bufCap) || bufCap < 0) {
    throw new InvalidOptionsError(`illegal buffer capacity BufCap=${String(bufCap)}`);
  }
  return {
    objectives,
    maxAgeMs: maxAgeMs === 0 ? DefMaxAgeMs : maxAgeMs,
    ageBuckets: ageBuckets === 0 ? DefAgeBuckets : ageBuckets,
    bufCap: bufCap === 0 ? DefBufCap : bufCap,
  };
}

function objectivesMap(objectives: Objectives | undefined): ReadonlyMap<number, number> {
  if (objectives === undefined || objectives === null) return new Map(); // nil in Go: none
  if (objectives instanceof Map) return objectives;
  return new Map(Object.entries(objectives).map(([q, e]) => [Number(q), e]));
}

/**
 * newConstSummary returns a summary with fixed count, sum and quantile values (quantile → value),
 * for collectors that relay summaries computed elsewhere. Returns the error instead of throwing.
 */
export function newConstSummary(
  desc: Desc,
  count: number,
  sum: number,
  quantiles: Objectives,
  ...labelValues: string[]
): Result<Metric> {
  return resultOf(() => mustNewConstSummary(desc, count, sum, quantiles, ...labelValues));
}

/**
 * mustNewConstSummary is newConstSummary that throws.
 * @throws {PrometheusError} for an invalid descriptor, label values, count or quantile.
 */
export function mustNewConstSummary(
  desc: Desc,
  count: number,
  sum: number,
  quantiles: Objectives,
  ...labelValues: string[]
): Metric {
  if (desc.err !== undefined) throw desc.err;
  validateLabelValues(labelValues, desc.variableLabels.length);
  checkCount("summary count", count);
  checkNumber("summary sum", sum);
  const quantile: dto.Quantile[] = [];
  for (const [q, value] of objectivesMap(quantiles)) {
    if (typeof q !== "number" || !(q >= 0 && q <= 1)) {
      throw new InvalidValueError(`summary quantile ${String(q)} is not in [0, 1]`);
    }
    checkNumber(`summary quantile ${q} value`, value);
    quantile.push({ quantile: q, value });
  }
  quantile.sort((a, b) => a.quantile - b.quantile);
  return new ConstMetric(desc, {
    label: makeLabelPairs(desc, labelValues),
    summary: { sampleCount: count, sampleSum: sum, quantile },
  });
}

/**
 * newConstSummaryWithCreatedTimestamp is newConstSummary for a summary that also carries its
 * creation time `ct` (a Date or ms since the epoch). Returns the error instead of throwing.
 */
export function newConstSummaryWithCreatedTimestamp(
  desc: Desc,
  count: number,
  sum: number,
  quantiles: Objectives,
  ct: Date | number,
  ...labelValues: string[]
): Result<Metric> {
  return resultOf(() => mustNewConstSummaryWithCreatedTimestamp(desc, count, sum, quantiles, ct, ...labelValues));
}

/**
 * mustNewConstSummaryWithCreatedTimestamp is newConstSummaryWithCreatedTimestamp that throws.
 * @throws {PrometheusError} as mustNewConstSummary, and {@link InvalidValueError} for an invalid `ct`.
 */
export function mustNewConstSummaryWithCreatedTimestamp(
  desc: Desc,
  count: number,
  sum: number,
  quantiles: Objectives,
  ct: Date | number,
  ...labelValues: string[]
): Metric {
  return withCreatedTimestamp(mustNewConstSummary(desc, count, sum, quantiles, ...labelValues), ct);
}
