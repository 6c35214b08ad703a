/**
 * bcrypt off the event loop: comparisons run on one worker thread, one at a time, so that a
 * password guesser costs the guesser's own requests their time and nobody else's.
 *
 * Counterpart: exporter-toolkit `web/handler.go`, whose `bcryptMtx` lets one
 * `bcrypt.CompareHashAndPassword` run at a time while other goroutines keep serving. A Node
 * process has one thread for JavaScript, so a cost-10 comparison (about 60 ms here) run on it
 * stops every request, and a cost-18 one stops them for seconds; the worker does the same
 * one-at-a-time work beside the event loop.
 *
 * Two limits keep a flood bounded: comparisons already waiting for the same hash and password
 * share one run, and at most {@link MaxPendingComparisons} distinct ones wait; beyond that
 * `compare` rejects at once with {@link BcryptBusyError} (exporter-toolkit queues without limit).
 *
 * When the compiled worker (bcrypt-worker.js beside this file) is absent, as when the TypeScript
 * sources are run directly by the specs, comparisons run on the calling thread instead.
 *
 * @module
 */

import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";

import { BcryptError, compareHashAndPassword } from "./bcrypt.js";
import type { CompareReply } from "./bcrypt-worker.js";

/** MaxPendingComparisons is how many distinct comparisons may wait for the worker at once. */
export const MaxPendingComparisons = 64;

/** BcryptBusyError reports a comparison refused because too many are waiting already. */
export class BcryptBusyError extends Error {
  constructor() {
    super(`too many bcrypt comparisons waiting (more than ${MaxPendingComparisons})`);
    this.name = new.target.name;
  }
}

interface Pending {
  resolve(ok: boolean): void;
  reject(err: Error): void;
}

/**
 * BcryptWorker compares passwords with bcrypt hashes on a worker thread, one at a time. The
 * thread starts with the first comparison and does not keep the process alive.
 */
export class BcryptWorker {
  readonly #url: URL | undefined;
  #worker: Worker | undefined;
  #nextId = 0;
  readonly #pending = new Map<number, Pending>();
  readonly #shared = new Map<string, Promise<boolean>>();

  /** `workerURL` overrides where the worker's compiled module is (bcrypt-worker.js beside this file). */
  constructor(workerURL: URL = new URL("./bcrypt-worker.js", import.meta.url)) {
    this.#url = existsSync(fileURLToPath(workerURL)) ? workerURL : undefined;
  }

  /** pending is the number of distinct comparisons waiting or running. */
  get pending(): number {
    return this.#shared.size;
  }

  /** onThread reports whether comparisons run on a worker thread (false: on the calling thread). */
  get onThread(): boolean {
    return this.#url !== undefined;
  }

  /**
   * compare resolves to whether `password` matches `hash`; a malformed hash is a mismatch.
   * `key` names the pair (a digest, see basic-auth.ts): comparisons of the same key in flight
   * share one run.
   *
   * @throws {BcryptBusyError} (as a rejection) when {@link MaxPendingComparisons} are waiting.
   */
  compare(key: string, hash: string, password: Uint8Array): Promise<boolean> {
    const shared = this.#shared.get(key);
    if (shared !== undefined) return shared;
    if (this.#shared.size >= MaxPendingComparisons) return Promise.reject(new BcryptBusyError());
    const run = this.#run(hash, password).finally(() => this.#shared.delete(key));
    this.#shared.set(key, run);
    return run;
  }

  #run(hash: string, password: Uint8Array): Promise<boolean> {
    if (this.#url === undefined) return Promise.resolve().then(() => compareHere(hash, password));
    const worker = this.#start(this.#url);
    const id = this.#nextId++;
    return new Promise<boolean>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      if (this.#pending.size === 1) worker.ref();
      worker.postMessage({ id, hash, password: Uint8Array.from(password) });
    });
  }

  #start(url: URL): Worker {
    if (this.#worker !== undefined) return this.#worker;
    const worker = new Worker(url);
    worker.unref();
    worker.on("message", (reply: CompareReply) => this.#settle(reply));
    const fail = (err: Error): void => {
      if (this.#worker === worker) this.#worker = undefined;
      for (const p of this.#pending.values()) p.reject(err);
      this.#pending.clear();
    };
    worker.on("error", fail);
    worker.on("exit", (code) => fail(new Error(`bcrypt worker exited with code ${code}`)));
    this.#worker = worker;
    return worker;
  }

  #settle(reply: CompareReply): void {
    const p = this.#pending.get(reply.id);
    if (p === undefined) return;
    this.#pending.delete(reply.id);
    if (this.#pending.size === 0) this.#worker?.unref();
    if (reply.error !== undefined) p.reject(new Error(`bcrypt worker: ${reply.error}`));
    else p.resolve(reply.ok === true);
  }
}

function compareHere(hash: string, password: Uint8Array): boolean {
  try {
    return compareHashAndPassword(hash, password);
  } catch (err) {
    if (err instanceof BcryptError) return false;
    throw err;
  }
}
