/**
 * Floats as the text format writes and reads them: `formatFloat` is prometheus/common's
 * `expfmt.writeFloat` (text_create.go), which is Go's `strconv.FormatFloat(f, 'g', -1, 64)` with
 * `+Inf`, `-Inf` and `NaN` spelled out; `parseFloatGo` accepts what `strconv.ParseFloat(s, 64)`
 * (atof.go) accepts for decimal text.
 *
 * The layout rule follows Go's strconv/ftoa.go (`formatDigits`, case `'g'`): with shortest
 * digits, `%e` is used when the decimal exponent is below -4 or at least 6, `%f` otherwise. The
 * digits themselves come from JavaScript, whose `String(v)` and `toExponential()` also produce
 * the shortest digits that round-trip.
 *
 * @module
 */

/**
 * formatFloat returns `v` as the text exposition format writes it, byte for byte what
 * prometheus/common's expfmt writes: `NaN`, `+Inf`, `-Inf`, `0` for both zeros, and otherwise the
 * shortest digits that read back as `v`, in plain notation when the decimal exponent `e` of the
 * first digit satisfies `-4 <= e < 6` and in exponent notation (`1.5e+300`, `1e-07`: signed,
 * at least two digits) otherwise.
 *
 * @example
 * ```ts
 * formatFloat(0.1); // "0.1"
 * formatFloat(1e6); // "1e+06"
 * formatFloat(-Infinity); // "-Inf"
 * ```
 */
export function formatFloat(v: number): string {
  if (v === 0) return "0";
  const abs = v < 0 ? -v : v;
  // In this range Go's %f and JavaScript's default notation are the same text (see fixedRange).
  if (abs >= 1e-4 && abs < 1e6) return String(v);
  if (v !== v) return "NaN";
  if (abs === Infinity) return v > 0 ? "+Inf" : "-Inf";
  return exponentForm(v);
}

// fixedRange, the reasoning behind the fast path of formatFloat: Go writes %f exactly when the
// shortest digits d1.d2...dn × 10^e have -4 <= e < 6. The shortest digits of a double never
// cross a power of ten the double itself has not crossed (the double nearest 10^k reads back
// from "1e<k>"), so comparing |v| with the literals 1e-4 and 1e6 decides the same thing.
// JavaScript writes plain notation for -7 < e < 21, a superset, and lays the digits out as Go's
// fmtF does: integer digits padded with zeros, or "0." and leading zeros, no trailing zeros.

/** exponentForm writes `v` as Go's %e with shortest digits: JavaScript's form, exponent padded. */
function exponentForm(v: number): string {
  const s = v.toExponential();
  const e = s.indexOf("e");
  // JavaScript writes "1e-7" and "1e+21"; Go pads the exponent to two digits.
  if (s.length - e === 3) return s.slice(0, e + 2) + "0" + s.slice(e + 2);
  return s;
}

/**
 * parseFloatGo reads `s` as Go's `strconv.ParseFloat(s, 64)` does and returns `undefined` where Go
 * returns an error. Accepted: an optional sign, decimal digits with an optional `.` (at least one
 * digit overall), an optional exponent `e`/`E` with optional sign and at least one digit;
 * `Inf`, `Infinity` (optionally signed) and `NaN` in any letter case. Rejected: surrounding
 * whitespace, underscores, hexadecimal floats (`0x1p-2`, accepted by Go but rejected by newer
 * expfmt versions), and finite text that overflows to infinity (Go's `ErrRange`). Text that
 * underflows reads as zero, as in Go.
 *
 * @example
 * ```ts
 * parseFloatGo("+Inf"); // Infinity
 * parseFloatGo("1e-07"); // 1e-7
 * parseFloatGo("1,5"); // undefined
 * ```
 */
export function parseFloatGo(s: string): number | undefined {
  const special = parseSpecial(s);
  if (special !== undefined) return special;
  if (!isDecimalFloat(s)) return undefined;
  const v = Number(s);
  return v === Infinity || v === -Infinity ? undefined : v;
}

/** parseSpecial reads Go's special spellings: `[+-]inf`, `[+-]infinity`, `nan`, any case. */
function parseSpecial(s: string): number | undefined {
  let start = 0;
  let sign = 1;
  const c = s.charCodeAt(0);
  if (c === 0x2b /* + */ || c === 0x2d /* - */) {
    start = 1;
    if (c === 0x2d) sign = -1;
  }
  const first = s.charCodeAt(start) | 0x20; // ASCII lower case
  if (first !== 0x69 /* i */ && first !== 0x6e /* n */) return undefined;
  const word = s.length - start <= 8 ? s.slice(start).toLowerCase() : "";
  if (word === "inf" || word === "infinity") return sign * Infinity;
  if (word === "nan" && start === 0) return NaN;
  return undefined;
}

/** isDecimalFloat reports whether `s` is `[+-]digits[.digits][(e|E)[+-]digits]` with a digit. */
function isDecimalFloat(s: string): boolean {
  const n = s.length;
  let i = 0;
  let c = s.charCodeAt(0);
  if (c === 0x2b || c === 0x2d) i++;
  let digits = 0;
  for (; i < n; i++) {
    c = s.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) digits++;
    else break;
  }
  if (i < n && c === 0x2e /* . */) {
    for (i++; i < n; i++) {
      c = s.charCodeAt(i);
      if (c >= 0x30 && c <= 0x39) digits++;
      else break;
    }
  }
  if (digits === 0) return false;
  if (i === n) return true;
  if (c !== 0x65 /* e */ && c !== 0x45 /* E */) return false;
  return isExponentDigits(s, i + 1);
}

/** isExponentDigits reports whether `s` from `i` on is `[+-]digits` with at least one digit. */
function isExponentDigits(s: string, i: number): boolean {
  const n = s.length;
  const c = s.charCodeAt(i);
  if (c === 0x2b || c === 0x2d) i++;
  if (i === n) return false;
  for (; i < n; i++) {
    const d = s.charCodeAt(i);
    if (d < 0x30 || d > 0x39) return false;
  }
  return true;
}
