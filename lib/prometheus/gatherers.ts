/**
 * Gatherers: several gatherers merged into one, with the same consistency checks as a registry;
 * and MultiTRegistry, the same for transactional gatherers.
 *
 * Counterpart: `Gatherers`, `GathererFunc`, `MultiTRegistry` and `NewMultiTRegistry` in
 * client_golang's registry.go. Go's MultiTRegistry only concatenates and sorts the families (its
 * source has a TODO to check for duplicates); here it merges and checks them as Gatherers does.
 *
 * @module
 */

import { asMetricFamily } from "../expfmt/index.js";
import type * as dto from "../model/index.js";
import { isRowsFamily } from "../model/index.js";
import { checkSuffixCollisions, FamilyMap } from "./consistency.js";
import { ConsistencyError, GatherError, InvalidOptionsError } from "./errors.js";
import { goQuote } from "./labels.js";
import type { Gatherer, GatherOptions } from "./registry.js";
import {
  type HasTransactionalGatherer,
  onlyOnce,
  toTransactionalGatherer,
  type Transaction,
  type TransactionalGatherer,
  type TransactionalGatherOptions,
} from "./transactional.js";

/**
 * Gatherers merges the families of several gatherers. Families of the same name must agree on
 * help and type; series must not repeat. Errors of each gatherer are prefixed with its position.
 */
export class Gatherers implements Gatherer, HasTransactionalGatherer {
  readonly #gatherers: readonly Gatherer[];

  /** @throws {InvalidOptionsError} unless given an array of gatherers. */
  constructor(gatherers: readonly Gatherer[]) {
    if (!Array.isArray(gatherers) || gatherers.some((g) => typeof g?.gather !== "function")) {
      throw new InvalidOptionsError("Gatherers needs an array of gatherers, each with a gather method");
    }
    this.#gatherers = [...gatherers];
  }

  async gather(options: GatherOptions = {}): Promise<dto.MetricFamily[]> {
    const results = await Promise.all(this.#gatherers.map((g) => gatherSettled(() => g.gather(options))));
    return (await mergeResults(results, true)) as dto.MetricFamily[];
  }

  /**
   * transactionalGatherer returns these gatherers as one {@link TransactionalGatherer}: a
   * {@link MultiTRegistry} of each one's transactional form ({@link toTransactionalGatherer}).
   */
  transactionalGatherer(): TransactionalGatherer {
    return newMultiTRegistry(...this.#gatherers.map(toTransactionalGatherer));
  }
}

/**
 * MultiTRegistry merges the families of several transactional gatherers, as {@link Gatherers}
 * merges those of gatherers; its `done()` calls every gatherer's `done()`.
 */
export class MultiTRegistry implements TransactionalGatherer {
  readonly #tGatherers: readonly TransactionalGatherer[];

  /** @throws {InvalidOptionsError} unless given transactional gatherers. */
  constructor(tGatherers: readonly TransactionalGatherer[]) {
    if (!Array.isArray(tGatherers) || tGatherers.some((g) => typeof g?.gather !== "function")) {
      throw new InvalidOptionsError("MultiTRegistry needs transactional gatherers, each with a gather method");
    }
    this.#tGatherers = [...tGatherers];
  }

  async gather(options: TransactionalGatherOptions = {}): Promise<Transaction> {
    const dones: (() => void)[] = [];
    const results = await Promise.all(
      this.#tGatherers.map((g) =>
        gatherSettled(async () => {
          const { families, done } = await g.gather(options);
          dones.push(done);
          return families;
        }),
      ),
    );
    const done = onlyOnce(() => {
      for (const d of dones) d();
    });
    try {
      return { families: await mergeResults(results, false), done };
    } catch (err) {
      // The error's families are plain data (see mergeResults): nothing refers to the loans.
      done();
      throw err;
    }
  }
}

/** newMultiTRegistry merges transactional gatherers into one (Go's `NewMultiTRegistry`). */
export function newMultiTRegistry(...tGatherers: TransactionalGatherer[]): MultiTRegistry {
  return new MultiTRegistry(tGatherers);
}

/** gathererFunc turns a function into a Gatherer (Go's `GathererFunc`). */
export function gathererFunc(fn: (options?: GatherOptions) => Promise<dto.MetricFamily[]>): Gatherer {
  return { gather: fn };
}

interface Settled {
  families: readonly dto.GatheredFamily[];
  error: Error | undefined;
}

async function gatherSettled(gather: () => Promise<readonly dto.GatheredFamily[]>): Promise<Settled> {
  try {
    return { families: await gather(), error: undefined };
  } catch (err) {
    if (err instanceof GatherError) return { families: err.families, error: err };
    return { families: [], error: err instanceof Error ? err : new Error(String(err)) };
  }
}

/**
 * mergeResults merges the families of several gathers, in order, checking them as a registry
 * checks collected metrics. It returns them sorted (rows families stay rows unless `plain`), or
 * rejects with a GatherError holding every error, its families as plain data.
 */
async function mergeResults(results: readonly Settled[], plain: boolean): Promise<dto.GatheredFamily[]> {
  const merged = new FamilyMap();
  const errors: Error[] = [];
  results.forEach(({ families, error }, i) => {
    for (const err of error === undefined ? [] : error instanceof AggregateError ? (error.errors as Error[]) : [error]) {
      errors.push(new Error(`[from Gatherer #${i + 1}] ${err.message}`, { cause: err }));
    }
    for (const family of families) mergeFamily(merged, family, errors);
  });
  if (errors.length > 0) throw new GatherError(errors, await merged.normalize(true));
  return merged.normalize(plain);
}

function mergeFamily(merged: FamilyMap, gathered: dto.GatheredFamily, errors: Error[]): void {
  let existing = merged.byName.get(gathered.name);
  if (existing !== undefined) {
    if (existing.help !== gathered.help) {
      errors.push(
        new ConsistencyError(
          `gathered metric family ${gathered.name} has help ${goQuote(gathered.help ?? "")} but should have ${goQuote(existing.help ?? "")}`,
          gathered.name,
        ),
      );
      return;
    }
    if (existing.type !== gathered.type) {
      errors.push(
        new ConsistencyError(
          `gathered metric family ${gathered.name} has type ${gathered.type.toUpperCase()} but should have ${existing.type.toUpperCase()}`,
          gathered.name,
        ),
      );
      return;
    }
  } else {
    existing = { name: gathered.name, help: gathered.help, type: gathered.type, metric: [] };
    if (!isRowsFamily(gathered) && gathered.unit !== undefined) existing.unit = gathered.unit;
    try {
      checkSuffixCollisions(existing, merged.byName);
    } catch (err) {
      errors.push(err as Error);
      return;
    }
    merged.byName.set(gathered.name, existing);
    // A vec's rows stay rows: a registry checked them when it gathered them.
    if (isRowsFamily(gathered)) {
      merged.adoptRows(existing, gathered);
      return;
    }
  }
  merged.expandRows(existing, (err) => errors.push(err as Error));
  for (const m of asMetricFamily(gathered).metric) {
    try {
      merged.append(existing, merged.checkMetricConsistency(existing, m));
    } catch (err) {
      errors.push(err as Error);
    }
  }
}
