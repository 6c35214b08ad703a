/**
 * A small YAML parser for the subset that web configuration files use, with positions kept on
 * every node so that a decoder can report `line 4: field foo not found in type web.TLSConfig`
 * as gopkg.in/yaml.v2 does.
 *
 * Counterparts: gopkg.in/yaml.v2 (`scannerc.go`/`parserc.go` for the grammar, `resolve.go` for
 * what a plain scalar means) and the YAML 1.2 specification. The subset:
 * - block mappings (`key: value`) and block sequences (`- item`), including a sequence at the
 *   same indentation as its key and a mapping that starts on a `- ` line;
 * - flow sequences (`[a, b]`) and flow mappings (`{a: 1}`) on one line;
 * - plain scalars (also over several lines, folded as YAML folds them), single-quoted scalars
 *   (`''` is a quote) and double-quoted scalars with every YAML escape, each on one line;
 * - comments, blank lines, a leading `---` and a trailing `...`; empty values are null.
 *
 * Everything else is a {@link YamlError} naming the line and column: anchors, aliases, tags,
 * block scalars (`|`, `>`), complex keys (`? `), directives, several documents, quoted scalars
 * or flow collections spanning lines, and tabs used for indentation.
 *
 * Plain scalars are resolved as yaml.v2 resolves them (YAML 1.1: `yes`/`on`/`off` are booleans,
 * `0x1F` and `017` are integers); see {@link resolveScalar}.
 *
 * @module
 */

import { Parser } from "./yaml-block.js";
import { type Resolved, YamlError, type YamlNode, type YamlScalar } from "./yaml-nodes.js";

export {
  type Resolved,
  type ScalarStyle,
  type ScalarTag,
  YamlError,
  type YamlEntry,
  type YamlMapping,
  type YamlNode,
  type YamlScalar,
  type YamlSequence,
} from "./yaml-nodes.js";

/**
 * parseDocument parses one YAML document into nodes with positions. An empty document (only
 * blank lines and comments) gives `null`.
 *
 * @throws {YamlError} for text outside the subset.
 */
export function parseDocument(text: string): YamlNode | null {
  return new Parser(text).document();
}

/**
 * parse parses one YAML document into plain values: objects (with a null prototype), arrays,
 * strings, numbers, booleans and null, resolving plain scalars as yaml.v2 does.
 *
 * @throws {YamlError} for text outside the subset, and for a key given twice in one mapping.
 *
 * @example
 * ```ts
 * parse("users:\n  alice: secret\nports: [9100, 9101]\ntls: yes\n");
 * // { users: { alice: "secret" }, ports: [9100, 9101], tls: true }
 * ```
 */
export function parse(text: string): unknown {
  const node = parseDocument(text);
  return node === null ? null : toValue(node);
}

function toValue(node: YamlNode): unknown {
  switch (node.kind) {
    case "scalar":
      return resolveScalar(node).value;
    case "sequence":
      return node.items.map(toValue);
    case "mapping": {
      const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
      for (const { key, value } of node.entries) {
        const name = String(resolveScalar(key).value ?? "");
        if (Object.hasOwn(out, name)) {
          throw new YamlError(key.line, key.column, `duplicate key ${JSON.stringify(name)}`);
        }
        out[name] = toValue(value);
      }
      return out;
    }
  }
}

/** yaml.v2's fixed words (resolve.go): YAML 1.1 booleans, nulls, infinities and NaN. */
const words = new Map<string, Resolved>();
for (const w of ["y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"]) {
  words.set(w, { tag: "!!bool", value: true });
}
for (const w of ["n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"]) {
  words.set(w, { tag: "!!bool", value: false });
}
for (const w of ["", "~", "null", "Null", "NULL"]) words.set(w, { tag: "!!null", value: null });
for (const w of [".nan", ".NaN", ".NAN"]) words.set(w, { tag: "!!float", value: NaN });
for (const w of [".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"]) words.set(w, { tag: "!!float", value: Infinity });
for (const w of ["-.inf", "-.Inf", "-.INF"]) words.set(w, { tag: "!!float", value: -Infinity });

/** Go's strconv.ParseInt(s, 0, 64) syntax, after yaml.v2 removed the underscores. */
const goInt = /^[-+]?(?:0[xX][0-9a-fA-F]+|0[oO]?[0-7]+|0[bB][01]+|[1-9][0-9]*|0)$/;
/** yaml.v2's `yamlStyleFloat`. */
const yamlFloat = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;
/** The start of yaml.v2's timestamp formats: four digits and a dash. */
const timestamp = /^\d{4}-\d\d?-\d\d?(?:(?:[Tt]|[ \t]+)\d\d?:\d\d?:\d\d?(?:\.\d*)?(?:[ \t]*(?:Z|[-+]\d\d?(?::\d\d)?))?)?$/;

/**
 * resolveScalar says what a scalar means, as yaml.v2's `resolve` does: quoted scalars are
 * strings; plain ones may be null, a YAML 1.1 boolean, an integer (decimal, `0x`, `0o`, `0b`,
 * or octal with a leading `0`; `_` ignored), a float, or a timestamp (kept as text).
 */
export function resolveScalar(node: YamlScalar): Resolved {
  const s = node.value;
  if (node.style !== "plain") return { tag: "!!str", value: s };
  const word = words.get(s);
  if (word !== undefined) return word;
  const first = s[0] ?? "";
  if (first === ".") {
    if (yamlFloat.test(s)) return { tag: "!!float", value: Number(s) };
  } else if (/[-+0-9]/.test(first)) {
    if (timestamp.test(s)) return { tag: "!!timestamp", value: s };
    const plain = s.replaceAll("_", "");
    if (goInt.test(plain)) return { tag: "!!int", value: parseGoInt(plain) };
    if (yamlFloat.test(plain)) return { tag: "!!float", value: Number(plain) };
  }
  return { tag: "!!str", value: s };
}

function parseGoInt(s: string): number {
  const negative = s.startsWith("-");
  const digits = s.replace(/^[-+]/, "");
  let n: number;
  if (/^0[xX]/.test(digits)) n = Number.parseInt(digits.slice(2), 16);
  else if (/^0[bB]/.test(digits)) n = Number.parseInt(digits.slice(2), 2);
  else if (/^0[oO]/.test(digits)) n = Number.parseInt(digits.slice(2), 8);
  else if (digits.length > 1 && digits.startsWith("0")) n = Number.parseInt(digits.slice(1), 8);
  else n = Number.parseInt(digits, 10);
  return negative ? -n : n;
}
