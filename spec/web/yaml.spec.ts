/**
 * The YAML subset of web configuration files: one table of inputs and the values they give
 * (checked against gopkg.in/yaml.v2 when the table was written), one of inputs outside the
 * subset and the line and column of the error.
 */
import { describe, expect, it } from "vitest";

import { parse, parseDocument, resolveScalar, YamlError, type YamlScalar } from "../../lib/web/yaml.js";

/** obj builds the null-prototype objects parse returns, for toEqual. */
function obj(entries: Record<string, unknown>): Record<string, unknown> {
  return Object.assign(Object.create(null) as Record<string, unknown>, entries);
}

const values: { name: string; yaml: string; value: unknown }[] = [
  { name: "empty document", yaml: "", value: null },
  { name: "only comments", yaml: "# a comment\n\n   # another\n", value: null },
  { name: "document start alone", yaml: "---\n", value: null },
  { name: "block mapping", yaml: "a: 1\nb: two\n", value: obj({ a: 1, b: "two" }) },
  { name: "empty value is null", yaml: "a:\nb: ~\nc: null\nd: NULL\n", value: obj({ a: null, b: null, c: null, d: null }) },
  {
    name: "YAML 1.1 booleans",
    yaml: "a: yes\nb: No\nc: on\nd: OFF\ne: y\nf: TRUE\ng: false\n",
    value: obj({ a: true, b: false, c: true, d: false, e: true, f: true, g: false }),
  },
  {
    name: "integers and floats as yaml.v2 reads them",
    yaml: "a: 0x1F\nb: 017\nc: 0o17\nd: 0b101\ne: 1_000\nf: +5\ng: -3\nh: 1.5\ni: 1e3\nj: .5\nk: 08\n",
    value: obj({ a: 31, b: 15, c: 15, d: 5, e: 1000, f: 5, g: -3, h: 1.5, i: 1000, j: 0.5, k: 8 }),
  },
  { name: "infinities", yaml: "a: .inf\nb: -.Inf\n", value: obj({ a: Infinity, b: -Infinity }) },
  { name: "timestamps stay text", yaml: "a: 2001-12-14\n", value: obj({ a: "2001-12-14" }) },
  { name: "not numbers", yaml: "a: 1e\nb: 0x\nc: 12:30\nd: 1.2.3\n", value: obj({ a: "1e", b: "0x", c: "12:30", d: "1.2.3" }) },
  { name: "nested mappings", yaml: "a:\n  b:\n    c: d\n  e: f\ng: h\n", value: obj({ a: obj({ b: obj({ c: "d" }), e: "f" }), g: "h" }) },
  { name: "indented sequence", yaml: "list:\n  - a\n  - b\n", value: obj({ list: ["a", "b"] }) },
  { name: "sequence at the key's indentation", yaml: "list:\n- a\n- b\nother: c\n", value: obj({ list: ["a", "b"], other: "c" }) },
  {
    name: "mapping and sequence inside sequence entries",
    yaml: "- a\n- b: c\n  d: e\n- - x\n  - y\n",
    value: ["a", obj({ b: "c", d: "e" }), ["x", true]],
  },
  { name: "empty entries", yaml: "-\n- x\n- \n  a: b\n", value: [null, "x", obj({ a: "b" })] },
  { name: "flow sequence", yaml: "a: [1, b, 'c', \"d\"]\n", value: obj({ a: [1, "b", "c", "d"] }) },
  { name: "flow sequence, trailing comma", yaml: "a: [a, b,]\n", value: obj({ a: ["a", "b"] }) },
  { name: "nested flow", yaml: "a: [1, [2, 3], {x: z}]\n", value: obj({ a: [1, [2, 3], obj({ x: "z" })] }) },
  { name: "flow mapping, key without value", yaml: "a: {b: c, d}\n", value: obj({ a: obj({ b: "c", d: null }) }) },
  { name: "empty flow collections", yaml: "a: []\nb: {}\n", value: obj({ a: [], b: obj({}) }) },
  { name: "single quotes", yaml: "a: 'it''s # not a comment'\n", value: obj({ a: "it's # not a comment" }) },
  {
    name: "double-quoted escapes",
    yaml: 'a: "tab\\tnl\\n\\u00e9\\x41\\U0001F600\\"\\\\\\/\\0\\e\\N\\_\\L\\P"\n',
    value: obj({ a: "tab\tnl\néA😀\"\\/\0\x1b\u0085\u00a0\u2028\u2029" }),
  },
  { name: "quoted scalars are strings", yaml: "a: 'yes'\nb: \"1\"\nc: ''\n", value: obj({ a: "yes", b: "1", c: "" }) },
  { name: "quoted keys", yaml: "\"quoted key\": v\n'single': w\n", value: obj({ "quoted key": "v", single: "w" }) },
  { name: "comments", yaml: "a: b # comment\nc: 'd' # x\ne: f#g\n", value: obj({ a: "b", c: "d", e: "f#g" }) },
  { name: "multi-line plain scalar folds", yaml: "a: b c\n  d e\n\n  f\n", value: obj({ a: "b c d e\nf" }) },
  { name: "value on the next line", yaml: "a:    \n  b\n", value: obj({ a: "b" }) },
  { name: "top-level plain lines fold", yaml: "hWk\nTuE\nay3\n", value: "hWk TuE ay3" },
  { name: "colons without a space", yaml: "a: http://x.y/z\nb: -x\n", value: obj({ a: "http://x.y/z", b: "-x" }) },
  { name: "bcrypt hash", yaml: "alice: $2y$10$abc./XYZ\n", value: obj({ alice: "$2y$10$abc./XYZ" }) },
  { name: "CRLF line ends", yaml: "a: 1\r\nb: 2\r\n", value: obj({ a: 1, b: 2 }) },
  { name: "byte order mark", yaml: "\uFEFFa: 1\n", value: obj({ a: 1 }) },
  { name: "document markers", yaml: "--- # start\na: 1\n...\n", value: obj({ a: 1 }) },
  { name: "comment lines inside mappings", yaml: "a:\n  # comment\n  b: 1\n", value: obj({ a: obj({ b: 1 }) }) },
  { name: "tab after the indentation", yaml: "a:\t1\n", value: obj({ a: 1 }) },
];

const errors: { name: string; yaml: string; line: number; column: number; reason: string }[] = [
  { name: "anchor", yaml: "a: &x 1\n", line: 1, column: 4, reason: "anchors are not supported" },
  { name: "alias", yaml: "a: 1\nb: *x\n", line: 2, column: 4, reason: "aliases are not supported" },
  { name: "tag", yaml: "a: !!str 1\n", line: 1, column: 4, reason: "tags are not supported" },
  { name: "literal block scalar", yaml: "a: |\n  x\n", line: 1, column: 4, reason: "block scalars (|) are not supported" },
  { name: "folded block scalar", yaml: "a: >\n  x\n", line: 1, column: 4, reason: "block scalars (>) are not supported" },
  { name: "complex key", yaml: "? a\n: b\n", line: 1, column: 1, reason: "complex mapping keys (?) are not supported" },
  { name: "second document", yaml: "a: 1\n---\nb: 2\n", line: 2, column: 1, reason: "multiple documents are not supported" },
  { name: "document after the end marker", yaml: "a: 1\n...\nb: 2\n", line: 3, column: 1, reason: "multiple documents are not supported" },
  { name: "directive", yaml: "%YAML 1.2\n---\na: 1\n", line: 1, column: 1, reason: "directives are not supported" },
  { name: "content on the --- line", yaml: "--- a\n", line: 1, column: 5, reason: "content on the '---' line is not supported" },
  { name: "tab indentation", yaml: "a:\n\tb: 1\n", line: 2, column: 1, reason: "tabs are not allowed for indentation" },
  { name: "tab after spaces", yaml: "a:\n  \tb: 1\n", line: 2, column: 3, reason: "tabs are not allowed for indentation" },
  { name: "nested mapping on the key's line", yaml: "a: b: c\n", line: 1, column: 5, reason: "mapping values are not allowed in this context" },
  {
    name: "continuation that looks like a key",
    yaml: "a: 1\n  b: 2\n",
    line: 2,
    column: 4,
    reason: "mapping values are not allowed in this context",
  },
  { name: "bad sequence indentation", yaml: "a:\n  - x\n - y\n", line: 3, column: 2, reason: "bad indentation of a mapping entry" },
  {
    name: "sequence on the key's line",
    yaml: "a: -x\nb: - y\n",
    line: 2,
    column: 4,
    reason: "block sequence entries are not allowed on the line of their key",
  },
  { name: "key after a top-level sequence", yaml: "- a\nb: c\n", line: 2, column: 1, reason: "unexpected content after the document (check the indentation)" },
  { name: "text without a colon in a mapping", yaml: "a: 1\nb\n", line: 2, column: 1, reason: "could not find expected ':'" },
  { name: "unknown escape", yaml: 'a: "\\q"\n', line: 1, column: 5, reason: 'found unknown escape character "q"' },
  { name: "bad \\u escape", yaml: 'a: "\\u12"\n', line: 1, column: 5, reason: 'found unknown escape character "u"' },
  { name: "quoted scalar over two lines", yaml: "a: 'x\n  y'\n", line: 1, column: 4, reason: "quoted scalars must end on the line they start" },
  { name: "flow sequence over two lines", yaml: "a: [x,\n  y]\n", line: 1, column: 7, reason: "flow collections must close (']') on the line they open" },
  { name: "mapping in a flow sequence", yaml: "a: [b: c]\n", line: 1, column: 5, reason: "mappings inside flow sequences are not supported" },
  { name: "missing comma", yaml: "a: ['b' c]\n", line: 1, column: 9, reason: "did not find expected ',' or ']'" },
  { name: "text after a quoted value", yaml: "a: 'x' y\n", line: 1, column: 8, reason: "unexpected text after the value" },
  { name: "text after a flow value", yaml: "a: [x] y\n", line: 1, column: 8, reason: "unexpected text after the value" },
  { name: "reserved @", yaml: "a: @x\n", line: 1, column: 4, reason: "a plain scalar cannot start with '@' (reserved)" },
  { name: "reserved backtick", yaml: "a: `x`\n", line: 1, column: 4, reason: "a plain scalar cannot start with '`' (reserved)" },
  { name: "percent", yaml: "a: %x\n", line: 1, column: 4, reason: "a plain scalar cannot start with '%'" },
  { name: "control character", yaml: "a: b\x01\n", line: 1, column: 5, reason: "control characters are not allowed" },
  { name: "columns count characters", yaml: "é: ü: x\n", line: 1, column: 5, reason: "mapping values are not allowed in this context" },
];

describe("parse", () => {
  it.each(values)("$name", ({ yaml, value }) => {
    expect(parse(yaml)).toEqual(value);
  });

  it.each(errors)("refuses $name at line $line, column $column", ({ yaml, line, column, reason }) => {
    let caught: unknown;
    try {
      parse(yaml);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(YamlError);
    expect(caught).toMatchObject({ line, column, reason, message: `yaml: line ${line}, column ${column}: ${reason}` });
  });

  it("gives what its @example says", () => {
    expect(parse("users:\n  alice: secret\nports: [9100, 9101]\ntls: yes\n")).toEqual(
      obj({ users: obj({ alice: "secret" }), ports: [9100, 9101], tls: true }),
    );
  });

  it("refuses a key given twice, naming the second", () => {
    expect(() => parse("a: 1\nb: 2\na: 3\n")).toThrow(new YamlError(3, 1, 'duplicate key "a"'));
  });
});

describe("parseDocument", () => {
  it("keeps positions, styles and duplicate keys for a strict decoder", () => {
    const doc = parseDocument("users:\n  alice: 'x'\n  alice: y\n");
    expect(doc).toMatchObject({ kind: "mapping", line: 1, column: 1 });
    if (doc?.kind !== "mapping") throw new Error("not a mapping");
    const users = doc.entries[0]!.value;
    if (users.kind !== "mapping") throw new Error("not a mapping");
    expect(users.entries.map(({ key, value }) => [key.value, key.line, key.column, value])).toEqual([
      ["alice", 2, 3, { kind: "scalar", value: "x", style: "single-quoted", line: 2, column: 10 }],
      ["alice", 3, 3, { kind: "scalar", value: "y", style: "plain", line: 3, column: 10 }],
    ]);
  });
});

describe("resolveScalar", () => {
  const scalar = (value: string, style: YamlScalar["style"] = "plain"): YamlScalar => ({ kind: "scalar", value, style, line: 1, column: 1 });

  it.each([
    ["", "!!null", null],
    ["~", "!!null", null],
    ["yes", "!!bool", true],
    ["Off", "!!bool", false],
    ["1", "!!int", 1],
    ["-0x10", "!!int", -16],
    ["1.5", "!!float", 1.5],
    ["2024-01-02", "!!timestamp", "2024-01-02"],
    ["2024-01-02T03:04:05Z", "!!timestamp", "2024-01-02T03:04:05Z"],
    ["TLS12", "!!str", "TLS12"],
  ])("resolves plain %j as %s", (text, tag, value) => {
    expect(resolveScalar(scalar(text))).toEqual({ tag, value });
  });

  it("never resolves quoted scalars", () => {
    expect(resolveScalar(scalar("true", "double-quoted"))).toEqual({ tag: "!!str", value: "true" });
    expect(resolveScalar(scalar("", "single-quoted"))).toEqual({ tag: "!!str", value: "" });
  });
});
