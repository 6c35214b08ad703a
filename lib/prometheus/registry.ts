/**
 * Registry: where collectors are registered, and what a scrape gathers from.
 *
 * Counterpart: client_golang's registry.go (`Registerer`, `Gatherer`, `Registry`, `NewRegistry`,
 * `NewPedanticRegistry`, `DefaultRegisterer`, `MustRegister`, ...). Registration checks the
 * collector's descriptors against those already registered; gathering runs every collector, checks
 * what they collect (consistency.ts) and returns the families sorted. A registry is also a
 * TransactionalGatherer, through {@link Registry.transactionalGatherer} (transactional.ts): that
 * is how the metrics handler gathers it.
 *
 * @module
 */

import type * as dto from "../model/index.js";
import { Channel } from "./channel.js";
import { type Collector, collectorName, isPromiseLike } from "./collector.js";
import { runCollectors } from "./collect.js";
import { FamilyMap } from "./consistency.js";
import { Loans } from "./internal/loans.js";
import {
  type HasTransactionalGatherer,
  onlyOnce,
  type Transaction,
  type TransactionalGatherer,
  type TransactionalGatherOptions,
} from "./transactional.js";
import { Desc } from "./desc.js";
import {
  AlreadyRegisteredError,
  DescConflictError,
  GatherError,
  InvalidCollectorError,
  InvalidDescError,
  type PrometheusError,
} from "./errors.js";
import { applyDefaultSeriesLimit, checkMaxSeries } from "./series-limit.js";

/** Registerer is the registration side of a registry (Go's `Registerer`). */
export interface Registerer {
  /**
   * register registers a collector and returns an error if its descriptors are invalid or
   * conflict with registered ones, or if it is already registered ({@link AlreadyRegisteredError}).
   */
  register(c: Collector): PrometheusError | undefined;
  /** mustRegister registers collectors and throws the first error. */
  mustRegister(...cs: Collector[]): void;
  /** unregister removes a collector and reports whether it was registered. */
  unregister(c: Collector): boolean;
}

/** GatherOptions tune one gather. */
export interface GatherOptions {
  /** Aborting the signal ends the gather with a {@link GatherAbortedError} (a scrape timeout). */
  signal?: AbortSignal;
}

/**
 * Gatherer is the gathering side of a registry (Go's `Gatherer`). `gather` resolves to the
 * families, sorted and checked, or rejects with a {@link GatherError} that holds the errors and the
 * families gathered despite them.
 */
export interface Gatherer {
  gather(options?: GatherOptions): Promise<dto.MetricFamily[]>;
}

/**
 * Registry registers collectors and gathers from them. Create one with {@link newRegistry} (or
 * {@link newPedanticRegistry} in tests); the package also has a default registry.
 */
export class Registry implements Registerer, Gatherer, HasTransactionalGatherer {
  readonly #collectorsById = new Map<string, Collector>();
  readonly #descIds = new Set<string>();
  readonly #dimHashesByName = new Map<string, string>();
  readonly #uncheckedCollectors: Collector[] = [];
  readonly #pedantic: boolean;
  readonly #maxSeries: number | undefined;

  /**
   * Creates a registry; `pedantic` also checks every collected metric against its descriptor;
   * `maxSeries` is the series limit given to each vec registered without one (series-limit.ts).
   * @throws {InvalidOptionsError} for a `maxSeries` that is not a positive integer or `Infinity`.
   */
  constructor(options: { pedantic?: boolean; maxSeries?: number } = {}) {
    this.#pedantic = options.pedantic ?? false;
    this.#maxSeries = options.maxSeries === undefined ? undefined : checkMaxSeries(options.maxSeries, "a registry");
  }

  register(c: Collector): PrometheusError | undefined {
    let descs: Desc[];
    try {
      descs = describeAll(c);
    } catch (err) {
      return err as PrometheusError;
    }
    const newDescIds = new Set<string>();
    const newDimHashesByName = new Map<string, string>();
    let duplicateDescErr: PrometheusError | undefined;
    for (const desc of descs) {
      if (desc.err !== undefined) {
        return new InvalidDescError(`descriptor ${desc} is invalid: ${desc.err.message}`, { cause: desc.err });
      }
      if (this.#descIds.has(desc.id)) {
        duplicateDescErr = new DescConflictError(
          `descriptor ${desc} already exists with the same fully-qualified name and const label values`,
        );
      }
      newDescIds.add(desc.id);
      const conflict = this.#checkDimensions(desc, newDimHashesByName);
      if (conflict !== undefined) return conflict;
    }
    if (newDescIds.size === 0) {
      this.#uncheckedCollectors.push(c);
      return undefined;
    }
    const collectorId = [...newDescIds].sort().join("\n");
    const existing = this.#collectorsById.get(collectorId);
    if (existing !== undefined) return new AlreadyRegisteredError(unwrapCollector(existing), c);
    if (duplicateDescErr !== undefined) return duplicateDescErr;
    this.#collectorsById.set(collectorId, c);
    if (this.#maxSeries !== undefined) applyDefaultSeriesLimit(c, this.#maxSeries);
    for (const id of newDescIds) this.#descIds.add(id);
    for (const [name, dimHash] of newDimHashesByName) this.#dimHashesByName.set(name, dimHash);
    return undefined;
  }

  mustRegister(...cs: Collector[]): void {
    for (const c of cs) {
      const err = this.register(c);
      if (err !== undefined) throw err;
    }
  }

  unregister(c: Collector): boolean {
    let descs: Desc[];
    try {
      descs = describeAll(c);
    } catch {
      return false;
    }
    const ids = new Set(descs.map((d) => d.id));
    const collectorId = [...ids].sort().join("\n");
    if (ids.size === 0 || !this.#collectorsById.has(collectorId)) return false;
    this.#collectorsById.delete(collectorId);
    for (const id of ids) this.#descIds.delete(id);
    // dimHashesByName stays: names must stay consistent for the life of the program.
    return true;
  }

  /**
   * gather runs all collectors concurrently and returns the families they collected, sorted by
   * name, each family's metrics sorted by label values. Every metric is checked (help and type
   * consistency, duplicate series, suffix collisions; in pedantic mode also against its
   * descriptor). If anything failed, it rejects with a {@link GatherError} that holds every error
   * and the families that were gathered cleanly.
   */
  async gather(options: GatherOptions = {}): Promise<dto.MetricFamily[]> {
    return this.#gather(options, undefined);
  }

  /**
   * transactionalGatherer returns this registry as a {@link TransactionalGatherer} (see
   * transactional.ts), the form promhttp's handlers gather: it gathers as {@link gather} does and
   * checks the same, but the series of the registry's vecs come as rows families
   * (lib/model/rows-family.ts) whose value arrays the vecs lend until the transaction's `done()`.
   * A subclass that overrides `gather` should override this method too.
   */
  transactionalGatherer(): TransactionalGatherer {
    return {
      gather: async (options: TransactionalGatherOptions = {}): Promise<Transaction> => {
        const loans = new Loans();
        let succeeded = false;
        try {
          const families = await this.#gather(options, loans);
          succeeded = true;
          return { families, done: onlyOnce(() => loans.giveBack()) };
        } finally {
          // A failed gather rejected with a GatherError whose families are plain data (see
          // #gather): nothing refers to the borrowed arrays any more.
          if (!succeeded) loans.giveBack();
        }
      },
    };
  }

  #gather(options: TransactionalGatherOptions, loans: undefined): Promise<dto.MetricFamily[]>;
  #gather(options: TransactionalGatherOptions, loans: Loans): Promise<dto.GatheredFamily[]>;
  async #gather(options: TransactionalGatherOptions, loans: Loans | undefined): Promise<dto.GatheredFamily[]> {
    const families = new FamilyMap();
    const registered = this.#pedantic ? new Set(this.#descIds) : undefined;
    const jobs = [
      ...[...this.#collectorsById.values()].map((collector) => ({ collector, registeredDescIds: registered })),
      ...this.#uncheckedCollectors.map((collector) => ({ collector, registeredDescIds: undefined })),
    ];
    const errors = await runCollectors(jobs, families, options.signal, loans);
    if (errors.length > 0) throw new GatherError(errors, await families.normalize(true));
    return families.normalize(loans === undefined);
  }

  /** Checks a descriptor's help and label names against earlier ones of the same name. */
  #checkDimensions(desc: Desc, newDimHashesByName: Map<string, string>): PrometheusError | undefined {
    const registered = this.#dimHashesByName.get(desc.fqName);
    if (registered !== undefined) {
      if (registered !== desc.dimHash) {
        return new DescConflictError(
          `a previously registered descriptor with the same fully-qualified name as ${desc} has different label names or a different help string`,
        );
      }
      return undefined;
    }
    const seen = newDimHashesByName.get(desc.fqName);
    if (seen === undefined) {
      newDimHashesByName.set(desc.fqName, desc.dimHash);
    } else if (seen !== desc.dimHash) {
      return new DescConflictError(
        `descriptors reported by collector have inconsistent label names or help strings for the same fully-qualified name, offender is ${desc}`,
      );
    }
    return undefined;
  }
}

/**
 * describeAll runs a collector's `describe` and returns what it sent.
 * @throws {InvalidCollectorError} if describe throws, returns a promise or sends something that is
 * not a Desc.
 */
export function describeAll(c: Collector): Desc[] {
  if (c === null || typeof c !== "object" || typeof c.describe !== "function" || typeof c.collect !== "function") {
    const what = c !== null && typeof c === "object" ? `value of type ${(c as object).constructor?.name ?? "Object"}` : String(c);
    throw new InvalidCollectorError(`${what} is not a collector: it needs describe(ch) and collect(ch) methods`);
  }
  const ch = new Channel<Desc>();
  let result: unknown;
  try {
    result = c.describe(ch);
  } catch (err) {
    throw new InvalidCollectorError(`describe of ${collectorName(c)} failed: ${(err as Error)?.message ?? String(err)}`, {
      cause: err,
    });
  }
  if (isPromiseLike(result)) {
    result.then(undefined, () => undefined);
    throw new InvalidCollectorError(
      `describe of ${collectorName(c)} returned a promise; describe must send its descriptors synchronously`,
    );
  }
  ch.close();
  const descs = ch.takeAll();
  for (const desc of descs) {
    if (!(desc instanceof Desc)) {
      throw new InvalidCollectorError(`describe of ${collectorName(c)} sent ${String(desc)}, which is not a Desc`);
    }
  }
  return descs;
}

/** A collector that wraps another (see wrap.ts) exposes it, so errors can name the original. */
export interface WrappingCollector extends Collector {
  unwrap(): Collector;
}

function unwrapCollector(c: Collector): Collector {
  let current = c;
  while (typeof (current as Partial<WrappingCollector>).unwrap === "function") {
    current = (current as WrappingCollector).unwrap();
  }
  return current;
}

/**
 * newRegistry creates a new, empty registry (Go's `NewRegistry`); `maxSeries` (not in Go) is the
 * series limit for each vec registered without one.
 */
export function newRegistry(options: { maxSeries?: number } = {}): Registry {
  return new Registry(options);
}

/**
 * newPedanticRegistry creates a registry that also checks, at gather time, that every collected
 * metric matches a registered descriptor. Meant for tests of collectors (Go's `NewPedanticRegistry`).
 */
export function newPedanticRegistry(): Registry {
  return new Registry({ pedantic: true });
}

/** defaultRegistry is the package's default registry (Go's `DefaultRegisterer`/`DefaultGatherer`). */
export const defaultRegistry: Registry = new Registry();
/** defaultRegisterer is the default registry as a Registerer. */
export const defaultRegisterer: Registerer = defaultRegistry;
/** defaultGatherer is the default registry as a Gatherer. */
export const defaultGatherer: Gatherer = defaultRegistry;

/** register registers c with the default registry (Go's `prometheus.Register`). */
export function register(c: Collector): PrometheusError | undefined {
  return defaultRegistry.register(c);
}

/**
 * mustRegister registers collectors with the default registry and throws the first error (Go's
 * `prometheus.MustRegister`).
 */
export function mustRegister(...cs: Collector[]): void {
  defaultRegistry.mustRegister(...cs);
}

/** unregister removes c from the default registry (Go's `prometheus.Unregister`). */
export function unregister(c: Collector): boolean {
  return defaultRegistry.unregister(c);
}
