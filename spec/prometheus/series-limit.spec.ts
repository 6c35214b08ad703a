/**
 * Series limits (series-limit.ts): a limited vec never holds more than `maxSeries` series, what it
 * turns away lands in its one overflow series and in the self-metric, deletions make room, and
 * counters never go down. The fuzzed stream checks every step against a model of the rules.
 */
import { describe, expect, it } from "vitest";
import { metricFamiliesToText } from "../../lib/expfmt/text.js";
import { newCounterVec } from "../../lib/prometheus/counter.js";
import { InvalidOptionsError } from "../../lib/prometheus/errors.js";
import { type Gauge, newGaugeVec } from "../../lib/prometheus/gauge.js";
import { newHistogramVec } from "../../lib/prometheus/histogram.js";
import type { Metric } from "../../lib/prometheus/metric.js";
import { newRegistry, Registry } from "../../lib/prometheus/registry.js";
import {
  newSeriesLimitCollector,
  overflowLabelValue,
  SeriesLimitError,
  seriesTurnedAway,
} from "../../lib/prometheus/series-limit.js";
import { newSummaryVec } from "../../lib/prometheus/summary.js";
import { newUntypedVec } from "../../lib/prometheus/untyped.js";
import type { MetricVec } from "../../lib/prometheus/vec.js";
import { wrapRegistererWith } from "../../lib/prometheus/wrap.js";
import { Prng } from "../support/prng.js";

/**
 * series collects a vec and returns each series' label values (joined by ",", in the order of the
 * label names, sorted) and its value (a histogram's or summary's count).
 */
function series(vec: MetricVec<Metric>): Map<string, number> {
  const out = new Map<string, number>();
  vec.collect({
    send: (m) => {
      const d = m.write();
      const value = d.counter?.value ?? d.gauge?.value ?? d.untyped?.value ?? d.histogram?.sampleCount ?? d.summary?.sampleCount;
      out.set(d.label.map((l) => l.value).join(","), value!);
    },
  });
  return out;
}

const OVERFLOW2 = `${overflowLabelValue},${overflowLabelValue}`;

describe("a vec with a series limit", () => {
  it("sends new label sets to one overflow series once full, counting each", () => {
    const vec = newCounterVec({ name: "limit_basic_total", help: "h", maxSeries: 3 }, ["path", "code"]);
    vec.withLabelValues("/a", "200").inc();
    vec.withLabelValues("/b", "200").inc();
    // Two own label sets, and the third place kept for the overflow series.
    vec.withLabelValues("/c", "200").inc();
    vec.withLabelValues("/d", "500").add(2);
    vec.with({ path: "/a", code: "200" }).inc(); // existing: still its own series
    expect(Object.fromEntries(series(vec))).toEqual({ "200,/a": 2, "200,/b": 1, [OVERFLOW2]: 3 });
    expect(seriesTurnedAway("limit_basic_total")).toBe(2);
  });

  it("getMetricWith… return a SeriesLimitError that carries the overflow series; with… do not throw", () => {
    const vec = newGaugeVec({ name: "limit_strict", help: "h", maxSeries: 2 }, ["user"]);
    const [first, err1] = vec.getMetricWithLabelValues("alice");
    expect(err1).toBeUndefined();
    first!.set(1);
    const [none, err] = vec.getMetricWithLabelValues("bob");
    expect(none).toBeUndefined();
    expect(err).toBeInstanceOf(SeriesLimitError);
    const limitErr = err as SeriesLimitError<Gauge>;
    expect(limitErr.maxSeries).toBe(2);
    expect(limitErr.labelValues).toEqual(["bob"]);
    expect(limitErr.message).toBe(
      'series limit reached: metric "limit_strict" with variable labels [user] holds 2 series (maxSeries 2); ' +
        'label values ["bob"] go to its overflow series',
    );
    limitErr.overflow.set(7);
    expect(vec.withLabelValues(overflowLabelValue).get()).toBe(7);
    const [, err2] = vec.getMetricWith({ user: "carol" });
    expect(err2).toBeInstanceOf(SeriesLimitError);
    expect(() => vec.withLabelValues("dave").inc()).not.toThrow();
    expect(seriesTurnedAway("limit_strict")).toBe(3);
    // The label set turned away is not held: the error path does not make a series for it.
    expect([...series(vec).keys()].sort()).toEqual([overflowLabelValue, "alice"]);
    // The strict mode ends with the call.
    expect(() => vec.withLabelValues("erin")).not.toThrow();
  });

  it("deleting series makes room again, and the overflow series only grows", () => {
    const vec = newCounterVec({ name: "limit_delete_total", help: "h", maxSeries: 3 }, ["k"]);
    vec.withLabelValues("a").inc();
    vec.withLabelValues("b").inc();
    vec.withLabelValues("c").inc(); // overflow
    expect(vec.deleteLabelValues("a")).toBe(true);
    vec.withLabelValues("c").inc(); // room again: c is its own series now
    vec.withLabelValues("d").inc(); // full again (b, c, overflow)
    expect(Object.fromEntries(series(vec))).toEqual({ b: 1, c: 1, [overflowLabelValue]: 2 });
    expect(vec.deletePartialMatch({ k: "b" })).toBe(1);
    vec.withLabelValues("e").inc();
    expect(Object.fromEntries(series(vec))).toEqual({ c: 1, e: 1, [overflowLabelValue]: 2 });
  });

  it("writing __overflow__ in every label is the overflow series, not another one", () => {
    const vec = newCounterVec({ name: "limit_collide_total", help: "h", maxSeries: 2 }, ["a", "b"]);
    vec.withLabelValues(overflowLabelValue, overflowLabelValue).inc();
    vec.withLabelValues("x", "y").inc();
    vec.withLabelValues("z", "w").inc(); // turned away, to the same series
    expect(Object.fromEntries(series(vec))).toEqual({ [OVERFLOW2]: 2, "x,y": 1 });
  });

  it("curried views share the limit and the one overflow series, curried labels included", () => {
    const vec = newCounterVec({ name: "limit_curry_total", help: "h", maxSeries: 3 }, ["code", "method"]);
    const get = vec.mustCurryWith({ method: "GET" });
    const post = vec.mustCurryWith({ method: "POST" });
    get.withLabelValues("200").inc();
    post.withLabelValues("200").inc();
    get.withLabelValues("404").inc();
    post.withLabelValues("500").inc();
    expect(Object.fromEntries(series(vec))).toEqual({ "200,GET": 1, "200,POST": 1, [OVERFLOW2]: 2 });
  });

  it("works for every vec type, and the exposition shows the overflow series and the self-metric", async () => {
    const registry = newRegistry();
    const histograms = newHistogramVec({ name: "limit_h_seconds", help: "h", buckets: [1], maxSeries: 2 }, ["p"]);
    const summaries = newSummaryVec({ name: "limit_s_seconds", help: "h", maxSeries: 2 }, ["p"]);
    const untyped = newUntypedVec({ name: "limit_u", help: "h", maxSeries: 2 }, ["p"]);
    registry.mustRegister(histograms, summaries, untyped, newSeriesLimitCollector());
    for (const p of ["a", "b", "c"]) {
      histograms.withLabelValues(p).observe(0.5);
      summaries.withLabelValues(p).observe(0.5);
      untyped.withLabelValues(p).set(1);
    }
    expect(series(histograms)).toEqual(new Map([["a", 1], [overflowLabelValue, 2]]));
    expect(series(summaries)).toEqual(new Map([["a", 1], [overflowLabelValue, 2]]));
    expect(series(untyped)).toEqual(new Map([["a", 1], [overflowLabelValue, 1]]));
    const text = metricFamiliesToText(await registry.gather());
    expect(text).toContain(`limit_h_seconds_count{p="${overflowLabelValue}"} 2\n`);
    expect(text).toContain(`limit_u{p="${overflowLabelValue}"} 1\n`);
    expect(text).toContain(
      "# HELP prometheus_vec_series_overflow_total Label sets that vecs with a series limit turned away to their overflow series, by metric name.\n" +
        "# TYPE prometheus_vec_series_overflow_total counter\n",
    );
    // Other specs of this file limited other names; these three turned away two label sets each (b and c).
    expect(text).toContain('prometheus_vec_series_overflow_total{name="limit_h_seconds"} 2\n');
    expect(text).toContain('prometheus_vec_series_overflow_total{name="limit_s_seconds"} 2\n');
    expect(text).toContain('prometheus_vec_series_overflow_total{name="limit_u"} 2\n');
  });

  it("rejects a limit that is not a positive integer or Infinity", () => {
    for (const bad of [0, -1, 1.5, Number.NaN, "10" as unknown as number]) {
      expect(() => newCounterVec({ name: "limit_bad_total", help: "h", maxSeries: bad }, ["k"])).toThrow(InvalidOptionsError);
      expect(() => new Registry({ maxSeries: bad })).toThrow(InvalidOptionsError);
    }
    expect(() => newCounterVec({ name: "limit_bad_total", help: "h", maxSeries: 0 }, ["k"])).toThrow(
      'maxSeries of metric "limit_bad_total" must be a positive integer, got 0',
    );
  });
});

describe("a registry's series limit", () => {
  it("reaches vecs made before registration, directly or through a wrapping registerer", () => {
    const registry = newRegistry({ maxSeries: 2 });
    const plain = newCounterVec({ name: "limit_reg_plain_total", help: "h" }, ["k"]);
    const wrapped = newCounterVec({ name: "limit_reg_wrapped_total", help: "h" }, ["k"]);
    registry.mustRegister(plain);
    wrapRegistererWith({ job: "x" }, registry).mustRegister(wrapped);
    for (const vec of [plain, wrapped]) for (const k of ["a", "b", "c"]) vec.withLabelValues(k).inc();
    expect(series(plain)).toEqual(new Map([["a", 1], [overflowLabelValue, 2]]));
    expect(series(wrapped)).toEqual(new Map([["a", 1], [overflowLabelValue, 2]]));
  });

  it("leaves a vec's own limit, and Infinity, alone", () => {
    const registry = newRegistry({ maxSeries: 2 });
    const own = newCounterVec({ name: "limit_reg_own_total", help: "h", maxSeries: 4 }, ["k"]);
    const unlimited = newCounterVec({ name: "limit_reg_inf_total", help: "h", maxSeries: Infinity }, ["k"]);
    registry.mustRegister(own, unlimited);
    for (const k of ["a", "b", "c", "d", "e"]) {
      own.withLabelValues(k).inc();
      unlimited.withLabelValues(k).inc();
    }
    expect(series(own).size).toBe(4);
    expect(series(unlimited).size).toBe(5);
  });

  it("deletes nothing from a vec that already holds more series; it turns new label sets away", () => {
    const vec = newCounterVec({ name: "limit_reg_late_total", help: "h" }, ["k"]);
    for (const k of ["a", "b", "c"]) vec.withLabelValues(k).inc();
    newRegistry({ maxSeries: 2 }).mustRegister(vec);
    vec.withLabelValues("d").inc();
    expect(Object.fromEntries(series(vec))).toEqual({ a: 1, b: 1, c: 1, [overflowLabelValue]: 1 });
  });
});

describe("a fuzzed stream of label sets, with deletions", () => {
  for (const seed of [1, 2, 3, 42, 1234]) {
    it(`never exceeds the limit; overflow and self-metric add up to what was turned away (seed ${seed})`, () => {
      const prng = new Prng(seed);
      const max = prng.range(1, 20);
      const name = `limit_fuzz_${seed}_total`;
      const vec = newCounterVec({ name, help: "h", maxSeries: max }, ["user", "path"]);
      const turnedAwayBefore = seriesTurnedAway(name);
      // The model: what each own series holds, and what went to the overflow series.
      const own = new Map<string, number>();
      let overflowLive = false;
      let overflowValue = 0;
      let turned = 0;
      for (let step = 0; step < 3000; step++) {
        const user = `u${prng.int(40)}`;
        const path = `/p${prng.int(5)}`;
        const key = `${path},${user}`; // label names sorted: path, user
        const op = prng.int(20);
        if (op === 0) {
          expect(vec.deleteLabelValues(user, path)).toBe(own.delete(key));
        } else if (op === 1) {
          const n = vec.deletePartialMatch({ path });
          let expected = 0;
          for (const k of [...own.keys()]) if (k.startsWith(`${path},`)) (own.delete(k), expected++);
          expect(n).toBe(expected);
        } else {
          const by = prng.range(1, 3);
          if (op === 2) {
            const [c, err] = vec.getMetricWithLabelValues(user, path);
            (c ?? (err as SeriesLimitError<typeof c & object>).overflow).add(by);
          } else {
            vec.withLabelValues(user, path).add(by);
          }
          const seriesNow = own.size + (overflowLive ? 1 : 0);
          if (own.has(key)) own.set(key, own.get(key)! + by);
          else if (seriesNow + (overflowLive ? 0 : 1) < max) own.set(key, by);
          else {
            overflowLive = true;
            overflowValue += by;
            turned++;
          }
        }
        const now = series(vec);
        expect(now.size).toBeLessThanOrEqual(max);
        const overflow = now.get(`${overflowLabelValue},${overflowLabelValue}`);
        expect(overflow ?? 0).toBe(overflowValue); // only grows
        now.delete(`${overflowLabelValue},${overflowLabelValue}`);
        expect(Object.fromEntries(now)).toEqual(Object.fromEntries(own));
      }
      expect(seriesTurnedAway(name) - turnedAwayBefore).toBe(turned);
      expect(turned).toBeGreaterThan(0); // the stream did fill the vec
    });
  }
});
