/**
 * Time-sliced sorting: the same order as a plain stable sort, and the event loop keeps turning.
 */
import { describe, expect, it } from "vitest";
import { Slicer, sortInSlices } from "../../lib/prometheus/internal/slices.js";

function xorshift(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

describe("sortInSlices", () => {
  it("sorts small arrays at once, without a promise", () => {
    const items = [3, 1, 2];
    expect(sortInSlices(items, (a, b) => a - b)).toBeUndefined();
    expect(items).toEqual([1, 2, 3]);
  });

  for (const n of [2049, 5000, 65_537]) {
    it(`sorts ${n} items like a stable Array.prototype.sort`, async () => {
      const random = xorshift(n);
      const items = Array.from({ length: n }, (_, i) => ({ key: Math.floor(random() * 500), i }));
      const expected = [...items].sort((a, b) => a.key - b.key);
      await sortInSlices(items, (a, b) => a.key - b.key);
      expect(items).toEqual(expected);
    });
  }

  it("sorts an Int32Array in place, like a plain sort", async () => {
    const random = xorshift(11);
    const items = Int32Array.from({ length: 100_000 }, () => Math.floor(random() * 2 ** 31));
    // An order unrelated to the values' own: by a key per value, then by value.
    const key = (v: number) => (v * 7919) % 65_537;
    const order = (a: number, b: number) => key(a) - key(b) || a - b;
    const expected = Array.from(items).sort(order);
    await sortInSlices(items, order);
    expect(items).toBeInstanceOf(Int32Array);
    expect(Array.from(items)).toEqual(expected);
  });

  it("finds sorted items in one pass of comparisons, and leaves them as they are", async () => {
    const items = Int32Array.from({ length: 100_000 }, (_, i) => i);
    let comparisons = 0;
    await sortInSlices(items, (a, b) => (comparisons++, a - b));
    expect(comparisons).toBe(items.length - 1);
    expect(Array.from(items)).toEqual(Array.from({ length: 100_000 }, (_, i) => i));
  });

  it("sorts items that are in order but for the last, stably", async () => {
    const items = Array.from({ length: 10_000 }, (_, i) => ({ key: i < 9_999 ? Math.floor(i / 3) : 0, i }));
    const expected = [...items].sort((a, b) => a.key - b.key);
    await sortInSlices(items, (a, b) => a.key - b.key);
    expect(items).toEqual(expected);
    expect(items[1]).toEqual({ key: 0, i: 1 });
    expect(items[3]).toEqual({ key: 0, i: 9_999 });
  });

  it("yields to the event loop while sorting a large array", async () => {
    const random = xorshift(7);
    const items = Array.from({ length: 400_000 }, () => random());
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    try {
      await sortInSlices(items, (a, b) => a - b, new Slicer());
    } finally {
      clearInterval(timer);
    }
    for (let i = 1; i < items.length; i++) if (items[i - 1]! > items[i]!) throw new Error(`unsorted at ${i}`);
    expect(ticks).toBeGreaterThan(0);
  });
});
