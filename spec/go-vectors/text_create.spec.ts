/**
 * prometheus/common 0.39, expfmt/text_create_test.go: TestCreate (7 scenarios) and
 * TestCreateError (3 scenarios), run against metricFamilyToText and the byte encoder.
 *
 * Go's TestCreate also checks the byte count MetricFamilyToText returns; our encoder returns the
 * text, whose UTF-8 length is checked instead. Go's TestCreateError checks the start of the
 * message; Go's full message then prints the family or metric in the protobuf text form, which we
 * do not (docs/conformance.md, "Deliberate differences").
 */
import { describe, expect, it } from "vitest";

import { EncodeError, metricFamilyToText, TextByteEncoder } from "../../lib/expfmt/index.js";
import type { MetricFamily } from "../../lib/model/index.js";

const lp = (name: string, value: string) => ({ name, value });

/** The histogram of scenarios 4 and 5; scenario 4 has the +Inf bucket explicitly. */
const latency = (withInf: boolean): MetricFamily => ({
  name: "request_duration_microseconds",
  help: "The response latency.",
  type: "histogram",
  metric: [
    {
      label: [],
      histogram: {
        sampleCount: 2693,
        sampleSum: 1756047.3,
        bucket: [
          { upperBound: 100, cumulativeCount: 123 },
          { upperBound: 120, cumulativeCount: 412 },
          { upperBound: 144, cumulativeCount: 592 },
          { upperBound: 172.8, cumulativeCount: 1524 },
          ...(withInf ? [{ upperBound: Infinity, cumulativeCount: 2693 }] : []),
        ],
      },
    },
  ],
});

const latencyText = `# HELP request_duration_microseconds The response latency.
# TYPE request_duration_microseconds histogram
request_duration_microseconds_bucket{le="100"} 123
request_duration_microseconds_bucket{le="120"} 412
request_duration_microseconds_bucket{le="144"} 592
request_duration_microseconds_bucket{le="172.8"} 1524
request_duration_microseconds_bucket{le="+Inf"} 2693
request_duration_microseconds_sum 1.7560473e+06
request_duration_microseconds_count 2693
`;

const scenarios: { name: string; in: MetricFamily; out: string }[] = [
  {
    name: "0: counter, NaN as value, timestamp given",
    in: {
      name: "name",
      help: "two-line\n doc  str\\ing",
      type: "counter",
      metric: [
        { label: [lp("labelname", "val1"), lp("basename", "basevalue")], counter: { value: NaN } },
        { label: [lp("labelname", "val2"), lp("basename", "basevalue")], counter: { value: 0.23 }, timestampMs: 1234567890 },
      ],
    },
    out: String.raw`# HELP name two-line\n doc  str\\ing
# TYPE name counter
name{labelname="val1",basename="basevalue"} NaN
name{labelname="val2",basename="basevalue"} 0.23 1234567890
`,
  },
  {
    name: "1: gauge, some escaping required, +Inf as value, multi-byte characters in label values",
    in: {
      name: "gauge_name",
      help: 'gauge\ndoc\nstr"ing',
      type: "gauge",
      metric: [
        { label: [lp("name_1", "val with\nnew line"), lp("name_2", 'val with \\backslash and "quotes"')], gauge: { value: Infinity } },
        { label: [lp("name_1", "Björn"), lp("name_2", "佖佥")], gauge: { value: 3.14e42 } },
      ],
    },
    out: String.raw`# HELP gauge_name gauge\ndoc\nstr"ing
# TYPE gauge_name gauge
gauge_name{name_1="val with\nnew line",name_2="val with \\backslash and \"quotes\""} +Inf
gauge_name{name_1="Björn",name_2="佖佥"} 3.14e+42
`,
  },
  {
    name: "2: untyped, no help, one sample with no labels and -Inf as value, another sample with one label",
    in: {
      name: "untyped_name",
      type: "untyped",
      metric: [
        { label: [], untyped: { value: -Infinity } },
        { label: [lp("name_1", "value 1")], untyped: { value: -1.23e-45 } },
      ],
    },
    out: `# TYPE untyped_name untyped
untyped_name -Inf
untyped_name{name_1="value 1"} -1.23e-45
`,
  },
  {
    name: "3: summary",
    in: {
      name: "summary_name",
      help: "summary docstring",
      type: "summary",
      metric: [
        {
          label: [],
          summary: {
            sampleCount: 42,
            sampleSum: -3.4567,
            quantile: [
              { quantile: 0.5, value: -1.23 },
              { quantile: 0.9, value: 0.2342354 },
              { quantile: 0.99, value: 0 },
            ],
          },
        },
        {
          label: [lp("name_1", "value 1"), lp("name_2", "value 2")],
          summary: {
            sampleCount: 4711,
            sampleSum: 2010.1971,
            quantile: [
              { quantile: 0.5, value: 1 },
              { quantile: 0.9, value: 2 },
              { quantile: 0.99, value: 3 },
            ],
          },
        },
      ],
    },
    out: `# HELP summary_name summary docstring
# TYPE summary_name summary
summary_name{quantile="0.5"} -1.23
summary_name{quantile="0.9"} 0.2342354
summary_name{quantile="0.99"} 0
summary_name_sum -3.4567
summary_name_count 42
summary_name{name_1="value 1",name_2="value 2",quantile="0.5"} 1
summary_name{name_1="value 1",name_2="value 2",quantile="0.9"} 2
summary_name{name_1="value 1",name_2="value 2",quantile="0.99"} 3
summary_name_sum{name_1="value 1",name_2="value 2"} 2010.1971
summary_name_count{name_1="value 1",name_2="value 2"} 4711
`,
  },
  { name: "4: histogram", in: latency(true), out: latencyText },
  { name: "5: histogram with missing +Inf bucket", in: latency(false), out: latencyText },
  {
    name: "6: no metric type, should result in default type counter",
    // A family object without `type`, as Go's MetricFamily with a nil Type.
    in: { name: "name", help: "doc string", metric: [{ label: [], counter: { value: -Infinity } }] } as unknown as MetricFamily,
    out: `# HELP name doc string
# TYPE name counter
name -Inf
`,
  },
];

/** encodeBytes runs a family through the byte encoder the HTTP handler uses. */
function encodeBytes(family: MetricFamily): string {
  const encoder = new TextByteEncoder();
  const chunks = [...encoder.family(family, true), ...encoder.end()];
  encoder.close();
  return Buffer.concat(chunks).toString("utf8");
}

describe("text_create_test.go TestCreate", () => {
  it.each(scenarios)("$name", (scenario) => {
    const out = metricFamilyToText(scenario.in);
    expect(out).toBe(scenario.out);
    expect(Buffer.byteLength(out)).toBe(Buffer.byteLength(scenario.out));
    expect(encodeBytes(scenario.in)).toBe(scenario.out);
  });
});

const errorScenarios: { name: string; in: MetricFamily; err: string }[] = [
  {
    name: "0: no metric",
    in: { name: "name", help: "doc string", type: "counter", metric: [] },
    err: "MetricFamily has no metrics",
  },
  {
    name: "1: no metric name",
    in: { name: "", help: "doc string", type: "untyped", metric: [{ label: [], untyped: { value: -Infinity } }] },
    err: "MetricFamily has no name",
  },
  {
    name: "2: wrong type",
    in: { name: "name", help: "doc string", type: "counter", metric: [{ label: [], untyped: { value: -Infinity } }] },
    err: "expected counter in metric",
  },
];

describe("text_create_test.go TestCreateError", () => {
  it.each(errorScenarios)("$name", (scenario) => {
    for (const encode of [metricFamilyToText, encodeBytes]) {
      let err: unknown;
      try {
        encode(scenario.in);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(EncodeError);
      expect((err as Error).message.startsWith(scenario.err), (err as Error).message).toBe(true);
    }
  });
});
