/**
 * Wrapping registerers: register collectors into another registerer with extra const labels or a
 * name prefix added to every descriptor and metric.
 *
 * Counterpart: client_golang's wrap.go (`WrapRegistererWith`, `WrapRegistererWithPrefix`,
 * `wrappingRegisterer`, `wrappingCollector`, `wrappingMetric`, `wrapDesc`).
 *
 * @module
 */

import type * as dto from "../model/index.js";
import type { SendOnlyChannel } from "./channel.js";
import type { Collector } from "./collector.js";
import { Desc } from "./desc.js";
import { AlreadyRegisteredError, LabelMismatchError, type PrometheusError } from "./errors.js";
import { compareLabelPairs, goQuote, type Labels } from "./labels.js";
import type { Metric } from "./metric.js";
import { defaultRegistry, type Registerer, type WrappingCollector as Unwrappable } from "./registry.js";

/**
 * wrapRegistererWith returns a Registerer wrapping `reg`: every collector registered through it
 * has `labels` added as const labels to its descriptors and metrics. A label name the collector
 * already uses makes its descriptors invalid, so registration fails. `reg` defaults to the default
 * registry, as `nil` does in Go.
 */
export function wrapRegistererWith(labels: Labels, reg: Registerer = defaultRegistry): Registerer {
  return new WrappingRegisterer(reg, "", { ...labels });
}

/** wrapRegistererWithPrefix returns a Registerer wrapping `reg` that prefixes every metric name. */
export function wrapRegistererWithPrefix(prefix: string, reg: Registerer = defaultRegistry): Registerer {
  return new WrappingRegisterer(reg, prefix, {});
}

class WrappingRegisterer implements Registerer {
  readonly #wrapped: Registerer;
  readonly #prefix: string;
  readonly #labels: Labels;

  constructor(wrapped: Registerer, prefix: string, labels: Labels) {
    this.#wrapped = wrapped;
    this.#prefix = prefix;
    this.#labels = labels;
  }

  register(c: Collector): PrometheusError | undefined {
    const err = this.#wrapped.register(new WrappingCollector(c, this.#prefix, this.#labels));
    if (err instanceof AlreadyRegisteredError) {
      return new AlreadyRegisteredError(err.existingCollector, c);
    }
    return err;
  }

  mustRegister(...cs: Collector[]): void {
    for (const c of cs) {
      const err = this.register(c);
      if (err !== undefined) throw err;
    }
  }

  unregister(c: Collector): boolean {
    return this.#wrapped.unregister(new WrappingCollector(c, this.#prefix, this.#labels));
  }
}

class WrappingCollector implements Unwrappable {
  readonly #wrapped: Collector;
  readonly #prefix: string;
  readonly #labels: Labels;

  constructor(wrapped: Collector, prefix: string, labels: Labels) {
    this.#wrapped = wrapped;
    this.#prefix = prefix;
    this.#labels = labels;
  }

  unwrap(): Collector {
    return this.#wrapped;
  }

  describe(ch: SendOnlyChannel<Desc>): void {
    return this.#wrapped.describe({ send: (desc) => ch.send(wrapDesc(desc, this.#prefix, this.#labels)) });
  }

  collect(ch: SendOnlyChannel<Metric>): void | Promise<void> {
    return this.#wrapped.collect({
      send: (metric) => ch.send(new WrappingMetric(metric, this.#prefix, this.#labels)),
    });
  }
}

class WrappingMetric implements Metric {
  readonly #wrapped: Metric;
  readonly #prefix: string;
  readonly #labels: Labels;

  constructor(wrapped: Metric, prefix: string, labels: Labels) {
    this.#wrapped = wrapped;
    this.#prefix = prefix;
    this.#labels = labels;
  }

  desc(): Desc {
    return wrapDesc(this.#wrapped.desc(), this.#prefix, this.#labels);
  }

  write(): dto.Metric {
    const m = this.#wrapped.write();
    const names = Object.keys(this.#labels);
    if (names.length === 0) return m;
    const label = [...m.label, ...names.map((name) => ({ name, value: this.#labels[name]! }))];
    label.sort(compareLabelPairs);
    return { ...m, label };
  }
}

/** wrapDesc returns desc with the prefix and labels applied; earlier errors take precedence. */
function wrapDesc(desc: Desc, prefix: string, labels: Labels): Desc {
  const existing: Record<string, string> = {};
  for (const lp of desc.constLabelPairs) existing[lp.name] = lp.value;
  for (const name of Object.keys(labels)) {
    if (Object.hasOwn(existing, name)) {
      // As in Go, the invalid descriptor keeps its const labels, so that messages show them.
      const err = new LabelMismatchError(`attempted wrapping with already existing label name ${goQuote(name)}`);
      return new Desc(desc.fqName, desc.help, desc.variableLabels, existing, desc.err ?? err);
    }
  }
  return new Desc(prefix + desc.fqName, desc.help, desc.variableLabels, { ...existing, ...labels }, desc.err);
}
