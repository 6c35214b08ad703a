/**
 * A small seeded pseudo-random generator for property tests: xoshiro128** (Blackman and Vigna,
 * 2018), seeded through splitmix32 so that any 32-bit seed, 0 included, gives a good state. The
 * same seed always yields the same sequence, on every platform, so a failing case is reproduced by
 * its seed alone.
 */

/** Prng draws numbers, choices and strings from a seeded xoshiro128** stream. */
export class Prng {
  /** The seed this generator was created with. */
  readonly seed: number;
  readonly #s = new Uint32Array(4);

  constructor(seed: number) {
    this.seed = seed >>> 0;
    let x = this.seed;
    for (let i = 0; i < 4; i++) {
      // splitmix32
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      this.#s[i] = (z ^ (z >>> 16)) >>> 0;
    }
  }

  /** uint32 returns the next 32 random bits as an unsigned integer. */
  uint32(): number {
    const s = this.#s;
    const result = Math.imul(rotl(Math.imul(s[1]!, 5) >>> 0, 7), 9) >>> 0;
    const t = (s[1]! << 9) >>> 0;
    s[2]! ^= s[0]!;
    s[3]! ^= s[1]!;
    s[1]! ^= s[2]!;
    s[0]! ^= s[3]!;
    s[2]! ^= t;
    s[3] = rotl(s[3]!, 11);
    return result;
  }

  /** float returns a uniform number in [0, 1) with 53 random bits. */
  float(): number {
    return ((this.uint32() >>> 5) * 0x4000000 + (this.uint32() >>> 6)) / 2 ** 53;
  }

  /** int returns a uniform integer in [0, n) for 0 < n ≤ 2^32. */
  int(n: number): number {
    return Math.floor(this.float() * n);
  }

  /** range returns a uniform integer in [min, max]. */
  range(min: number, max: number): number {
    return min + this.int(max - min + 1);
  }

  /** chance returns true with probability p. */
  chance(p: number): boolean {
    return this.float() < p;
  }

  /** pick returns a uniformly chosen element of a non-empty list. */
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  /** bits64 returns a number whose IEEE-754 bits are random (NaNs and infinities included). */
  bits64(): number {
    const view = new DataView(new ArrayBuffer(8));
    view.setUint32(0, this.uint32());
    view.setUint32(4, this.uint32());
    return view.getFloat64(0);
  }

  /** shuffle shuffles a list in place (Fisher–Yates) and returns it. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [items[i], items[j]] = [items[j]!, items[i]!];
    }
    return items;
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** randomSeed returns a fresh seed from the platform's cryptographic generator. */
export function randomSeed(): number {
  return crypto.getRandomValues(new Uint32Array(1))[0]!;
}
