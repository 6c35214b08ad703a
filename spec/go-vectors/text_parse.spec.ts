/**
 * prometheus/common 0.39, expfmt/text_parse_test.go: TestTextParse (5 scenarios) and
 * TestTextParseError (35 scenarios, two of them numbered 14 in Go), run against parseText.
 *
 * Differences asserted here, each in docs/conformance.md ("Deliberate differences"):
 * - Go's parser returns a map; we return the families in the order of the text. The families are
 *   compared by name, as Go's test compares map entries.
 * - A metric without labels has `label: []` (Go: nil); a summary or histogram without a count or
 *   sum has 0 there (proto2's default, which Go's getters return too); a family without `# HELP`
 *   has no `help`, as in Go.
 * - A last `+Inf` bucket equal to `_count` is left implicit (scenario 4).
 * Go's error test checks that the message starts with the expected text; so do we.
 */
import { describe, expect, it } from "vitest";

import { parseText, TextParseError } from "../../lib/expfmt/index.js";
import type { MetricFamily } from "../../lib/model/index.js";
import { goBytes } from "./support.js";

const lp = (name: string, value: string) => ({ name, value });

const parseScenarios: { name: string; in: string; out: MetricFamily[] }[] = [
  { name: "0: empty lines as input", in: "\n\n", out: [] },
  {
    name: "1: minimal case",
    in: `
minimal_metric 1.234
another_metric -3e3 103948
# Even that:
no_labels{} 3
# HELP line for non-existing metric will be ignored.
`,
    out: [
      { name: "minimal_metric", type: "untyped", metric: [{ label: [], untyped: { value: 1.234 } }] },
      { name: "another_metric", type: "untyped", metric: [{ label: [], untyped: { value: -3e3 }, timestampMs: 103948 }] },
      { name: "no_labels", type: "untyped", metric: [{ label: [], untyped: { value: 3 } }] },
    ],
  },
  {
    name: "2: counters & gauges, docstrings, various whitespace, escape sequences",
    in: String.raw`
# A normal comment.
#
# TYPE name counter
name{labelname="val1",basename="basevalue"} NaN
name {labelname="val2",basename="base\"v\\al\nue"} 0.23 1234567890
# HELP name two-line\n doc  str\\ing

 # HELP  name2  	doc str"ing 2
  #    TYPE    name2 gauge
name2{labelname="val2"	,basename   =   "basevalue2"		} +Inf 54321
name2{ labelname = "val1" , }-Inf
`,
    out: [
      {
        name: "name",
        help: "two-line\n doc  str\\ing",
        type: "counter",
        metric: [
          { label: [lp("labelname", "val1"), lp("basename", "basevalue")], counter: { value: NaN } },
          {
            label: [lp("labelname", "val2"), lp("basename", 'base"v\\al\nue')],
            counter: { value: 0.23 },
            timestampMs: 1234567890,
          },
        ],
      },
      {
        name: "name2",
        help: 'doc str"ing 2',
        type: "gauge",
        metric: [
          { label: [lp("labelname", "val2"), lp("basename", "basevalue2")], gauge: { value: Infinity }, timestampMs: 54321 },
          { label: [lp("labelname", "val1")], gauge: { value: -Infinity } },
        ],
      },
    ],
  },
  {
    name: "3: the evil summary, mixed with other types and funny comments",
    in: `
# TYPE my_summary summary
my_summary{n1="val1",quantile="0.5"} 110
decoy -1 -2
my_summary{n1="val1",quantile="0.9"} 140 1
my_summary_count{n1="val1"} 42
# Latest timestamp wins in case of a summary.
my_summary_sum{n1="val1"} 4711 2
fake_sum{n1="val1"} 2001
# TYPE another_summary summary
another_summary_count{n2="val2",n1="val1"} 20
my_summary_count{n2="val2",n1="val1"} 5 5
another_summary{n1="val1",n2="val2",quantile=".3"} -1.2
my_summary_sum{n1="val2"} 08 15
my_summary{n1="val3", quantile="0.2"} 4711
  my_summary{n1="val1",n2="val2",quantile="-12.34",} NaN
# some
# funny comments
# HELP 
# HELP
# HELP my_summary
# HELP my_summary 
`,
    out: [
      { name: "fake_sum", type: "untyped", metric: [{ label: [lp("n1", "val1")], untyped: { value: 2001 } }] },
      { name: "decoy", type: "untyped", metric: [{ label: [], untyped: { value: -1 }, timestampMs: -2 }] },
      {
        name: "my_summary",
        type: "summary",
        metric: [
          {
            label: [lp("n1", "val1")],
            summary: { sampleCount: 42, sampleSum: 4711, quantile: [{ quantile: 0.5, value: 110 }, { quantile: 0.9, value: 140 }] },
            timestampMs: 2,
          },
          {
            label: [lp("n2", "val2"), lp("n1", "val1")],
            summary: { sampleCount: 5, sampleSum: 0, quantile: [{ quantile: -12.34, value: NaN }] },
            timestampMs: 5,
          },
          { label: [lp("n1", "val2")], summary: { sampleCount: 0, sampleSum: 8, quantile: [] }, timestampMs: 15 },
          { label: [lp("n1", "val3")], summary: { sampleCount: 0, sampleSum: 0, quantile: [{ quantile: 0.2, value: 4711 }] } },
        ],
      },
      {
        name: "another_summary",
        type: "summary",
        metric: [
          {
            label: [lp("n2", "val2"), lp("n1", "val1")],
            summary: { sampleCount: 20, sampleSum: 0, quantile: [{ quantile: 0.3, value: -1.2 }] },
          },
        ],
      },
    ],
  },
  {
    name: "4: the histogram",
    in: `
# HELP request_duration_microseconds The response latency.
# TYPE request_duration_microseconds histogram
request_duration_microseconds_bucket{le="100"} 123
request_duration_microseconds_bucket{le="120"} 412
request_duration_microseconds_bucket{le="144"} 592
request_duration_microseconds_bucket{le="172.8"} 1524
request_duration_microseconds_bucket{le="+Inf"} 2693
request_duration_microseconds_sum 1.7560473e+06
request_duration_microseconds_count 2693
`,
    out: [
      {
        name: "request_duration_microseconds",
        help: "The response latency.",
        type: "histogram",
        metric: [
          {
            label: [],
            histogram: {
              sampleCount: 2693,
              sampleSum: 1756047.3,
              // Go keeps { upperBound: +Inf, cumulativeCount: 2693 } last; equal to the count, it
              // is implicit here (docs/conformance.md).
              bucket: [
                { upperBound: 100, cumulativeCount: 123 },
                { upperBound: 120, cumulativeCount: 412 },
                { upperBound: 144, cumulativeCount: 592 },
                { upperBound: 172.8, cumulativeCount: 1524 },
              ],
            },
          },
        ],
      },
    ],
  },
];

/** byName orders families by name, as Go's test looks them up in its map. */
const byName = (families: MetricFamily[]) => [...families].sort((a, b) => (a.name < b.name ? -1 : 1));

describe("text_parse_test.go TestTextParse", () => {
  it.each(parseScenarios)("$name", (scenario) => {
    expect(byName(parseText(scenario.in))).toEqual(byName(scenario.out));
    // The same input as bytes gives the same families.
    expect(byName(parseText(Buffer.from(scenario.in)))).toEqual(byName(scenario.out));
  });
});

const errorScenarios: { name: string; in: string | Buffer; err: string }[] = [
  { name: "0: no new-line at end of input", in: "\nbla 3.14\nblubber 42", err: "text format parsing error in line 3: unexpected end of input stream" },
  { name: "1: invalid escape sequence in label value", in: String.raw`metric{label="\t"} 3.14`, err: "text format parsing error in line 1: invalid escape sequence" },
  {
    name: "2: newline in label value",
    in: '\nmetric{label="new\nline"} 3.14\n',
    err: 'text format parsing error in line 2: label value "new" contains unescaped new-line',
  },
  { name: "3", in: 'metric{@="bla"} 3.14', err: "text format parsing error in line 1: invalid label name for metric" },
  { name: "4", in: 'metric{__name__="bla"} 3.14', err: 'text format parsing error in line 1: label name "__name__" is reserved' },
  { name: "5", in: 'metric{label+="bla"} 3.14', err: "text format parsing error in line 1: expected '=' after label name" },
  { name: "6", in: "metric{label=bla} 3.14", err: "text format parsing error in line 1: expected '\"' at start of label value" },
  {
    name: "7",
    in: '\n# TYPE metric summary\nmetric{quantile="bla"} 3.14\n',
    err: "text format parsing error in line 3: expected float as value for 'quantile' label",
  },
  { name: "8", in: 'metric{label="bla"+} 3.14', err: "text format parsing error in line 1: unexpected end of label value" },
  { name: "9", in: 'metric{label="bla"} 3.14 2.72\n', err: "text format parsing error in line 1: expected integer as timestamp" },
  { name: "10", in: 'metric{label="bla"} 3.14 2 3\n', err: "text format parsing error in line 1: spurious string after timestamp" },
  { name: "11", in: 'metric{label="bla"} blubb\n', err: "text format parsing error in line 1: expected float as value" },
  { name: "12", in: "\n# HELP metric one\n# HELP metric two\n", err: "text format parsing error in line 3: second HELP line for metric name" },
  {
    name: "13",
    in: "\n# TYPE metric counter\n# TYPE metric untyped\n",
    err: 'text format parsing error in line 3: second TYPE line for metric name "metric", or TYPE reported after samples',
  },
  {
    name: "14",
    in: "\nmetric 4.12\n# TYPE metric counter\n",
    err: 'text format parsing error in line 3: second TYPE line for metric name "metric", or TYPE reported after samples',
  },
  { name: "14 (the second one)", in: "\n# TYPE metric bla\n", err: "text format parsing error in line 2: unknown metric type" },
  { name: "15", in: "\n# TYPE met-ric\n", err: "text format parsing error in line 2: invalid metric name in comment" },
  { name: "16", in: '@invalidmetric{label="bla"} 3.14 2', err: "text format parsing error in line 1: invalid metric name" },
  { name: "17", in: '{label="bla"} 3.14 2', err: "text format parsing error in line 1: invalid metric name" },
  {
    name: "18",
    in: '\n# TYPE metric histogram\nmetric_bucket{le="bla"} 3.14\n',
    err: "text format parsing error in line 3: expected float as value for 'le' label",
  },
  { name: "19: invalid UTF-8 in label value", in: goBytes('metric{l=\\"\\xbd\\"} 3.14\\n'), err: 'text format parsing error in line 1: invalid label value "\\xbd"' },
  { name: "20: Go 1.13 sometimes allows underscores in numbers", in: "foo 1_2\n", err: "text format parsing error in line 1: expected float as value" },
  { name: "21: Go 1.13 supports hex floating point", in: "foo 0x1p-3\n", err: "text format parsing error in line 1: expected float as value" },
  ...["0x1P-3", "0B1", "0O1", "0X1", "0x1", "0b1", "0o1", "0x1", "0x1"].map((literal, i) => ({
    name: `${22 + i}: ${literal}`,
    in: `foo ${literal}\n`,
    err: "text format parsing error in line 1: expected float as value",
  })),
  {
    name: "31: check histogram label",
    in: '\n# TYPE metric histogram\nmetric_bucket{le="0x1p-3"} 3.14\n',
    err: "text format parsing error in line 3: expected float as value for 'le' label",
  },
  {
    name: "32: check quantile label",
    in: '\n# TYPE metric summary\nmetric{quantile="0x1p-3"} 3.14\n',
    err: "text format parsing error in line 3: expected float as value for 'quantile' label",
  },
  { name: "33: check duplicate label", in: 'metric{label="bla",label="bla"} 3.14', err: "text format parsing error in line 1: duplicate label names for metric" },
];

describe("text_parse_test.go TestTextParseError", () => {
  it("has all 35 scenarios", () => {
    expect(errorScenarios).toHaveLength(35);
  });

  it.each(errorScenarios)("$name", (scenario) => {
    let err: unknown;
    try {
      parseText(scenario.in);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TextParseError);
    expect((err as Error).message.startsWith(scenario.err), (err as Error).message).toBe(true);
  });
});
