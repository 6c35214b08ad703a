/**
 * bcrypt password hashes, verified from scratch: Provos and Mazières' "Eksblowfish" expensive
 * key setup on top of {@link ./blowfish.ts}, the `OrpheanBeholderScryDoubt` encryption, and
 * bcrypt's own base64 alphabet.
 *
 * Counterpart: golang.org/x/crypto/bcrypt (`bcrypt.go`: `CompareHashAndPassword`, `Cost`,
 * `GenerateFromPassword`, `newFromHash`, `decodeVersion`, `decodeCost`,
 * `expensiveBlowfishSetup`; `base64.go`). Error messages are Go's, so the same text is found in
 * both code bases.
 *
 * A hash reads `$2b$10$` + 22 characters of salt + 31 characters of hash: 60 characters.
 *
 * The prefixes, and what they mean here:
 * - `$2a$`, `$2b$` and `$2y$` are accepted and verified the same way, as Go does: the password's
 *   UTF-8 bytes plus a terminating NUL, of which only the first 72 bytes count.
 * - OpenBSD's `$2a$` stored the password length in a byte, so a password of 255 bytes or more
 *   wrapped around to a short key; `$2b$` (2014) fixed that. Both agree below 255 bytes, and
 *   only the first 72 bytes ever count, so the difference shows only for hashes that OpenBSD
 *   made from passwords of 255+ bytes with the old code. We implement the fixed behaviour.
 * - `$2x$` marks hashes made by crypt_blowfish before 2011, which sign-extended bytes ≥ 0x80;
 *   `$2y$` marks the corrected ones (Apache's `htpasswd -B` writes `$2y$`). We do not reproduce
 *   the bug, so `$2x$` is refused rather than silently never matching. Go accepts any letter
 *   there and `$2$` without one; we accept only `a`, `b` and `y`.
 *
 * @module
 */

import { randomBytes, timingSafeEqual } from "node:crypto";

import { type BlowfishState, encryptBlock, expandKey, expandKeyWithSalt, initialState, streamWords } from "./blowfish.js";

/** minCost is the smallest cost a hash may have (Go's `bcrypt.MinCost`). */
export const minCost = 4;

/** maxCost is the largest cost a hash may have (Go's `bcrypt.MaxCost`). */
export const maxCost = 31;

/** defaultCost is the cost generateFromPassword uses below minCost (Go's `bcrypt.DefaultCost`). */
export const defaultCost = 10;

/** The length of a bcrypt hash: `$2b$10$`, 22 characters of salt, 31 of hash. */
const hashLength = 60;

/** Go's `minHashSize`: anything shorter is `hashedSecret too short`. */
const minHashSize = 59;

/** bcrypt's base64 alphabet: the standard one with `./` first and no padding. */
const alphabet = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const standard = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** The 24-byte plaintext that bcrypt encrypts 64 times: "OrpheanBeholderScryDoubt". */
const magicWords = streamWords(new TextEncoder().encode("OrpheanBeholderScryDoubt"), 6);

/**
 * BcryptError reports a string that is not a bcrypt hash we can verify: too short, a wrong
 * prefix, a cost out of range, a character outside bcrypt's base64 alphabet. The message is
 * Go's where Go has one (`crypto/bcrypt: hashedSecret too short to be a bcrypted password`).
 */
export class BcryptError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** ParsedHash is a bcrypt hash taken apart. */
export interface ParsedHash {
  /** The version letter after `$2`: `a`, `b` or `y`. */
  minor: "a" | "b" | "y";
  /** The cost: the key setup runs 2^cost rounds. */
  cost: number;
  /** The 16 bytes of salt. */
  salt: Uint8Array;
  /** The salt as written in the hash (22 characters). */
  encodedSalt: string;
  /** The hash as written (31 characters). */
  encodedHash: string;
}

/**
 * parseHash takes a bcrypt hash apart and checks every part of it.
 *
 * @throws {BcryptError} when `hash` is not a well-formed `$2a$`, `$2b$` or `$2y$` hash.
 */
export function parseHash(hash: string): ParsedHash {
  if (hash.length < minHashSize) {
    throw new BcryptError("crypto/bcrypt: hashedSecret too short to be a bcrypted password");
  }
  if (hash[0] !== "$") {
    throw new BcryptError(`crypto/bcrypt: bcrypt hashes must start with '$', but hashedSecret started with '${hash[0]}'`);
  }
  if (hash[1]! > "2") {
    throw new BcryptError(`crypto/bcrypt: bcrypt algorithm version '${hash[1]}' requested is newer than current version '2'`);
  }
  if (hash[1] !== "2" || hash[3] !== "$" || !"aby".includes(hash[2]!)) {
    throw new BcryptError(`crypto/bcrypt: unsupported bcrypt version "${hash.slice(0, 4)}" (want $2a$, $2b$ or $2y$)`);
  }
  const costText = hash.slice(4, 6);
  if (!/^\d\d$/.test(costText)) {
    throw new BcryptError(`strconv.Atoi: parsing "${costText}": invalid syntax`);
  }
  const cost = Number(costText);
  if (cost < minCost || cost > maxCost) {
    throw new BcryptError(`crypto/bcrypt: cost ${cost} is outside allowed range (${minCost},${maxCost})`);
  }
  if (hash[6] !== "$" || hash.length !== hashLength) {
    throw new BcryptError(`crypto/bcrypt: hashedSecret is not ${hashLength} characters of the form $2b$NN$<salt><hash>`);
  }
  const bad = /[^./A-Za-z0-9]/.exec(hash.slice(7));
  if (bad !== null) {
    throw new BcryptError(`illegal base64 data at input byte ${bad.index}`);
  }
  const encodedSalt = hash.slice(7, 29);
  return {
    minor: hash[2] as "a" | "b" | "y",
    cost,
    salt: base64Decode(encodedSalt),
    encodedSalt,
    encodedHash: hash.slice(29),
  };
}

/**
 * cost returns the cost a hash was made with (Go's `bcrypt.Cost`). exporter-toolkit calls it on
 * every configured user at startup to reject malformed hashes early.
 *
 * @throws {BcryptError} when `hash` is malformed.
 */
export function cost(hash: string): number {
  return parseHash(hash).cost;
}

/**
 * compareHashAndPassword reports whether `password` is the one `hash` was made from. A string
 * password counts as its UTF-8 bytes. The final comparison takes the same time wherever the
 * hashes first differ (`crypto.timingSafeEqual`), and the work before it depends only on the
 * cost, never on the password.
 *
 * Unlike Go's, it returns a boolean: a mismatch is an answer, not an error.
 *
 * @throws {BcryptError} when `hash` is malformed.
 *
 * @example
 * ```ts
 * // A test vector of Openwall's crypt_blowfish.
 * const hash = "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW";
 * compareHashAndPassword(hash, "U*U"); // true
 * compareHashAndPassword(hash, "U*U*"); // false
 * ```
 */
export function compareHashAndPassword(hash: string, password: string | Uint8Array): boolean {
  const parsed = parseHash(hash);
  const computed = bcrypt(toBytes(password), parsed.cost, parsed.salt);
  return timingSafeEqual(Buffer.from(computed, "latin1"), Buffer.from(parsed.encodedHash, "latin1"));
}

/**
 * generateFromPassword hashes `password` with a random salt at `cost` (below minCost means
 * defaultCost), as Go's `GenerateFromPassword` does, and writes the `$2a$` prefix as Go does.
 *
 * @throws {BcryptError} when `cost` is above maxCost.
 */
export function generateFromPassword(password: string | Uint8Array, cost = defaultCost): string {
  const c = cost < minCost ? defaultCost : cost;
  if (!Number.isInteger(c) || c > maxCost) {
    throw new BcryptError(`crypto/bcrypt: cost ${cost} is outside allowed range (${minCost},${maxCost})`);
  }
  const salt = randomBytes(16);
  return `$2a$${String(c).padStart(2, "0")}$${base64Encode(salt)}${bcrypt(toBytes(password), c, salt)}`;
}

/**
 * bcrypt computes the 31-character encoded hash of `password` with `salt` at `cost`: the
 * expensive key setup, then "OrpheanBeholderScryDoubt" encrypted 64 times. Only 23 of the 24
 * resulting bytes are encoded, as every bcrypt implementation does.
 */
export function bcrypt(password: Uint8Array, cost: number, salt: Uint8Array): string {
  const state = eksBlowfishSetup(password, cost, salt);
  const block = new Int32Array(2);
  const out = new Uint8Array(24);
  for (let i = 0; i < 6; i += 2) {
    block[0] = magicWords[i]!;
    block[1] = magicWords[i + 1]!;
    for (let j = 0; j < 64; j++) encryptBlock(state, block);
    for (let k = 0; k < 2; k++) {
      const w = block[k]!;
      const o = (i + k) * 4;
      out[o] = w >>> 24;
      out[o + 1] = (w >>> 16) & 0xff;
      out[o + 2] = (w >>> 8) & 0xff;
      out[o + 3] = w & 0xff;
    }
  }
  return base64Encode(out.subarray(0, 23));
}

/**
 * eksBlowfishSetup is the expensive key setup (Go's `expensiveBlowfishSetup`): key the cipher
 * with salt and password, then 2^cost times alternately with the password and with the salt.
 * The key is the password followed by a NUL byte, of which the key schedule reads 72 bytes.
 */
function eksBlowfishSetup(password: Uint8Array, cost: number, salt: Uint8Array): BlowfishState {
  const key = new Uint8Array(password.length + 1);
  key.set(password);
  const keyWords = streamWords(key, 18);
  const saltWords = streamWords(salt, 4);
  const saltAsKey = streamWords(salt, 18);
  const state = initialState();
  expandKeyWithSalt(state, keyWords, saltWords);
  for (let i = 2 ** cost; i > 0; i--) {
    expandKey(state, keyWords);
    expandKey(state, saltAsKey);
  }
  return state;
}

/** toBytes gives the bytes of a password: a string as UTF-8. */
function toBytes(password: string | Uint8Array): Uint8Array {
  return typeof password === "string" ? Buffer.from(password, "utf8") : password;
}

/** base64Encode writes bytes in bcrypt's alphabet without padding. */
function base64Encode(bytes: Uint8Array): string {
  return translate(Buffer.from(bytes).toString("base64").replace(/=+$/, ""), standard, alphabet);
}

/** base64Decode reads bcrypt's alphabet (no padding); spare low bits are ignored, as in Go. */
function base64Decode(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(translate(text, alphabet, standard), "base64"));
}

function translate(text: string, from: string, to: string): string {
  let out = "";
  for (const c of text) out += to[from.indexOf(c)];
  return out;
}
