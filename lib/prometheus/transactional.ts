/**
 * TransactionalGatherer: a gather that may lend the caller what it gathered, until `done()`.
 *
 * Counterpart: `TransactionalGatherer`, `ToTransactionalGatherer` and `MultiTRegistry` /
 * `NewMultiTRegistry` in client_golang's registry.go, used by promhttp's
 * `HandlerForTransactional`. Go's `Gather() (mfs, done, err)` becomes a promise of
 * `{ families, done }` (see docs/go-to-typescript.md):
 *
 * ```ts
 * const { families, done } = await tg.gather();
 * try {
 *   write(families);
 * } finally {
 *   done();
 * }
 * ```
 *
 * A Registry's transactional form ({@link Registry.transactionalGatherer}) is this library's fast
 * path: its vecs hand their series over as rows families (lib/model/rows-family.ts) whose value
 * arrays are lent by the vecs, and `done()` gives them back for the next scrape. The families are
 * valid until `done()` is called; after that a vec may write over the numbers.
 *
 * Deliberate difference: when the gather fails, the promise rejects with the error, as a plain
 * gather does, and there is no `done()` to call (Go returns one even then). A {@link GatherError}
 * holds the families gathered despite the error as plain client_model data, which borrow nothing.
 *
 * @module
 */

import type * as dto from "../model/index.js";
import { type GatherError, InvalidOptionsError } from "./errors.js";
import type { StopSignal } from "./collect.js";
import type { Gatherer } from "./registry.js";

/** Transaction is what a transactional gather resolves to: the families and how to give them back. */
export interface Transaction {
  /** The families, sorted by name; rows families (lib/model/rows-family.ts) among them. */
  readonly families: dto.GatheredFamily[];
  /**
   * done tells the gatherer that the families are no longer read: what they borrowed goes back.
   * Call it exactly once, in a `finally`; later calls do nothing.
   */
  done(): void;
}

/**
 * TransactionalGatherOptions tune one transactional gather. Its signal may be any
 * {@link StopSignal}: an AbortSignal, or the lighter one the metrics handler makes per scrape
 * (an AbortController per scrape kept scrapes alive through V8's scavenges; see "What a scrape
 * leaves behind" in docs/architecture.md). A plain gatherer wrapped by
 * {@link toTransactionalGatherer} still gets a real AbortSignal.
 */
export interface TransactionalGatherOptions {
  /** Stopping the signal ends the gather with a GatherAbortedError (a scrape timeout). */
  signal?: StopSignal;
}

/**
 * TransactionalGatherer gathers families that stay valid until the transaction's `done()` (Go's
 * `TransactionalGatherer`). `gather` rejects as {@link Gatherer.gather} does.
 */
export interface TransactionalGatherer {
  gather(options?: TransactionalGatherOptions): Promise<Transaction>;
}

/**
 * HasTransactionalGatherer is a gatherer with a transactional form of its own, as a Registry and
 * Gatherers have: {@link toTransactionalGatherer} returns that form.
 */
export interface HasTransactionalGatherer extends Gatherer {
  /** transactionalGatherer returns this gatherer's transactional form, gathering as `gather` does. */
  transactionalGatherer(): TransactionalGatherer;
}

/** noop is the `done` of a gather that borrowed nothing. */
function noop(): void {}

/**
 * toTransactionalGatherer returns `g` as a TransactionalGatherer (Go's `ToTransactionalGatherer`):
 * the gatherer's own transactional form when it has one ({@link HasTransactionalGatherer}: a
 * Registry, Gatherers), else `g.gather` with a `done` that does nothing, as in Go.
 * @throws {InvalidOptionsError} when `g` has no gather method.
 */
export function toTransactionalGatherer(g: Gatherer): TransactionalGatherer {
  if (typeof (g as Partial<Gatherer> | null)?.gather !== "function") {
    throw new InvalidOptionsError(`${String(g)} is not a gatherer: it needs a gather() method`);
  }
  if (hasTransactionalGatherer(g)) return g.transactionalGatherer();
  return {
    async gather(options?: TransactionalGatherOptions): Promise<Transaction> {
      return { families: await gatherWithAbortSignal(g, options?.signal), done: noop };
    },
  };
}

/**
 * gatherWithAbortSignal runs a plain gather, handing it `stop` as a real AbortSignal (made only
 * when `stop` is not one already), as the Gatherer interface promises.
 */
async function gatherWithAbortSignal(g: Gatherer, stop: StopSignal | undefined): Promise<dto.MetricFamily[]> {
  if (stop === undefined || stop instanceof AbortSignal) return g.gather(stop === undefined ? {} : { signal: stop });
  const controller = new AbortController();
  const onStop = (): void => controller.abort(stop.reason);
  if (stop.aborted) onStop();
  else stop.addEventListener("abort", onStop, { once: true });
  try {
    return await g.gather({ signal: controller.signal });
  } finally {
    stop.removeEventListener("abort", onStop);
  }
}

function hasTransactionalGatherer(g: Gatherer): g is HasTransactionalGatherer {
  return typeof (g as Partial<HasTransactionalGatherer>).transactionalGatherer === "function";
}

/** onlyOnce returns a function that calls `fn` the first time only. */
export function onlyOnce(fn: () => void): () => void {
  let called = false;
  return () => {
    if (called) return;
    called = true;
    fn();
  };
}
