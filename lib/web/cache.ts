/**
 * A small cache of basic-auth results, so that a scraper sending the same credentials every
 * few seconds costs one bcrypt verification, not one per scrape.
 *
 * Counterpart: exporter-toolkit `web/cache.go` (itself from Caddy): at most 100 entries, and
 * when full about a tenth of them, chosen at random, make room. Keys are built by the caller
 * (see basic-auth.ts); values are the outcome of the check, true or false.
 *
 * @module
 */

/** cacheSize is how many results the cache holds before it evicts (Go's `cacheSize`). */
export const cacheSize = 100;

/** AuthCache maps a credentials key to the result of checking those credentials. */
export class AuthCache {
  readonly #entries = new Map<string, boolean>();

  /** size is the number of results held. */
  get size(): number {
    return this.#entries.size;
  }

  /** get returns the cached result for `key`, or undefined. */
  get(key: string): boolean | undefined {
    return this.#entries.get(key);
  }

  /** set stores a result, first evicting random entries if the cache is full. */
  set(key: string, value: boolean): void {
    this.#makeRoom();
    this.#entries.set(key, value);
  }

  /**
   * makeRoom deletes size/10 + 1 random entries once the cache is full, as Go's `makeRoom`
   * does: many at once, so that a busy cache does not evict on every insert, and at random,
   * so that no group of users is always the one evicted.
   */
  #makeRoom(): void {
    if (this.#entries.size < cacheSize) return;
    const numToDelete = Math.max(1, Math.floor(this.#entries.size / 10));
    for (let deleted = 0; deleted <= numToDelete && this.#entries.size > 0; deleted++) {
      let i = Math.floor(Math.random() * this.#entries.size);
      for (const key of this.#entries.keys()) {
        if (i-- === 0) {
          this.#entries.delete(key);
          break;
        }
      }
    }
  }
}
