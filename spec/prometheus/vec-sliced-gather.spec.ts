/**
 * A gather of a vec too large to copy at once copies its values in time slices; the application
 * keeps running between them and may delete series meanwhile. Every series that lives through
 * the gather must come out with its value. A series deleted meanwhile is left out when it was
 * deleted before its row was copied, and kept with the value it had when it was deleted after
 * (as if it had been deleted after the gather): the gather must leave out some of them.
 */
import { describe, expect, it } from "vitest";
import * as prom from "../../lib/prometheus/index.js";

/** Above the number of rows a gather copies at once (vec.ts), so that the copy is sliced. */
const series = 200_000;

describe("a gather copying a large vec in slices", () => {
  it("keeps every series that lives through it, and no deleted series with a wrong value", { timeout: 60_000 }, async () => {
    const reg = prom.newRegistry();
    // A collector collected before the vec (registered first), which uses up the gather's first
    // time slice: the copy then yields after its first step, for certain, however fast this
    // machine copies. It describes a metric it never sends, which a registry allows.
    const busyDesc = prom.newDesc("busy_collector", "Sends nothing.", [], {});
    const busy: prom.Collector = {
      describe: (ch) => ch.send(busyDesc),
      collect() {
        const start = performance.now();
        while (performance.now() - start < 10); // longer than a time slice (slices.ts)
      },
    };
    reg.mustRegister(busy);
    const vec = prom.newGaugeVec({ name: "sliced_series", help: "A large vec." }, ["id"]);
    reg.mustRegister(vec);
    const idOf = (i: number) => String(i).padStart(6, "0");
    for (let i = 0; i < series; i++) vec.withLabelValues(idOf(i)).set(i + 1);
    await reg.gather(); // the first gather sorts; the next one only copies

    // Deletes run between the gather's slices: a few series per turn of the event loop, at the
    // start, the end and the middle of the order, until the gather is done.
    const deleted = new Set<number>();
    let done = false;
    let turns = 0;
    const deleter = (async () => {
      for (let k = 0; !done && k < 5000; k++) {
        await new Promise((resolve) => setImmediate(resolve));
        turns++;
        for (const i of [k, series - 1 - k, 2 * k + 50_000]) {
          if (i < series && !deleted.has(i)) {
            expect(vec.deleteLabelValues(idOf(i))).toBe(true);
            deleted.add(i);
          }
        }
      }
    })();
    const families = await reg.gather();
    done = true;
    await deleter;
    expect(turns).toBeGreaterThan(0); // the gather did yield, and deletes ran meanwhile

    const [family] = families;
    const seen = new Map<number, number>();
    for (const m of family!.metric) seen.set(Number(m.label[0]!.value), m.gauge!.value);
    let deletedSeen = 0;
    for (let i = 0; i < series; i++) {
      const value = seen.get(i);
      if (!deleted.has(i)) expect(value, `series ${i}`).toBe(i + 1);
      else if (value !== undefined) {
        expect(value, `deleted series ${i}`).toBe(i + 1);
        deletedSeen++;
      }
    }
    expect(family!.metric).toHaveLength(series - deleted.size + deletedSeen);
    // Some series deleted during the gather were copied before it (kept), others after (left out).
    expect(deletedSeen).toBeLessThan(deleted.size);
  });
});
