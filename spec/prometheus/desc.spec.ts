/**
 * Desc and buildFQName: what a descriptor accepts, the error it carries when it does not, and how
 * it prints (client_golang's desc.go and `BuildFQName` in metric.go).
 */
import { describe, expect, it } from "vitest";
import { buildFQName, Desc, newDesc, newInvalidDesc } from "../../lib/prometheus/desc.js";
import {
  DuplicateLabelNamesError,
  InvalidLabelValueError,
  InvalidNameError,
  InvalidValueError,
} from "../../lib/prometheus/errors.js";
import type { Labels } from "../../lib/prometheus/labels.js";

describe("buildFQName", () => {
  const cases: [namespace: string, subsystem: string, name: string, want: string][] = [
    ["a", "b", "c", "a_b_c"],
    ["a", "", "c", "a_c"],
    ["", "b", "c", "b_c"],
    ["", "", "c", "c"],
    ["a", "b", "", ""],
    ["", "", "", ""],
    ["demo", "", "version", "demo_version"],
  ];
  it.each(cases)("buildFQName(%j, %j, %j) is %j", (namespace, subsystem, name, want) => {
    expect(buildFQName(namespace, subsystem, name)).toBe(want);
  });
});

describe("newDesc", () => {
  it("keeps name, help, sorted const label pairs and variable labels in the given order", () => {
    const desc = newDesc("x", "h", ["d", "c"], { b: "2", a: "1" });
    expect(desc.err).toBeUndefined();
    expect(desc.fqName).toBe("x");
    expect(desc.help).toBe("h");
    expect(desc.constLabelPairs).toEqual([
      { name: "a", value: "1" },
      { name: "b", value: "2" },
    ]);
    expect(desc.variableLabels).toEqual(["d", "c"]);
  });

  it("is immutable", () => {
    const desc = newDesc("x", "h", ["a"], { b: "1" });
    expect(Object.isFrozen(desc)).toBe(true);
    expect(Object.isFrozen(desc.variableLabels)).toBe(true);
    expect(Object.isFrozen(desc.constLabelPairs)).toBe(true);
  });

  it("copies the variable label names it is given", () => {
    const names = ["a"];
    const desc = newDesc("x", "h", names, null);
    names.push("b");
    expect(desc.variableLabels).toEqual(["a"]);
  });

  it("accepts null for both label arguments, as nil in Go", () => {
    const desc = newDesc("x", "h", null, null);
    expect(desc.err).toBeUndefined();
    expect(desc.variableLabels).toEqual([]);
    expect(desc.constLabelPairs).toEqual([]);
  });

  it("gives equal ids to equal name and const label values, whatever the help", () => {
    const a = newDesc("x", "help one", ["v"], { c: "1" });
    const b = newDesc("x", "help two", ["w"], { c: "1" });
    const c = newDesc("x", "help one", ["v"], { c: "2" });
    expect(a.id).toBe(b.id);
    expect(a.id).not.toBe(c.id);
    expect(a.dimHash).not.toBe(b.dimHash);
  });

  it("gives equal dimHashes to the same help and label names, in any order, but tells const from variable", () => {
    const a = newDesc("x", "h", ["v", "w"], { c: "1" });
    const b = newDesc("x", "h", ["w", "v"], { c: "2" });
    const constInsteadOfVariable = newDesc("x", "h", ["c", "w"], { v: "1" });
    expect(a.dimHash).toBe(b.dimHash);
    expect(a.dimHash).not.toBe(constInsteadOfVariable.dimHash);
  });

  it("does not confuse label values that contain separators", () => {
    const a = newDesc("x", "h", null, { a: "1,2", b: "3" });
    const b = newDesc("x", "h", null, { a: "1", b: "2,3" });
    expect(a.id).not.toBe(b.id);
  });

  interface ErrorCase {
    name: string;
    fqName: string;
    variableLabels?: string[];
    constLabels?: Labels;
    errorClass: new (...args: never[]) => Error;
    message: string;
  }
  const errorCases: ErrorCase[] = [
    { name: "empty metric name", fqName: "", errorClass: InvalidNameError, message: '"" is not a valid metric name' },
    {
      name: "metric name starting with a digit",
      fqName: "1bad",
      errorClass: InvalidNameError,
      message: '"1bad" is not a valid metric name',
    },
    {
      name: "metric name with a dash",
      fqName: "bad-name",
      errorClass: InvalidNameError,
      message: '"bad-name" is not a valid metric name',
    },
    {
      name: "metric name with a space",
      fqName: "foo bar",
      errorClass: InvalidNameError,
      message: '"foo bar" is not a valid metric name',
    },
    {
      name: "metric name with a non-ASCII letter",
      fqName: "café",
      errorClass: InvalidNameError,
      message: '"café" is not a valid metric name',
    },
    {
      name: "invalid const label name",
      fqName: "x",
      constLabels: { "a-b": "1" },
      errorClass: InvalidNameError,
      message: '"a-b" is not a valid label name for metric "x"',
    },
    {
      name: "invalid variable label name",
      fqName: "x",
      variableLabels: ["1bad"],
      errorClass: InvalidNameError,
      message: '"1bad" is not a valid label name for metric "x"',
    },
    {
      name: "label name with a colon (allowed in metric names only)",
      fqName: "x:y",
      variableLabels: ["a:b"],
      errorClass: InvalidNameError,
      message: '"a:b" is not a valid label name for metric "x:y"',
    },
    {
      name: "empty label name",
      fqName: "x",
      variableLabels: [""],
      errorClass: InvalidNameError,
      message: '"" is not a valid label name for metric "x"',
    },
    {
      name: "reserved __ prefix on a variable label",
      fqName: "x",
      variableLabels: ["__name__"],
      errorClass: InvalidNameError,
      message: '"__name__" is not a valid label name for metric "x"',
    },
    {
      name: "reserved __ prefix on a const label",
      fqName: "x",
      constLabels: { __meta: "1" },
      errorClass: InvalidNameError,
      message: '"__meta" is not a valid label name for metric "x"',
    },
    {
      name: "a variable label repeated",
      fqName: "x",
      variableLabels: ["a", "a"],
      errorClass: DuplicateLabelNamesError,
      message: "duplicate label names",
    },
    {
      name: "a const label repeated as a variable label",
      fqName: "x",
      variableLabels: ["a"],
      constLabels: { a: "1" },
      errorClass: DuplicateLabelNamesError,
      message: "duplicate label names",
    },
    {
      name: "a const label value with a lone high surrogate (no UTF-8 form)",
      fqName: "x",
      constLabels: { a: "\ud800" },
      errorClass: InvalidLabelValueError,
      message: 'label value "\\ud800" is not valid UTF-8',
    },
    {
      name: "a const label value with a lone low surrogate",
      fqName: "x",
      constLabels: { a: "ok\udc00" },
      errorClass: InvalidLabelValueError,
      message: 'label value "ok\\udc00" is not valid UTF-8',
    },
  ];

  it.each(errorCases.map((c) => [c.name, c] as const))("records, without throwing: %s", (_name, c) => {
    const desc = newDesc(c.fqName, "h", c.variableLabels ?? null, c.constLabels ?? null);
    expect(desc.err).toBeInstanceOf(c.errorClass);
    expect(desc.err?.message).toBe(c.message);
  });

  it("carries the rejected name and its kind in InvalidNameError", () => {
    const metric = newDesc("1bad", "h").err as InvalidNameError;
    const label = newDesc("x", "h", ["__x"]).err as InvalidNameError;
    expect([metric.invalidName, metric.kind]).toEqual(["1bad", "metric"]);
    expect([label.invalidName, label.kind]).toEqual(["__x", "label"]);
  });

  it("accepts a well-formed astral character in a const label value", () => {
    expect(newDesc("x", "h", null, { a: "🙂" }).err).toBeUndefined();
  });

  it("accepts colons in metric names and a single underscore as label name", () => {
    expect(newDesc("a:b:c", "h", ["_"], { _x: "1" }).err).toBeUndefined();
  });
});

describe("newInvalidDesc", () => {
  it("carries the given error", () => {
    const err = new InvalidValueError("cannot describe myself");
    const desc = newInvalidDesc(err);
    expect(desc.err).toBe(err);
    expect(desc.fqName).toBe("");
  });

  it("lets an explicit error win over a valid construction, as wrapping does", () => {
    const err = new InvalidValueError("wrapped");
    expect(new Desc("ok", "h", null, null, err).err).toBe(err);
  });
});

describe("Desc.toString", () => {
  const cases: [desc: Desc, text: string][] = [
    [
      newDesc("x", "h", ["c", "d"], { a: "b" }),
      'Desc{fqName: "x", help: "h", constLabels: {a="b"}, variableLabels: [c d]}',
    ],
    [newDesc("x", "h"), 'Desc{fqName: "x", help: "h", constLabels: {}, variableLabels: []}'],
    [
      newDesc("x", "h", null, { z: "1", a: "2" }),
      'Desc{fqName: "x", help: "h", constLabels: {a="2",z="1"}, variableLabels: []}',
    ],
    [
      newDesc("x", 'say "hi"\n\\', null, { a: 'q"\n' }),
      'Desc{fqName: "x", help: "say \\"hi\\"\\n\\\\", constLabels: {a="q\\"\\n"}, variableLabels: []}',
    ],
    [
      // An invalid descriptor has no const label pairs, as in Go.
      newDesc("1bad", "h", ["v"], { a: "b" }),
      'Desc{fqName: "1bad", help: "h", constLabels: {}, variableLabels: [v]}',
    ],
    [newDesc("x", "tab\there", null, { a: "é🙂" }), 'Desc{fqName: "x", help: "tab\\there", constLabels: {a="é🙂"}, variableLabels: []}'],
  ];
  it.each(cases.map(([desc, text]) => [text, desc] as const))("%s", (text, desc) => {
    expect(desc.toString()).toBe(text);
    expect(`${desc}`).toBe(text);
  });
});
