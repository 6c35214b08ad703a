/**
 * Generators of random names, label values, help texts and numbers for the property and fuzz
 * specs (spec/conformance/property.spec.ts, fuzz.spec.ts), drawn from a seeded {@link Prng}: the
 * characters escaping is about, all of Unicode, the edge floats, the words the linter cares about.
 */
import type { Prng } from "./prng.js";

// --- Values ----------------------------------------------------------------------------------

export const edgeFloats = [
  0, -0, 1, -1, 0.1, 1 / 3, NaN, Infinity, -Infinity,
  5e-324, -5e-324, 2.225073858507201e-308, 2.2250738585072014e-308, Number.MAX_VALUE, -Number.MAX_VALUE,
  2 ** 53, 2 ** 53 - 1, 2 ** 53 + 2, -(2 ** 53) + 1, 2 ** 63, 2 ** 64, 1e21, 1e-7, 123456789012345678,
  1e300, 1e-300, 0.5, 100, 1e6, 9.999999999999999e22,
];

/** float draws an edge float, a random bit pattern, a subnormal, a decimal or a small integer. */
export function float(r: Prng): number {
  switch (r.int(6)) {
    case 0:
      return r.pick(edgeFloats);
    case 1:
      return r.bits64();
    case 2: // subnormal: exponent bits 0
      return (r.chance(0.5) ? 1 : -1) * r.float() * 2.2250738585072014e-308;
    case 3:
      return (r.chance(0.5) ? 1 : -1) * r.int(2 ** 32) * 10 ** r.range(-330, 300);
    case 4:
      return r.range(-1000, 1000);
    default:
      return (r.float() - 0.5) * 10 ** r.range(-20, 20);
  }
}

/** count draws a non-negative integer up to 2^53 (the counts of histograms and summaries). */
export function count(r: Prng): number {
  return r.pick([0, 1, 2 ** 53, 2 ** 53 - 1, r.int(100), r.int(2 ** 32), Math.floor(r.float() * 2 ** 53)]);
}

/** codePoint draws a character: printable ASCII mostly, then the ones escaping is about. */
export function codePoint(r: Prng): number {
  switch (r.int(8)) {
    case 0:
      return r.pick([0x22, 0x5c, 0x0a, 0x09, 0x0d, 0x00, 0x6e, 0x7b, 0x7d, 0x3d, 0x2c, 0x23, 0x20]); // " \ \n \t \r NUL n { } = , # space
    case 1: {
      const c = r.range(0x80, 0xfffd);
      return c >= 0xd800 && c <= 0xdfff ? 0xfffd : c; // no lone surrogates in valid values
    }
    case 2:
      return r.range(0x10000, 0x10ffff);
    case 3:
      return r.pick([0x2028, 0x2029, 0xfeff, 0xfffd, 0xffff, 0x7f, 0x85, 0xa0, 0x1b, 0x1f600]);
    default:
      return r.range(0x20, 0x7e);
  }
}

export function unicodeString(r: Prng, maxLength: number): string {
  const cps: number[] = [];
  for (let i = r.int(maxLength + 1); i > 0; i--) cps.push(codePoint(r));
  return String.fromCodePoint(...cps);
}

/** help draws a help text; it never starts with a blank or tab, which the format cannot keep. */
export function help(r: Prng): string {
  if (r.chance(0.1)) return "";
  let text = unicodeString(r, 40);
  while (text.startsWith(" ") || text.startsWith("\t")) text = text.slice(1);
  return text;
}

// --- Names -----------------------------------------------------------------------------------

export const lower = "abcdefghijklmnopqrstuvwxyz";
export const nameStart = lower + lower.toUpperCase() + "_";
export const nameChars = nameStart + "0123456789";
export const lintWords = [
  "total", "count", "sum", "bucket", "info", "ms", "s", "b", "kb", "sec", "h", "d", "gauge", "counter",
  "histogram", "summary", "gauge_histogram", "untyped", "fooBar", "HTTPRequests", "le", "quantile",
];
export const unitWords = ["seconds", "bytes", "milliseconds", "kilobytes", "hours", "celsius", "fahrenheit", "meters", "bits"];

/** word draws a lowercase word, a random run of name characters, or a word that lint cares about. */
export function word(r: Prng, units: { used: boolean }): string {
  const choice = r.int(10);
  if (choice < 5) return Array.from({ length: r.range(1, 8) }, () => r.pick([...lower])).join("");
  if (choice < 7) return Array.from({ length: r.range(1, 6) }, () => r.pick([...nameChars])).join("");
  if (choice < 9 || units.used) return r.pick(lintWords);
  units.used = true;
  return r.pick(unitWords);
}

/** metricName draws a valid metric name: words joined by `_`, sometimes `:`. */
export function metricName(r: Prng): string {
  const units = { used: false };
  const words = Array.from({ length: r.range(1, 4) }, () => word(r, units));
  let name = words.reduce((acc, w) => acc + (r.chance(0.1) ? ":" : "_") + w);
  if (r.chance(0.1)) name = r.pick([":", "_", "__", "A"]) + name;
  if (!/^[a-zA-Z_:]/.test(name)) name = "m" + name;
  return name;
}

/** labelName draws a valid label name that does not start with the reserved `__`. */
export function labelName(r: Prng): string {
  const units = { used: true };
  let name = Array.from({ length: r.range(1, 3) }, () => word(r, units)).join("_");
  if (r.chance(0.05)) name = "_" + name;
  if (!/^[a-zA-Z_]/.test(name) || name.startsWith("__")) name = "l" + name;
  return name;
}

export const badMetricChars = ["-", ".", " ", "/", "{", '"', "\n", "=", "é", "\u{1F600}", "\ud800", "\udc00", "\u0000"];
export const badLabelChars = [...badMetricChars, ":"];

/** corrupt makes a valid name invalid: empty, a leading digit, or a bad character inserted. */
export function corrupt(r: Prng, name: string, badChars: readonly string[]): string {
  switch (r.int(4)) {
    case 0:
      return "";
    case 1:
      return String(r.int(10)) + name;
    default: {
      const at = r.int(name.length + 1);
      return name.slice(0, at) + r.pick(badChars) + name.slice(at);
    }
  }
}

/** loneSurrogate puts an unpaired surrogate into a valid string. */
export function loneSurrogate(r: Prng): string {
  const s = unicodeString(r, 6);
  const bad = String.fromCharCode(r.range(0xd800, 0xdfff));
  return r.chance(0.5) ? s + bad : bad + s;
}

