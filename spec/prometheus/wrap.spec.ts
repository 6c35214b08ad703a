/**
 * Wrapping registerers: const labels and a name prefix added to every descriptor and metric of the
 * collectors registered through them (client_golang's wrap.go and wrap_test.go).
 */
import { describe, expect, it } from "vitest";
import { metricFamiliesToText } from "../../lib/expfmt/text.js";
import type { Collector } from "../../lib/prometheus/collector.js";
import { newCounter, newCounterVec } from "../../lib/prometheus/counter.js";
import { newDesc } from "../../lib/prometheus/desc.js";
import {
  AlreadyRegisteredError,
  DuplicateLabelNamesError,
  GatherError,
  InvalidDescError,
  InvalidNameError,
  LabelMismatchError,
} from "../../lib/prometheus/errors.js";
import { newGauge } from "../../lib/prometheus/gauge.js";
import { defaultRegistry, newPedanticRegistry, newRegistry, type Registry } from "../../lib/prometheus/registry.js";
import { GaugeValue, mustNewConstMetric } from "../../lib/prometheus/value.js";
import { wrapRegistererWith, wrapRegistererWithPrefix } from "../../lib/prometheus/wrap.js";

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

/** labeledCounter is a counter with the const label foo="bar", incremented once. */
function labeledCounter() {
  const c = newCounter({ name: "simple_counter", help: "helpless", constLabels: { foo: "bar" } });
  c.inc();
  return c;
}

/** uncheckedCounter collects simple_counter{foo="bar"} 1 without describing it. */
function uncheckedCounter(): Collector {
  const c = labeledCounter();
  return {
    describe() {},
    collect: (ch) => c.collect(ch),
  };
}

describe("wrapRegistererWith and wrapRegistererWithPrefix", () => {
  interface Case {
    name: string;
    prefix?: string;
    labels?: Record<string, string>;
    collector: () => Collector;
    text?: string;
    registerError?: string;
    gatherError?: string;
  }
  const cases: Case[] = [
    {
      name: "labels on a counter",
      labels: { dings: "bums" },
      collector: labeledCounter,
      text: '# HELP simple_counter helpless\n# TYPE simple_counter counter\nsimple_counter{dings="bums",foo="bar"} 1\n',
    },
    {
      name: "prefix on a counter",
      prefix: "pre_",
      collector: labeledCounter,
      text: '# HELP pre_simple_counter helpless\n# TYPE pre_simple_counter counter\npre_simple_counter{foo="bar"} 1\n',
    },
    {
      name: "labels and prefix",
      prefix: "pre_",
      labels: { dings: "bums", a: "1" },
      collector: labeledCounter,
      text: '# HELP pre_simple_counter helpless\n# TYPE pre_simple_counter counter\npre_simple_counter{a="1",dings="bums",foo="bar"} 1\n',
    },
    {
      name: "an invalid prefix",
      prefix: "1+1",
      collector: labeledCounter,
      registerError:
        'descriptor Desc{fqName: "1+1simple_counter", help: "helpless", constLabels: {}, variableLabels: []} is invalid: "1+1simple_counter" is not a valid metric name',
    },
    {
      name: "an invalid label name",
      labels: { "42": "bar" },
      collector: labeledCounter,
      registerError:
        'descriptor Desc{fqName: "simple_counter", help: "helpless", constLabels: {}, variableLabels: []} is invalid: "42" is not a valid label name for metric "simple_counter"',
    },
    {
      name: "a label the collector already has, with another value",
      prefix: "pre_",
      labels: { foo: "bums" },
      collector: labeledCounter,
      registerError:
        'descriptor Desc{fqName: "pre_simple_counter", help: "helpless", constLabels: {foo="bar"}, variableLabels: []} is invalid: attempted wrapping with already existing label name "foo"',
    },
    {
      name: "a label the collector already has, with the same value",
      labels: { foo: "bar" },
      collector: labeledCounter,
      registerError:
        'descriptor Desc{fqName: "simple_counter", help: "helpless", constLabels: {foo="bar"}, variableLabels: []} is invalid: attempted wrapping with already existing label name "foo"',
    },
    {
      name: "a label that is a variable label of the collector",
      labels: { code: "x" },
      collector: () => newCounterVec({ name: "requests_total", help: "h" }, ["code"]),
      registerError:
        'descriptor Desc{fqName: "requests_total", help: "h", constLabels: {}, variableLabels: [code]} is invalid: duplicate label names',
    },
    {
      name: "labels on an unchecked collector",
      prefix: "pre_",
      labels: { dings: "bums" },
      collector: uncheckedCounter,
      text: '# HELP pre_simple_counter helpless\n# TYPE pre_simple_counter counter\npre_simple_counter{dings="bums",foo="bar"} 1\n',
    },
    {
      name: "a clashing label on an unchecked collector (found at gather time)",
      prefix: "pre_",
      labels: { foo: "bums" },
      collector: uncheckedCounter,
      gatherError: 'attempted wrapping with already existing label name "foo"',
    },
  ];

  it.each(cases.map((c) => [c.name, c] as const))("%s", async (_name, c) => {
    const reg = newRegistry();
    let registerer = c.prefix === undefined ? reg : wrapRegistererWithPrefix(c.prefix, reg);
    if (c.labels !== undefined) registerer = wrapRegistererWith(c.labels, registerer);
    const err = registerer.register(c.collector());
    if (c.registerError !== undefined) {
      expect(err).toBeInstanceOf(InvalidDescError);
      expect(err!.message).toBe(c.registerError);
      expect(await text(reg)).toBe("");
      return;
    }
    expect(err).toBeUndefined();
    if (c.gatherError !== undefined) {
      const gatherErr = await reg.gather().catch((e: unknown) => e);
      expect(gatherErr).toBeInstanceOf(GatherError);
      expect((gatherErr as GatherError).errors[0]).toBeInstanceOf(LabelMismatchError);
      expect((gatherErr as GatherError).message).toBe(c.gatherError);
      return;
    }
    expect(await text(reg)).toBe(c.text);
  });

  it("reports a clash as LabelMismatchError, the cause of the registration error", () => {
    const err = wrapRegistererWith({ foo: "x" }, newRegistry()).register(labeledCounter());
    expect(err?.cause).toBeInstanceOf(LabelMismatchError);
  });

  it("reports a clash with a variable label as DuplicateLabelNamesError", () => {
    const err = wrapRegistererWith({ a: "x" }, newRegistry()).register(newCounterVec({ name: "c", help: "h" }, ["a"]));
    expect(err?.cause).toBeInstanceOf(DuplicateLabelNamesError);
  });

  it("adds labels to vec children, sorted among theirs", async () => {
    const reg = newRegistry();
    const vec = newCounterVec({ name: "requests_total", help: "h" }, ["method", "code"]);
    vec.withLabelValues("GET", "200").add(2);
    wrapRegistererWith({ instance: "i1" }, wrapRegistererWithPrefix("app_", reg)).mustRegister(vec);
    expect(await text(reg)).toBe(
      '# HELP app_requests_total h\n# TYPE app_requests_total counter\napp_requests_total{code="200",instance="i1",method="GET"} 2\n',
    );
  });

  it("passes a pedantic registry: wrapped metrics match wrapped descriptors", async () => {
    const reg = newPedanticRegistry();
    const vec = newCounterVec({ name: "c", help: "h", constLabels: { z: "1" } }, ["a"]);
    vec.withLabelValues("x").inc();
    wrapRegistererWith({ b: "2" }, wrapRegistererWithPrefix("p_", reg)).mustRegister(vec);
    expect(await text(reg)).toBe('# HELP p_c h\n# TYPE p_c counter\np_c{a="x",b="2",z="1"} 1\n');
  });

  it("lets the same collector be registered twice under different labels", async () => {
    const reg = newRegistry();
    const g = newGauge({ name: "g", help: "h" });
    wrapRegistererWith({ shard: "1" }, reg).mustRegister(g);
    wrapRegistererWith({ shard: "2" }, reg).mustRegister(g);
    g.set(5);
    expect(await text(reg)).toBe('# HELP g h\n# TYPE g gauge\ng{shard="1"} 5\ng{shard="2"} 5\n');
  });

  it("returns AlreadyRegisteredError with the unwrapped existing collector", () => {
    const reg = newRegistry();
    const wrapped = wrapRegistererWith({ a: "1" }, wrapRegistererWithPrefix("p_", reg));
    const first = newGauge({ name: "g", help: "h" });
    const second = newGauge({ name: "g", help: "h" });
    wrapped.mustRegister(first);
    const err = wrapped.register(second);
    expect(err).toBeInstanceOf(AlreadyRegisteredError);
    expect((err as AlreadyRegisteredError).existingCollector).toBe(first);
    expect((err as AlreadyRegisteredError).newCollector).toBe(second);
    // The registry itself, asked directly, also names the unwrapped collector.
    const direct = reg.register({
      describe: (ch) => void ch.send(newDesc("p_g", "h", null, { a: "1" })),
      collect() {},
    });
    expect((direct as AlreadyRegisteredError).existingCollector).toBe(first);
  });

  it("mustRegister throws what register returns", () => {
    const wrapped = wrapRegistererWithPrefix("p_", newRegistry());
    const g = newGauge({ name: "g", help: "h" });
    wrapped.mustRegister(g);
    expect(thrown(() => wrapped.mustRegister(g))).toBeInstanceOf(AlreadyRegisteredError);
  });

  it("unregisters through the wrapper, not around it", async () => {
    const reg = newRegistry();
    const wrapped = wrapRegistererWith({ a: "1" }, reg);
    const g = newGauge({ name: "g", help: "h" });
    wrapped.mustRegister(g);
    expect(reg.unregister(g)).toBe(false);
    expect(wrapRegistererWith({ a: "2" }, reg).unregister(g)).toBe(false);
    expect(wrapped.unregister(g)).toBe(true);
    expect(await text(reg)).toBe("");
    expect(wrapped.register(g)).toBeUndefined();
  });

  it("wraps async collectors", async () => {
    const reg = newRegistry();
    const d = newDesc("slow", "h");
    wrapRegistererWithPrefix("p_", reg).mustRegister({
      describe: (ch) => void ch.send(d),
      async collect(ch) {
        await new Promise((resolve) => setTimeout(resolve, 1));
        ch.send(mustNewConstMetric(d, GaugeValue, 1));
      },
    });
    expect(await text(reg)).toBe("# HELP p_slow h\n# TYPE p_slow gauge\np_slow 1\n");
  });

  it("wraps the default registry when none is given", async () => {
    const g = newGauge({ name: "wrap_spec_default", help: "h" });
    const wrapped = wrapRegistererWith({ a: "1" });
    wrapped.mustRegister(g);
    try {
      const family = (await defaultRegistry.gather()).find((f) => f.name === "wrap_spec_default");
      expect(family?.metric[0]?.label).toEqual([{ name: "a", value: "1" }]);
    } finally {
      expect(wrapped.unregister(g)).toBe(true);
    }
    expect(wrapRegistererWithPrefix("p_").register(newGauge({ name: "bad-", help: "h" }))?.cause).toBeInstanceOf(
      InvalidNameError,
    );
  });
});
