/**
 * The generator of the differential fuzzer (fuzz.spec.ts): random oracle cases (oracle-case.ts)
 * from a seeded PRNG. A case is a registry of one to five collectors — live metrics and vecs with
 * operations, funcs, const metrics with timestamps and exemplars, second registrations — whose
 * names, help texts, label values and numbers come from spec/support/generators.ts, and which
 * now and then holds a hazard: an invalid or clashing name, a reserved or duplicate label, a
 * label value that is not valid UTF-8, a wrong label count, a negative counter increment,
 * unsorted buckets, an exemplar too long or out of time, a collector that collects what it did
 * not describe (on a pedantic registry or not).
 */
import {
  badLabelChars,
  badMetricChars,
  corrupt,
  count,
  float,
  help,
  labelName,
  loneSurrogate,
  metricName,
  unicodeString,
} from "../support/generators.js";
import type { Prng } from "../support/prng.js";
import type {
  CaseConstMetric,
  CaseDesc,
  CaseExemplar,
  CaseOp,
  CaseOpts,
  CollectorCase,
  LiveKind,
  OracleCase,
} from "./oracle-case.js";

/** A hazard happens with this probability at each place one may. */
const hazard = 0.04;

/** timestamps are the edge timestamps (ms): the epoch, before it, year 1 and year 9999, beyond them. */
const timestamps = [0, -1, 1, 1_600_000_000_123, -62_135_596_800_000, 253_402_300_799_999, 253_402_300_800_000, -62_135_596_800_001, 8.64e15];

/** exemplarTimestamps are the edge timestamps an exemplar may have: valid ones, and beyond 0001-01-01 and 9999-12-31. */
const exemplarTimestamps = [0, -1, 1, 1_600_000_000_123, -62_135_596_800_001, 253_402_300_800_000, -9_223_372_036_854, 9_223_372_036_854];

const constTypes = ["counter", "gauge", "untyped", "histogram", "summary"] as const;

/** CaseGenerator draws one random case. */
export class CaseGenerator {
  readonly #r: Prng;
  readonly #names: string[] = [];
  /** The indexes of the collectors Go checks lazily (see #vec): never registered again. */
  readonly #lazy = new Set<number>();
  #collectors = 0;

  constructor(r: Prng) {
    this.#r = r;
  }

  generate(id: string): OracleCase {
    const r = this.#r;
    const collectors: CollectorCase[] = [];
    for (let i = r.range(1, 5); i > 0; i--, this.#collectors = collectors.length) {
      if (collectors.length > 0 && r.chance(hazard)) {
        const ref = r.int(collectors.length);
        if (!this.#lazy.has(ref)) collectors.push({ kind: "again", ref });
        continue;
      }
      const kind = r.int(10);
      if (kind < 4) collectors.push(this.#constCollector());
      else if (kind < 7) collectors.push(this.#vec());
      else if (kind < 9) collectors.push(this.#single());
      else collectors.push(this.#func());
    }
    return { id, pedantic: r.chance(0.3), collectors };
  }

  /** #name draws a metric name: mostly new, sometimes one already used in the case, rarely invalid. */
  #name(): string {
    const r = this.#r;
    if (this.#names.length > 0 && r.chance(0.08)) return r.pick(this.#names);
    let name = metricName(r);
    if (r.chance(hazard)) name = corrupt(r, name, badMetricChars);
    this.#names.push(name);
    return name;
  }

  /** #labelNames draws variable label names, sometimes with a duplicate, a reserved or an invalid one. */
  #labelNames(max: number, reserved?: string): string[] {
    const r = this.#r;
    const names = new Set<string>();
    for (let i = r.int(max + 1); i > 0; i--) names.add(labelName(r));
    const list = [...names];
    if (r.chance(hazard) && list.length > 0) list.push(r.pick(list));
    if (r.chance(hazard)) list.push(reserved ?? "__reserved");
    if (r.chance(hazard)) list.push(corrupt(r, labelName(r), badLabelChars));
    return list;
  }

  /** #labelValue draws a label value from all of Unicode; rarely one that is not valid UTF-8. */
  #labelValue(): string {
    const r = this.#r;
    return r.chance(hazard / 2) ? loneSurrogate(r) : unicodeString(r, 12);
  }

  /** #labelValues draws values for `names`, rarely one too many or too few. */
  #labelValues(names: readonly string[]): string[] {
    const r = this.#r;
    const values = names.map(() => this.#labelValue());
    if (r.chance(hazard)) {
      if (values.length > 0 && r.chance(0.5)) values.pop();
      else values.push(this.#labelValue());
    }
    return values;
  }

  /**
   * #labelMap makes the label map of `with` from names and values; now and then a name is left
   * out, added, or wrong. At most one value is not valid UTF-8: Go checks the values in map
   * order, which is random.
   */
  #labelMap(names: readonly string[], values: readonly string[]): Record<string, string> {
    const r = this.#r;
    const map: Record<string, string> = {};
    let bad = false;
    names.forEach((n, i) => {
      let v = values[i] ?? "";
      if (!v.isWellFormed()) {
        if (bad) v = "x";
        bad = true;
      }
      map[n] = v;
    });
    if (r.chance(hazard) && names.length > 0) delete map[r.pick(names)];
    if (r.chance(hazard)) map[labelName(r)] = "extra";
    if (r.chance(hazard) && names.length > 0) {
      const gone = r.pick(names);
      const v = map[gone];
      delete map[gone];
      map[gone + "_x"] = v ?? "";
    }
    return map;
  }

  /** #constLabels draws const labels: valid names (Go checks them in map order), at most one bad one. */
  #constLabels(): Record<string, string> | undefined {
    const r = this.#r;
    if (!r.chance(0.3)) return undefined;
    const labels: Record<string, string> = {};
    for (let i = r.range(1, 3); i > 0; i--) labels[labelName(r)] = this.#labelValue();
    if (r.chance(hazard)) labels[r.pick(["__reserved", "1bad", "a-b", "é"])] = "v";
    return labels;
  }

  #opts(): CaseOpts {
    const r = this.#r;
    const opts: CaseOpts = { name: this.#name(), help: help(r) };
    if (r.chance(0.1)) opts.namespace = r.pick(["", "ns", "my_app", "a:b"]);
    if (r.chance(0.1)) opts.subsystem = r.pick(["", "sub", "http"]);
    const constLabels = this.#constLabels();
    if (constLabels !== undefined) opts.constLabels = constLabels;
    return opts;
  }

  /** #buckets draws histogram upper bounds: sorted, sometimes ending with +Inf, rarely unsorted. */
  #buckets(): number[] | undefined {
    const r = this.#r;
    if (r.chance(0.2)) return undefined;
    const set = new Set<number>();
    for (let i = r.int(8); i > 0; i--) {
      const v = r.chance(0.5) ? r.range(-5, 20) / 4 : float(r);
      if (!Number.isNaN(v)) set.add(v);
    }
    const buckets = [...set].sort((a, b) => a - b);
    if (r.chance(0.1)) buckets.push(Infinity);
    if (r.chance(hazard) && buckets.length > 1) buckets.reverse();
    return buckets;
  }

  /** #observation draws an observed value: small numbers mostly, edge floats sometimes. */
  #observation(): number {
    const r = this.#r;
    return r.chance(0.7) ? r.range(-20, 100) / 8 : float(r);
  }

  /**
   * #objectives draws summary objectives ([quantile, error] pairs). A live summary's quantiles
   * lie in (0, 1): we refuse 0, 1 and beyond, which Go accepts (docs/conformance.md, "Known
   * differences"); a const summary's lie in [0, 1]: we refuse quantiles beyond, which Go
   * writes out (a deliberate difference, same place).
   */
  #objectives(live = true): [number, number][] | undefined {
    const r = this.#r;
    if (r.chance(0.2)) return undefined;
    const qs = [0.5, 0.9, 0.99, 0.1, 0.25, 0.75, 0.999, ...(live ? [] : [0, 1])];
    return Array.from({ length: r.int(4) }, () => [r.pick(qs), r.pick([0.05, 0.01, 0.001, 0.1, 0])] as [number, number]);
  }

  /**
   * #increment draws a counter increment. Not NaN, which we refuse and Go adds; not an integer
   * from 2^48 to 2^64, which Go adds exactly to a uint64 and we to a float, inexact once the sum
   * passes 2^53 (docs/conformance.md, "Known differences").
   */
  #increment(): number {
    const v = Math.abs(this.#observation());
    if (Number.isNaN(v) || (Number.isInteger(v) && v >= 2 ** 48 && v < 2 ** 64)) return 0.5;
    return v;
  }

  #ops(kind: LiveKind, labelNames?: string[]): CaseOp[] {
    const r = this.#r;
    const base = kind.replace(/Vec$/, "");
    const children: string[][] = [];
    const ops: CaseOp[] = [];
    for (let i = r.int(8); i > 0; i--) {
      let op: CaseOp;
      if (base === "counter") {
        op = r.chance(0.3) ? { op: "inc" } : { op: "add", v: r.chance(hazard) ? -r.range(1, 3) : this.#increment() };
      } else if (base === "gauge") {
        op = { op: r.pick(["set", "set", "inc", "dec", "add", "sub"] as const), v: r.chance(0.5) ? float(r) : this.#observation() };
        if (op.op === "inc" || op.op === "dec") delete op.v;
      } else {
        // Summaries observe few values, all within one age bucket and one buffer flush, and no
        // NaN (docs/conformance.md, "Known differences").
        let v = this.#observation();
        if (base === "summary" && Number.isNaN(v)) v = 0.5;
        op = { op: "observe", v };
      }
      if (labelNames !== undefined) {
        if (r.chance(0.05)) {
          ops.push({ op: "reset" });
          continue;
        }
        if (children.length > 0 && r.chance(0.4)) op.lv = r.pick(children);
        else children.push((op.lv = this.#labelValues(labelNames)));
        // A label map's keys travel to Go as JSON keys, which cannot hold a lone surrogate.
        if (r.chance(0.25) && labelNames.every((n) => n.isWellFormed())) {
          op.labels = this.#labelMap(labelNames, op.lv);
          delete op.lv;
        }
      }
      ops.push(op);
    }
    return ops;
  }

  #single(): CollectorCase {
    const r = this.#r;
    const kind = r.pick(["counter", "gauge", "histogram", "summary"] as const);
    const opts = this.#opts();
    if (kind === "histogram") {
      const buckets = this.#buckets();
      if (buckets !== undefined) opts.buckets = buckets;
    }
    if (kind === "summary") {
      const objectives = this.#objectives();
      if (objectives !== undefined) opts.objectives = objectives;
    }
    return { kind, opts, ops: this.#ops(kind) };
  }

  #vec(): CollectorCase {
    const r = this.#r;
    const kind = r.pick(["counterVec", "gaugeVec", "histogramVec", "summaryVec"] as const);
    const opts = this.#opts();
    const reserved = kind === "histogramVec" ? "le" : kind === "summaryVec" ? "quantile" : undefined;
    const labelNames = this.#labelNames(3, reserved);
    if (kind === "histogramVec") {
      const buckets = this.#buckets();
      if (buckets !== undefined) opts.buckets = buckets;
    }
    if (kind === "summaryVec") {
      const objectives = this.#objectives();
      if (objectives !== undefined) opts.objectives = objectives;
    }
    // Go checks a HistogramVec's buckets and labels, and a SummaryVec's const labels, at its
    // first child, we at construction (oracle-compare.ts, eagerVecCheck): such a vec's name is
    // not used again, nor is it registered again.
    const b = opts.buckets ?? [];
    const constNames = Object.keys(opts.constLabels ?? {});
    const lazy =
      kind === "histogramVec"
        ? labelNames.includes("le") || constNames.includes("le") || b.some((v, i) => i > 0 && !(v > b[i - 1]!))
        : kind === "summaryVec" && constNames.includes("quantile");
    if (lazy) {
      this.#names.splice(this.#names.lastIndexOf(opts.name), 1);
      this.#lazy.add(this.#collectors);
    }
    return { kind, opts, labelNames, ops: this.#ops(kind, labelNames) };
  }

  #func(): CollectorCase {
    const r = this.#r;
    return { kind: r.pick(["counterFunc", "gaugeFunc", "untypedFunc"] as const), opts: this.#opts(), value: float(r) };
  }

  #desc(): CaseDesc {
    const r = this.#r;
    const desc: CaseDesc = { fqName: this.#name(), help: help(r), variableLabels: this.#labelNames(3) };
    const constLabels = this.#constLabels();
    if (constLabels !== undefined) desc.constLabels = constLabels;
    return desc;
  }

  #exemplars(histogram: boolean): CaseExemplar[] {
    const r = this.#r;
    return Array.from({ length: r.int(3) }, () => {
      const labels: Record<string, string> = {};
      // At most one label: Go orders an exemplar's labels by map iteration, at random.
      if (r.chance(0.7)) labels[r.chance(hazard) ? r.pick(["1bad", "__reserved", "a-b"]) : labelName(r)] = r.chance(hazard) ? "x".repeat(r.range(100, 130)) : this.#labelValue();
      // Not from year 1 to 1677 or from 2263 to 9999: Go's OpenMetrics encoder writes those wrong
      // (docs/conformance.md, "Known differences"); before year 1 and after 9999 are errors.
      const ts = r.chance(0.8) ? r.pick([1_600_000_000_000, 1_700_000_000_123, 0]) : r.pick(exemplarTimestamps);
      // Not NaN on a histogram: see docs/conformance.md, "Known differences".
      let value = this.#observation();
      if (Number.isNaN(value) && histogram) value = 0.25;
      return { value, labels, timestampMs: ts };
    });
  }

  #constMetric(descs: CaseDesc[], types: CaseConstMetric["type"][]): CaseConstMetric {
    const r = this.#r;
    const d = r.int(descs.length);
    // One type per desc, rarely another one: a family of two types.
    const type = r.chance(hazard) ? r.pick(constTypes) : types[d]!;
    const m: CaseConstMetric = { type, desc: d, lv: this.#labelValues(descs[d]!.variableLabels ?? []) };
    if (type === "histogram") {
      const bounds = this.#buckets() ?? [];
      let cumulative = 0;
      m.buckets = bounds.map((b) => [b, (cumulative += r.int(5))]);
      m.count = r.chance(0.8) ? cumulative + r.int(3) : count(r);
      m.sum = float(r);
    } else if (type === "summary") {
      m.quantiles = (this.#objectives(false) ?? []).map(([q]) => [q, float(r)]);
      m.count = count(r);
      m.sum = float(r);
    } else {
      m.value = float(r);
    }
    if (r.chance(0.2)) m.timestampMs = r.chance(0.5) ? r.pick(timestamps) : r.range(-1e6, 2e12);
    if ((type === "counter" || type === "histogram") && r.chance(0.2)) m.exemplars = this.#exemplars(type === "histogram");
    else if (r.chance(hazard)) m.exemplars = this.#exemplars(type === "histogram");
    return m;
  }

  #constCollector(): CollectorCase {
    const r = this.#r;
    const descs = Array.from({ length: r.range(1, 2) }, () => this.#desc());
    const types = descs.map(() => r.pick(constTypes));
    const metrics = Array.from({ length: r.int(4) }, () => this.#constMetric(descs, types));
    let describe = descs.map((_, i) => i);
    let kept = metrics;
    if (r.chance(0.1)) describe = []; // unchecked
    else if (r.chance(hazard)) {
      describe = describe.slice(1); // collects what it did not describe
      // At most one metric of the undescribed desc: see docs/conformance.md, "Known differences".
      const first = metrics.findIndex((m) => m.desc === 0);
      kept = metrics.filter((m, i) => m.desc !== 0 || i === first);
    }
    return { kind: "const", descs, describe, metrics: kept };
  }
}
