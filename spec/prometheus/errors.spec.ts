/**
 * The error classes: their tree, names and the context they carry; and the message of several
 * errors together, as client_golang's MultiError prints it.
 */
import { describe, expect, it } from "vitest";
import type { Collector } from "../../lib/prometheus/collector.js";
import {
  AlreadyRegisteredError,
  ChannelClosedError,
  CollectorError,
  ConsistencyError,
  DescConflictError,
  DuplicateLabelNamesError,
  GatherAbortedError,
  GatherError,
  InconsistentCardinalityError,
  InvalidCollectorError,
  InvalidDescError,
  InvalidLabelValueError,
  InvalidNameError,
  InvalidOptionsError,
  InvalidValueError,
  LabelMismatchError,
  multiErrorMessage,
  PrometheusError,
} from "../../lib/prometheus/errors.js";
import * as prom from "../../lib/prometheus/index.js";

const collector: Collector = { describe() {}, collect() {} };

describe("error classes", () => {
  const instances: [name: string, err: PrometheusError][] = [
    ["InvalidNameError", new InvalidNameError('"1x" is not a valid metric name', "1x", "metric")],
    ["DuplicateLabelNamesError", new DuplicateLabelNamesError("duplicate label names")],
    ["InconsistentCardinalityError", new InconsistentCardinalityError("m", 2, 1)],
    ["InvalidLabelValueError", new InvalidLabelValueError("m")],
    ["LabelMismatchError", new LabelMismatchError("m")],
    ["InvalidValueError", new InvalidValueError("m")],
    ["InvalidOptionsError", new InvalidOptionsError("m")],
    ["InvalidDescError", new InvalidDescError("m")],
    ["DescConflictError", new DescConflictError("m")],
    ["AlreadyRegisteredError", new AlreadyRegisteredError(collector, collector)],
    ["InvalidCollectorError", new InvalidCollectorError("m")],
    ["CollectorError", new CollectorError("m", collector, new Error("cause"))],
    ["ConsistencyError", new ConsistencyError("m", "x")],
    ["GatherAbortedError", new GatherAbortedError("m")],
    ["ChannelClosedError", new ChannelClosedError()],
  ];

  it.each(instances)("%s is a PrometheusError and an Error, named after its class", (name, err) => {
    expect(err).toBeInstanceOf(PrometheusError);
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe(name);
    expect(err.constructor.name).toBe(name);
    expect(String(err)).toMatch(new RegExp(`^${name}: `));
  });

  it.each(instances)("%s is exported by the package", (name) => {
    expect((prom as Record<string, unknown>)[name]).toBeTypeOf("function");
  });

  it("carries the context a caller needs", () => {
    const name = new InvalidNameError("m", "1x", "label");
    expect([name.invalidName, name.kind]).toEqual(["1x", "label"]);
    const card = new InconsistentCardinalityError("m", 3, 1);
    expect([card.expected, card.got]).toEqual([3, 1]);
    const other: Collector = { describe() {}, collect() {} };
    const already = new AlreadyRegisteredError(collector, other);
    expect(already.existingCollector).toBe(collector);
    expect(already.newCollector).toBe(other);
    expect(already.message).toBe("duplicate metrics collector registration attempted");
    const cause = new Error("boom");
    const collectorError = new CollectorError("m", collector, cause);
    expect(collectorError.collector).toBe(collector);
    expect(collectorError.cause).toBe(cause);
    expect(new ConsistencyError("m", "fam").metricName).toBe("fam");
    expect(new ChannelClosedError().message).toBe("send on closed channel");
  });

  it("wraps with a cause", () => {
    const cause = new InvalidNameError("m", "x", "metric");
    expect(new InvalidDescError("outer", { cause }).cause).toBe(cause);
  });
});

describe("GatherError", () => {
  it("is an AggregateError with the errors and the families gathered beside them", () => {
    const errors = [new ConsistencyError("first", "a"), new CollectorError("second", collector, undefined)];
    const families = [{ name: "ok", help: "h", type: "gauge" as const, metric: [] }];
    const err = new GatherError(errors, families);
    expect(err).toBeInstanceOf(AggregateError);
    expect(err).not.toBeInstanceOf(PrometheusError);
    expect(err.name).toBe("GatherError");
    expect(err.errors).toEqual(errors);
    expect(err.families).toBe(families);
    expect(err.message).toBe("2 error(s) occurred:\n* first\n* second");
  });

  it("has the message of its only error", () => {
    expect(new GatherError([new GatherAbortedError("gather aborted")], []).message).toBe("gather aborted");
  });
});

describe("multiErrorMessage", () => {
  it.each([
    [["only"], "only"],
    [["a", "b"], "2 error(s) occurred:\n* a\n* b"],
    [["x", "y", "z"], "3 error(s) occurred:\n* x\n* y\n* z"],
  ])("%j → %j", (messages, text) => {
    expect(multiErrorMessage(messages.map((m) => new Error(m)))).toBe(text);
  });
});

describe("LabelError context", () => {
  it("carries the vec's metric in fqName and variableLabels; metricContextOf finds it through causes", async () => {
    const prom = await import("../../lib/prometheus/index.js");
    const vec = prom.newCounterVec({ name: "card", help: "h" }, ["a", "b"]);
    const [, err] = vec.getMetricWithLabelValues("x");
    expect(err).toBeInstanceOf(prom.LabelError);
    expect(err).toMatchObject({ fqName: "card", variableLabels: ["a", "b"] });
    expect(err?.message).not.toContain('"card"');
    const wrapped = new prom.CollectorError("collect failed", vec, err);
    expect(prom.metricContextOf(wrapped)).toEqual({ fqName: "card", variableLabels: ["a", "b"] });
    expect(prom.metricContextOf(new Error("other"))).toBeUndefined();
    const [, constErr] = prom.newConstMetric(prom.newDesc("c", "h", ["a"], null), prom.GaugeValue, 1);
    expect(constErr).toMatchObject({ fqName: undefined, variableLabels: undefined });
    expect(prom.metricContextOf(constErr)).toBeUndefined();
  });
});
