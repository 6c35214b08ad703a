/**
 * Property tests of the whole path registry → gather → text → parse, on random registries.
 *
 * Each case builds a random registry from a seeded PRNG (spec/support/prng.ts): metric names,
 * label names, label values from all of Unicode (astral characters, quotes, backslashes, newlines,
 * control characters), help texts, and values among the edge floats (subnormals, 2^53±1, -0, NaN,
 * ±Inf, the largest and smallest exponents) and random bit patterns; every metric type, as const
 * metrics, live metrics and vecs. The case also writes down the families it expects. Then:
 *
 * 1. the gathered families equal the expected ones;
 * 2. their text, parsed back by our parser, equals them too (NaN equal to NaN, -0 read as 0, an
 *    empty help read as none);
 * 3. every 25th case joins a batch that the real promtool checks: it must parse it (status 0 or 3)
 *    and say exactly what our linter says;
 * 4. one invalid construction per case (bad names, reserved or duplicate labels, lone surrogates,
 *    wrong label counts, bad buckets, objectives and values) must throw or be refused with the
 *    right error class, and leave nothing in the registry for the encoder.
 *
 * Fixed seeds run on every run, plus one random seed, which is in the test's name; set
 * `PROPERTY_SEED=<seed>` to rerun one. Each seed stops after its share of the time budget
 * (`PROPERTY_BUDGET_MS`, default 20 s in all) even if its share of `PROPERTY_CASES` (default 6000)
 * is not reached; the counts reached are printed.
 */
import { afterAll, expect, it } from "vitest";
import { metricFamiliesToText, parseText } from "../../lib/expfmt/index.js";
import type * as dto from "../../lib/model/index.js";
import * as prom from "../../lib/prometheus/index.js";
import { compareLabelPairs } from "../../lib/prometheus/labels.js";
import { normalizeMetricFamilies, unitCandidates } from "../../lib/testutil/index.js";
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
import { Prng, randomSeed } from "../support/prng.js";
import { missingPromtool, ourLint, promtoolCheckMetrics, promtoolVersion } from "../testutil/promtool-runner.js";

const envSeed = process.env["PROPERTY_SEED"];
const seeds = envSeed !== undefined ? [Number(envSeed) >>> 0] : [1, 2, 0xc0ffee, randomSeed()];
const totalCases = Number(process.env["PROPERTY_CASES"] ?? 6000);
const budgetMs = Number(process.env["PROPERTY_BUDGET_MS"] ?? 20_000);
const promtoolEvery = 10;
const promtoolBatch = 25;

const counts = { cases: 0, invalid: 0, series: 0, promtoolCalls: 0, promtoolExpositions: 0 };

afterAll(() => {
  console.log(
    `property.spec: ${counts.cases} registries (${counts.series} series), ${counts.invalid} invalid constructions, ` +
      `${counts.promtoolExpositions} expositions in ${counts.promtoolCalls} promtool calls; seeds ${seeds.join(", ")}`,
  );
});

if (promtoolVersion === undefined) {
  if (process.env["CI"]) it("needs promtool", () => expect.fail(missingPromtool));
  else console.warn(`\n*** property.spec: the promtool checks are SKIPPED\n*** ${missingPromtool}\n`);
}

it("the PRNG is xoshiro128** seeded by splitmix32", () => {
  const r = new Prng(1);
  expect([r.uint32(), r.uint32(), r.uint32(), r.uint32(), r.uint32()]).toEqual([
    2442144158, 3238099751, 3819917871, 2104621829, 2021136066,
  ]);
});

for (const seed of seeds) {
  const random = envSeed === undefined && seed === seeds[seeds.length - 1] ? " (random seed)" : "";
  it(`seed ${seed}${random}: random registries round-trip, pass promtool, and invalid input is refused`, async () => {
    const deadline = performance.now() + budgetMs / seeds.length;
    const target = Math.ceil(totalCases / seeds.length);
    const batch = new PromtoolBatch(seed);
    let n = 0;
    for (; n < target && performance.now() < deadline; n++) {
      const r = new Prng(caseSeed(seed, n));
      const where = `PROPERTY_SEED=${seed} case ${n}`;
      const generated = new RegistryGenerator(r).generate();
      const text = await checkRoundTrip(generated, where);
      if (n % promtoolEvery === 0) await batch.add(text, generated.names, n);
      await checkInvalid(r, where);
      counts.cases++;
      counts.invalid++;
    }
    await batch.flush();
    console.log(`seed ${seed}: ${n} cases`);
    expect(n).toBeGreaterThan(0);
  }, budgetMs + 60_000);
}

/** caseSeed derives the seed of case n of a run, so that any case can be rebuilt alone. */
function caseSeed(seed: number, n: number): number {
  return (Math.imul(seed ^ 0x5bd1e995, 0x9e3779b1) + n) >>> 0;
}

// --- Checks ----------------------------------------------------------------------------------

/** checkRoundTrip gathers, compares with the model, encodes, parses back, compares again. */
async function checkRoundTrip(g: Generated, where: string): Promise<string> {
  const expected = canonical(g.families);
  const gathered = await g.registry.gather();
  counts.series += gathered.reduce((n, f) => n + f.metric.length, 0);
  const text = metricFamiliesToText(gathered);
  if (canonical(gathered) !== expected) {
    expect(JSON.parse(canonical(gathered)), `${where}: gathered`).toEqual(JSON.parse(expected));
  }
  let parsed: dto.MetricFamily[];
  try {
    parsed = parseText(text);
  } catch (err) {
    throw new Error(`${where}: our parser rejects our encoding: ${String(err)}\n${text}`, { cause: err });
  }
  if (canonical(parsed) !== expected) {
    expect(JSON.parse(canonical(parsed)), `${where}: parsed back\n${text}`).toEqual(JSON.parse(expected));
  }
  return text;
}

/**
 * canonical renders families for comparison: sorted as a gather sorts, numbers as strings (NaN
 * equal to NaN, -0 as 0: the text format has no negative zero), an empty help as none, object
 * keys sorted, created timestamps left out (the text format does not carry them).
 */
function canonical(families: readonly dto.MetricFamily[]): string {
  const plain = normalizeMetricFamilies(families).map((f) => ({ ...f, help: f.help === "" ? undefined : f.help }));
  return JSON.stringify(plain, (key, v: unknown) => {
    if (key === "createdTimestampMs") return undefined;
    if (typeof v === "number") return Object.is(v, -0) ? "0" : String(v);
    if (v !== null && typeof v === "object" && !Array.isArray(v)) {
      return Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    }
    return v;
  });
}

/**
 * PromtoolBatch gathers expositions whose names cannot clash into one text, and has promtool and
 * our `lint` check it when it is full: promtool must parse it, and both must say the same.
 */
class PromtoolBatch {
  readonly #seed: number;
  #names = new Set<string>();
  #texts: string[] = [];
  #cases: number[] = [];

  constructor(seed: number) {
    this.#seed = seed;
  }

  async add(text: string, names: ReadonlySet<string>, n: number): Promise<void> {
    if (promtoolVersion === undefined || text === "") return;
    // A name with a base and a non-base unit gets a random verdict from promtool (see promlint.ts).
    if ([...names].some((n) => unitCandidates(n).length > 1)) return;
    if ([...names].some((n) => clashes(n, this.#names))) return;
    for (const n of names) this.#names.add(n);
    this.#texts.push(text);
    this.#cases.push(n);
    if (this.#texts.length >= promtoolBatch) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.#texts.length === 0) return;
    const text = this.#texts.join("");
    const where = `PROPERTY_SEED=${this.#seed} cases ${this.#cases.join(", ")}`;
    const [theirs, ours] = await Promise.all([promtoolCheckMetrics(text), ourLint(text)]);
    counts.promtoolCalls++;
    counts.promtoolExpositions += this.#texts.length;
    expect([0, 3], `${where}: promtool rejects our encoding: ${theirs.stderr}`).toContain(theirs.status);
    expect({ status: ours.status, stderr: ours.stderr }, `${where}: our lint differs from promtool`).toEqual({
      status: theirs.status,
      stderr: theirs.stderr,
    });
    this.#names = new Set();
    this.#texts = [];
    this.#cases = [];
  }
}

/**
 * clashes says whether a family name cannot live beside the names taken: the same name, or one
 * that is the other plus `_count`, `_sum` or `_bucket` (a histogram's or summary's series).
 */
function clashes(name: string, taken: ReadonlySet<string>): boolean {
  if (taken.has(name)) return true;
  for (const suffix of ["_count", "_sum", "_bucket"]) {
    if (taken.has(name + suffix)) return true;
    if (name.endsWith(suffix) && taken.has(name.slice(0, -suffix.length))) return true;
  }
  return false;
}

// --- Registries --------------------------------------------------------------------------------

/** Generated is a random registry and the families it must gather. */
interface Generated {
  registry: prom.Registry;
  families: dto.MetricFamily[];
  names: Set<string>;
}

/** Series is one generated series: its label values (in variable label order) and label pairs. */
interface Series {
  values: string[];
  label: dto.LabelPair[];
}

/** valueMetric is the expected data of a counter, gauge or untyped series. */
function valueMetric(type: prom.ValueType, label: dto.LabelPair[], value: number): dto.Metric {
  if (type === "counter") return { label, counter: { value } };
  if (type === "gauge") return { label, gauge: { value } };
  return { label, untyped: { value } };
}

/** RegistryGenerator builds one random registry, family by family, writing down the expectation. */
class RegistryGenerator {
  readonly #r: Prng;
  readonly #registry: prom.Registry;
  readonly #families: dto.MetricFamily[] = [];
  readonly #names = new Set<string>();

  constructor(r: Prng) {
    this.#r = r;
    this.#registry = r.chance(0.5) ? prom.newPedanticRegistry() : prom.newRegistry();
  }

  generate(): Generated {
    const kinds = [
      () => this.#constMetrics(),
      () => this.#vec(),
      () => this.#single(),
      () => this.#func(),
      () => this.#constHistograms(),
      () => this.#histogramVec(),
      () => this.#constSummaries(),
      () => this.#summaryVec(),
    ];
    for (let i = this.#r.range(1, 5); i > 0; i--) this.#r.pick(kinds)();
    return { registry: this.#registry, families: this.#families, names: this.#names };
  }

  /** #name draws a fresh metric name that clashes with none of this registry's. */
  #name(): string {
    for (;;) {
      const name = metricName(this.#r);
      if (!clashes(name, this.#names)) {
        this.#names.add(name);
        return name;
      }
    }
  }

  /** #labels draws distinct variable and const label names, never `exclude`. */
  #labels(exclude: string, minVariable = 0): { variable: string[]; constLabels: Record<string, string> } {
    const r = this.#r;
    const used = new Set<string>([exclude]);
    const fresh = () => {
      for (;;) {
        const n = labelName(r);
        if (!used.has(n)) {
          used.add(n);
          return n;
        }
      }
    };
    const variable = Array.from({ length: r.range(minVariable, 3) }, fresh);
    const constLabels: Record<string, string> = {};
    for (let i = r.range(0, 2); i > 0; i--) constLabels[fresh()] = unicodeString(r, 12);
    return { variable, constLabels };
  }

  /** #series draws up to `max` series with distinct label values. */
  #series(variable: readonly string[], constLabels: Record<string, string>, max: number): Series[] {
    const r = this.#r;
    const seen = new Set<string>();
    const series: Series[] = [];
    const count = variable.length === 0 ? r.range(0, 1) : r.range(0, max);
    for (let i = 0; i < count; i++) {
      const values = variable.map(() => unicodeString(r, 12));
      const key = JSON.stringify(values);
      if (seen.has(key)) continue;
      seen.add(key);
      const label = [
        ...variable.map((name, j) => ({ name, value: values[j]! })),
        ...Object.entries(constLabels).map(([name, value]) => ({ name, value })),
      ].sort(compareLabelPairs);
      series.push({ values, label });
    }
    return series;
  }

  #expect(name: string, helpText: string, type: dto.MetricType, metric: dto.Metric[]): void {
    if (metric.length > 0) this.#families.push({ name, help: helpText, type, metric });
  }

  #register(c: prom.Collector): void {
    const err = this.#registry.register(c);
    if (err !== undefined) throw err;
  }

  #constMetrics(): void {
    const r = this.#r;
    const name = this.#name();
    const helpText = help(r);
    const { variable, constLabels } = this.#labels("");
    const desc = prom.newDesc(name, helpText, variable, constLabels);
    const valueType = r.pick(["counter", "gauge", "untyped"] as const);
    const metrics: prom.Metric[] = [];
    const expected: dto.Metric[] = [];
    for (const s of this.#series(variable, constLabels, 4)) {
      const value = float(r);
      let metric = prom.mustNewConstMetric(desc, valueType, value, ...s.values);
      const m = valueMetric(valueType, s.label, value);
      if (r.chance(0.2)) {
        const t = r.pick([0, -1, 1600000000123, Number.MAX_SAFE_INTEGER, r.range(-1e12, 1e12)]);
        metric = prom.newMetricWithTimestamp(t, metric);
        m.timestampMs = t;
      }
      metrics.push(metric);
      expected.push(m);
    }
    this.#register({ describe: (ch) => void ch.send(desc), collect: (ch) => metrics.forEach((m) => ch.send(m)) });
    this.#expect(name, helpText, valueType, expected);
  }

  #vec(): void {
    const r = this.#r;
    const name = this.#name();
    const helpText = help(r);
    const { variable, constLabels } = this.#labels("", 1);
    const type = r.pick(["counter", "gauge", "untyped"] as const);
    const opts = { name, help: helpText, constLabels };
    const vec =
      type === "counter" ? prom.newCounterVec(opts, variable) : type === "gauge" ? prom.newGaugeVec(opts, variable) : prom.newUntypedVec(opts, variable);
    const expected: dto.Metric[] = [];
    for (const s of this.#series(variable, constLabels, 5)) {
      const child = r.chance(0.5) ? vec.withLabelValues(...s.values) : vec.with(Object.fromEntries(variable.map((n, i) => [n, s.values[i]!])));
      expected.push(valueMetric(type, s.label, this.#setValue(child)));
    }
    this.#register(vec);
    this.#expect(name, helpText, type, expected);
  }

  /** #setValue sets a live counter, gauge or untyped metric and returns the value it must report. */
  #setValue(metric: prom.Counter | prom.Gauge | prom.Untyped): number {
    const r = this.#r;
    if (metric instanceof prom.Counter) {
      let v = Math.abs(float(r));
      if (Number.isNaN(v)) v = 0;
      metric.add(v);
      if (r.chance(0.3)) {
        metric.inc();
        return v + 1;
      }
      return v;
    }
    const v = float(r);
    metric.set(v);
    return v;
  }

  #single(): void {
    const r = this.#r;
    const name = this.#name();
    const helpText = help(r);
    const { constLabels } = this.#labels("");
    const type = r.pick(["counter", "gauge", "untyped"] as const);
    const opts = { name, help: helpText, constLabels };
    const metric = type === "counter" ? prom.newCounter(opts) : type === "gauge" ? prom.newGauge(opts) : prom.newUntyped(opts);
    const value = this.#setValue(metric);
    this.#register(metric);
    const label = Object.entries(constLabels)
      .map(([n, v]) => ({ name: n, value: v }))
      .sort(compareLabelPairs);
    this.#expect(name, helpText, type, [valueMetric(type, label, value)]);
  }

  #func(): void {
    const r = this.#r;
    const name = this.#name();
    const helpText = help(r);
    const { constLabels } = this.#labels("");
    const type = r.pick(["counter", "gauge", "untyped"] as const);
    const value = float(r);
    const opts = { name, help: helpText, constLabels };
    const fn = () => value;
    this.#register(
      type === "counter" ? prom.newCounterFunc(opts, fn) : type === "gauge" ? prom.newGaugeFunc(opts, fn) : prom.newUntypedFunc(opts, fn),
    );
    const label = Object.entries(constLabels)
      .map(([n, v]) => ({ name: n, value: v }))
      .sort(compareLabelPairs);
    this.#expect(name, helpText, type, [valueMetric(type, label, value)]);
  }

  /** #bounds draws distinct increasing bucket bounds (never NaN or +Inf). */
  #bounds(max: number): number[] {
    const r = this.#r;
    const bounds = new Set<number>();
    for (let i = r.range(0, max); i > 0; i--) {
      const b = float(r);
      if (!Number.isNaN(b) && b !== Infinity) bounds.add(b);
    }
    return [...bounds].sort((a, b) => a - b);
  }

  #constHistograms(): void {
    const r = this.#r;
    const name = this.#name();
    const helpText = help(r);
    const { variable, constLabels } = this.#labels("le");
    const desc = prom.newDesc(name, helpText, variable, constLabels);
    const metrics: prom.Metric[] = [];
    const expected: dto.Metric[] = [];
    for (const s of this.#series(variable, constLabels, 3)) {
      const total = count(r);
      const sum = float(r);
      const bucket: dto.Bucket[] = [];
      let cumulative = 0;
      for (const upperBound of this.#bounds(8)) {
        cumulative += Math.floor(r.float() * (total - cumulative + 1));
        cumulative = Math.min(cumulative, total);
        bucket.push({ upperBound, cumulativeCount: cumulative });
      }
      const buckets = new Map(bucket.map((b) => [b.upperBound, b.cumulativeCount]));
      metrics.push(prom.mustNewConstHistogram(desc, total, sum, buckets, ...s.values));
      expected.push({ label: s.label, histogram: { sampleCount: total, sampleSum: sum, bucket } });
    }
    this.#register({ describe: (ch) => void ch.send(desc), collect: (ch) => metrics.forEach((m) => ch.send(m)) });
    this.#expect(name, helpText, "histogram", expected);
  }

  #histogramVec(): void {
    const r = this.#r;
    const name = this.#name();
    const helpText = help(r);
    const { variable, constLabels } = this.#labels("le", 1);
    let bounds = this.#bounds(6).filter((b) => Number.isFinite(b));
    if (bounds.length === 0) bounds = [...prom.DefBuckets];
    const given = r.chance(0.3) ? [...bounds, Infinity] : bounds;
    const vec = prom.newHistogramVec({ name, help: helpText, constLabels, buckets: given }, variable);
    const expected: dto.Metric[] = [];
    for (const s of this.#series(variable, constLabels, 3)) {
      const child = vec.withLabelValues(...s.values);
      const counts = bounds.map(() => 0);
      let sum = 0;
      const observations = r.range(0, 6);
      for (let i = 0; i < observations; i++) {
        const v = r.chance(0.05) ? r.pick([NaN, Infinity, -Infinity]) : r.chance(0.5) ? r.pick(bounds) : float(r);
        child.observe(v);
        const at = bounds.findIndex((b) => b >= v);
        if (at >= 0) counts[at]!++;
        sum += v;
      }
      let cumulative = 0;
      const bucket = bounds.map((upperBound, i) => ({ upperBound, cumulativeCount: (cumulative += counts[i]!) }));
      expected.push({ label: s.label, histogram: { sampleCount: observations, sampleSum: sum, bucket } });
    }
    this.#register(vec);
    this.#expect(name, helpText, "histogram", expected);
  }

  #constSummaries(): void {
    const r = this.#r;
    const name = this.#name();
    const helpText = help(r);
    const { variable, constLabels } = this.#labels("quantile");
    const desc = prom.newDesc(name, helpText, variable, constLabels);
    const metrics: prom.Metric[] = [];
    const expected: dto.Metric[] = [];
    for (const s of this.#series(variable, constLabels, 3)) {
      const quantiles = new Map<number, number>();
      for (let i = r.range(0, 5); i > 0; i--) quantiles.set(r.pick([0, 1, 0.5, 0.99, 0.999, r.float(), 5e-324]), float(r));
      const total = count(r);
      const sum = float(r);
      metrics.push(prom.mustNewConstSummary(desc, total, sum, quantiles, ...s.values));
      const quantile = [...quantiles].map(([q, value]) => ({ quantile: q, value })).sort((a, b) => a.quantile - b.quantile);
      expected.push({ label: s.label, summary: { sampleCount: total, sampleSum: sum, quantile } });
    }
    this.#register({ describe: (ch) => void ch.send(desc), collect: (ch) => metrics.forEach((m) => ch.send(m)) });
    this.#expect(name, helpText, "summary", expected);
  }

  #summaryVec(): void {
    const r = this.#r;
    const name = this.#name();
    const helpText = help(r);
    const { variable, constLabels } = this.#labels("quantile", 1);
    const vec = prom.newSummaryVec({ name, help: helpText, constLabels }, variable);
    const expected: dto.Metric[] = [];
    for (const s of this.#series(variable, constLabels, 3)) {
      const child = vec.withLabelValues(...s.values);
      let sum = 0;
      const observations = r.range(0, 5);
      for (let i = 0; i < observations; i++) {
        const v = float(r);
        child.observe(v);
        sum += v;
      }
      expected.push({ label: s.label, summary: { sampleCount: observations, sampleSum: sum, quantile: [] } });
    }
    this.#register(vec);
    this.#expect(name, helpText, "summary", expected);
  }
}

// --- Invalid input -----------------------------------------------------------------------------

/** ErrorClass is the class of an error we expect (and, for wrapped errors, of its cause). */
type ErrorClass = abstract new (...args: never[]) => Error;

/** Invalid is one invalid construction: what it tries, and what it must fail with. */
interface Invalid {
  what: string;
  /** Tries the construction with `reg`; throws, or returns the error `register` returned. */
  attempt(reg: prom.Registry): unknown;
  error: ErrorClass;
  cause?: ErrorClass;
}

/** liveConstructors build the live metrics and vecs from options and label names. */
const liveConstructors: ((opts: prom.Opts, labels: string[]) => prom.Collector)[] = [
  (o) => prom.newGauge(o),
  (o) => prom.newCounter(o),
  (o) => prom.newUntyped(o),
  (o) => prom.newHistogram(o),
  (o) => prom.newSummary(o),
  (o, l) => prom.newGaugeVec(o, l),
  (o, l) => prom.newCounterVec(o, l),
  (o, l) => prom.newHistogramVec(o, l),
  (o, l) => prom.newSummaryVec(o, l),
];

/** describedBy is a collector that describes one descriptor and collects nothing. */
function describedBy(desc: prom.Desc): prom.Collector {
  return { describe: (ch) => void ch.send(desc), collect() {} };
}

function invalidCases(r: Prng): Invalid[] {
  const name = metricName(r);
  const label = labelName(r);
  // "_" is a valid label name, but "_" + "_a" would be a reserved one.
  const base = label === "_" ? "l_" : label;
  const labels = [base + "_a", base + "_b"].slice(0, r.range(1, 2));
  const badName = corrupt(r, name, badMetricChars);
  const badLabel = r.chance(0.2) ? "__" + label : corrupt(r, label, badLabelChars);
  const opts = { name, help: help(r) };
  const values = labels.map(() => unicodeString(r, 5));
  const wrongCount = r.chance(0.5) ? [...values, "extra"] : values.slice(1);
  const gaugeVec = () => prom.newGaugeVec(opts, labels);
  const registered = (reg: prom.Registry, c: prom.Collector) => reg.register(c);
  return [
    {
      what: `metric name ${JSON.stringify(badName)} at registration`,
      attempt: (reg) => registered(reg, r.pick(liveConstructors)({ ...opts, name: badName }, labels)),
      error: prom.InvalidDescError,
      cause: prom.InvalidNameError,
    },
    {
      what: `metric name ${JSON.stringify(badName)} in a const metric`,
      attempt: () => prom.mustNewConstMetric(prom.newDesc(badName, "h", null, null), prom.GaugeValue, 1),
      error: prom.InvalidNameError,
    },
    {
      what: `label name ${JSON.stringify(badLabel)} as a variable label`,
      attempt: (reg) => registered(reg, r.pick(liveConstructors.slice(5))(opts, [...labels, badLabel])),
      error: prom.InvalidDescError,
      cause: prom.InvalidNameError,
    },
    {
      what: `label name ${JSON.stringify(badLabel)} as a const label`,
      attempt: (reg) => registered(reg, r.pick(liveConstructors)({ ...opts, constLabels: { [badLabel]: "v" } }, labels)),
      error: prom.InvalidDescError,
      cause: prom.InvalidNameError,
    },
    {
      what: "a label name twice",
      attempt: (reg) =>
        r.chance(0.5)
          ? registered(reg, prom.newGaugeVec(opts, [label, label]))
          : registered(reg, prom.newCounterVec({ ...opts, constLabels: { [label]: "v" } }, [label])),
      error: prom.InvalidDescError,
      cause: prom.DuplicateLabelNamesError,
    },
    {
      what: "a lone surrogate in a label value of a vec",
      attempt: () => {
        const vals = [...values];
        vals[r.int(vals.length)] = loneSurrogate(r);
        return r.chance(0.5) ? gaugeVec().withLabelValues(...vals) : gaugeVec().with(Object.fromEntries(labels.map((l, i) => [l, vals[i]!])));
      },
      error: prom.InvalidLabelValueError,
    },
    {
      what: "a lone surrogate in a const label value",
      attempt: (reg) => registered(reg, r.pick(liveConstructors)({ ...opts, constLabels: { [label]: loneSurrogate(r) } }, labels)),
      error: prom.InvalidDescError,
      cause: prom.InvalidLabelValueError,
    },
    {
      what: "a lone surrogate in a const metric's label value",
      attempt: () => prom.mustNewConstMetric(prom.newDesc(name, "h", [label], null), prom.CounterValue, 1, loneSurrogate(r)),
      error: prom.InvalidLabelValueError,
    },
    {
      what: `${wrongCount.length} label values for ${labels.length} labels`,
      attempt: () => {
        const desc = prom.newDesc(name, "h", labels, null);
        switch (r.int(4)) {
          case 0:
            return gaugeVec().withLabelValues(...wrongCount);
          case 1:
            return prom.mustNewConstMetric(desc, prom.GaugeValue, 1, ...wrongCount);
          case 2:
            return prom.mustNewConstHistogram(desc, 1, 1, new Map([[1, 1]]), ...wrongCount);
          default:
            return prom.mustNewConstSummary(desc, 1, 1, new Map([[0.5, 1]]), ...wrongCount);
        }
      },
      error: prom.InconsistentCardinalityError,
    },
    {
      what: "a label map with the wrong names",
      attempt: () => gaugeVec().with(Object.fromEntries(labels.map((l, i) => [l + "_x", values[i]!]))),
      error: prom.LabelMismatchError,
    },
    {
      what: "histogram buckets out of order, or NaN",
      attempt: () => {
        const bounds = [1, 2, 3];
        const at = r.int(3);
        bounds.splice(at + 1, 0, r.chance(0.2) ? NaN : bounds[at]! - r.pick([0, 0.5, 5]));
        const o = { ...opts, buckets: r.chance(0.5) ? [NaN] : bounds };
        return r.chance(0.5) ? prom.newHistogram(o) : prom.newHistogramVec(o, labels);
      },
      error: prom.InvalidOptionsError,
    },
    {
      what: "`le` in a histogram, `quantile` in a summary",
      attempt: () =>
        r.pick([
          () => prom.newHistogramVec(opts, [...labels, "le"]),
          () => prom.newHistogram({ ...opts, constLabels: { le: "1" } }),
          () => prom.newSummaryVec(opts, ["quantile"]),
          () => prom.newSummary({ ...opts, constLabels: { quantile: "1" } }),
        ])(),
      error: prom.InvalidOptionsError,
    },
    {
      what: "summary objectives outside (0, 1)",
      attempt: () => prom.newSummary({ ...opts, objectives: new Map([[r.pick([0, 1, -0.5, 1.5, NaN]), 0.01]]) }),
      error: prom.InvalidOptionsError,
    },
    {
      what: "a counter decreased",
      attempt: () => prom.newCounter(opts).add(r.pick([-1, -5e-324, -Infinity, NaN, -(2 ** 53)])),
      error: prom.InvalidValueError,
    },
    {
      what: "a const histogram's or summary's count or bucket",
      attempt: () => {
        const desc = prom.newDesc(name, "h", null, null);
        const bad = r.pick([-1, 0.5, NaN, Infinity]);
        switch (r.int(4)) {
          case 0:
            return prom.mustNewConstHistogram(desc, bad, 1, new Map());
          case 1:
            return prom.mustNewConstHistogram(desc, 10, 1, new Map([[1, bad]]));
          case 2:
            return prom.mustNewConstHistogram(desc, 10, 1, new Map([[NaN, 1]]));
          default:
            return prom.mustNewConstSummary(desc, bad, 1, new Map());
        }
      },
      error: prom.InvalidValueError,
    },
    {
      what: "a summary quantile outside [0, 1]",
      attempt: () =>
        prom.mustNewConstSummary(prom.newDesc(name, "h", null, null), 1, 1, new Map([[r.pick([-0.1, 1.1, NaN, Infinity]), 1]])),
      error: prom.InvalidValueError,
    },
    {
      what: "a timestamp that is not a finite number",
      attempt: () =>
        prom.newMetricWithTimestamp(r.pick([NaN, Infinity, new Date(NaN)]), prom.mustNewConstMetric(prom.newDesc(name, "h", null, null), prom.GaugeValue, 1)),
      error: prom.InvalidValueError,
    },
    {
      what: "an unknown value type",
      attempt: () => prom.mustNewConstMetric(prom.newDesc(name, "h", null, null), "histogram" as prom.ValueType, 1),
      error: prom.InvalidValueError,
    },
    {
      what: "an invalid descriptor registered",
      attempt: (reg) => registered(reg, describedBy(prom.newDesc(badName, "h", labels, null))),
      error: prom.InvalidDescError,
      cause: prom.InvalidNameError,
    },
  ];
}

/**
 * checkInvalid draws one invalid construction and expects it to be refused with the right class,
 * leaving the registry it was tried on with nothing to encode.
 */
async function checkInvalid(r: Prng, where: string): Promise<void> {
  const invalid = r.pick(invalidCases(r));
  const reg = prom.newRegistry();
  let err: unknown;
  try {
    err = invalid.attempt(reg);
  } catch (e) {
    err = e;
  }
  const context = `${where}: ${invalid.what}`;
  expect(err, context).toBeInstanceOf(invalid.error);
  if (invalid.cause !== undefined) expect((err as Error).cause, context).toBeInstanceOf(invalid.cause);
  expect(metricFamiliesToText(await reg.gather()), context).toBe("");
}
