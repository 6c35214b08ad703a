/**
 * ChaosCollector misbehaves on purpose, in a fixed cycle of ten collections, for the chaos soak
 * (spec/load/chaos.spec.ts; `DEMO_EXPORTER_CHAOS=1`, see docs/reliability.md): it throws, it
 * hangs for {@link ChaosHangMs} and then sends (late, when the scrape's deadline was shorter),
 * and it sends again from a timer after its `collect` returned (always late). The other seven
 * collections are ordinary. It is never registered unless that setting asks for it.
 *
 * @module
 */

import { type Collector, GaugeValue, type Metric, mustNewConstMetric, newDesc, type SendOnlyChannel } from "../prometheus/index.js";

/** ChaosHangMs is how long a hanging collection of the ChaosCollector waits before it sends. */
export const ChaosHangMs = 1_500;

const desc = newDesc("demo_chaos_collections", "Collections of the chaos collector (DEMO_EXPORTER_CHAOS).", [], {});

/** ChaosCollector is the collector described in the module comment. */
export class ChaosCollector implements Collector {
  #collections = 0;

  describe(ch: SendOnlyChannel<typeof desc>): void {
    ch.send(desc);
  }

  collect(ch: SendOnlyChannel<Metric>): void | Promise<void> {
    const n = ++this.#collections;
    const metric = mustNewConstMetric(desc, GaugeValue, n);
    switch (n % 10) {
      case 3:
        throw new Error("chaos: this collection fails");
      case 6:
        return new Promise<void>((resolve) => {
          setTimeout(() => {
            ch.send(metric);
            resolve();
          }, ChaosHangMs);
        });
      case 9:
        ch.send(metric);
        setTimeout(() => ch.send(metric), 20); // after collect returned: always a late send
        return;
      default:
        ch.send(metric);
    }
  }
}
