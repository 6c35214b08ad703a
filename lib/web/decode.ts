/**
 * Strict decoding of YAML nodes into typed values, with the errors gopkg.in/yaml.v2's
 * `UnmarshalStrict` gives: every problem is collected with its line, and the whole list is
 * reported as `yaml: unmarshal errors:` followed by one `line N: ...` per problem.
 *
 * Counterpart: gopkg.in/yaml.v2 `decode.go` (`terror`, `scalar`, `sequence`, `mapping`,
 * `mappingStruct`, `setMapIndex`) and `yaml.go` (`TypeError`). The Go type names in messages
 * (`web.TLSConfig`, `[]web.Cipher`, `map[string]string`) are passed in by the caller, so the
 * text matches what exporter-toolkit prints.
 *
 * The rules, as yaml.v2 applies them:
 * - a null (empty, `~`, `null`) sets the zero value: `""`, `false`, an empty list or map, and
 *   for a struct the zero struct, defaults included;
 * - any other scalar decodes into a string as the text it was written with (`1` is `"1"`);
 * - a bool takes only a YAML 1.1 boolean (`true`, `yes`, `on`, ...);
 * - a struct field or map key given twice, and an unknown struct field, are errors.
 *
 * @module
 */

import { resolveScalar, type YamlNode } from "./yaml.js";

/** Issue is one problem found while decoding: its 1-based line and yaml.v2's text for it. */
export interface Issue {
  readonly line: number;
  readonly message: string;
}

/** Decoder fills typed values from nodes and collects the problems it meets. */
export class Decoder {
  /** The problems found so far, in document order. */
  readonly issues: Issue[] = [];

  /** isNull reports whether `node` is a null scalar (empty, `~`, `null`, `Null`, `NULL`). */
  isNull(node: YamlNode): boolean {
    return node.kind === "scalar" && resolveScalar(node).tag === "!!null";
  }

  /**
   * typeError records yaml.v2's `cannot unmarshal !!str \`abc\` into bool`. Scalars show their
   * text, cut to 7 characters and `...` when longer than 10, as yaml.v2 does.
   */
  typeError(node: YamlNode, goType: string): undefined {
    let what: string;
    if (node.kind === "sequence") what = "!!seq";
    else if (node.kind === "mapping") what = "!!map";
    else {
      const text = node.value.length > 10 ? `${node.value.slice(0, 7)}...` : node.value;
      what = `${resolveScalar(node).tag} \`${text}\``;
    }
    this.issues.push({ line: node.line, message: `cannot unmarshal ${what} into ${goType}` });
    return undefined;
  }

  /** string decodes a scalar as the text it was written with; null is `""`. */
  string(node: YamlNode, goType = "string"): string | undefined {
    if (node.kind !== "scalar") return this.typeError(node, goType);
    return this.isNull(node) ? "" : node.value;
  }

  /** bool decodes a YAML 1.1 boolean; null is `false`. */
  bool(node: YamlNode): boolean | undefined {
    if (node.kind === "scalar") {
      const { tag, value } = resolveScalar(node);
      if (tag === "!!null") return false;
      if (tag === "!!bool") return value as boolean;
    }
    return this.typeError(node, "bool");
  }

  /**
   * struct decodes a mapping into the fields of a Go struct: `fields` maps each YAML key to
   * the function that decodes its value. A null calls `setZero`. Unknown keys and keys given
   * twice are recorded as yaml.v2 records them, at the line of the key.
   */
  struct(node: YamlNode, goType: string, fields: Record<string, (value: YamlNode) => void>, setZero: () => void): void {
    if (this.isNull(node)) {
      setZero();
      return;
    }
    if (node.kind !== "mapping") {
      this.typeError(node, goType);
      return;
    }
    const seen = new Set<string>();
    for (const { key, value } of node.entries) {
      const name = this.string(key) ?? "";
      const decode = Object.hasOwn(fields, name) ? fields[name] : undefined;
      if (decode === undefined) {
        this.issues.push({ line: key.line, message: `field ${name} not found in type ${goType}` });
      } else if (seen.has(name)) {
        this.issues.push({ line: key.line, message: `field ${name} already set in type ${goType}` });
      } else {
        seen.add(name);
        decode(value);
      }
    }
  }

  /**
   * map decodes a mapping with string keys; `decodeValue` returns undefined for a value it
   * could not decode, which is then left out, as yaml.v2 leaves it out. A null is an absent
   * (empty) map. A key given twice is recorded at the line of its second value.
   */
  map<T>(node: YamlNode, goType: string, decodeValue: (value: YamlNode) => T | undefined): Map<string, T> | undefined {
    if (this.isNull(node)) return new Map();
    if (node.kind !== "mapping") return this.typeError(node, goType);
    const out = new Map<string, T>();
    for (const { key, value } of node.entries) {
      const name = this.string(key) ?? "";
      const decoded = decodeValue(value);
      if (decoded === undefined) continue;
      if (out.has(name)) {
        this.issues.push({ line: value.line, message: `key ${goQuote(name)} already set in map` });
        continue;
      }
      out.set(name, decoded);
    }
    return out;
  }

  /**
   * slice decodes a sequence; items that `decodeItem` could not decode are left out. A null
   * is an empty list.
   */
  slice<T>(node: YamlNode, goType: string, decodeItem: (item: YamlNode) => T | undefined): T[] | undefined {
    if (this.isNull(node)) return [];
    if (node.kind !== "sequence") return this.typeError(node, goType);
    const out: T[] = [];
    for (const item of node.items) {
      const decoded = decodeItem(item);
      if (decoded !== undefined) out.push(decoded);
    }
    return out;
  }
}

/**
 * goQuote quotes a string as Go's `%q` (strconv.Quote) does: double quotes, `\"` and `\\`,
 * the C escapes, `\x..` for other control bytes, and printable Unicode kept as it is.
 */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    const simple = goEscapes[ch];
    if (simple !== undefined) out += simple;
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, "0")}`;
    else if (ch === " " || /[\p{L}\p{M}\p{N}\p{P}\p{S}]/u.test(ch)) out += ch;
    else if (code <= 0xffff) out += `\\u${code.toString(16).padStart(4, "0")}`;
    else out += `\\U${code.toString(16).padStart(8, "0")}`;
  }
  return `${out}"`;
}

const goEscapes: Record<string, string> = {
  '"': '\\"', "\\": "\\\\", "\x07": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\v": "\\v",
};
