import { describe, expect, it } from "vitest";

import { formatFloat, parseFloatGo } from "../../lib/expfmt/float.js";

/** What prometheus/common's expfmt writes for each value (golden float_formatting.txt and more). */
const formatTable: ReadonlyArray<readonly [number, string]> = [
  [0, "0"],
  [-0, "0"],
  [1, "1"],
  [-1, "-1"],
  [NaN, "NaN"],
  [Infinity, "+Inf"],
  [-Infinity, "-Inf"],
  [0.1, "0.1"],
  [1e-7, "1e-07"],
  [1e21, "1e+21"],
  [123456789012345678, "1.2345678901234568e+17"],
  [1.5e300, "1.5e+300"],
  [5e-324, "5e-324"],
  [1e-310, "1e-310"],
  [2.2250738585072014e-308, "2.2250738585072014e-308"],
  [1.7976931348623157e308, "1.7976931348623157e+308"],
  [0.8, "0.8"],
  [2, "2"],
  [-2.5, "-2.5"],
  [10, "10"],
  [100000, "100000"],
  [999999, "999999"],
  [1000000, "1e+06"],
  [1234567, "1.234567e+06"],
  [0.0001, "0.0001"],
  [0.00001, "1e-05"],
  [1e20, "1e+20"],
  [2 ** 53, "9.007199254740992e+15"],
  [2 ** 53 + 1, "9.007199254740992e+15"],
  [0.1 + 0.2, "0.30000000000000004"],
  [1 / 3, "0.3333333333333333"],
  [-1e-7, "-1e-07"],
  [123.456, "123.456"],
  [1e15, "1e+15"],
  [1e16, "1e+16"],
  [12345.678, "12345.678"],
  [1234567.8, "1.2345678e+06"],
  [999999.5, "999999.5"],
  [0.00012345, "0.00012345"],
  [-0.00009, "-9e-05"],
  [1e100, "1e+100"],
  [1.5e-300, "1.5e-300"],
];

describe("formatFloat", () => {
  it("runs its @example", () => {
    const texts = [formatFloat(0.1), formatFloat(1e6), formatFloat(-Infinity)];
    expect(texts).toEqual(["0.1", "1e+06", "-Inf"]);
  });

  it.each(formatTable)("formats %s as %s", (value, text) => {
    expect(formatFloat(value)).toBe(text);
  });
});

/** What Go's strconv.ParseFloat(s, 64) makes of each text; undefined where Go returns an error. */
const parseTable: ReadonlyArray<readonly [string, number | undefined]> = [
  ["0", 0],
  ["-0", -0],
  ["1", 1],
  ["+1", 1],
  ["-2.5", -2.5],
  ["1.", 1],
  [".5", 0.5],
  ["-.5e-3", -0.0005],
  ["1e-07", 1e-7],
  ["1E+21", 1e21],
  ["1.e5", 1e5],
  ["007", 7],
  ["5e-324", 5e-324],
  ["1e-400", 0],
  ["+Inf", Infinity],
  ["-Inf", -Infinity],
  ["Inf", Infinity],
  ["inf", Infinity],
  ["-infinity", -Infinity],
  ["+INFINITY", Infinity],
  ["NaN", NaN],
  ["nan", NaN],
  ["NAN", NaN],
  ["+NaN", undefined],
  ["-nan", undefined],
  ["infin", undefined],
  ["", undefined],
  ["+", undefined],
  [".", undefined],
  ["e5", undefined],
  ["1e", undefined],
  ["1e+", undefined],
  ["1.2.3", undefined],
  ["1,5", undefined],
  [" 1", undefined],
  ["1 ", undefined],
  ["1_000", undefined],
  ["0x10", undefined],
  ["0x1p-2", undefined],
  ["Infinityx", undefined],
  ["1e400", undefined],
  ["-1e400", undefined],
  ["1.7976931348623159e308", undefined],
];

describe("parseFloatGo", () => {
  it("runs its @example", () => {
    const values = [parseFloatGo("+Inf"), parseFloatGo("1e-07"), parseFloatGo("1,5")];
    expect(values).toEqual([Infinity, 1e-7, undefined]);
  });

  it.each(parseTable)("reads %j as %s", (text, value) => {
    expect(parseFloatGo(text)).toStrictEqual(value);
  });
});

describe("formatFloat on pseudo-random doubles", () => {
  const values = [...randomDoubles(20_000, 0x2545f491), ...randomNearLayoutEdges(5_000, 7)];

  it("has a checker that notices longer digits and a wrong layout", () => {
    expect(hasShorterDigits(0.1, 2)).toBe(true);
    expect(hasShorterDigits(0.30000000000000004, 17)).toBe(false);
    expect(hasShorterDigits(2 ** 53 + 2, 16)).toBe(false);
    expect(decompose("1.234567e+06")).toEqual({ digits: "1234567", exponent: 6, layout: "e" });
    expect(decompose("0.00012")).toEqual({ digits: "12", exponent: -4, layout: "f" });
    expect(decompose("120.5")).toEqual({ digits: "1205", exponent: 2, layout: "f" });
    expect(layoutOf(decompose("1234567").exponent)).toBe("e");
  });

  it("writes text that reads back as the same double", () => {
    for (const v of values) {
      const text = formatFloat(v);
      const back = Number(text.replace("+Inf", "Infinity").replace("-Inf", "-Infinity"));
      expect(Object.is(back, Object.is(v, -0) ? 0 : v), `${v} -> ${text}`).toBe(true);
      expect(parseFloatGo(text), text).toBe(back);
    }
  });

  it("writes the shortest digits in the layout Go's 'g' format picks", () => {
    for (const v of values) {
      if (v === 0 || !Number.isFinite(v)) continue;
      const text = formatFloat(v);
      const parts = decompose(text);
      expect(layoutOf(parts.exponent), text).toBe(parts.layout);
      expect(hasShorterDigits(v, parts.digits.length), text).toBe(false);
    }
  });
});

/** xorshift32 returns a seeded generator of pseudo-random unsigned 32-bit integers. */
function xorshift32(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state;
  };
}

/** randomDoubles returns `n` doubles made of pseudo-random bit patterns, skipping NaNs. */
function randomDoubles(n: number, seed: number): number[] {
  const next = xorshift32(seed);
  const view = new DataView(new ArrayBuffer(8));
  const out: number[] = [];
  while (out.length < n) {
    view.setUint32(0, next());
    view.setUint32(4, next());
    const v = view.getFloat64(0);
    if (!Number.isNaN(v)) out.push(v);
  }
  return out;
}

/**
 * randomNearLayoutEdges returns `n` doubles with magnitudes from 1e-7 to 1e8, around the
 * exponents where the layout switches; every other one has few digits (like 0.25 or 1e+06).
 */
function randomNearLayoutEdges(n: number, seed: number): number[] {
  const next = xorshift32(seed);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const unit = (next() * 2 ** 21 + (next() >>> 11)) / 2 ** 53; // uniform in [0, 1)
    const v = unit * 10 ** ((i % 16) - 7);
    const short = Number(v.toPrecision((i % 6) + 1));
    out.push((i % 2 === 0 ? short : v) * (i % 3 === 0 ? -1 : 1));
  }
  return out;
}

interface Decomposed {
  /** Significant digits, without leading or trailing zeros. */
  digits: string;
  /** Decimal exponent of the first significant digit. */
  exponent: number;
  layout: "e" | "f";
}

/** decompose checks the shape of a finite non-zero formatted value and splits it up. */
function decompose(text: string): Decomposed {
  const body = text.startsWith("-") ? text.slice(1) : text;
  const e = body.indexOf("e");
  if (e >= 0) {
    const mantissa = body.slice(0, e);
    const exp = body.slice(e + 1);
    expect(exp, text).toMatch(/^[+-]\d{2,3}$/);
    expect(mantissa, text).toMatch(/^[1-9](\.\d*[1-9])?$/);
    return { digits: mantissa.replace(".", ""), exponent: Number(exp), layout: "e" };
  }
  expect(body, text).toMatch(/^(0|[1-9]\d*)(\.\d*[1-9])?$/);
  const [int = "", frac = ""] = body.split(".");
  const all = (int === "0" ? "" : int) + frac;
  const lead = all.length - all.replace(/^0+/, "").length;
  const exponent = int === "0" ? -lead - 1 : int.length - 1;
  return { digits: all.replace(/^0+/, "").replace(/0+$/, ""), exponent, layout: "f" };
}

/** layoutOf is Go's rule for shortest 'g': %e when the exponent is < -4 or >= 6. */
function layoutOf(exponent: number): "e" | "f" {
  return exponent < -4 || exponent >= 6 ? "e" : "f";
}

/**
 * hasShorterDigits reports whether a decimal with fewer than `nd` significant digits reads back
 * as `v`. The readers-back of `v` form an interval around it, so it is enough to try the two
 * (nd-1)-digit decimals on either side of the exact value of `v`.
 */
function hasShorterDigits(v: number, nd: number): boolean {
  if (nd <= 1) return false;
  const abs = Math.abs(v);
  const p = nd - 1;
  const e10 = exactExponent10(abs);
  const scale = p - 1 - e10; // floor(|v| * 10^scale) has p digits
  const [num, den] = exactRatio(abs, scale);
  const floor = num / den;
  const ceil = num % den === 0n ? floor : floor + 1n;
  return [floor, ceil].some((q) => Number(`${q}e${-scale}`) === abs);
}

/** exactExponent10 returns floor(log10(x)) for a positive finite double, computed exactly. */
function exactExponent10(x: number): number {
  let e = Math.floor(Math.log10(x));
  while (compareWithPow10(x, e) < 0) e--;
  while (compareWithPow10(x, e + 1) >= 0) e++;
  return e;
}

/** compareWithPow10 compares the exact value of `x` with 10^k: -1, 0 or 1. */
function compareWithPow10(x: number, k: number): number {
  const [num, den] = exactRatio(x, -k); // x * 10^-k as num/den
  return num < den ? -1 : num === den ? 0 : 1;
}

/** exactRatio returns `x * 10^scale` as an exact fraction [numerator, denominator]. */
function exactRatio(x: number, scale: number): [bigint, bigint] {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const biased = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & ((1n << 52n) - 1n);
  const mant = biased === 0 ? fraction : fraction | (1n << 52n);
  const exp2 = (biased === 0 ? 1 : biased) - 1075;
  let num = mant;
  let den = 1n;
  if (exp2 >= 0) num <<= BigInt(exp2);
  else den <<= BigInt(-exp2);
  if (scale >= 0) num *= 10n ** BigInt(scale);
  else den *= 10n ** BigInt(-scale);
  return [num, den];
}
