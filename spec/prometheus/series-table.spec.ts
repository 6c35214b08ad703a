/**
 * The series table of a vec (series-table.ts, label-arena.ts), through the public GaugeVec and
 * CounterVec API, against a plain Map model: seeded random sequences of writes (withLabelValues,
 * with, through curried views and through held children), lookups, deletes (deleteLabelValues,
 * delete, deletePartialMatch), resets and bulk phases (thousands of series created, most deleted,
 * more created: index growth, slot reuse, arena compaction), with label values that need
 * escaping, are multi-byte or long, or share prefixes. Every gather through a registry must list
 * exactly the model's series, in client_golang's order (values compared as UTF-8 bytes, in
 * label-name order), with the model's values, both as metrics and as the bytes of the text
 * encoder's fast path. Then, by hand: the byte order of values that share a prefix, series whose
 * label values collide in the hash, lone surrogates, and children whose series was deleted.
 */
import { describe, expect, it } from "vitest";
import { escapeLabelValue, formatFloat, textByteChunks } from "../../lib/expfmt/index.js";
import { isRowsFamily, type MetricFamily } from "../../lib/model/index.js";
import * as prom from "../../lib/prometheus/index.js";
import { compareUTF8 } from "../../lib/prometheus/labels.js";
import { hashValues } from "../../lib/prometheus/internal/series-table.js";
import { Prng } from "../support/prng.js";

type Vec = prom.GaugeVec | prom.CounterVec;
type Child = prom.Gauge | prom.Counter;
type Kind = "gauge" | "counter";

/** Label values that are hard on an arena of escaped UTF-8 entries and on its byte order. */
const tricky = [
  "",
  "a",
  "a!",
  'a"',
  "a#",
  "a\\",
  "a[",
  "a]",
  "a\n",
  "a\nb",
  "an",
  "a\\n",
  "ab",
  "b",
  '"',
  "\\",
  "\n",
  "e",
  "é",
  "f",
  "日本",
  "日本語",
  "😀",
  "😀a",
  "\uE000",
  "\uFFFF",
  "\uFEFF",
  "\uFEFFx",
  "x".repeat(254),
  "x".repeat(255),
  "x".repeat(256),
  "x".repeat(300),
  "é".repeat(150),
  '"'.repeat(130),
  "a".repeat(300),
  "a".repeat(300) + "!",
  "a".repeat(300) + '"',
  "日本😀".repeat(50),
];

/** Characters random values are made of. */
const alphabet = ["a", "b", "!", '"', "#", "\\", "\n", "n", "é", "日", "😀", "\uFEFF", "\uE000", "\uFFFF", " ", "{", "}", ",", "=", "0"];

/** Lone surrogates (and surrogates out of order): not valid UTF-8, so never a label value. */
const invalidValues = ["\ud800", "\udc00", "x\ud800", "\ud83d", "\ude00\ud83d", "a\udbffb"];

interface Series {
  readonly values: string[];
  /** Which creation of these labels this is (a held child belongs to one). */
  readonly id: number;
  /** The gauge's value, or the counter's integral part (the fractional part apart, as Counter does). */
  value: number;
  frac: number;
}

/** A view of the vec: the base vec, or a curried one with its fixed values by label index. */
interface View {
  readonly vec: Vec;
  readonly curried: ReadonlyMap<number, string>;
}

interface RunConfig {
  seed: number;
  kind: Kind;
  width: number;
  constLabels: boolean;
  bulk: boolean;
  ops: number;
}

/** Model is what the vec should hold: series by label values, and the order a gather lists them in. */
class Model {
  readonly kind: Kind;
  readonly names: readonly string[];
  readonly constLabels: Readonly<Record<string, string>>;
  /** Variable label indexes in label-name order. */
  readonly byName: readonly number[];
  readonly series = new Map<string, Series>();
  /** The keys, for picking one at random. */
  readonly #keys: string[] = [];
  readonly #at = new Map<string, number>();
  #nextId = 1;

  constructor(kind: Kind, names: readonly string[], constLabels: Record<string, string>) {
    this.kind = kind;
    this.names = names;
    this.constLabels = constLabels;
    this.byName = names.map((_, i) => i).sort((a, b) => (names[a]! < names[b]! ? -1 : 1));
  }

  static key(values: readonly string[]): string {
    return JSON.stringify(values);
  }

  get(values: readonly string[]): Series | undefined {
    return this.series.get(Model.key(values));
  }

  /** ensure returns the series of these values, creating it (at 0) as a vec's lookup does. */
  ensure(values: readonly string[]): Series {
    const key = Model.key(values);
    let s = this.series.get(key);
    if (s === undefined) {
      s = { values: [...values], id: this.#nextId++, value: 0, frac: 0 };
      this.series.set(key, s);
      this.#at.set(key, this.#keys.length);
      this.#keys.push(key);
    }
    return s;
  }

  delete(values: readonly string[]): boolean {
    const key = Model.key(values);
    if (!this.series.delete(key)) return false;
    const i = this.#at.get(key)!;
    const last = this.#keys.pop()!;
    if (last !== key) {
      this.#keys[i] = last;
      this.#at.set(last, i);
    }
    this.#at.delete(key);
    return true;
  }

  clear(): void {
    this.series.clear();
    this.#keys.length = 0;
    this.#at.clear();
  }

  random(prng: Prng): Series | undefined {
    if (this.#keys.length === 0) return undefined;
    return this.series.get(this.#keys[prng.int(this.#keys.length)]!)!;
  }

  valueOf(s: Series): number {
    return this.kind === "counter" ? s.frac + s.value : s.value;
  }

  /** sorted returns the series in gather order: values compared as UTF-8, in label-name order. */
  sorted(): Series[] {
    return [...this.series.values()].sort((a, b) => {
      for (const i of this.byName) {
        const c = compareUTF8(a.values[i]!, b.values[i]!);
        if (c !== 0) return c;
      }
      return 0;
    });
  }

  /** labelPairs returns a series' labels, const ones included, sorted by name. */
  labelPairs(s: Series): [string, string][] {
    const pairs: [string, string][] = this.names.map((name, i) => [name, s.values[i]!]);
    for (const [name, value] of Object.entries(this.constLabels)) pairs.push([name, value]);
    return pairs.sort((a, b) => (a[0] < b[0] ? -1 : 1));
  }
}

/** Harness drives a vec and its model with one seeded generator. */
class Harness {
  readonly prng: Prng;
  readonly config: RunConfig;
  readonly name: string;
  readonly help = 'Model "test" \\ help.';
  readonly reg = prom.newRegistry();
  readonly vec: Vec;
  readonly model: Model;
  /** Candidate values per label index. */
  readonly pools: string[][];
  views: View[];
  held: { child: Child; values: string[]; id: number }[] = [];
  checks = 0;
  #bulkSerial = 0;

  constructor(config: RunConfig) {
    this.config = config;
    const prng = (this.prng = new Prng(config.seed));
    const names = prng.shuffle(["zone", "a", "code", "method", "b_2", "path", "x"]).slice(0, config.width);
    const constLabels: Record<string, string> = {};
    if (config.constLabels) {
      for (const name of prng.shuffle(["c_const", "aa", "zz_top"]).slice(0, prng.range(1, 2))) constLabels[name] = prng.pick(tricky);
    }
    this.name = config.kind === "counter" ? "st_model_total" : "st_model";
    const opts = { name: this.name, help: this.help, constLabels };
    this.vec = config.kind === "counter" ? prom.newCounterVec(opts, names) : prom.newGaugeVec(opts, names);
    this.reg.mustRegister(this.vec);
    this.model = new Model(config.kind, names, constLabels);
    const poolSize = [0, 60, 20, 9, 6][config.width]!;
    this.pools = names.map(() => {
      const pool = prng.shuffle([...tricky]).slice(0, Math.ceil(poolSize / 2));
      while (pool.length < poolSize) pool.push(this.randomValue());
      return pool;
    });
    this.views = [{ vec: this.vec, curried: new Map() }];
  }

  randomValue(): string {
    const prng = this.prng;
    if (prng.chance(0.05)) return prng.pick(alphabet).repeat(prng.range(100, 400));
    let s = "";
    for (let n = prng.range(0, 8); n > 0; n--) s += prng.pick(alphabet);
    return s;
  }

  /** values picks full label values for a view: often those of a live series. */
  values(view: View): string[] {
    const prng = this.prng;
    const existing = prng.chance(0.5) ? this.model.random(prng) : undefined;
    return this.model.names.map((_, i) => view.curried.get(i) ?? (existing?.values[i] ?? prng.pick(this.pools[i]!)));
  }

  /** args returns what a view's withLabelValues takes for these full values. */
  args(view: View, values: readonly string[]): string[] {
    return values.filter((_, i) => !view.curried.has(i));
  }

  labels(view: View, values: readonly string[]): Record<string, string> {
    const labels: Record<string, string> = {};
    this.model.names.forEach((name, i) => {
      if (!view.curried.has(i)) labels[name] = values[i]!;
    });
    return labels;
  }

  /** write applies one random write to `child`, and to the model's series if it is live. */
  write(child: Child, s: Series | undefined): void {
    const prng = this.prng;
    if (this.config.kind === "counter") {
      const counter = child as prom.Counter;
      const r = prng.int(4);
      if (r === 0) {
        counter.inc();
        if (s) s.value += 1;
      } else if (r === 1) {
        const n = prng.range(0, 1_500_000);
        counter.add(n);
        if (s) s.value += n;
      } else if (r === 2) {
        const f = prng.pick([0.25, 0.5, 0.125]);
        counter.add(f);
        if (s) s.frac += f;
      } else {
        counter.add(0);
      }
      return;
    }
    const gauge = child as prom.Gauge;
    const r = prng.int(5);
    if (r === 0) {
      const v = prng.pick([0, -0, 1, -1, 0.5, 999999, 1e6, -1e6, 123.25, 1e-5, -1e300, NaN, Infinity, -Infinity, prng.range(-5000, 5000)]);
      gauge.set(v);
      if (s) s.value = v;
    } else if (r === 1) {
      gauge.inc();
      if (s) s.value++;
    } else if (r === 2) {
      gauge.dec();
      if (s) s.value--;
    } else if (r === 3) {
      const v = prng.pick([0.5, -2, 1000]);
      gauge.add(v);
      if (s) s.value += v;
    } else {
      const v = prng.pick([0.5, 3]);
      gauge.sub(v);
      if (s) s.value -= v;
    }
  }

  view(): View {
    return this.prng.chance(0.4) ? this.views[0]! : this.prng.pick(this.views);
  }

  async step(): Promise<void> {
    const prng = this.prng;
    const r = prng.float();
    const view = this.view();
    if (r < 0.3) {
      // withLabelValues, then a write.
      const values = this.values(view);
      const child = view.vec.withLabelValues(...this.args(view, values));
      const s = this.model.ensure(values);
      this.write(child, s);
      if (prng.chance(0.1)) this.held.push({ child, values, id: s.id });
    } else if (r < 0.42) {
      const values = this.values(view);
      const child = view.vec.with(this.labels(view, values));
      const s = this.model.ensure(values);
      this.write(child, s);
    } else if (r < 0.5) {
      // A held child: its writes count while its series lives, and are lost once it was deleted.
      if (this.held.length === 0) return;
      const h = prng.pick(this.held);
      const s = this.model.get(h.values);
      const live = s !== undefined && s.id === h.id;
      this.write(h.child, live ? s : undefined);
      if (live) expect(h.child.get()).toBe(this.model.valueOf(s));
    } else if (r < 0.58) {
      // A lookup of a live series finds it, with its value.
      const s = this.model.random(prng);
      if (s === undefined) return;
      expect(this.vec.withLabelValues(...s.values).get(), JSON.stringify(s.values)).toBe(this.model.valueOf(s));
    } else if (r < 0.68) {
      const values = this.values(view);
      const expected = this.model.delete(values);
      expect(view.vec.deleteLabelValues(...this.args(view, values)), JSON.stringify(values)).toBe(expected);
    } else if (r < 0.73) {
      const values = this.values(view);
      const expected = this.model.delete(values);
      expect(view.vec.delete(this.labels(view, values)), JSON.stringify(values)).toBe(expected);
    } else if (r < 0.76) {
      this.deletePartialMatch(view);
    } else if (r < 0.78) {
      this.curry(view);
    } else if (r < 0.8) {
      this.errors(view);
    } else if (r < 0.803) {
      view.vec.reset();
      this.model.clear();
    } else if (r < 0.83) {
      await this.check();
    } else {
      // The most common case: an existing series, through the base vec.
      const s = this.model.random(prng);
      if (s === undefined) return;
      this.write(this.vec.withLabelValues(...s.values), s);
    }
  }

  deletePartialMatch(view: View): void {
    const prng = this.prng;
    const names = this.model.names;
    const source = this.model.random(prng)?.values ?? this.values(view);
    const indexes = prng.shuffle(names.map((_, i) => i)).slice(0, prng.range(1, Math.min(2, names.length)));
    const labels: Record<string, string> = {};
    for (const i of indexes) labels[names[i]!] = prng.chance(0.8) ? source[i]! : prng.pick(this.pools[i]!);
    let expected = 0;
    if (prng.chance(0.05)) {
      labels["no_such_label"] = "x";
    } else if (!indexes.some((i) => view.curried.has(i))) {
      for (const s of [...this.model.series.values()]) {
        if (indexes.every((i) => s.values[i] === labels[names[i]!])) {
          this.model.delete(s.values);
          expected++;
        }
      }
    }
    expect(view.vec.deletePartialMatch(labels), JSON.stringify(labels)).toBe(expected);
  }

  curry(view: View): void {
    const prng = this.prng;
    const free = this.model.names.map((_, i) => i).filter((i) => !view.curried.has(i));
    if (free.length === 0) return;
    const chosen = prng.shuffle(free).slice(0, prng.range(1, free.length));
    const labels: Record<string, string> = {};
    const curried = new Map(view.curried);
    for (const i of chosen) {
      const value = prng.pick(this.pools[i]!);
      labels[this.model.names[i]!] = value;
      curried.set(i, value);
    }
    const next: View = { vec: view.vec.mustCurryWith(labels), curried };
    if (this.views.length < 6) this.views.push(next);
    else this.views[prng.range(1, 5)] = next;
    // Currying a label twice fails.
    const [again, err] = next.vec.curryWith({ [this.model.names[chosen[0]!]!]: "x" });
    expect(again).toBeUndefined();
    expect(err).toBeInstanceOf(prom.LabelMismatchError);
  }

  errors(view: View): void {
    const prng = this.prng;
    const values = this.values(view);
    const args = this.args(view, values);
    const count = this.model.series.size;
    expect(() => view.vec.withLabelValues(...args, "extra")).toThrow(prom.InconsistentCardinalityError);
    expect(view.vec.deleteLabelValues(...args, "extra")).toBe(false);
    if (args.length > 0) {
      const bad = [...args];
      bad[prng.int(bad.length)] = prng.pick(invalidValues);
      expect(() => view.vec.withLabelValues(...bad)).toThrow(prom.InvalidLabelValueError);
      expect(view.vec.deleteLabelValues(...bad)).toBe(false);
    }
    expect(this.model.series.size).toBe(count);
  }

  /** bulkCreate adds n new series through the base vec. */
  bulkCreate(n: number): void {
    const prng = this.prng;
    const prefixes = ["", "é", 'a"', "日本", "\\", "😀", "a\n", "x".repeat(280)];
    for (let j = 0; j < n; j++) {
      const serial = this.#bulkSerial++;
      const values = this.model.names.map((_, i) =>
        i === 0 ? `${prefixes[serial % prefixes.length]}${serial}` : prng.chance(0.5) ? String(serial % 7) : prng.pick(this.pools[i]!),
      );
      const child = this.vec.withLabelValues(...values);
      this.write(child, this.model.ensure(values));
    }
  }

  /** bulkDelete deletes about `fraction` of the series, one by one. */
  bulkDelete(fraction: number): void {
    for (const s of [...this.model.series.values()]) {
      if (!this.prng.chance(fraction)) continue;
      this.model.delete(s.values);
      const labels = Object.fromEntries(this.model.names.map((n, i) => [n, s.values[i]!]));
      expect(this.prng.chance(0.5) ? this.vec.deleteLabelValues(...s.values) : this.vec.delete(labels)).toBe(true);
    }
  }

  equal(a: unknown, b: unknown): boolean {
    return JSON.stringify(a, (_, v: unknown) => (typeof v === "number" ? String(Object.is(v, -0) ? "-0" : v) : v)) ===
      JSON.stringify(b, (_, v: unknown) => (typeof v === "number" ? String(Object.is(v, -0) ? "-0" : v) : v));
  }

  /**
   * check gathers and compares the family with the model, as bytes (the transactional gather's
   * rows, written by the byte encoder) and as metrics (the plain gather's).
   */
  async check(): Promise<void> {
    this.checks++;
    const model = this.model;
    const { families: gathered, done } = await this.reg.transactionalGatherer().gather();
    let text: string;
    try {
      const rows = gathered.find((f) => f.name === this.name);
      if (model.series.size === 0) {
        expect(rows).toBeUndefined();
      } else {
        expect(rows !== undefined && isRowsFamily(rows)).toBe(true);
      }
      text = Buffer.concat([...textByteChunks(gathered.filter((f) => f.name === this.name))]).toString("utf8");
    } finally {
      done();
    }
    const families = await this.reg.gather();
    const family: MetricFamily | undefined = families.find((f) => f.name === this.name);
    if (model.series.size === 0) {
      expect(family).toBeUndefined();
      return;
    }
    expect(family).toBeDefined();
    const sorted = model.sorted();
    const rows = family!.metric.map((m) => [m.label.map((lp) => [lp.name, lp.value]), (m.gauge ?? m.counter)!.value]);
    const expectedRows = sorted.map((s) => [model.labelPairs(s), model.valueOf(s)]);
    // The first difference alone, for a readable failure.
    const first = rows.findIndex((row, i) => !this.equal(row, expectedRows[i]));
    if (first >= 0 || rows.length !== expectedRows.length) {
      const at = first >= 0 ? first : Math.min(rows.length, expectedRows.length);
      expect({ at, row: rows[at], count: rows.length }).toEqual({ at, row: expectedRows[at], count: expectedRows.length });
    }
    let expected = `# HELP ${this.name} ${this.help.replaceAll("\\", "\\\\")}\n# TYPE ${this.name} ${this.config.kind}\n`;
    for (const s of sorted) {
      const labels = model.labelPairs(s).map(([name, value]) => `${name}="${escapeLabelValue(value)}"`);
      expected += `${this.name}{${labels.join(",")}} ${formatFloat(model.valueOf(s))}\n`;
    }
    expect(text).toBe(expected);
  }
}

const runs: RunConfig[] = [
  { seed: 1, kind: "gauge", width: 1, constLabels: false, bulk: false, ops: 2500 },
  { seed: 2, kind: "counter", width: 2, constLabels: true, bulk: false, ops: 2500 },
  { seed: 3, kind: "gauge", width: 3, constLabels: false, bulk: true, ops: 1500 },
  { seed: 0xc0ffee, kind: "counter", width: 4, constLabels: true, bulk: true, ops: 1500 },
  { seed: 5, kind: "gauge", width: 2, constLabels: true, bulk: true, ops: 1500 },
  { seed: 6, kind: "counter", width: 1, constLabels: false, bulk: true, ops: 1500 },
  { seed: 7, kind: "gauge", width: 4, constLabels: false, bulk: false, ops: 2500 },
];

describe("a vec's series table against a model", () => {
  for (const config of runs) {
    const what = `${config.kind}, ${config.width} label(s)${config.constLabels ? " and const labels" : ""}${config.bulk ? ", bulk phases" : ""}`;
    it(`seed ${config.seed}: ${what}`, async () => {
      const h = new Harness(config);
      for (let op = 0; op < config.ops; op++) {
        if (config.bulk && op === Math.floor(config.ops / 4)) {
          h.bulkCreate(h.prng.range(2500, 4000));
          await h.check();
          h.bulkDelete(0.85);
          await h.check();
          h.bulkCreate(h.prng.range(2000, 3000)); // into reused slots, past a compacted arena
          await h.check();
        }
        if (config.bulk && op === Math.floor(config.ops / 2)) {
          h.bulkDelete(0.95);
          h.bulkCreate(1500);
          h.bulkDelete(0.5);
          await h.check();
        }
        await h.step();
      }
      await h.check();
      expect(h.checks).toBeGreaterThan(20);
    });
  }
});

describe("the gather order", () => {
  /** gathered returns the label values of the one family gathered, per series. */
  async function gathered(vec: Vec): Promise<string[][]> {
    const reg = prom.newRegistry();
    reg.mustRegister(vec);
    const [family] = await reg.gather();
    return family!.metric.map((m) => m.label.map((lp) => lp.value));
  }

  it("compares values as UTF-8 bytes, a value before those it is a prefix of", async () => {
    const order = [
      "",
      "\n",
      '"',
      "a",
      "a\n",
      "a\nb",
      "a!",
      'a"',
      "a#",
      "a[",
      "a\\",
      "a\\n",
      "a]",
      "an",
      "b",
      "e",
      "é",
      "日本",
      "\uE000",
      "\uFEFF",
      "\uFEFFx",
      "\uFFFF",
      "😀",
      "😀a",
    ];
    const vec = prom.newGaugeVec({ name: "order", help: "h" }, ["k"]);
    for (const v of [...order].reverse()) vec.withLabelValues(v).set(1);
    expect(await gathered(vec)).toEqual(order.map((v) => [v]));
  });

  it("compares value by value in label-name order, a shorter first value first", async () => {
    // Declared as [l, k]: the order is by k, then l.
    const vec = prom.newGaugeVec({ name: "order2", help: "h" }, ["l", "k"]);
    const expected = [
      ["a", ""],
      ["a", '"'],
      ["a", "z"],
      ["a!", "a"],
      ['a"', ""],
      ["a" + "x".repeat(300), ""],
      ["a" + "x".repeat(300) + "!", ""],
    ];
    for (const [k, l] of [...expected].reverse()) vec.withLabelValues(l!, k!).set(1);
    expect(await gathered(vec)).toEqual(expected);
  });
});

describe("lookups", () => {
  /** collisions finds `count` pairs of distinct values `k<i>` with the same hash. */
  function collisions(count: number): [string, string][] {
    const seen = new Map<number, string>();
    const pairs: [string, string][] = [];
    for (let i = 0; pairs.length < count && i < 2_000_000; i++) {
      const s = `k${i}`;
      const hash = hashValues([s]);
      const other = seen.get(hash);
      if (other === undefined) seen.set(hash, s);
      else pairs.push([other, s]);
    }
    return pairs;
  }

  it("tell apart series whose label values have the same hash", async () => {
    const pairs = collisions(10);
    expect(pairs).toHaveLength(10);
    for (const [a, b] of pairs) {
      expect(hashValues([a])).toBe(hashValues([b]));
      expect(hashValues([a, "y"])).toBe(hashValues([b, "y"]));
    }
    const one = prom.newGaugeVec({ name: "one", help: "h" }, ["k"]);
    const two = prom.newGaugeVec({ name: "two", help: "h" }, ["k", "l"]);
    const expected = new Map<string, number>();
    let n = 0;
    for (const [a, b] of pairs) {
      for (const v of [a, b]) {
        one.withLabelValues(v).set(++n);
        two.withLabelValues(v, "y").set(n);
        expected.set(v, n);
      }
      // Many other series in between, so that the index grows and probe runs get long.
      for (let i = 0; i < 500; i++) {
        one.withLabelValues(`f${n}_${i}`).set(-1);
        two.withLabelValues(`f${n}_${i}`, "y").set(-1);
      }
    }
    for (const [v, value] of expected) {
      expect(one.withLabelValues(v).get(), v).toBe(value);
      expect(two.withLabelValues(v, "y").get(), v).toBe(value);
    }
    // Delete the first of each pair (and many others): the second is still found.
    for (const [a, b] of pairs) {
      expect(one.deleteLabelValues(a)).toBe(true);
      expect(two.delete({ k: a, l: "y" })).toBe(true);
      expect(one.deleteLabelValues(a)).toBe(false);
      expect(one.withLabelValues(b).get()).toBe(expected.get(b));
      expect(two.withLabelValues(b, "y").get()).toBe(expected.get(b));
    }
    for (let i = 0; i < 500; i += 2) one.deletePartialMatch({ k: `f${expected.get(pairs[3]![1])}_${i}` });
    for (const [a, b] of pairs) {
      expect(one.withLabelValues(b).get()).toBe(expected.get(b));
      expect(one.withLabelValues(a).get()).toBe(0); // created anew
    }
    const reg = prom.newRegistry();
    reg.mustRegister(one);
    const [family] = await reg.gather();
    const values = new Map(family!.metric.map((m) => [m.label[0]!.value, m.gauge!.value]));
    expect(values.size).toBe(pairs.length * 2 + pairs.length * 500 - 250);
    for (const [a, b] of pairs) {
      expect(values.get(a)).toBe(0);
      expect(values.get(b)).toBe(expected.get(b));
    }
  });

  it("reject lone surrogates, which never match a series (not even that of U+FFFD)", async () => {
    const vec = prom.newGaugeVec({ name: "surrogates", help: "h" }, ["k"]);
    const pair = prom.newGaugeVec({ name: "surrogates_two", help: "h" }, ["k", "l"]);
    vec.withLabelValues("\ufffd").set(1);
    vec.withLabelValues("x\ufffd").set(2);
    vec.withLabelValues("\ufffd\ufffd").set(3);
    pair.withLabelValues("\ufffd", "a").set(4);
    for (const v of invalidValues) {
      expect(() => vec.withLabelValues(v), JSON.stringify(v)).toThrow(prom.InvalidLabelValueError);
      expect(() => vec.with({ k: v })).toThrow(prom.InvalidLabelValueError);
      expect(vec.getMetricWithLabelValues(v)[1]).toBeInstanceOf(prom.InvalidLabelValueError);
      expect(vec.curryWith({ k: v })[1]).toBeInstanceOf(prom.InvalidLabelValueError);
      expect(vec.deleteLabelValues(v)).toBe(false);
      expect(vec.delete({ k: v })).toBe(false);
      expect(vec.deletePartialMatch({ k: v })).toBe(0);
      expect(() => pair.withLabelValues(v, "a")).toThrow(prom.InvalidLabelValueError);
      expect(pair.deleteLabelValues(v, "a")).toBe(false);
    }
    const reg = prom.newRegistry();
    reg.mustRegister(vec, pair);
    const families = await reg.gather();
    const rows = families.map((f) => f.metric.map((m) => [m.label.map((lp) => lp.value), m.gauge!.value]));
    expect(rows).toEqual([
      [
        [["x\ufffd"], 2],
        [["\ufffd"], 1],
        [["\ufffd\ufffd"], 3],
      ],
      [[["\ufffd", "a"], 4]],
    ]);
  });
});

describe("a child whose series was deleted", () => {
  /** exported returns the value a gather exports for the series with this label value. */
  async function exported(reg: prom.Registry, value: string): Promise<number | undefined> {
    const families = await reg.gather();
    const m = families[0]?.metric.find((m) => m.label[0]!.value === value);
    return m === undefined ? undefined : (m.gauge ?? m.counter)!.value;
  }

  for (const kind of ["gauge", "counter"] as const) {
    const make = () => {
      const reg = prom.newRegistry();
      const vec: Vec = kind === "gauge" ? prom.newGaugeVec({ name: "held", help: "h" }, ["k"]) : prom.newCounterVec({ name: "held_total", help: "h" }, ["k"]);
      reg.mustRegister(vec);
      const bump = (c: Child, v: number) => (kind === "gauge" ? (c as prom.Gauge).add(v) : (c as prom.Counter).add(v));
      return { reg, vec, bump };
    };

    it(`${kind}: writes no longer reach the vec, and a new child starts from 0`, async () => {
      const { reg, vec, bump } = make();
      const held = vec.withLabelValues("a");
      bump(held, 5);
      vec.withLabelValues("other").inc();
      expect(await exported(reg, "a")).toBe(5);
      expect(vec.deleteLabelValues("a")).toBe(true);
      bump(held, 7);
      expect(await exported(reg, "a")).toBeUndefined();
      const fresh = vec.withLabelValues("a");
      expect(fresh.get()).toBe(0);
      bump(held, 1);
      expect(await exported(reg, "a")).toBe(0);
      bump(fresh, 2);
      expect(await exported(reg, "a")).toBe(2);
      expect(await exported(reg, "other")).toBe(1);
    });

    it(`${kind}: writes do not reach a series that took over the slot`, async () => {
      const { reg, vec, bump } = make();
      const held = [0, 1, 2, 3].map((i) => vec.withLabelValues(`h${i}`));
      held.forEach((c) => bump(c, 10));
      for (let i = 0; i < 4; i++) vec.deleteLabelValues(`h${i}`);
      expect(await exported(reg, "h0")).toBeUndefined(); // the gather frees the slots
      const taken = [0, 1, 2, 3].map((i) => vec.withLabelValues(`n${i}`));
      held.forEach((c) => bump(c, 100));
      taken.forEach((c) => expect(c.get()).toBe(0));
      for (let i = 0; i < 4; i++) {
        expect(await exported(reg, `n${i}`)).toBe(0);
        expect(await exported(reg, `h${i}`)).toBeUndefined();
      }
      expect(vec.withLabelValues("h0").get()).toBe(0);
    });

    it(`${kind}: writes after reset() reach nothing, and a new child starts from 0`, async () => {
      const { reg, vec, bump } = make();
      const held = vec.withLabelValues("a");
      bump(held, 3);
      vec.reset();
      bump(held, 4);
      expect(await reg.gather()).toEqual([]);
      const fresh = vec.withLabelValues("a");
      expect(fresh.get()).toBe(0);
      bump(held, 5);
      expect(await exported(reg, "a")).toBe(0);
      // The same through a curried view, whose reset resets the whole vec.
      const view = vec.mustCurryWith({ k: "b" });
      const viaView = view.withLabelValues();
      bump(viaView, 1);
      view.reset();
      bump(viaView, 1);
      expect(await reg.gather()).toEqual([]);
      expect(vec.withLabelValues("b").get()).toBe(0);
    });

    // In client_golang a held child is an object of its own that a delete only unlinks: it keeps
    // counting from its value whatever the vec does next. Here a child is a handle on a slot
    // (docs/go-to-typescript.md): it keeps the value it had as long as the slot was not given to
    // another series, and starts from zero when it was, or when the vec was reset. Either way,
    // nothing written to it is exported.
    it(`${kind}: keeps its value until its slot is reused, then starts from zero`, async () => {
      const { reg, vec, bump } = make();
      const deleted = vec.withLabelValues("deleted");
      bump(deleted, 2);
      vec.deleteLabelValues("deleted");
      bump(deleted, 1);
      const reused = vec.withLabelValues("reused");
      bump(reused, 2);
      vec.deleteLabelValues("reused");
      await reg.gather(); // frees the slot...
      vec.withLabelValues("taker"); // ...which this series takes
      bump(reused, 1);
      const reset = vec.withLabelValues("reset");
      bump(reset, 2);
      vec.reset();
      bump(reset, 1);
      expect([deleted.get(), reused.get(), reset.get()]).toEqual([3, 1, 1]);
      const exported = (await reg.gather())[0]?.metric.map((m) => m.label[0]!.value) ?? [];
      expect(exported).toEqual([]); // reset took "taker" too; the detached writes stay out
    });
  }
});

// Minimal cases of what the model runs above found (each failed before its fix).
describe("the table after deletes", () => {
  /** exposed returns the label values of the one family gathered, long ones shortened. */
  async function exposed(reg: prom.Registry): Promise<string[]> {
    const [family] = await reg.gather();
    return (family?.metric ?? []).map((m) => {
      const v = m.label[0]!.value;
      return v.length > 20 ? `${v.slice(0, 3)}…(${v.length})` : v;
    });
  }

  function gaugeVec(): { reg: prom.Registry; vec: prom.GaugeVec } {
    const reg = prom.newRegistry();
    const vec = prom.newGaugeVec({ name: "g", help: "h" }, ["k"]);
    reg.mustRegister(vec);
    return { reg, vec };
  }

  it("forgets a series created as the hash index grew, once it is deleted", async () => {
    const { reg, vec } = gaugeVec();
    // The ninth series makes the index grow (16 → 32 positions).
    for (let i = 0; i < 9; i++) vec.withLabelValues(`s${i}`).set(1);
    expect(vec.deleteLabelValues("s8")).toBe(true);
    expect(vec.deleteLabelValues("s8")).toBe(false);
    vec.withLabelValues("s8").set(5);
    const [family] = await reg.gather();
    expect(family!.metric.map((m) => `${m.label[0]!.value}=${m.gauge!.value}`)).toEqual([
      "s0=1",
      "s1=1",
      "s2=1",
      "s3=1",
      "s4=1",
      "s5=1",
      "s6=1",
      "s7=1",
      "s8=5",
    ]);
  });

  it("keeps a new series' label values whole when it reuses a slot and the arena is compacted", async () => {
    const { reg, vec } = gaugeVec();
    const long = "x".repeat(3000);
    const next = "y".repeat(2000);
    vec.withLabelValues(long).set(1);
    await reg.gather();
    vec.deleteLabelValues(long);
    vec.withLabelValues("a").set(2);
    await reg.gather(); // frees the long series' slot
    vec.withLabelValues(next).set(3); // takes that slot; its entry does not fit the arena
    expect(await exposed(reg)).toEqual(["a", "yyy…(2000)"]);
    expect(vec.withLabelValues(next).get()).toBe(3);
  });

  it("keeps the gather order when the arena is compacted between a delete and the gather", async () => {
    const { reg, vec } = gaugeVec();
    for (const k of ["a", "m", "zz", "n"]) vec.withLabelValues(k).set(1);
    expect(await exposed(reg)).toEqual(["a", "m", "n", "zz"]);
    vec.deleteLabelValues("m");
    vec.withLabelValues("p" + "x".repeat(2000)).set(1); // does not fit the arena: compacts it
    expect(await exposed(reg)).toEqual(["a", "n", "pxx…(2001)", "zz"]);
  });
});
