/**
 * Collector, the interface a registry gathers from, and the helpers around it.
 *
 * Counterpart: client_golang's collector.go (`Collector`, `DescribeByCollect`, `selfCollector`).
 *
 * ## The contract
 * `describe` sends the descriptor of every metric the collector may ever collect, each at least
 * once, and must do so synchronously (registration is synchronous, as in Go). Sending no descriptor
 * at all marks the collector as unchecked: the registry then does no registration-time checks for
 * it, and it may collect anything, which is checked at gather time only.
 *
 * `collect` sends the current metrics. It may be synchronous or async (return a promise); the
 * registry runs collectors concurrently, the way client_golang runs one goroutine per collector, and
 * closes the channel when `collect` returns or its promise settles. A collector that throws or
 * rejects becomes a gather error naming it; what it sent before that is still used.
 *
 * ## Why no locks
 * JavaScript runs one piece of code at a time, so a `collect` that does not `await` cannot be
 * interleaved with anything: reading a counter and sending it is atomic. An async `collect` can be
 * interleaved with another scrape at each `await`. State that must be consistent within one
 * scrape (like the demo exporter's counter) should be read or updated before the first `await`,
 * into local variables, never into fields shared by concurrent scrapes.
 *
 * @module
 */

import type { SendOnlyChannel } from "./channel.js";
import type { Desc } from "./desc.js";
import { InvalidCollectorError } from "./errors.js";
import type { Metric } from "./metric.js";

/** Collector is the interface implemented by anything that can be registered and gathered from. */
export interface Collector {
  /** describe sends the descriptors of all metrics this collector can collect (synchronously). */
  describe(ch: SendOnlyChannel<Desc>): void;
  /** collect sends the current metrics; it may return a promise. */
  collect(ch: SendOnlyChannel<Metric>): void | Promise<void>;
}

/**
 * describeByCollect implements `describe` for a collector whose `collect` is synchronous and
 * always collects the same metrics: it collects once and sends each metric's descriptor.
 * @throws {InvalidCollectorError} when the collector's `collect` is async.
 */
export function describeByCollect(c: Collector, descs: SendOnlyChannel<Desc>): void {
  const metrics: Metric[] = [];
  const result = c.collect({ send: (m) => void metrics.push(m) });
  if (isPromiseLike(result)) {
    result.then(undefined, () => undefined);
    throw new InvalidCollectorError(
      `describeByCollect needs a synchronous collect, but ${collectorName(c)} returned a promise`,
    );
  }
  for (const m of metrics) descs.send(m.desc());
}

/** collectorName names a collector in messages: its class name, or "collector". */
export function collectorName(c: Collector): string {
  const name = (c as { constructor?: { name?: string } }).constructor?.name;
  return name !== undefined && name !== "" && name !== "Object" ? name : "collector";
}

/** isPromiseLike reports whether value is a thenable. */
export function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === "object" || typeof value === "function") &&
    typeof (value as { then?: unknown }).then === "function"
  );
}

/**
 * SelfCollector is the base of metrics that are their own collector (Counter, Gauge, ...): it
 * describes the metric's descriptor and collects the metric itself.
 */
export abstract class SelfCollector implements Collector, Metric {
  abstract desc(): Desc;
  abstract write(): import("../model/index.js").Metric;

  describe(ch: SendOnlyChannel<Desc>): void {
    ch.send(this.desc());
  }

  collect(ch: SendOnlyChannel<Metric>): void {
    ch.send(this);
  }
}
