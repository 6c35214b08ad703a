/**
 * MetricVec, the collector that bundles the series of one metric name that differ in their label
 * values (the base of CounterVec, GaugeVec, HistogramVec, SummaryVec and UntypedVec).
 *
 * Counterpart: client_golang's vec.go (`MetricVec`, `curriedLabelValue`). As Go's `MetricVec`
 * embeds a `metricMap` that holds the children, ours holds a {@link MetricMap}
 * (internal/metric-map.ts); this file checks label values and labels, curries, and hands the map
 * the full label values, as vec.go does.
 *
 * A child held across the deletion of its series (delete, deleteLabelValues, deletePartialMatch,
 * reset) is *detached*: as in Go, what is written to it is no longer exported. Unlike Go's
 * orphan, a counter, gauge, untyped or histogram child keeps its value only until its place is
 * given to another series (or the vec reset), and starts from zero after that
 * (docs/go-to-typescript.md). Summary children behave exactly as Go's.
 *
 * Fallible methods come in two forms, as in Go: `getMetricWith...` and `curryWith` return a
 * {@link Result}; `with`, `withLabelValues` and `mustCurryWith` throw.
 *
 * @module
 */

import type { SendOnlyChannel } from "./channel.js";
import type { Collector } from "./collector.js";
import type { Desc } from "./desc.js";
import { LabelMismatchError, type MetricContext } from "./errors.js";
import { MetricMap, type NewMetric, type VecKind } from "./internal/metric-map.js";
import { goQuote, type Labels, validateLabelValues, validateValuesInLabels } from "./labels.js";
import type { Metric } from "./metric.js";
import { limitSeries, type SeriesLimitError, type SeriesLimitOpts, strictResultOf } from "./series-limit.js";
import { type Result, resultOf } from "./value.js";

export type { NewMetric };

/** CurriedLabelValue fixes the value of the variable label at `index`. */
interface CurriedLabelValue {
  readonly index: number;
  readonly value: string;
}

/**
 * MetricVec is a collector of metrics of one descriptor, one per combination of variable label
 * values. It is usually used through its typed subclasses.
 */
export class MetricVec<M extends Metric> implements Collector {
  /** @internal The children (Go's `metricMap`), shared with curried views. */
  protected metricMap: MetricMap<M>;
  /** @internal The curried label values of this view, sorted by index. */
  protected curry: readonly CurriedLabelValue[];

  /** Creates a vec for `desc` whose series are stored as `kind` says, limited as `limit` says. */
  constructor(desc: Desc, kind: VecKind<M>, limit?: SeriesLimitOpts) {
    this.metricMap = new MetricMap(desc, kind);
    limitSeries(this.metricMap.table, limit);
    this.curry = [];
  }

  /** describe sends the vec's one descriptor. */
  describe(ch: SendOnlyChannel<Desc>): void {
    ch.send(this.metricMap.desc);
  }

  /**
   * collect sends every child (of all curried views: they share the children), sorted by label
   * values.
   */
  collect(ch: SendOnlyChannel<Metric>): void {
    this.metricMap.collect(ch);
  }

  /**
   * getMetricWithLabelValues returns the child for the label values (in the order of the variable
   * labels, curried ones left out), creating it on first access. A vec full to its series limit
   * returns a {@link SeriesLimitError} for a new label set (see series-limit.ts).
   */
  getMetricWithLabelValues(...labelValues: string[]): Result<M> {
    return strictResultOf(() => this.withLabelValues(...labelValues));
  }

  /** getMetricWith returns the child for the labels map, creating it on first access (or a SeriesLimitError). */
  getMetricWith(labels: Labels | null): Result<M> {
    return strictResultOf(() => this.with(labels));
  }

  /**
   * withLabelValues works as getMetricWithLabelValues but throws on error, allowing
   * `vec.withLabelValues("404", "GET").inc()`. A vec full to its series limit returns its
   * overflow series for a new label set, and does not throw.
   * @throws {InconsistentCardinalityError} for a wrong number of values.
   * @throws {InvalidLabelValueError} for a value that is not valid UTF-8.
   */
  withLabelValues(...labelValues: string[]): M {
    const expected = this.metricMap.width - this.curry.length;
    const check = (): void => validateLabelValues(labelValues, expected, this.context());
    if (labelValues.length !== expected) check();
    const values = this.curry.length === 0 ? labelValues : this.uncurry(labelValues);
    return this.metricMap.getOrCreateMetricWithLabelValues(values, check);
  }

  /**
   * with works as getMetricWith but throws on error, allowing
   * `vec.with({ code: "404", method: "GET" }).inc()`.
   * @throws {InconsistentCardinalityError} for a wrong number of labels.
   * @throws {LabelMismatchError} for a missing or already curried label name.
   * @throws {InvalidLabelValueError} for a value that is not valid UTF-8.
   */
  with(labels: Labels | null): M {
    return this.metricMap.getOrCreateMetricWithLabelValues(this.valuesFromLabels(labels));
  }

  /**
   * deleteLabelValues removes the child with these label values and reports whether there was
   * one. A wrong number of values is not an error; it just matches nothing.
   */
  deleteLabelValues(...labelValues: string[]): boolean {
    if (labelValues.length !== this.metricMap.width - this.curry.length) return false;
    return this.metricMap.deleteByLabelValues(this.uncurry(labelValues));
  }

  /** delete removes the child with these labels and reports whether there was one. */
  delete(labels: Labels | null): boolean {
    let values: readonly string[];
    try {
      values = this.valuesFromLabels(labels);
    } catch {
      return false;
    }
    return this.metricMap.deleteByLabelValues(values);
  }

  /**
   * deletePartialMatch removes every child whose label values include all the given labels and
   * returns how many it removed. As in client_golang, a label curried in this view matches
   * nothing, and the view's curried values do not restrict what is deleted.
   */
  deletePartialMatch(labels: Labels | null): number {
    const variable = this.metricMap.desc.variableLabels;
    const wanted = Object.entries(this.labelMap(labels)).map(([name, value]) => ({ index: variable.indexOf(name), value }));
    if (wanted.some((w) => w.index < 0 || this.curry.some((c) => c.index === w.index))) return 0;
    return this.metricMap.deletePartialMatch(wanted);
  }

  /** reset deletes all children (of all curried views). */
  reset(): void {
    this.metricMap.reset();
  }

  /**
   * curryWith returns a view of this vec with the given labels fixed; the view shares the
   * children. Collecting or resetting the view acts on all children.
   */
  curryWith(labels: Labels | null): Result<this> {
    return resultOf(() => this.mustCurryWith(labels));
  }

  /**
   * mustCurryWith works as curryWith but throws on error.
   * @throws {LabelMismatchError} for a label already curried or not a variable label.
   */
  mustCurryWith(labels: Labels | null): this {
    labels = this.labelMap(labels);
    const variable = this.metricMap.desc.variableLabels;
    const next: CurriedLabelValue[] = [];
    let iCurry = 0;
    for (let i = 0; i < variable.length; i++) {
      const name = variable[i]!;
      const given = Object.hasOwn(labels, name);
      if (iCurry < this.curry.length && this.curry[iCurry]!.index === i) {
        if (given) throw new LabelMismatchError(`label name ${goQuote(name)} is already curried`, this.context());
        next.push(this.curry[iCurry]!);
        iCurry++;
      } else if (given) {
        validateLabelValues([labels[name]!], 1, this.context());
        next.push({ index: i, value: labels[name]! });
      }
    }
    const unknown = this.curry.length + Object.keys(labels).length - next.length;
    if (unknown > 0) {
      throw new LabelMismatchError(`${unknown} unknown label(s) found during currying`, this.context());
    }
    // Subclass constructors take options, not a table, so the view is made from the prototype.
    // Such an object has no #private brand: that is why this class's helpers are `private`.
    const view = Object.create(Object.getPrototypeOf(this) as object) as this;
    return Object.assign(view, { metricMap: this.metricMap, curry: Object.freeze(next) });
  }

  /** Merges the curried values into the given ones, giving the full list. */
  private uncurry(labelValues: readonly string[]): string[] {
    const total = this.metricMap.desc.variableLabels.length;
    const values: string[] = new Array<string>(total);
    let iCurry = 0;
    let iValue = 0;
    for (let i = 0; i < total; i++) {
      if (iCurry < this.curry.length && this.curry[iCurry]!.index === i) {
        values[i] = this.curry[iCurry++]!.value;
      } else {
        values[i] = labelValues[iValue++]!;
      }
    }
    return values;
  }

  private valuesFromLabels(given: Labels | null): string[] {
    const labels = this.labelMap(given);
    const variable = this.metricMap.desc.variableLabels;
    validateValuesInLabels(given ?? null, variable.length - this.curry.length, this.context());
    const values: string[] = new Array<string>(variable.length);
    let iCurry = 0;
    for (let i = 0; i < variable.length; i++) {
      const name = variable[i]!;
      const given = Object.hasOwn(labels, name);
      if (iCurry < this.curry.length && this.curry[iCurry]!.index === i) {
        if (given) throw new LabelMismatchError(`label name ${goQuote(name)} is already curried`, this.context());
        values[i] = this.curry[iCurry++]!.value;
      } else {
        if (!given) throw new LabelMismatchError(`label name ${goQuote(name)} missing in label map`, this.context());
        values[i] = labels[name]!;
      }
    }
    return values;
  }

  /**
   * Checks that labels is a label map. `null` and `undefined` count as an empty map, as a nil
   * `prometheus.Labels` does in Go.
   * @throws {LabelMismatchError} for anything else that is not a plain object.
   */
  private labelMap(labels: Labels | null | undefined): Labels {
    if (labels === null || labels === undefined) return {};
    if (typeof labels !== "object" || Array.isArray(labels)) {
      throw new LabelMismatchError(`labels ${String(labels)} are not a label map`, this.context());
    }
    return labels;
  }

  /** The metric and its labels, for the properties of the errors this vec raises. */
  private context(): MetricContext {
    const desc = this.metricMap.desc;
    return { fqName: desc.fqName, variableLabels: desc.variableLabels };
  }
}
