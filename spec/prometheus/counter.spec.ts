/**
 * Counter, CounterVec and newCounterFunc (client_golang's counter.go and counter_test.go).
 */
import { describe, expect, it } from "vitest";
import { metricFamiliesToText } from "../../lib/expfmt/text.js";
import type { Collector } from "../../lib/prometheus/collector.js";
import { Counter, CounterVec, newCounter, newCounterFunc, newCounterVec } from "../../lib/prometheus/counter.js";
import { CounterColumns } from "../../lib/prometheus/internal/counter-columns.js";
import { newDesc } from "../../lib/prometheus/desc.js";
import { GatherError, InvalidDescError, InvalidValueError } from "../../lib/prometheus/errors.js";
import { metricToProtoText } from "../../lib/prometheus/proto-text.js";
import { newRegistry } from "../../lib/prometheus/registry.js";
import { afterEach as afterEachCreated, beforeEach as beforeEachCreated, vi } from "vitest";

/** exposition registers the collectors on a new registry and returns the text it gathers. */
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

describe("Counter", () => {
  it("counts inc and add, integral and fractional, like Go's TestCounterAdd", () => {
    const counter = newCounter({ name: "test", help: "test help", constLabels: { a: "1", b: "2" } });
    counter.inc();
    expect(counter.get()).toBe(1);
    counter.add(42);
    expect(counter.get()).toBe(43);
    counter.add(24.42);
    expect(counter.get()).toBe(67.42);
    expect(metricToProtoText(counter.write())).toBe(
      'label:<name:"a" value:"1" > label:<name:"b" value:"2" > counter:<value:67.42 > ',
    );
  });

  it("keeps integral increments apart from fractional ones, so they never round", () => {
    const counter = newCounter({ name: "c", help: "h" });
    counter.add(1e-9);
    for (let i = 0; i < 1_000_000; i++) counter.inc();
    // A single float would have rounded a million times and read 1000000.0000000009.
    expect(counter.get()).toBe(1e6 + 1e-9);
  });

  it("starts at zero and accepts adding zero", () => {
    const counter = new Counter({ name: "c", help: "h" });
    counter.add(0);
    expect(counter.get()).toBe(0);
    expect(counter.write()).toEqual({ label: [], counter: { value: 0, createdTimestampMs: expect.any(Number) } });
  });

  const invalidAdds: [what: string, v: number, message: string][] = [
    ["a negative value", -1, "counter cannot decrease in value"],
    ["a tiny negative value", -Number.MIN_VALUE, "counter cannot decrease in value"],
    ["-Infinity", -Infinity, "counter cannot decrease in value"],
    ["NaN", NaN, "counter cannot be increased by NaN"],
    ["a string", "5" as unknown as number, "counter cannot be increased by 5"],
    ["undefined", undefined as unknown as number, "counter cannot be increased by undefined"],
  ];
  it.each(invalidAdds)("rejects %s with InvalidValueError and leaves the value alone", (_what, v, message) => {
    const counter = newCounter({ name: "c", help: "h" });
    counter.add(2);
    const err = thrown(() => counter.add(v));
    expect(err).toBeInstanceOf(InvalidValueError);
    expect(err.message).toBe(message);
    expect(counter.get()).toBe(2);
  });

  it("is exposed with its help, type and const labels", async () => {
    const counter = newCounter({
      namespace: "app",
      subsystem: "http",
      name: "requests_total",
      help: "Requests served.",
      constLabels: { zone: "eu" },
    });
    counter.add(1e6);
    expect(await exposition(counter)).toBe(`# HELP app_http_requests_total Requests served.
# TYPE app_http_requests_total counter
app_http_requests_total{zone="eu"} 1e+06
`);
  });

  it("with an invalid name fails at registration, not at construction", () => {
    const counter = newCounter({ name: "bad-name", help: "h" });
    const err = newRegistry().register(counter);
    expect(err).toBeInstanceOf(InvalidDescError);
    expect(err?.message).toBe(
      'descriptor Desc{fqName: "bad-name", help: "h", constLabels: {}, variableLabels: []} is invalid: "bad-name" is not a valid metric name',
    );
  });
});

describe("CounterVec", () => {
  it("creates one counter per label-value combination", async () => {
    const vec = newCounterVec({ name: "http_requests_total", help: "h" }, ["code", "method"]);
    vec.withLabelValues("200", "GET").inc();
    vec.withLabelValues("200", "GET").inc();
    vec.with({ method: "POST", code: "500" }).add(3);
    expect(vec.withLabelValues("200", "GET")).toBeInstanceOf(Counter);
    expect(vec.withLabelValues("200", "GET").get()).toBe(2);
    expect(await exposition(vec)).toBe(`# HELP http_requests_total h
# TYPE http_requests_total counter
http_requests_total{code="200",method="GET"} 2
http_requests_total{code="500",method="POST"} 3
`);
  });

  it("rejects a decrease of a child", () => {
    const vec = new CounterVec({ name: "c", help: "h" }, ["a"]);
    expect(thrown(() => vec.withLabelValues("x").add(-1))).toBeInstanceOf(InvalidValueError);
  });

  it("exposes nothing while it has no children", async () => {
    expect(await exposition(newCounterVec({ name: "c", help: "h" }, ["a"]))).toBe("");
  });
});

describe("newCounterFunc", () => {
  it("reads its value at each collection", async () => {
    let calls = 0;
    const fn = newCounterFunc({ name: "calls_total", help: "h", constLabels: { a: "b" } }, () => ++calls);
    expect(await exposition(fn)).toContain('calls_total{a="b"} 1\n');
    const reg = newRegistry();
    reg.mustRegister(fn);
    await reg.gather();
    expect(metricFamiliesToText(await reg.gather())).toContain('calls_total{a="b"} 3\n');
  });

  it("turns a throwing function into a gather error naming the descriptor", async () => {
    const reg = newRegistry();
    reg.mustRegister(
      newCounterFunc({ name: "broken_total", help: "h" }, () => {
        throw new Error("disk gone");
      }),
    );
    const err = await reg.gather().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GatherError);
    expect((err as GatherError).message).toBe(
      'error collecting metric Desc{fqName: "broken_total", help: "h", constLabels: {}, variableLabels: []}: disk gone',
    );
  });

  it("rejects a value function that is not a function", () => {
    expect(thrown(() => newCounterFunc({ name: "c", help: "h" }, 5 as unknown as () => number))).toBeInstanceOf(
      InvalidValueError,
    );
  });
});

describe("Counter created timestamp (client_golang 1.17+ createdTs)", () => {
  beforeEachCreated(() => {
    vi.useFakeTimers();
    vi.setSystemTime(1_600_000_000_000);
  });
  afterEachCreated(() => {
    vi.useRealTimers();
  });

  it("is the time the counter was made, and stays when the value changes", () => {
    const c = newCounter({ name: "c_total", help: "h" });
    vi.setSystemTime(1_600_000_060_000);
    c.inc();
    c.add(2.5);
    expect(c.write().counter).toEqual({ value: 3.5, createdTimestampMs: 1_600_000_000_000 });
  });

  it("is the time each child of a CounterVec was made", () => {
    const vec = newCounterVec({ name: "c_total", help: "h" }, ["code"]);
    vec.withLabelValues("200").inc();
    vi.setSystemTime(1_600_000_001_000);
    vec.withLabelValues("500").inc();
    expect(vec.withLabelValues("200").write().counter!.createdTimestampMs).toBe(1_600_000_000_000);
    expect(vec.withLabelValues("500").write().counter!.createdTimestampMs).toBe(1_600_000_001_000);
  });

  it("is absent for a CounterFunc, whose value comes from elsewhere (as in Go)", () => {
    expect(newCounterFunc({ name: "c_total", help: "h" }, () => 1).write().counter).toEqual({ value: 1 });
  });

  it("does not show in the text format", async () => {
    const reg = newRegistry();
    reg.mustRegister(newCounter({ name: "c_total", help: "h" }));
    expect(metricFamiliesToText(await reg.gather())).toBe("# HELP c_total h\n# TYPE c_total counter\nc_total 0\n");
  });
});

describe("CounterColumns creation times", () => {
  it("keeps them exact when a series is made more than 49 days after the vec, or before it", () => {
    const columns = new CounterColumns(newDesc("c", "h", null, null), (c, slot, serial, values) => new Counter(c, slot, serial, values));
    const base = columns.createdBase;
    columns.grow(4, 0, new Int32Array(4));
    columns.setCreated(0, base + 1234);
    expect(columns.created).toBeInstanceOf(Uint32Array);
    columns.setCreated(1, base + 2 ** 33 + 5); // past what 32 bits of milliseconds hold
    columns.setCreated(2, base - 10); // a clock set back
    expect(columns.created).toBeInstanceOf(Float64Array);
    expect([0, 1, 2].map((slot) => columns.createdOf(slot))).toEqual([base + 1234, base + 2 ** 33 + 5, base - 10]);
  });
});
