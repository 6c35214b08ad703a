/**
 * Merge rules: how the primary folds the workers' series of one family into the scrape.
 *
 * prom-client applies one `aggregator` per metric, `sum` unless the metric says otherwise, to
 * every number of every type, quantiles included. Here the rule is explicit per family and
 * checked against the family's type at merge time; the defaults are those that are never wrong:
 * counters and histograms are summed, summaries have their count and sum summed (quantiles cannot
 * be added), and gauges and untyped values are kept per worker.
 *
 * @module
 */

import type * as dto from "../model/index.js";
import { InvalidOptionsError } from "../prometheus/index.js";

/**
 * MergeRule says what happens to a family's series across workers:
 * - `"sum"`: series with the same labels are added. Counters, gauges, untyped; histograms bucket
 *   by bucket (same bounds required); summaries: count and sum (the quantiles are dropped).
 * - `"min"`, `"max"`, `"average"`, `"first"` (the live worker with the lowest id that has the
 *   series): gauges and untyped only.
 * - `"worker"`: nothing is merged; each worker's series are kept as they are, with a label
 *   naming the worker (`worker="3"`). Any type; the only way to keep summary quantiles.
 * - `"omit"`: the family is left out.
 */
export type MergeRule = "sum" | "min" | "max" | "average" | "first" | "worker" | "omit";

/** MergeRules are the rules of a cluster gatherer: per family name, and the defaults by type. */
export interface MergeRules {
  /** A rule per family name (`"app_connections": "sum"`); it wins over the type's default. */
  byName?: Readonly<Record<string, MergeRule>>;
  /** The rule of a family not named in `byName`, by type; see {@link DefaultMergeRules}. */
  byType?: Readonly<Partial<Record<dto.MetricType, MergeRule>>>;
}

/** DefaultMergeRules are the rules by type when none is given. */
export const DefaultMergeRules: Readonly<Record<dto.MetricType, MergeRule>> = Object.freeze({
  counter: "sum",
  histogram: "sum",
  gaugehistogram: "worker",
  summary: "sum",
  gauge: "worker",
  untyped: "worker",
});

const allRules: readonly MergeRule[] = ["sum", "min", "max", "average", "first", "worker", "omit"];
const valueRules: ReadonlySet<MergeRule> = new Set(["min", "max", "average", "first"]);

/**
 * ruleFits reports whether `rule` can apply to a family of `type`: the value rules (`min`,
 * `max`, `average`, `first`) only to gauges and untyped.
 */
export function ruleFits(rule: MergeRule, type: dto.MetricType): boolean {
  return !valueRules.has(rule) || type === "gauge" || type === "untyped";
}

/**
 * RuleBook answers which rule a family gets. Built once from the options, checked there.
 */
export class RuleBook {
  readonly #byName: ReadonlyMap<string, MergeRule>;
  readonly #byType: Readonly<Record<dto.MetricType, MergeRule>>;

  /** @throws {InvalidOptionsError} for a rule that is not a {@link MergeRule}, or a type rule that cannot fit its type. */
  constructor(rules: MergeRules = {}) {
    const byName = new Map<string, MergeRule>();
    for (const [name, rule] of Object.entries(rules.byName ?? {})) byName.set(name, checkRule(rule, `rules.byName[${JSON.stringify(name)}]`));
    const byType = { ...DefaultMergeRules };
    for (const [type, rule] of Object.entries(rules.byType ?? {})) {
      if (!(type in DefaultMergeRules)) throw new InvalidOptionsError(`rules.byType: unknown metric type ${JSON.stringify(type)}`);
      const checked = checkRule(rule, `rules.byType.${type}`);
      if (!ruleFits(checked, type as dto.MetricType)) {
        throw new InvalidOptionsError(`rules.byType.${type}: rule "${checked}" does not apply to a ${type}`);
      }
      byType[type as dto.MetricType] = checked;
    }
    this.#byName = byName;
    this.#byType = byType;
  }

  /** ruleFor returns the rule of a family: its own, or its type's. */
  ruleFor(name: string, type: dto.MetricType): MergeRule {
    return this.#byName.get(name) ?? this.#byType[type] ?? "worker";
  }
}

function checkRule(rule: unknown, where: string): MergeRule {
  if (!allRules.includes(rule as MergeRule)) {
    throw new InvalidOptionsError(`${where}: unknown merge rule ${JSON.stringify(rule)}, use one of ${allRules.map((r) => `"${r}"`).join(", ")}`);
  }
  return rule as MergeRule;
}
