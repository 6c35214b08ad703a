import { describe, expect, it } from "vitest";
import { TargetedQuantileStream } from "../../lib/prometheus/quantile.js";

/** xorshift32 returns a seeded generator of floats in [0, 1). */
function xorshift32(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 2 ** 32;
  };
}

/** The objectives client_golang's documentation suggests. */
const defaultObjectives = new Map([
  [0.5, 0.05],
  [0.9, 0.01],
  [0.99, 0.001],
]);

/** The targets of perks' own tests, including low quantiles. */
const perksTargets = new Map([
  [0.01, 0.001],
  [0.1, 0.01],
  [0.5, 0.05],
  [0.9, 0.01],
  [0.99, 0.001],
]);

const n = 100_000;

const distributions: Record<string, () => number[]> = {
  uniform: () => Array.from({ length: n }, xorshift32(42)),
  "sorted ascending": () => Array.from({ length: n }, (_, i) => i),
  "sorted descending": () => Array.from({ length: n }, (_, i) => n - i),
  "heavy duplicates": () => {
    const rand = xorshift32(7);
    return Array.from({ length: n }, () => Math.floor(rand() * 10));
  },
  "skewed (exponential)": () => {
    const rand = xorshift32(99);
    return Array.from({ length: n }, () => -Math.log(1 - rand()));
  },
  "shuffled integers": () => {
    const rand = xorshift32(2024);
    const a = Array.from({ length: n }, (_, i) => i);
    for (let i = a.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [a[i], a[j]] = [a[j], a[i]];
    }
    return a;
  },
};

/** firstIndex returns the first index in sorted a whose value is >= v (or > v if strict). */
function firstIndex(a: readonly number[], v: number, strict: boolean): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < v || (strict && a[mid] === v)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * rankError returns 0 when value v meets objective (q, e): some 1-based rank holding v lies in
 * [⌊(q−e)·n⌋, ⌈(q+e)·n⌉], the band perks' own tests use (rounded outward to whole ranks, which
 * matters for small n). Otherwise it returns how far v's nearest rank is from q·n, in units of
 * e·n, which is then above 1. Duplicates give v a range of ranks; any of them may count.
 */
function rankError(sorted: readonly number[], v: number, q: number, e: number): number {
  const n = sorted.length;
  const lo = firstIndex(sorted, v, false) + 1;
  const hi = firstIndex(sorted, v, true);
  expect(hi, `value ${v} is not among the inserted values`).toBeGreaterThanOrEqual(lo);
  const lower = Math.max(1, Math.floor((q - e) * n));
  const upper = Math.min(n, Math.ceil((q + e) * n));
  if (hi < lower) return (q * n - hi) / n / e;
  if (lo > upper) return (lo - q * n) / n / e;
  return 0;
}

/**
 * Perks, and so client_golang, misses the bound by up to a quarter on strictly descending
 * input with the default objectives (every batch lands in front of the list). We match perks
 * value for value (see the table below), so this test records that rather than hiding it.
 */
function slack(distribution: string, objectives: ReadonlyMap<number, number>): number {
  return distribution === "sorted descending" && objectives === defaultObjectives ? 1.3 : 1;
}

/**
 * What perks v1.0.1 returns for the distributions above, taken by running the Go original on
 * the same input: the query results for each objective (ascending) and the number of samples.
 */
const perksResults: Record<string, Record<string, [number[], number]>> = {
  "default objectives": {
    uniform: [[0.49573608790524304, 0.9078988984692842, 0.991149470442906], 41],
    "sorted ascending": [[45815, 90816, 99099], 37],
    "sorted descending": [[43774, 88774, 98889], 2470],
    "heavy duplicates": [[5, 9, 9], 70],
    "skewed (exponential)": [[0.7422585901774958, 2.3980337255787068, 4.664194771579357], 38],
    "shuffled integers": [[50444, 90400, 98963], 35],
  },
  "perks targets": {
    uniform: [
      [0.00978334154933691, 0.09662243258208036, 0.49573608790524304, 0.9078988984692842,
        0.991149470442906],
      75,
    ],
    "sorted ascending": [[1045, 10733, 45815, 90816, 99099], 68],
    "sorted descending": [[901, 10728, 52945, 90353, 99070], 1081],
    "heavy duplicates": [[0, 1, 5, 9, 9], 7350],
    "skewed (exponential)": [
      [0.011089102546873043, 0.11074513769072122, 0.7422585901774958, 2.3980337255787068,
        4.664194771579357],
      70,
    ],
    "shuffled integers": [[1028, 10237, 50444, 90400, 98963], 69],
  },
};

describe("TargetedQuantileStream", () => {
  for (const [name, generate] of Object.entries(distributions)) {
    for (const [label, objectives] of [
      ["default objectives", defaultObjectives],
      ["perks targets", perksTargets],
    ] as const) {
      it(`keeps the rank error bound for ${n} values, ${name}, ${label}`, () => {
        const values = generate();
        const stream = new TargetedQuantileStream(objectives);
        for (const v of values) stream.insert(v);
        const sorted = [...values].sort((a, b) => a - b);
        expect(stream.count()).toBe(n);
        for (const [q, e] of objectives) {
          const got = stream.query(q);
          expect(rankError(sorted, got, q, e), `quantile ${q} = ${got}`).toBeLessThanOrEqual(
            slack(name, objectives),
          );
        }
        // The point of the algorithm: far fewer samples than observations.
        expect(stream.samples().length).toBeLessThan(n / 10);
      });

      it(`returns what perks returns for ${n} values, ${name}, ${label}`, () => {
        const stream = new TargetedQuantileStream(objectives);
        for (const v of generate()) stream.insert(v);
        const quantiles = [...objectives.keys()].sort((a, b) => a - b);
        const [want, samples] = perksResults[label][name];
        expect(quantiles.map((q) => stream.query(q))).toEqual(want);
        expect(stream.samples()).toHaveLength(samples);
      });
    }
  }

  it("answers repeated queries the same way", () => {
    const stream = new TargetedQuantileStream(defaultObjectives);
    const rand = xorshift32(3);
    for (let i = 0; i < 10_000; i++) stream.insert(rand());
    const first = [0.5, 0.9, 0.99].map((q) => stream.query(q));
    const second = [0.5, 0.9, 0.99].map((q) => stream.query(q));
    expect(second).toEqual(first);
  });

  it("returns 0 for an empty stream", () => {
    const stream = new TargetedQuantileStream(defaultObjectives);
    expect(stream.count()).toBe(0);
    expect(stream.query(0.5)).toBe(0);
    expect(stream.samples()).toEqual([]);
  });

  it("answers exactly for one, two and three values", () => {
    const one = new TargetedQuantileStream(defaultObjectives);
    one.insert(7);
    expect([0.5, 0.9, 0.99].map((q) => one.query(q))).toEqual([7, 7, 7]);

    const two = new TargetedQuantileStream(defaultObjectives);
    two.insert(9);
    two.insert(3);
    expect([0.5, 0.9, 0.99].map((q) => two.query(q))).toEqual([3, 9, 9]);
    expect(two.count()).toBe(2);

    const three = new TargetedQuantileStream(defaultObjectives);
    for (const v of [5, -1, 2]) three.insert(v);
    expect([0.01, 0.5, 0.9, 0.99].map((q) => three.query(q))).toEqual([-1, 2, 5, 5]);
  });

  it("runs the documented example", () => {
    const stream = new TargetedQuantileStream(new Map([[0.5, 0.05], [0.9, 0.01]]));
    for (let i = 1; i <= 100; i++) stream.insert(i);
    expect(stream.query(0.5)).toBe(50);
    expect(stream.query(0.9)).toBe(90);
  });

  it("switches from the exact buffer to the compressed list at 500 values", () => {
    const stream = new TargetedQuantileStream(defaultObjectives);
    for (let i = 499; i >= 1; i--) stream.insert(i);
    expect(stream.samples()).toHaveLength(499);
    expect(stream.query(0.5)).toBe(250);
    stream.insert(500);
    expect(stream.count()).toBe(500);
    expect(stream.samples().length).toBeLessThan(500);
    const sorted = Array.from({ length: 500 }, (_, i) => i + 1);
    for (const [q, e] of defaultObjectives) {
      expect(rankError(sorted, stream.query(q), q, e)).toBe(0);
    }
  });

  it("forgets everything on reset and is usable again", () => {
    const stream = new TargetedQuantileStream(defaultObjectives);
    for (let i = 0; i < 2_000; i++) stream.insert(i);
    stream.reset();
    expect(stream.count()).toBe(0);
    expect(stream.query(0.5)).toBe(0);
    expect(stream.samples()).toEqual([]);
    for (const v of [10, 30, 20]) stream.insert(v);
    expect(stream.count()).toBe(3);
    expect(stream.query(0.5)).toBe(20);
  });

  it("merges another stream's samples, adding their widths to the count", () => {
    const a = new TargetedQuantileStream(defaultObjectives);
    const b = new TargetedQuantileStream(defaultObjectives);
    for (let i = 0; i < 1_000; i++) a.insert(i);
    for (let i = 1_000; i < 3_000; i++) b.insert(i);
    a.merge(b.samples());
    expect(a.count()).toBe(3_000);
    const median = a.query(0.5);
    expect(median).toBeGreaterThanOrEqual(0);
    expect(median).toBeLessThan(3_000);
  });

  it("does not let merge or samples alias its internal state", () => {
    const stream = new TargetedQuantileStream(defaultObjectives);
    for (let i = 0; i < 1_000; i++) stream.insert(i);
    const before = stream.query(0.9);
    for (const s of stream.samples()) s.width = 1e9;
    expect(stream.query(0.9)).toBe(before);
  });
});
