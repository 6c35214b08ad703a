/**
 * The pieces of the YAML parser that work within one line: flow collections (`[a, b]`,
 * `{a: 1}`), single- and double-quoted scalars with their escapes, and the character tests the
 * block parser shares. See yaml.ts for the subset.
 *
 * Counterpart: gopkg.in/yaml.v2 `scannerc.go` (`yaml_parser_scan_flow_scalar`, the flow
 * indicators) and the YAML 1.2 specification, 5.7 (escapes) and 7.4 (flow collections).
 *
 * @module
 */

import type { YamlEntry, YamlMapping, YamlNode, YamlSequence } from "./yaml-nodes.js";

/** The characters that may not start a plain scalar, and why. */
export const indicators: Record<string, string> = {
  "&": "anchors are not supported",
  "*": "aliases are not supported",
  "!": "tags are not supported",
  "|": "block scalars (|) are not supported",
  ">": "block scalars (>) are not supported",
  "%": "a plain scalar cannot start with '%'",
  "@": "a plain scalar cannot start with '@' (reserved)",
  "`": "a plain scalar cannot start with '`' (reserved)",
  ",": "unexpected ','",
  "]": "unexpected ']'",
  "}": "unexpected '}'",
};

/** mergeKeyReason is why a plain `<<` key is refused: yaml.v2 would merge, this subset cannot. */
export const mergeKeyReason = "merge keys (<<) are not supported: write the entries out (anchors and aliases are not supported either)";

export const controlChar = /[\x00-\x08\x0B\x0C\x0E-\x1F\x7F]/;

/**
 * maxDepth is how deeply collections may nest, block and flow together. yaml.v2 stops at 10000
 * (`exceeded max depth of 10000`); this recursive parser would run out of stack before that, so
 * it stops at 1000, with yaml.v2's words. A web configuration nests four levels at most.
 */
export const maxDepth = 1000;

/** FlowParser reads one flow collection that must close on its line. */
export class FlowParser {
  #depth: number;

  /** `depth` is how many collections enclose this one already (see maxDepth). */
  constructor(
    readonly line: string,
    readonly row: number,
    readonly fail: (row: number, col: number, reason: string) => never,
    depth = 0,
  ) {
    this.#depth = depth;
  }

  collection(col: number): { node: YamlNode; end: number } {
    if (++this.#depth > maxDepth) this.fail(this.row, col, `exceeded max depth of ${maxDepth}`);
    try {
      return this.line[col] === "[" ? this.#sequence(col) : this.#mapping(col);
    } finally {
      this.#depth--;
    }
  }

  #sequence(col: number): { node: YamlSequence; end: number } {
    const items: YamlNode[] = [];
    let i = skipSpaces(this.line, col + 1);
    while (this.line[i] !== "]") {
      this.#expectMore(i, "]");
      const item = this.#node(i, "]");
      if (item.isKey) this.fail(this.row, i, "mappings inside flow sequences are not supported");
      items.push(item.node);
      i = this.#separator(skipSpaces(this.line, item.end), "]");
    }
    return { node: { kind: "sequence", items, line: this.row + 1, column: col + 1 }, end: i + 1 };
  }

  #mapping(col: number): { node: YamlMapping; end: number } {
    const entries: YamlEntry[] = [];
    let i = skipSpaces(this.line, col + 1);
    while (this.line[i] !== "}") {
      this.#expectMore(i, "}");
      const key = this.#node(i, "}");
      if (key.node.kind !== "scalar") this.fail(this.row, i, "only scalar keys are supported");
      if (key.node.style === "plain" && key.node.value === "<<") this.fail(this.row, i, mergeKeyReason);
      let j = skipSpaces(this.line, key.end);
      let value: YamlNode = { kind: "scalar", value: "", style: "plain", line: this.row + 1, column: j + 1 };
      if (this.line[j] === ":") {
        j = skipSpaces(this.line, j + 1);
        if (this.line[j] !== "," && this.line[j] !== "}") {
          this.#expectMore(j, "}");
          const v = this.#node(j, "}");
          if (v.isKey) this.fail(this.row, v.end, "mapping values are not allowed in this context");
          value = v.node;
          j = skipSpaces(this.line, v.end);
        }
      }
      entries.push({ key: key.node, value });
      i = this.#separator(j, "}");
    }
    return { node: { kind: "mapping", entries, line: this.row + 1, column: col + 1 }, end: i + 1 };
  }

  /** node reads one flow node at `i`; `isKey` tells that a `:` follows it. */
  #node(i: number, close: string): { node: YamlNode; end: number; isKey: boolean } {
    const c = this.line[i]!;
    let node: YamlNode;
    let end: number;
    if (c === "[" || c === "{") {
      ({ node, end } = this.collection(i));
    } else if (c === '"' || c === "'") {
      const q = readQuoted(this.line, i, (col, m) => this.fail(this.row, col, m));
      node = { kind: "scalar", value: q.value, style: c === '"' ? "double-quoted" : "single-quoted", line: this.row + 1, column: i + 1 };
      end = q.end;
    } else {
      const reason = indicators[c];
      if (reason !== undefined && c !== close) this.fail(this.row, i, reason);
      end = i;
      while (end < this.line.length && !",[]{}".includes(this.line[end]!)) {
        if (this.line[end] === ":" && (isBreakOrSpace(this.line, end + 1) || ",[]{}".includes(this.line[end + 1]!))) break;
        if (this.line[end] === "#" && this.line[end - 1] === " ") break;
        end++;
      }
      node = { kind: "scalar", value: this.line.slice(i, end).trim(), style: "plain", line: this.row + 1, column: i + 1 };
    }
    const after = skipSpaces(this.line, end);
    return { node, end, isKey: this.line[after] === ":" };
  }

  /** separator expects `,` (then possibly the closing bracket) or the closing bracket. */
  #separator(i: number, close: string): number {
    if (this.line[i] === close) return i;
    if (this.line[i] === ",") return skipSpaces(this.line, i + 1);
    this.#expectMore(i, close);
    return this.fail(this.row, i, `did not find expected ',' or '${close}'`);
  }

  #expectMore(i: number, close: string): void {
    if (i >= this.line.length || (this.line[i] === "#" && this.line[i - 1] === " ")) {
      this.fail(this.row, i, `flow collections must close ('${close}') on the line they open`);
    }
  }
}

/** The single-character escapes of double-quoted scalars (YAML 1.2, 5.7). */
const escapes: Record<string, string> = {
  "0": "\0", a: "\x07", b: "\b", t: "\t", "\t": "\t", n: "\n", v: "\v", f: "\f", r: "\r", e: "\x1b",
  " ": " ", '"': '"', "/": "/", "\\": "\\", N: "\u0085", _: "\u00a0", L: "\u2028", P: "\u2029",
};
const hexEscapes: Record<string, number> = { x: 2, u: 4, U: 8 };

/** readQuoted reads the quoted scalar at `col` of `line`; `end` is just past the closing quote. */
export function readQuoted(line: string, col: number, fail: (col: number, reason: string) => never): { value: string; end: number } {
  const quote = line[col]!;
  let value = "";
  let i = col + 1;
  for (;;) {
    if (i >= line.length) return fail(col, "quoted scalars must end on the line they start");
    const c = line[i]!;
    if (quote === "'") {
      if (c === "'") {
        if (line[i + 1] !== "'") return { value, end: i + 1 };
        value += "'";
        i += 2;
        continue;
      }
      value += c;
      i++;
      continue;
    }
    if (c === '"') return { value, end: i + 1 };
    if (c !== "\\") {
      value += c;
      i++;
      continue;
    }
    const e = line[i + 1];
    if (e === undefined) return fail(i, "quoted scalars must end on the line they start");
    const simple = escapes[e];
    if (simple !== undefined) {
      value += simple;
      i += 2;
      continue;
    }
    const width = hexEscapes[e];
    const hex = width === undefined ? "" : line.slice(i + 2, i + 2 + width);
    if (width === undefined || !new RegExp(`^[0-9a-fA-F]{${width}}$`).test(hex)) {
      return fail(i, `found unknown escape character ${JSON.stringify(e)}`);
    }
    const code = Number.parseInt(hex, 16);
    if (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return fail(i, `invalid Unicode escape \\${e}${hex}`);
    value += String.fromCodePoint(code);
    i += 2 + width;
  }
}

/** quotedEnd returns the index just past the quoted scalar at `col`, or -1 if it does not end. */
export function quotedEnd(line: string, col: number): number {
  const quote = line[col];
  for (let i = col + 1; i < line.length; i++) {
    if (quote === '"' && line[i] === "\\") i++;
    else if (line[i] === quote) {
      if (quote === "'" && line[i + 1] === "'") i++;
      else return i + 1;
    }
  }
  return -1;
}

export function indentOf(line: string): number {
  let i = 0;
  while (line[i] === " ") i++;
  return i;
}

export function skipSpaces(line: string, i: number): number {
  while (line[i] === " " || line[i] === "\t") i++;
  return i;
}

export function isBreakOrSpace(line: string, i: number): boolean {
  return i >= line.length || line[i] === " " || line[i] === "\t";
}

export function isBlankOrComment(text: string): boolean {
  return /^[ \t]*(?:#.*)?$/.test(text);
}

export function isSequenceEntry(line: string, col: number): boolean {
  return line[col] === "-" && isBreakOrSpace(line, col + 1);
}

export function isMarker(line: string, marker: "---" | "..."): boolean {
  return line.startsWith(marker) && isBreakOrSpace(line, 3);
}

export function isDocumentMarker(line: string): boolean {
  return isMarker(line, "---") || isMarker(line, "...");
}
