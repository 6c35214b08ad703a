/**
 * promlint: our linter against the verdicts promtool 2.42 gave on the cases of lint-cases.ts (which
 * spec/conformance/promtool.spec.ts re-checks against the real promtool).
 */
import { describe, expect, it } from "vitest";
import { TextParseError } from "../../lib/expfmt/index.js";
import type * as dto from "../../lib/model/index.js";
import { formatProblem, lint, lintText, unitCandidates } from "../../lib/testutil/index.js";
import { lintCases, oddButValidCases, parseErrorCases } from "./lint-cases.js";

describe("lintText: the same lines as promtool", () => {
  for (const c of [...lintCases, ...oddButValidCases]) {
    it(c.name, () => {
      const problems = lintText(c.text);
      expect(problems.map(formatProblem)).toEqual(c.stderr);
      expect(problems.length > 0 ? 3 : 0).toBe(c.status);
    });
  }

  for (const c of parseErrorCases) {
    it(`${c.name}: TextParseError on promtool's line`, () => {
      const line = Number(/in line (\d+):/.exec(c.stderr[0]!)![1]);
      let err: unknown;
      try {
        lintText(c.text);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(TextParseError);
      expect((err as TextParseError).line).toBe(line);
      expect(c.stderr[0]).toBe(`error while linting: text format parsing error in line ${line}: ${(err as TextParseError).msg}`);
    });
  }
});

describe("lint", () => {
  const family = (name: string, type: dto.MetricType, help?: string): dto.MetricFamily => ({
    name,
    help,
    type,
    metric: [{ label: [], gauge: { value: 1 } }],
  });

  it("sorts by metric, then text, keeping duplicates", () => {
    const problems = lint([
      family("b_s", "counter"),
      family("a", "gauge", "h"),
      { name: "a_x", help: "h", type: "gauge", metric: [1, 2].map(() => ({ label: [{ name: "le", value: "1" }], gauge: { value: 1 } })) },
    ]);
    expect(problems.map(formatProblem)).toEqual([
      'a_x non-histogram metrics should not have "le" label',
      'a_x non-histogram metrics should not have "le" label',
      'b_s counter metrics should have "_total" suffix',
      "b_s metric names should not contain abbreviated units",
      "b_s no help text",
    ]);
  });

  it("an empty help is a help", () => {
    expect(lint([family("g", "gauge", "")])).toEqual([]);
  });

  it("a gaugehistogram counts as a non-histogram, as GAUGE_HISTOGRAM does in Go", () => {
    expect(lint([family("x_bucket", "gaugehistogram", "h")]).map(formatProblem)).toEqual([
      'x_bucket non-histogram metrics should not have "_bucket" suffix',
    ]);
  });
});

describe("unitCandidates: where Go's map order decides", () => {
  it("lists every unit word, in the order of the name", () => {
    expect(unitCandidates("foo_bytes_milliseconds")).toEqual([
      { unit: "bytes", base: "bytes" },
      { unit: "milliseconds", base: "seconds" },
    ]);
    expect(unitCandidates("thermometers")).toEqual([]);
  });

  it("prefers Go's prefix order within one unit", () => {
    expect(unitCandidates("x_bytes_kilobytes")).toEqual([{ unit: "kilobytes", base: "bytes" }]);
  });

  it("reports the first non-base unit, one of promtool's possible answers", () => {
    expect(lintText("# HELP foo_bytes_milliseconds h\nfoo_bytes_milliseconds 1\n").map(formatProblem)).toEqual([
      'foo_bytes_milliseconds use base unit "seconds" instead of "milliseconds"',
    ]);
    expect(lintText("# HELP foo_hours_days h\nfoo_hours_days 1\n").map(formatProblem)).toEqual([
      'foo_hours_days use base unit "seconds" instead of "hours"',
    ]);
  });
});

describe("the @example block of promlint.ts", () => {
  it("lint", () => {
    expect(lint([{ name: "requests", help: "h", type: "counter", metric: [{ label: [], counter: { value: 1 } }] }])).toEqual([
      { metric: "requests", text: 'counter metrics should have "_total" suffix' },
    ]);
  });
});
