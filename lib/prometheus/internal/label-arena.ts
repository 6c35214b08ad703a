/**
 * Label entries: how a SeriesTable stores a series' labels, as bytes in an arena.
 *
 * A series' labels render as `{a="1",b="2",c="3"}`. The first piece (`{a="`) and the last one
 * (`"}`) are the same for every series of a vec, and are kept once; an entry is what lies between
 * them, `1",b="2",c="3`: the variable label values in the order of their names, escaped as the
 * text format writes them (`\\`, `\"`, `\n`), with the fixed pieces between them, as UTF-8. So the
 * text encoder writes a series' labels with three copies, and a value ends where an unescaped `"`
 * starts the next piece (see {@link LabelLayout.entryValues}, which reads entries back).
 *
 * Lookups compare the label values a caller gives with an entry without decoding it, and the
 * gather order compares two entries, unescaping on the fly, so that the order is that of the raw
 * values' UTF-8 bytes (client_golang's order).
 *
 * @module
 */

import { escapeLabelValue, unescapeLabelValue } from "../../expfmt/index.js";
import type { Desc } from "../desc.js";

/** Decodes arena bytes; a leading U+FEFF is part of a value, not a byte-order mark to drop. */
const decoder = new TextDecoder("utf-8", { ignoreBOM: true });

/** LabelLayout is what a vec's entries and pieces look like, from its descriptor. */
export class LabelLayout {
  /** Variable label indexes in the order of their names: the order of the values in an entry. */
  readonly byName: readonly number[];
  /**
   * The fixed text around the values (see RowsFamily.pieces): `byName.length + 1` pieces, or
   * one piece (all the labels, or nothing) without variable labels.
   */
  readonly pieces: readonly string[];
  /** The pieces between values (pieces 1 to width-1) as UTF-8, for lookups. */
  readonly inner: readonly Buffer[];

  constructor(desc: Desc) {
    const names = desc.variableLabels;
    this.byName = names.map((_, i) => i).sort((a, b) => (names[a]! < names[b]! ? -1 : names[a]! > names[b]! ? 1 : 0));
    const all = [
      ...this.byName.map((i, position) => ({ name: names[i]!, index: position })),
      ...desc.constLabelPairs.map((lp) => ({ name: lp.name, value: lp.value })),
    ].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
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
    this.inner = pieces.slice(1, -1).map((p) => Buffer.from(p));
  }

  /** entryText returns the entry of these values (in variable-label order). */
  entryText(values: readonly string[]): string {
    let text = "";
    for (let j = 0; j < this.byName.length; j++) {
      if (j > 0) text += this.pieces[j]!;
      text += escapeLabelValue(values[this.byName[j]!]!);
    }
    return text;
  }

  /**
   * entryValues reads the label values (in variable-label order) back from the entry at
   * arena[start, start+length), unescaped. A value ends at an unescaped quote (the start of the
   * next piece) or at the end of the entry.
   */
  entryValues(arena: Uint8Array, start: number, length: number): string[] {
    const values = new Array<string>(this.byName.length);
    const end = start + length;
    let at = start;
    for (let j = 0; j < this.byName.length; j++) {
      if (j > 0) at += this.inner[j - 1]!.length;
      const from = at;
      while (at < end && arena[at] !== 0x22) at += arena[at] === 0x5c ? 2 : 1;
      values[this.byName[j]!] = unescapeLabelValue(decoder.decode(arena.subarray(from, at)));
    }
    return values;
  }

  /**
   * entryMatches reports whether the entry at arena[start, start+length) holds these values (in
   * variable-label order). A value that is not a string or not valid UTF-16 (a lone surrogate)
   * matches nothing.
   */
  entryMatches(arena: Uint8Array, start: number, length: number, values: readonly string[]): boolean {
    const end = start + length;
    let at = start;
    for (let j = 0; j < this.byName.length; j++) {
      if (j > 0) {
        const piece = this.inner[j - 1]!;
        if (at + piece.length > end) return false;
        for (let i = 0; i < piece.length; i++) if (arena[at + i] !== piece[i]) return false;
        at += piece.length;
      }
      const v = values[this.byName[j]!];
      if (typeof v !== "string") return false;
      at = matchValue(arena, at, end, v);
      if (at < 0) return false;
    }
    return at === end;
  }

  /**
   * compareEntries orders the entries at arena[a, aEnd) and arena[b, bEnd) by their raw values,
   * value by value, as UTF-8 bytes (the order of client_golang's sort, and of compareUTF8).
   */
  compareEntries(arena: Uint8Array, a: number, aEnd: number, b: number, bEnd: number): number {
    for (let j = 0; j < this.byName.length; j++) {
      if (j > 0) {
        // Both stand on the `"` that starts piece j: skip the piece.
        a += this.inner[j - 1]!.length;
        b += this.inner[j - 1]!.length;
      }
      for (;;) {
        // A value ends at an unescaped quote, or at the end of the entry; the end sorts first.
        const aDone = a >= aEnd || arena[a] === 0x22;
        const bDone = b >= bEnd || arena[b] === 0x22;
        if (aDone || bDone) {
          if (aDone && bDone) break;
          return aDone ? -1 : 1;
        }
        let x = arena[a++]!;
        let y = arena[b++]!;
        if (x === 0x5c) x = unescaped(arena[a++]!);
        if (y === 0x5c) y = unescaped(arena[b++]!);
        if (x !== y) return x - y;
      }
    }
    return 0;
  }
}

/** unescaped returns the byte an escape `\x` stands for. */
function unescaped(x: number): number {
  return x === 0x6e ? 0x0a : x;
}

/**
 * matchValue compares a string with its escaped UTF-8 bytes from `at`, and returns where they
 * end, or -1 when they differ. The last value of an entry ends at `end`; any other at a quote.
 */
function matchValue(arena: Uint8Array, at: number, end: number, v: string): number {
  let i = at;
  for (let k = 0; k < v.length; k++) {
    let c = v.charCodeAt(k);
    if (c < 0x80) {
      if (c === 0x5c || c === 0x22 || c === 0x0a) {
        if (i + 2 > end || arena[i] !== 0x5c || arena[i + 1] !== (c === 0x0a ? 0x6e : c)) return -1;
        i += 2;
      } else {
        if (i >= end || arena[i] !== c) return -1;
        i++;
      }
      continue;
    }
    if (c >= 0xd800 && c <= 0xdfff) {
      const d = v.charCodeAt(k + 1);
      if (c > 0xdbff || !(d >= 0xdc00 && d <= 0xdfff)) return -1; // a lone surrogate
      c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
      k++;
    }
    if (c < 0x800) {
      if (i + 2 > end || arena[i] !== (0xc0 | (c >> 6)) || arena[i + 1] !== (0x80 | (c & 0x3f))) return -1;
      i += 2;
    } else if (c < 0x10000) {
      if (i + 3 > end || arena[i] !== (0xe0 | (c >> 12)) || arena[i + 1] !== (0x80 | ((c >> 6) & 0x3f))) return -1;
      if (arena[i + 2] !== (0x80 | (c & 0x3f))) return -1;
      i += 3;
    } else {
      if (i + 4 > end || arena[i] !== (0xf0 | (c >> 18)) || arena[i + 1] !== (0x80 | ((c >> 12) & 0x3f))) return -1;
      if (arena[i + 2] !== (0x80 | ((c >> 6) & 0x3f)) || arena[i + 3] !== (0x80 | (c & 0x3f))) return -1;
      i += 4;
    }
  }
  // The value must end here: at the end of the entry, or where the next piece's quote starts.
  return i === end || arena[i] === 0x22 ? i : -1;
}
