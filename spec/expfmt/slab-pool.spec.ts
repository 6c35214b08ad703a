/**
 * SlabPool: slabs come back only once the encoder has left them and every chunk cut from them was
 * given back, so nothing is ever written over a chunk still in use; and the byte encoder, given a
 * pool, writes the same bytes and returns its slabs.
 */
import { describe, expect, it } from "vitest";
import { metricFamiliesToText, SlabPool, textByteChunks } from "../../lib/expfmt/index.js";
import * as prom from "../../lib/prometheus/index.js";

describe("SlabPool", () => {
  it("takes a slab back once it is retired and all its chunks are done, in either order", () => {
    const pool = new SlabPool(1024, 4);
    const slab = pool.acquire();
    const a = slab.subarray(0, 10);
    const b = slab.subarray(10, 20);
    pool.lend(a);
    pool.lend(b);
    pool.done(a);
    pool.retire(slab);
    expect(pool.free).toBe(0); // b is still out
    pool.done(b);
    expect(pool.free).toBe(1);
    expect(pool.acquire().buffer).toBe(slab.buffer); // used again

    const other = pool.acquire();
    pool.retire(other); // no chunk out: back at once
    expect(pool.free).toBe(1);
  });

  it("never takes back a slab whose chunk is kept, and ignores Buffers it did not lend", () => {
    const pool = new SlabPool(1024, 4);
    const slab = pool.acquire();
    const kept = slab.subarray(0, 8);
    pool.lend(kept);
    pool.retire(slab);
    pool.done(Buffer.alloc(8)); // not one of the pool's
    expect(pool.free).toBe(0);
  });

  it("keeps at most maxFree slabs", () => {
    const pool = new SlabPool(256, 2);
    const slabs = [pool.acquire(), pool.acquire(), pool.acquire()];
    for (const slab of slabs) pool.retire(slab);
    expect(pool.free).toBe(2);
  });
});

describe("textByteChunks with a pool", () => {
  it("writes the same bytes and gives every slab back once the chunks are done", () => {
    const reg = prom.newRegistry();
    const vec = prom.newGaugeVec({ name: "pooled", help: "h" }, ["id"]);
    reg.mustRegister(vec);
    for (let i = 0; i < 30_000; i++) vec.withLabelValues(String(i).padStart(6, "0")).set(i / 8);
    const pool = new SlabPool(64 * 1024, 8);
    return reg.gather().then((families) => {
      const chunks = [...textByteChunks(families, 4096, pool)];
      expect(Buffer.concat(chunks).toString()).toBe(metricFamiliesToText(families.map((f) => ({ ...f }))));
      expect(chunks.length).toBeGreaterThan(100);
      expect(pool.free).toBe(0); // every chunk is still out
      for (const chunk of chunks) pool.done(chunk);
      expect(pool.free).toBeGreaterThan(1);
    });
  });
});

describe("SlabPool arguments", () => {
  it("refuses a slab size or a count that cannot work, naming it", () => {
    expect(() => new SlabPool(0)).toThrow(new RangeError("SlabPool: slabSize must be an integer of at least 64 bytes, got 0"));
    expect(() => new SlabPool(1.5e3 + 0.5)).toThrow(RangeError);
    expect(() => new SlabPool(1024, -1)).toThrow(new RangeError("SlabPool: maxFree must be a non-negative integer, got -1"));
    expect(() => new SlabPool(1024, Number.NaN)).toThrow(RangeError);
  });
});
