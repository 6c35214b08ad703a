/**
 * The Prometheus text exposition format, version 0.0.4: the encoder.
 *
 * Counterpart: prometheus/common's expfmt/text_create.go (`MetricFamilyToText`, `writeSample`,
 * `writeLabelPairs`, `writeEscapedString`), byte for byte. Two escaping rules: HELP text escapes
 * backslash and newline; label values also escape the double quote. Values are written with Go's
 * shortest float formatting (see float.ts) — counts too, as client_golang writes them as floats.
 *
 * The core is a generator of string chunks (`textChunks`), so that a caller can write a large
 * exposition to a stream with backpressure and yield to the event loop between chunks; the
 * string-returning functions are conveniences on top of it.
 *
 * @module
 */

import type * as dto from "../model/index.js";
import { escapeHelp } from "./escape.js";
import { formatFloat } from "./float.js";
import { labelsOpen, labelsText } from "./label-text.js";
import { asMetricFamily } from "./rows.js";
import { textByteChunks } from "./text-bytes.js";

/** TextContentType is the content type of the text format, as promhttp announces it. */
export const TextContentType = "text/plain; version=0.0.4; charset=utf-8";

/** DefaultChunkSize is the size (in UTF-16 units) above which `textChunks` hands out a chunk. */
export const DefaultChunkSize = 64 * 1024;

/** EncodeError reports a family that cannot be written in the text format. */
export class EncodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EncodeError";
  }
}

/**
 * textChunks yields the text exposition of `families` in chunks of roughly `chunkSize`. Families
 * are written in the order given (a registry's gather already sorted them).
 * @throws {EncodeError} for a family without metrics, without a name, of a type the text format
 * does not have, or with a metric whose value does not match the family's type.
 */
export function* textChunks(
  families: Iterable<dto.GatheredFamily>,
  chunkSize: number = DefaultChunkSize,
): Generator<string, void, undefined> {
  // The lines of a chunk are joined once it is full: one flat string, where appending each line
  // to the last would build a deep tree of string pieces for the caller to flatten.
  let lines: string[] = [];
  let size = 0;
  for (const gathered of families) {
    const family = withDefaultType(asMetricFamily(gathered));
    const header = familyHeader(family);
    lines.push(header);
    size += header.length;
    for (const m of family.metric) {
      size += writeMetric(lines, family, m);
      if (size >= chunkSize) {
        yield lines.join("");
        lines = [];
        size = 0;
      }
    }
  }
  if (size > 0) yield lines.join("");
}

/** metricFamilyToText returns the text exposition of one family (Go's `MetricFamilyToText`). */
export function metricFamilyToText(family: dto.GatheredFamily): string {
  return metricFamiliesToText([family]);
}

/**
 * metricFamiliesToText returns the text exposition of all families as one string: the bytes of
 * the byte encoder (text-bytes.ts, which writes the same text as {@link textChunks}) decoded
 * once, which is faster than building the string line by line.
 */
export function metricFamiliesToText(families: Iterable<dto.GatheredFamily>): string {
  // Chunks end at line ends, so each one decodes on its own.
  const texts: string[] = [];
  for (const chunk of textByteChunks(families, 1 << 20)) {
    texts.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length).toString("utf8"));
  }
  return texts.join("");
}

function familyHeader(family: dto.MetricFamily): string {
  return headerText(family.name, family.help, family.type, family.metric.length);
}

/**
 * headerText returns the HELP and TYPE lines of a family of `metrics` metrics.
 * @throws {EncodeError} for a family without metrics or name, or of a type the format lacks.
 */
export function headerText(name: string, help: string | undefined, type: dto.MetricType, metrics: number): string {
  if (metrics === 0) throw new EncodeError(`MetricFamily has no metrics: ${name}`);
  if (name === "") throw new EncodeError("MetricFamily has no name");
  const helpLine = help === undefined ? "" : `# HELP ${name} ${escapeHelp(help)}\n`;
  if (type === "gaugehistogram") {
    throw new EncodeError(`unknown metric type GAUGE_HISTOGRAM for ${name} in the text format`);
  }
  return `${helpLine}# TYPE ${name} ${type}\n`;
}

/** writeMetric appends the lines of one metric to `out` and returns their length. */
function writeMetric(out: string[], family: dto.MetricFamily, m: dto.Metric): number {
  const name = family.name;
  switch (family.type) {
    case "counter":
      return sampleLine(out, name, m, expect(m.counter, "counter", name).value);
    case "gauge":
      return sampleLine(out, name, m, expect(m.gauge, "gauge", name).value);
    case "untyped":
      return sampleLine(out, name, m, expect(m.untyped, "untyped", name).value);
    case "summary": {
      const text = summaryText(name, m, expect(m.summary, "summary", name), timestampText(m));
      out.push(text);
      return text.length;
    }
    case "histogram": {
      const text = histogramText(name, m, expect(m.histogram, "histogram", name), timestampText(m));
      out.push(text);
      return text.length;
    }
    default:
      throw new EncodeError(`unexpected type in metric ${name}`);
  }
}

/**
 * withDefaultType gives a family without a type the type `counter`, as Go's `GetType()` returns
 * the enum's zero value, COUNTER, for a family whose type is not set.
 */
export function withDefaultType(family: dto.MetricFamily): dto.MetricFamily {
  return family.type === undefined ? { ...family, type: "counter" } : family;
}

function expect<T>(value: T | undefined, type: string, name: string): T {
  if (value === undefined) throw new EncodeError(`expected ${type} in metric ${name}`);
  return value;
}

function summaryText(name: string, m: dto.Metric, summary: dto.Summary, ts: string): string {
  let out = "";
  const open = labelsOpen(m.label);
  for (const q of summary.quantile) {
    out += `${name}${open}quantile="${formatFloat(q.quantile)}"} ${formatFloat(q.value)}${ts}`;
  }
  const labels = labelsText(m.label);
  out += `${name}_sum${labels} ${formatFloat(summary.sampleSum)}${ts}`;
  return out + `${name}_count${labels} ${formatFloat(summary.sampleCount)}${ts}`;
}

function histogramText(name: string, m: dto.Metric, histogram: dto.Histogram, ts: string): string {
  let out = "";
  const open = labelsOpen(m.label);
  let infSeen = false;
  for (const b of histogram.bucket) {
    out += `${name}_bucket${open}le="${formatFloat(b.upperBound)}"} ${formatFloat(b.cumulativeCount)}${ts}`;
    if (b.upperBound === Infinity) infSeen = true;
  }
  if (!infSeen) out += `${name}_bucket${open}le="+Inf"} ${formatFloat(histogram.sampleCount)}${ts}`;
  const labels = labelsText(m.label);
  out += `${name}_sum${labels} ${formatFloat(histogram.sampleSum)}${ts}`;
  return out + `${name}_count${labels} ${formatFloat(histogram.sampleCount)}${ts}`;
}

/**
 * sampleLine appends a single-line sample (counter, gauge, untyped) to `out`, piece by piece (the
 * pieces are joined once per chunk), and returns its length.
 */
function sampleLine(out: string[], name: string, m: dto.Metric, value: number): number {
  const labels = labelsText(m.label);
  const v = formatFloat(value);
  const end = timestampText(m);
  out.push(name, labels, " ", v, end);
  return name.length + labels.length + v.length + end.length + 1;
}

function timestampText(m: dto.Metric): string {
  return m.timestampMs === undefined ? "\n" : ` ${m.timestampMs}\n`;
}

export { escapeHelp } from "./escape.js";
export { escapeLabelValue, renderLabels } from "./label-text.js";
