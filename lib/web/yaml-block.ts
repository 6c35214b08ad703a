/**
 * The block structure of a YAML document: mappings and sequences by indentation, plain
 * scalars over several lines, document markers. See yaml.ts for the subset.
 *
 * Counterpart: gopkg.in/yaml.v2 `scannerc.go` (indentation, `yaml_parser_scan_plain_scalar`)
 * and `parserc.go` (block mappings and sequences, the indentless sequence of a mapping value).
 *
 * @module
 */

import {
  controlChar,
  FlowParser,
  indentOf,
  indicators,
  isBlankOrComment,
  isBreakOrSpace,
  isDocumentMarker,
  isMarker,
  isSequenceEntry,
  maxDepth,
  mergeKeyReason,
  quotedEnd,
  readQuoted,
  skipSpaces,
} from "./yaml-flow.js";
import { type ScalarStyle, YamlError, type YamlEntry, type YamlMapping, type YamlNode, type YamlScalar, type YamlSequence } from "./yaml-nodes.js";

/** Parser walks the lines of one document; `row` is the next line not yet consumed. */
export class Parser {
  readonly #lines: string[];
  #row = 0;
  /** How many block collections enclose the node being parsed (see maxDepth). */
  #depth = 0;

  constructor(text: string) {
    this.#lines = text.replace(/^\uFEFF/, "").split(/\r\n|\r|\n/);
    this.#lines.forEach((line, i) => {
      const bad = controlChar.exec(line);
      if (bad !== null) this.#fail(i, bad.index, "control characters are not allowed");
    });
  }

  document(): YamlNode | null {
    let start = this.#nextContent();
    if (start >= 0 && this.#lines[start]!.startsWith("%")) this.#fail(start, 0, "directives are not supported");
    if (start >= 0 && isMarker(this.#lines[start]!, "---")) {
      if (!isBlankOrComment(this.#lines[start]!.slice(3))) {
        this.#fail(start, 4, "content on the '---' line is not supported");
      }
      this.#row = start + 1;
      start = this.#nextContent();
    }
    let node: YamlNode | null = null;
    if (start >= 0 && !isMarker(this.#lines[start]!, "...") && !isMarker(this.#lines[start]!, "---")) {
      node = this.#blockNode(start, indentOf(this.#lines[start]!), -1);
    }
    const rest = this.#nextContent();
    if (rest < 0) return node;
    const line = this.#lines[rest]!;
    if (isMarker(line, "---")) this.#fail(rest, 0, "multiple documents are not supported");
    if (isMarker(line, "...") && isBlankOrComment(line.slice(3))) {
      this.#row = rest + 1;
      const after = this.#nextContent();
      if (after < 0) return node;
      this.#fail(after, indentOf(this.#lines[after]!), "multiple documents are not supported");
    }
    return this.#fail(rest, indentOf(line), node === null ? "unexpected content" : "unexpected content after the document (check the indentation)");
  }

  /**
   * nextContent skips blank and comment lines and returns the index of the next line with
   * content (or -1 at the end), refusing tabs used as indentation on the way.
   */
  #nextContent(): number {
    for (let i = this.#row; i < this.#lines.length; i++) {
      const line = this.#lines[i]!;
      if (isBlankOrComment(line)) continue;
      const indent = indentOf(line);
      if (line[indent] === "\t") this.#fail(i, indent, "tabs are not allowed for indentation");
      return i;
    }
    return -1;
  }

  /**
   * blockNode parses the node that starts at `col` of line `row`: a block sequence, a block
   * mapping, or an inline value. `parent` is the indentation of the enclosing collection (-1 at
   * the top), which bounds a multi-line plain scalar.
   */
  #blockNode(row: number, col: number, parent: number): YamlNode {
    const line = this.#lines[row]!;
    if (line[col] === "?" && (line.length === col + 1 || line[col + 1] === " ")) {
      this.#fail(row, col, "complex mapping keys (?) are not supported");
    }
    const sequence = isSequenceEntry(line, col);
    if (!sequence && this.#mappingKeyEnd(row, col) < 0) return this.#inlineValue(row, col, parent);
    if (++this.#depth > maxDepth) this.#fail(row, col, `exceeded max depth of ${maxDepth}`);
    try {
      return sequence ? this.#blockSequence(row, col) : this.#blockMapping(row, col);
    } finally {
      this.#depth--;
    }
  }

  /** blockSequence parses `- item` lines at indentation `col`; the first is at `row`. */
  #blockSequence(row: number, col: number): YamlSequence {
    const items: YamlNode[] = [];
    let at = row;
    for (;;) {
      const line = this.#lines[at]!;
      const content = skipSpaces(line, col + 1);
      if (isBlankOrComment(line.slice(content))) {
        this.#row = at + 1;
        items.push(this.#indentedValue(col, false, at, col + 1));
      } else {
        items.push(this.#blockNode(at, content, col));
      }
      at = this.#nextContent();
      if (at < 0 || isDocumentMarker(this.#lines[at]!)) break;
      const indent = indentOf(this.#lines[at]!);
      if (indent < col) break;
      if (indent > col) this.#fail(at, indent, "bad indentation of a sequence entry");
      if (!isSequenceEntry(this.#lines[at]!, col)) break; // e.g. the next key of an enclosing mapping
    }
    return { kind: "sequence", items, line: row + 1, column: col + 1 };
  }

  /** blockMapping parses `key: value` lines at indentation `col`; the first is at `row`. */
  #blockMapping(row: number, col: number): YamlMapping {
    const entries: YamlEntry[] = [];
    let at = row;
    for (;;) {
      const keyEnd = this.#mappingKeyEnd(at, col);
      if (keyEnd < 0) {
        const line = this.#lines[at]!;
        if (isSequenceEntry(line, col)) this.#fail(at, col, "a sequence entry where a mapping key was expected");
        this.#fail(at, col, "could not find expected ':'");
      }
      const key = this.#key(at, col, keyEnd);
      const line = this.#lines[at]!;
      const valueCol = skipSpaces(line, keyEnd + 1);
      let value: YamlNode;
      if (isBlankOrComment(line.slice(valueCol))) {
        this.#row = at + 1;
        value = this.#indentedValue(col, true, at, keyEnd + 1);
      } else {
        if (isSequenceEntry(line, valueCol)) {
          this.#fail(at, valueCol, "block sequence entries are not allowed on the line of their key");
        }
        const anchorOrAlias = line[valueCol] === "&" || line[valueCol] === "*" ? indicators[line[valueCol]!] : undefined;
        if (anchorOrAlias !== undefined) this.#fail(at, valueCol, anchorOrAlias);
        const nested = this.#mappingKeyEnd(at, valueCol);
        if (nested >= 0) this.#fail(at, nested, "mapping values are not allowed in this context");
        value = this.#inlineValue(at, valueCol, col);
      }
      entries.push({ key, value });
      at = this.#nextContent();
      if (at < 0 || isDocumentMarker(this.#lines[at]!)) break;
      const indent = indentOf(this.#lines[at]!);
      if (indent < col) break;
      if (indent > col) this.#fail(at, indent, "bad indentation of a mapping entry");
    }
    return { kind: "mapping", entries, line: row + 1, column: col + 1 };
  }

  /**
   * indentedValue parses the value that follows an empty `key:` or `-` line: a node indented
   * deeper than `parent`, a sequence at the same indentation as a mapping key (when `sameIndent`
   * sequences are allowed), or else null (an empty plain scalar at `row`/`col`).
   */
  #indentedValue(parent: number, sequenceAtSameIndent: boolean, row: number, col: number): YamlNode {
    const next = this.#nextContent();
    if (next >= 0 && !isDocumentMarker(this.#lines[next]!)) {
      const line = this.#lines[next]!;
      const indent = indentOf(line);
      if (indent > parent) return this.#blockNode(next, indent, parent);
      if (indent === parent && sequenceAtSameIndent && isSequenceEntry(line, indent)) {
        return this.#blockSequence(next, indent);
      }
    }
    return { kind: "scalar", value: "", style: "plain", line: row + 1, column: col + 1 };
  }

  /**
   * mappingKeyEnd returns the index of the `:` that ends a mapping key starting at `col` of
   * line `row`, or -1 when the text there is not a `key:` (or `key: value`).
   */
  #mappingKeyEnd(row: number, col: number): number {
    const line = this.#lines[row]!;
    let i = col;
    if (line[i] === '"' || line[i] === "'") {
      const end = quotedEnd(line, i);
      if (end < 0) return -1;
      i = skipSpaces(line, end);
      return line[i] === ":" && isBreakOrSpace(line, i + 1) ? i : -1;
    }
    if (line[i] === "[" || line[i] === "{") return -1;
    for (; i < line.length; i++) {
      if (line[i] === "#" && (line[i - 1] === " " || line[i - 1] === "\t")) return -1;
      if (line[i] === ":" && isBreakOrSpace(line, i + 1)) return i;
    }
    return -1;
  }

  /** key parses the scalar from `col` up to the `:` at `end` of line `row`. */
  #key(row: number, col: number, end: number): YamlScalar {
    const line = this.#lines[row]!;
    const first = line[col]!;
    if (first === '"' || first === "'") return this.#quoted(row, col).node;
    if (first === "-" && line[col + 1] === " ") this.#fail(row, col, "a sequence entry where a mapping key was expected");
    const reason = indicators[first];
    if (reason !== undefined) this.#fail(row, col, reason);
    const value = line.slice(col, end).trimEnd();
    if (value === "<<") this.#fail(row, col, mergeKeyReason);
    return { kind: "scalar", value, style: "plain", line: row + 1, column: col + 1 };
  }

  /**
   * inlineValue parses a value that starts at `col` of line `row` and is not a block
   * collection: a flow collection, a quoted scalar, or a plain scalar that may continue on
   * following lines indented deeper than `parent`.
   */
  #inlineValue(row: number, col: number, parent: number): YamlNode {
    const line = this.#lines[row]!;
    const first = line[col]!;
    let node: YamlNode;
    let end: number;
    if (first === "[" || first === "{") {
      ({ node, end } = new FlowParser(line, row, (r, c, m) => this.#fail(r, c, m), this.#depth).collection(col));
    } else if (first === '"' || first === "'") {
      ({ node, end } = this.#quoted(row, col));
    } else {
      return this.#plain(row, col, parent);
    }
    const after = skipSpaces(line, end);
    if (!isBlankOrComment(line.slice(after))) {
      const glued = after === end && line[after] === "#";
      this.#fail(row, after, glued ? "a comment must be separated from the value by a space" : "unexpected text after the value");
    }
    this.#row = row + 1;
    return node;
  }

  /** quoted parses a single- or double-quoted scalar that must end on its line. */
  #quoted(row: number, col: number): { node: YamlScalar; end: number } {
    const line = this.#lines[row]!;
    const result = readQuoted(line, col, (c, m) => this.#fail(row, c, m));
    const style: ScalarStyle = line[col] === '"' ? "double-quoted" : "single-quoted";
    return { node: { kind: "scalar", value: result.value, style, line: row + 1, column: col + 1 }, end: result.end };
  }

  /**
   * plain parses a plain scalar from `col` of line `row`. Following lines indented deeper
   * than `parent` continue it: each line break folds into a space, and each blank line in
   * between into a newline, as YAML folds plain scalars.
   */
  #plain(row: number, col: number, parent: number): YamlScalar {
    const line = this.#lines[row]!;
    const reason = indicators[line[col]!];
    if (reason !== undefined) this.#fail(row, col, reason);
    if (line[col] === "-" && line[col + 1] === " ") this.#fail(row, col, "block sequence entries are not allowed in this context");
    let { text: value, comment } = this.#plainLine(row, col);
    let at = row + 1;
    let blanks = 0;
    for (; !comment && at < this.#lines.length; at++) {
      const next = this.#lines[at]!;
      if (next.trim() === "") {
        blanks++;
        continue;
      }
      const indent = indentOf(next);
      if (indent <= parent || isDocumentMarker(next) || next[indent] === "#" || next[indent] === "\t") break;
      value += blanks === 0 ? " " : "\n".repeat(blanks);
      blanks = 0;
      const more = this.#plainLine(at, indent);
      value += more.text;
      comment = more.comment;
    }
    this.#row = at - blanks;
    return { kind: "scalar", value, style: "plain", line: row + 1, column: col + 1 };
  }

  /**
   * plainLine reads the plain text from `col` to the end of line `row` or to a comment; a
   * comment also ends the scalar.
   */
  #plainLine(row: number, col: number): { text: string; comment: boolean } {
    const line = this.#lines[row]!;
    for (let i = col; i < line.length; i++) {
      const c = line[i];
      if (c === "#" && (line[i - 1] === " " || line[i - 1] === "\t")) return { text: line.slice(col, i).trim(), comment: true };
      if (c === ":" && isBreakOrSpace(line, i + 1)) this.#fail(row, i, "mapping values are not allowed in this context");
    }
    return { text: line.slice(col).trim(), comment: false };
  }

  #fail(row: number, index: number, reason: string): never {
    const line = this.#lines[row] ?? "";
    throw new YamlError(row + 1, [...line.slice(0, index)].length + 1, reason);
  }
}
