/**
 * The nodes of a parsed YAML document, with their positions, and the error the parser throws.
 * See yaml.ts for the subset.
 *
 * @module
 */

/**
 * YamlError reports text outside the supported subset or not YAML at all. The message reads
 * `yaml: line 3, column 5: <reason>`; the parts are fields too.
 */
export class YamlError extends Error {
  /** The 1-based line of the offending character. */
  readonly line: number;
  /** The 1-based column (in characters) of the offending character. */
  readonly column: number;
  /** What is wrong, without the position. */
  readonly reason: string;

  constructor(line: number, column: number, reason: string) {
    super(`yaml: line ${line}, column ${column}: ${reason}`);
    this.name = new.target.name;
    this.line = line;
    this.column = column;
    this.reason = reason;
  }
}

/** ScalarStyle is how a scalar was written; only plain scalars are resolved to non-strings. */
export type ScalarStyle = "plain" | "single-quoted" | "double-quoted";

/** YamlScalar is a scalar as written; an empty value is a plain scalar with value `""`. */
export interface YamlScalar {
  readonly kind: "scalar";
  readonly value: string;
  readonly style: ScalarStyle;
  readonly line: number;
  readonly column: number;
}

/** YamlSequence is a block or flow sequence. */
export interface YamlSequence {
  readonly kind: "sequence";
  readonly items: YamlNode[];
  readonly line: number;
  readonly column: number;
}

/** YamlEntry is one `key: value` pair; keys are always scalars in this subset. */
export interface YamlEntry {
  readonly key: YamlScalar;
  readonly value: YamlNode;
}

/** YamlMapping is a block or flow mapping, its entries in order, duplicates included. */
export interface YamlMapping {
  readonly kind: "mapping";
  readonly entries: YamlEntry[];
  readonly line: number;
  readonly column: number;
}

/** YamlNode is any node of a document. */
export type YamlNode = YamlScalar | YamlSequence | YamlMapping;

/** ScalarTag is the type a scalar resolves to, spelled as yaml.v2 spells it in errors. */
export type ScalarTag = "!!null" | "!!bool" | "!!int" | "!!float" | "!!timestamp" | "!!str";

/** Resolved is a scalar's tag and value. Timestamps keep their text, as yaml.v2 does. */
export interface Resolved {
  tag: ScalarTag;
  value: null | boolean | number | string;
}
