/**
 * Label entries: how a SeriesTable stores a series' label values, as bytes in an arena.
 *
 * An entry is the series' variable label values in the order of their names, each escaped as the
 * text format writes it (`\\`, `\"`, `\n`), as UTF-8, after its byte length (one byte, or 0xFF
 * and four bytes for 255 bytes and more; see lib/model/series-block.ts, which reads them). The
 * text encoder writes an entry's values between fixed pieces (`{a="`, `",b="`, `"}`) without
 * looking at them. The label names are in the pieces, once per vec rather than once per series.
 *
 * Lookups compare the label values a caller gives with an entry without decoding it, and the
 * gather order compares two entries, unescaping on the fly so that the order is that of the raw
 * values' UTF-8 bytes (client_golang's).
 *
 * @module
 */

import { escapeLabelValue } from "../expfmt/escape.js";
import { type LabelTemplate, LongLength } from "../model/index.js";
import type { Desc } from "./desc.js";

/** LabelLayout is what a vec's entries and pieces look like, from its descriptor. */
export class LabelLayout {
  /** Variable label indexes in the order of their names: the order of the values in an entry. */
  readonly byName: readonly number[];
  /** The fixed text around an entry's values (see SeriesBlock.pieces). */
  readonly pieces: readonly string[];
  /** How to make a row's label pairs (see rowLabelPairs). */
  readonly template: LabelTemplate;

  constructor(desc: Desc) {
    const names = desc.variableLabels;
    this.byName = names.map((_, i) => i).sort((a, b) => (names[a]! < names[b]! ? -1 : names[a]! > names[b]! ? 1 : 0));
    const all = [
      ...this.byName.map((i, position) => ({ name: names[i]!, index: position })),
      ...desc.constLabelPairs.map((lp) => ({ name: lp.name, value: lp.value })),
    ].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    this.template = all;
    const pieces: string[] = [];
    let piece = "{";
    for (let i = 0; i < all.length; i++) {
      const pair = all[i]!;
      piece += `${i === 0 ? "" : ","}${pair.name}="`;
      if ("value" in pair) {
        piece += `${escapeLabelValue(pair.value)}"`;
      } else {
        pieces.push(piece);
        piece = '"';
      }
    }
    pieces.push(all.length === 0 ? "" : piece + "}");
    this.pieces = pieces;
  }

  /** escapedValues returns the values (in variable-label order) escaped, in entry order. */
  escapedValues(values: readonly string[]): string[] {
    return this.byName.map((i) => escapeLabelValue(values[i]!));
  }
}

/** entrySize returns the bytes an entry of these escaped values takes. */
export function entrySize(escaped: readonly string[]): number {
  let size = 0;
  for (const text of escaped) {
    const length = Buffer.byteLength(text);
    size += length + (length < LongLength ? 1 : 5);
  }
  return size;
}

/** writeEntry writes an entry of these escaped values at `at` (the room is there). */
export function writeEntry(arena: Buffer, at: number, escaped: readonly string[]): void {
  for (const text of escaped) {
    const length = Buffer.byteLength(text);
    if (length < LongLength) {
      arena[at++] = length;
    } else {
      arena[at++] = LongLength;
      arena.writeUInt32LE(length, at);
      at += 4;
    }
    at += arena.write(text, at, "utf8");
  }
}

/**
 * entryMatches reports whether the entry at `start` holds these values (in variable-label order;
 * `byName` gives the entry's order). A value that is not a string or not valid UTF-16 (a lone
 * surrogate) matches nothing.
 */
export function entryMatches(arena: Uint8Array, start: number, values: readonly string[], byName: readonly number[]): boolean {
  let at = start;
  for (let j = 0; j < byName.length; j++) {
    let length = arena[at++]!;
    if (length === LongLength) {
      length = readLength(arena, at);
      at += 4;
    }
    const v = values[byName[j]!];
    if (typeof v !== "string" || !valueMatches(arena, at, length, v)) return false;
    at += length;
  }
  return true;
}

function readLength(arena: Uint8Array, at: number): number {
  return arena[at]! | (arena[at + 1]! << 8) | (arena[at + 2]! << 16) | (arena[at + 3]! * 2 ** 24);
}

/** valueMatches compares a string with its escaped UTF-8 bytes at arena[at, at+length). */
function valueMatches(arena: Uint8Array, at: number, length: number, v: string): boolean {
  const end = at + length;
  let i = at;
  for (let k = 0; k < v.length; k++) {
    let c = v.charCodeAt(k);
    if (c < 0x80) {
      if (c === 0x5c || c === 0x22 || c === 0x0a) {
        if (i + 2 > end || arena[i] !== 0x5c || arena[i + 1] !== (c === 0x0a ? 0x6e : c)) return false;
        i += 2;
      } else {
        if (i >= end || arena[i] !== c) return false;
        i++;
      }
      continue;
    }
    if (c >= 0xd800 && c <= 0xdfff) {
      const d = v.charCodeAt(k + 1);
      if (c > 0xdbff || !(d >= 0xdc00 && d <= 0xdfff)) return false; // a lone surrogate
      c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
      k++;
    }
    if (c < 0x800) {
      if (i + 2 > end || arena[i] !== (0xc0 | (c >> 6)) || arena[i + 1] !== (0x80 | (c & 0x3f))) return false;
      i += 2;
    } else if (c < 0x10000) {
      if (i + 3 > end || arena[i] !== (0xe0 | (c >> 12)) || arena[i + 1] !== (0x80 | ((c >> 6) & 0x3f))) return false;
      if (arena[i + 2] !== (0x80 | (c & 0x3f))) return false;
      i += 3;
    } else {
      if (i + 4 > end || arena[i] !== (0xf0 | (c >> 18)) || arena[i + 1] !== (0x80 | ((c >> 12) & 0x3f))) return false;
      if (arena[i + 2] !== (0x80 | ((c >> 6) & 0x3f)) || arena[i + 3] !== (0x80 | (c & 0x3f))) return false;
      i += 4;
    }
  }
  return i === end;
}

/**
 * compareEntries orders two entries of `width` values by their raw values, value by value, as
 * UTF-8 bytes (the order of client_golang's sort, and of compareUTF8).
 */
export function compareEntries(arena: Uint8Array, a: number, b: number, width: number): number {
  for (let j = 0; j < width; j++) {
    let la = arena[a++]!;
    if (la === LongLength) {
      la = readLength(arena, a);
      a += 4;
    }
    let lb = arena[b++]!;
    if (lb === LongLength) {
      lb = readLength(arena, b);
      b += 4;
    }
    const c = compareEscaped(arena, a, a + la, b, b + lb);
    if (c !== 0) return c;
    a += la;
    b += lb;
  }
  return 0;
}

/** compareEscaped compares two escaped values by their unescaped bytes; shorter first on a tie. */
function compareEscaped(arena: Uint8Array, a: number, aEnd: number, b: number, bEnd: number): number {
  while (a < aEnd && b < bEnd) {
    let x = arena[a++]!;
    if (x === 0x5c) {
      x = arena[a++]!;
      if (x === 0x6e) x = 0x0a;
    }
    let y = arena[b++]!;
    if (y === 0x5c) {
      y = arena[b++]!;
      if (y === 0x6e) y = 0x0a;
    }
    if (x !== y) return x - y;
  }
  return (a < aEnd ? 1 : 0) - (b < bEnd ? 1 : 0);
}
