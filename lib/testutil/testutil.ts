/**
 * Helpers for testing collectors and registries: read a metric's value, count series, compare
 * what is gathered with an expected exposition.
 *
 * Counterpart: client_golang's prometheus/testutil/testutil.go (`ToFloat64`, `CollectAndCount`,
 * `GatherAndCount`, `ScrapeAndCompare`, `CollectAndCompare`, `GatherAndCompare`, `compare`,
 * `filterMetrics`).
 * Differences: every helper is async (collecting may be); where Go panics we throw (or reject)
 * with a typed error from errors.ts; the expected text is a string, not an `io.Reader`; and
 * `CompareError`'s diff is taken between the two texts themselves, where Go 1.14 diffs go-spew's
 * dumps of two `bytes.Buffer`s, which adds a `(bytes.Buffer) ` prefix to the first line and an
 * empty last line to both sides.
 *
 * @module
 */

import { metricFamiliesToText, parseText } from "../expfmt/index.js";
import type * as dto from "../model/index.js";
import { type Collector, type Gatherer, type Metric, newPedanticRegistry } from "../prometheus/index.js";
import { compareMetrics, metricToProtoText } from "../prometheus/index.js";
import { splitLines, unifiedDiff } from "./difflib.js";
import { CompareError, MetricCountError, MetricTypeError, TestutilError } from "./errors.js";

/**
 * toFloat64 collects from `c`, expects exactly one metric, which must be a gauge, a counter or
 * untyped, and returns its value. Meant for tests only: collecting is far more expensive than
 * reading a variable (see Go's doc comment for the anti-pattern of reading gauges in production
 * code).
 * @throws {MetricCountError} when `c` collects no metric or more than one.
 * @throws {MetricTypeError} when the metric is a histogram or summary.
 * @throws {TestutilError} when the metric cannot be written; the error is the `cause`.
 * @example
 * ```ts
 * const g = newGauge({ name: "queue_length", help: "Items in the queue." });
 * g.set(3);
 * await toFloat64(g); // 3
 * ```
 */
export async function toFloat64(c: Collector): Promise<number> {
  const metrics: Metric[] = [];
  await c.collect({ send: (m) => void metrics.push(m) });
  if (metrics.length !== 1) throw new MetricCountError(metrics.length);
  let m: dto.Metric;
  try {
    m = metrics[0]!.write();
  } catch (err) {
    throw wrap("error happened while collecting metrics", err);
  }
  const value = m.gauge?.value ?? m.counter?.value ?? m.untyped?.value;
  if (value === undefined) {
    throw new MetricTypeError(`collected a non-gauge/counter/untyped metric: ${metricToProtoText(m)}`, m);
  }
  return value;
}

/**
 * collectAndCount registers `c` with a new pedantic registry and counts the series it gathers
 * (all of them, or those of the families named).
 * @throws {TestutilError} when registering or gathering fails (Go panics).
 */
export async function collectAndCount(c: Collector, ...metricNames: string[]): Promise<number> {
  return gatherAndCount(registerPedantic(c), ...metricNames);
}

/**
 * gatherAndCount gathers from `g` and counts the series of all families, or of those named.
 * @throws {TestutilError} when gathering fails.
 */
export async function gatherAndCount(g: Gatherer, ...metricNames: string[]): Promise<number> {
  const families = filterMetrics(await gatherFrom(g), metricNames);
  return families.reduce((n, family) => n + family.metric.length, 0);
}

/**
 * scrapeAndCompare scrapes `url` (an exporter's metrics endpoint, read as the text format) and
 * compares what it serves with `expected`, as {@link gatherAndCompare} does: with names, only the
 * scraped families of those names are compared. Both sides are normalized.
 * @throws {TestutilError} `scraping metrics failed: ...` when the request fails, `the scraping
 * target returned a status code other than 200: <code>` for another status, `converting reader to
 * metric families failed: ...` when either text does not parse.
 * @throws {CompareError} when the texts differ, with a unified diff.
 * @example
 * ```ts
 * await scrapeAndCompare("http://127.0.0.1:9100/metrics", "# HELP up ...\n", "up");
 * ```
 */
export async function scrapeAndCompare(url: string, expected: string, ...metricNames: string[]): Promise<void> {
  let body: Uint8Array;
  let status: number;
  try {
    const response = await fetch(url);
    status = response.status;
    body = new Uint8Array(await response.arrayBuffer());
  } catch (err) {
    throw wrap("scraping metrics failed", err);
  }
  if (status !== 200) {
    throw new TestutilError(`the scraping target returned a status code other than 200: ${status}`);
  }
  const scraped = familiesFromText(body);
  const wanted = familiesFromText(expected);
  compare(filterMetrics(scraped, metricNames), wanted);
}

/**
 * familiesFromText parses and normalizes a text exposition (Go's `convertReaderToMetricFamily`).
 * @throws {TestutilError} `converting reader to metric families failed: ...`
 */
function familiesFromText(text: string | Uint8Array): dto.MetricFamily[] {
  try {
    return normalizeMetricFamilies(parseText(text));
  } catch (err) {
    throw wrap("converting reader to metric families failed", err);
  }
}

/**
 * collectAndCompare registers `c` with a new pedantic registry and compares what it gathers
 * with `expected`, as {@link gatherAndCompare} does.
 * @throws {TestutilError} when registering fails; otherwise as gatherAndCompare.
 * @example
 * ```ts
 * const c = newCounter({ name: "jobs_total", help: "Jobs done." });
 * c.inc();
 * await collectAndCompare(c, "# HELP jobs_total Jobs done.\n# TYPE jobs_total counter\njobs_total 1\n");
 * ```
 */
export async function collectAndCompare(c: Collector, expected: string, ...metricNames: string[]): Promise<void> {
  return gatherAndCompare(registerPedantic(c), expected, ...metricNames);
}

/**
 * gatherAndCompare gathers from `g` and compares the result with `expected`, a text exposition.
 * With names, only the gathered families of those names are compared; the expected text is
 * taken as a whole. Both sides are normalized as Go does (families sorted by name, series by
 * label values) and written in the text format before they are compared, so the expected text
 * may list families and series in any order, but its label order, HELP and TYPE lines count.
 * @throws {CompareError} when the texts differ, with a unified diff.
 * @throws {TestutilError} when gathering fails, or the expected text does not parse (the
 * {@link TextParseError} is the `cause`).
 */
export async function gatherAndCompare(g: Gatherer, expected: string, ...metricNames: string[]): Promise<void> {
  const got = await gatherFrom(g);
  compare(filterMetrics(got, metricNames), familiesFromText(expected));
}

/**
 * compare writes both lists of families in the text format and throws a {@link CompareError}
 * with the diff from `want` to `got` when the texts differ.
 * @throws {CompareError}
 * @throws {TestutilError} when a side cannot be encoded.
 */
export function compare(got: readonly dto.MetricFamily[], want: readonly dto.MetricFamily[]): void {
  const gotText = encode(got, "encoding gathered metrics failed");
  const wantText = encode(want, "encoding expected metrics failed");
  if (gotText === wantText) return;
  const diff = unifiedDiff(splitLines(wantText), splitLines(gotText), {
    fromFile: "metric output does not match expectation; want",
    toFile: "got:",
    context: 1,
  });
  throw new CompareError(wantText, gotText, diff);
}

/**
 * normalizeMetricFamilies sorts families by name and each family's series by label values,
 * leaving out families without series (Go's `internal.NormalizeMetricFamilies`).
 */
export function normalizeMetricFamilies(families: readonly dto.MetricFamily[]): dto.MetricFamily[] {
  return families
    .filter((f) => f.metric.length > 0)
    .map((f) => ({ ...f, metric: [...f.metric].sort(compareMetrics) }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** filterMetrics keeps the families whose name is one of `names`; no names keeps all. */
export function filterMetrics(families: dto.MetricFamily[], names: readonly string[]): dto.MetricFamily[] {
  return names.length === 0 ? families : families.filter((f) => names.includes(f.name));
}

/**
 * registerPedantic returns a new pedantic registry with `c` registered.
 * @throws {TestutilError} `registering collector failed: ...`
 */
export function registerPedantic(c: Collector): Gatherer {
  const reg = newPedanticRegistry();
  const err = reg.register(c);
  if (err !== undefined) throw wrap("registering collector failed", err);
  return reg;
}

/**
 * gatherFrom gathers from `g`.
 * @throws {TestutilError} `gathering metrics failed: ...`
 */
export async function gatherFrom(g: Gatherer): Promise<dto.MetricFamily[]> {
  try {
    return await g.gather();
  } catch (err) {
    throw wrap("gathering metrics failed", err);
  }
}

function encode(families: readonly dto.MetricFamily[], failure: string): string {
  try {
    return metricFamiliesToText(families);
  } catch (err) {
    throw wrap(failure, err);
  }
}

/** wrap is Go's `fmt.Errorf("<what>: %w", err)`. */
function wrap(what: string, err: unknown): TestutilError {
  const message = err instanceof Error ? err.message : String(err);
  return new TestutilError(`${what}: ${message}`, { cause: err });
}
