/**
 * Byte-for-byte conformance with client_golang: every golden case of spec/conformance/golden
 * is rebuilt with our API, gathered, encoded and compared with the bytes Go wrote; every encoding
 * round-trips through our parser to equal values.
 */
import { describe, expect, it } from "vitest";
import { metricFamiliesToText, parseText } from "../../lib/expfmt/index.js";
import type { MetricFamily } from "../../lib/model/index.js";
import * as prom from "../../lib/prometheus/index.js";
import { gatherErrorCases, okCases } from "./cases.js";
import { golden, goldenFiles, hasGolden } from "../support/golden.js";

/**
 * normalize maps -0 to 0 (the text format has no negative zero), drops created timestamps (the
 * text format does not carry them) and drops frozenness.
 */
function normalize(families: MetricFamily[]): unknown {
  return JSON.parse(
    JSON.stringify(families, (k, v: unknown) => {
      if (k === "createdTimestampMs") return undefined;
      if (typeof v !== "number") return v;
      if (Number.isNaN(v)) return "NaN";
      if (v === Infinity) return "+Inf";
      if (v === -Infinity) return "-Inf";
      return Object.is(v, -0) ? 0 : v;
    }),
  );
}

describe.runIf(hasGolden())("golden cases from client_golang", () => {
  it("has a builder for every golden .txt case", () => {
    const cases = goldenFiles(".txt")
      .filter((f) => !f.endsWith(".partial.txt"))
      .map((f) => f.replace(/\.txt$/, ""));
    expect(cases.filter((c) => !(c in okCases))).toEqual([]);
  });

  for (const [name, build] of Object.entries(okCases)) {
    it(`${name}: same bytes as client_golang`, async () => {
      const families = await build().gather();
      expect(metricFamiliesToText(families)).toBe(golden(`${name}.txt`));
    });

    it(`${name}: round-trips through the parser`, async () => {
      const families = await build().gather();
      const parsed = parseText(metricFamiliesToText(families));
      // An empty HELP is indistinguishable from a missing one once written.
      for (const f of families) if (f.help === "") delete f.help;
      expect(normalize(parsed)).toEqual(normalize(families));
    });
  }

  for (const [name, build] of Object.entries(gatherErrorCases)) {
    it(`${name}: same error and same partial families`, async () => {
      const err = await build()
        .gather()
        .then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(prom.GatherError);
      const gatherError = err as prom.GatherError;
      expect(gatherError.message).toBe(golden(`${name}.err`));
      expect(gatherError.errors[0]).toBeInstanceOf(prom.ConsistencyError);
      expect(metricFamiliesToText(gatherError.families)).toBe(golden(`${name}.partial.txt`));
    });
  }

  it("err_duplicate_registration: AlreadyRegisteredError carrying the existing collector", async () => {
    const reg = prom.newRegistry();
    const dup = prom.newGauge({ name: "dup", help: "dup" });
    expect(reg.register(dup)).toBeUndefined();
    const err = reg.register(dup);
    expect(err).toBeInstanceOf(prom.AlreadyRegisteredError);
    expect(err?.message).toBe(golden("err_duplicate_registration.err"));
    expect((err as prom.AlreadyRegisteredError).existingCollector).toBe(dup);
    expect(metricFamiliesToText(await reg.gather())).toBe(golden("err_duplicate_registration.partial.txt"));
  });

  it("err_label_cardinality_withlabelvalues: Go's message; the metric and its labels in properties", () => {
    const vec = prom.newGaugeVec({ name: "card", help: "h" }, ["a", "b"]);
    const goMessage = golden("err_label_cardinality_withlabelvalues.err").replace(/^PANIC: /, "");
    const [, err] = vec.getMetricWithLabelValues("only_one");
    expect(err).toBeInstanceOf(prom.InconsistentCardinalityError);
    expect(err?.message).toBe(goMessage);
    expect(err).toMatchObject({ fqName: "card", variableLabels: ["a", "b"] });
  });

  it("err_invalid_metric_name_register: InvalidDescError at registration", () => {
    const desc = prom.newDesc("1bad", "bad name", null, null);
    const err = prom.newRegistry().register({ describe: (ch) => void ch.send(desc), collect() {} });
    expect(err).toBeInstanceOf(prom.InvalidDescError);
    expect(err?.cause).toBeInstanceOf(prom.InvalidNameError);
    expect(err?.message).toBe(golden("err_invalid_metric_name_register.err"));
  });

  it("err_invalid_label_name: InvalidDescError at registration", () => {
    const err = prom.newRegistry().register(prom.newGaugeVec({ name: "ok_name", help: "h" }, ["1bad"]));
    expect(err).toBeInstanceOf(prom.InvalidDescError);
    expect(err?.message).toBe(golden("err_invalid_label_name.err"));
  });

  it("err_counter_decrease: InvalidValueError with Go's message", () => {
    const c = prom.newCounter({ name: "c_total", help: "h" });
    expect(() => c.add(-1)).toThrow(prom.InvalidValueError);
    expect(() => c.add(-1)).toThrow(golden("err_counter_decrease.err").replace(/^PANIC: /, ""));
  });

  it("err_const_metric_cardinality: returned, not thrown", () => {
    const desc = prom.newDesc("cm", "h", ["a", "b"], null);
    const [metric, err] = prom.newConstMetric(desc, prom.GaugeValue, 1, "x");
    expect(metric).toBeUndefined();
    expect(err).toBeInstanceOf(prom.InconsistentCardinalityError);
    expect(err?.message).toBe(golden("err_const_metric_cardinality.err"));
  });

  it("err_label_value_invalid_utf8: a lone surrogate is rejected like Go's invalid byte", () => {
    const vec = prom.newGaugeVec({ name: "utf8", help: "h" }, ["v"]);
    expect(golden("err_label_value_invalid_utf8.err")).toBe('PANIC: label value "\\xff" is not valid UTF-8');
    expect(() => vec.withLabelValues("\ud800")).toThrow(prom.InvalidLabelValueError);
    const [, err] = vec.getMetricWithLabelValues("\ud800");
    expect(err?.message).toBe('label value "\\ud800" is not valid UTF-8');
    expect(err).toMatchObject({ fqName: "utf8", variableLabels: ["v"] });
  });
});
