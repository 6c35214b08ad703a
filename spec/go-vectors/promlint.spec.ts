/**
 * client_golang 1.14, prometheus/testutil/promlint/promlint_test.go: all 8 tests, 75 cases, run
 * against lintText (and, for each, against `demo-exporter lint`, whose lines must be the same).
 *
 * The table tests are copied as data (name, input, expected problems); the generated ones
 * (TestLintMetricTypeInName, TestLintUnitAbbreviations) keep Go's generator. Go's runTests sorts
 * nothing and compares with reflect.DeepEqual; our linter returns problems sorted by metric and
 * text, as promtool prints them, so both sides are sorted before comparing.
 *
 * Before issue 15, the 7 cases of TestLintMetricTypeInName, TestLintReservedChars and
 * TestLintCamelCase that put a histogram sample without `le` failed here with a parse error.
 */
import { Readable } from "node:stream";

import { describe, expect, it } from "vitest";

import { formatProblem, lintText, type Problem, runLint } from "../../lib/testutil/index.js";

interface Case {
  name: string;
  in: string;
  problems: Problem[];
}

const tables: Record<string, Case[]> = {
  TestLintNoHelpText: [
    { name: "no help", in: "\n# TYPE go_goroutines gauge\ngo_goroutines 24\n", problems: [{ metric: "go_goroutines", text: "no help text" }] },
    { name: "empty help", in: "\n# HELP go_goroutines\n# TYPE go_goroutines gauge\ngo_goroutines 24\n", problems: [{ metric: "go_goroutines", text: "no help text" }] },
    { name: "no help and empty help", in: "\n# HELP go_goroutines\n# TYPE go_goroutines gauge\ngo_goroutines 24\n# TYPE go_threads gauge\ngo_threads 10\n", problems: [{ metric: "go_goroutines", text: "no help text" }, { metric: "go_threads", text: "no help text" }] },
    { name: "OK", in: "\n# HELP go_goroutines Number of goroutines that currently exist.\n# TYPE go_goroutines gauge\ngo_goroutines 24\n", problems: [] },
  ],
  TestLintMetricUnits: [
    { name: "amperes", in: "\n# HELP x_amperes Test metric.\n# TYPE x_amperes untyped\nx_amperes 10\n", problems: [] },
    { name: "bytes", in: "\n# HELP x_bytes Test metric.\n# TYPE x_bytes untyped\nx_bytes 10\n", problems: [] },
    { name: "grams", in: "\n# HELP x_grams Test metric.\n# TYPE x_grams untyped\nx_grams 10\n", problems: [] },
    { name: "celsius", in: "\n# HELP x_celsius Test metric.\n# TYPE x_celsius untyped\nx_celsius 10\n", problems: [] },
    { name: "meters", in: "\n# HELP x_meters Test metric.\n# TYPE x_meters untyped\nx_meters 10\n", problems: [] },
    { name: "metres", in: "\n# HELP x_metres Test metric.\n# TYPE x_metres untyped\nx_metres 10\n", problems: [] },
    { name: "moles", in: "\n# HELP x_moles Test metric.\n# TYPE x_moles untyped\nx_moles 10\n", problems: [] },
    { name: "seconds", in: "\n# HELP x_seconds Test metric.\n# TYPE x_seconds untyped\nx_seconds 10\n", problems: [] },
    { name: "joules", in: "\n# HELP x_joules Test metric.\n# TYPE x_joules untyped\nx_joules 10\n", problems: [] },
    { name: "kelvin", in: "\n# HELP x_kelvin Test metric.\n# TYPE x_kelvin untyped\nx_kelvin 10\n", problems: [] },
    { name: "milliamperes", in: "\n# HELP x_milliamperes Test metric.\n# TYPE x_milliamperes untyped\nx_milliamperes 10\n", problems: [{ metric: "x_milliamperes", text: "use base unit \"amperes\" instead of \"milliamperes\"" }] },
    { name: "gigabytes", in: "\n# HELP x_gigabytes Test metric.\n# TYPE x_gigabytes untyped\nx_gigabytes 10\n", problems: [{ metric: "x_gigabytes", text: "use base unit \"bytes\" instead of \"gigabytes\"" }] },
    { name: "kilograms", in: "\n# HELP x_kilograms Test metric.\n# TYPE x_kilograms untyped\nx_kilograms 10\n", problems: [{ metric: "x_kilograms", text: "use base unit \"grams\" instead of \"kilograms\"" }] },
    { name: "nanocelsius", in: "\n# HELP x_nanocelsius Test metric.\n# TYPE x_nanocelsius untyped\nx_nanocelsius 10\n", problems: [{ metric: "x_nanocelsius", text: "use base unit \"celsius\" instead of \"nanocelsius\"" }] },
    { name: "kilometers", in: "\n# HELP x_kilometers Test metric.\n# TYPE x_kilometers untyped\nx_kilometers 10\n", problems: [{ metric: "x_kilometers", text: "use base unit \"meters\" instead of \"kilometers\"" }] },
    { name: "picometers", in: "\n# HELP x_picometers Test metric.\n# TYPE x_picometers untyped\nx_picometers 10\n", problems: [{ metric: "x_picometers", text: "use base unit \"meters\" instead of \"picometers\"" }] },
    { name: "microseconds", in: "\n# HELP x_microseconds Test metric.\n# TYPE x_microseconds untyped\nx_microseconds 10\n", problems: [{ metric: "x_microseconds", text: "use base unit \"seconds\" instead of \"microseconds\"" }] },
    { name: "minutes", in: "\n# HELP x_minutes Test metric.\n# TYPE x_minutes untyped\nx_minutes 10\n", problems: [{ metric: "x_minutes", text: "use base unit \"seconds\" instead of \"minutes\"" }] },
    { name: "hours", in: "\n# HELP x_hours Test metric.\n# TYPE x_hours untyped\nx_hours 10\n", problems: [{ metric: "x_hours", text: "use base unit \"seconds\" instead of \"hours\"" }] },
    { name: "days", in: "\n# HELP x_days Test metric.\n# TYPE x_days untyped\nx_days 10\n", problems: [{ metric: "x_days", text: "use base unit \"seconds\" instead of \"days\"" }] },
    { name: "kelvins", in: "\n# HELP x_kelvins Test metric.\n# TYPE x_kelvins untyped\nx_kelvins 10\n", problems: [{ metric: "x_kelvins", text: "use base unit \"kelvin\" instead of \"kelvins\"" }] },
    { name: "fahrenheit", in: "\n# HELP thermometers_fahrenheit Test metric.\n# TYPE thermometers_fahrenheit untyped\nthermometers_fahrenheit 10\n", problems: [{ metric: "thermometers_fahrenheit", text: "use base unit \"celsius\" instead of \"fahrenheit\"" }] },
    { name: "rankine", in: "\n# HELP thermometers_rankine Test metric.\n# TYPE thermometers_rankine untyped\nthermometers_rankine 10\n", problems: [{ metric: "thermometers_rankine", text: "use base unit \"celsius\" instead of \"rankine\"" }] },
    { name: "inches", in: "\n# HELP x_inches Test metric.\n# TYPE x_inches untyped\nx_inches 10\n", problems: [{ metric: "x_inches", text: "use base unit \"meters\" instead of \"inches\"" }] },
    { name: "yards", in: "\n# HELP x_yards Test metric.\n# TYPE x_yards untyped\nx_yards 10\n", problems: [{ metric: "x_yards", text: "use base unit \"meters\" instead of \"yards\"" }] },
    { name: "miles", in: "\n# HELP x_miles Test metric.\n# TYPE x_miles untyped\nx_miles 10\n", problems: [{ metric: "x_miles", text: "use base unit \"meters\" instead of \"miles\"" }] },
    { name: "bits", in: "\n# HELP x_bits Test metric.\n# TYPE x_bits untyped\nx_bits 10\n", problems: [{ metric: "x_bits", text: "use base unit \"bytes\" instead of \"bits\"" }] },
    { name: "calories", in: "\n# HELP x_calories Test metric.\n# TYPE x_calories untyped\nx_calories 10\n", problems: [{ metric: "x_calories", text: "use base unit \"joules\" instead of \"calories\"" }] },
    { name: "pounds", in: "\n# HELP x_pounds Test metric.\n# TYPE x_pounds untyped\nx_pounds 10\n", problems: [{ metric: "x_pounds", text: "use base unit \"grams\" instead of \"pounds\"" }] },
    { name: "ounces", in: "\n# HELP x_ounces Test metric.\n# TYPE x_ounces untyped\nx_ounces 10\n", problems: [{ metric: "x_ounces", text: "use base unit \"grams\" instead of \"ounces\"" }] },
  ],
  TestLintCounter: [
    { name: "counter without _total suffix", in: "\n# HELP x_bytes Test metric.\n# TYPE x_bytes counter\nx_bytes 10\n", problems: [{ metric: "x_bytes", text: "counter metrics should have \"_total\" suffix" }] },
    { name: "gauge with _total suffix", in: "\n# HELP x_bytes_total Test metric.\n# TYPE x_bytes_total gauge\nx_bytes_total 10\n", problems: [{ metric: "x_bytes_total", text: "non-counter metrics should not have \"_total\" suffix" }] },
    { name: "counter with _total suffix", in: "\n# HELP x_bytes_total Test metric.\n# TYPE x_bytes_total counter\nx_bytes_total 10\n", problems: [] },
    { name: "gauge without _total suffix", in: "\n# HELP x_bytes Test metric.\n# TYPE x_bytes gauge\nx_bytes 10\n", problems: [] },
    { name: "untyped with _total suffix", in: "\n# HELP x_bytes_total Test metric.\n# TYPE x_bytes_total untyped\nx_bytes_total 10\n", problems: [] },
    { name: "untyped without _total suffix", in: "\n# HELP x_bytes Test metric.\n# TYPE x_bytes untyped\nx_bytes 10\n", problems: [] },
  ],
  TestLintHistogramSummaryReserved: [
    { name: "gauge with _bucket suffix", in: "\n# HELP x_bytes_bucket Test metric.\n# TYPE x_bytes_bucket gauge\nx_bytes_bucket 10\n", problems: [{ metric: "x_bytes_bucket", text: "non-histogram metrics should not have \"_bucket\" suffix" }] },
    { name: "gauge with _count suffix", in: "\n# HELP x_bytes_count Test metric.\n# TYPE x_bytes_count gauge\nx_bytes_count 10\n", problems: [{ metric: "x_bytes_count", text: "non-histogram and non-summary metrics should not have \"_count\" suffix" }] },
    { name: "gauge with _sum suffix", in: "\n# HELP x_bytes_sum Test metric.\n# TYPE x_bytes_sum gauge\nx_bytes_sum 10\n", problems: [{ metric: "x_bytes_sum", text: "non-histogram and non-summary metrics should not have \"_sum\" suffix" }] },
    { name: "gauge with le label", in: "\n# HELP x_bytes Test metric.\n# TYPE x_bytes gauge\nx_bytes{le=\"1\"} 10\n", problems: [{ metric: "x_bytes", text: "non-histogram metrics should not have \"le\" label" }] },
    { name: "gauge with quantile label", in: "\n# HELP x_bytes Test metric.\n# TYPE x_bytes gauge\nx_bytes{quantile=\"1\"} 10\n", problems: [{ metric: "x_bytes", text: "non-summary metrics should not have \"quantile\" label" }] },
    { name: "histogram with quantile label", in: "\n# HELP tsdb_compaction_duration Duration of compaction runs.\n# TYPE tsdb_compaction_duration histogram\ntsdb_compaction_duration_bucket{le=\"0.005\",quantile=\"0.01\"} 0\ntsdb_compaction_duration_bucket{le=\"0.01\",quantile=\"0.01\"} 0\ntsdb_compaction_duration_bucket{le=\"0.025\",quantile=\"0.01\"} 0\ntsdb_compaction_duration_bucket{le=\"0.05\",quantile=\"0.01\"} 0\ntsdb_compaction_duration_bucket{le=\"0.1\",quantile=\"0.01\"} 0\ntsdb_compaction_duration_bucket{le=\"0.25\",quantile=\"0.01\"} 0\ntsdb_compaction_duration_bucket{le=\"0.5\",quantile=\"0.01\"} 57\ntsdb_compaction_duration_bucket{le=\"1\",quantile=\"0.01\"} 68\ntsdb_compaction_duration_bucket{le=\"2.5\",quantile=\"0.01\"} 69\ntsdb_compaction_duration_bucket{le=\"5\",quantile=\"0.01\"} 69\ntsdb_compaction_duration_bucket{le=\"10\",quantile=\"0.01\"} 69\ntsdb_compaction_duration_bucket{le=\"+Inf\",quantile=\"0.01\"} 69\ntsdb_compaction_duration_sum 28.740810936000006\ntsdb_compaction_duration_count 69\n", problems: [{ metric: "tsdb_compaction_duration", text: "non-summary metrics should not have \"quantile\" label" }] },
    { name: "summary with le label", in: "\n# HELP go_gc_duration_seconds A summary of the GC invocation durations.\n# TYPE go_gc_duration_seconds summary\ngo_gc_duration_seconds{quantile=\"0\",le=\"0.01\"} 4.2365e-05\ngo_gc_duration_seconds{quantile=\"0.25\",le=\"0.01\"} 8.1492e-05\ngo_gc_duration_seconds{quantile=\"0.5\",le=\"0.01\"} 0.000100656\ngo_gc_duration_seconds{quantile=\"0.75\",le=\"0.01\"} 0.000113913\ngo_gc_duration_seconds{quantile=\"1\",le=\"0.01\"} 0.021754305\ngo_gc_duration_seconds_sum 1.769429004\ngo_gc_duration_seconds_count 5962\n", problems: [{ metric: "go_gc_duration_seconds", text: "non-histogram metrics should not have \"le\" label" }] },
    { name: "histogram OK", in: "\n# HELP tsdb_compaction_duration Duration of compaction runs.\n# TYPE tsdb_compaction_duration histogram\ntsdb_compaction_duration_bucket{le=\"0.005\"} 0\ntsdb_compaction_duration_bucket{le=\"0.01\"} 0\ntsdb_compaction_duration_bucket{le=\"0.025\"} 0\ntsdb_compaction_duration_bucket{le=\"0.05\"} 0\ntsdb_compaction_duration_bucket{le=\"0.1\"} 0\ntsdb_compaction_duration_bucket{le=\"0.25\"} 0\ntsdb_compaction_duration_bucket{le=\"0.5\"} 57\ntsdb_compaction_duration_bucket{le=\"1\"} 68\ntsdb_compaction_duration_bucket{le=\"2.5\"} 69\ntsdb_compaction_duration_bucket{le=\"5\"} 69\ntsdb_compaction_duration_bucket{le=\"10\"} 69\ntsdb_compaction_duration_bucket{le=\"+Inf\"} 69\ntsdb_compaction_duration_sum 28.740810936000006\ntsdb_compaction_duration_count 69\n", problems: [] },
    { name: "summary OK", in: "\n# HELP go_gc_duration_seconds A summary of the GC invocation durations.\n# TYPE go_gc_duration_seconds summary\ngo_gc_duration_seconds{quantile=\"0\"} 4.2365e-05\ngo_gc_duration_seconds{quantile=\"0.25\"} 8.1492e-05\ngo_gc_duration_seconds{quantile=\"0.5\"} 0.000100656\ngo_gc_duration_seconds{quantile=\"0.75\"} 0.000113913\ngo_gc_duration_seconds{quantile=\"1\"} 0.021754305\ngo_gc_duration_seconds_sum 1.769429004\ngo_gc_duration_seconds_count 5962\n", problems: [] },
  ],
  TestLintReservedChars: [
    { name: "request_duration::_seconds", in: "\n# HELP request_duration::_seconds Test metric.\n# TYPE request_duration::_seconds histogram\nrequest_duration::_seconds 10\n", problems: [{ metric: "request_duration::_seconds", text: "metric names should not contain ':'" }] },
  ],
  TestLintCamelCase: [
    { name: "requestDuration_seconds", in: "\n# HELP requestDuration_seconds Test metric.\n# TYPE requestDuration_seconds histogram\nrequestDuration_seconds 10\n", problems: [{ metric: "requestDuration_seconds", text: "metric names should be written in 'snake_case' not 'camelCase'" }] },
    { name: "request_duration_seconds", in: "\n# HELP request_duration_seconds Test metric.\n# TYPE request_duration_seconds histogram\nrequest_duration_seconds{httpService=\"foo\"} 10\n", problems: [{ metric: "request_duration_seconds", text: "label names should be written in 'snake_case' not 'camelCase'" }] },
  ],
};

/** TestLintMetricTypeInName's genTest. */
function metricTypeInName(n: string, t: string, err: string, ...problems: Problem[]): Case {
  return {
    name: `${t} with _${t} suffix`,
    in: `\n# HELP ${n} Test metric.\n# TYPE ${n} ${t}\n${n} 10\n`,
    problems: [...problems, { metric: n, text: `metric name should not include type '${err}'` }],
  };
}

tables["TestLintMetricTypeInName"] = [
  metricTypeInName("http_requests_counter", "counter", "counter", {
    metric: "http_requests_counter",
    text: 'counter metrics should have "_total" suffix',
  }),
  metricTypeInName("instance_memory_limit_bytes_gauge", "gauge", "gauge"),
  metricTypeInName("request_duration_seconds_summary", "summary", "summary"),
  metricTypeInName("request_duration_seconds_summary", "histogram", "summary"),
  metricTypeInName("request_duration_seconds_histogram", "histogram", "histogram"),
  metricTypeInName("request_duration_seconds_HISTOGRAM", "histogram", "histogram"),
  metricTypeInName("instance_memory_limit_gauge_bytes", "gauge", "gauge"),
];

/** TestLintUnitAbbreviations's genTest. */
function unitAbbreviation(n: string): Case {
  return {
    name: `${n} with abbreviated unit`,
    in: `\n# HELP ${n} Test metric.\n# TYPE ${n} gauge\n${n} 10\n`,
    problems: [{ metric: n, text: "metric names should not contain abbreviated units" }],
  };
}

tables["TestLintUnitAbbreviations"] = [
  "instance_memory_limit_b",
  "instance_memory_limit_kb",
  "instance_memory_limit_mb",
  "instance_memory_limit_MB",
  "instance_memory_limit_gb",
  "instance_memory_limit_tb",
  "instance_memory_limit_pb",
  "request_duration_s",
  "request_duration_ms",
  "request_duration_us",
  "request_duration_ns",
  "request_duration_sec",
  "request_sec_duration",
  "request_duration_m",
  "request_duration_h",
  "request_duration_d",
].map(unitAbbreviation);

const byMetricAndText = (a: Problem, b: Problem) =>
  a.metric < b.metric ? -1 : a.metric > b.metric ? 1 : a.text < b.text ? -1 : a.text > b.text ? 1 : 0;

/** lintCommand runs `demo-exporter lint` on `text` and returns its status and standard error. */
async function lintCommand(text: string): Promise<{ status: number; stderr: string }> {
  let stderr = "";
  const sink = (append: (s: string) => void) => ({
    write(chunk: string, callback?: (err?: Error | null) => void) {
      append(chunk);
      callback?.();
      return true;
    },
  });
  const status = await runLint([], { stdin: Readable.from([Buffer.from(text)]), stdout: sink(() => {}), stderr: sink((s) => (stderr += s)) });
  return { status, stderr };
}

it("has the 75 cases of promlint_test.go", () => {
  expect(Object.values(tables).reduce((n, cases) => n + cases.length, 0)).toBe(75);
});

for (const [test, cases] of Object.entries(tables)) {
  describe(`promlint_test.go ${test}`, () => {
    it.each(cases)("$name", async (c) => {
      const want = [...c.problems].sort(byMetricAndText);
      expect(lintText(c.in)).toEqual(want);
      const { status, stderr } = await lintCommand(c.in);
      expect(status).toBe(want.length === 0 ? 0 : 3);
      expect(stderr).toBe(want.map((p) => formatProblem(p) + "\n").join(""));
    });
  });
}
