/**
 * Bad input, one table: every public constructor and method of the prometheus and promhttp
 * packages (and the text parser) given each kind of input it must refuse, with the typed error and
 * the message it refuses it with. Messages are client_golang's where Go has one.
 *
 * Each row says how the refusal arrives, because that is part of the contract, as in Go:
 * - `throws`: the `must*` forms, constructors of live metrics and methods on them (Go panics);
 * - `returns`: `register`, `newConstMetric`, `getMetricWith...` and the other `(T, error)` forms;
 * - `desc`: `newDesc` records the error in the descriptor (`desc.err`), to be reported when it is
 *   registered or used, as client_golang's `NewDesc` does.
 *
 * Rows marked `gap` are refused today, but with a plain TypeError instead of the typed error; they
 * run as `it.fails`, so the day the gap is closed the row fails and the mark must go.
 * @module
 */
import { describe, expect, it } from "vitest";
import { parseText, TextParseError } from "../../lib/expfmt/index.js";
import * as prom from "../../lib/prometheus/index.js";
import {
  AlreadyRegisteredError,
  DescConflictError,
  DuplicateLabelNamesError,
  InconsistentCardinalityError,
  InvalidCollectorError,
  InvalidDescError,
  InvalidLabelValueError,
  InvalidNameError,
  InvalidOptionsError,
  InvalidValueError,
  LabelMismatchError,
} from "../../lib/prometheus/index.js";
import { handlerFor } from "../../lib/promhttp/index.js";

/** How a refusal arrives: thrown, returned (Result, register), or recorded in a Desc. */
type How = "throws" | "returns" | "desc";

type ErrorClass = abstract new (...args: never[]) => Error;

interface Case {
  /** The API called, as a reader would grep for it. */
  api: string;
  /** The bad input, in words. */
  input: string;
  call: () => unknown;
  how: How;
  error: ErrorClass;
  message: string;
  /** For registration errors: the class of the descriptor's own error, the `cause`. */
  cause?: ErrorClass;
  /** Why this row is a known gap (see the module comment). */
  gap?: string;
}

/** throws is a row whose call must throw `error` with `message`. */
function throws(api: string, input: string, error: ErrorClass, message: string, call: () => unknown): Case {
  return { api, input, error, message, call, how: "throws" };
}

/** returns is a row whose call must return `error` (a Result tuple, or register's answer). */
function returns(api: string, input: string, error: ErrorClass, message: string, call: () => unknown): Case {
  return { api, input, error, message, call, how: "returns" };
}

/** inDesc is a row whose call must return a Desc that carries `error`. */
function inDesc(api: string, input: string, error: ErrorClass, message: string, call: () => unknown): Case {
  return { api, input, error, message, call, how: "desc" };
}

// Bad input is, by definition, what the types forbid: `bad` lets a row pass it anyway.
const bad = <T>(value: unknown): T => value as T;

const opts = { name: "g", help: "help" };
const vec = () => prom.newGaugeVec(opts, ["a", "b"]);
const vec1 = () => prom.newGaugeVec(opts, ["a"]);
const desc0 = () => prom.newDesc("c", "help", null, null);
const desc2 = () => prom.newDesc("c", "help", ["a", "b"], null);
const gauge = () => prom.newGauge(opts);
const anyMetric = () => prom.mustNewConstMetric(desc0(), prom.GaugeValue, 1);
const register = (c: prom.Collector) => prom.newRegistry().register(c);
const describeWith = (send: (ch: prom.SendOnlyChannel<prom.Desc>) => void): prom.Collector => ({
  describe: send,
  collect() {},
});

/** descriptorInvalid is the message of the InvalidDescError that registering `desc` returns. */
function descriptorInvalid(desc: string, message: string): string {
  return `descriptor ${desc} is invalid: ${message}`;
}

const names: Case[] = [
  inDesc("newDesc", "a metric name with a space", InvalidNameError,
    '"foo bar" is not a valid metric name',
    () => prom.newDesc("foo bar", "h")),
  inDesc("newDesc", "an empty metric name", InvalidNameError,
    '"" is not a valid metric name',
    () => prom.newDesc("", "h")),
  inDesc("newDesc", "a metric name starting with a digit", InvalidNameError,
    '"1x" is not a valid metric name',
    () => prom.newDesc("1x", "h")),
  inDesc("newDesc", "a metric name with a non-ASCII letter", InvalidNameError,
    '"café" is not a valid metric name',
    () => prom.newDesc("café", "h")),
  inDesc("newDesc", "a metric name that is not a string", InvalidNameError,
    "metric name undefined is not a string",
    () => prom.newDesc(bad(undefined), "h")),
  inDesc("newDesc", "a metric name that is a number", InvalidNameError,
    "metric name 42 is not a string",
    () => prom.newDesc(bad(42), "h")),
  inDesc("newDesc", "a reserved label name", InvalidNameError,
    '"__reserved" is not a valid label name for metric "x"',
    () => prom.newDesc("x", "h", ["__reserved"])),
  inDesc("newDesc", "a label name with a dash", InvalidNameError,
    '"a-b" is not a valid label name for metric "x"',
    () => prom.newDesc("x", "h", ["a-b"])),
  inDesc("newDesc", "a label name with a colon", InvalidNameError,
    '"a:b" is not a valid label name for metric "x"',
    () => prom.newDesc("x", "h", null, { "a:b": "1" })),
  inDesc("newDesc", "a label name that is not a string", InvalidNameError,
    'label name 7 of metric "x" is not a string',
    () => prom.newDesc("x", "h", bad([7]))),
  inDesc("newDesc", "a label name used twice", DuplicateLabelNamesError,
    "duplicate label names",
    () => prom.newDesc("x", "h", ["a", "a"])),
  inDesc("newDesc", "a label both const and variable", DuplicateLabelNamesError,
    "duplicate label names",
    () => prom.newDesc("x", "h", ["a"], { a: "1" })),
  inDesc("newDesc", "variable labels that are a string", InvalidOptionsError,
    'variable labels of metric "x" are not an array of label names',
    () => prom.newDesc("x", "h", bad("ab"))),
  inDesc("newDesc", "a help that is not a string", InvalidOptionsError,
    'help undefined of metric "x" is not a string',
    () => prom.newDesc("x", bad(undefined))),
  {
    api: "register(newCounter)", input: "an invalid name, reported at registration", how: "returns",
    call: () => register(prom.newCounter({ name: "bad name", help: "h" })),
    error: InvalidDescError, cause: InvalidNameError,
    message: descriptorInvalid(
      'Desc{fqName: "bad name", help: "h", constLabels: {}, variableLabels: []}',
      '"bad name" is not a valid metric name',
    ),
  },
  {
    api: "register(newGaugeVec)", input: "an invalid label name, reported at registration", how: "returns",
    call: () => register(prom.newGaugeVec(opts, ["ok", "not ok"])),
    error: InvalidDescError, cause: InvalidNameError,
    message: descriptorInvalid(
      'Desc{fqName: "g", help: "help", constLabels: {}, variableLabels: [ok not ok]}',
      '"not ok" is not a valid label name for metric "g"',
    ),
  },
  throws("newHistogram", 'the const label "le"', InvalidOptionsError,
    '"le" is not allowed as label name in histograms',
    () => prom.newHistogram({ ...opts, constLabels: { le: "1" } })),
  throws("newHistogramVec", 'the variable label "le"', InvalidOptionsError,
    '"le" is not allowed as label name in histograms',
    () => prom.newHistogramVec(opts, ["le"])),
  throws("newSummary", 'the const label "quantile"', InvalidOptionsError,
    '"quantile" is not allowed as label name in summaries',
    () => prom.newSummary({ ...opts, constLabels: { quantile: "x" } })),
  throws("newSummaryVec", 'the variable label "quantile"', InvalidOptionsError,
    '"quantile" is not allowed as label name in summaries',
    () => prom.newSummaryVec(opts, ["quantile"])),
  throws("newCounter", "options that are null", InvalidOptionsError,
    "metric options must be an object, got null",
    () => prom.newCounter(bad(null))),
  throws("newHistogramVec", "options that are a string", InvalidOptionsError,
    "metric options must be an object, got h",
    () => prom.newHistogramVec(bad("h"), [])),
  {
    api: "wrapRegistererWithPrefix", input: "a prefix that makes names invalid", how: "returns",
    call: () => prom.wrapRegistererWithPrefix("1x_", prom.newRegistry()).register(gauge()),
    error: InvalidDescError, cause: InvalidNameError,
    message: descriptorInvalid(
      'Desc{fqName: "1x_g", help: "help", constLabels: {}, variableLabels: []}',
      '"1x_g" is not a valid metric name',
    ),
  },
  {
    api: "wrapRegistererWith", input: "a reserved label name", how: "returns",
    call: () => prom.wrapRegistererWith({ __x: "1" }, prom.newRegistry()).register(gauge()),
    error: InvalidDescError, cause: InvalidNameError,
    message: descriptorInvalid(
      'Desc{fqName: "g", help: "help", constLabels: {}, variableLabels: []}',
      '"__x" is not a valid label name for metric "g"',
    ),
  },
  {
    api: "wrapRegistererWith", input: "a label the collector already has", how: "returns",
    call: () => {
      const withA = prom.newGauge({ ...opts, constLabels: { a: "1" } });
      return prom.wrapRegistererWith({ a: "2" }, prom.newRegistry()).register(withA);
    },
    error: InvalidDescError, cause: LabelMismatchError,
    message: descriptorInvalid(
      'Desc{fqName: "g", help: "help", constLabels: {a="1"}, variableLabels: []}',
      'attempted wrapping with already existing label name "a"',
    ),
  },
];

const labelCounts: Case[] = [
  throws("withLabelValues", "too few label values", InconsistentCardinalityError,
    `inconsistent label cardinality: expected 2 label values but got 1 in []string{"x"}`,
    () => vec().withLabelValues("x")),
  throws("withLabelValues", "too many label values", InconsistentCardinalityError,
    `inconsistent label cardinality: expected 2 label values but got 3 in []string{"x", "y", "z"}`,
    () => vec().withLabelValues("x", "y", "z")),
  throws("withLabelValues", "no label values", InconsistentCardinalityError,
    `inconsistent label cardinality: expected 2 label values but got 0 in []string{}`,
    () => vec().withLabelValues()),
  returns("getMetricWithLabelValues", "too few label values", InconsistentCardinalityError,
    `inconsistent label cardinality: expected 2 label values but got 1 in []string{"x"}`,
    () => vec().getMetricWithLabelValues("x")),
  throws("with", "a label map with too few labels", InconsistentCardinalityError,
    `inconsistent label cardinality: expected 2 label values but got 1 in prometheus.Labels{"a":"1"}`,
    () => vec().with({ a: "1" })),
  returns("getMetricWith", "a label map with too many labels", InconsistentCardinalityError,
    `inconsistent label cardinality: expected 2 label values but got 3 in prometheus.Labels{"a":"1", "b":"2", "c":"3"}`,
    () => vec().getMetricWith({ a: "1", b: "2", c: "3" })),
  throws("with", "a label map with a wrong name", LabelMismatchError,
    `label name "b" missing in label map`,
    () => vec().with({ a: "1", c: "2" })),
  throws("mustCurryWith", "an unknown label", LabelMismatchError,
    `1 unknown label(s) found during currying`,
    () => vec().mustCurryWith({ c: "1" })),
  returns("curryWith", "a label curried twice", LabelMismatchError,
    `label name "a" is already curried`,
    () => vec().mustCurryWith({ a: "1" }).curryWith({ a: "2" })),
  throws("with (curried)", "a label that is already curried", LabelMismatchError,
    `label name "a" is already curried`,
    () => vec().mustCurryWith({ a: "1" }).with({ a: "1" })),
  throws("withLabelValues (curried)", "values for the curried label too", InconsistentCardinalityError,
    `inconsistent label cardinality: expected 1 label values but got 2 in []string{"1", "2"}`,
    () => vec().mustCurryWith({ a: "1" }).withLabelValues("1", "2")),
  throws("mustNewConstMetric", "too few label values", InconsistentCardinalityError,
    'inconsistent label cardinality: expected 2 label values but got 1 in []string{"x"}',
    () => prom.mustNewConstMetric(desc2(), prom.GaugeValue, 1, "x")),
  returns("newConstMetric", "too many label values", InconsistentCardinalityError,
    'inconsistent label cardinality: expected 0 label values but got 1 in []string{"x"}',
    () => prom.newConstMetric(desc0(), prom.GaugeValue, 1, "x")),
  throws("mustNewConstHistogram", "too few label values", InconsistentCardinalityError,
    "inconsistent label cardinality: expected 2 label values but got 0 in []string{}",
    () => prom.mustNewConstHistogram(desc2(), 0, 0, {})),
  returns("newConstSummary", "too few label values", InconsistentCardinalityError,
    'inconsistent label cardinality: expected 2 label values but got 1 in []string{"x"}',
    () => prom.newConstSummary(desc2(), 0, 0, {}, "x")),
];

const labelValues: Case[] = [
  throws("withLabelValues", "a lone high surrogate", InvalidLabelValueError,
    'label value "\\ud800" is not valid UTF-8',
    () => vec1().withLabelValues("\ud800")),
  throws("withLabelValues", "a lone low surrogate after text", InvalidLabelValueError,
    `label value "x\\udfff" is not valid UTF-8`,
    () => vec().withLabelValues("ok", "x\udfff")),
  throws("withLabelValues", "surrogates in the wrong order", InvalidLabelValueError,
    'label value "\\udc00\\ud800" is not valid UTF-8',
    () => vec1().withLabelValues("\udc00\ud800")),
  throws("with", "a lone surrogate", InvalidLabelValueError,
    'label a: value "\\ud83d" is not valid UTF-8',
    () => vec1().with({ a: "\ud83d" })),
  throws("withLabelValues", "a number", InvalidLabelValueError,
    'label value 1 is not a string',
    () => vec1().withLabelValues(bad(1))),
  throws("withLabelValues", "undefined", InvalidLabelValueError,
    'label value undefined is not a string',
    () => vec1().withLabelValues(bad(undefined))),
  throws("with", "null", InvalidLabelValueError,
    'label a: value null is not a string',
    () => vec1().with({ a: bad(null) })),
  throws("mustCurryWith", "a lone surrogate", InvalidLabelValueError,
    `label value "\\ud800" is not valid UTF-8`,
    () => vec().mustCurryWith({ a: "\ud800" })),
  throws("mustCurryWith", "a number", InvalidLabelValueError,
    `label value 2 is not a string`,
    () => vec().mustCurryWith({ b: bad(2) })),
  inDesc("newDesc", "a const label value with a lone surrogate", InvalidLabelValueError,
    'label value "\\ud800" is not valid UTF-8',
    () => prom.newDesc("x", "h", null, { a: "\ud800" })),
  inDesc("newDesc", "a const label value that is a number", InvalidLabelValueError,
    "label value 1 is not a string",
    () => prom.newDesc("x", "h", null, { a: bad(1) })),
  throws("mustNewConstMetric", "a lone surrogate", InvalidLabelValueError,
    'label value "\\udbff" is not valid UTF-8',
    () => prom.mustNewConstMetric(desc2(), prom.GaugeValue, 1, "a", "\udbff")),
  returns("newConstHistogram", "a label value that is not a string", InvalidLabelValueError,
    "label value false is not a string",
    () => prom.newConstHistogram(desc2(), 0, 0, {}, "a", bad(false))),
  {
    api: "wrapRegistererWith", input: "a label value with a lone surrogate", how: "returns",
    call: () => prom.wrapRegistererWith({ a: "\ud800" }, prom.newRegistry()).register(gauge()),
    error: InvalidDescError, cause: InvalidLabelValueError,
    message: descriptorInvalid(
      'Desc{fqName: "g", help: "help", constLabels: {}, variableLabels: []}',
      'label value "\\ud800" is not valid UTF-8',
    ),
  },
  {
    api: "withLabelValues", input: "null among two values", how: "throws",
    call: () => vec().withLabelValues(bad(null), "x"),
    error: InvalidLabelValueError, message: `label value null is not a string`,
  },
];

const values: Case[] = [
  throws("Counter.add", "a negative increment", InvalidValueError,
    "counter cannot decrease in value",
    () => prom.newCounter(opts).add(-1)),
  throws("Counter.add", "-Infinity", InvalidValueError,
    "counter cannot decrease in value",
    () => prom.newCounter(opts).add(-Infinity)),
  throws("Counter.add", "NaN", InvalidValueError,
    "counter cannot be increased by NaN",
    () => prom.newCounter(opts).add(NaN)),
  throws("Counter.add", "a string", InvalidValueError,
    "counter cannot be increased by 1",
    () => prom.newCounter(opts).add(bad("1"))),
  throws("CounterVec child add", "a negative increment", InvalidValueError,
    "counter cannot decrease in value",
    () => prom.newCounterVec(opts, ["a"]).withLabelValues("x").add(-0.5)),
  throws("Gauge.set", "a string", InvalidValueError,
    "gauge value must be a number, got string",
    () => gauge().set(bad("1"))),
  throws("Gauge.add", "undefined", InvalidValueError,
    "gauge value must be a number, got undefined",
    () => gauge().add(bad(undefined))),
  throws("Gauge.sub", "a bigint", InvalidValueError,
    "gauge value must be a number, got bigint",
    () => gauge().sub(bad(1n))),
  throws("Untyped.set", "an object", InvalidValueError,
    "untyped value must be a number, got object",
    () => prom.newUntyped(opts).set(bad({}))),
  throws("Histogram.observe", "a string", InvalidValueError,
    "histogram observation must be a number, got string",
    () => prom.newHistogram(opts).observe(bad("5"))),
  throws("HistogramVec child observe", "null", InvalidValueError,
    "histogram observation must be a number, got object",
    () => prom.newHistogramVec(opts, ["a"]).withLabelValues("x").observe(bad(null))),
  throws("Summary.observe", "a string", InvalidValueError,
    "summary observation must be a number, got string",
    () => prom.newSummary(opts).observe(bad("5"))),
  throws("mustNewConstMetric", "a value that is a string", InvalidValueError,
    "metric value must be a number, got string",
    () => prom.mustNewConstMetric(desc0(), prom.CounterValue, bad("1"))),
  throws("mustNewConstMetric", "an unknown value type", InvalidValueError,
    "encountered unknown type histogram",
    () => prom.mustNewConstMetric(desc0(), bad("histogram"), 1)),
  throws("mustNewConstMetric", "a descriptor with an error", InvalidNameError,
    '"a b" is not a valid metric name',
    () => prom.mustNewConstMetric(prom.newDesc("a b", "h"), prom.GaugeValue, 1)),
  throws("newGaugeFunc", "a function that is not one", InvalidValueError,
    "value function for g is not a function",
    () => prom.newGaugeFunc(opts, bad("x"))),
  throws("newCounterFunc(...).write", "a function returning a string", InvalidValueError,
    "metric value must be a number, got string",
    () => prom.newCounterFunc(opts, bad(() => "1")).write()),
];

const buckets: Case[] = [
  throws("newHistogram", "a bucket repeated", InvalidOptionsError,
    "histogram buckets must be in increasing order: 1.000000 >= 1.000000",
    () => prom.newHistogram({ ...opts, buckets: [1, 1] })),
  throws("newHistogram", "buckets decreasing", InvalidOptionsError,
    "histogram buckets must be in increasing order: 2.000000 >= 1.250000",
    () => prom.newHistogram({ ...opts, buckets: [0.5, 2, 1.25] })),
  throws("newHistogram", "+Inf twice", InvalidOptionsError,
    "histogram buckets must be in increasing order: +Inf >= +Inf",
    () => prom.newHistogram({ ...opts, buckets: [1, Infinity, Infinity] })),
  throws("newHistogram", "a NaN bucket first", InvalidOptionsError,
    "histogram bucket 0 is NaN, not a number",
    () => prom.newHistogram({ ...opts, buckets: [NaN, 1, 3] })),
  throws("newHistogram", "a NaN bucket after a bound", InvalidOptionsError,
    "histogram buckets must be in increasing order: 1.000000 >= NaN",
    () => prom.newHistogram({ ...opts, buckets: [1, NaN, 3] })),
  throws("newHistogram", "a bucket that is a string", InvalidOptionsError,
    "histogram bucket 0 is 1, not a number",
    () => prom.newHistogram({ ...opts, buckets: bad(["1", 2]) })),
  throws("newHistogram", "buckets that are not an array", InvalidOptionsError,
    "histogram buckets must be an array of numbers, got 5",
    () => prom.newHistogram({ ...opts, buckets: bad(5) })),
  throws("newHistogramVec", "buckets decreasing", InvalidOptionsError,
    "histogram buckets must be in increasing order: 3.000000 >= 2.000000",
    () => prom.newHistogramVec({ ...opts, buckets: [3, 2] }, ["a"])),
  throws("linearBuckets", "a count of 0", InvalidOptionsError,
    "LinearBuckets needs a positive count",
    () => prom.linearBuckets(0, 1, 0)),
  throws("linearBuckets", "a count that is not an integer", InvalidOptionsError,
    "LinearBuckets needs a positive count",
    () => prom.linearBuckets(0, 1, 2.5)),
  throws("exponentialBuckets", "a count of NaN", InvalidOptionsError,
    "ExponentialBuckets needs a positive count",
    () => prom.exponentialBuckets(1, 2, NaN)),
  throws("exponentialBuckets", "a start of 0", InvalidOptionsError,
    "ExponentialBuckets needs a positive start value",
    () => prom.exponentialBuckets(0, 2, 3)),
  throws("exponentialBuckets", "a factor of 1", InvalidOptionsError,
    "ExponentialBuckets needs a factor greater than 1",
    () => prom.exponentialBuckets(1, 1, 3)),
  throws("exponentialBuckets", "a factor of NaN", InvalidOptionsError,
    "ExponentialBuckets needs a factor greater than 1",
    () => prom.exponentialBuckets(1, NaN, 3)),
  throws("exponentialBucketsRange", "a count of 0", InvalidOptionsError,
    "ExponentialBucketsRange count needs a positive count",
    () => prom.exponentialBucketsRange(1, 10, 0)),
  throws("exponentialBucketsRange", "a min of 0", InvalidOptionsError,
    "ExponentialBucketsRange min needs to be greater than 0",
    () => prom.exponentialBucketsRange(0, 10, 3)),
  throws("exponentialBucketsRange", "max below min", InvalidOptionsError,
    "ExponentialBucketsRange max needs to be greater than min",
    () => prom.exponentialBucketsRange(10, 1, 3)),
];

const summaries: Case[] = [
  throws("newSummary", "a quantile above 1", InvalidOptionsError,
    "invalid quantile 1.5: must be in the interval (0, 1)",
    () => prom.newSummary({ ...opts, objectives: { 1.5: 0.01 } })),
  throws("newSummary", "the quantile 0", InvalidOptionsError,
    "invalid quantile 0: must be in the interval (0, 1)",
    () => prom.newSummary({ ...opts, objectives: { 0: 0.01 } })),
  throws("newSummary", "the quantile 1", InvalidOptionsError,
    "invalid quantile 1: must be in the interval (0, 1)",
    () => prom.newSummary({ ...opts, objectives: new Map([[1, 0.001]]) })),
  throws("newSummary", "a negative quantile", InvalidOptionsError,
    "invalid quantile -0.5: must be in the interval (0, 1)",
    () => prom.newSummary({ ...opts, objectives: new Map([[-0.5, 0.001]]) })),
  throws("newSummary", "a NaN quantile", InvalidOptionsError,
    "invalid quantile NaN: must be in the interval (0, 1)",
    () => prom.newSummary({ ...opts, objectives: new Map([[NaN, 0.1]]) })),
  throws("newSummary", "a quantile that is a string", InvalidOptionsError,
    'invalid quantile "0.5": must be in the interval (0, 1)',
    () => prom.newSummary({ ...opts, objectives: bad(new Map([["0.5", 0.1]])) })),
  throws("newSummary", "an error of 1", InvalidOptionsError,
    "invalid error 1 for quantile 0.5: must be in the interval [0, 1)",
    () => prom.newSummary({ ...opts, objectives: { 0.5: 1 } })),
  throws("newSummary", "a negative error", InvalidOptionsError,
    "invalid error -0.01 for quantile 0.9: must be in the interval [0, 1)",
    () => prom.newSummary({ ...opts, objectives: { 0.9: -0.01 } })),
  throws("newSummary", "a NaN error", InvalidOptionsError,
    "invalid error NaN for quantile 0.99: must be in the interval [0, 1)",
    () => prom.newSummary({ ...opts, objectives: { 0.99: NaN } })),
  throws("newSummary", "an error that is a string", InvalidOptionsError,
    'invalid error "0.05" for quantile 0.5: must be in the interval [0, 1)',
    () => prom.newSummary({ ...opts, objectives: bad({ 0.5: "0.05" }) })),
  throws("newSummaryVec", "a quantile above 1", InvalidOptionsError,
    "invalid quantile 2: must be in the interval (0, 1)",
    () => prom.newSummaryVec({ ...opts, objectives: { 2: 0.1 } }, ["a"])),
  throws("newSummary", "a negative maxAge", InvalidOptionsError,
    "illegal max age MaxAge=-1",
    () => prom.newSummary({ ...opts, maxAge: -1 })),
  throws("newSummary", "a NaN maxAge", InvalidOptionsError,
    "illegal max age MaxAge=NaN",
    () => prom.newSummary({ ...opts, maxAge: NaN })),
  throws("newSummary", "an infinite maxAge", InvalidOptionsError,
    "illegal max age MaxAge=Infinity",
    () => prom.newSummary({ ...opts, maxAge: Infinity })),
  throws("newSummaryVec", "a maxAge that is a string", InvalidOptionsError,
    "illegal max age MaxAge=10m",
    () => prom.newSummaryVec({ ...opts, maxAge: bad("10m") }, [])),
  throws("newSummary", "ageBuckets that is not an integer", InvalidOptionsError,
    "illegal age buckets AgeBuckets=1.5",
    () => prom.newSummary({ ...opts, ageBuckets: 1.5 })),
  throws("newSummary", "a negative bufCap", InvalidOptionsError,
    "illegal buffer capacity BufCap=-5",
    () => prom.newSummary({ ...opts, bufCap: -5 })),
];

const constCounts: Case[] = [
  throws("mustNewConstHistogram", "a negative count", InvalidValueError,
    "histogram count must be a non-negative integer, got -1",
    () => prom.mustNewConstHistogram(desc0(), -1, 0, {})),
  throws("mustNewConstHistogram", "a fractional count", InvalidValueError,
    "histogram count must be a non-negative integer, got 1.5",
    () => prom.mustNewConstHistogram(desc0(), 1.5, 0, {})),
  returns("newConstHistogram", "a NaN count", InvalidValueError,
    "histogram count must be a non-negative integer, got NaN",
    () => prom.newConstHistogram(desc0(), NaN, 0, {})),
  throws("mustNewConstHistogram", "a negative bucket count", InvalidValueError,
    "histogram bucket 1 count must be a non-negative integer, got -1",
    () => prom.mustNewConstHistogram(desc0(), 3, 0, { 1: -1 })),
  throws("mustNewConstHistogram", "an infinite bucket count", InvalidValueError,
    "histogram bucket 2 count must be a non-negative integer, got Infinity",
    () => prom.mustNewConstHistogram(desc0(), 3, 0, new Map([[2, Infinity]]))),
  throws("mustNewConstHistogram", "a bucket bound that is not a number", InvalidValueError,
    "histogram bucket bound abc is not a number",
    () => prom.mustNewConstHistogram(desc0(), 3, 0, { abc: 1 })),
  throws("mustNewConstHistogram", "a NaN bucket bound", InvalidValueError,
    "histogram bucket bound NaN is not a number",
    () => prom.mustNewConstHistogram(desc0(), 3, 0, new Map([[NaN, 1]]))),
  throws("mustNewConstHistogram", "a sum that is a string", InvalidValueError,
    "histogram sum must be a number, got string",
    () => prom.mustNewConstHistogram(desc0(), 1, bad("x"), { 1: 1 })),
  throws("mustNewConstSummary", "a negative count", InvalidValueError,
    "summary count must be a non-negative integer, got -1",
    () => prom.mustNewConstSummary(desc0(), -1, 0, {})),
  returns("newConstSummary", "a count that is a string", InvalidValueError,
    "summary count must be a non-negative integer, got 3",
    () => prom.newConstSummary(desc0(), bad("3"), 0, {})),
  throws("mustNewConstSummary", "a quantile above 1", InvalidValueError,
    "summary quantile 1.5 is not in [0, 1]",
    () => prom.mustNewConstSummary(desc0(), 1, 1, { 1.5: 1 })),
  throws("mustNewConstSummary", "a NaN quantile", InvalidValueError,
    "summary quantile NaN is not in [0, 1]",
    () => prom.mustNewConstSummary(desc0(), 1, 1, new Map([[NaN, 1]]))),
  throws("mustNewConstSummary", "a quantile value that is a string", InvalidValueError,
    "summary quantile 0.5 value must be a number, got string",
    () => prom.mustNewConstSummary(desc0(), 1, 1, bad({ 0.5: "x" }))),
  throws("mustNewConstSummary", "a sum that is a string", InvalidValueError,
    "summary sum must be a number, got string",
    () => prom.mustNewConstSummary(desc0(), 1, bad("s"), {})),
];

const timestamps: Case[] = [
  throws("newMetricWithTimestamp", "NaN", InvalidValueError,
    "timestamp must be a valid date or a finite number of ms, got NaN",
    () => prom.newMetricWithTimestamp(NaN, anyMetric())),
  throws("newMetricWithTimestamp", "-Infinity", InvalidValueError,
    "timestamp must be a valid date or a finite number of ms, got -Infinity",
    () => prom.newMetricWithTimestamp(-Infinity, anyMetric())),
  throws("newMetricWithTimestamp", "an invalid Date", InvalidValueError,
    "timestamp must be a valid date or a finite number of ms, got Invalid Date",
    () => prom.newMetricWithTimestamp(new Date("not a date"), anyMetric())),
  throws("newMetricWithTimestamp", "a string", InvalidValueError,
    "timestamp must be a valid date or a finite number of ms, got 2020-01-01",
    () => prom.newMetricWithTimestamp(bad("2020-01-01"), anyMetric())),
  throws("newMetricWithTimestamp", "1e300 ms", InvalidValueError,
    "timestamp 1e+300 ms is not within ±9007199254740991 ms",
    () => prom.newMetricWithTimestamp(1e300, anyMetric())),
  throws("newMetricWithTimestamp", "-2^60 ms", InvalidValueError,
    "timestamp -1152921504606847000 ms is not within ±9007199254740991 ms",
    () => prom.newMetricWithTimestamp(-(2 ** 60), anyMetric())),
];

const registration: Case[] = [
  returns("register", "null", InvalidCollectorError,
    "null is not a collector: it needs describe(ch) and collect(ch) methods",
    () => register(bad(null))),
  returns("register", "a number", InvalidCollectorError,
    "42 is not a collector: it needs describe(ch) and collect(ch) methods",
    () => register(bad(42))),
  returns("register", "an object without collect", InvalidCollectorError,
    "value of type Object is not a collector: it needs describe(ch) and collect(ch) methods",
    () => register(bad({ describe() {} }))),
  returns("register", "a describe that throws", InvalidCollectorError,
    "describe of collector failed: boom",
    () => register(describeWith(() => { throw new Error("boom"); }))),
  returns("register", "an async describe", InvalidCollectorError,
    "describe of collector returned a promise; describe must send its descriptors synchronously",
    () => register({ describe: bad(async () => undefined), collect() {} })),
  returns("register", "a describe sending a string", InvalidCollectorError,
    "describe of collector sent x, which is not a Desc",
    () => register(describeWith((ch) => void ch.send(bad("x"))))),
  returns("register", "a describe sending null", InvalidCollectorError,
    "describe of collector sent null, which is not a Desc",
    () => register(describeWith((ch) => void ch.send(bad(null))))),
  throws("mustRegister", "undefined", InvalidCollectorError,
    "undefined is not a collector: it needs describe(ch) and collect(ch) methods",
    () => prom.newRegistry().mustRegister(bad(undefined))),
  {
    api: "register", input: "the same collector twice", how: "returns",
    error: AlreadyRegisteredError, message: "duplicate metrics collector registration attempted",
    call: () => {
      const reg = prom.newRegistry();
      const g = gauge();
      reg.mustRegister(g);
      return reg.register(g);
    },
  },
  {
    api: "register", input: "a name registered with another help", how: "returns", error: DescConflictError,
    message: 'a previously registered descriptor with the same fully-qualified name as Desc{fqName: "g", help: "other", constLabels: {}, variableLabels: []} has different label names or a different help string',
    call: () => {
      const reg = prom.newRegistry();
      reg.mustRegister(gauge());
      return reg.register(prom.newGauge({ name: "g", help: "other" }));
    },
  },
  throws("describeByCollect", "an async collect", InvalidCollectorError,
    "describeByCollect needs a synchronous collect, but collector returned a promise",
    () => prom.describeByCollect({ describe() {}, collect: async () => undefined }, new prom.Channel())),
  throws("new Channel", "a capacity of 0", RangeError,
    "channel capacity must be a positive integer, got 0",
    () => new prom.Channel(0)),
  throws("new Channel", "a fractional capacity", RangeError,
    "channel capacity must be a positive integer, got 2.5",
    () => new prom.Channel(2.5)),
];

const reg = prom.newRegistry();
const handlerOptions: Case[] = [
  throws("handlerFor", "null for a gatherer", InvalidOptionsError,
    "null is not a gatherer: it needs a gather() method",
    () => handlerFor(bad(null))),
  throws("handlerFor", "an object without gather", InvalidOptionsError,
    "[object Object] is not a gatherer: it needs a gather() method",
    () => handlerFor(bad({}))),
  throws("handlerFor", "a negative maxRequestsInFlight", InvalidOptionsError,
    "maxRequestsInFlight must be a non-negative integer, got -1",
    () => handlerFor(reg, { maxRequestsInFlight: -1 })),
  throws("handlerFor", "a fractional maxRequestsInFlight", InvalidOptionsError,
    "maxRequestsInFlight must be a non-negative integer, got 1.5",
    () => handlerFor(reg, { maxRequestsInFlight: 1.5 })),
  throws("handlerFor", "a NaN maxRequestsInFlight", InvalidOptionsError,
    "maxRequestsInFlight must be a non-negative integer, got NaN",
    () => handlerFor(reg, { maxRequestsInFlight: NaN })),
  throws("handlerFor", "a negative timeout", InvalidOptionsError,
    "timeout must be a non-negative number of ms, got -1",
    () => handlerFor(reg, { timeout: -1 })),
  throws("handlerFor", "a NaN timeout", InvalidOptionsError,
    "timeout must be a non-negative number of ms, got NaN",
    () => handlerFor(reg, { timeout: NaN })),
  throws("handlerFor", "a timeout that is a string", InvalidOptionsError,
    "timeout must be a non-negative number of ms, got 10s",
    () => handlerFor(reg, { timeout: bad("10s") })),
  throws("handlerFor", "an unknown error handling", InvalidOptionsError,
    'unknown errorHandling "ignore": use "http", "continue" or "panic"',
    () => handlerFor(reg, { errorHandling: bad("ignore") })),
];

const text: Case[] = [
  throws("parseText", "an unterminated label set", TextParseError,
    'text format parsing error in line 1: invalid label name for metric "metric"',
    () => parseText("metric{\n")),
  throws("parseText", "a value that is not a float", TextParseError,
    'text format parsing error in line 1: expected float as value, got "NaNa"',
    () => parseText("x NaNa\n")),
  throws("parseText", "an invalid escape", TextParseError,
    "text format parsing error in line 1: invalid escape sequence '\\q'",
    () => parseText('x{a="\\q"} 1\n')),
  throws("parseText", "a second TYPE line", TextParseError,
    'text format parsing error in line 2: second TYPE line for metric name "x", or TYPE reported after samples',
    () => parseText("# TYPE x gauge\n# TYPE x counter\nx 1\n")),
];

const table: Record<string, Case[]> = {
  names, labelCounts, labelValues, values, buckets, summaries, constCounts, timestamps, registration,
  handlerOptions, text,
};

/** outcome calls `call` and says how it failed: what it threw, returned, or left in a Desc. */
function outcome(call: () => unknown): { how: How | "accepted"; err: unknown } {
  let value: unknown;
  try {
    value = call();
  } catch (err) {
    return { how: "throws", err };
  }
  if (value instanceof Error) return { how: "returns", err: value };
  if (Array.isArray(value) && value.length === 2 && value[0] === undefined && value[1] instanceof Error) {
    return { how: "returns", err: value[1] };
  }
  if (value instanceof prom.Desc && value.err !== undefined) return { how: "desc", err: value.err };
  return { how: "accepted", err: undefined };
}

for (const [group, cases] of Object.entries(table)) {
  describe(`bad input: ${group}`, () => {
    for (const c of cases) {
      const test = c.gap === undefined ? it : it.fails;
      test(`${c.api} refuses ${c.input}${c.gap === undefined ? "" : ` (known gap: ${c.gap})`}`, () => {
        const { how, err } = outcome(c.call);
        expect(how).toBe(c.how);
        expect(err).toBeInstanceOf(c.error);
        expect((err as Error).message).toBe(c.message);
        if (c.error.prototype instanceof Error && c.error !== RangeError && c.error !== TextParseError) {
          expect(err).toBeInstanceOf(prom.PrometheusError);
        }
        if (c.cause !== undefined) expect((err as Error).cause).toBeInstanceOf(c.cause);
      });
    }
  });
}

describe("bad input leaves nothing behind", () => {
  it("a vec keeps no child for label values it refused", async () => {
    const v = vec();
    for (const values of [["x"], ["x", "\ud800"], ["x", bad<string>(1)], ["x", "y", "z"]]) {
      expect(() => v.withLabelValues(...values)).toThrow(prom.PrometheusError);
    }
    expect(() => v.with({ a: "x", b: "\udfff" })).toThrow(InvalidLabelValueError);
    const r = prom.newRegistry();
    r.mustRegister(v);
    expect(await r.gather()).toEqual([]);
  });

  it("a refused registration leaves the registry as it was", async () => {
    const r = prom.newRegistry();
    const g = gauge();
    g.set(1);
    r.mustRegister(g);
    const before = await r.gather();
    const refused = [
      bad<prom.Collector>(null),
      prom.newCounter({ name: "bad name", help: "h" }),
      describeWith((ch) => void ch.send(bad("x"))),
    ];
    for (const c of refused) {
      expect(r.register(c)).toBeInstanceOf(prom.PrometheusError);
    }
    expect(await r.gather()).toEqual(before);
  });

  it("a refused observation or increment does not change the metric", () => {
    const h = prom.newHistogram({ ...opts, buckets: [1, 2] });
    h.observe(1.5);
    const written = JSON.stringify(h.write());
    expect(() => h.observe(bad("5"))).toThrow(InvalidValueError);
    expect(JSON.stringify(h.write())).toBe(written);
    const c = prom.newCounter(opts);
    c.add(2);
    for (const v of [-1, NaN, bad<number>("1")]) expect(() => c.add(v)).toThrow(InvalidValueError);
    expect(c.get()).toBe(2);
  });
});
