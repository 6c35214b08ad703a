/**
 * HTTP basic authentication against `basic_auth_users`: parsing the `Authorization` header,
 * finding the user without leaking through timing whether it exists, verifying the bcrypt
 * hash, and caching the outcome.
 *
 * Counterpart: exporter-toolkit `web/handler.go` (`webHandler.ServeHTTP`: the fake hash for
 * unknown users, the cache key, `bcrypt.CompareHashAndPassword`) and Go's
 * `http.Request.BasicAuth`.
 *
 * An unknown user and a wrong password cost the same: the unknown user is checked against a
 * fixed bcrypt hash of cost 10 (exporter-toolkit's, of "fakepassword"), and the lookup itself
 * compares the name with every configured user in constant time. Hashes of a different cost
 * than 10 still tell a difference, as in exporter-toolkit.
 *
 * The cache key is a SHA-256 digest of user, hash and password, where exporter-toolkit keys
 * its cache with their hex encodings: the result is the same, and plaintext passwords do not
 * stay in memory. A changed hash or a removed user can never hit an old entry: the hash is part
 * of the key, and an unknown user is refused whatever the cache says.
 *
 * The bcrypt comparison itself runs on a worker thread, one at a time (bcrypt-thread.ts), so that
 * password guessers do not stall the event loop: `authenticate` is async, and a check whose
 * outcome is cached never waits for the worker.
 *
 * @module
 */

import { createHash, timingSafeEqual } from "node:crypto";

import { BcryptError } from "./bcrypt.js";
import { BcryptWorker } from "./bcrypt-thread.js";
import { AuthCache } from "./cache.js";

/**
 * fakeHash is what an unknown user's password is checked against, so that it costs as much as
 * a known user's: exporter-toolkit's bcrypt hash of "fakepassword" at cost 10.
 */
export const fakeHash = "$2y$10$QOauhQNbBCuQDKes6eFzPeMqBSjb7Mr5DUmpZ/VcEd00UAV/LDeSi";

/** Credentials are a user name and password as sent, in bytes. */
export interface Credentials {
  readonly user: Buffer;
  readonly password: Buffer;
}

/**
 * parseBasicAuth reads `Basic <base64(user:password)>` as Go's `Request.BasicAuth` does: the
 * scheme in any case, standard base64 with padding, split at the first colon. Anything else
 * gives undefined.
 */
export function parseBasicAuth(header: string | undefined): Credentials | undefined {
  if (header === undefined || header.length < 6 || header.slice(0, 6).toLowerCase() !== "basic ") return undefined;
  const encoded = header.slice(6);
  if (encoded.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(encoded)) return undefined;
  const decoded = Buffer.from(encoded, "base64");
  const colon = decoded.indexOf(0x3a);
  if (colon < 0) return undefined;
  return { user: decoded.subarray(0, colon), password: decoded.subarray(colon + 1) };
}

/** AuthenticatorOptions configures a BasicAuthenticator. */
export interface AuthenticatorOptions {
  /**
   * compare verifies a password against a bcrypt hash, on the calling thread. By default the
   * comparison runs on the shared {@link BcryptWorker} instead. Specs pass a counting wrapper to
   * see that every path does the same work.
   */
  compare?: (hash: string, password: Uint8Array) => boolean | Promise<boolean>;
  /** The worker that runs comparisons when `compare` is not given; one shared by the process by default. */
  worker?: BcryptWorker;
}

let sharedWorker: BcryptWorker | undefined;

/**
 * BasicAuthenticator checks credentials against a set of users and remembers the outcome of
 * each check (exporter-toolkit's `webHandler` with its `cache`).
 */
export class BasicAuthenticator {
  readonly #cache = new AuthCache();
  readonly #compare: (key: string, hash: string, password: Uint8Array) => boolean | Promise<boolean>;
  readonly #digests = new WeakMap<ReadonlyMap<string, string>, [Buffer, string][]>();

  constructor(options: AuthenticatorOptions = {}) {
    const compare = options.compare;
    if (compare !== undefined) {
      this.#compare = (_key, hash, password) => compare(hash, password);
    } else {
      const worker = options.worker ?? (sharedWorker ??= new BcryptWorker());
      this.#compare = (key, hash, password) => worker.compare(key, hash, password);
    }
  }

  /**
   * authenticate resolves to whether `credentials` name a user of `users` (name to bcrypt hash)
   * with the right password. A malformed hash never matches.
   *
   * @throws {BcryptBusyError} (as a rejection) when too many comparisons are waiting already.
   */
  async authenticate(users: ReadonlyMap<string, string>, credentials: Credentials): Promise<boolean> {
    const found = this.#lookup(users, credentials.user);
    const validUser = found !== undefined;
    const hash = found ?? fakeHash;
    const key = createHash("sha256")
      .update(`${credentials.user.length}:${hash.length}:`)
      .update(credentials.user)
      .update(hash)
      .update(credentials.password)
      .digest("base64");
    let ok = this.#cache.get(key);
    if (ok === undefined) {
      // Verify first, whoever asks: an unknown user must cost a full bcrypt run too.
      const matched = await this.#verify(key, hash, credentials.password);
      ok = validUser && matched;
      this.#cache.set(key, ok);
    }
    return ok && validUser;
  }

  /** verify runs the bcrypt comparison; a hash it cannot read is a mismatch. */
  async #verify(key: string, hash: string, password: Uint8Array): Promise<boolean> {
    try {
      return await this.#compare(key, hash, password);
    } catch (err) {
      if (err instanceof BcryptError) return false;
      throw err;
    }
  }

  /**
   * lookup finds the hash of the user whose UTF-8 name is `name`, comparing digests with every
   * configured user in constant time, so that the time taken does not depend on where, or
   * whether, the name is found.
   */
  #lookup(users: ReadonlyMap<string, string>, name: Buffer): string | undefined {
    let digests = this.#digests.get(users);
    if (digests === undefined) {
      digests = [...users].map(([user, hash]) => [sha256(Buffer.from(user, "utf8")), hash]);
      this.#digests.set(users, digests);
    }
    const wanted = sha256(name);
    let found: string | undefined;
    for (const [digest, hash] of digests) {
      const same = timingSafeEqual(digest, wanted);
      found = same ? hash : found;
    }
    return found;
  }
}

function sha256(data: Buffer): Buffer {
  return createHash("sha256").update(data).digest();
}
