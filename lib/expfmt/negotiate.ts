/**
 * Content negotiation: which exposition format to answer a scrape with, from its `Accept` header.
 *
 * Counterparts: prometheus/common's expfmt/encode.go (`Negotiate`,
 * `NegotiateIncludingOpenMetrics`) and the goautoneg package it vendors
 * (internal/bitbucket.org/ww/goautoneg/autoneg.go, `ParseAccept`), followed clause by clause,
 * quirks included: only spaces are trimmed, names and parameters are case-sensitive, quoted
 * parameter values stay quoted, a `q` that does not parse counts as 0, and clauses are ordered by
 * goautoneg's comparison with the insertion sort that Go's `sort.Sort` runs on up to 12 elements.
 * A header that cannot be read never fails: it falls back to the text format, as in Go.
 *
 * OpenMetrics versions follow later expfmt releases: `version=1.0.0` negotiates
 * `FmtOpenMetrics_1_0_0`, `version=0.0.1` or no version `FmtOpenMetrics_0_0_1`, and any other
 * version is passed over (expfmt 0.39 accepted only 0.0.1).
 *
 * Deliberate differences from Go, each for a format or a case we do not have:
 * - `encoding=text` and `encoding=compact-text` (Go's `FmtProtoText`, `FmtProtoCompact`) are
 *   passed over like an unknown encoding, so the client gets its next choice, since this package
 *   does not write those debugging formats.
 * - Headers of more than 12 clauses are ordered with the same insertion sort; Go's pdqsort can
 *   order them differently where goautoneg's comparison ranks two clauses both ways.
 * - A `q` written as a hexadecimal float (`q=0x1p-1`) counts as 0; Go reads it as a number.
 *
 * @module
 */

import { parseFloatGo } from "./float.js";
import {
  FmtOpenMetrics_0_0_1,
  FmtOpenMetrics_1_0_0,
  FmtProtoDelim,
  FmtText,
  type Format,
  OpenMetricsType,
  OpenMetricsVersion_0_0_1,
  OpenMetricsVersion_1_0_0,
  ProtoProtocol,
  ProtoType,
  TextVersion,
} from "./format.js";

/**
 * negotiate returns the format to answer a request whose `Accept` header is `acceptHeader`
 * (Go's `Negotiate`): the protobuf format or the text format, whichever the client ranks first,
 * and the text format when it accepts neither or the header is missing or unreadable. It never
 * returns OpenMetrics.
 *
 * @example
 * ```ts
 * negotiate("application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited");
 * // FmtProtoDelim
 * negotiate(undefined); // FmtText
 * ```
 */
export function negotiate(acceptHeader: string | null | undefined): Format {
  for (const clause of parseAccept(acceptHeader ?? "")) {
    const format = protobufOrText(clause);
    if (format !== undefined) return format;
  }
  return FmtText;
}

/**
 * negotiateIncludingOpenMetrics works like `negotiate` but also offers OpenMetrics (Go's
 * `NegotiateIncludingOpenMetrics`): a handler calls it when OpenMetrics is enabled.
 *
 * @example
 * ```ts
 * negotiateIncludingOpenMetrics(
 *   "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5",
 * ); // FmtOpenMetrics_1_0_0
 * negotiateIncludingOpenMetrics("application/openmetrics-text;version=2.0.0"); // FmtText
 * ```
 */
export function negotiateIncludingOpenMetrics(acceptHeader: string | null | undefined): Format {
  for (const clause of parseAccept(acceptHeader ?? "")) {
    const format = protobufOrText(clause) ?? openMetrics(clause);
    if (format !== undefined) return format;
  }
  return FmtText;
}

function protobufOrText(clause: AcceptClause): Format | undefined {
  const version = clause.params.get("version") ?? "";
  if (`${clause.type}/${clause.subType}` === ProtoType && clause.params.get("proto") === ProtoProtocol) {
    // Go also answers "text" and "compact-text" here; we pass them over (see the module header).
    if (clause.params.get("encoding") === "delimited") return FmtProtoDelim;
  }
  if (clause.type === "text" && clause.subType === "plain" && (version === TextVersion || version === "")) {
    return FmtText;
  }
  return undefined;
}

function openMetrics(clause: AcceptClause): Format | undefined {
  if (`${clause.type}/${clause.subType}` !== OpenMetricsType) return undefined;
  const version = clause.params.get("version") ?? "";
  if (version === OpenMetricsVersion_1_0_0) return FmtOpenMetrics_1_0_0;
  if (version === OpenMetricsVersion_0_0_1 || version === "") return FmtOpenMetrics_0_0_1;
  return undefined;
}

/** AcceptClause is one media range of an `Accept` header (goautoneg's `Accept`). */
export interface AcceptClause {
  /** The type, `*` for any; as written (not lowercased). */
  type: string;
  /** The subtype, `*` for any. */
  subType: string;
  /** The quality, 1 unless given; rounded to 32-bit precision as goautoneg reads it. */
  q: number;
  /** The other parameters, values as written (quotes kept); a repeated name keeps the last. */
  params: Map<string, string>;
}

/**
 * parseAccept splits an `Accept` header into its clauses, best first (goautoneg's `ParseAccept`).
 * A clause without a `/` (other than a bare `*`) or with more than one is dropped; a parameter
 * without `=` is ignored.
 */
export function parseAccept(header: string): AcceptClause[] {
  const clauses: AcceptClause[] = [];
  for (const rawPart of header.split(",")) {
    const clause = parseClause(trimSpaces(rawPart));
    if (clause !== undefined) clauses.push(clause);
  }
  return insertionSort(clauses, moreAcceptable);
}

function parseClause(part: string): AcceptClause | undefined {
  const [mediaRange = "", ...params] = part.split(";");
  const typeAndSub = mediaRange.split("/");
  const type = trimSpaces(typeAndSub[0] ?? "");
  let subType: string;
  if (typeAndSub.length === 1 && type === "*") subType = "*";
  else if (typeAndSub.length === 2) subType = trimSpaces(typeAndSub[1] ?? "");
  else return undefined;

  const clause: AcceptClause = { type, subType, q: 1, params: new Map() };
  for (const param of params) {
    const eq = param.indexOf("=");
    if (eq < 0) continue;
    const token = trimSpaces(param.slice(0, eq));
    // goautoneg trims the name and other values but reads q's value untrimmed.
    if (token === "q") clause.q = parseQuality(param.slice(eq + 1));
    else clause.params.set(token, trimSpaces(param.slice(eq + 1)));
  }
  return clause;
}

const decimalFloat = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * parseQuality reads `q` as goautoneg does, with `strconv.ParseFloat(s, 32)` and the error
 * ignored: a 32-bit float; `Inf`/`NaN` spellings accepted; ±Inf when out of range; 0 when it
 * does not parse.
 */
function parseQuality(s: string): number {
  const v = parseFloatGo(s);
  if (v !== undefined) return Math.fround(v);
  // Well-formed but beyond float64 (parseFloatGo's only other refusal): Go returns ±Inf.
  if (decimalFloat.test(s)) return Number(s);
  return 0;
}

/**
 * moreAcceptable is goautoneg's `Less`: a higher q first; otherwise a concrete type before `*`,
 * or a concrete subtype before `*`. It is not a consistent order (a concrete type with a lower
 * q also counts as "less" than a wildcard), so the result depends on the sorting algorithm.
 */
function moreAcceptable(a: AcceptClause, b: AcceptClause): boolean {
  if (a.q > b.q) return true;
  if (a.type !== "*" && b.type === "*") return true;
  if (a.subType !== "*" && b.subType === "*") return true;
  return false;
}

/** insertionSort is Go's `sort.insertionSort`, which `sort.Sort` uses for up to 12 elements. */
function insertionSort<T>(items: T[], less: (a: T, b: T) => boolean): T[] {
  for (let i = 1; i < items.length; i++) {
    for (let j = i; j > 0 && less(items[j] as T, items[j - 1] as T); j--) {
      const t = items[j] as T;
      items[j] = items[j - 1] as T;
      items[j - 1] = t;
    }
  }
  return items;
}

/** trimSpaces is Go's `strings.Trim(s, " ")`: spaces only, not tabs. */
function trimSpaces(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && s.charCodeAt(start) === 0x20) start++;
  while (end > start && s.charCodeAt(end - 1) === 0x20) end--;
  return s.slice(start, end);
}
