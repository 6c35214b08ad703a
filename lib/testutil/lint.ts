/**
 * Linting what a collector or registry exposes, with the rules of `promtool check metrics`.
 *
 * Counterpart: client_golang's prometheus/testutil/lint.go (`CollectAndLint`, `GatherAndLint`).
 *
 * @module
 */

import type { Collector, Gatherer } from "../prometheus/index.js";
import { lint, type Problem } from "./promlint.js";
import { filterMetrics, gatherFrom, registerPedantic } from "./testutil.js";

/**
 * collectAndLint registers `c` with a new pedantic registry and lints what it gathers, as
 * {@link gatherAndLint} does.
 * @throws {TestutilError} when registering or gathering fails.
 * @example
 * ```ts
 * await collectAndLint(newCounter({ name: "requests", help: "Requests served." }));
 * // [{ metric: "requests", text: 'counter metrics should have "_total" suffix' }]
 * ```
 */
export async function collectAndLint(c: Collector, ...metricNames: string[]): Promise<Problem[]> {
  return gatherAndLint(registerPedantic(c), ...metricNames);
}

/**
 * gatherAndLint gathers from `g` and lints the families (all, or those named), returning the
 * problems sorted by metric name and text.
 * @throws {TestutilError} when gathering fails.
 */
export async function gatherAndLint(g: Gatherer, ...metricNames: string[]): Promise<Problem[]> {
  return lint(filterMetrics(await gatherFrom(g), metricNames));
}
