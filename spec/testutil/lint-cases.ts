/**
 * Expositions for the linter and the `lint` command, with what promtool 2.42's `check metrics`
 * prints for each (its exit status and its standard error, line for line). The expected lines were
 * written down from promtool's own output; spec/conformance/promtool.spec.ts re-runs promtool on
 * every case to keep them honest, and spec/testutil checks our linter and command against them.
 */

/** LintCase is one exposition and promtool's verdict on it. */
export interface LintCase {
  name: string;
  text: string;
  /** promtool's exit status: 0 clean, 3 lint problems, 1 parse error. */
  status: 0 | 1 | 3;
  /** promtool's standard error, line by line. */
  stderr: string[];
}

const help = (name: string, type: string) => `# HELP ${name} h\n# TYPE ${name} ${type}\n`;
const gauge = (name: string) => `${help(name, "gauge")}${name} 1\n`;
const counter = (name: string) => `${help(name, "counter")}${name} 1\n`;

/** One case per rule and per branch of each rule, and a few combinations. */
export const lintCases: LintCase[] = [
  { name: "empty input", text: "", status: 0, stderr: [] },
  { name: "comments and no samples", text: "# a comment\n# TYPE a gauge\n# HELP a h\n\n", status: 0, stderr: [] },
  { name: "clean gauge", text: gauge("temperature_celsius"), status: 0, stderr: [] },
  { name: "no help", text: "# TYPE x gauge\nx 1\n", status: 3, stderr: ["x no help text"] },
  { name: "empty help", text: "# HELP x \n# TYPE x gauge\nx 1\n", status: 3, stderr: ["x no help text"] },
  { name: "help without text", text: "# HELP x\n# TYPE x gauge\nx 1\n", status: 3, stderr: ["x no help text"] },
  {
    name: "base units",
    text: ["amperes", "bytes", "celsius", "grams", "joules", "kelvin", "meters", "metres", "seconds", "volts"]
      .map((u) => gauge(`x_${u}`))
      .join(""),
    status: 0,
    stderr: [],
  },
  {
    name: "prefixed and non-base units",
    text: [
      "milliamperes", "gigabytes", "kilograms", "nanocelsius", "kilometers", "picometers", "microseconds",
      "minutes", "hours", "days", "weeks", "kelvins", "fahrenheit", "rankine", "inches", "yards", "miles",
      "bits", "calories", "pounds", "ounces", "kibibytes", "hectometres", "megavolts",
    ]
      .map((u) => gauge(`x_${u}_used`))
      .join(""),
    status: 3,
    stderr: [
      'x_bits_used use base unit "bytes" instead of "bits"',
      'x_calories_used use base unit "joules" instead of "calories"',
      'x_days_used use base unit "seconds" instead of "days"',
      'x_fahrenheit_used use base unit "celsius" instead of "fahrenheit"',
      'x_gigabytes_used use base unit "bytes" instead of "gigabytes"',
      'x_hectometres_used use base unit "metres" instead of "hectometres"',
      'x_hours_used use base unit "seconds" instead of "hours"',
      'x_inches_used use base unit "meters" instead of "inches"',
      'x_kelvins_used use base unit "kelvin" instead of "kelvins"',
      'x_kibibytes_used use base unit "bytes" instead of "kibibytes"',
      'x_kilograms_used use base unit "grams" instead of "kilograms"',
      'x_kilometers_used use base unit "meters" instead of "kilometers"',
      'x_megavolts_used use base unit "volts" instead of "megavolts"',
      'x_microseconds_used use base unit "seconds" instead of "microseconds"',
      'x_miles_used use base unit "meters" instead of "miles"',
      'x_milliamperes_used use base unit "amperes" instead of "milliamperes"',
      'x_minutes_used use base unit "seconds" instead of "minutes"',
      'x_nanocelsius_used use base unit "celsius" instead of "nanocelsius"',
      'x_ounces_used use base unit "grams" instead of "ounces"',
      'x_picometers_used use base unit "meters" instead of "picometers"',
      'x_pounds_used use base unit "grams" instead of "pounds"',
      'x_rankine_used use base unit "celsius" instead of "rankine"',
      'x_weeks_used use base unit "seconds" instead of "weeks"',
      'x_yards_used use base unit "meters" instead of "yards"',
    ],
  },
  {
    name: "words that only look like units",
    text: gauge("thermometers") + gauge("x_moles") + gauge("x_bytesize") + gauge("x_Seconds") + gauge("x_kilo_bytes"),
    status: 0,
    stderr: [],
  },
  {
    name: "the same unit twice, with and without prefix",
    text: gauge("x_kilobytes_bytes") + gauge("x_bytes_kilobytes"),
    status: 3,
    stderr: [
      'x_bytes_kilobytes use base unit "bytes" instead of "kilobytes"',
      'x_kilobytes_bytes use base unit "bytes" instead of "kilobytes"',
    ],
  },
  {
    name: "counter suffixes",
    text:
      counter("requests") +
      counter("requests_total") +
      gauge("queue_total") +
      "# HELP u_total h\n# TYPE u_total untyped\nu_total 1\n" +
      "# HELP h_total h\n# TYPE h_total histogram\nh_total_bucket{le=\"+Inf\"} 1\nh_total_sum 1\nh_total_count 1\n" +
      "# HELP s_total h\n# TYPE s_total summary\ns_total_sum 1\ns_total_count 1\n",
    status: 3,
    stderr: [
      'h_total non-counter metrics should not have "_total" suffix',
      'queue_total non-counter metrics should not have "_total" suffix',
      'requests counter metrics should have "_total" suffix',
      's_total non-counter metrics should not have "_total" suffix',
    ],
  },
  {
    name: "histogram and summary suffixes on other types",
    text:
      gauge("g_bucket") +
      gauge("g_count") +
      gauge("g_sum") +
      counter("c_count") +
      "# HELP s_bucket h\n# TYPE s_bucket summary\ns_bucket_sum 1\ns_bucket_count 1\n" +
      "# HELP h_count h\n# TYPE h_count histogram\nh_count_bucket{le=\"+Inf\"} 1\nh_count_sum 1\nh_count_count 1\n" +
      "# HELP u_count h\n# TYPE u_count untyped\nu_count 1\n",
    status: 3,
    stderr: [
      'c_count counter metrics should have "_total" suffix',
      'c_count non-histogram and non-summary metrics should not have "_count" suffix',
      'g_bucket non-histogram metrics should not have "_bucket" suffix',
      'g_count non-histogram and non-summary metrics should not have "_count" suffix',
      'g_sum non-histogram and non-summary metrics should not have "_sum" suffix',
      's_bucket non-histogram metrics should not have "_bucket" suffix',
    ],
  },
  {
    name: "le and quantile labels on other types, once per series",
    text:
      '# HELP g h\n# TYPE g gauge\ng{le="1"} 1\ng{le="2",quantile="0.5"} 1\n' +
      '# HELP h h\n# TYPE h histogram\nh_bucket{quantile="0.5",le="+Inf"} 1\nh_sum{quantile="0.5"} 1\nh_count{quantile="0.5"} 1\n' +
      '# HELP s h\n# TYPE s summary\ns{le="1",quantile="0.5"} 1\ns_sum{le="1"} 1\ns_count{le="1"} 1\n' +
      '# HELP u h\n# TYPE u untyped\nu{le="1",quantile="1"} 1\n',
    status: 3,
    stderr: [
      'g non-histogram metrics should not have "le" label',
      'g non-histogram metrics should not have "le" label',
      'g non-summary metrics should not have "quantile" label',
      'h non-summary metrics should not have "quantile" label',
      's non-histogram metrics should not have "le" label',
    ],
  },
  {
    name: "a histogram and a summary as they should be",
    text:
      '# HELP rpc_duration_seconds h\n# TYPE rpc_duration_seconds histogram\nrpc_duration_seconds_bucket{le="0.1"} 1\n' +
      'rpc_duration_seconds_bucket{le="+Inf"} 2\nrpc_duration_seconds_sum 3\nrpc_duration_seconds_count 2\n' +
      '# HELP rpc_size_bytes h\n# TYPE rpc_size_bytes summary\nrpc_size_bytes{quantile="0.5"} 10\n' +
      "rpc_size_bytes_sum 30\nrpc_size_bytes_count 3\n",
    status: 0,
    stderr: [],
  },
  {
    name: "type names in metric names",
    text: [
      "x_counter", "x_gauge", "x_summary", "x_histogram", "x_gauge_histogram", "x_untyped", "x_counter_value",
      "X_GAUGE", "gauge_x", "x_gauges", "x_histogram_seconds",
    ]
      .map(gauge)
      .join(""),
    status: 3,
    stderr: [
      "X_GAUGE metric name should not include type 'gauge'",
      "x_counter metric name should not include type 'counter'",
      "x_counter_value metric name should not include type 'counter'",
      "x_gauge metric name should not include type 'gauge'",
      "x_gauge_histogram metric name should not include type 'gauge'",
      "x_gauge_histogram metric name should not include type 'gauge_histogram'",
      "x_gauge_histogram metric name should not include type 'histogram'",
      "x_histogram metric name should not include type 'histogram'",
      "x_histogram_seconds metric name should not include type 'histogram'",
      "x_summary metric name should not include type 'summary'",
    ],
  },
  {
    name: "colons",
    text: gauge("job:request_errors:rate5m") + gauge("a::b"),
    status: 3,
    stderr: [
      "a::b metric names should not contain ':'",
      "job:request_errors:rate5m metric names should not contain ':'",
    ],
  },
  {
    name: "camelCase names and labels, once per series",
    text:
      '# HELP requestDuration h\n# TYPE requestDuration gauge\nrequestDuration{methodName="a",status_code="1"} 1\n' +
      'requestDuration{methodName="b",status_code="2"} 1\n' +
      gauge("ALLCAPS") +
      gauge("Snake_Case") +
      gauge("x_aB") +
      '# HELP y h\n# TYPE y gauge\ny{HTTPCode="1",A="2",aB="3"} 1\n',
    status: 3,
    stderr: [
      "requestDuration label names should be written in 'snake_case' not 'camelCase'",
      "requestDuration label names should be written in 'snake_case' not 'camelCase'",
      "requestDuration metric names should be written in 'snake_case' not 'camelCase'",
      "x_aB metric names should be written in 'snake_case' not 'camelCase'",
      "y label names should be written in 'snake_case' not 'camelCase'",
    ],
  },
  {
    name: "abbreviated units",
    text: ["s", "ms", "us", "ns", "sec", "b", "kb", "mb", "gb", "tb", "pb", "m", "h", "d"]
      .map((a) => gauge(`x_${a}`) + gauge(`y_${a}_value`))
      .join(""),
    status: 3,
    stderr: [
      "x_b metric names should not contain abbreviated units",
      "x_d metric names should not contain abbreviated units",
      "x_gb metric names should not contain abbreviated units",
      "x_h metric names should not contain abbreviated units",
      "x_kb metric names should not contain abbreviated units",
      "x_m metric names should not contain abbreviated units",
      "x_mb metric names should not contain abbreviated units",
      "x_ms metric names should not contain abbreviated units",
      "x_ns metric names should not contain abbreviated units",
      "x_pb metric names should not contain abbreviated units",
      "x_s metric names should not contain abbreviated units",
      "x_sec metric names should not contain abbreviated units",
      "x_tb metric names should not contain abbreviated units",
      "x_us metric names should not contain abbreviated units",
      "y_b_value metric names should not contain abbreviated units",
      "y_d_value metric names should not contain abbreviated units",
      "y_gb_value metric names should not contain abbreviated units",
      "y_h_value metric names should not contain abbreviated units",
      "y_kb_value metric names should not contain abbreviated units",
      "y_m_value metric names should not contain abbreviated units",
      "y_mb_value metric names should not contain abbreviated units",
      "y_ms_value metric names should not contain abbreviated units",
      "y_ns_value metric names should not contain abbreviated units",
      "y_pb_value metric names should not contain abbreviated units",
      "y_s_value metric names should not contain abbreviated units",
      "y_sec_value metric names should not contain abbreviated units",
      "y_tb_value metric names should not contain abbreviated units",
      "y_us_value metric names should not contain abbreviated units",
    ],
  },
  {
    name: "abbreviated units that are not words",
    text: gauge("x_secs") + gauge("ms_x") + gauge("x_sm") + gauge("x_S") + gauge("x_s_s"),
    status: 3,
    stderr: [
      "x_S metric names should not contain abbreviated units",
      "x_s_s metric names should not contain abbreviated units",
    ],
  },
  {
    name: "everything at once",
    text: '# TYPE someThing_ms counter\nsomeThing_ms{fooBar="bar",label1="value1"} 1\nsomeThing_ms{fooBar="baz",label1="value1"} 1\n',
    status: 3,
    stderr: [
      'someThing_ms counter metrics should have "_total" suffix',
      "someThing_ms label names should be written in 'snake_case' not 'camelCase'",
      "someThing_ms label names should be written in 'snake_case' not 'camelCase'",
      "someThing_ms metric names should be written in 'snake_case' not 'camelCase'",
      "someThing_ms metric names should not contain abbreviated units",
      "someThing_ms no help text",
    ],
  },
];

function parseError(name: string, text: string, line: number, message: string): LintCase {
  return { name, text, status: 1, stderr: [`error while linting: text format parsing error in line ${line}: ${message}`] };
}

/**
 * Expositions promtool rejects, with the line and message of its error (`error while linting: text
 * format parsing error in line N: MESSAGE`, status 1).
 */
export const parseErrorCases: LintCase[] = [
  parseError("bad timestamp", "x 1 x\n", 1, 'expected integer as timestamp, got "x"'),
  parseError("duplicate label", 'x{a="1",a="2"} 1\n', 1, 'duplicate label names for metric "x"'),
  parseError("hex float", "x 0x1p3\n", 1, 'expected float as value, got "0x1p3"'),
  parseError("invalid escape", 'x{a="\\q"} 1\n', 1, "invalid escape sequence '\\q'"),
  parseError("invalid escape in help", "# HELP x a\\tb\nx 1\n", 1, "invalid escape sequence '\\t'"),
  parseError("unknown type", "# TYPE x foo\n", 1, 'unknown metric type "foo"'),
  parseError("spurious string after timestamp", "x 1 1 2\n", 1, 'spurious string after timestamp: " 2"'),
  parseError("no metric name", "{} 1\n", 1, "invalid metric name"),
  parseError("unterminated label value", 'x{a="b} 1\n', 1, 'label value "b} 1" contains unescaped new-line'),
  parseError("second HELP", "# HELP x a\n# HELP x b\nx 1\n", 2, 'second HELP line for metric name "x"'),
  parseError("second TYPE", "# TYPE x gauge\n# TYPE x counter\n", 2, 'second TYPE line for metric name "x", or TYPE reported after samples'),
  parseError("TYPE after samples", "x 1\n# TYPE x gauge\n", 2, 'second TYPE line for metric name "x", or TYPE reported after samples'),
  parseError("invalid label name", 'x{1a="b"} 1\n', 1, 'invalid label name for metric "x"'),
  parseError("missing comma", 'x{a="b" c="d"} 1\n', 1, 'unexpected end of label value "b"'),
  parseError("no value", "x\n", 1, 'expected float as value, got ""'),
  parseError("no final newline", "x 1", 1, "unexpected end of input stream"),
  parseError("bad value", "x one\n", 1, 'expected float as value, got "one"'),
  parseError("underscore in value", "x 1_000\n", 1, 'expected float as value, got "1_000"'),
  parseError("bad le", '# TYPE h histogram\nh_bucket{le="x"} 1\n', 2, "expected float as value for 'le' label, got \"x\""),
  parseError("bad quantile", '# TYPE s summary\ns{quantile="x"} 1\n', 2, "expected float as value for 'quantile' label, got \"x\""),
  parseError("__name__ label", 'x{__name__="y"} 1\n', 1, 'label name "__name__" is reserved'),
  parseError("error on a later line", "# HELP a h\n# TYPE a gauge\na 1\n\nb{c=} 1\n", 5, "expected '\"' at start of label value, found '}'"),
  parseError("label value with newline", 'x{a="b\nc"} 1\n', 1, 'label value "b" contains unescaped new-line'),
  parseError("invalid metric name in comment", "# TYPE 1x gauge\n", 1, "invalid metric name in comment"),
  parseError("timestamp out of range", "x 1 99999999999999999999\n", 1, 'expected integer as timestamp, got "99999999999999999999"'),
];

/** Expositions both accept although they look odd: special floats, spacing, untyped folding. */
export const oddButValidCases: LintCase[] = [
  {
    name: "special floats",
    text: 'x{a="1"} +Inf\nx{a="2"} -Inf\nx{a="3"} NaN\nx{a="4"} -0\nx{a="5"} 1e-320\n',
    status: 3,
    stderr: ["x no help text"],
  },
  {
    name: "go-style float spellings",
    text: 'x{a="1"} inf\nx{a="2"} +infinity\nx{a="3"} nan\nx{a="4"} .5\nx{a="5"} 5.\nx{a="6"} 1E3\n',
    status: 3,
    stderr: ["x no help text"],
  },
  {
    name: "blanks and tabs",
    text: '# HELP  x \t help\n#   TYPE x\tgauge\n  x { a = "1" , b="2" , } \t 1 \t 123\n',
    status: 0,
    stderr: [],
  },
  { name: "trailing comma", text: '# HELP x h\nx{a="1",} 1\n', status: 0, stderr: [] },
  { name: "timestamps", text: "# HELP x h\nx 1 -1\n", status: 0, stderr: [] },
  {
    name: "histogram buckets without _bucket",
    text: '# HELP h h\n# TYPE h histogram\nh{le="1"} 0\nh{le="+Inf"} 1\nh_sum 2\nh_count 1\n',
    status: 0,
    stderr: [],
  },
  {
    name: "escaped help and labels",
    text: '# HELP x a\\\\b\\nc "d"\nx{a="\\\\\\n\\""} 1\n',
    status: 0,
    stderr: [],
  },
  {
    name: "unicode, NUL and CR",
    text: '# HELP x \u2603 \u{1F600}\nx{a="\u{1F600}\u00e9\u0000\r"} 1\n',
    status: 0,
    stderr: [],
  },
];
