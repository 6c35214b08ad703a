/**
 * Blowfish as bcrypt uses it: the initial state really is π, and the cipher gives Eric
 * Young's published test vectors (also what golang.org/x/crypto/blowfish gives).
 */
import { describe, expect, it } from "vitest";

import { encryptBlock, expandKey, expandKeyWithSalt, initialState, piWords, streamWords } from "../../lib/web/blowfish.js";

/** piHexDigits computes `count` hexadecimal digits of π after the point (Machin's formula). */
function piHexDigits(count: number): string {
  const guard = 16n;
  const one = 1n << (4n * (BigInt(count) + guard));
  const arctanInverse = (x: bigint): bigint => {
    let term = one / x;
    let sum = term;
    for (let k = 3n, sign = -1n; term !== 0n; k += 2n, sign = -sign) {
      term /= x * x;
      sum += (sign * term) / k;
    }
    return sum;
  };
  const pi = (16n * arctanInverse(5n) - 4n * arctanInverse(239n)) >> (4n * guard);
  return pi.toString(16).slice(1, 1 + count);
}

function encrypt(keyHex: string, plainHex: string): string {
  const state = initialState();
  expandKey(state, streamWords(Buffer.from(keyHex, "hex"), 18));
  const plain = Buffer.from(plainHex, "hex");
  const block = Int32Array.of(plain.readInt32BE(0), plain.readInt32BE(4));
  encryptBlock(state, block);
  const out = Buffer.alloc(8);
  out.writeInt32BE(block[0]!, 0);
  out.writeInt32BE(block[1]!, 4);
  return out.toString("hex");
}

describe("blowfish", () => {
  it("starts from the first 8336 hexadecimal digits of π", () => {
    expect(piWords).toHaveLength(18 + 1024);
    const digits = piWords.map((w) => w.toString(16).padStart(8, "0")).join("");
    expect(digits).toBe(piHexDigits(8336));
  });

  it.each([
    ["0000000000000000", "0000000000000000", "4ef997456198dd78"],
    ["ffffffffffffffff", "ffffffffffffffff", "51866fd5b85ecb8a"],
    ["3000000000000000", "1000000000000001", "7d856f9a613063f2"],
    ["0123456789abcdef", "1111111111111111", "61f9c3802281b096"],
    ["fedcba9876543210", "0123456789abcdef", "0aceab0fc6a0a28d"],
  ])("enciphers with key %s: %s → %s", (key, plain, cipher) => {
    expect(encrypt(key, plain)).toBe(cipher);
  });

  it("reads key bytes as big-endian words, cycling", () => {
    expect([...streamWords(Uint8Array.of(1, 2, 3), 3)]).toEqual([0x01020301, 0x02030102, 0x03010203]);
    expect(() => streamWords(new Uint8Array(0), 1)).toThrow(RangeError);
  });

  it("refuses a salt of an odd number of words", () => {
    expect(() => expandKeyWithSalt(initialState(), new Int32Array(18), new Int32Array(3))).toThrow(RangeError);
  });
});
