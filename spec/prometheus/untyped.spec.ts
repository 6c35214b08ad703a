/**
 * Untyped, UntypedVec and newUntypedFunc (client_golang's untyped.go; the settable forms are ours).
 */
import { describe, expect, it } from "vitest";
import { metricFamiliesToText } from "../../lib/expfmt/text.js";
import type { Collector } from "../../lib/prometheus/collector.js";
import { InvalidValueError } from "../../lib/prometheus/errors.js";
import { newRegistry } from "../../lib/prometheus/registry.js";
import { newUntyped, newUntypedFunc, newUntypedVec, Untyped, UntypedVec } from "../../lib/prometheus/untyped.js";

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

describe("Untyped", () => {
  it("sets, increments, decrements, adds and subtracts", () => {
    const u = newUntyped({ name: "u", help: "h" });
    u.set(1);
    u.inc();
    u.dec();
    u.add(5);
    u.sub(2);
    expect(u.get()).toBe(4);
  });

  it.each([
    ["set", (u: Untyped) => u.set("1" as unknown as number)],
    ["add", (u: Untyped) => u.add(null as unknown as number)],
    ["sub", (u: Untyped) => u.sub("x" as unknown as number)],
  ])("rejects a non-number in %s", (_name, call) => {
    const u = new Untyped({ name: "u", help: "h" });
    const err = thrown(() => call(u));
    expect(err).toBeInstanceOf(InvalidValueError);
    expect(err.message).toMatch(/^untyped value must be a number, got \w+$/);
    expect(u.get()).toBe(0);
  });

  it("is exposed as untyped", async () => {
    const u = newUntyped({ name: "relayed", help: "from elsewhere", constLabels: { source: "snmp" } });
    u.set(0.25);
    expect(await exposition(u)).toBe(`# HELP relayed from elsewhere
# TYPE relayed untyped
relayed{source="snmp"} 0.25
`);
  });
});

describe("UntypedVec", () => {
  it("keeps one metric per label values", async () => {
    const vec = newUntypedVec({ name: "v", help: "h" }, ["k"]);
    vec.withLabelValues("b").set(2);
    vec.with({ k: "a" }).set(1);
    expect(vec).toBeInstanceOf(UntypedVec);
    expect(await exposition(vec)).toBe('# HELP v h\n# TYPE v untyped\nv{k="a"} 1\nv{k="b"} 2\n');
  });
});

describe("newUntypedFunc", () => {
  it("reads its value at each collection", async () => {
    expect(await exposition(newUntypedFunc({ name: "f", help: "h" }, () => 7))).toBe("# HELP f h\n# TYPE f untyped\nf 7\n");
  });
});
