/**
 * The error classes of the testutil package. Where client_golang's testutil panics or returns a
 * `fmt.Errorf`, we throw or reject with one of these; the messages are Go's.
 *
 * Counterparts: the `panic(fmt.Errorf(...))` calls of `ToFloat64` and `CollectAndCount`, and the
 * errors `compare` and the `...AndCompare` / `...AndLint` helpers return, in testutil.go and
 * lint.go.
 *
 * @module
 */

import type * as dto from "../model/index.js";
import { PrometheusError } from "../prometheus/index.js";

/**
 * TestutilError is the base class of the errors of this package. Used as is, it wraps the failure
 * of a step (`registering collector failed: ...`, `gathering metrics failed: ...`, `converting
 * reader to metric families failed: ...`); the original error is the `cause`.
 */
export class TestutilError extends PrometheusError {}

/**
 * MetricCountError is what `toFloat64` throws when the collector did not collect exactly one
 * metric (Go panics with the same message).
 */
export class MetricCountError extends TestutilError {
  /** The number of metrics collected. */
  readonly count: number;

  constructor(count: number) {
    super(`collected ${count} metrics instead of exactly 1`);
    this.count = count;
  }
}

/**
 * MetricTypeError is what `toFloat64` throws when the one metric collected is neither a gauge, a
 * counter nor untyped: its message ends with the metric in Go's protobuf text form.
 */
export class MetricTypeError extends TestutilError {
  /** The metric as written, a histogram or summary. */
  readonly metric: dto.Metric;

  constructor(message: string, metric: dto.Metric) {
    super(message);
    this.metric = metric;
  }
}

/**
 * CompareError reports that gathered metrics differ from the expected text. Its message is Go's:
 * a unified diff from `want` to `got` under `Diff:`, with one line of context.
 */
export class CompareError extends TestutilError {
  /** The expected text, normalized: parsed, sorted and encoded again. */
  readonly want: string;
  /** The text of what was gathered (after filtering by name). */
  readonly got: string;
  /** The unified diff, `--- metric output does not match expectation; want` / `+++ got:`. */
  readonly diff: string;

  constructor(want: string, got: string, diff: string) {
    super(`\n\nDiff:\n${diff}`);
    this.want = want;
    this.got = got;
    this.diff = diff;
  }
}
