/**
 * testutil: the scenarios of client_golang's testutil_test.go and lint_test.go, and the exact
 * messages client_golang 1.14 produced for the same inputs (recorded by running Go).
 */
import { describe, expect, it } from "vitest";
import { TextParseError } from "../../lib/expfmt/index.js";
import * as prom from "../../lib/prometheus/index.js";
import {
  collectAndCompare,
  collectAndCount,
  collectAndLint,
  CompareError,
  gatherAndCompare,
  gatherAndCount,
  gatherAndLint,
  MetricCountError,
  MetricTypeError,
  TestutilError,
  toFloat64,
} from "../../lib/testutil/index.js";

/** rejection resolves to what a promise rejects with (or fails the test if it resolves). */
async function rejection(p: Promise<unknown>): Promise<Error> {
  return p.then(
    () => expect.unreachable("expected a rejection"),
    (err: unknown) => err as Error,
  );
}

const untypedCollector: prom.Collector = {
  describe() {},
  collect(ch) {
    ch.send(prom.mustNewConstMetric(prom.newDesc("name", "help", null, null), prom.UntypedValue, 2001));
  },
};

describe("toFloat64", () => {
  const gaugeWithValue = prom.newGauge({ name: "", help: "" });
  gaugeWithValue.set(3.14);
  const vecWithOne = prom.newCounterVec({ name: "", help: "" }, ["foo"]);
  vecWithOne.withLabelValues("bar").inc();
  const vecWithTwo = prom.newCounterVec({ name: "", help: "" }, ["foo"]);
  vecWithTwo.withLabelValues("bar").add(42);
  vecWithTwo.withLabelValues("baz").inc();
  const histogramVecWithOne = prom.newHistogramVec({ name: "", help: "" }, ["foo"]);
  histogramVecWithOne.withLabelValues("bar").observe(2.7);

  // The scenarios of Go's TestToFloat64; like Go, toFloat64 does not validate descriptors.
  const values: [string, prom.Collector, number][] = [
    ["simple counter", prom.newCounter({ name: "", help: "" }), 0],
    ["simple gauge", prom.newGauge({ name: "", help: "" }), 0],
    ["simple untyped", untypedCollector, 2001],
    ["simple gauge with an actual value set", gaugeWithValue, 3.14],
    ["counter vec with one element", vecWithOne, 1],
    ["async collector", { describe() {}, collect: async (ch) => void (await untypedCollector.collect(ch)) }, 2001],
  ];
  for (const [name, c, want] of values) {
    it(`${name}: ${want}`, async () => {
      expect(await toFloat64(c)).toBe(want);
    });
  }

  it("counter vec with zero elements: MetricCountError", async () => {
    const err = await rejection(toFloat64(prom.newCounterVec({ name: "", help: "" }, ["foo"])));
    expect(err).toBeInstanceOf(MetricCountError);
    expect(err.message).toBe("collected 0 metrics instead of exactly 1");
    expect((err as MetricCountError).count).toBe(0);
  });

  it("counter vec with two elements: MetricCountError", async () => {
    const err = await rejection(toFloat64(vecWithTwo));
    expect(err).toBeInstanceOf(MetricCountError);
    expect(err.message).toBe("collected 2 metrics instead of exactly 1");
  });

  it("simple histogram: MetricTypeError with Go's protobuf text of the metric", async () => {
    const err = await rejection(toFloat64(prom.newHistogram({ name: "h", help: "h" })));
    expect(err).toBeInstanceOf(MetricTypeError);
    const buckets = prom.DefBuckets.map((b) => `bucket:<cumulative_count:0 upper_bound:${b} > `).join("");
    expect(err.message).toBe(`collected a non-gauge/counter/untyped metric: histogram:<sample_count:0 sample_sum:0 ${buckets}> `);
    expect((err as MetricTypeError).metric.histogram?.bucket).toHaveLength(prom.DefBuckets.length);
  });

  it("simple summary: MetricTypeError", async () => {
    const err = await rejection(toFloat64(prom.newSummary({ name: "s", help: "h" })));
    expect(err).toBeInstanceOf(MetricTypeError);
    expect(err.message).toBe("collected a non-gauge/counter/untyped metric: summary:<sample_count:0 sample_sum:0 > ");
  });

  it("histogram vec with one element: MetricTypeError", async () => {
    await expect(toFloat64(histogramVecWithOne)).rejects.toBeInstanceOf(MetricTypeError);
  });

  it("a metric that cannot be written: TestutilError with the cause", async () => {
    const boom = new Error("boom");
    const err = await rejection(toFloat64(prom.newGaugeFunc({ name: "f", help: "h" }, () => { throw boom; })));
    expect(err).toBeInstanceOf(TestutilError);
    expect(err.message).toBe("error happened while collecting metrics: boom");
    expect(err.cause).toBe(boom);
  });
});

describe("collectAndCount, gatherAndCount", () => {
  it("counts series as Go's TestCollectAndCount does", async () => {
    const c = prom.newCounterVec({ name: "some_total", help: "A value that represents a counter." }, ["foo"]);
    expect(await collectAndCount(c)).toBe(0);
    c.withLabelValues("bar");
    expect(await collectAndCount(c)).toBe(1);
    c.withLabelValues("baz");
    expect(await collectAndCount(c)).toBe(2);
    expect(await collectAndCount(c, "some_total")).toBe(2);
    expect(await collectAndCount(c, "some_other_total")).toBe(0);
  });

  it("counts across families, filtered by name", async () => {
    const reg = prom.newRegistry();
    const g = prom.newGaugeVec({ name: "a", help: "h" }, ["k"]);
    g.withLabelValues("1");
    g.withLabelValues("2");
    reg.mustRegister(g, prom.newCounter({ name: "b_total", help: "h" }));
    expect(await gatherAndCount(reg)).toBe(3);
    expect(await gatherAndCount(reg, "b_total", "a")).toBe(3);
    expect(await gatherAndCount(reg, "b_total")).toBe(1);
  });

  it("rejects when registration fails: `registering collector failed: ...`", async () => {
    const err = await rejection(collectAndCount(prom.newGauge({ name: "1x", help: "h" })));
    expect(err).toBeInstanceOf(TestutilError);
    expect(err.cause).toBeInstanceOf(prom.InvalidDescError);
    expect(err.message).toBe(
      'registering collector failed: descriptor Desc{fqName: "1x", help: "h", constLabels: {}, variableLabels: []} is invalid: "1x" is not a valid metric name',
    );
  });

  it("rejects when gathering fails: `gathering metrics failed: ...`", async () => {
    const failing: prom.Collector = {
      describe() {},
      collect() {
        throw new Error("boom");
      },
    };
    const err = await rejection(collectAndCount(failing));
    expect(err).toBeInstanceOf(TestutilError);
    expect(err.cause).toBeInstanceOf(prom.GatherError);
    expect(err.message).toMatch(/^gathering metrics failed: error collecting from collector: boom$/);
  });
});

describe("collectAndCompare, gatherAndCompare", () => {
  const metadata = `
		# HELP some_total A value that represents a counter.
		# TYPE some_total counter
	`;

  function someTotal(constLabels?: prom.Labels): prom.Counter {
    const c = prom.newCounter({ name: "some_total", help: "A value that represents a counter.", constLabels });
    c.inc();
    return c;
  }

  it("TestCollectAndCompare: blanks around labels do not matter", async () => {
    const expected = '\n\n\t\tsome_total{ label1 = "value1" } 1\n\t';
    await collectAndCompare(someTotal({ label1: "value1" }), metadata + expected, "some_total");
  });

  it("TestCollectAndCompareNoLabel", async () => {
    await collectAndCompare(someTotal(), metadata + "\n\n\t\tsome_total 1\n\t", "some_total");
  });

  it("TestNoMetricFilter", async () => {
    await collectAndCompare(someTotal({ label1: "value1" }), metadata + '\n\t\tsome_total{label1="value1"} 1\n\t');
  });

  it("TestCollectAndCompareHistogram: a Histogram, buckets written without the _bucket suffix", async () => {
    const h = prom.newHistogram({ name: "some_histogram", help: "An example of a histogram", buckets: [1, 2, 3] });
    h.observe(2.5);
    await collectAndCompare(
      h,
      `
				# HELP some_histogram An example of a histogram
				# TYPE some_histogram histogram
				some_histogram{le="1"} 0
				some_histogram{le="2"} 0
				some_histogram{le="3"} 1
        			some_histogram_bucket{le="+Inf"} 1
        			some_histogram_sum 2.5
        			some_histogram_count 1

			`,
    );
  });

  it("TestCollectAndCompareHistogram: a HistogramVec", async () => {
    const h = prom.newHistogramVec({ name: "some_histogram", help: "An example of a histogram", buckets: [1, 2, 3] }, ["test"]);
    h.withLabelValues("test").observe(2.5);
    await collectAndCompare(
      h,
      `
				# HELP some_histogram An example of a histogram
				# TYPE some_histogram histogram
            			some_histogram_bucket{test="test",le="1"} 0
            			some_histogram_bucket{test="test",le="2"} 0
            			some_histogram_bucket{test="test",le="3"} 1
            			some_histogram_bucket{test="test",le="+Inf"} 1
            			some_histogram_sum{test="test"} 2.5
           		 	some_histogram_count{test="test"} 1
			`,
    );
  });

  it("accepts families and series in any order", async () => {
    const reg = prom.newRegistry();
    const g = prom.newGaugeVec({ name: "b", help: "h" }, ["k"]);
    g.withLabelValues("y").set(2);
    g.withLabelValues("x").set(1);
    reg.mustRegister(g, prom.newGauge({ name: "a", help: "h" }));
    await gatherAndCompare(reg, '# TYPE b gauge\n# HELP b h\nb{k="y"} 2\nb{k="x"} 1\n# HELP a h\n# TYPE a gauge\na 0\n');
  });

  it("TestMetricNotFound: CompareError with Go's diff (without go-spew's `(bytes.Buffer) ` prefix)", async () => {
    const expected = '\n\t\t# HELP some_other_metric A value that represents a counter.\n\t\t# TYPE some_other_metric counter\n\t\tsome_other_metric{label1="value1"} 1\n\t';
    const err = await rejection(collectAndCompare(someTotal({ label1: "value1" }), expected));
    expect(err).toBeInstanceOf(CompareError);
    // Go 1.14 prints `-(bytes.Buffer) # HELP some_other_metric ...` and `+(bytes.Buffer) # HELP some_total ...`.
    expect(err.message).toBe(`

Diff:
--- metric output does not match expectation; want
+++ got:
@@ -1,4 +1,4 @@
-# HELP some_other_metric A value that represents a counter.
-# TYPE some_other_metric counter
-some_other_metric{label1="value1"} 1
+# HELP some_total A value that represents a counter.
+# TYPE some_total counter
+some_total{label1="value1"} 1
 
`);
    const compareError = err as CompareError;
    expect(compareError.want).toBe(
      '# HELP some_other_metric A value that represents a counter.\n# TYPE some_other_metric counter\nsome_other_metric{label1="value1"} 1\n',
    );
    expect(compareError.got).toBe(
      '# HELP some_total A value that represents a counter.\n# TYPE some_total counter\nsome_total{label1="value1"} 1\n',
    );
  });

  it("a differing value: the same hunk as Go's", async () => {
    const reg = prom.newPedanticRegistry();
    const g = prom.newGauge({ name: "some_gauge", help: "A gauge." });
    g.set(3);
    const c = prom.newCounter({ name: "some_total", help: "A counter." });
    c.add(2);
    reg.mustRegister(g, c);
    const expected = "# HELP some_gauge A gauge.\n# TYPE some_gauge gauge\nsome_gauge 4\n# HELP some_total A counter.\n# TYPE some_total counter\nsome_total 2\n";
    const err = await rejection(gatherAndCompare(reg, expected));
    expect(err.message).toBe(
      "\n\nDiff:\n--- metric output does not match expectation; want\n+++ got:\n@@ -2,3 +2,3 @@\n # TYPE some_gauge gauge\n-some_gauge 4\n+some_gauge 3\n # HELP some_total A counter.\n",
    );
  });

  it("a missing series in a HistogramVec: the same hunk as Go's", async () => {
    const h = prom.newHistogramVec({ name: "some_histogram", help: "An example of a histogram", buckets: [1, 2, 3] }, ["test"]);
    h.withLabelValues("test").observe(2.5);
    h.withLabelValues("other").observe(0.5);
    const expected = `
# HELP some_histogram An example of a histogram
# TYPE some_histogram histogram
some_histogram_bucket{test="test",le="1"} 0
some_histogram_bucket{test="test",le="2"} 1
some_histogram_bucket{test="test",le="3"} 1
some_histogram_bucket{test="test",le="+Inf"} 1
some_histogram_sum{test="test"} 1.5
some_histogram_count{test="test"} 1
`;
    const err = await rejection(collectAndCompare(h, expected));
    expect(err.message).toBe(
      '\n\nDiff:\n--- metric output does not match expectation; want\n+++ got:\n@@ -2,7 +2,13 @@\n # TYPE some_histogram histogram\n+some_histogram_bucket{test="other",le="1"} 1\n+some_histogram_bucket{test="other",le="2"} 1\n+some_histogram_bucket{test="other",le="3"} 1\n+some_histogram_bucket{test="other",le="+Inf"} 1\n+some_histogram_sum{test="other"} 0.5\n+some_histogram_count{test="other"} 1\n some_histogram_bucket{test="test",le="1"} 0\n-some_histogram_bucket{test="test",le="2"} 1\n+some_histogram_bucket{test="test",le="2"} 0\n some_histogram_bucket{test="test",le="3"} 1\n some_histogram_bucket{test="test",le="+Inf"} 1\n-some_histogram_sum{test="test"} 1.5\n+some_histogram_sum{test="test"} 2.5\n some_histogram_count{test="test"} 1\n',
    );
  });

  it("filters only what was gathered, not the expected text", async () => {
    const reg = prom.newRegistry();
    reg.mustRegister(prom.newGauge({ name: "a", help: "h" }), prom.newGauge({ name: "b", help: "h" }));
    await gatherAndCompare(reg, "# HELP a h\n# TYPE a gauge\na 0\n", "a");
    await expect(gatherAndCompare(reg, "# HELP a h\n# TYPE a gauge\na 0\n# HELP b h\n# TYPE b gauge\nb 0\n", "a")).rejects.toBeInstanceOf(
      CompareError,
    );
  });

  it("an expected text that does not parse: TestutilError caused by the TextParseError", async () => {
    const err = await rejection(gatherAndCompare(prom.newRegistry(), "x{a=1} 1\n"));
    expect(err).toBeInstanceOf(TestutilError);
    expect(err).not.toBeInstanceOf(CompareError);
    expect(err.cause).toBeInstanceOf(TextParseError);
    // Go: `converting reader to metric families failed: text format parsing error in line 1: expected '"' ...`
    expect(err.message).toBe(
      `converting reader to metric families failed: text format parsing error in line 1: expected '"' at start of label value, found '1'`,
    );
  });

  it("an empty HELP is not written back by the parser, as in Go", async () => {
    const g = prom.newGauge({ name: "g", help: "" });
    await expect(collectAndCompare(g, "# HELP g \n# TYPE g gauge\ng 0\n")).rejects.toBeInstanceOf(CompareError);
  });
});

describe("collectAndLint, gatherAndLint", () => {
  it("TestCollectAndLintGood", async () => {
    const c = prom.newCounterVec({ name: "some_total", help: "A value that represents a counter.", constLabels: { label1: "value1" } }, [
      "foo",
    ]);
    c.withLabelValues("bar");
    c.withLabelValues("baz");
    expect(await collectAndLint(c)).toEqual([]);
  });

  it("TestCollectAndLintBad: the problems, once per series for labels", async () => {
    const c = prom.newCounterVec({ name: "someThing_ms", help: "A value that represents a counter.", constLabels: { label1: "value1" } }, [
      "fooBar",
    ]);
    c.withLabelValues("bar");
    c.withLabelValues("baz");
    const problems = await collectAndLint(c);
    expect(problems.map((p) => p.text)).toEqual([
      'counter metrics should have "_total" suffix',
      "label names should be written in 'snake_case' not 'camelCase'",
      "label names should be written in 'snake_case' not 'camelCase'",
      "metric names should be written in 'snake_case' not 'camelCase'",
      "metric names should not contain abbreviated units",
    ]);
    expect(new Set(problems.map((p) => p.metric))).toEqual(new Set(["someThing_ms"]));
  });

  it("an empty help is a help: no `no help text` for gathered families", async () => {
    expect(await collectAndLint(prom.newGauge({ name: "g", help: "" }))).toEqual([]);
  });

  it("gatherAndLint filters by name", async () => {
    const reg = prom.newRegistry();
    reg.mustRegister(prom.newCounter({ name: "a", help: "h" }), prom.newCounter({ name: "b", help: "h" }));
    expect(await gatherAndLint(reg)).toEqual([
      { metric: "a", text: 'counter metrics should have "_total" suffix' },
      { metric: "b", text: 'counter metrics should have "_total" suffix' },
    ]);
    expect(await gatherAndLint(reg, "b")).toEqual([{ metric: "b", text: 'counter metrics should have "_total" suffix' }]);
  });

  it("rejects when registration fails", async () => {
    await expect(collectAndLint(prom.newGaugeVec({ name: "g", help: "h" }, ["__x"]))).rejects.toThrow(/^registering collector failed: /);
  });
});

describe("the @example blocks of testutil.ts and lint.ts", () => {
  it("toFloat64", async () => {
    const g = prom.newGauge({ name: "queue_length", help: "Items in the queue." });
    g.set(3);
    expect(await toFloat64(g)).toBe(3);
  });

  it("collectAndCompare", async () => {
    const c = prom.newCounter({ name: "jobs_total", help: "Jobs done." });
    c.inc();
    await collectAndCompare(c, "# HELP jobs_total Jobs done.\n# TYPE jobs_total counter\njobs_total 1\n");
  });

  it("collectAndLint", async () => {
    expect(await collectAndLint(prom.newCounter({ name: "requests", help: "Requests served." }))).toEqual([
      { metric: "requests", text: 'counter metrics should have "_total" suffix' },
    ]);
  });
});
