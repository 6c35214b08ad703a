/**
 * Gatherers: several gatherers merged into one, with the same consistency checks as a registry.
 *
 * Counterpart: `Gatherers` and `GathererFunc` in client_golang's registry.go.
 *
 * @module
 */

import type * as dto from "../model/index.js";
import { blockOf } from "../model/index.js";
import { checkSuffixCollisions, FamilyMap } from "./consistency.js";
import { ConsistencyError, GatherError, InvalidOptionsError } from "./errors.js";
import { goQuote } from "./labels.js";
import { gatherLeased, type LeasedGatherOptions, type LeasingGatherer, leasingGather, mayLease } from "./leased-gather.js";
import type { Gatherer, GatherOptions } from "./registry.js";
import type { ValuesLease } from "./values-lease.js";

/**
 * Gatherers merges the families of several gatherers. Families of the same name must agree on
 * help and type; series must not repeat. Errors of each gatherer are prefixed with its position.
 */
export class Gatherers implements Gatherer, LeasingGatherer {
  readonly #gatherers: readonly Gatherer[];

  /** @throws {InvalidOptionsError} unless given an array of gatherers. */
  constructor(gatherers: readonly Gatherer[]) {
    if (!Array.isArray(gatherers) || gatherers.some((g) => typeof g?.gather !== "function")) {
      throw new InvalidOptionsError("Gatherers needs an array of gatherers, each with a gather method");
    }
    this.#gatherers = [...gatherers];
  }

  async gather(options: GatherOptions = {}): Promise<dto.MetricFamily[]> {
    return this.#gather((g) => g.gather(options));
  }

  /** @internal The metrics handler's gather: every gatherer gathers with `lease` (see mayLease). */
  [gatherLeased](options: LeasedGatherOptions, lease: ValuesLease): Promise<dto.MetricFamily[]> {
    return this.#gather(async (g) => {
      const leased = leasingGather(g);
      // mayLease said yes a moment ago; only a gather replaced since then could say no.
      if (leased === undefined) throw new InvalidOptionsError("a gatherer's gather was replaced during a gather");
      return leased(options, lease);
    });
  }

  /** @internal Whether the handler may gather with a lease: only when every gatherer may. */
  [mayLease](): boolean {
    return this.gather === Gatherers.prototype.gather && this.#gatherers.every((g) => leasingGather(g) !== undefined);
  }

  async #gather(gatherOne: (g: Gatherer) => Promise<dto.MetricFamily[]>): Promise<dto.MetricFamily[]> {
    const merged = new FamilyMap();
    const errors: Error[] = [];
    const results = await Promise.all(this.#gatherers.map((g) => gatherSettled(() => gatherOne(g))));
    results.forEach(({ families, error }, i) => {
      for (const err of error === undefined ? [] : error instanceof AggregateError ? (error.errors as Error[]) : [error]) {
        errors.push(new Error(`[from Gatherer #${i + 1}] ${err.message}`, { cause: err }));
      }
      for (const family of families) mergeFamily(merged, family, errors);
    });
    const result = await merged.normalize();
    if (errors.length > 0) throw new GatherError(errors, result);
    return result;
  }
}

/** gathererFunc turns a function into a Gatherer (Go's `GathererFunc`). */
export function gathererFunc(fn: (options?: GatherOptions) => Promise<dto.MetricFamily[]>): Gatherer {
  return { gather: fn };
}

async function gatherSettled(gather: () => Promise<dto.MetricFamily[]>): Promise<{ families: dto.MetricFamily[]; error: Error | undefined }> {
  try {
    return { families: await gather(), error: undefined };
  } catch (err) {
    if (err instanceof GatherError) return { families: err.families, error: err };
    return { families: [], error: err instanceof Error ? err : new Error(String(err)) };
  }
}

function mergeFamily(merged: FamilyMap, family: dto.MetricFamily, errors: Error[]): void {
  let existing = merged.byName.get(family.name);
  if (existing !== undefined) {
    if (existing.help !== family.help) {
      errors.push(
        new ConsistencyError(
          `gathered metric family ${family.name} has help ${goQuote(family.help ?? "")} but should have ${goQuote(existing.help ?? "")}`,
          family.name,
        ),
      );
      return;
    }
    if (existing.type !== family.type) {
      errors.push(
        new ConsistencyError(
          `gathered metric family ${family.name} has type ${family.type.toUpperCase()} but should have ${existing.type.toUpperCase()}`,
          family.name,
        ),
      );
      return;
    }
  } else {
    existing = { name: family.name, help: family.help, type: family.type, metric: [] };
    if (family.unit !== undefined) existing.unit = family.unit;
    try {
      checkSuffixCollisions(existing, merged.byName);
    } catch (err) {
      errors.push(err as Error);
      return;
    }
    merged.byName.set(family.name, existing);
    // A family gathered whole from a vec stays a block: its series were checked when gathered.
    const block = blockOf(family);
    if (block !== undefined) {
      merged.adoptBlock(existing, block);
      return;
    }
  }
  merged.unblock(existing);
  for (const m of family.metric) {
    try {
      merged.append(existing, merged.checkMetricConsistency(existing, m));
    } catch (err) {
      errors.push(err as Error);
    }
  }
}
