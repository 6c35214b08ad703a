/**
 * prometheus/common 0.39, expfmt/openmetrics_create_test.go: TestCreateOpenMetrics (9 scenarios)
 * and TestOpenMetricsCreateError (2 scenarios), run against metricFamilyToOpenMetrics.
 *
 * As in text_create.spec.ts, the UTF-8 length of the text stands for Go's returned byte count, and
 * errors are checked by their start, as Go's test does.
 */
import { describe, expect, it } from "vitest";

import { EncodeError, metricFamilyToOpenMetrics } from "../../lib/expfmt/index.js";
import type { Bucket, MetricFamily } from "../../lib/model/index.js";

const lp = (name: string, value: string) => ({ name, value });

/** The histogram of scenarios 4 to 6, its buckets given by each scenario. */
const latency = (bucket: Bucket[]): MetricFamily => ({
  name: "request_duration_microseconds",
  help: "The response latency.",
  type: "histogram",
  metric: [{ label: [], histogram: { sampleCount: 2693, sampleSum: 1756047.3, bucket } }],
});
const b = (upperBound: number, cumulativeCount: number): Bucket => ({ upperBound, cumulativeCount });
const fourBuckets = [b(100, 123), b(120, 412), b(144, 592), b(172.8, 1524)];

const latencyText = (exemplars = ["", ""]) => `# HELP request_duration_microseconds The response latency.
# TYPE request_duration_microseconds histogram
request_duration_microseconds_bucket{le="100.0"} 123
request_duration_microseconds_bucket{le="120.0"} 412${exemplars[0]}
request_duration_microseconds_bucket{le="144.0"} 592${exemplars[1]}
request_duration_microseconds_bucket{le="172.8"} 1524
request_duration_microseconds_bucket{le="+Inf"} 2693
request_duration_microseconds_sum 1.7560473e+06
request_duration_microseconds_count 2693
`;

const scenarios: { name: string; in: MetricFamily; out: string }[] = [
  {
    name: "0: counter, timestamp given, no _total suffix",
    in: {
      name: "name",
      help: "two-line\n doc  str\\ing",
      type: "counter",
      metric: [
        { label: [lp("labelname", "val1"), lp("basename", "basevalue")], counter: { value: 42 } },
        { label: [lp("labelname", "val2"), lp("basename", "basevalue")], counter: { value: 0.23 }, timestampMs: 1234567890 },
      ],
    },
    out: String.raw`# HELP name two-line\n doc  str\\ing
# TYPE name unknown
name{labelname="val1",basename="basevalue"} 42.0
name{labelname="val2",basename="basevalue"} 0.23 1.23456789e+06
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
    out: String.raw`# HELP gauge_name gauge\ndoc\nstr\"ing
# TYPE gauge_name gauge
gauge_name{name_1="val with\nnew line",name_2="val with \\backslash and \"quotes\""} +Inf
gauge_name{name_1="Björn",name_2="佖佥"} 3.14e+42
`,
  },
  {
    name: "2: unknown, no help, one sample with no labels and -Inf as value, another sample with one label",
    in: {
      name: "unknown_name",
      type: "untyped",
      metric: [
        { label: [], untyped: { value: -Infinity } },
        { label: [lp("name_1", "value 1")], untyped: { value: -1.23e-45 } },
      ],
    },
    out: `# TYPE unknown_name unknown
unknown_name -Inf
unknown_name{name_1="value 1"} -1.23e-45
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
summary_name{quantile="0.99"} 0.0
summary_name_sum -3.4567
summary_name_count 42
summary_name{name_1="value 1",name_2="value 2",quantile="0.5"} 1.0
summary_name{name_1="value 1",name_2="value 2",quantile="0.9"} 2.0
summary_name{name_1="value 1",name_2="value 2",quantile="0.99"} 3.0
summary_name_sum{name_1="value 1",name_2="value 2"} 2010.1971
summary_name_count{name_1="value 1",name_2="value 2"} 4711
`,
  },
  { name: "4: histogram", in: latency([...fourBuckets, b(Infinity, 2693)]), out: latencyText() },
  { name: "5: histogram with missing +Inf bucket", in: latency(fourBuckets), out: latencyText() },
  {
    name: "6: histogram with missing +Inf bucket but with different exemplars",
    in: latency([
      b(100, 123),
      { ...b(120, 412), exemplar: { label: [lp("foo", "bar")], value: 119.9, timestampMs: 12345600 } },
      { ...b(144, 592), exemplar: { label: [lp("foo", "baz"), lp("dings", "bums")], value: 140.14 } },
      b(172.8, 1524),
    ]),
    out: latencyText([' # {foo="bar"} 119.9 12345.6', ' # {foo="baz",dings="bums"} 140.14']),
  },
  {
    name: "7: simple counter",
    in: { name: "foos_total", help: "Number of foos.", type: "counter", metric: [{ label: [], counter: { value: 42 } }] },
    out: `# HELP foos Number of foos.
# TYPE foos counter
foos_total 42.0
`,
  },
  {
    name: "8: no metric",
    in: { name: "name_total", help: "doc string", type: "counter", metric: [] },
    out: `# HELP name doc string
# TYPE name counter
`,
  },
];

describe("openmetrics_create_test.go TestCreateOpenMetrics", () => {
  it.each(scenarios)("$name", (scenario) => {
    const out = metricFamilyToOpenMetrics(scenario.in);
    expect(out).toBe(scenario.out);
    expect(Buffer.byteLength(out)).toBe(Buffer.byteLength(scenario.out));
  });
});

const errorScenarios: { name: string; in: MetricFamily; err: string }[] = [
  {
    name: "0: no metric name",
    in: { name: "", help: "doc string", type: "untyped", metric: [{ label: [], untyped: { value: -Infinity } }] },
    err: "MetricFamily has no name",
  },
  {
    name: "1: wrong type",
    in: { name: "name", help: "doc string", type: "counter", metric: [{ label: [], untyped: { value: -Infinity } }] },
    err: "expected counter in metric",
  },
];

describe("openmetrics_create_test.go TestOpenMetricsCreateError", () => {
  it.each(errorScenarios)("$name", (scenario) => {
    let err: unknown;
    try {
      metricFamilyToOpenMetrics(scenario.in);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(EncodeError);
    expect((err as Error).message.startsWith(scenario.err), (err as Error).message).toBe(true);
  });
});
