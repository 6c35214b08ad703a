/**
 * A vec keeps its children in gather order across scrapes: small changes are merged in at collect
 * time, large ones are reordered in time slices while the registry sorts the scrape itself.
 */
import { describe, expect, it } from "vitest";
import type * as dto from "../../lib/model/index.js";
import * as prom from "../../lib/prometheus/index.js";

/** collected returns the label values of what vec.collect sends, in order. */
function collected(vec: prom.GaugeVec): string[] {
  const out: string[] = [];
  vec.collect({ send: (m) => void out.push(m.write().label.map((lp: dto.LabelPair) => lp.value).join("/")) });
  return out;
}

function isSorted(values: string[]): boolean {
  for (let i = 1; i < values.length; i++) if (values[i - 1]! > values[i]!) return false;
  return true;
}

describe("MetricVec child order", () => {
  it("sends children sorted, and keeps them sorted across additions and deletions", () => {
    const vec = prom.newGaugeVec({ name: "g", help: "h" }, ["k"]);
    for (const k of ["c", "a", "b"]) vec.withLabelValues(k).set(1);
    expect(collected(vec)).toEqual(["a", "b", "c"]);
    vec.withLabelValues("aa").set(1);
    vec.deleteLabelValues("b");
    expect(collected(vec)).toEqual(["a", "aa", "c"]);
    vec.reset();
    vec.withLabelValues("z").set(1);
    expect(collected(vec)).toEqual(["z"]);
  });

  it("orders many children in the background and sorts the first scrape in the registry", async () => {
    const n = 60_000;
    const vec = prom.newGaugeVec({ name: "big", help: "h" }, ["k"]);
    for (let i = 0; i < n; i++) vec.withLabelValues(`k${(i * 7919) % n}`).set(i);
    const first = collected(vec);
    expect(first).toHaveLength(n);
    expect(isSorted(first)).toBe(false);

    const reg = prom.newRegistry();
    reg.mustRegister(vec);
    const gathered = await reg.gather();
    const [family] = gathered;
    expect(isSorted(family!.metric.map((m) => m.label[0]!.value))).toBe(true);

    // Deleting while the background reorder runs must not bring the child back.
    vec.deleteLabelValues("k1");
    for (let i = 0; i < 100 && !isSorted(collected(vec)); i++) await new Promise((r) => setTimeout(r, 20));
    const later = collected(vec);
    expect(isSorted(later)).toBe(true);
    expect(later).toHaveLength(n - 1);
    expect(later).not.toContain("k1");
  });
});
