import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

import { describe, expect, it } from "vitest";

import { parseText, TextParseError } from "../../lib/expfmt/parse.js";
import type { Metric, MetricFamily } from "../../lib/model/metric-family.js";
import { goldenDir, hasGolden } from "../support/golden.js";


/** golden reads one golden file and parses it. */
function golden(file: string): MetricFamily[] {
  return parseText(readFileSync(join(goldenDir, file), "utf8"));
}

/** family returns the family called `name`, failing the test if there is none. */
function family(families: MetricFamily[], name: string): MetricFamily {
  const found = families.find((f) => f.name === name);
  if (found === undefined) throw new Error(`no family ${name}`);
  return found;
}

/** labelled returns the metric whose label `name` has `value`. */
function labelled(f: MetricFamily, name: string, value: string): Metric {
  const found = f.metric.find((m) => m.label.some((l) => l.name === name && l.value === value));
  if (found === undefined) throw new Error(`no metric with ${name}=${value}`);
  return found;
}

describe.runIf(hasGolden())("parseText on the golden files", () => {
  const files = readdirSync(goldenDir).filter((f) => f.endsWith(".txt"));

  it("finds golden files", () => {
    expect(files.length).toBeGreaterThan(20);
  });

  it.each(files)("parses %s", (file) => {
    const families = golden(file);
    expect(families.length).toBeGreaterThan(0);
    for (const f of families) expect(f.metric.length).toBeGreaterThan(0);
  });

  it("reads the special and extreme values of float_formatting.txt", () => {
    const f = family(golden("float_formatting.txt"), "float_formatting");
    const value = (i: string): number | undefined => labelled(f, "i", i).gauge?.value;
    expect(f.type).toBe("gauge");
    expect(f.metric).toHaveLength(35);
    expect(Object.is(value("00"), 0)).toBe(true);
    expect(Object.is(value("01"), 0)).toBe(true);
    expect(value("09")).toBeNaN();
    expect(value("10")).toBe(Infinity);
    expect(value("11")).toBe(-Infinity);
    expect(value("12")).toBe(5e-324);
    expect(value("15")).toBe(1.7976931348623157e308);
    expect(value("07")).toBe(123456789012345678);
    expect(value("29")).toBe(0.3);
  });

  it("unescapes the label values of label_escaping.txt exactly", () => {
    const f = family(golden("label_escaping.txt"), "label_escaping");
    const byValue = f.metric.map((m) => [m.label[0]?.value, m.gauge?.value]);
    expect(byValue).toEqual([
      ["", 6],
      ["\\n literal backslash-n", 5],
      ["a\\b", 0],
      ["line1\nline2", 2],
      ['say "hi"', 1],
      ["tab\there", 3],
      ["trailing\\", 4],
    ]);
  });

  it("unescapes the help text of help_escaping.txt and leaves out an empty help", () => {
    const help = family(golden("help_escaping.txt"), "help_escaping").help;
    expect(help).toBe('a \\ backslash, a\nnewline, a "quote", a\ttab, a trailing backslash \\');
    expect(family(golden("help_empty.txt"), "help_empty").help).toBeUndefined();
  });

  it("folds histogram_custom_buckets.txt into one metric per label set", () => {
    const f = family(golden("histogram_custom_buckets.txt"), "hist_custom");
    expect(f.type).toBe("histogram");
    expect(f.metric.map((m) => m.label)).toEqual([
      [
        { name: "method", value: "get" },
        { name: "service", value: "svc" },
      ],
      [
        { name: "method", value: "post" },
        { name: "service", value: "svc" },
      ],
    ]);
    expect(f.metric[0]?.histogram).toEqual({
      sampleCount: 8,
      sampleSum: 100.25,
      bucket: [
        { upperBound: -1, cumulativeCount: 2 },
        { upperBound: 0, cumulativeCount: 3 },
        { upperBound: 0.5, cumulativeCount: 5 },
        { upperBound: 1, cumulativeCount: 6 },
      ],
    });
    expect(f.metric[1]?.histogram?.bucket.map((b) => b.cumulativeCount)).toEqual([0, 0, 1, 1]);
    expect(f.metric[1]?.histogram?.sampleSum).toBe(0.5);
  });

  it("reads the NaN quantiles of summary_empty.txt and a summary without quantiles", () => {
    const families = golden("summary_empty.txt");
    const empty = family(families, "summary_empty").metric[0]?.summary;
    expect(empty?.quantile.map((q) => q.quantile)).toEqual([0.5, 0.99]);
    expect(empty?.quantile.every((q) => Number.isNaN(q.value))).toBe(true);
    expect([empty?.sampleCount, empty?.sampleSum]).toEqual([0, 0]);
    expect(family(families, "summary_noobj").metric).toEqual([
      {
        label: [{ name: "op", value: "read" }],
        summary: { sampleCount: 1, sampleSum: 2.5, quantile: [] },
      },
    ]);
  });

  it("keeps le and quantile out of the labels (le_quantile_position.txt)", () => {
    const families = golden("le_quantile_position.txt");
    for (const f of families) {
      expect(f.metric[0]?.label.map((l) => l.name)).toEqual(["aaa", "zzz"]);
    }
    const quantiles = family(families, "pos_summary").metric[0]?.summary?.quantile;
    expect(quantiles).toEqual([{ quantile: 0.5, value: 3 }]);
  });

  it("reads the timestamps of timestamps.txt", () => {
    const f = family(golden("timestamps.txt"), "with_timestamp");
    expect(f.metric.map((m) => m.timestampMs)).toEqual([1600000000123, 0, -1000, 1000, undefined]);
  });

  it("returns families in the order of the text (families_out_of_order.txt)", () => {
    const names = golden("families_out_of_order.txt").map((f) => f.name);
    const written = ["AAA", "Zed", "_under", "a", "a:b", "a_b", "a_b_c", "aa", "aaa", "mmm", "zzz"];
    expect(names).toEqual(written);
  });
});

describe("parseText", () => {
  it("runs its @example", () => {
    const [family] = parseText('# TYPE up gauge\nup{job="api"} 1\n');
    expect(family?.metric[0]?.gauge?.value).toBe(1);
  });

  it("reads every type, with help, labels and timestamps", () => {
    const text = [
      "# HELP c a counter",
      "# TYPE c counter",
      'c{a="1",b="2"} 3 1000',
      "# TYPE g GAUGE",
      "g -0.5",
      "u{x=\"y\"} NaN",
      "# TYPE s summary",
      's{quantile="0.5"} 1',
      "s_sum 2",
      "s_count 3",
      "# TYPE h histogram",
      'h_bucket{le="1"} 1',
      'h_bucket{le="+Inf"} 2',
      "h_sum 3.5",
      "h_count 2",
      "",
    ].join("\n");
    expect(parseText(text)).toEqual([
      {
        name: "c",
        help: "a counter",
        type: "counter",
        metric: [
          {
            label: [
              { name: "a", value: "1" },
              { name: "b", value: "2" },
            ],
            counter: { value: 3 },
            timestampMs: 1000,
          },
        ],
      },
      { name: "g", type: "gauge", metric: [{ label: [], gauge: { value: -0.5 } }] },
      {
        name: "u",
        type: "untyped",
        metric: [{ label: [{ name: "x", value: "y" }], untyped: { value: NaN } }],
      },
      {
        name: "s",
        type: "summary",
        metric: [
          {
            label: [],
            summary: { sampleCount: 3, sampleSum: 2, quantile: [{ quantile: 0.5, value: 1 }] },
          },
        ],
      },
      {
        name: "h",
        type: "histogram",
        metric: [
          {
            label: [],
            histogram: {
              sampleCount: 2,
              sampleSum: 3.5,
              bucket: [{ upperBound: 1, cumulativeCount: 1 }],
            },
          },
        ],
      },
    ]);
  });

  it.each([
    ["empty text", ""],
    ["blanks without a newline", "  \t"],
    ["blank lines and comments", "\n  \n# just a comment\n#\n# HELP\n# HELP x\n# TYPE y\n"],
    ["a family with HELP and TYPE but no samples", "# HELP x help\n# TYPE x gauge\n"],
  ])("returns no families for %s", (_name, text) => {
    expect(parseText(text)).toEqual([]);
  });

  it("accepts what Go's parser accepts around labels and values", () => {
    const text = [
      '  x{} 1',
      'x{a="b",} 2',
      'x { a = "c" , b="d" } 3',
      "x\t4\t-5",
      'x{}5',
      "",
    ].join("\n");
    const f = parseText(text)[0];
    expect(f?.metric.map((m) => [m.label.length, m.untyped?.value, m.timestampMs])).toEqual([
      [0, 1, undefined],
      [1, 2, undefined],
      [2, 3, undefined],
      [0, 4, -5],
      [0, 5, undefined],
    ]);
  });

  it("folds histogram and summary lines by label set, in any label order", () => {
    const text = [
      "# TYPE h histogram",
      'h_bucket{a="1",b="2",le="1"} 1',
      'h_bucket{le="2",b="2",a="1"} 2',
      'h_count{b="2",a="1"} 2',
      'h_bucket{a="9",b="2",le="1"} 0',
      "# TYPE s summary",
      's_count{a="1"} 4',
      's{quantile="0.9",a="1"} 7',
      "",
    ].join("\n");
    const [h, s] = parseText(text);
    expect(h?.metric).toHaveLength(2);
    expect(h?.metric[0]?.label.map((l) => l.name)).toEqual(["a", "b"]);
    expect(h?.metric[0]?.histogram?.bucket.map((b) => b.upperBound)).toEqual([1, 2]);
    expect(s?.metric).toEqual([
      {
        label: [{ name: "a", value: "1" }],
        summary: { sampleCount: 4, sampleSum: 0, quantile: [{ quantile: 0.9, value: 7 }] },
      },
    ]);
  });

  it("treats _sum, _count and _bucket of other types as families of their own", () => {
    const families = parseText("# TYPE g gauge\ng 1\ng_count 2\ng_bucket 3\n");
    const names = families.map((f) => [f.name, f.type]);
    expect(names).toEqual([
      ["g", "gauge"],
      ["g_count", "untyped"],
      ["g_bucket", "untyped"],
    ]);
  });
});

interface Malformed {
  name: string;
  text: string;
  line: number;
  column: number;
  msg: string;
}

const malformed: Malformed[] = [
  {
    name: "metric name with a digit first",
    text: "a 1\n\n1x 3\n",
    line: 3,
    column: 1,
    msg: "invalid metric name",
  },
  {
    name: "sample starting with a brace",
    text: '{a="b"} 1\n',
    line: 1,
    column: 1,
    msg: "invalid metric name",
  },
  {
    name: "bad name in HELP",
    text: "# HELP 1x help\n",
    line: 1,
    column: 8,
    msg: "invalid metric name in comment",
  },
  {
    name: "second HELP",
    text: "# HELP x a\n# HELP x b\n",
    line: 2,
    column: 8,
    msg: 'second HELP line for metric name "x"',
  },
  {
    name: "second TYPE",
    text: "# TYPE x gauge\n# TYPE x counter\n",
    line: 2,
    column: 8,
    msg: 'second TYPE line for metric name "x", or TYPE reported after samples',
  },
  {
    name: "TYPE after samples",
    text: "x 1\n# TYPE x gauge\n",
    line: 2,
    column: 8,
    msg: 'second TYPE line for metric name "x", or TYPE reported after samples',
  },
  {
    name: "TYPE of a summary's _sum",
    text: "# TYPE s summary\n# TYPE s_sum gauge\n",
    line: 2,
    column: 8,
    msg: 'second TYPE line for metric name "s", or TYPE reported after samples',
  },
  {
    name: "unknown type",
    text: "# TYPE x gauges\n",
    line: 1,
    column: 10,
    msg: 'unknown metric type "gauges"',
  },
  {
    name: "bad HELP escape",
    text: "# HELP x a \\t\n",
    line: 1,
    column: 12,
    msg: "invalid escape sequence '\\t'",
  },
  {
    name: "escaped quote in HELP",
    text: '# HELP x a \\"\n',
    line: 1,
    column: 12,
    msg: "invalid escape sequence '\\\"'",
  },
  {
    name: "bad label name",
    text: 'x{1a="b"} 1\n',
    line: 1,
    column: 3,
    msg: 'invalid label name for metric "x"',
  },
  {
    name: "reserved label",
    text: 'x{__name__="y"} 1\n',
    line: 1,
    column: 3,
    msg: 'label name "__name__" is reserved',
  },
  {
    name: "repeated label",
    text: 'x{a="1",a="2"} 1\n',
    line: 1,
    column: 9,
    msg: 'duplicate label names for metric "x"',
  },
  {
    name: "repeated le",
    text: '# TYPE h histogram\nh_bucket{le="1",le="2"} 1\n',
    line: 2,
    column: 17,
    msg: 'duplicate label names for metric "h"',
  },
  {
    name: "missing '='",
    text: 'x{a b="c"} 1\n',
    line: 1,
    column: 5,
    msg: "expected '=' after label name, found 'b'",
  },
  {
    name: "unquoted value",
    text: "x{a=b} 1\n",
    line: 1,
    column: 5,
    msg: "expected '\"' at start of label value, found 'b'",
  },
  {
    name: "bad label escape",
    text: 'x{a="\\t"} 1\n',
    line: 1,
    column: 6,
    msg: "invalid escape sequence '\\t'",
  },
  {
    name: "missing comma",
    text: 'x{a="b" c="d"} 1\n',
    line: 1,
    column: 9,
    msg: 'unexpected end of label value "b"',
  },
  {
    name: "missing brace",
    text: 'x{a="b"\n',
    line: 1,
    column: 8,
    msg: 'unexpected end of label value "b"',
  },
  {
    name: "newline in a label value",
    text: 'x 1\nx{a="b\nc"} 1\n',
    line: 2,
    column: 7,
    msg: 'label value "b" contains unescaped new-line',
  },
  {
    name: "missing value",
    text: 'x{a="b"}\n',
    line: 1,
    column: 9,
    msg: 'expected float as value, got ""',
  },
  {
    name: "bad value",
    text: "x abc\n",
    line: 1,
    column: 3,
    msg: 'expected float as value, got "abc"',
  },
  {
    name: "overflowing value",
    text: "x 1e400\n",
    line: 1,
    column: 3,
    msg: 'expected float as value, got "1e400"',
  },
  {
    name: "float timestamp",
    text: "x 1 12.5\n",
    line: 1,
    column: 5,
    msg: 'expected integer as timestamp, got "12.5"',
  },
  {
    name: "blank after value",
    text: "x 1 \n",
    line: 1,
    column: 5,
    msg: 'expected integer as timestamp, got ""',
  },
  {
    name: "timestamp beyond int64",
    text: "x 1 9223372036854775808\n",
    line: 1,
    column: 5,
    msg: 'expected integer as timestamp, got "9223372036854775808"',
  },
  {
    name: "text after timestamp",
    text: "x 1 2 3\n",
    line: 1,
    column: 6,
    msg: 'spurious string after timestamp: " 3"',
  },
  {
    name: "last sample without newline",
    text: "x 1\ny 1",
    line: 2,
    column: 4,
    msg: "unexpected end of input stream",
  },
  {
    name: "last HELP without newline",
    text: "# HELP x text",
    line: 1,
    column: 14,
    msg: "unexpected end of input stream",
  },
  {
    name: "unterminated label value",
    text: 'x{a="b',
    line: 1,
    column: 7,
    msg: "unexpected end of input stream",
  },
  {
    name: "bad quantile",
    text: '# TYPE s summary\ns{quantile="x"} 1\n',
    line: 2,
    column: 12,
    msg: "expected float as value for 'quantile' label, got \"x\"",
  },
  {
    name: "empty le",
    text: '# TYPE h histogram\nh_bucket{le=""} 1\n',
    line: 2,
    column: 13,
    msg: "expected float as value for 'le' label, got \"\"",
  },
];

describe("parseText on malformed text", () => {
  it.each(malformed)("rejects $name", ({ text, line, column, msg }) => {
    let caught: unknown;
    try {
      parseText(text);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(TextParseError);
    const err = caught as TextParseError;
    expect({ line: err.line, column: err.column, msg: err.msg }).toEqual({ line, column, msg });
    expect(err.message).toBe(`text format parsing error in line ${line}: ${msg}`);
    expect(err.name).toBe("TextParseError");
  });
});

describe("parseText where Go's parser is lenient", () => {
  it("ignores a histogram or summary sample without le/quantile, or with NaN there, keeping the metric", () => {
    const [h] = parseText('# TYPE h histogram\nh_bucket{a="1"} 1\nh_bucket{a="1",le="NaN"} 2\nh_count{a="1"} 3\n');
    expect(h!.metric).toEqual([{ label: [{ name: "a", value: "1" }], histogram: { sampleCount: 3, sampleSum: 0, bucket: [] } }]);
    const [s] = parseText('# TYPE s summary\n  s{a="b"} 1\ns{quantile="NaN"} 2\n');
    expect(s!.metric).toEqual([{ label: [{ name: "a", value: "b" }], summary: { sampleCount: 0, sampleSum: 0, quantile: [] } }, { label: [], summary: { sampleCount: 0, sampleSum: 0, quantile: [] } }]);
  });

  it("keeps a +Inf bucket that disagrees with _count, and drops one that agrees", () => {
    const [h] = parseText('# TYPE h histogram\nh_bucket{le="+Inf"} 3\nh_sum 1\nh_count 2\n');
    expect(h!.metric[0]!.histogram).toEqual({ sampleCount: 2, sampleSum: 1, bucket: [{ upperBound: Infinity, cumulativeCount: 3 }] });
    const [k] = parseText('# TYPE h histogram\nh_bucket{le="1"} 1\nh_bucket{le="+Inf"} 2\nh_count 2\n');
    expect(k!.metric[0]!.histogram!.bucket).toEqual([{ upperBound: 1, cumulativeCount: 1 }]);
  });

  it("keeps a sample of a gauge_histogram as a metric without a value", () => {
    expect(parseText("# TYPE g gauge_histogram\ng 1\n")).toEqual([{ name: "g", type: "gaugehistogram", metric: [{ label: [] }] }]);
  });
});

describe("parseText on bytes", () => {
  const bytes = (...parts: (string | number)[]) =>
    Buffer.concat(parts.map((p) => (typeof p === "string" ? Buffer.from(p) : Buffer.from([p]))));

  it("reads valid UTF-8 as the string would be read", () => {
    const text = '# HELP x_total ünïcode 🙂\n# TYPE x_total counter\nx_total{l="🙂é"} 1\n';
    expect(parseText(Buffer.from(text))).toEqual(parseText(text));
  });

  it.each([
    ["a label value (text_parse_test.go)", bytes('metric{l="', 0xbd, '"} 3.14\n'), 'invalid label value "\\xbd"'],
    ["a label value, after valid text", bytes('m{l="é', 0xff, 'x"} 1\n'), 'invalid label value "é\\xffx"'],
    ["a truncated sequence in a label value", bytes('m{l="', 0xe2, 0x82, '"} 1\n'), 'invalid label value "\\xe2\\x82"'],
    ["an encoded surrogate", bytes('m{l="', 0xed, 0xa0, 0x80, '"} 1\n'), 'invalid label value "\\xed\\xa0\\x80"'],
    ["an overlong encoding", bytes('m{l="', 0xc0, 0xaf, '"} 1\n'), 'invalid label value "\\xc0\\xaf"'],
    ["a value", bytes("m 1", 0xbd, "\n"), 'expected float as value, got "1\\xbd"'],
    ["a timestamp", bytes('m{l="a"} 1 ', 0xbd, "\n"), 'expected integer as timestamp, got "\\xbd"'],
    ["the place of an equals sign", bytes("m{l", 0xbd, '="a"} 1\n'), "expected '=' after label name, found '½'"],
  ])("rejects an invalid byte in %s as Go does", (_name, input, msg) => {
    let caught: unknown;
    try {
      parseText(input);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(TextParseError);
    expect((caught as TextParseError).msg).toBe(msg);
    expect((caught as TextParseError).line).toBe(1);
  });

  it("accepts an invalid byte in a comment, and in a help text as U+FFFD", () => {
    const [f] = parseText(bytes("# ", 0xff, "\n# HELP m a", 0xbd, "b\nm 1\n"));
    expect(f!.help).toBe("a\ufffdb");
  });
});
