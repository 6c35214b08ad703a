/**
 * client_golang 1.14, prometheus/summary_test.go: TestSummaryWithDefaultObjectives,
 * TestSummaryWithoutObjectives, TestSummaryWithQuantileLabel, TestSummaryVecWithQuantileLabel.
 * Go panics where we throw; the message is Go's `errQuantileLabelNotAllowed`.
 *
 * Skipped: TestSummaryConcurrency and TestSummaryVecConcurrency (goroutines racing Observe and
 * Write: Go-only); TestSummaryDecay is skipped in Go itself ("Skipping flaky test."). Summary
 * windows and decay are covered by spec/prometheus/summary-window.spec.ts.
 */
import { describe, expect, it } from "vitest";

import { InvalidOptionsError, newRegistry, newSummary, newSummaryVec } from "../../lib/prometheus/index.js";

describe("summary_test.go", () => {
  it("TestSummaryWithDefaultObjectives: no objectives by default", () => {
    const reg = newRegistry();
    const summaryWithDefaultObjectives = newSummary({ name: "default_objectives", help: "Test help." });
    expect(reg.register(summaryWithDefaultObjectives)).toBeUndefined();
    expect(summaryWithDefaultObjectives.write().summary?.quantile).toEqual([]);
  });

  it("TestSummaryWithoutObjectives: count and sum with empty objectives", () => {
    const reg = newRegistry();
    const summaryWithEmptyObjectives = newSummary({ name: "empty_objectives", help: "Test help.", objectives: new Map() });
    expect(reg.register(summaryWithEmptyObjectives)).toBeUndefined();
    summaryWithEmptyObjectives.observe(3);
    summaryWithEmptyObjectives.observe(0.14);
    const m = summaryWithEmptyObjectives.write();
    expect(m.summary?.sampleSum).toBe(3.14);
    expect(m.summary?.sampleCount).toBe(2);
    expect(m.summary?.quantile).toEqual([]);
  });

  const quantileNotAllowed = '"quantile" is not allowed as label name in summaries';

  it("TestSummaryWithQuantileLabel: a const label named quantile throws", () => {
    expect(() => newSummary({ name: "test_summary", help: "less", constLabels: { quantile: "test" } })).toThrow(InvalidOptionsError);
    expect(() => newSummary({ name: "test_summary", help: "less", constLabels: { quantile: "test" } })).toThrow(quantileNotAllowed);
  });

  it("TestSummaryVecWithQuantileLabel: a variable label named quantile throws", () => {
    expect(() => newSummaryVec({ name: "test_summary", help: "less" }, ["quantile"])).toThrow(InvalidOptionsError);
    expect(() => newSummaryVec({ name: "test_summary", help: "less" }, ["quantile"])).toThrow(quantileNotAllowed);
  });
});
