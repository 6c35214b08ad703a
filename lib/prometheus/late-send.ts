/**
 * Late sends: metrics a collector sends after its gather ended (the scrape timed out, the client
 * went away, or a collector sends from a timer after its `collect` returned).
 *
 * In Go the registry keeps draining a late collector's channel, so a late send is simply lost.
 * Here a gather closes its channels when it ends; every channel it hands out drops a later send
 * through the hook made by {@link lateSendReporter} instead of throwing, because a throw from a
 * timer or callback reaches no promise and would end the process. Dropped sends are counted
 * ({@link lateSendsDropped}), and the first one of each collector is reported once as a process
 * warning with code `PROM_LATE_SEND` (`process.on("warning", ...)` sees it; Node prints it to
 * stderr unless run with `--no-warnings`).
 *
 * @module
 */

import { type Collector, collectorName } from "./collector.js";

/** LateSendWarningCode is the `code` of the process warning emitted for a collector's first late send. */
export const LateSendWarningCode = "PROM_LATE_SEND";

let dropped = 0;
const reported = new WeakSet<Collector>();

/** lateSendsDropped returns how many late sends this process has dropped since it started. */
export function lateSendsDropped(): number {
  return dropped;
}

/**
 * lateSendReporter returns the `onSendAfterClose` hook of the channels a gather gives `collector`:
 * it counts the dropped value, and warns once per collector for the life of the process.
 */
export function lateSendReporter(collector: Collector): (value: unknown) => void {
  return () => {
    dropped++;
    if (reported.has(collector)) return;
    reported.add(collector);
    process.emitWarning(
      `${collectorName(collector)} sent a metric after its gather ended; the metric was dropped ` +
        "(later late sends of this collector are only counted)",
      { code: LateSendWarningCode },
    );
  };
}
