/**
 * The OpenMetrics text format (1.0.0, also announced as 0.0.1): the encoder.
 *
 * Counterpart: prometheus/common's expfmt/openmetrics_create.go (`MetricFamilyToOpenMetrics`,
 * `FinalizeOpenMetrics`, `writeOpenMetricsSample`, `writeExemplar`, `writeOpenMetricsFloat`),
 * byte for byte, with the `# UNIT` line and `_created` samples of later expfmt releases. Against
 * the text format it changes: counters drop `_total` from `# HELP`/`# TYPE` (a counter whose
 * name lacks `_total` is typed `unknown`), untyped is `unknown`, HELP escapes the double quote,
 * floats always show a `.` or an exponent (`1.0`, `le="25.0"`), counts are integers, timestamps
 * are seconds, exemplars follow counter and bucket samples, and `# EOF` ends the exposition.
 *
 * Where we go beyond or against Go, and why:
 * - `gaugehistogram` families are written as the OpenMetrics spec defines them (buckets,
 *   `_gsum`, `_gcount`); Go's 1.0 encoder rejects the type.
 * - A unit is written whenever the family has one (Go needs its `WithUnit` option) and the name
 *   must already end in `_<unit>`: we throw where Go's `WithUnit` appends the suffix, because a
 *   rename while serializing makes the OpenMetrics series differ from the text-format series.
 * - An exemplar's labels may hold at most 128 runes, as the spec requires; Go does not check
 *   here (client_golang checks when the exemplar is made). An exemplar without labels is left
 *   out, as later expfmt releases do (0.39 wrote an unparsable ` #  1.0`).
 * - `_created` lines are opt-in (`createdLines`), as with Go's `WithCreatedLines`: Prometheus
 *   before its created-timestamp support stores each of them as one more series.
 *
 * The core is a generator of string chunks, like `textChunks`; the string functions are
 * conveniences on top of it.
 *
 * @module
 */

import type * as dto from "../model/index.js";
import { formatFloat } from "./float.js";
import { OpenMetricsVersion_0_0_1, OpenMetricsVersion_1_0_0, type OpenMetricsVersion } from "./format.js";
import { escapeLabelValue, labelsOpen, labelsText } from "./label-text.js";
import { asMetricFamily } from "./rows.js";
import { DefaultChunkSize, EncodeError, withDefaultType } from "./text.js";

/** ExemplarMaxRunes is the most runes an exemplar's label names and values may hold together. */
export const ExemplarMaxRunes = 128;

/** OpenMetricsOptions tune the OpenMetrics encoder. */
export interface OpenMetricsOptions {
  /**
   * The version the output is announced as (default `"1.0.0"`). Both versions are encoded
   * alike, so this changes no byte; an unknown version is an error.
   */
  version?: OpenMetricsVersion;
  /**
   * Whether to write a `_created` sample after each counter, summary and histogram that has a
   * creation time (default false, as Go's encoder without `WithCreatedLines`).
   */
  createdLines?: boolean;
  /** Whether to end with the `# EOF` line (default true); false to encode family by family. */
  eof?: boolean;
  /** The size (in UTF-16 units) above which a chunk is handed out; `DefaultChunkSize` if unset. */
  chunkSize?: number;
}

/**
 * openMetricsChunks yields the OpenMetrics exposition of `families` in chunks of roughly
 * `chunkSize`, ending with `# EOF` unless `eof` is false. Families are written in the order given.
 * @throws {EncodeError} for a family without a name, of an unknown type, with a unit its name
 * does not end with, with a metric whose value does not match the family's type, with a count
 * that is not a uint64, with an exemplar over 128 runes or an invalid timestamp; or for an
 * unknown `version`.
 *
 * @example
 * ```ts
 * const jobs = { label: [], counter: { value: 1 } };
 * [...openMetricsChunks([{ name: "jobs_total", help: "Jobs.", type: "counter", metric: [jobs] }])].join("");
 * // "# HELP jobs Jobs.\n# TYPE jobs counter\njobs_total 1.0\n# EOF\n"
 * ```
 */
export function* openMetricsChunks(
  families: Iterable<dto.GatheredFamily>,
  options: OpenMetricsOptions = {},
): Generator<string, void, undefined> {
  checkVersion(options.version);
  const chunkSize = options.chunkSize ?? DefaultChunkSize;
  const createdLines = options.createdLines ?? false;
  let out = "";
  for (const gathered of families) {
    const family = withDefaultType(asMetricFamily(gathered));
    const names = familyNames(family);
    out += familyHeader(family, names);
    for (const m of family.metric) {
      out += writeMetric(family, names, m, createdLines);
      if (out.length >= chunkSize) {
        yield out;
        out = "";
      }
    }
  }
  if (options.eof ?? true) out += finalizeOpenMetrics();
  if (out.length > 0) yield out;
}

/**
 * metricFamilyToOpenMetrics returns the OpenMetrics lines of one family, without `# EOF` (Go's
 * `MetricFamilyToOpenMetrics`; end the exposition with `finalizeOpenMetrics()`).
 */
export function metricFamilyToOpenMetrics(
  family: dto.GatheredFamily,
  options: Omit<OpenMetricsOptions, "eof" | "chunkSize"> = {},
): string {
  let text = "";
  // Options made field by field, not spread: an object made by a spread gets a hidden class of
  // its own that dies with it (see lib/prometheus/internal/shapes.ts).
  const all = { version: options.version, createdLines: options.createdLines, eof: false, chunkSize: Infinity };
  for (const chunk of openMetricsChunks([family], all)) text += chunk;
  return text;
}

/** metricFamiliesToOpenMetrics returns the whole OpenMetrics exposition of `families`, `# EOF` included. */
export function metricFamiliesToOpenMetrics(
  families: Iterable<dto.GatheredFamily>,
  options: Omit<OpenMetricsOptions, "eof" | "chunkSize"> = {},
): string {
  let text = "";
  const all = { version: options.version, createdLines: options.createdLines, eof: true, chunkSize: Infinity };
  for (const chunk of openMetricsChunks(families, all)) text += chunk;
  return text;
}

/** finalizeOpenMetrics returns the `# EOF` line that ends every OpenMetrics exposition (Go's `FinalizeOpenMetrics`). */
export function finalizeOpenMetrics(): string {
  return "# EOF\n";
}

/**
 * formatOpenMetricsFloat returns `v` as OpenMetrics writes it (Go's `writeOpenMetricsFloat`):
 * the text format's `formatFloat`, with `.0` appended when that has neither a `.` nor an `e`.
 *
 * @example
 * ```ts
 * formatOpenMetricsFloat(25); // "25.0"
 * formatOpenMetricsFloat(1.6e9); // "1.6e+09"
 * formatOpenMetricsFloat(Infinity); // "+Inf"
 * ```
 */
export function formatOpenMetricsFloat(v: number): string {
  // The common case first: small whole numbers, which formatFloat writes as plain digits.
  if (Number.isInteger(v) && v > -1e6 && v < 1e6) return `${v}.0`;
  const s = formatFloat(v);
  if (v !== v || v === Infinity || v === -Infinity) return s;
  return s.includes(".") || s.includes("e") ? s : s + ".0";
}

function checkVersion(version: string | undefined): void {
  if (version === undefined || version === OpenMetricsVersion_1_0_0 || version === OpenMetricsVersion_0_0_1) return;
  throw new EncodeError(`unknown OpenMetrics version "${version}"`);
}

/** FamilyNames are the names one family is written under. */
interface FamilyNames {
  /** The name of the `# HELP`, `# TYPE` and `# UNIT` lines: a counter's name without `_total`. */
  readonly short: string;
  /** The OpenMetrics type. */
  readonly type: string;
}

function familyNames(family: dto.MetricFamily): FamilyNames {
  const name = family.name;
  if (name === "") throw new EncodeError("MetricFamily has no name");
  switch (family.type) {
    case "counter":
      // A counter without `_total` cannot be an OpenMetrics counter: Go writes it as unknown.
      return name.endsWith("_total") ? { short: name.slice(0, -6), type: "counter" } : { short: name, type: "unknown" };
    case "untyped":
      return { short: name, type: "unknown" };
    case "gauge":
    case "summary":
    case "histogram":
    case "gaugehistogram":
      return { short: name, type: family.type };
    default:
      throw new EncodeError(`unknown metric type ${String(family.type)}`);
  }
}

function familyHeader(family: dto.MetricFamily, names: FamilyNames): string {
  let out = family.help === undefined ? "" : `# HELP ${names.short} ${escapeLabelValue(family.help)}\n`;
  out += `# TYPE ${names.short} ${names.type}\n`;
  if (family.unit !== undefined && family.unit !== "") {
    if (!names.short.endsWith(`_${family.unit}`)) {
      throw new EncodeError(`metric name ${names.short} does not end with the unit suffix _${family.unit}`);
    }
    out += `# UNIT ${names.short} ${escapeLabelValue(family.unit)}\n`;
  }
  return out;
}

function writeMetric(family: dto.MetricFamily, names: FamilyNames, m: dto.Metric, createdLines: boolean): string {
  const name = family.name;
  const ts = m.timestampMs === undefined ? "" : ` ${formatOpenMetricsFloat(Math.trunc(m.timestampMs) / 1000)}`;
  const labels = labelsText(m.label);
  const created = (ms: number | undefined): string =>
    createdLines && ms !== undefined ? `${names.short}_created${labels} ${timestampText(ms, "created", name)}\n` : "";
  switch (family.type) {
    case "counter": {
      const counter = expect(m.counter, "counter", name);
      const sample = `${name}${labels} ${formatOpenMetricsFloat(counter.value)}${ts}`;
      return `${sample}${exemplarText(counter.exemplar, name)}\n${created(counter.createdTimestampMs)}`;
    }
    case "gauge":
      return `${name}${labels} ${formatOpenMetricsFloat(expect(m.gauge, "gauge", name).value)}${ts}\n`;
    case "untyped":
      return `${name}${labels} ${formatOpenMetricsFloat(expect(m.untyped, "untyped", name).value)}${ts}\n`;
    case "summary": {
      const summary = expect(m.summary, "summary", name);
      return summaryText(name, m.label, summary, ts) + created(summary.createdTimestampMs);
    }
    default: {
      const histogram = expect(m.histogram, "histogram", name);
      const gauge = family.type === "gaugehistogram";
      return histogramText(name, m.label, histogram, ts, gauge) + (gauge ? "" : created(histogram.createdTimestampMs));
    }
  }
}

function expect<T>(value: T | undefined, type: string, name: string): T {
  if (value === undefined) throw new EncodeError(`expected ${type} in metric ${name}`);
  return value;
}

function summaryText(name: string, label: readonly dto.LabelPair[], summary: dto.Summary, ts: string): string {
  let out = "";
  const open = labelsOpen(label);
  for (const q of summary.quantile) {
    out += `${name}${open}quantile="${formatOpenMetricsFloat(q.quantile)}"} ${formatOpenMetricsFloat(q.value)}${ts}\n`;
  }
  const labels = labelsText(label);
  out += `${name}_sum${labels} ${formatOpenMetricsFloat(summary.sampleSum)}${ts}\n`;
  return out + `${name}_count${labels} ${uintText(summary.sampleCount, "sample count", name)}${ts}\n`;
}

function histogramText(
  name: string,
  label: readonly dto.LabelPair[],
  histogram: dto.Histogram,
  ts: string,
  gauge: boolean,
): string {
  let out = "";
  const open = labelsOpen(label);
  let infSeen = false;
  for (const b of histogram.bucket) {
    const count = uintText(b.cumulativeCount, "cumulative count", name);
    out += `${name}_bucket${open}le="${formatOpenMetricsFloat(b.upperBound)}"} ${count}${ts}`;
    out += `${exemplarText(b.exemplar, name)}\n`;
    if (b.upperBound === Infinity) infSeen = true;
  }
  const count = uintText(histogram.sampleCount, "sample count", name);
  if (!infSeen) out += `${name}_bucket${open}le="+Inf"} ${count}${ts}\n`;
  const labels = labelsText(label);
  out += `${name}${gauge ? "_gsum" : "_sum"}${labels} ${formatOpenMetricsFloat(histogram.sampleSum)}${ts}\n`;
  return out + `${name}${gauge ? "_gcount" : "_count"}${labels} ${count}${ts}\n`;
}

/** exemplarText returns ` # {labels} value[ timestamp]`, or nothing for no exemplar or one without labels. */
function exemplarText(exemplar: dto.Exemplar | undefined, name: string): string {
  if (exemplar === undefined || exemplar.label.length === 0) return "";
  let runes = 0;
  for (const lp of exemplar.label) runes += runeCount(lp.name) + runeCount(lp.value);
  if (runes > ExemplarMaxRunes) {
    throw new EncodeError(
      `exemplar labels have ${runes} runes, exceeding the limit of ${ExemplarMaxRunes} in metric ${name}`,
    );
  }
  const ts = exemplar.timestampMs === undefined ? "" : ` ${timestampText(exemplar.timestampMs, "exemplar", name)}`;
  return ` # ${labelsText(exemplar.label)} ${formatOpenMetricsFloat(exemplar.value)}${ts}`;
}

/** The range of a protobuf `Timestamp` (0001-01-01 to 9999-12-31), in milliseconds. */
const minTimestampMs = -62135596800_000;
const maxTimestampMs = 253402300800_000;

/**
 * timestampText writes a timestamp in ms as Go writes a protobuf `Timestamp`: its Unix time in
 * whole nanoseconds, as a float, divided by 1e9. (Whole ms times 1e6 round to the same double
 * that Go's int64 nanoseconds convert to.)
 */
function timestampText(ms: number, what: string, name: string): string {
  if (!(ms >= minTimestampMs && ms < maxTimestampMs)) {
    throw new EncodeError(`${what} timestamp ${ms} ms is outside 0001-01-01 to 9999-12-31 in metric ${name}`);
  }
  return formatOpenMetricsFloat(Math.trunc(ms * 1e6) / 1e9);
}

/** uintText writes a count as Go writes a uint64, refusing what a uint64 cannot hold. */
function uintText(v: number, what: string, name: string): string {
  if (Number.isSafeInteger(v) && v >= 0) return String(v === 0 ? 0 : v);
  if (Number.isInteger(v) && v > 0 && v < 2 ** 64) return BigInt(v).toString();
  throw new EncodeError(`${what} ${formatFloat(v)} is not a uint64 in metric ${name}`);
}

/** runeCount counts code points, as Go's `utf8.RuneCountInString` counts runes. */
function runeCount(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}
