import { describe, expect, it, vi } from "vitest";
import {
  DefAgeBuckets,
  DefBufCap,
  DefMaxAgeMs,
  SummaryWindow,
  validateObjectives,
} from "../../lib/prometheus/summary-window.js";

const objectives = new Map([
  [0.5, 0.05],
  [0.9, 0.01],
  [0.99, 0.001],
]);

/** fakeClock returns a clock that reads `t` and a setter for it. */
function fakeClock(start = 0): { now: () => number; set: (t: number) => void } {
  let t = start;
  return { now: () => t, set: (next) => (t = next) };
}

/** values returns the quantile values of a snapshot, in order. */
function values(w: SummaryWindow): number[] {
  return w.snapshot().quantile.map((q) => q.value);
}

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

describe("SummaryWindow", () => {
  it("exports Go's defaults", () => {
    expect([DefMaxAgeMs, DefAgeBuckets, DefBufCap]).toEqual([600_000, 5, 500]);
  });

  it("reports NaN quantiles, in ascending order, before any observation", () => {
    const clock = fakeClock();
    const w = new SummaryWindow({ objectives, now: clock.now });
    expect(w.snapshot()).toEqual({
      sampleCount: 0,
      sampleSum: 0,
      quantile: [
        { quantile: 0.5, value: NaN },
        { quantile: 0.9, value: NaN },
        { quantile: 0.99, value: NaN },
      ],
    });
  });

  it("runs the documented example", () => {
    const w = new SummaryWindow({ objectives: new Map([[0.5, 0.05], [0.9, 0.01]]) });
    for (let i = 1; i <= 10; i++) w.observe(i);
    expect(w.snapshot()).toEqual({
      sampleCount: 10,
      sampleSum: 55,
      quantile: [
        { quantile: 0.5, value: 5 },
        { quantile: 0.9, value: 9 },
      ],
    });
  });

  it("sorts the quantiles whatever the order of the objectives", () => {
    const clock = fakeClock();
    const shuffled = new Map([
      [0.99, 0.001],
      [0.25, 0.02],
      [0.5, 0.05],
      [0.9, 0.01],
    ]);
    const w = new SummaryWindow({ objectives: shuffled, now: clock.now });
    for (let i = 1; i <= 100; i++) w.observe(i);
    expect(w.snapshot().quantile).toEqual([
      { quantile: 0.25, value: 25 },
      { quantile: 0.5, value: 50 },
      { quantile: 0.9, value: 90 },
      { quantile: 0.99, value: 99 },
    ]);
  });

  it("drops observations from the quantiles once maxAge has passed, keeping count and sum", () => {
    const clock = fakeClock(1_000);
    const w = new SummaryWindow({ objectives, maxAgeMs: 10_000, ageBuckets: 5, now: clock.now });
    for (let i = 1; i <= 100; i++) w.observe(i);
    expect(values(w)).toEqual([50, 90, 99]);
    clock.set(11_000); // exactly maxAge later: still inside, as Go compares with After
    expect(values(w)).toEqual([50, 90, 99]);
    clock.set(11_001);
    expect(w.snapshot()).toEqual({
      sampleCount: 100,
      sampleSum: 5050,
      quantile: [
        { quantile: 0.5, value: NaN },
        { quantile: 0.9, value: NaN },
        { quantile: 0.99, value: NaN },
      ],
    });
  });

  it("drops buffered observations that were never flushed once maxAge has passed", () => {
    const clock = fakeClock();
    const w = new SummaryWindow({ objectives, maxAgeMs: 10_000, ageBuckets: 5, now: clock.now });
    for (let i = 1; i <= 10; i++) w.observe(1);
    clock.set(10_001);
    for (let i = 1; i <= 10; i++) w.observe(2);
    expect(w.snapshot()).toEqual({
      sampleCount: 20,
      sampleSum: 30,
      quantile: [
        { quantile: 0.5, value: 2 },
        { quantile: 0.9, value: 2 },
        { quantile: 0.99, value: 2 },
      ],
    });
  });

  it("rotates every maxAge/ageBuckets, keeping the most recent age buckets", () => {
    const clock = fakeClock();
    const low = new Map([
      [0.01, 0.001],
      [0.5, 0.05],
      [0.99, 0.001],
    ]);
    const w = new SummaryWindow({ objectives: low, maxAgeMs: 10_000, now: clock.now });
    let sum = 0;
    for (let k = 0; k <= 12; k++) {
      clock.set(2_000 * k + 1);
      for (let i = 0; i < 10; i++) w.observe(k);
      sum += 10 * k;
      const snap = w.snapshot();
      // The head stream holds the last five buckets: values k-4 … k, ten of each.
      const inWindow: number[] = [];
      for (let j = Math.max(0, k - 4); j <= k; j++) inWindow.push(...Array<number>(10).fill(j));
      expect(snap.quantile.map((q) => q.value), `step ${k}`).toEqual(
        [0.01, 0.5, 0.99].map((q) => inWindow[Math.ceil(q * inWindow.length) - 1]),
      );
      expect(snap.quantile[0].value).toBe(Math.max(0, k - 4));
      expect(snap.sampleCount).toBe(10 * (k + 1));
      expect(snap.sampleSum).toBe(sum);
    }
  });

  it("empties the whole window every maxAge with a single age bucket", () => {
    const clock = fakeClock();
    const w = new SummaryWindow({ objectives, maxAgeMs: 1_000, ageBuckets: 1, now: clock.now });
    w.observe(1);
    clock.set(999);
    w.observe(3);
    expect(values(w)).toEqual([1, 3, 3]);
    clock.set(1_001);
    expect(values(w)).toEqual([NaN, NaN, NaN]);
    w.observe(7);
    expect(values(w)).toEqual([7, 7, 7]);
    expect(w.snapshot().sampleCount).toBe(3);
  });

  it("rotates correctly when maxAge does not divide evenly into age buckets", () => {
    const clock = fakeClock();
    const w = new SummaryWindow({ objectives, maxAgeMs: 1_000, ageBuckets: 3, now: clock.now });
    for (let step = 0; step < 300; step++) {
      clock.set(step * 100);
      w.observe(step);
      const [median] = values(w);
      // Observations at most 1000 ms old may be in the window; older ones never are.
      expect(median).toBeGreaterThanOrEqual(Math.max(0, step - 10));
      expect(median).toBeLessThanOrEqual(step);
    }
    clock.set(299 * 100 + 1_001);
    expect(values(w)).toEqual([NaN, NaN, NaN]);
    expect(w.snapshot().sampleCount).toBe(300);
  });

  it("keeps count and sum growing across windows", () => {
    const clock = fakeClock();
    const w = new SummaryWindow({ objectives, maxAgeMs: 1_000, ageBuckets: 2, now: clock.now });
    for (let i = 0; i < 50; i++) {
      clock.set(i * 700);
      w.observe(0.5);
      w.observe(1.5);
    }
    const snap = w.snapshot();
    expect(snap.sampleCount).toBe(100);
    expect(snap.sampleSum).toBe(100);
  });

  for (const n of [9, 10, 11]) {
    it(`gives exact quantiles around the buffer boundary: bufCap 10, ${n} observations`, () => {
      const clock = fakeClock();
      const w = new SummaryWindow({ objectives, bufCap: 10, now: clock.now });
      // 1 … n in a scrambled order.
      for (let i = 0; i < n; i++) w.observe(((i * 7) % n) + 1);
      const snap = w.snapshot();
      expect(snap.sampleCount).toBe(n);
      expect(snap.sampleSum).toBe((n * (n + 1)) / 2);
      expect(snap.quantile.map((q) => q.value)).toEqual(
        [0.5, 0.9, 0.99].map((q) => Math.ceil(q * n)),
      );
    });
  }

  for (const n of [DefBufCap - 1, DefBufCap, DefBufCap + 1]) {
    it(`keeps the rank error bound around the default buffer: ${n} observations`, () => {
      const clock = fakeClock();
      const w = new SummaryWindow({ objectives, now: clock.now });
      const rand = xorshift32(n);
      const observed = Array.from({ length: n }, rand);
      for (const v of observed) w.observe(v);
      const sorted = [...observed].sort((a, b) => a - b);
      const snap = w.snapshot();
      expect(snap.sampleCount).toBe(n);
      for (const { quantile: q, value } of snap.quantile) {
        const e = objectives.get(q) as number;
        const rank = sorted.indexOf(value) + 1;
        // The band perks' tests use: whole ranks, rounded outward.
        expect(rank, `quantile ${q}`).toBeGreaterThanOrEqual(Math.floor((q - e) * n));
        expect(rank, `quantile ${q}`).toBeLessThanOrEqual(Math.ceil((q + e) * n));
      }
    });
  }

  it("keeps only count and sum, without reading the clock, when there are no objectives", () => {
    const now = vi.fn(() => 0);
    const w = new SummaryWindow({ objectives: new Map(), now });
    for (let i = 0; i < 1_000; i++) w.observe(i);
    expect(w.snapshot()).toEqual({ sampleCount: 1_000, sampleSum: 499_500, quantile: [] });
    expect(now).not.toHaveBeenCalled();
  });

  it("rejects a window it could not rotate", () => {
    const cases: [Partial<{ maxAgeMs: number; ageBuckets: number; bufCap: number }>, string][] = [
      [{ maxAgeMs: 0 }, "illegal max age 0: must be a positive number of milliseconds"],
      [{ maxAgeMs: -5 }, "illegal max age -5: must be a positive number of milliseconds"],
      [{ maxAgeMs: NaN }, "illegal max age NaN: must be a positive number of milliseconds"],
      [{ ageBuckets: 0 }, "illegal age buckets 0: must be a positive integer"],
      [{ ageBuckets: 2.5 }, "illegal age buckets 2.5: must be a positive integer"],
      [{ bufCap: 0 }, "illegal buffer capacity 0: must be a positive integer"],
    ];
    for (const [options, message] of cases) {
      expect(() => new SummaryWindow({ objectives, ...options })).toThrow(RangeError);
      expect(() => new SummaryWindow({ objectives, ...options })).toThrow(message);
    }
  });
});

describe("validateObjectives", () => {
  it("accepts quantiles in (0, 1) with errors in [0, 1)", () => {
    expect(() => validateObjectives(objectives)).not.toThrow();
    expect(() => validateObjectives(new Map([[0.5, 0]]))).not.toThrow();
    expect(() => validateObjectives(new Map())).not.toThrow();
  });

  const bad: [Map<number, number>, string][] = [
    [new Map([[1.5, 0.01]]), "invalid quantile 1.5: must be in the interval (0, 1)"],
    [new Map([[0, 0.01]]), "invalid quantile 0: must be in the interval (0, 1)"],
    [new Map([[1, 0.01]]), "invalid quantile 1: must be in the interval (0, 1)"],
    [new Map([[-0.1, 0.01]]), "invalid quantile -0.1: must be in the interval (0, 1)"],
    [new Map([[NaN, 0.01]]), "invalid quantile NaN: must be in the interval (0, 1)"],
    [new Map([[0.5, 1]]), "invalid error 1 for quantile 0.5: must be in the interval [0, 1)"],
    [new Map([[0.9, -0.1]]), "invalid error -0.1 for quantile 0.9: must be in the interval [0, 1)"],
    [new Map([[0.99, NaN]]), "invalid error NaN for quantile 0.99: must be in the interval [0, 1)"],
    [
      new Map([
        [0.5, 0.05],
        [2, 0.01],
      ]),
      "invalid quantile 2: must be in the interval (0, 1)",
    ],
  ];
  for (const [objs, message] of bad) {
    it(`throws RangeError: ${message}`, () => {
      expect(() => validateObjectives(objs)).toThrow(RangeError);
      expect(() => validateObjectives(objs)).toThrow(message);
    });
  }
});
