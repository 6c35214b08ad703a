/**
 * The testutil package: helpers for testing collectors (read a value, count, compare with an
 * expected exposition), a port of promtool's metric linter, and the `lint` command built on it.
 * Counterparts: client_golang's prometheus/testutil and prometheus/testutil/promlint.
 * @module
 */
export { CompareError, MetricCountError, MetricTypeError, TestutilError } from "./errors.js";
export { collectAndLint, gatherAndLint } from "./lint.js";
export { type LintIO, type LintOptions, type LintOutput, LintStatus, runLint } from "./lint-command.js";
export {
  type CardinalityTable,
  cardinalityTable,
  cardinalityTableOfText,
  type FamilyCardinality,
  formatCardinalityTable,
} from "./cardinality.js";
export { formatProblem, lint, lintText, type Problem, type UnitCandidate, unitCandidates } from "./promlint.js";
export {
  collectAndCompare,
  collectAndCount,
  compare,
  filterMetrics,
  gatherAndCompare,
  gatherAndCount,
  normalizeMetricFamilies,
  scrapeAndCompare,
  toFloat64,
} from "./testutil.js";
