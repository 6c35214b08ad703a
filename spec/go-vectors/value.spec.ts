/**
 * client_golang 1.14, prometheus/value_test.go: TestNewConstMetricInvalidLabelValues (3 cases).
 *
 * Go's loop calls MustNewConstMetric and NewConstMetric with the value "\xFF" in every case (its
 * `test.labels` go unused), so every case is the invalid-UTF-8 one; we run that, with a lone
 * surrogate for the byte (see desc.spec.ts), and also the case each name describes.
 */
import { describe, expect, it } from "vitest";

import {
  CounterValue,
  InconsistentCardinalityError,
  InvalidLabelValueError,
  mustNewConstMetric,
  newConstMetric,
  newDesc,
} from "../../lib/prometheus/index.js";

const testCases: { desc: string; values: string[]; error: new (...args: never[]) => Error; message: string }[] = [
  { desc: "non utf8 label value", values: ["\ud800"], error: InvalidLabelValueError, message: 'label value "\\ud800" is not valid UTF-8' },
  {
    desc: "not enough label values",
    values: [],
    error: InconsistentCardinalityError,
    message: "inconsistent label cardinality: expected 1 label values but got 0 in []string{}",
  },
  {
    desc: "too many label values",
    values: ["1", "2"],
    error: InconsistentCardinalityError,
    message: 'inconsistent label cardinality: expected 1 label values but got 2 in []string{"1", "2"}',
  },
];

describe("value_test.go TestNewConstMetricInvalidLabelValues", () => {
  it.each(testCases)("$desc", (test) => {
    const metricDesc = newDesc("sample_value", "sample value", ["a"], {});
    // As Go's loop: the invalid UTF-8 value, whatever the case.
    expect(() => mustNewConstMetric(metricDesc, CounterValue, 0.3, "\ud800")).toThrow(InvalidLabelValueError);
    expect(newConstMetric(metricDesc, CounterValue, 0.3, "\ud800")[1]).toBeInstanceOf(InvalidLabelValueError);
    // The case its name describes.
    expect(() => mustNewConstMetric(metricDesc, CounterValue, 0.3, ...test.values)).toThrow(test.error);
    const [metric, err] = newConstMetric(metricDesc, CounterValue, 0.3, ...test.values);
    expect(metric).toBeUndefined();
    expect(err).toBeInstanceOf(test.error);
    expect(err?.message).toBe(test.message);
  });
});
