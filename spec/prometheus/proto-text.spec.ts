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
    // The next ones are what client_golang 1.14 wrote in gather errors for the same metrics
    // (found by the differential fuzzer, spec/conformance/fuzz.spec.ts).
    [
      "a histogram with a timestamp: histogram first, as metrics.proto declares it",
      { label: [], histogram: { sampleCount: 2, sampleSum: 1, bucket: [{ cumulativeCount: 1, upperBound: 1 }] }, timestampMs: 7 },
      "histogram:<sample_count:2 sample_sum:1 bucket:<cumulative_count:1 upper_bound:1 > > timestamp_ms:7 ",
    ],
    [
      "a counter's exemplar, before the epoch",
      { label: [], counter: { value: 2, exemplar: { label: [], value: 1, timestampMs: -1 } }, timestampMs: 5 },
      "counter:<value:2 exemplar:<value:1 timestamp:<seconds:-1 nanos:999000000 > > > timestamp_ms:5 ",
    ],
    [
      "an exemplar at the epoch: an empty timestamp",
      { label: [], counter: { value: 1, exemplar: { label: [{ name: "t", value: "a" }], value: 1, timestampMs: 0 } } },
      'counter:<value:1 exemplar:<label:<name:"t" value:"a" > value:1 timestamp:<> > > ',
    ],
    [
      "a bucket's exemplar",
      {
        label: [],
        histogram: {
          sampleCount: 2,
          sampleSum: 1,
          bucket: [{ cumulativeCount: 1, upperBound: 1, exemplar: { label: [{ name: "x", value: "y" }], value: 0.5, timestampMs: 1500 } }],
        },
        timestampMs: 7,
      },
      'histogram:<sample_count:2 sample_sum:1 bucket:<cumulative_count:1 upper_bound:1 exemplar:<label:<name:"x" value:"y" > value:0.5 timestamp:<seconds:1 nanos:500000000 > > > > timestamp_ms:7 ',
    ],
  ];

  it.each(cases)("%s", (_name, m, text) => {
    expect(metricToProtoText(m)).toBe(text);
  });
});
