/**
 * The golden cases of spec/conformance/golden/INDEX.md, built with our API. Each builder makes
 * the registry the case describes; the spec compares what it gathers and encodes with the bytes
 * client_golang wrote.
 */
import * as prom from "../../lib/prometheus/index.js";
import { newExporter } from "../../lib/demo/exporter.js";

/** A collector with no descriptors (unchecked) that sends what `make` returns at each collect. */
export function unchecked(make: () => prom.Metric[]): prom.Collector {
  return {
    describe() {},
    collect(ch) {
      for (const m of make()) ch.send(m);
    },
  };
}

function gauge(name: string, help: string, value: number): prom.Gauge {
  const g = prom.newGauge({ name, help });
  g.set(value);
  return g;
}

/** The cases whose gather succeeds, by name. */
export const okCases: Record<string, () => prom.Registry> = {
  help_escaping() {
    const reg = prom.newRegistry();
    reg.mustRegister(
      gauge("help_escaping", 'a \\ backslash, a\nnewline, a "quote", a\ttab, a trailing backslash \\', 1),
    );
    return reg;
  },
  help_empty() {
    const reg = prom.newRegistry();
    reg.mustRegister(gauge("help_empty", "", 0));
    return reg;
  },
  label_escaping() {
    const reg = prom.newRegistry();
    const vec = prom.newGaugeVec({ name: "label_escaping", help: "label escaping" }, ["v"]);
    const values = ["a\\b", 'say "hi"', "line1\nline2", "tab\there", "trailing\\", "\\n literal backslash-n", ""];
    values.forEach((v, i) => vec.withLabelValues(v).set(i));
    reg.mustRegister(vec);
    return reg;
  },
  float_formatting() {
    const reg = prom.newRegistry();
    const vec = prom.newGaugeVec({ name: "float_formatting", help: "float formatting" }, ["i", "what"]);
    const values: [string, number][] = [
      ["zero", 0], ["neg_zero", -0], ["one", 1], ["minus_one", -1], ["zero_point_one", 0.1],
      ["1e-7", 1e-7], ["1e21", 1e21], ["123456789012345678", 123456789012345678], ["1.5e300", 1.5e300],
      ["NaN", NaN], ["+Inf", Infinity], ["-Inf", -Infinity], ["min_denormal_5e-324", 5e-324],
      ["denormal_1e-310", 1e-310], ["min_normal", 2.2250738585072014e-308], ["max_float", Number.MAX_VALUE],
      ["0.8", 0.8], ["2", 2], ["-2.5", -2.5], ["10", 10], ["100000", 100000], ["999999", 999999],
      ["1000000", 1000000], ["1234567", 1234567], ["0.0001", 0.0001], ["0.00001", 0.00001], ["1e20", 1e20],
      ["2^53", 2 ** 53], ["2^53+1(unrepresentable)", 2 ** 53 + 1],
      // Go folds the constant 0.1+0.2 exactly to 0.3; JavaScript adds at run time.
      ["0.1+0.2", 0.3], ["1/3", 1 / 3], ["-1e-7", -1e-7], ["123.456", 123.456], ["1e15", 1e15], ["1e16", 1e16],
    ];
    values.forEach(([what, v], i) => vec.withLabelValues(String(i).padStart(2, "0"), what).set(v));
    reg.mustRegister(vec);
    return reg;
  },
  types_basic() {
    const reg = prom.newRegistry();
    const requests = prom.newCounter({ name: "requests", help: "counter without _total" });
    requests.add(3);
    const requestsTotal = prom.newCounter({ name: "requests_total", help: "counter with _total" });
    requestsTotal.inc();
    const constDesc = prom.newDesc("const_untyped", "const untyped", ["l"], null);
    reg.mustRegister(
      requests,
      requestsTotal,
      gauge("temperature", "a gauge", -3.5),
      prom.newCounterFunc({ name: "counter_func_total", help: "counter func" }, () => 7),
      prom.newGaugeFunc({ name: "gauge_func", help: "gauge func" }, () => 0.5),
      prom.newUntypedFunc({ name: "untyped_func", help: "untyped func" }, () => 42),
      {
        describe: (ch) => void ch.send(constDesc),
        collect: (ch) => void ch.send(prom.mustNewConstMetric(constDesc, prom.UntypedValue, 1, "x")),
      },
    );
    return reg;
  },
  counter_zero() {
    const reg = prom.newRegistry();
    reg.mustRegister(
      prom.newCounter({ name: "fresh_total", help: "fresh counter" }),
      prom.newGauge({ name: "fresh_gauge", help: "fresh gauge" }),
    );
    return reg;
  },
  histogram_default_buckets() {
    const reg = prom.newRegistry();
    const h = prom.newHistogram({ name: "hist_default_seconds", help: "default buckets" });
    for (const v of [0.001, 0.005, 0.05, 0.3, 2, 20]) h.observe(v);
    reg.mustRegister(h);
    return reg;
  },
  histogram_custom_buckets() {
    const reg = prom.newRegistry();
    const vec = prom.newHistogramVec(
      { name: "hist_custom", help: "custom buckets", buckets: [-1, 0, 0.5, 1, Infinity], constLabels: { service: "svc" } },
      ["method"],
    );
    for (const v of [-2, -1, 0, 0.25, 0.5, 1, 2, 99.5]) vec.withLabelValues("get").observe(v);
    vec.withLabelValues("post").observe(0.5);
    reg.mustRegister(vec);
    return reg;
  },
  le_quantile_position() {
    const reg = prom.newRegistry();
    const hist = prom.newHistogramVec({ name: "pos_hist", help: "h", buckets: [1] }, ["zzz", "aaa"]);
    hist.withLabelValues("z", "a").observe(0.5);
    const summary = prom.newSummaryVec({ name: "pos_summary", help: "s", objectives: { 0.5: 0.05 } }, ["zzz", "aaa"]);
    summary.withLabelValues("z", "a").observe(3);
    reg.mustRegister(hist, summary);
    return reg;
  },
  summary_empty() {
    const reg = prom.newRegistry();
    const empty = prom.newSummary({ name: "summary_empty", help: "empty", objectives: { 0.5: 0.05, 0.99: 0.001 } });
    const noObjectives = prom.newSummaryVec({ name: "summary_noobj", help: "no objectives" }, ["op"]);
    noObjectives.withLabelValues("read").observe(2.5);
    reg.mustRegister(empty, noObjectives);
    return reg;
  },
  const_histogram() {
    const reg = prom.newRegistry();
    const desc = prom.newDesc("http_request_duration_seconds", "A histogram of the HTTP request durations.", ["code", "method"], {
      owner: "example",
    });
    reg.mustRegister({
      describe: (ch) => void ch.send(desc),
      collect: (ch) =>
        void ch.send(
          prom.mustNewConstHistogram(desc, 4711, 403.34, new Map([[25, 121], [50, 2403], [100, 3221], [200, 4233]]), "200", "get"),
        ),
    });
    return reg;
  },
  const_labels_and_var_labels() {
    const reg = prom.newRegistry();
    const desc = prom.newDesc("const_metric_labels", "const metric with const+var labels", ["n", "a"], { z: "zv", m: "mv" });
    const vec = prom.newGaugeVec({ name: "mixed_labels", help: "const+var labels", constLabels: { zone: "z1", app: "a" } }, [
      "b_var",
      "a_var",
    ]);
    vec.withLabelValues("B", "A").set(1);
    reg.mustRegister(vec, {
      describe: (ch) => void ch.send(desc),
      collect: (ch) => void ch.send(prom.mustNewConstMetric(desc, prom.GaugeValue, 5, "2", "1")),
    });
    return reg;
  },
  families_out_of_order() {
    const reg = prom.newRegistry();
    for (const name of ["zzz", "aaa", "AAA", "_under", "a_b", "a:b", "mmm", "a", "aa", "Zed", "a_b_c"]) {
      reg.mustRegister(gauge(name, `family ${name}`, 1));
    }
    return reg;
  },
  gaugevec_after_reset() {
    const reg = prom.newRegistry();
    const vec = prom.newGaugeVec({ name: "after_reset", help: "after reset" }, ["k"]);
    vec.withLabelValues("a").set(1);
    vec.withLabelValues("b").set(2);
    vec.withLabelValues("c").set(3);
    vec.reset();
    vec.withLabelValues("d").set(4);
    reg.mustRegister(vec);
    return reg;
  },
  empty_gaugevec() {
    const reg = prom.newRegistry();
    reg.mustRegister(prom.newGaugeVec({ name: "empty_vec", help: "never set" }, ["k"]), gauge("other_gauge", "present", 0));
    return reg;
  },
  timestamps() {
    const reg = prom.newRegistry();
    const desc = prom.newDesc("with_timestamp", "metric with timestamp", ["case"], null);
    const at = (t: number, value: number, label: string) =>
      prom.newMetricWithTimestamp(t, prom.mustNewConstMetric(desc, prom.GaugeValue, value, label));
    reg.mustRegister({
      describe: (ch) => void ch.send(desc),
      collect(ch) {
        ch.send(at(1600000000123.456, 1, "a_ns_truncated"));
        ch.send(at(0, 2, "b_epoch"));
        ch.send(at(new Date(-1000).getTime(), 3, "c_negative"));
        ch.send(at(1000.999, 4, "d_sub_ms"));
        ch.send(prom.mustNewConstMetric(desc, prom.GaugeValue, 5, "e_none"));
      },
    });
    return reg;
  },
  build_fqname_namespace_subsystem() {
    const reg = prom.newRegistry();
    reg.mustRegister(
      prom.newGauge({ namespace: "ns", subsystem: "sub", name: "name", help: "fq" }),
      prom.newGauge({ subsystem: "sub", name: "only_sub", help: "fq" }),
    );
    return reg;
  },
  demo_once() {
    const reg = prom.newRegistry();
    reg.mustRegister(newExporter(undefined, { host: "localhost" }));
    return reg;
  },
};

/** The cases where gather fails: the registry, and whether it is pedantic. */
export const gatherErrorCases: Record<string, () => prom.Registry> = {
  err_same_series_two_collectors() {
    const reg = prom.newRegistry();
    const desc = prom.newDesc("same_series", "same series", ["k"], null);
    const same = () => [prom.mustNewConstMetric(desc, prom.GaugeValue, 1, "v")];
    reg.mustRegister(prom.newGauge({ name: "ok_gauge", help: "ok" }), unchecked(same), unchecked(same));
    return reg;
  },
  err_help_inconsistent_gather() {
    const reg = prom.newRegistry();
    const one = prom.newDesc("help_clash", "help one", ["c"], null);
    const two = prom.newDesc("help_clash", "help two", ["c"], null);
    reg.mustRegister(
      unchecked(() => [prom.mustNewConstMetric(one, prom.GaugeValue, 1, "1")]),
      unchecked(() => [prom.mustNewConstMetric(two, prom.GaugeValue, 2, "2")]),
    );
    return reg;
  },
  err_pedantic_undescribed() {
    const reg = prom.newPedanticRegistry();
    const described = prom.newDesc("described_metric", "described", null, null);
    const undescribed = prom.newDesc("undescribed_metric", "not described", null, null);
    reg.mustRegister({
      describe: (ch) => void ch.send(described),
      collect(ch) {
        ch.send(prom.mustNewConstMetric(described, prom.GaugeValue, 1));
        ch.send(prom.mustNewConstMetric(undescribed, prom.GaugeValue, 2));
      },
    });
    return reg;
  },
  err_type_inconsistent_gather() {
    const reg = prom.newRegistry();
    const desc = prom.newDesc("type_clash", "h", ["c"], null);
    reg.mustRegister(
      unchecked(() => [
        prom.mustNewConstMetric(desc, prom.GaugeValue, 1, "1"),
        prom.mustNewConstMetric(desc, prom.CounterValue, 2, "2"),
      ]),
    );
    return reg;
  },
};
