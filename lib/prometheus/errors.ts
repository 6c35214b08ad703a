/**
 * The error classes of the prometheus package. client_golang returns plain `error` values built
 * with `fmt.Errorf`; here each kind of failure has a class, so callers can branch with
 * `instanceof` and read the context they need, while the messages stay those of client_golang
 * (lowercase, no trailing period, values quoted) so that a learner finds the same text in both.
 *
 * Counterparts: `AlreadyRegisteredError` and `MultiError` (here `GatherError`, an
 * `AggregateError`) in registry.go; the `fmt.Errorf` calls in desc.go, value.go, vec.go,
 * counter.go, histogram.go and summary.go.
 *
 * @module
 */

import type { Collector } from "./collector.js";

/** PrometheusError is the base class of every error this library raises on purpose. */
export class PrometheusError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** InvalidNameError reports a metric or label name that the data model does not allow. */
export class InvalidNameError extends PrometheusError {
  /** The rejected name. */
  readonly invalidName: string;
  /** Whether a metric name or a label name was rejected. */
  readonly kind: "metric" | "label";

  constructor(message: string, invalidName: string, kind: "metric" | "label") {
    super(message);
    this.invalidName = invalidName;
    this.kind = kind;
  }
}

/** DuplicateLabelNamesError reports a descriptor whose const and variable labels repeat a name. */
export class DuplicateLabelNamesError extends PrometheusError {}

/**
 * MetricContext names the metric an error is about: its fully-qualified name and variable labels.
 * client_golang's messages do not say which metric failed; ours keep Go's message exactly and carry
 * the metric here instead, for a caller or a log line to show.
 */
export interface MetricContext {
  readonly fqName: string;
  readonly variableLabels: readonly string[];
}

/**
 * LabelError is the base of the errors about label names and values given to a metric or a vector.
 * When a Vec raises it, `fqName` and `variableLabels` name the metric; they are undefined when the
 * error comes from elsewhere (a const metric, a wrapper).
 */
export class LabelError extends PrometheusError {
  /** The fully-qualified name of the metric concerned, when known. */
  readonly fqName: string | undefined;
  /** The variable labels of the metric concerned, when known. */
  readonly variableLabels: readonly string[] | undefined;

  constructor(message: string, context?: MetricContext) {
    super(message);
    this.fqName = context?.fqName;
    this.variableLabels = context?.variableLabels;
  }
}

/**
 * metricContextOf returns the metric an error is about: the `fqName` and `variableLabels` of the
 * first {@link LabelError} in the error and its chain of causes (a collector's failure wraps the
 * error it threw), or undefined when none names one. Log lines use it to say which metric failed.
 */
export function metricContextOf(err: unknown): MetricContext | undefined {
  for (let e = err, depth = 0; e instanceof Error && depth < 8; e = e.cause, depth++) {
    if (e instanceof LabelError && e.fqName !== undefined) {
      return { fqName: e.fqName, variableLabels: e.variableLabels ?? [] };
    }
  }
  return undefined;
}

/**
 * InconsistentCardinalityError reports a number of label values that does not match the number of
 * variable labels (client_golang's `errInconsistentCardinality`).
 */
export class InconsistentCardinalityError extends LabelError {
  readonly expected: number;
  readonly got: number;

  constructor(message: string, expected: number, got: number, context?: MetricContext) {
    super(message, context);
    this.expected = expected;
    this.got = got;
  }
}

/**
 * InvalidLabelValueError reports a label value that is not valid UTF-8 (a lone surrogate) or not a
 * string at all.
 */
export class InvalidLabelValueError extends LabelError {}

/**
 * LabelMismatchError reports a label map that misses, repeats or curries the wrong label names, or
 * is not an object at all.
 */
export class LabelMismatchError extends LabelError {}

/**
 * InvalidValueError reports a value a metric cannot take: a counter decrease, a NaN where the model
 * forbids it, a non-integer count, a bucket list that does not increase, a quantile outside (0, 1).
 */
export class InvalidValueError extends PrometheusError {}

/**
 * InvalidExemplarError reports an exemplar that cannot be made or attached: a label name that is
 * not valid, a label value that is not valid UTF-8, labels over 128 runes in all, a timestamp
 * outside 0001–9999, or a metric that cannot carry exemplars. It is an {@link InvalidValueError},
 * as client_golang reports it where the value is added or observed.
 */
export class InvalidExemplarError extends InvalidValueError {}

/**
 * InvalidOptionsError reports options that cannot build what they are for: a metric (bad buckets,
 * bad objectives, a help that is not a string) or a promhttp handler (a negative limit or timeout).
 */
export class InvalidOptionsError extends PrometheusError {}

/**
 * InvalidDescError reports, at registration or collection time, a descriptor that carries an error
 * from its construction. The original error is the `cause`.
 */
export class InvalidDescError extends PrometheusError {}

/** DescConflictError reports a registration whose descriptors clash with registered ones. */
export class DescConflictError extends PrometheusError {}

/**
 * AlreadyRegisteredError is returned by `register` when the collector (or one equal to it: same
 * descriptors) is already registered. `existingCollector` is the registered one, so a caller can
 * use it instead of the new one.
 */
export class AlreadyRegisteredError extends PrometheusError {
  readonly existingCollector: Collector;
  readonly newCollector: Collector;

  constructor(existingCollector: Collector, newCollector: Collector) {
    super("duplicate metrics collector registration attempted");
    this.existingCollector = existingCollector;
    this.newCollector = newCollector;
  }
}

/** InvalidCollectorError reports a collector that breaks the Collector contract. */
export class InvalidCollectorError extends PrometheusError {}

/** CollectorError reports that a collector's `collect` threw or rejected; the original is the `cause`. */
export class CollectorError extends PrometheusError {
  readonly collector: Collector;

  constructor(message: string, collector: Collector, cause: unknown) {
    super(message, { cause });
    this.collector = collector;
  }
}

/**
 * ConsistencyError reports a collected metric that breaks the consistency rules of a gather: a help
 * or type that differs from earlier metrics of the same name, a series collected twice, labels that
 * do not match the descriptor, a name that collides with a histogram's or summary's suffixes.
 */
export class ConsistencyError extends PrometheusError {
  /** The name of the metric family concerned. */
  readonly metricName: string;

  constructor(message: string, metricName: string) {
    super(message);
    this.metricName = metricName;
  }
}

/** GatherAbortedError reports a gather stopped by its abort signal (a scrape timeout). */
export class GatherAbortedError extends PrometheusError {}

/**
 * GatherError is what `gather` rejects with when anything went wrong: the individual errors (as in
 * client_golang's `MultiError`) and the families that were gathered despite them, which a caller
 * may still serve (promhttp's `ContinueOnError`).
 */
export class GatherError extends AggregateError {
  /** The families gathered beside the errors, sorted and checked like a normal result. */
  readonly families: import("../model/index.js").MetricFamily[];

  constructor(errors: readonly Error[], families: import("../model/index.js").MetricFamily[]) {
    super(errors, multiErrorMessage(errors));
    this.name = "GatherError";
    this.families = families;
  }
}

/**
 * multiErrorMessage formats errors as client_golang's `MultiError.MaybeUnwrap().Error()` does: a
 * single error is its own message; several are counted and listed one per line.
 */
export function multiErrorMessage(errors: readonly Error[]): string {
  if (errors.length === 1) return errors[0]!.message;
  let text = `${errors.length} error(s) occurred:`;
  for (const err of errors) text += `\n* ${err.message}`;
  return text;
}

/** ChannelClosedError reports a send on a closed channel (a panic in Go), e.g. after a scrape timed out. */
export class ChannelClosedError extends PrometheusError {
  constructor() {
    super("send on closed channel");
  }
}
