/**
 * The checks a gather applies to every collected metric, and the final sort.
 *
 * Counterpart: `processMetric`, `checkSuffixCollisions`, `checkMetricConsistency` and
 * `checkDescConsistency` in client_golang's registry.go, and `NormalizeMetricFamilies` in its
 * internal package. Each check is its own function so that the order reads as in Go:
 * write → family by name (help, type) → suffix collisions → series consistency → (pedantic)
 * descriptor consistency → append.
 *
 * @module
 */

import type * as dto from "../model/index.js";
import { familyOfRows, isDeepFrozen, labelsText, metricOfRow, metricsOfRows } from "../expfmt/index.js";
import type { Desc } from "./desc.js";
import { ConstRows } from "./internal/const-rows.js";
import { ConstValueMetric } from "./value.js";
import { ConsistencyError, InvalidValueError, PrometheusError } from "./errors.js";
import {
  checkLabelName,
  compareLabelPairs,
  compareUTF8,
  goQuote,
  isValidUTF8,
  QuantileLabel,
} from "./labels.js";
import type { Metric } from "./metric.js";
import { metricToProtoText } from "./proto-text.js";
import { Slicer, sortInSlices } from "./internal/slices.js";
import { keepShape } from "./internal/shapes.js";

/** The Go spelling of each type, as client_model's `MetricType.String()` prints it. */
const goTypeNames: Record<dto.MetricType, string> = {
  counter: "COUNTER",
  gauge: "GAUGE",
  summary: "SUMMARY",
  untyped: "UNTYPED",
  histogram: "HISTOGRAM",
  gaugehistogram: "GAUGE_HISTOGRAM",
};

/** The phrase for "should be a ..." in type mismatch errors. */
const shouldBe: Record<dto.MetricType, string> = {
  counter: "should be a Counter",
  gauge: "should be a Gauge",
  summary: "should be a Summary",
  untyped: "should be Untyped",
  histogram: "should be a Histogram",
  gaugehistogram: "should be a Histogram",
};

/** FamilyMap collects the families of one gather by name, with the series seen so far. */
export class FamilyMap {
  readonly byName = new Map<string, dto.MetricFamily>();
  /**
   * The series seen per family, keyed by the (cached) text of their label pairs; only for families
   * whose series did not all arrive in strictly increasing order.
   */
  readonly #seriesSeen = new Map<dto.MetricFamily, Set<string>>();
  /** The families whose metrics did not arrive in sorted order, so normalize must sort them. */
  readonly #unordered = new Set<dto.MetricFamily>();
  /** The families that hold one vec's rows and nothing else (yet). */
  readonly #rows = new Map<dto.MetricFamily, dto.RowsFamily>();
  /** The families that hold const metrics of one descriptor and nothing else (yet), as rows. */
  readonly #constRows = new Map<dto.MetricFamily, { rows: ConstRows; order?: Int32Array }>();
  /** The const rows that took the last const metric. */
  #lastConst: ConstRows | undefined;
  /** The metric checkMetricConsistency last found to sort after its family's last one, if any. */
  #inOrder: dto.Metric | undefined;

  /**
   * processRows adds a vec's series, sent as rows. When they are the first of their family, the
   * family keeps the rows as they are: the family's help and type come from the vec, the suffix
   * collisions are checked once, and the series need no check of their own (the registry's own
   * vec made them valid, unique and sorted). Otherwise each row is checked and added as a metric,
   * as {@link processMetric} does; each error goes to `onError`.
   */
  processRows(rows: dto.RowsFamily, onError: (err: unknown) => void): void {
    const existing = this.byName.get(rows.name);
    if (existing === undefined) {
      if (rows.length === 0) return;
      const family: dto.MetricFamily = { name: rows.name, help: rows.help, type: rows.type, metric: [] };
      try {
        checkSuffixCollisions(family, this.byName);
      } catch (err) {
        onError(err);
        return;
      }
      this.byName.set(rows.name, family);
      this.#rows.set(family, rows);
      return;
    }
    this.#expandRows(existing, onError);
    for (let row = 0; row < rows.length; row++) {
      try {
        const m = metricOfRow(rows, row);
        checkFamilyOfRow(existing, m, rows);
        this.append(existing, this.checkMetricConsistency(existing, m));
      } catch (err) {
        onError(err);
      }
    }
  }

  /**
   * processMetric writes a collected metric and adds it to its family, checking it on the way; it
   * throws the metric's own error. When the family held const metrics as rows, they are checked
   * first, one by one in the order they came (see {@link expandRows}); their errors, which Go
   * reports before this metric's, go to `onError`.
   */
  processMetric(metric: Metric, registeredDescIds: ReadonlySet<string> | undefined, onError: (err: unknown) => void): void {
    if (registeredDescIds === undefined && metric instanceof ConstValueMetric && this.#addConst(metric)) return;
    const desc = metric.desc();
    if (desc.err !== undefined) throw desc.err;
    let m = writeMetric(metric, desc);
    let family = this.byName.get(desc.fqName);
    if (family !== undefined) {
      this.#expandRows(family, onError);
      checkFamilyOfCollected(family, m, desc);
    } else {
      family = { name: desc.fqName, help: desc.help, type: metricTypeOf(m), metric: [] };
      checkSuffixCollisions(family, this.byName);
      this.byName.set(desc.fqName, family);
    }
    m = this.checkMetricConsistency(family, m);
    if (registeredDescIds !== undefined) {
      if (!registeredDescIds.has(desc.id)) {
        throw new ConsistencyError(
          `collected metric ${family.name} ${metricToProtoText(m)} with unregistered descriptor ${desc}`,
          family.name,
        );
      }
      checkDescConsistency(family, m, desc);
    }
    this.append(family, m);
  }

  /**
   * addConst adds a const metric to its family's const rows (see internal/const-rows.ts) and
   * returns true, or returns false when the family already holds something else.
   */
  #addConst(m: ConstValueMetric): boolean {
    // A collector sends the const metrics of one descriptor one after the other, mostly.
    const last = this.#lastConst;
    if (last !== undefined && last.accepts(m)) {
      last.add(m);
      return true;
    }
    const desc = m.desc();
    let family = this.byName.get(desc.fqName);
    if (family === undefined) {
      family = { name: desc.fqName, help: desc.help, type: m.valueType, metric: [] };
      checkSuffixCollisions(family, this.byName);
      this.byName.set(desc.fqName, family);
      const rows = new ConstRows(m);
      rows.add(m);
      this.#constRows.set(family, { rows });
      this.#lastConst = rows;
      return true;
    }
    const held = this.#constRows.get(family);
    if (held === undefined || !held.rows.accepts(m)) return false;
    held.rows.add(m);
    this.#lastConst = held.rows;
    return true;
  }

  /**
   * orderConstRows puts the const rows of every family in order, in time slices; each series
   * that repeats an earlier one is left out and reported to `onError`. runCollectors (collect.ts)
   * calls it once every collector is done (not after an abort), before {@link normalize}.
   */
  async orderConstRows(slicer: Slicer, onError: (err: Error) => void): Promise<void> {
    for (const [family, held] of this.#constRows) {
      held.order = await held.rows.order(slicer, (m) => onError(collectedBefore(family.name, m.write())));
    }
  }

  /**
   * adoptRows makes `family` hold `rows` as its series (see processRows), for a family that
   * another gatherer gathered as rows. The family must be new and empty.
   */
  adoptRows(family: dto.MetricFamily, rows: dto.RowsFamily): void {
    this.#rows.set(family, rows);
  }

  /**
   * expandRows turns a family's rows into metrics, so that more can be added and checked. Const
   * rows, not checked for repeats yet, are checked now as Go checks them as they come: each
   * series that repeats an earlier one is left out, and its error goes to `onError`.
   */
  expandRows(family: dto.MetricFamily, onError: (err: unknown) => void): void {
    this.#expandRows(family, onError);
  }

  #expandRows(family: dto.MetricFamily, onError: (err: unknown) => void): void {
    const held = this.#constRows.get(family);
    if (held !== undefined) {
      // Made valid and of the family's type and help (one descriptor), but not checked for repeats.
      this.#constRows.delete(family);
      if (this.#lastConst === held.rows) this.#lastConst = undefined;
      for (const m of held.rows.metrics) {
        try {
          this.append(family, this.checkMetricConsistency(family, m.write()));
        } catch (err) {
          onError(err);
        }
      }
    }
    const rows = this.#rows.get(family);
    if (rows === undefined) return;
    this.#rows.delete(family);
    for (const m of metricsOfRows(rows)) family.metric.push(m);
  }

  /** append adds a checked metric to its family, noting when the family falls out of order. */
  append(family: dto.MetricFamily, m: dto.Metric): void {
    const metrics = family.metric;
    const inOrder = this.#inOrder === m;
    this.#inOrder = undefined;
    if (!inOrder && metrics.length > 0 && compareMetrics(metrics[metrics.length - 1]!, m) > 0) this.#unordered.add(family);
    metrics.push(m);
  }

  /**
   * checkMetricConsistency checks that m fits its family's type, that its labels are valid and
   * unique, and that the same series was not collected before in this gather. It returns m, or,
   * when m's labels are not sorted by name, a copy with sorted labels (Go sorts a copy too; m
   * itself may belong to a const metric and is never changed).
   */
  checkMetricConsistency(family: dto.MetricFamily, m: dto.Metric): dto.Metric {
    const name = family.name;
    if (!hasValueOfType(m, family.type)) {
      throw new ConsistencyError(
        `collected metric ${goQuote(name)} { ${metricToProtoText(m)}} is not a ${goTypeNames[family.type]}`,
        name,
      );
    }
    const labels = checkLabels(name, m);
    let seen = this.#seriesSeen.get(family);
    if (seen === undefined) {
      // While a family's series arrive in strictly increasing label order (a vec sends its
      // children so), none can repeat an earlier one: no set of keys is needed. The first series
      // out of that order switches the family to the set, built from what came before.
      const last = family.metric[family.metric.length - 1];
      if (last === undefined || strictlyBefore(last.label, labels)) {
        const checked = labels === m.label ? m : { ...m, label: labels };
        this.#inOrder = checked; // append need not compare it again
        return checked;
      }
      seen = new Set(family.metric.map((earlier) => labelsKey(earlier.label)));
      this.#seriesSeen.set(family, seen);
    }
    const key = labelsKey(labels);
    if (seen.has(key)) throw collectedBefore(name, m);
    seen.add(key);
    return labels === m.label ? m : { ...m, label: labels };
  }

  /**
   * normalize returns the non-empty families sorted by name, their metrics sorted by labels. Only
   * families whose metrics arrived out of order are sorted (a vec sends its children in order),
   * and large ones are sorted in time slices. A family held as rows stays rows (for a
   * transactional gather), or becomes plain client_model data with `plain`.
   */
  async normalize(plain: true): Promise<dto.MetricFamily[]>;
  async normalize(plain: boolean): Promise<dto.GatheredFamily[]>;
  async normalize(plain: boolean): Promise<dto.GatheredFamily[]> {
    const families: dto.GatheredFamily[] = [];
    for (const family of this.byName.values()) {
      const rows = this.#rows.get(family);
      const held = this.#constRows.get(family);
      if (held !== undefined) {
        const order = held.order ?? (await held.rows.order(new Slicer(), () => undefined));
        if (order.length === 0) continue;
        families.push(plain ? { ...family, metric: held.rows.metricsOf(order) } : held.rows.rowsFamily(order));
      } else if (rows !== undefined) families.push(plain ? familyOfRows(rows) : rows);
      else if (family.metric.length > 0) families.push(family);
    }
    families.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const slicer = new Slicer();
    for (const family of this.#unordered) await sortInSlices(family.metric, compareMetrics, slicer);
    return families;
  }
}

// A gather's family map dies with it: one lives on so that its shape does (internal/shapes.ts).
keepShape(new FamilyMap());

/**
 * Deep-frozen label-pair arrays (array and pairs frozen) that passed {@link checkLabels}, each with
 * its labels sorted by name (the array itself when it was sorted). Such an array cannot change, so
 * once valid it stays valid and is not checked again. Every other array is checked each time; a
 * caller can freeze an invalid array, but it is checked the first time like any other.
 */
const checkedLabels = new WeakMap<readonly dto.LabelPair[], readonly dto.LabelPair[]>();

/** collectedBefore is the error for a series collected twice in one gather. */
function collectedBefore(name: string, m: dto.Metric): ConsistencyError {
  return new ConsistencyError(
    `collected metric ${goQuote(name)} { ${metricToProtoText(m)}} was collected before with the same name and label values`,
    name,
  );
}

/**
 * checkLabels checks a metric's label pairs and returns them sorted by name (a sorted copy when
 * they were not; Go sorts a copy too, as m may belong to a const metric).
 */
function checkLabels(name: string, m: dto.Metric): readonly dto.LabelPair[] {
  const checked = checkedLabels.get(m.label);
  if (checked !== undefined) {
    // The one rule that depends on the metric: a summary has no label named quantile.
    if (m.summary !== undefined) for (const lp of checked) checkLabelPair(name, m, lp, "");
    return checked;
  }
  const labels = isSortedByName(m.label) ? m.label : Object.freeze([...m.label].sort(compareLabelPairs));
  // Checked in sorted order, so that a repeated name is caught wherever it appears.
  let previous = "";
  for (const lp of labels) {
    checkLabelPair(name, m, lp, previous);
    previous = lp.name;
  }
  if (isDeepFrozen(m.label)) checkedLabels.set(m.label, labels);
  return labels;
}

function isSortedByName(labels: readonly dto.LabelPair[]): boolean {
  for (let i = 1; i < labels.length; i++) if (labels[i]!.name < labels[i - 1]!.name) return false;
  return true;
}

function writeMetric(metric: Metric, desc: Desc): dto.Metric {
  try {
    return metric.write();
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const wrapped = new PrometheusError(`error collecting metric ${desc}: ${message}`, { cause: err });
    throw err instanceof InvalidValueError ? new InvalidValueError(wrapped.message, { cause: err }) : wrapped;
  }
}

/** checkFamilyOfRow checks a row of a vec against the family of the same name collected before. */
function checkFamilyOfRow(family: dto.MetricFamily, m: dto.Metric, rows: dto.RowsFamily): void {
  if (family.help !== rows.help) {
    throw new ConsistencyError(
      `collected metric ${rows.name} ${metricToProtoText(m)} has help ${goQuote(rows.help)} but should have ${goQuote(family.help ?? "")}`,
      family.name,
    );
  }
  if (!hasValueOfType(m, family.type)) {
    throw new ConsistencyError(`collected metric ${rows.name} ${metricToProtoText(m)} ${shouldBe[family.type]}`, family.name);
  }
}

function checkFamilyOfCollected(family: dto.MetricFamily, m: dto.Metric, desc: Desc): void {
  if (family.help !== desc.help) {
    throw new ConsistencyError(
      `collected metric ${desc.fqName} ${metricToProtoText(m)} has help ${goQuote(desc.help)} but should have ${goQuote(family.help ?? "")}`,
      family.name,
    );
  }
  if (!hasValueOfType(m, family.type)) {
    throw new ConsistencyError(`collected metric ${desc.fqName} ${metricToProtoText(m)} ${shouldBe[family.type]}`, family.name);
  }
}

/**
 * metricTypeOf returns the type of the value m holds.
 * @throws {ConsistencyError} for a metric without any value ("empty metric collected").
 */
export function metricTypeOf(m: dto.Metric): dto.MetricType {
  if (m.gauge !== undefined) return "gauge";
  if (m.counter !== undefined) return "counter";
  if (m.summary !== undefined) return "summary";
  if (m.untyped !== undefined) return "untyped";
  if (m.histogram !== undefined) return "histogram";
  throw new ConsistencyError(`empty metric collected: ${metricToProtoText(m)}`, "");
}

function hasValueOfType(m: dto.Metric, type: dto.MetricType): boolean {
  switch (type) {
    case "counter":
      return m.counter !== undefined;
    case "gauge":
      return m.gauge !== undefined;
    case "summary":
      return m.summary !== undefined;
    case "untyped":
      return m.untyped !== undefined;
    case "histogram":
    case "gaugehistogram":
      return m.histogram !== undefined;
  }
}

function checkLabelPair(name: string, m: dto.Metric, lp: dto.LabelPair, previous: string): void {
  const fail = (what: string) => new ConsistencyError(`collected metric ${goQuote(name)} { ${metricToProtoText(m)}} ${what}`, name);
  if (lp.name === previous) throw fail(`has two or more labels with the same name: ${lp.name}`);
  if (!checkLabelName(lp.name)) throw fail(`has a label with an invalid name: ${lp.name}`);
  if (m.summary !== undefined && lp.name === QuantileLabel) throw fail(`must not have an explicit ${goQuote(QuantileLabel)} label`);
  if (typeof lp.value !== "string" || !isValidUTF8(lp.value)) {
    throw fail(`has a label named ${goQuote(lp.name)} whose value is not utf8: ${goQuote(String(lp.value))}`);
  }
}

/**
 * checkSuffixCollisions rejects a new family whose name collides with the `_count`, `_sum` or
 * `_bucket` series of an existing summary or histogram, or the other way round.
 * @throws {ConsistencyError}
 */
export function checkSuffixCollisions(family: dto.MetricFamily, families: ReadonlyMap<string, dto.MetricFamily>): void {
  const name = family.name;
  const suffix = ["_count", "_sum", "_bucket"].find((s) => name.endsWith(s));
  if (suffix !== undefined) {
    const base = name.slice(0, -suffix.length);
    const existing = families.get(base);
    if (existing?.type === "summary" && suffix !== "_bucket") {
      throw new ConsistencyError(
        `collected metric named ${goQuote(name)} collides with previously collected summary named ${goQuote(base)}`,
        name,
      );
    }
    if (existing?.type === "histogram") {
      throw new ConsistencyError(
        `collected metric named ${goQuote(name)} collides with previously collected histogram named ${goQuote(base)}`,
        name,
      );
    }
  }
  if (family.type === "summary" || family.type === "histogram") {
    for (const s of ["_count", "_sum"]) {
      if (families.has(name + s)) {
        throw new ConsistencyError(
          `collected histogram or summary named ${goQuote(name)} collides with previously collected metric named ${goQuote(name + s)}`,
          name,
        );
      }
    }
  }
  if (family.type === "histogram" && families.has(name + "_bucket")) {
    throw new ConsistencyError(
      `collected histogram named ${goQuote(name)} collides with previously collected metric named ${goQuote(name + "_bucket")}`,
      name,
    );
  }
}

/**
 * checkDescConsistency (pedantic registries only) checks that a metric's help and labels match the
 * descriptor it was collected with.
 * @throws {ConsistencyError}
 */
function checkDescConsistency(family: dto.MetricFamily, m: dto.Metric, desc: Desc): void {
  if (family.help !== desc.help) {
    throw new ConsistencyError(
      `collected metric ${family.name} ${metricToProtoText(m)} has help ${goQuote(family.help ?? "")} but should have ${goQuote(desc.help)}`,
      family.name,
    );
  }
  const fromDesc: { name: string; value?: string }[] = [...desc.constLabelPairs];
  for (const name of desc.variableLabels) fromDesc.push({ name });
  const inconsistent = () =>
    new ConsistencyError(
      `labels in collected metric ${family.name} ${metricToProtoText(m)} are inconsistent with descriptor ${desc}`,
      family.name,
    );
  if (fromDesc.length !== m.label.length) throw inconsistent();
  fromDesc.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const labels = [...m.label].sort(compareLabelPairs);
  for (let i = 0; i < fromDesc.length; i++) {
    const expected = fromDesc[i]!;
    const actual = labels[i]!;
    if (expected.name !== actual.name || (expected.value !== undefined && expected.value !== actual.value)) {
      throw inconsistent();
    }
  }
}

/**
 * labelsKey identifies a series within its family by its label pairs: their rendered text (values
 * are escaped and quoted), which lib/expfmt caches for frozen arrays.
 */
function labelsKey(labels: readonly dto.LabelPair[]): string {
  return labelsText(labels);
}


/**
 * strictlyBefore reports whether label set `a` has the same label names as `b` and values that
 * sort strictly before b's. Then the two sets differ, and so does b from everything before a in a
 * sequence ordered this way.
 */
function strictlyBefore(a: readonly dto.LabelPair[], b: readonly dto.LabelPair[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i]!.name !== b[i]!.name) return false;
  for (let i = 0; i < a.length; i++) {
    const c = compareUTF8(a[i]!.value, b[i]!.value);
    if (c !== 0) return c < 0;
  }
  return false;
}

/** compareMetrics orders metrics by label values, then by timestamp, as client_golang's metricSorter. */
export function compareMetrics(a: dto.Metric, b: dto.Metric): number {
  if (a.label.length !== b.label.length) return a.label.length - b.label.length;
  for (let i = 0; i < a.label.length; i++) {
    const c = compareUTF8(a.label[i]!.value, b.label[i]!.value);
    if (c !== 0) return c;
  }
  if (a.timestampMs === undefined) return b.timestampMs === undefined ? 0 : 1;
  if (b.timestampMs === undefined) return -1;
  return a.timestampMs - b.timestampMs;
}
