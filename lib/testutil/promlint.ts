/**
 * A linter for metric families: the rules `promtool check metrics` applies, with its messages.
 *
 * Counterpart: client_golang's prometheus/testutil/promlint/promlint.go (v1.14), which promtool
 * 2.42 runs: `lintHelp`, `lintMetricUnits`, `lintCounter`, `lintHistogramSummaryReserved`,
 * `lintMetricTypeInName`, `lintReservedChars`, `lintCamelCase` and `lintUnitAbbreviations`, applied
 * to each family in that order, the problems then sorted by metric name and text. The rules, their
 * messages and the duplicates they produce (one camelCase problem per labelled series) are Go's;
 * spec/conformance/promtool.spec.ts checks them line for line against the real promtool.
 *
 * One deliberate difference: Go's `metricUnits` ranges over a map, so for a name with two unit
 * words, one a base unit and one not (`foo_bytes_milliseconds`), promtool reports the non-base one
 * on some runs and nothing on others. A linter that answers differently each run is of no use in
 * CI, so this one always reports it: see {@link unitCandidates}.
 *
 * @module
 */

import { parseText } from "../expfmt/index.js";
import type * as dto from "../model/index.js";
import { compareUTF8, goQuote } from "../prometheus/index.js";

/** Problem is an issue the linter found: the family's name and a description (Go's `Problem`). */
export interface Problem {
  /** The name of the metric family concerned. */
  metric: string;
  /** The description of the issue, as promtool prints it after the name. */
  text: string;
}

/**
 * lint checks metric families and returns the problems found, sorted by metric name, then by
 * text (Go's `NewWithMetricFamilies(mfs).Lint()`). A family from a registry always has a help
 * text, possibly empty; only parsed families can lack one ("no help text").
 *
 * @example
 * ```ts
 * lint([{ name: "requests", help: "h", type: "counter", metric: [{ label: [], counter: { value: 1 } }] }]);
 * // [{ metric: "requests", text: 'counter metrics should have "_total" suffix' }]
 * ```
 */
export function lint(families: Iterable<dto.MetricFamily>): Problem[] {
  const problems: Problem[] = [];
  for (const family of families) {
    for (const rule of rules) problems.push(...rule(family).map((text) => ({ metric: family.name, text })));
  }
  return problems.sort(compareProblems);
}

/**
 * lintText parses a text exposition and lints its families, as promtool does with its input
 * (Go's `New(reader).Lint()`). Given bytes, it checks them as UTF-8 where Go's parser does.
 * @throws {TextParseError} when the text is not in the text format.
 */
export function lintText(text: string | Uint8Array): Problem[] {
  return lint(parseText(text));
}

/** formatProblem renders a problem as promtool prints it: the name, a space, the text. */
export function formatProblem(p: Problem): string {
  return `${p.metric} ${p.text}`;
}

/** A rule returns the texts of the problems it finds in one family. */
type Rule = (family: dto.MetricFamily) => string[];

/** compareProblems orders by metric, then text, comparing bytes as Go's `<` on strings does. */
function compareProblems(a: Problem, b: Problem): number {
  return compareUTF8(a.metric, b.metric) || compareUTF8(a.text, b.text);
}

/** lintHelp reports a family without a help text. */
function lintHelp(family: dto.MetricFamily): string[] {
  return family.help === undefined ? ["no help text"] : [];
}

/** lintMetricUnits reports a unit word in the name that is not a base unit. */
function lintMetricUnits(family: dto.MetricFamily): string[] {
  const found = unitCandidates(family.name).find((c) => c.unit !== c.base);
  return found === undefined ? [] : [`use base unit ${goQuote(found.base)} instead of ${goQuote(found.unit)}`];
}

/** lintCounter wants `_total` on counters and only on counters (untyped may do as it likes). */
function lintCounter(family: dto.MetricFamily): string[] {
  const hasTotalSuffix = family.name.endsWith("_total");
  if (family.type === "counter" && !hasTotalSuffix) return ['counter metrics should have "_total" suffix'];
  if (family.type !== "untyped" && family.type !== "counter" && hasTotalSuffix) {
    return ['non-counter metrics should not have "_total" suffix'];
  }
  return [];
}

/** lintHistogramSummaryReserved reports the suffixes and labels of histograms and summaries used elsewhere. */
function lintHistogramSummaryReserved(family: dto.MetricFamily): string[] {
  const type = family.type;
  if (type === "untyped") return [];
  const isHistogram = type === "histogram";
  const isSummary = type === "summary";
  const name = family.name;
  const problems: string[] = [];
  if (!isHistogram && name.endsWith("_bucket")) problems.push('non-histogram metrics should not have "_bucket" suffix');
  if (!isHistogram && !isSummary && name.endsWith("_count")) {
    problems.push('non-histogram and non-summary metrics should not have "_count" suffix');
  }
  if (!isHistogram && !isSummary && name.endsWith("_sum")) {
    problems.push('non-histogram and non-summary metrics should not have "_sum" suffix');
  }
  for (const m of family.metric) {
    for (const { name: label } of m.label) {
      if (!isHistogram && label === "le") problems.push('non-histogram metrics should not have "le" label');
      if (!isSummary && label === "quantile") problems.push('non-summary metrics should not have "quantile" label');
    }
  }
  return problems;
}

/** The type names lintMetricTypeInName looks for: client_model's `MetricType` names but UNTYPED. */
const typeNames = ["counter", "gauge", "summary", "histogram", "gauge_histogram"];

/** lintMetricTypeInName reports a type name as a word of the metric name (`foo_gauge`, `foo_counter_x`). */
function lintMetricTypeInName(family: dto.MetricFamily): string[] {
  const name = family.name.toLowerCase();
  return typeNames.filter((t) => hasWord(name, t)).map((t) => `metric name should not include type '${t}'`);
}

/** lintReservedChars reports colons, which are reserved for recording rules. */
function lintReservedChars(family: dto.MetricFamily): string[] {
  return family.name.includes(":") ? ["metric names should not contain ':'"] : [];
}

const camelCase = /[a-z][A-Z]/;

/** lintCamelCase reports a camelCase metric name, and each camelCase label of each series. */
function lintCamelCase(family: dto.MetricFamily): string[] {
  const problems: string[] = [];
  if (camelCase.test(family.name)) problems.push("metric names should be written in 'snake_case' not 'camelCase'");
  for (const m of family.metric) {
    for (const { name } of m.label) {
      if (camelCase.test(name)) problems.push("label names should be written in 'snake_case' not 'camelCase'");
    }
  }
  return problems;
}

/** Common abbreviations of units, discouraged as words of a metric name. */
const unitAbbreviations = ["s", "ms", "us", "ns", "sec", "b", "kb", "mb", "gb", "tb", "pb", "m", "h", "d"];

/** lintUnitAbbreviations reports each abbreviated unit used as a word of the name. */
function lintUnitAbbreviations(family: dto.MetricFamily): string[] {
  const name = family.name.toLowerCase();
  return unitAbbreviations.filter((a) => hasWord(name, a)).map(() => "metric names should not contain abbreviated units");
}

/** hasWord reports whether `_word_` occurs in name or name ends with `_word`. */
function hasWord(name: string, word: string): boolean {
  return name.includes(`_${word}_`) || name.endsWith(`_${word}`);
}

/** The rules in the order Go's `lint` applies them. */
const rules: readonly Rule[] = [
  lintHelp,
  lintMetricUnits,
  lintCounter,
  lintHistogramSummaryReserved,
  lintMetricTypeInName,
  lintReservedChars,
  lintCamelCase,
  lintUnitAbbreviations,
];

/** Known units, each mapped to its base unit (Go's `units`, in its source order). */
const units: ReadonlyMap<string, string> = new Map([
  ["amperes", "amperes"],
  ["bytes", "bytes"],
  ["celsius", "celsius"],
  ["grams", "grams"],
  ["joules", "joules"],
  ["kelvin", "kelvin"],
  ["meters", "meters"],
  ["metres", "metres"],
  ["seconds", "seconds"],
  ["volts", "volts"],
  ["minutes", "seconds"],
  ["hours", "seconds"],
  ["days", "seconds"],
  ["weeks", "seconds"],
  ["kelvins", "kelvin"],
  ["fahrenheit", "celsius"],
  ["rankine", "celsius"],
  ["inches", "meters"],
  ["yards", "meters"],
  ["miles", "meters"],
  ["bits", "bytes"],
  ["calories", "joules"],
  ["pounds", "grams"],
  ["ounces", "grams"],
]);

/** The prefixes a unit may carry, in Go's order, then no prefix at all (as Go appends ""). */
const unitPrefixes = [
  "pico", "nano", "micro", "milli", "centi", "deci", "deca", "hecto", "kilo",
  "kibi", "mega", "mibi", "giga", "gibi", "tera", "tebi", "peta", "pebi", "",
];

/** UnitCandidate is a unit word found in a metric name, with its base unit. */
export interface UnitCandidate {
  /** The word as written in the name, prefix included (`kilometers`). */
  unit: string;
  /** The base unit it should be expressed in (`meters`). */
  base: string;
}

/**
 * unitCandidates returns what Go's `metricUnits` could return for a name: for each known unit
 * that matches a `_`-separated word of the name exactly (with or without a prefix), the word
 * Go would pick for it (the first prefix in Go's order that matches), ordered by where the word
 * first occurs in the name. Go returns one of them, depending on its map iteration order; when
 * there is more than one, promtool's verdict varies from run to run. This linter reports the
 * first candidate that is not a base unit, which is one of promtool's possible answers.
 */
export function unitCandidates(name: string): UnitCandidate[] {
  const words = name.split("_");
  const found: { at: number; candidate: UnitCandidate }[] = [];
  for (const [unit, base] of units) {
    for (const prefix of unitPrefixes) {
      const at = words.indexOf(prefix + unit);
      if (at >= 0) {
        found.push({ at, candidate: { unit: prefix + unit, base } });
        break;
      }
    }
  }
  return found.sort((a, b) => a.at - b.at).map((f) => f.candidate);
}
