/**
 * The compact protobuf text form of a metric (`label:<name:"k" value:"v" > gauge:<value:1 > `),
 * which client_golang's gather errors embed via `dto.Metric.String()`. Reproducing it keeps our
 * error messages identical to Go's, so a learner can search for them in either codebase.
 *
 * Counterpart: golang/protobuf's `CompactTextString` as applied to client_model's `Metric`.
 *
 * @module
 */

import { formatFloat } from "../expfmt/index.js";
import type * as dto from "../model/index.js";

/**
 * metricToProtoText renders m as Go's `(*dto.Metric).String()` does (with its trailing space).
 * Fields come in the order metrics.proto declares them, which is not field-number order:
 * `histogram` (7) is declared before `timestamp_ms` (6).
 */
export function metricToProtoText(m: dto.Metric): string {
  let s = labelsText(m.label);
  if (m.gauge !== undefined) s += `gauge:<value:${protoFloat(m.gauge.value)} > `;
  if (m.counter !== undefined) {
    s += `counter:<value:${protoFloat(m.counter.value)} ${exemplarText(m.counter.exemplar)}> `;
  }
  if (m.summary !== undefined) s += summaryText(m.summary);
  if (m.untyped !== undefined) s += `untyped:<value:${protoFloat(m.untyped.value)} > `;
  if (m.histogram !== undefined) s += histogramText(m.histogram);
  if (m.timestampMs !== undefined) s += `timestamp_ms:${m.timestampMs} `;
  return s;
}

function labelsText(labels: readonly dto.LabelPair[]): string {
  let s = "";
  for (const lp of labels) s += `label:<name:${protoQuote(lp.name)} value:${protoQuote(lp.value)} > `;
  return s;
}

/**
 * exemplarText renders an exemplar field (or nothing): its timestamp is a
 * `google.protobuf.Timestamp`, whose zero `seconds` and `nanos` are left out.
 */
function exemplarText(e: dto.Exemplar | undefined): string {
  if (e === undefined) return "";
  let s = `exemplar:<${labelsText(e.label)}value:${protoFloat(e.value)} `;
  if (e.timestampMs !== undefined) {
    const seconds = Math.floor(e.timestampMs / 1000);
    const nanos = (e.timestampMs - seconds * 1000) * 1e6;
    s += "timestamp:<";
    if (seconds !== 0) s += `seconds:${seconds} `;
    if (nanos !== 0) s += `nanos:${nanos} `;
    s += "> ";
  }
  return s + "> ";
}

function summaryText(summary: dto.Summary): string {
  let s = `summary:<sample_count:${summary.sampleCount} sample_sum:${protoFloat(summary.sampleSum)} `;
  for (const q of summary.quantile) s += `quantile:<quantile:${protoFloat(q.quantile)} value:${protoFloat(q.value)} > `;
  return s + "> ";
}

function histogramText(histogram: dto.Histogram): string {
  let s = `histogram:<sample_count:${histogram.sampleCount} sample_sum:${protoFloat(histogram.sampleSum)} `;
  for (const b of histogram.bucket) {
    s += `bucket:<cumulative_count:${b.cumulativeCount} upper_bound:${protoFloat(b.upperBound)} ${exemplarText(b.exemplar)}> `;
  }
  return s + "> ";
}

function protoFloat(v: number): string {
  if (Number.isNaN(v)) return "nan";
  if (v === Infinity) return "inf";
  if (v === -Infinity) return "-inf";
  if (Object.is(v, -0)) return "-0";
  return formatFloat(v);
}

const encoder = new TextEncoder();

/** protoQuote quotes like golang/protobuf's text writer: C escapes, other bytes in octal. */
function protoQuote(s: string): string {
  let out = '"';
  for (const byte of encoder.encode(s)) {
    switch (byte) {
      case 0x0a:
        out += "\\n";
        break;
      case 0x0d:
        out += "\\r";
        break;
      case 0x09:
        out += "\\t";
        break;
      case 0x22:
        out += '\\"';
        break;
      case 0x5c:
        out += "\\\\";
        break;
      default:
        out += byte >= 0x20 && byte < 0x7f ? String.fromCharCode(byte) : "\\" + byte.toString(8).padStart(3, "0");
    }
  }
  return out + '"';
}
