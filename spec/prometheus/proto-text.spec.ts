/**
 * The compact protobuf text of a metric, as Go's `(*dto.Metric).String()` writes it inside gather
 * error messages (compare client_golang's counter_test.go and the golden .err files).
 */
import { describe, expect, it } from "vitest";
import type * as dto from "../../lib/model/index.js";
import { metricToProtoText } from "../../lib/prometheus/proto-text.js";

describe("metricToProtoText", () => {
  const cases: [name: string, m: dto.Metric, text: string][] = [
    [
      "a counter with labels",
      {
        label: [
          { name: "a", value: "1" },
          { name: "b", value: "2" },
        ],
        counter: { value: 67.42 },
      },
      'label:<name:"a" value:"1" > label:<name:"b" value:"2" > counter:<value:67.42 > ',
    ],
    ["a gauge", { label: [], gauge: { value: 2 } }, "gauge:<value:2 > "],
    ["an untyped value with a timestamp", { label: [], untyped: { value: -1 }, timestampMs: 5 }, "untyped:<value:-1 > timestamp_ms:5 "],
    [
      "special floats",
      { label: [], gauge: { value: NaN } },
      "gauge:<value:nan > ",
    ],
    ["+Inf", { label: [], gauge: { value: Infinity } }, "gauge:<value:inf > "],
    ["-0", { label: [], gauge: { value: -0 } }, "gauge:<value:-0 > "],
    [
      "a summary",
      { label: [], summary: { sampleCount: 3, sampleSum: 1.5, quantile: [{ quantile: 0.5, value: 1 }] } },
      "summary:<sample_count:3 sample_sum:1.5 quantile:<quantile:0.5 value:1 > > ",
    ],
    [
      "a histogram",
      { label: [], histogram: { sampleCount: 1, sampleSum: 2, bucket: [{ cumulativeCount: 1, upperBound: 2.5 }] } },
      "histogram:<sample_count:1 sample_sum:2 bucket:<cumulative_count:1 upper_bound:2.5 > > ",
    ],
    [
      "escapes in label values: C escapes, other bytes in octal",
      { label: [{ name: "v", value: 'q"\\\n\t\ré' }], gauge: { value: 1 } },
      'label:<name:"v" value:"q\\"\\\\\\n\\t\\r\\303\\251" > gauge:<value:1 > ',
    ],
    ["nothing at all", { label: [] }, ""],
  ];

  it.each(cases)("%s", (_name, m, text) => {
    expect(metricToProtoText(m)).toBe(text);
  });
});
