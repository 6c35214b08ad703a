/**
 * Registry: registration checks, unregistering, and the shape of what gather returns (sorted,
 * deterministic). The per-metric checks of a gather are in consistency.spec.ts, running the
 * collectors (errors, aborts, concurrency) in collect.spec.ts. Counterpart: client_golang's
 * registry.go and registry_test.go.
 */
import { describe, expect, it } from "vitest";
import { metricFamiliesToText } from "../../lib/expfmt/text.js";
import type { SendOnlyChannel } from "../../lib/prometheus/channel.js";
import type { Collector } from "../../lib/prometheus/collector.js";
import { newCounter, newCounterVec } from "../../lib/prometheus/counter.js";
import { type Desc, newDesc, newInvalidDesc } from "../../lib/prometheus/desc.js";
import {
  AlreadyRegisteredError,
  DescConflictError,
  GatherError,
  InvalidCollectorError,
  InvalidDescError,
  InvalidNameError,
  InvalidValueError,
  PrometheusError,
} from "../../lib/prometheus/errors.js";
import { newGauge, newGaugeVec } from "../../lib/prometheus/gauge.js";
import type { Metric } from "../../lib/prometheus/metric.js";
import {
  defaultGatherer,
  defaultRegisterer,
  defaultRegistry,
  mustRegister,
  newPedanticRegistry,
  newRegistry,
  register,
  Registry,
  unregister,
} from "../../lib/prometheus/registry.js";
import { GaugeValue, mustNewConstMetric } from "../../lib/prometheus/value.js";

/** DescCollector describes the given descriptors and collects one gauge of value 1 for each. */
class DescCollector implements Collector {
  readonly descs: Desc[];
  constructor(...descs: Desc[]) {
    this.descs = descs;
  }
  describe(ch: SendOnlyChannel<Desc>): void {
    for (const d of this.descs) ch.send(d);
  }
  collect(ch: SendOnlyChannel<Metric>): void {
    for (const d of this.descs) ch.send(mustNewConstMetric(d, GaugeValue, 1));
  }
}

async function text(reg: Registry): Promise<string> {
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

describe("Registry.register", () => {
  it("registers a collector and gathers from it", async () => {
    const reg = newRegistry();
    const g = newGauge({ name: "g", help: "h" });
    expect(reg.register(g)).toBeUndefined();
    g.set(2);
    expect(await text(reg)).toBe("# HELP g h\n# TYPE g gauge\ng 2\n");
  });

  it("returns AlreadyRegisteredError with the existing collector for the same collector", () => {
    const reg = newRegistry();
    const g = newGauge({ name: "g", help: "h" });
    reg.mustRegister(g);
    const err = reg.register(g);
    expect(err).toBeInstanceOf(AlreadyRegisteredError);
    expect(err!.message).toBe("duplicate metrics collector registration attempted");
    expect((err as AlreadyRegisteredError).existingCollector).toBe(g);
    expect((err as AlreadyRegisteredError).newCollector).toBe(g);
  });

  it("returns AlreadyRegisteredError for an equal collector (same descriptors), so its caller can reuse the first", () => {
    const reg = newRegistry();
    const first = newCounterVec({ name: "requests_total", help: "h" }, ["code"]);
    const second = newCounterVec({ name: "requests_total", help: "h" }, ["code"]);
    reg.mustRegister(first);
    const err = reg.register(second) as AlreadyRegisteredError;
    expect(err).toBeInstanceOf(AlreadyRegisteredError);
    expect(err.existingCollector).toBe(first);
    expect(err.newCollector).toBe(second);
  });

  it("treats descriptors sent twice by one collector as one, in any order", () => {
    const reg = newRegistry();
    const a = newDesc("a", "h");
    const b = newDesc("b", "h");
    reg.mustRegister(new DescCollector(a, b, a));
    expect(reg.register(new DescCollector(b, a))).toBeInstanceOf(AlreadyRegisteredError);
  });

  it("rejects a descriptor another collector already registered", () => {
    const reg = newRegistry();
    const shared = newDesc("shared", "h", null, { a: "1" });
    reg.mustRegister(new DescCollector(shared));
    const err = reg.register(new DescCollector(newDesc("other", "h"), newDesc("shared", "h", null, { a: "1" })));
    expect(err).toBeInstanceOf(DescConflictError);
    expect(err!.message).toBe(
      'descriptor Desc{fqName: "shared", help: "h", constLabels: {a="1"}, variableLabels: []} already exists with the same fully-qualified name and const label values',
    );
  });

  it("rejects the same name with other label names or help than a registered descriptor", () => {
    const reg = newRegistry();
    reg.mustRegister(new DescCollector(newDesc("x", "help", ["a"], { c: "1" })));
    const cases: Desc[] = [
      newDesc("x", "other help", ["a"], { c: "2" }),
      newDesc("x", "help", ["b"], { c: "2" }),
      newDesc("x", "help", ["a", "b"], { c: "2" }),
      newDesc("x", "help", null, { c: "2", a: "1" }),
    ];
    for (const desc of cases) {
      const err = reg.register(new DescCollector(desc));
      expect(err).toBeInstanceOf(DescConflictError);
      expect(err!.message).toBe(
        `a previously registered descriptor with the same fully-qualified name as ${desc} has different label names or a different help string`,
      );
    }
    // Same help and label names, other const label values: a new series of the same family.
    expect(reg.register(new DescCollector(newDesc("x", "help", ["a"], { c: "2" })))).toBeUndefined();
  });

  it("rejects a collector whose own descriptors disagree for one name", () => {
    const offender = newDesc("x", "help two", null, { c: "2" });
    const err = newRegistry().register(new DescCollector(newDesc("x", "help one", null, { c: "1" }), offender));
    expect(err).toBeInstanceOf(DescConflictError);
    expect(err!.message).toBe(
      'descriptors reported by collector have inconsistent label names or help strings for the same fully-qualified name, offender is Desc{fqName: "x", help: "help two", constLabels: {c="2"}, variableLabels: []}',
    );
  });

  it("rejects an invalid descriptor with the descriptor and its error, the error as cause", () => {
    const err = newRegistry().register(newGaugeVec({ name: "g", help: "h" }, ["__reserved"]));
    expect(err).toBeInstanceOf(InvalidDescError);
    expect(err!.message).toBe(
      'descriptor Desc{fqName: "g", help: "h", constLabels: {}, variableLabels: [__reserved]} is invalid: "__reserved" is not a valid label name for metric "g"',
    );
    expect(err!.cause).toBeInstanceOf(InvalidNameError);
  });

  it("rejects a descriptor made by newInvalidDesc", () => {
    const cause = new InvalidValueError("cannot reach the device");
    const err = newRegistry().register(new DescCollector(newInvalidDesc(cause)));
    expect(err).toBeInstanceOf(InvalidDescError);
    expect(err!.message).toBe(
      'descriptor Desc{fqName: "", help: "", constLabels: {}, variableLabels: []} is invalid: cannot reach the device',
    );
    expect(err!.cause).toBe(cause);
  });

  it("registers nothing when any descriptor fails", async () => {
    const reg = newRegistry();
    reg.mustRegister(new DescCollector(newDesc("taken", "h")));
    const failing = new DescCollector(newDesc("fresh", "h"), newDesc("taken", "h"));
    expect(reg.register(failing)).toBeInstanceOf(DescConflictError);
    // "fresh" was not registered: a collector describing it alone is welcome.
    expect(reg.register(new DescCollector(newDesc("fresh", "other help")))).toBeUndefined();
    expect(await text(reg)).toBe(
      "# HELP fresh other help\n# TYPE fresh gauge\nfresh 1\n# HELP taken h\n# TYPE taken gauge\ntaken 1\n",
    );
  });

  it("registers a collector that describes nothing as unchecked: it may collect anything", async () => {
    const reg = newRegistry();
    const unchecked: Collector = {
      describe() {},
      collect(ch) {
        ch.send(mustNewConstMetric(newDesc("whatever", "h", ["k"]), GaugeValue, 3, "v"));
      },
    };
    expect(reg.register(unchecked)).toBeUndefined();
    // No descriptor means nothing to compare: registering it again is not an error, as in Go.
    expect(reg.register(unchecked)).toBeUndefined();
    expect(reg.unregister(unchecked)).toBe(false);
    const err = await reg.gather().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GatherError);
    expect((err as GatherError).message).toBe(
      'collected metric "whatever" { label:<name:"k" value:"v" > gauge:<value:3 > } was collected before with the same name and label values',
    );
    expect(metricFamiliesToText((err as GatherError).families)).toBe('# HELP whatever h\n# TYPE whatever gauge\nwhatever{k="v"} 3\n');
  });

  it("rejects a collector whose describe returns a promise", () => {
    class AsyncDescribe {
      async describe(ch: SendOnlyChannel<Desc>): Promise<void> {
        ch.send(newDesc("x", "h"));
      }
      collect(): void {}
    }
    const err = newRegistry().register(new AsyncDescribe() as unknown as Collector);
    expect(err).toBeInstanceOf(InvalidCollectorError);
    expect(err!.message).toBe(
      "describe of AsyncDescribe returned a promise; describe must send its descriptors synchronously",
    );
  });

  it("rejects a collector whose describe throws, with the thrown error as cause", () => {
    const boom = new Error("boom");
    class Exploding implements Collector {
      describe(): void {
        throw boom;
      }
      collect(): void {}
    }
    const err = newRegistry().register(new Exploding());
    expect(err).toBeInstanceOf(InvalidCollectorError);
    expect(err!.message).toBe("describe of Exploding failed: boom");
    expect(err!.cause).toBe(boom);
  });

  it.each([
    ["null", null, "null is not a collector: it needs describe(ch) and collect(ch) methods"],
    ["a string", "gauge", "gauge is not a collector: it needs describe(ch) and collect(ch) methods"],
    ["an object without collect", { describe() {} }, "value of type Object is not a collector: it needs describe(ch) and collect(ch) methods"],
  ])("rejects %s as not a collector", (_what, value, message) => {
    const reg = newRegistry();
    const err = reg.register(value as unknown as Collector);
    expect(err).toBeInstanceOf(InvalidCollectorError);
    expect(err!.message).toBe(message);
    expect(reg.unregister(value as unknown as Collector)).toBe(false);
  });

  it("mustRegister throws the first error, keeping the collectors registered before it", async () => {
    const reg = newRegistry();
    const ok = newGauge({ name: "ok", help: "h" });
    const bad = newGauge({ name: "bad name", help: "h" });
    const never = newGauge({ name: "never", help: "h" });
    const err = thrown(() => reg.mustRegister(ok, bad, never));
    expect(err).toBeInstanceOf(InvalidDescError);
    expect(err).toBeInstanceOf(PrometheusError);
    expect(await text(reg)).toBe("# HELP ok h\n# TYPE ok gauge\nok 0\n");
  });
});

describe("Registry.unregister", () => {
  it("removes a collector, which can then be registered again", async () => {
    const reg = newRegistry();
    const c = newCounter({ name: "c_total", help: "h" });
    reg.mustRegister(c);
    expect(reg.unregister(c)).toBe(true);
    expect(await text(reg)).toBe("");
    expect(reg.unregister(c)).toBe(false);
    expect(reg.register(c)).toBeUndefined();
    c.inc();
    expect(await text(reg)).toBe("# HELP c_total h\n# TYPE c_total counter\nc_total 1\n");
  });

  it("removes an equal collector (same descriptors)", () => {
    const reg = newRegistry();
    reg.mustRegister(newGauge({ name: "g", help: "h" }));
    expect(reg.unregister(newGauge({ name: "g", help: "h" }))).toBe(true);
    expect(reg.register(newGauge({ name: "g", help: "h" }))).toBeUndefined();
  });

  it("returns false for a collector never registered", () => {
    const reg = newRegistry();
    reg.mustRegister(newGauge({ name: "g", help: "h" }));
    expect(reg.unregister(newGauge({ name: "other", help: "h" }))).toBe(false);
  });

  it("frees the descriptors, but the name keeps its help and labels for the life of the registry", () => {
    const reg = newRegistry();
    reg.mustRegister(newGauge({ name: "g", help: "h" }));
    reg.unregister(newGauge({ name: "g", help: "h" }));
    const err = reg.register(newGauge({ name: "g", help: "new help" }));
    expect(err).toBeInstanceOf(DescConflictError);
    expect(err!.message).toMatch(/^a previously registered descriptor with the same fully-qualified name as /);
  });
});

describe("Registry.gather", () => {
  it("returns no families for an empty registry", async () => {
    expect(await newRegistry().gather()).toEqual([]);
  });

  it("sorts families by name and metrics by label values", async () => {
    const reg = newRegistry();
    const vec = newGaugeVec({ name: "zzz", help: "h" }, ["a", "b"]);
    for (const [a, b] of [
      ["2", "x"],
      ["10", "y"],
      ["1", "z"],
      ["1", "a"],
    ] as const) {
      vec.withLabelValues(a, b).set(1);
    }
    reg.mustRegister(vec, newGauge({ name: "aaa", help: "h" }), newGauge({ name: "AAA", help: "h" }), newGauge({ name: "_u", help: "h" }));
    expect(await text(reg)).toBe(`# HELP AAA h
# TYPE AAA gauge
AAA 0
# HELP _u h
# TYPE _u gauge
_u 0
# HELP aaa h
# TYPE aaa gauge
aaa 0
# HELP zzz h
# TYPE zzz gauge
zzz{a="1",b="a"} 1
zzz{a="1",b="z"} 1
zzz{a="10",b="y"} 1
zzz{a="2",b="x"} 1
`);
  });

  it("sorts label values by UTF-8 bytes, as Go does: astral characters after U+E000–U+FFFF", async () => {
    const reg = newRegistry();
    const vec = newGaugeVec({ name: "g", help: "h" }, ["v"]);
    for (const v of ["🙂", "\uffff", "z", "\ue000", "é", "\u{10000}"]) vec.withLabelValues(v).set(1);
    reg.mustRegister(vec);
    const values = (await reg.gather())[0]!.metric.map((m) => m.label[0]!.value);
    expect(values).toEqual(["z", "é", "\ue000", "\uffff", "\u{10000}", "🙂"]);
    // JavaScript's default sort (UTF-16 code units) would put the astral characters first.
    expect([...values].sort()).not.toEqual(values);
  });

  it("is deterministic: the same registry gives the same bytes twice", async () => {
    const reg = newRegistry();
    const vec = newCounterVec({ name: "requests_total", help: "h" }, ["code", "method"]);
    const codes = ["500", "200", "404", "201", "503"];
    const methods = ["PUT", "GET", "POST", "DELETE"];
    for (let i = 0; i < 40; i++) vec.withLabelValues(codes[(i * 7) % 5]!, methods[(i * 3) % 4]!).inc();
    reg.mustRegister(vec, newGauge({ name: "a", help: "h" }));
    const first = await text(reg);
    const second = await text(reg);
    expect(second).toBe(first);
    expect(first.split("\n").filter((l) => l.startsWith("requests_total")).length).toBe(20);
  });

  it("returns new family objects at every gather", async () => {
    const reg = newRegistry();
    reg.mustRegister(newGauge({ name: "g", help: "h" }));
    const [a] = await reg.gather();
    const [b] = await reg.gather();
    expect(a).not.toBe(b);
    expect(a!.metric).not.toBe(b!.metric);
    expect(a).toEqual(b);
  });
});

describe("the default registry", () => {
  it("is shared by register, mustRegister, unregister, defaultRegisterer and defaultGatherer", async () => {
    expect(defaultRegisterer).toBe(defaultRegistry);
    expect(defaultGatherer).toBe(defaultRegistry);
    const g = newGauge({ name: "registry_spec_default_gauge", help: "h" });
    expect(register(g)).toBeUndefined();
    expect(thrown(() => mustRegister(g))).toBeInstanceOf(AlreadyRegisteredError);
    const families = await defaultGatherer.gather();
    expect(families.some((f) => f.name === "registry_spec_default_gauge")).toBe(true);
    expect(unregister(g)).toBe(true);
    expect((await defaultGatherer.gather()).some((f) => f.name === "registry_spec_default_gauge")).toBe(false);
  });

  it("constructors never register into it", () => {
    const g = newGauge({ name: "registry_spec_not_registered", help: "h" });
    expect(unregister(g)).toBe(false);
  });
});

describe("newPedanticRegistry", () => {
  it("is a Registry that accepts what it can check", async () => {
    const reg = newPedanticRegistry();
    expect(reg).toBeInstanceOf(Registry);
    const vec = newGaugeVec({ name: "g", help: "h", constLabels: { c: "1" } }, ["v"]);
    vec.withLabelValues("x").set(1);
    reg.mustRegister(vec);
    expect(await text(reg)).toBe('# HELP g h\n# TYPE g gauge\ng{c="1",v="x"} 1\n');
  });
});
