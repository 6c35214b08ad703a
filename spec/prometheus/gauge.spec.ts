/**
 * Gauge, GaugeVec and newGaugeFunc (client_golang's gauge.go and gauge_test.go).
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { metricFamiliesToText } from "../../lib/expfmt/text.js";
import type { Collector } from "../../lib/prometheus/collector.js";
import { InvalidValueError } from "../../lib/prometheus/errors.js";
import { Gauge, GaugeVec, newGauge, newGaugeFunc, newGaugeVec } from "../../lib/prometheus/gauge.js";
import { newRegistry } from "../../lib/prometheus/registry.js";

async function exposition(...cs: Collector[]): Promise<string> {
  const reg = newRegistry();
  reg.mustRegister(...cs);
  return metricFamiliesToText(await reg.gather());
}

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected a throw");
}

afterEach(() => {
  vi.useRealTimers();
});

describe("Gauge", () => {
  it("sets, increments, decrements, adds and subtracts", () => {
    const gauge = newGauge({ name: "g", help: "h" });
    expect(gauge.get()).toBe(0);
    gauge.set(10);
    gauge.inc();
    gauge.dec();
    gauge.dec();
    gauge.add(-2.5);
    gauge.sub(0.5);
    expect(gauge.get()).toBe(6);
    gauge.set(NaN);
    expect(gauge.get()).toBeNaN();
  });

  it("sets the current Unix time in seconds", () => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date(1_700_000_000_500));
    const gauge = new Gauge({ name: "g", help: "h" });
    gauge.setToCurrentTime();
    expect(gauge.get()).toBe(1_700_000_000.5);
  });

  it.each([
    ["set", (g: Gauge) => g.set("1" as unknown as number)],
    ["add", (g: Gauge) => g.add("1" as unknown as number)],
    ["sub", (g: Gauge) => g.sub(undefined as unknown as number)],
  ])("rejects a non-number in %s", (_name, call) => {
    const gauge = newGauge({ name: "g", help: "h" });
    const err = thrown(() => call(gauge));
    expect(err).toBeInstanceOf(InvalidValueError);
    expect(err.message).toMatch(/^gauge value must be a number, got (string|undefined)$/);
    expect(gauge.get()).toBe(0);
  });

  it("is exposed with special values spelled as in Go", async () => {
    const pos = newGauge({ name: "pos", help: "h" });
    const neg = newGauge({ name: "neg", help: "h" });
    const nan = newGauge({ name: "nan", help: "h" });
    const small = newGauge({ name: "small", help: "h" });
    pos.set(Infinity);
    neg.set(-Infinity);
    nan.set(NaN);
    small.set(-1e-7);
    expect(await exposition(pos, neg, nan, small)).toBe(`# HELP nan h
# TYPE nan gauge
nan NaN
# HELP neg h
# TYPE neg gauge
neg -Inf
# HELP pos h
# TYPE pos gauge
pos +Inf
# HELP small h
# TYPE small gauge
small -1e-07
`);
  });
});

describe("GaugeVec", () => {
  it("keeps one gauge per label values, sorted in the exposition", async () => {
    const vec = newGaugeVec({ namespace: "demo", name: "total", help: "demo total" }, ["region_id", "instance_id"]);
    vec.with({ region_id: "region2", instance_id: "b" }).set(2);
    vec.with({ region_id: "region1", instance_id: "a" }).set(1);
    vec.withLabelValues("region1", "b").set(-1);
    expect(vec.withLabelValues("region1", "a")).toBeInstanceOf(Gauge);
    expect(await exposition(vec)).toBe(`# HELP demo_total demo total
# TYPE demo_total gauge
demo_total{instance_id="a",region_id="region1"} 1
demo_total{instance_id="b",region_id="region1"} -1
demo_total{instance_id="b",region_id="region2"} 2
`);
  });

  it("shows nothing after reset, and fresh children after that", async () => {
    const vec = new GaugeVec({ name: "g", help: "h" }, ["a"]);
    vec.withLabelValues("x").set(5);
    vec.reset();
    expect(await exposition(vec)).toBe("");
    expect(vec.withLabelValues("x").get()).toBe(0);
  });
});

describe("newGaugeFunc", () => {
  it("reads its value at each collection", async () => {
    let level = 3;
    const fn = newGaugeFunc({ name: "level", help: "current level" }, () => level);
    expect(await exposition(fn)).toBe("# HELP level current level\n# TYPE level gauge\nlevel 3\n");
    level = -1.5;
    expect(await exposition(fn)).toBe("# HELP level current level\n# TYPE level gauge\nlevel -1.5\n");
  });
});
