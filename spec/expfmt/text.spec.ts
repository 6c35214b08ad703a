/**
 * The text exposition format, version 0.0.4: one table of families and the literal text each
 * must become (as prometheus/common's text_create_test.go), then the errors and the chunking.
 */
import { describe, expect, it } from "vitest";
import {
  DefaultChunkSize,
  EncodeError,
  escapeHelp,
  escapeLabelValue,
  metricFamiliesToText,
  metricFamilyToText,
  TextContentType,
  textChunks,
} from "../../lib/expfmt/text.js";
import type { LabelPair, MetricFamily } from "../../lib/model/index.js";

const labels = (pairs: Record<string, string>): LabelPair[] => Object.entries(pairs).map(([name, value]) => ({ name, value }));

interface Case {
  name: string;
  family: MetricFamily;
  text: string;
}

const cases: Case[] = [
  {
    name: "counter with labels and a label-less one",
    family: {
      name: "name",
      help: "two-line\n doc  str\\ing",
      type: "counter",
      metric: [
        { label: labels({ labelname: "val1", basename: "basevalue" }), counter: { value: 42 } },
        { label: labels({ labelname: "val2", basename: "basevalue" }), counter: { value: 0.23 }, timestampMs: 1234567890 },
        { label: [], counter: { value: 1 } },
      ],
    },
    text: `# HELP name two-line\\n doc  str\\\\ing
# TYPE name counter
name{labelname="val1",basename="basevalue"} 42
name{labelname="val2",basename="basevalue"} 0.23 1234567890
name 1
`,
  },
  {
    name: "gauge with escaped label values and special values",
    family: {
      name: "gauge_name",
      help: "gauge\ndoc\nstr\"ing",
      type: "gauge",
      metric: [
        { label: labels({ name_1: "val with\nnew line", name_2: 'val with \\backslash and "quotes"' }), gauge: { value: Infinity } },
        { label: labels({ name_1: "Björn", name_2: "佖佥" }), gauge: { value: 3.14e42 } },
        { label: labels({ v: "nan" }), gauge: { value: NaN } },
        { label: labels({ v: "neg" }), gauge: { value: -Infinity } },
        { label: labels({ v: "negzero" }), gauge: { value: -0 } },
        { label: labels({ v: "tab\there" }), gauge: { value: -1e-7 } },
      ],
    },
    text: `# HELP gauge_name gauge\\ndoc\\nstr"ing
# TYPE gauge_name gauge
gauge_name{name_1="val with\\nnew line",name_2="val with \\\\backslash and \\"quotes\\""} +Inf
gauge_name{name_1="Björn",name_2="佖佥"} 3.14e+42
gauge_name{v="nan"} NaN
gauge_name{v="neg"} -Inf
gauge_name{v="negzero"} 0
gauge_name{v="tab\there"} -1e-07
`,
  },
  {
    name: "untyped without HELP, with timestamps",
    family: {
      name: "untyped_name",
      type: "untyped",
      metric: [
        { label: labels({ name_1: "value 1" }), untyped: { value: -1.23e-45 } },
        { label: [], untyped: { value: 123456 }, timestampMs: -1 },
        { label: [], untyped: { value: 1234567 }, timestampMs: 0 },
      ],
    },
    text: `# TYPE untyped_name untyped
untyped_name{name_1="value 1"} -1.23e-45
untyped_name 123456 -1
untyped_name 1.234567e+06 0
`,
  },
  {
    name: "empty HELP still writes the line, with its trailing space",
    family: { name: "help_empty", help: "", type: "gauge", metric: [{ label: [], gauge: { value: 1 } }] },
    text: "# HELP help_empty \n# TYPE help_empty gauge\nhelp_empty 1\n",
  },
  {
    name: "summary with NaN quantiles, quantile after the metric's labels, counts as floats",
    family: {
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
          label: labels({ name_1: "value 1", name_2: "value 2" }),
          summary: {
            sampleCount: 4711,
            sampleSum: 2010.1971,
            quantile: [
              { quantile: 0.5, value: NaN },
              { quantile: 0.9, value: NaN },
            ],
          },
          timestampMs: 1234567890,
        },
        { label: labels({ empty: "yes" }), summary: { sampleCount: 2_000_000, sampleSum: 0, quantile: [] } },
      ],
    },
    text: `# HELP summary_name summary docstring
# TYPE summary_name summary
summary_name{quantile="0.5"} -1.23
summary_name{quantile="0.9"} 0.2342354
summary_name{quantile="0.99"} 0
summary_name_sum -3.4567
summary_name_count 42
summary_name{name_1="value 1",name_2="value 2",quantile="0.5"} NaN 1234567890
summary_name{name_1="value 1",name_2="value 2",quantile="0.9"} NaN 1234567890
summary_name_sum{name_1="value 1",name_2="value 2"} 2010.1971 1234567890
summary_name_count{name_1="value 1",name_2="value 2"} 4711 1234567890
summary_name_sum{empty="yes"} 0
summary_name_count{empty="yes"} 2e+06
`,
  },
  {
    name: "histogram without an explicit +Inf bucket: one is added from the count",
    family: {
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
            ],
          },
        },
      ],
    },
    text: `# HELP request_duration_microseconds The response latency.
# TYPE request_duration_microseconds histogram
request_duration_microseconds_bucket{le="100"} 123
request_duration_microseconds_bucket{le="120"} 412
request_duration_microseconds_bucket{le="144"} 592
request_duration_microseconds_bucket{le="172.8"} 1524
request_duration_microseconds_bucket{le="+Inf"} 2693
request_duration_microseconds_sum 1.7560473e+06
request_duration_microseconds_count 2693
`,
  },
  {
    name: "histogram with an explicit +Inf bucket: no second +Inf line; counts as floats",
    family: {
      name: "h",
      help: "h",
      type: "histogram",
      metric: [
        {
          label: labels({ path: "/" }),
          histogram: {
            sampleCount: 1_000_000,
            sampleSum: 0.5,
            bucket: [
              { upperBound: -1, cumulativeCount: 0 },
              { upperBound: 0.001, cumulativeCount: 999_999 },
              { upperBound: Infinity, cumulativeCount: 1_000_000 },
            ],
          },
          timestampMs: 42,
        },
      ],
    },
    text: `# HELP h h
# TYPE h histogram
h_bucket{path="/",le="-1"} 0 42
h_bucket{path="/",le="0.001"} 999999 42
h_bucket{path="/",le="+Inf"} 1e+06 42
h_sum{path="/"} 0.5 42
h_count{path="/"} 1e+06 42
`,
  },
  {
    name: "histogram without buckets",
    family: { name: "nob", help: "h", type: "histogram", metric: [{ label: [], histogram: { sampleCount: 0, sampleSum: 0, bucket: [] } }] },
    text: `# HELP nob h
# TYPE nob histogram
nob_bucket{le="+Inf"} 0
nob_sum 0
nob_count 0
`,
  },
  {
    name: "label values escape backslash, quote and newline, nothing else",
    family: {
      name: "esc",
      help: 'help keeps "quotes" and \t tabs',
      type: "gauge",
      metric: [{ label: labels({ a: "\\", b: '"', c: "\n", d: "\t\r", e: "trailing\\" }), gauge: { value: 1 } }],
    },
    text: `# HELP esc help keeps "quotes" and \t tabs
# TYPE esc gauge
esc{a="\\\\",b="\\"",c="\\n",d="\t\r",e="trailing\\\\"} 1
`,
  },
  {
    name: "float formatting of values, Go's %g with shortest digits",
    family: {
      name: "f",
      help: "h",
      type: "gauge",
      metric: [1e6 - 1, 1e6, 1e21, 1e-4, 1e-5, 0.1 + 0.2, Number.MAX_VALUE, Number.MIN_VALUE, 2 ** 53].map((value, i) => ({
        label: labels({ i: String(i) }),
        gauge: { value },
      })),
    },
    text: `# HELP f h
# TYPE f gauge
f{i="0"} 999999
f{i="1"} 1e+06
f{i="2"} 1e+21
f{i="3"} 0.0001
f{i="4"} 1e-05
f{i="5"} 0.30000000000000004
f{i="6"} 1.7976931348623157e+308
f{i="7"} 5e-324
f{i="8"} 9.007199254740992e+15
`,
  },
];

describe("metricFamilyToText", () => {
  it.each(cases.map((c) => [c.name, c] as const))("%s", (_name, { family, text }) => {
    expect(metricFamilyToText(family)).toBe(text);
  });

  it("writes families in the order given, one after the other", () => {
    expect(metricFamiliesToText(cases.map((c) => c.family))).toBe(cases.map((c) => c.text).join(""));
  });

  it("announces the text format's content type", () => {
    expect(TextContentType).toBe("text/plain; version=0.0.4; charset=utf-8");
  });
});

describe("encode errors", () => {
  const errorCases: [name: string, family: MetricFamily, message: string][] = [
    ["a family without metrics", { name: "empty", help: "h", type: "gauge", metric: [] }, "MetricFamily has no metrics: empty"],
    ["a family without a name", { name: "", help: "h", type: "gauge", metric: [{ label: [], gauge: { value: 1 } }] }, "MetricFamily has no name"],
    ["a counter family holding a gauge", { name: "c", type: "counter", metric: [{ label: [], gauge: { value: 1 } }] }, "expected counter in metric c"],
    ["a gauge family holding a counter", { name: "g", type: "gauge", metric: [{ label: [], counter: { value: 1 } }] }, "expected gauge in metric g"],
    ["an untyped family holding a gauge", { name: "u", type: "untyped", metric: [{ label: [], gauge: { value: 1 } }] }, "expected untyped in metric u"],
    ["a summary family holding a gauge", { name: "s", type: "summary", metric: [{ label: [], gauge: { value: 1 } }] }, "expected summary in metric s"],
    ["a histogram family holding a gauge", { name: "h", type: "histogram", metric: [{ label: [], gauge: { value: 1 } }] }, "expected histogram in metric h"],
    [
      "a gauge histogram (no such type in the text format)",
      { name: "gh", type: "gaugehistogram", metric: [{ label: [], histogram: { sampleCount: 0, sampleSum: 0, bucket: [] } }] },
      "unknown metric type GAUGE_HISTOGRAM for gh in the text format",
    ],
  ];

  it.each(errorCases)("rejects %s with EncodeError", (_name, family, message) => {
    let err: unknown;
    try {
      metricFamilyToText(family);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(EncodeError);
    expect((err as EncodeError).name).toBe("EncodeError");
    expect((err as EncodeError).message).toBe(message);
  });

  it("throws from textChunks when iteration reaches the bad family, after the good ones", () => {
    const chunks = textChunks([cases[0]!.family, errorCases[0]![1]], 1);
    expect(chunks.next().value).toContain("# TYPE name counter");
    expect(() => [...chunks]).toThrow(EncodeError);
  });
});

describe("textChunks", () => {
  const families = cases.map((c) => c.family);
  const whole = cases.map((c) => c.text).join("");

  it("concatenates to the same text as metricFamiliesToText", () => {
    expect([...textChunks(families)].join("")).toBe(whole);
  });

  it("gives one chunk when everything fits the default size", () => {
    expect(DefaultChunkSize).toBe(64 * 1024);
    expect([...textChunks(families)]).toEqual([whole]);
  });

  it("gives several chunks, each ending at a line end, with a small chunk size", () => {
    const chunks = [...textChunks(families, 100)];
    expect(chunks.length).toBeGreaterThan(5);
    expect(chunks.join("")).toBe(whole);
    for (const chunk of chunks) {
      expect(chunk.endsWith("\n")).toBe(true);
      expect(chunk.length).toBeGreaterThan(0);
    }
  });

  it("hands out a chunk as soon as it reaches the size", () => {
    const family: MetricFamily = {
      name: "m",
      type: "gauge",
      metric: Array.from({ length: 1000 }, (_, i) => ({ label: labels({ i: String(i) }), gauge: { value: i } })),
    };
    const chunks = [...textChunks([family], 1024)];
    const longest = Math.max(...chunks.map((c) => c.length));
    expect(chunks.length).toBeGreaterThan(10);
    expect(longest).toBeLessThan(1024 + 64); // at most one metric past the size
  });

  it("yields nothing for no families", () => {
    expect([...textChunks([])]).toEqual([]);
    expect(metricFamiliesToText([])).toBe("");
  });

  it("is lazy: nothing is written before the first chunk is asked for", () => {
    let read = 0;
    function* lazyFamilies(): Generator<MetricFamily> {
      for (const f of families) {
        read++;
        yield f;
      }
    }
    const chunks = textChunks(lazyFamilies(), 1);
    expect(read).toBe(0);
    chunks.next();
    expect(read).toBe(1);
  });
});

describe("escaping helpers", () => {
  it.each([
    ["plain", "plain", "plain"],
    ["a\\b", "a\\\\b", "a\\\\b"],
    ["a\nb", "a\\nb", "a\\nb"],
    ['a"b', 'a"b', 'a\\"b'],
    ["\t\r", "\t\r", "\t\r"],
  ])("%j: HELP %j, label value %j", (s, help, value) => {
    expect(escapeHelp(s)).toBe(help);
    expect(escapeLabelValue(s)).toBe(value);
  });
});
