/**
 * Label names and values: validation, UTF-8 ordering and the Go-style quoting used in messages
 * (client_golang's labels.go, prometheus/common's model names, Go's strconv.Quote and %#v).
 */
import { describe, expect, it } from "vitest";
import { InconsistentCardinalityError, InvalidLabelValueError } from "../../lib/prometheus/errors.js";
import {
  checkLabelName,
  compareLabelPairs,
  compareUTF8,
  goLabelsMap,
  goQuote,
  goSlice,
  goStringSlice,
  isValidLabelName,
  isValidMetricName,
  isValidUTF8,
  validateLabelValues,
  validateValuesInLabels,
} from "../../lib/prometheus/labels.js";

/** expectThrow checks that fn throws an instance of errorClass with exactly this message. */
function expectThrow(fn: () => unknown, errorClass: new (...args: never[]) => Error, message: string): void {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(errorClass);
  expect((err as Error).message).toBe(message);
}

describe("names", () => {
  const cases: [name: string, metric: boolean, label: boolean, client: boolean][] = [
    // name            metric  label  checkLabelName
    ["a", true, true, true],
    ["_", true, true, true],
    ["A_b9", true, true, true],
    ["a:b", true, false, false],
    [":a", true, false, false],
    ["__name__", true, true, false],
    ["__", true, true, false],
    ["_a", true, true, true],
    ["9a", false, false, false],
    ["", false, false, false],
    ["a-b", false, false, false],
    ["a b", false, false, false],
    ["a.b", false, false, false],
    ["é", false, false, false],
    ["a\n", false, false, false],
  ];
  it.each(cases)("%j: metric name %s, label name %s, usable by clients %s", (name, metric, label, client) => {
    expect(isValidMetricName(name)).toBe(metric);
    expect(isValidLabelName(name)).toBe(label);
    expect(checkLabelName(name)).toBe(client);
  });
});

describe("isValidUTF8", () => {
  it.each([
    ["", true],
    ["plain", true],
    ["é€🙂", true],
    ["\ud800", false],
    ["\udfff", false],
    ["a\ud83d", false],
    ["\ude42\ud83d", false],
  ])("%j is %s", (s, valid) => {
    expect(isValidUTF8(s)).toBe(valid);
  });
});

describe("validateLabelValues", () => {
  it("accepts the expected number of valid values", () => {
    expect(() => validateLabelValues(["a", "🙂"], 2)).not.toThrow();
  });

  it("rejects a wrong count with Go's message and the counts", () => {
    let err: unknown;
    try {
      validateLabelValues(["a"], 2);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InconsistentCardinalityError);
    expect((err as Error).message).toBe(
      'inconsistent label cardinality: expected 2 label values but got 1 in []string{"a"}',
    );
    expect((err as InconsistentCardinalityError).expected).toBe(2);
    expect((err as InconsistentCardinalityError).got).toBe(1);
  });

  it("puts the context in the error's properties, never in its message", () => {
    const context = { fqName: "m", variableLabels: ["a"] };
    expectThrow(
      () => validateLabelValues([], 1, context),
      InconsistentCardinalityError,
      "inconsistent label cardinality: expected 1 label values but got 0 in []string{}",
    );
    try {
      validateLabelValues(["\ud800"], 1, context);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(InvalidLabelValueError);
      expect(err).toMatchObject({ message: 'label value "\\ud800" is not valid UTF-8', ...context });
    }
  });

  it("rejects a lone surrogate", () => {
    expect(() => validateLabelValues(["ok", "\udc00"], 2)).toThrow(InvalidLabelValueError);
  });

  it("rejects a value that is not a string", () => {
    expectThrow(() => validateLabelValues([42 as unknown as string], 1), InvalidLabelValueError, "label value 42 is not a string");
  });
});

describe("validateValuesInLabels", () => {
  it("rejects a wrong count with Go's %#v of the map", () => {
    expectThrow(
      () => validateValuesInLabels({ b: "2", a: "1" }, 1),
      InconsistentCardinalityError,
      'inconsistent label cardinality: expected 1 label values but got 2 in prometheus.Labels{"a":"1", "b":"2"}',
    );
  });

  it("names the label whose value is not UTF-8", () => {
    expectThrow(
      () => validateValuesInLabels({ a: "\ud800" }, 1),
      InvalidLabelValueError,
      'label a: value "\\ud800" is not valid UTF-8',
    );
  });

  it("accepts the expected number of valid values", () => {
    expect(() => validateValuesInLabels({ a: "1", b: "" }, 2)).not.toThrow();
  });
});

describe("compareUTF8", () => {
  const encoder = new TextEncoder();
  function byteOrder(a: string, b: string): number {
    const x = encoder.encode(a);
    const y = encoder.encode(b);
    for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
    return x.length - y.length;
  }

  const samples = ["", "a", "ab", "b", "Z", "é", "\u07ff", "\u0800", "\ud7ff", "\ue000", "\uffff", "\u{10000}", "🙂", "\u{10ffff}", "a🙂", "a\uffff"];

  it("orders like UTF-8 bytes (as Go compares strings) for every pair of samples", () => {
    for (const a of samples) {
      for (const b of samples) {
        expect(Math.sign(compareUTF8(a, b)), `${goQuote(a)} vs ${goQuote(b)}`).toBe(Math.sign(byteOrder(a, b)));
      }
    }
  });

  it("puts astral characters after U+E000–U+FFFF, unlike JavaScript's <", () => {
    expect("\u{1F642}" < "\uffff").toBe(true);
    expect(compareUTF8("\u{1F642}", "\uffff")).toBeGreaterThan(0);
    expect(compareUTF8("\ue000", "\u{10000}")).toBeLessThan(0);
  });
});

describe("compareLabelPairs", () => {
  it("orders by name only", () => {
    const pairs = [
      { name: "b", value: "1" },
      { name: "a", value: "2" },
      { name: "B", value: "0" },
    ];
    expect([...pairs].sort(compareLabelPairs).map((lp) => lp.name)).toEqual(["B", "a", "b"]);
    expect(compareLabelPairs({ name: "a", value: "1" }, { name: "a", value: "2" })).toBe(0);
  });
});

describe("Go formatting helpers", () => {
  it.each([
    ["plain", '"plain"'],
    ['q"b\\', '"q\\"b\\\\"'],
    ["\n\t\r\u0007\b\f\v", '"\\n\\t\\r\\a\\b\\f\\v"'],
    ["\u0000\u001f\u007f", '"\\x00\\x1f\\x7f"'],
    ["é🙂", '"é🙂"'],
    ["\u0085\u00ad\u2028\ufeff", '"\\u0085\\u00ad\\u2028\\ufeff"'],
    ["\ud800x", '"\\ud800x"'],
    // What Go's strconv.IsPrint does not print, as client_golang 1.14 quoted it (found by the
    // differential fuzzer): no-break space, private use, unassigned, noncharacters.
    ["\u00a0\ue218\uffff", '"\\u00a0\\ue218\\uffff"'],
    ["\u{f7142}\u{93d37}", '"\\U000f7142\\U00093d37"'],
    ["\u{1F600}\u{2A6D6}", '"\u{1F600}\u{2A6D6}"'],
  ])("goQuote(%j) is %s", (s, quoted) => {
    expect(goQuote(s)).toBe(quoted);
  });

  it("goStringSlice is %#v of a []string", () => {
    expect(goStringSlice([])).toBe("[]string{}");
    expect(goStringSlice(["a", 'b"'])).toBe('[]string{"a", "b\\""}');
  });

  it("goLabelsMap is %#v of prometheus.Labels, keys sorted", () => {
    expect(goLabelsMap({})).toBe("prometheus.Labels{}");
    expect(goLabelsMap({ z: "1", a: "2" })).toBe('prometheus.Labels{"a":"2", "z":"1"}');
  });

  it("goSlice is %v of a []string", () => {
    expect(goSlice([])).toBe("[]");
    expect(goSlice(["c", "d"])).toBe("[c d]");
  });
});
