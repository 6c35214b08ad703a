/**
 * Which gatherers the metrics handler may gather with a lease (see values-lease.ts): a Registry,
 * and Gatherers made only of such gatherers, each as long as its gather is its class's own. An
 * overriding gather might keep the families or hand them out again, and any other gatherer might
 * do anything with them.
 *
 * @module
 */

import type * as dto from "../model/index.js";
import type { StopSignal } from "./collect.js";
import type { ValuesLease } from "./values-lease.js";

/** The options of a leased gather: its signal may be the handler's lighter one (see collect.ts). */
export interface LeasedGatherOptions {
  signal?: StopSignal;
}

/** The method that gathers with a lease. */
export const gatherLeased: unique symbol = Symbol("gatherLeased");

/** The method that says whether the gatherer may gather with a lease as it is now. */
export const mayLease: unique symbol = Symbol("mayLease");

/** LeasingGatherer is what a gatherer implements to be gathered with a lease. */
export interface LeasingGatherer {
  [gatherLeased](options: LeasedGatherOptions, lease: ValuesLease): Promise<dto.MetricFamily[]>;
  [mayLease](): boolean;
}

/** LeasedGather gathers with a lease. */
export type LeasedGather = (options: LeasedGatherOptions, lease: ValuesLease) => Promise<dto.MetricFamily[]>;

/** leasingGather returns how to gather `gatherer` with a lease, or `undefined` when it may not be. */
export function leasingGather(gatherer: object): LeasedGather | undefined {
  const g = gatherer as Partial<LeasingGatherer>;
  if (typeof g[gatherLeased] !== "function" || typeof g[mayLease] !== "function" || !g[mayLease]()) return undefined;
  return (options, lease) => (g as LeasingGatherer)[gatherLeased](options, lease);
}
