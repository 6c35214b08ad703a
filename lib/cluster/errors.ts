/**
 * The error classes of cluster aggregation. A scrape of the primary reports them as a registry
 * reports its own: inside a {@link GatherError} that also holds the families merged despite them
 * (promhttp's `"continue"` mode serves those). Messages follow client_golang's style: lowercase,
 * no trailing period, values quoted.
 *
 * @module
 */

import { ConsistencyError, PrometheusError } from "../prometheus/index.js";

/**
 * MergeError reports a family that cannot be merged across workers; the family is left out of
 * the scrape. It is a {@link ConsistencyError}: `metricName` names the family.
 */
export class MergeError extends ConsistencyError {
  /** The cluster id of the worker whose family did not fit, when one worker is to blame. */
  readonly workerId: number | undefined;

  constructor(message: string, metricName: string, workerId?: number) {
    super(message, metricName);
    this.name = new.target.name;
    this.workerId = workerId;
  }
}

/** FamilyConflictError reports workers that disagree on a family's help or type. */
export class FamilyConflictError extends MergeError {}

/**
 * BucketMismatchError reports histograms of one family whose bucket bounds differ between
 * workers (or between series): they cannot be added bucket by bucket.
 */
export class BucketMismatchError extends MergeError {
  /** The bounds seen first, and the bounds that differ from them (without `+Inf`). */
  readonly expectedBounds: readonly number[];
  readonly gotBounds: readonly number[];

  constructor(message: string, metricName: string, workerId: number, expectedBounds: readonly number[], gotBounds: readonly number[]) {
    super(message, metricName, workerId);
    this.expectedBounds = expectedBounds;
    this.gotBounds = gotBounds;
  }
}

/**
 * MergeRuleError reports a rule that does not fit a family: a gauge rule such as `"max"` for a
 * counter, a native histogram under `"sum"`, or a series that already has the worker label.
 */
export class MergeRuleError extends MergeError {}

/** WireFormatError reports wire data that is not what a worker sends (a bug or a stray message). */
export class WireFormatError extends MergeError {}

/**
 * WorkerGatherError reports that a worker's own gather failed, in part or whole. The message is
 * the worker's error text, prefixed with its id; the worker's partial families are still merged.
 */
export class WorkerGatherError extends PrometheusError {
  readonly workerId: number;

  constructor(message: string, workerId: number) {
    super(message);
    this.workerId = workerId;
  }
}
