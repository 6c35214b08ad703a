/**
 * Label names and values: validation, ordering and the Go-style quoting used in error messages.
 *
 * Counterparts: `Labels`, `checkLabelName`, `validateLabelValues` and `validateValuesInLabels` in
 * client_golang's labels.go; `model.IsValidMetricName` and `LabelName.IsValid` in
 * prometheus/common/model; `strconv.Quote` and `%#v` from Go's standard library, so that messages
 * read exactly like client_golang's.
 *
 * @module
 */

import type { LabelPair } from "../model/index.js";
import { InconsistentCardinalityError, InvalidLabelValueError, type MetricContext } from "./errors.js";

/** Labels maps label names to label values, as `prometheus.Labels` does. */
export type Labels = Readonly<Record<string, string>>;

/** ReservedLabelPrefix starts label names that only Prometheus itself may use. */
export const ReservedLabelPrefix = "__";

/** BucketLabel is the label histograms add to their `_bucket` samples. */
export const BucketLabel = "le";

/** QuantileLabel is the label summaries add to their quantile samples. */
export const QuantileLabel = "quantile";

/** isValidMetricName reports whether name is a string matching `^[a-zA-Z_:][a-zA-Z0-9_:]*$`. */
export function isValidMetricName(name: string): boolean {
  if (typeof name !== "string" || name.length === 0) return false;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    const ok =
      (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 58 || (i > 0 && c >= 48 && c <= 57);
    if (!ok) return false;
  }
  return true;
}

/** isValidLabelName reports whether name is a string matching `^[a-zA-Z_][a-zA-Z0-9_]*$`. */
export function isValidLabelName(name: string): boolean {
  if (typeof name !== "string" || name.length === 0) return false;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    const ok = (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || (i > 0 && c >= 48 && c <= 57);
    if (!ok) return false;
  }
  return true;
}

/**
 * checkLabelName reports whether name may be used as a label name by a client: valid, and not
 * starting with the reserved `__` prefix.
 */
export function checkLabelName(name: string): boolean {
  return isValidLabelName(name) && !name.startsWith(ReservedLabelPrefix);
}

/**
 * isValidUTF8 reports whether s encodes to valid UTF-8, that is, has no lone surrogate. A JS string
 * is UTF-16; a lone surrogate has no UTF-8 form and would otherwise be replaced silently by U+FFFD.
 */
export function isValidUTF8(s: string): boolean {
  return s.isWellFormed();
}

/**
 * validateLabelValues checks the number of label values and that each is valid UTF-8. `context`
 * (a Vec names its metric and labels there) goes into the error's properties; the message stays
 * client_golang's.
 * @throws {InconsistentCardinalityError} when the count is not `expected`.
 * @throws {InvalidLabelValueError} when a value is not valid UTF-8.
 */
export function validateLabelValues(values: readonly string[], expected: number, context?: MetricContext): void {
  if (values.length !== expected) {
    throw new InconsistentCardinalityError(
      `inconsistent label cardinality: expected ${expected} label values but got ${values.length} in ${goStringSlice(values)}`,
      expected,
      values.length,
      context,
    );
  }
  for (const value of values) {
    if (typeof value !== "string") {
      throw new InvalidLabelValueError(`label value ${String(value)} is not a string`, context);
    }
    if (!isValidUTF8(value)) {
      throw new InvalidLabelValueError(`label value ${goQuote(value)} is not valid UTF-8`, context);
    }
  }
}

/**
 * validateValuesInLabels checks the number of entries of a label map and that each value is valid
 * UTF-8. `null` is an empty map, as a nil `prometheus.Labels` is in Go.
 * @throws {InconsistentCardinalityError} when the count is not `expected`.
 * @throws {InvalidLabelValueError} when a value is not valid UTF-8.
 */
export function validateValuesInLabels(labels: Labels | null, expected: number, context?: MetricContext): void {
  if (labels === null) {
    if (expected === 0) return;
    throw new InconsistentCardinalityError(
      `inconsistent label cardinality: expected ${expected} label values but got 0 in ${goLabelsMap(null)}`,
      expected,
      0,
      context,
    );
  }
  const names = Object.keys(labels);
  if (names.length !== expected) {
    throw new InconsistentCardinalityError(
      `inconsistent label cardinality: expected ${expected} label values but got ${names.length} in ${goLabelsMap(labels)}`,
      expected,
      names.length,
      context,
    );
  }
  for (const name of names) {
    const value = labels[name];
    if (typeof value !== "string") {
      throw new InvalidLabelValueError(`label ${name}: value ${String(value)} is not a string`, context);
    }
    if (!isValidUTF8(value)) {
      throw new InvalidLabelValueError(`label ${name}: value ${goQuote(value)} is not valid UTF-8`, context);
    }
  }
}

/**
 * compareUTF8 orders two strings by their UTF-8 bytes, as Go compares strings. It differs from
 * JavaScript's `<` (UTF-16 code units) only for characters above U+FFFF against U+E000–U+FFFF.
 */
export function compareUTF8(a: string, b: string): number {
  if (a === b) return 0;
  // Below U+D800, UTF-16 order is UTF-8 order: the engine's own comparison is right (and fast).
  if (!surrogateOrAbove.test(a) || !surrogateOrAbove.test(b)) return a < b ? -1 : 1;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) {
      // Surrogates (astral characters) sort after U+E000–U+FFFF in UTF-8.
      const sx = x <= 0xdfff ? x + 0x2000 : x - 0x800;
      const sy = y <= 0xdfff ? y + 0x2000 : y - 0x800;
      return sx < sy ? -1 : 1;
    }
    return x < y ? -1 : 1;
  }
  return a.length - b.length;
}

/** Characters from U+D800 up: where UTF-16 order and UTF-8 order may differ. */
const surrogateOrAbove = /[\uD800-\uFFFF]/;

/** compareLabelPairs orders label pairs by name, as client_golang's `labelPairSorter`. */
export function compareLabelPairs(a: LabelPair, b: LabelPair): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** goQuote renders s as Go's `strconv.Quote` (and so `%q`) does, for error messages. */
export function goQuote(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c < 0x7f) {
      out += c === 0x22 ? '\\"' : c === 0x5c ? "\\\\" : s[i];
      continue;
    }
    out += quoteSpecial(s, i, c);
    if (c >= 0xd800 && c <= 0xdbff && isLowSurrogate(s.charCodeAt(i + 1))) i++;
  }
  return out + '"';
}

const goEscapes: Record<number, string> = {
  7: "\\a",
  8: "\\b",
  9: "\\t",
  10: "\\n",
  11: "\\v",
  12: "\\f",
  13: "\\r",
};

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

/** printable holds what Go's `strconv.IsPrint` keeps as it is: letters, marks, numbers, punctuation, symbols. */
const printable = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;

function quoteSpecial(s: string, i: number, c: number): string {
  const escape = goEscapes[c];
  if (escape !== undefined) return escape;
  if (c < 0x20 || c === 0x7f) return "\\x" + c.toString(16).padStart(2, "0");
  if (c >= 0xd800 && c <= 0xdbff && isLowSurrogate(s.charCodeAt(i + 1))) {
    const pair = s.slice(i, i + 2);
    return printable.test(pair) ? pair : "\\U" + pair.codePointAt(0)!.toString(16).padStart(8, "0");
  }
  if (c >= 0xd800 && c <= 0xdfff) return "\\u" + c.toString(16); // lone surrogate: no UTF-8 form
  return printable.test(s[i]!) ? s[i]! : "\\u" + c.toString(16).padStart(4, "0");
}

/** goStringSlice renders values as Go's `%#v` of a `[]string`: `[]string{"a", "b"}`. */
export function goStringSlice(values: readonly string[]): string {
  return `[]string{${values.map((v) => goQuote(String(v))).join(", ")}}`;
}

/** goLabelsMap renders labels as Go's `%#v` of `prometheus.Labels`: keys sorted; `null` is nil. */
export function goLabelsMap(labels: Labels | null): string {
  if (labels === null) return "prometheus.Labels(nil)";
  const keys = Object.keys(labels).sort();
  return `prometheus.Labels{${keys.map((k) => `${goQuote(k)}:${goQuote(String(labels[k]))}`).join(", ")}}`;
}

/** goSlice renders names as Go's `%v` of a `[]string`: `[a b]`. */
export function goSlice(values: readonly string[]): string {
  return `[${values.join(" ")}]`;
}
