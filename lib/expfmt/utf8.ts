/**
 * Bytes that may not be UTF-8, and Go's `%q` quoting of what the parsers read, so that their
 * error messages read like Go's.
 *
 * Go's parsers work on bytes and check UTF-8 only where the data model requires it (label values,
 * names); a JavaScript string cannot hold an invalid byte. So the decoders here keep each invalid
 * byte as a mark, the lone surrogate U+DC00 + byte, which valid UTF-8 never yields: a parser finds
 * the invalid bytes again where Go checks them, and the quoting shows them as Go does, `\xbd`.
 *
 * Counterparts: Go's `unicode/utf8` (`DecodeRune`, `ValidString`) and `strconv.Quote`.
 *
 * @module
 */

const TAB = 0x09;
const NL = 0x0a;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

const strictUTF8 = new TextDecoder("utf-8", { fatal: true });

/** ESCAPED_BYTE is where an invalid byte `b` goes when decoding: U+DC00 + b, a lone surrogate. */
export const ESCAPED_BYTE = 0xdc00;

/**
 * decodeUTF8Escaped decodes bytes as UTF-8, turning each byte that is not part of a valid sequence
 * (as Go's `utf8.DecodeRune` judges it) into the lone surrogate U+DC00 + byte, which valid UTF-8
 * never yields. The parser finds invalid bytes again by that mark, where Go checks them.
 */
export function decodeUTF8Escaped(bytes: Uint8Array): string {
  try {
    return strictUTF8.decode(bytes);
  } catch {
    // Not valid UTF-8: decode by hand below.
  }
  let out = "";
  let i = 0;
  while (i < bytes.length) {
    const n = validSequenceLength(bytes, i);
    if (n === 0) {
      out += String.fromCharCode(ESCAPED_BYTE + bytes[i]!);
      i++;
    } else {
      out += strictUTF8.decode(bytes.subarray(i, i + n));
      i += n;
    }
  }
  return out;
}

/** validSequenceLength is the length of the valid UTF-8 sequence at `i`, or 0 (Go's rules). */
function validSequenceLength(b: Uint8Array, i: number): number {
  const c = b[i]!;
  if (c < 0x80) return 1;
  const cont = (k: number, lo = 0x80, hi = 0xbf) => i + k < b.length && b[i + k]! >= lo && b[i + k]! <= hi;
  if (c >= 0xc2 && c <= 0xdf) return cont(1) ? 2 : 0;
  if (c >= 0xe0 && c <= 0xef) {
    const lo = c === 0xe0 ? 0xa0 : 0x80;
    const hi = c === 0xed ? 0x9f : 0xbf; // no surrogates
    return cont(1, lo, hi) && cont(2) ? 3 : 0;
  }
  if (c >= 0xf0 && c <= 0xf4) {
    const lo = c === 0xf0 ? 0x90 : 0x80;
    const hi = c === 0xf4 ? 0x8f : 0xbf; // nothing above U+10FFFF
    return cont(1, lo, hi) && cont(2) && cont(3) ? 4 : 0;
  }
  return 0;
}

/**
 * isEscapedByte reports whether `c` is the mark of an invalid byte (see decodeUTF8Escaped). A lone
 * surrogate U+DC80–U+DCFF in a string given to parseText is shown the same way, as the byte.
 */
export function isEscapedByte(c: number): boolean {
  return c >= ESCAPED_BYTE + 0x80 && c <= ESCAPED_BYTE + 0xff;
}

/** goQuote quotes `s` as Go's `%q` does for printable text; an invalid byte shows as `\xNN`. */
export function goQuote(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const next = s.charCodeAt(i + 1);
    if (c >= 0xd800 && c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
      out += s[i]! + s[i + 1]!; // a character above U+FFFF, printed as it is
      i++;
    } else {
      out += escapeChar(c, QUOTE);
    }
  }
  return out + '"';
}

/**
 * goQuoteChar quotes the character `c` as Go's `%q` does the byte it reads there: the first UTF-8
 * byte of the character, taken as a rune (`'x'`, `'\n'`, `'Ã'` for `é`, `'½'` for byte 0xbd).
 */
export function goQuoteChar(c: number): string {
  return `'${escapeChar(firstUTF8Byte(c), 0x27)}'`;
}

/** firstUTF8Byte is the first byte of the UTF-8 form of the character that starts with `c`. */
export function firstUTF8Byte(c: number): number {
  if (isEscapedByte(c)) return c - ESCAPED_BYTE;
  if (c < 0x80) return c;
  if (c < 0x800) return 0xc0 | (c >> 6);
  if (c >= 0xd800 && c <= 0xdbff) return 0xf0 | ((((c - 0xd800) << 10) + 0x10000) >> 18);
  return 0xe0 | (c >> 12);
}

/** notPrintable matches what Go's `strconv.IsPrint` rejects above ASCII: controls, separators. */
const notPrintable = /^[\p{C}\p{Z}]$/u;

const CONTROL_ESCAPES: ReadonlyMap<number, string> = new Map([
  [0x07, "\\a"],
  [0x08, "\\b"],
  [0x0c, "\\f"],
  [NL, "\\n"],
  [0x0d, "\\r"],
  [TAB, "\\t"],
  [0x0b, "\\v"],
  [BACKSLASH, "\\\\"],
]);

function escapeChar(c: number, quote: number): string {
  if (c >= 0xd800 && c <= 0xdfff) {
    if (isEscapedByte(c)) return "\\x" + (c - ESCAPED_BYTE).toString(16);
    return "\\u" + c.toString(16);
  }
  if (c === quote) return "\\" + String.fromCharCode(c);
  const escape = CONTROL_ESCAPES.get(c);
  if (escape !== undefined) return escape;
  if (c >= 0x80 && notPrintable.test(String.fromCharCode(c))) return "\\u" + c.toString(16).padStart(4, "0");
  if (c < 0x20 || c === 0x7f) return "\\x" + c.toString(16).padStart(2, "0");
  return String.fromCharCode(c);
}
