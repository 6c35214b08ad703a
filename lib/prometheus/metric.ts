/**
 * Metric, the interface every single series implements, and Opts, the options every metric
 * constructor takes.
 *
 * Counterpart: client_golang's metric.go (`Metric`, `Opts`) with `Write(*dto.Metric) error` turned
 * into `write(): dto.Metric` (a failure throws a typed error instead of returning it).
 *
 * @module
 */

import type * as dto from "../model/index.js";
import { buildFQName, type Desc, newDesc } from "./desc.js";
import { InvalidOptionsError } from "./errors.js";
import type { Labels } from "./labels.js";

/**
 * Metric models a single sample value with its metadata being exported to Prometheus.
 *
 * `desc` returns the descriptor, which must stay the same for the life of the metric. `write`
 * returns the metric's current state as client_model data; the returned object belongs to the
 * caller but may share immutable parts (label pair arrays) with the metric, so it must not be
 * mutated. `write` throws when the metric cannot be written.
 */
export interface Metric {
  desc(): Desc;
  write(): dto.Metric;
}

/**
 * Opts bundles the options for creating most metric types (Go's `Opts`, `CounterOpts`,
 * `GaugeOpts`, `UntypedOpts`). The fully-qualified name is `namespace_subsystem_name`, with empty
 * parts left out. `help` is mandatory in spirit: an empty help is allowed but linted.
 */
export interface Opts {
  namespace?: string;
  subsystem?: string;
  name: string;
  help: string;
  /** Labels with fixed values for every series of this metric. */
  constLabels?: Labels;
}

/** CounterOpts is Opts for counters. */
export type CounterOpts = Opts;
/** GaugeOpts is Opts for gauges. */
export type GaugeOpts = Opts;
/** UntypedOpts is Opts for untyped metrics. */
export type UntypedOpts = Opts;

/** fqNameOf builds the fully-qualified name from options; a missing part is Go's zero value, "". */
export function fqNameOf(opts: Opts): string {
  return buildFQName(opts.namespace ?? "", opts.subsystem ?? "", opts.name ?? "");
}

/**
 * descFromOpts builds the descriptor for options and variable label names. As with Go's zero-valued
 * `Opts`, a missing name gives the descriptor error `"" is not a valid metric name` (reported at
 * registration), and a missing help is an empty help.
 * @throws {InvalidOptionsError} when opts is not an object.
 */
export function descFromOpts(opts: Opts, variableLabels: readonly string[] | null): Desc {
  if (typeof opts !== "object" || opts === null) {
    throw new InvalidOptionsError(`metric options must be an object, got ${String(opts)}`);
  }
  // A missing help is Go's zero value: an empty help is allowed; a missing name fails as "" does.
  return newDesc(fqNameOf(opts), opts.help ?? "", variableLabels, opts.constLabels ?? null);
}
