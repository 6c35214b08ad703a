/**
 * Samples from metric families: each value of a family as one sample with its full label set
 * (`__name__` included), as Prometheus would store it after a scrape.
 *
 * Counterpart: prometheus/common's expfmt/decode.go (`DecodeOptions`, `SampleDecoder`,
 * `ExtractSamples` and the `extract*` functions), with model.Sample as a plain object. A label
 * set is a plain object; `le` and `quantile` values are written as Go's `fmt.Sprint` writes a
 * float (`0.5`, `1e+06`, `+Inf`).
 *
 * @module
 */

import type * as dto from "../model/index.js";
import type { Decoder } from "./decode.js";
import { formatFloat } from "./float.js";

/** DecodeOptions tune sample extraction (Go's `DecodeOptions`). */
export interface DecodeOptions {
  /** The timestamp (ms since the epoch) of samples whose metric has none. Default 0. */
  timestamp?: number;
}

/** Sample is one value with its labels and timestamp (Go's `model.Sample`). */
export interface Sample {
  /** The label set, `__name__` included. */
  metric: Record<string, string>;
  value: number;
  /** Milliseconds since the epoch. */
  timestamp: number;
}

/** UnknownTypeError reports a family whose type has no samples to extract. */
export class UnknownTypeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UnknownTypeError";
  }
}

/**
 * extractSamples returns the samples of all `families` (Go's `ExtractSamples`). As in Go, a
 * family that fails (a type without samples: `gaugehistogram`) is passed over, and the last such
 * error is returned beside the samples of the others.
 * @example
 * ```ts
 * const [samples, err] = extractSamples({ timestamp: 1000 }, ...parseText("up 1\n"));
 * // samples: [{ metric: { __name__: "up" }, value: 1, timestamp: 1000 }], err: undefined
 * ```
 */
export function extractSamples(
  options: DecodeOptions | undefined,
  ...families: dto.MetricFamily[]
): [Sample[], Error | undefined] {
  const all: Sample[] = [];
  let lastErr: Error | undefined;
  for (const family of families) {
    try {
      all.push(...familySamples(family, options?.timestamp ?? 0));
    } catch (err) {
      lastErr = err as Error;
    }
  }
  return [all, lastErr];
}

/**
 * SampleDecoder wraps a {@link Decoder} and returns the samples of each family it decodes (Go's
 * `SampleDecoder`).
 */
export class SampleDecoder {
  readonly #decoder: Decoder;
  readonly #options: DecodeOptions;

  constructor(decoder: Decoder, options: DecodeOptions = {}) {
    this.#decoder = decoder;
    this.#options = options;
  }

  /**
   * decode resolves to the samples of the next family, or to `undefined` at the end.
   * @throws what the decoder throws, or {@link UnknownTypeError}.
   */
  async decode(): Promise<Sample[] | undefined> {
    const family = await this.#decoder.decode();
    return family === undefined ? undefined : familySamples(family, this.#options.timestamp ?? 0);
  }
}

/** familySamples extracts one family's samples, as Go's `extractSamples`. */
function familySamples(family: dto.MetricFamily, defaultTimestamp: number): Sample[] {
  const samples: Sample[] = [];
  const name = family.name;
  const type = family.type ?? "counter";
  for (const m of family.metric) {
    const timestamp = m.timestampMs ?? defaultTimestamp;
    const labels = (extra: Record<string, string>): Record<string, string> => {
      const set: Record<string, string> = {};
      for (const lp of m.label) set[lp.name] = lp.value;
      return Object.assign(set, extra);
    };
    const push = (extra: Record<string, string>, value: number) => samples.push({ metric: labels(extra), value, timestamp });
    if (type === "counter" || type === "gauge" || type === "untyped") {
      const holder = type === "counter" ? m.counter : type === "gauge" ? m.gauge : m.untyped;
      if (holder !== undefined) push({ __name__: name }, holder.value);
    } else if (type === "summary") {
      if (m.summary === undefined) continue;
      for (const q of m.summary.quantile) push({ quantile: formatFloat(q.quantile), __name__: name }, q.value);
      push({ __name__: `${name}_sum` }, m.summary.sampleSum);
      push({ __name__: `${name}_count` }, m.summary.sampleCount);
    } else if (type === "histogram") {
      if (m.histogram !== undefined) histogramSamples(name, m.histogram, push);
    } else {
      throw new UnknownTypeError(`expfmt.extractSamples: unknown metric family type ${type === "gaugehistogram" ? "GAUGE_HISTOGRAM" : String(type).toUpperCase()}`);
    }
  }
  return samples;
}

/** histogramSamples pushes buckets, _sum, _count and, when no bucket is +Inf, a +Inf bucket. */
function histogramSamples(
  name: string,
  h: dto.Histogram,
  push: (extra: Record<string, string>, value: number) => void,
): void {
  let infSeen = false;
  for (const b of h.bucket) {
    push({ le: formatFloat(b.upperBound), __name__: `${name}_bucket` }, b.cumulativeCount);
    if (b.upperBound === Infinity) infSeen = true;
  }
  push({ __name__: `${name}_sum` }, h.sampleSum);
  push({ __name__: `${name}_count` }, h.sampleCount);
  if (!infSeen) push({ le: "+Inf", __name__: `${name}_bucket` }, h.sampleCount);
}
