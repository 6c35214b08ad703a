/**
 * The cardinality table of `promtool check metrics --extended`: how many series each metric
 * family has, largest first, and what share of the total that is.
 *
 * Counterpart: `checkMetricsExtended` and the `tabwriter` output in `CheckMetrics`, Prometheus
 * 2.42's cmd/promtool/main.go. promtool counts per family, from the parsed families:
 *
 * - counter, gauge, untyped (and any other type): one per metric (label set);
 * - histogram: metrics × (2 + the number of bucket lines of the family's *first* metric), the 2
 *   being `_sum` and `_count`, which are counted whether the text has them or not, and the bucket
 *   lines including `+Inf`;
 * - summary: metrics × (2 + the number of quantile lines of the first metric).
 *
 * Families are sorted by cardinality, largest first. promtool leaves the order of equal
 * cardinalities to Go's map iteration (random); here ties are ordered by name (as bytes), so the
 * table is deterministic. Percentages print with two decimals, rounded as Go's `%.2f` rounds
 * (to nearest, exact ties to even); the `Total` row prints `100%`.
 *
 * @module
 */

import { parseText } from "../expfmt/index.js";
import type * as dto from "../model/index.js";
import { compareUTF8 } from "../prometheus/index.js";

/** FamilyCardinality is one row of the table. */
export interface FamilyCardinality {
  /** The family's name. */
  readonly name: string;
  /** Its series as promtool counts them. */
  readonly cardinality: number;
  /** cardinality / total, from 0 to 1 (promtool prints it times 100). */
  readonly fraction: number;
}

/** CardinalityTable is what `lint --extended` prints: the rows, largest first, and the total. */
export interface CardinalityTable {
  readonly families: readonly FamilyCardinality[];
  readonly total: number;
}

/**
 * cardinalityTable counts the series of families as a registry gathers them, as promtool would
 * count them in their text exposition: a histogram's buckets of its first metric plus the `+Inf`
 * bucket line the text encoder adds when the buckets lack one.
 * @example
 * ```ts
 * const table = cardinalityTable(await registry.gather());
 * table.families[0]?.name; // the largest family
 * ```
 */
export function cardinalityTable(families: Iterable<dto.MetricFamily>): CardinalityTable {
  const counts: { name: string; cardinality: number }[] = [];
  for (const family of families) {
    const metrics = family.metric;
    if (metrics.length === 0) continue;
    const first = metrics[0]!;
    let lines = 0;
    if (family.type === "histogram") {
      const buckets = first.histogram?.bucket ?? [];
      lines = buckets.length + (buckets.some((b) => b.upperBound === Infinity) ? 0 : 1);
    }
    counts.push({ name: family.name, cardinality: familyCardinality(family, lines) });
  }
  return tableOf(counts);
}

/**
 * cardinalityTableOfText parses a text exposition and counts its families exactly as promtool
 * does, bucket lines as written (our parser keeps no `+Inf` bucket, so these are counted from the
 * lines themselves).
 * @throws {TextParseError} when the text is not in the text format.
 */
export function cardinalityTableOfText(text: string): CardinalityTable {
  const families = parseText(text);
  const histograms = families.filter((f) => f.type === "histogram");
  const bucketLines = histograms.length === 0 ? new Map<string, number>() : countFirstBucketLines(text, histograms);
  return tableOf(families.map((f) => ({ name: f.name, cardinality: familyCardinality(f, bucketLines.get(f.name) ?? 0) })));
}

/**
 * formatCardinalityTable renders the table as promtool prints it to standard output: Go's
 * `tabwriter.NewWriter(w, 4, 4, 4, ' ', tabwriter.TabIndent)` over `Metric\tCardinality\tPercentage\t`
 * rows, so every cell is padded with spaces to its column's widest cell plus 4 (lines keep the
 * trailing spaces).
 * @example
 * ```ts
 * formatCardinalityTable(cardinalityTableOfText("# HELP up x\n# TYPE up gauge\nup 1\n"));
 * // "Metric    Cardinality    Percentage    \nup        1              100.00%       \nTotal     1              100%          \n"
 * ```
 */
export function formatCardinalityTable(table: CardinalityTable): string {
  const rows: string[][] = [["Metric", "Cardinality", "Percentage"]];
  for (const f of table.families) rows.push([f.name, String(f.cardinality), `${formatFixed2(f.fraction * 100)}%`]);
  rows.push(["Total", String(table.total), "100%"]);
  const widths = [0, 1, 2].map((column) => Math.max(minWidth, ...rows.map((r) => runeCount(r[column]!) + padding)));
  return rows.map((r) => r.map((cell, column) => cell.padEnd(widths[column]! - runeCount(cell) + cell.length)).join("") + "\n").join("");
}

/** tabwriter's minwidth and padding in promtool's call. */
const minWidth = 4;
const padding = 4;

/** familyCardinality is promtool's count for one family, given the first metric's bucket lines. */
function familyCardinality(family: dto.MetricFamily, firstBucketLines: number): number {
  const metrics = family.metric.length;
  switch (family.type) {
    case "histogram":
      return metrics * (2 + firstBucketLines);
    case "summary":
      return metrics * (2 + (family.metric[0]?.summary?.quantile.length ?? 0));
    default:
      return metrics;
  }
}

/** tableOf adds the total and the fractions, and sorts: largest first, ties by name. */
function tableOf(counts: readonly { name: string; cardinality: number }[]): CardinalityTable {
  const total = counts.reduce((sum, c) => sum + c.cardinality, 0);
  const families = counts
    .map((c) => ({ name: c.name, cardinality: c.cardinality, fraction: c.cardinality / total }))
    .sort((a, b) => b.cardinality - a.cardinality || compareUTF8(a.name, b.name));
  return { families, total };
}

/**
 * countFirstBucketLines returns, per histogram family, how many `_bucket` lines the text has for
 * the family's first metric (its label set without `le`). It parses the text once more with the
 * histograms' `# TYPE` lines blanked out, so each `<name>_bucket` line becomes an untyped sample
 * that keeps its `le` label, `+Inf` included.
 */
function countFirstBucketLines(text: string, histograms: readonly dto.MetricFamily[]): Map<string, number> {
  const names = new Set(histograms.map((f) => f.name));
  const untyped = text.replace(/^#[ \t]*TYPE[ \t]+([^ \t\n]+)[ \t]+([^ \t\n]+)[ \t]*$/gm, (line, name: string, type: string) =>
    names.has(name) && type.toUpperCase() === "HISTOGRAM" ? "#" : line,
  );
  const bucketFamilies = new Map(parseText(untyped).map((f) => [f.name, f]));
  const counts = new Map<string, number>();
  for (const family of histograms) {
    const key = labelKey(family.metric[0]!.label);
    const lines = bucketFamilies.get(`${family.name}_bucket`)?.metric ?? [];
    counts.set(family.name, lines.filter((m) => labelKey(m.label.filter((l) => l.name !== "le")) === key).length);
  }
  return counts;
}

/** labelKey identifies a label set whatever the order of its pairs. */
function labelKey(labels: readonly dto.LabelPair[]): string {
  return JSON.stringify(labels.map((l) => [l.name, l.value]).sort((a, b) => compareUTF8(a[0]!, b[0]!)));
}

/** runeCount is the width tabwriter gives a cell: its Unicode code points. */
function runeCount(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/**
 * formatFixed2 formats as Go's `%.2f`: the exact binary value rounded to two decimals, exact
 * ties to even (`toFixed` rounds exact ties up: 12.125 gives "12.13", Go "12.12").
 */
export function formatFixed2(x: number): string {
  const fixed = x.toFixed(2);
  // An exact tie is a multiple of 1/8 whose thousandths digit is 5 and nothing after it.
  if (!Number.isInteger(x * 8) || Math.abs(x) >= 2 ** 40 || Math.abs(x * 1000) % 10 !== 5) return fixed;
  const down = (Math.trunc(x * 100) / 100).toFixed(2);
  const lastDigit = Number(down.at(-1));
  return lastDigit % 2 === 0 ? down : fixed;
}
