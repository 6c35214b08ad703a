/**
 * The OpenMetrics encoder: every golden-om file of client_golang byte for byte, rebuilt with our
 * API (the partial files from `GatherError.families`); then one table of `{ family, text }` for
 * what the golden cases do not show (exemplars, units, created lines, gauge histograms); the
 * errors; and what promtool 2.42 makes of the output.
 *
 * The exemplar rows were also checked against Go's encoder (prometheus/common 0.39's
 * `MetricFamilyToOpenMetrics`); the unit, created and gaugehistogram rows follow the
 * OpenMetrics 1.0 specification and later expfmt releases (see the header of openmetrics.ts).
 */
import { execFile } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { describe, expect, it } from "vitest";

import {
  ExemplarMaxRunes,
  finalizeOpenMetrics,
  formatOpenMetricsFloat,
  metricFamiliesToOpenMetrics,
  metricFamilyToOpenMetrics,
  openMetricsChunks,
  type OpenMetricsOptions,
} from "../../lib/expfmt/openmetrics.js";
import { EncodeError } from "../../lib/expfmt/text.js";
import type { Exemplar, MetricFamily } from "../../lib/model/index.js";
import * as prom from "../../lib/prometheus/index.js";
import { gatherErrorCases, okCases } from "../conformance/cases.js";
import { conformanceDir, hasGolden } from "../support/golden.js";
import { hasPromtool, promtoolCheckMetrics, promtoolPath } from "../support/promtool.js";

const goldenOmDir = join(conformanceDir, "golden-om");

function goldenOm(file: string): string {
  return readFileSync(join(goldenOmDir, file), "utf8");
}

/**
 * familiesOf gathers the families a golden-om file was written from. client_golang 1.14 has no
 * created timestamps, so `_created` lines are off as in Go's encoder without `WithCreatedLines`.
 */
async function familiesOf(file: string): Promise<MetricFamily[]> {
  const name = file.replace(/(\.partial)?\.txt$/, "");
  if (name === "err_duplicate_registration") {
    const reg = prom.newRegistry();
    const dup = prom.newGauge({ name: "dup", help: "dup" });
    reg.mustRegister(dup);
    expect(reg.register(dup)).toBeInstanceOf(prom.AlreadyRegisteredError);
    return reg.gather();
  }
  const ok = okCases[name];
  if (ok !== undefined) return ok().gather();
  const failing = gatherErrorCases[name];
  if (failing === undefined) throw new Error(`no case builds ${file}`);
  const err = await failing()
    .gather()
    .then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(prom.GatherError);
  return (err as prom.GatherError).families;
}

describe.runIf(hasGolden())("golden-om: client_golang's OpenMetrics output", () => {
  const files = existsSync(goldenOmDir) ? readdirSync(goldenOmDir).filter((f) => f.endsWith(".txt")).sort() : [];

  it("finds the golden-om files", () => {
    expect(files.length).toBeGreaterThanOrEqual(22);
  });

  it.each(files)("%s: same bytes as client_golang", async (file) => {
    expect(metricFamiliesToOpenMetrics(await familiesOf(file))).toBe(goldenOm(file));
  });

  it.each(files)("%s: the same bytes announced as 0.0.1, and in small chunks", async (file) => {
    const families = await familiesOf(file);
    expect(metricFamiliesToOpenMetrics(families, { version: "0.0.1" })).toBe(goldenOm(file));
    const chunks = [...openMetricsChunks(families, { chunkSize: 64 })];
    expect(chunks.join("")).toBe(goldenOm(file));
    for (const chunk of chunks) expect(chunk.endsWith("\n")).toBe(true);
  });

  it("family by family, then finalizeOpenMetrics, is the whole exposition", async () => {
    const families = await familiesOf("histogram_custom_buckets.txt");
    const perFamily = families.map((f) => metricFamilyToOpenMetrics(f)).join("") + finalizeOpenMetrics();
    expect(perFamily).toBe(goldenOm("histogram_custom_buckets.txt"));
    expect([...openMetricsChunks(families, { eof: false })].join("") + "# EOF\n").toBe(perFamily);
  });
});

const trace = (value: string, timestampMs?: number, label = "trace_id"): Exemplar => ({
  label: [{ name: label, value }],
  value: 1,
  ...(timestampMs === undefined ? {} : { timestampMs }),
});

interface Row {
  name: string;
  families: MetricFamily[];
  options?: OpenMetricsOptions;
  text: string;
}

const table: Row[] = [
  {
    // Go writes an exemplar's time as float64(UnixNano)/1e9, which is not always the shortest
    // decimal of the ms: 1600000000123 ms gives 1.6000000001230001e+09 (a sample timestamp,
    // written as ms/1000, gives 1.600000000123e+09).
    name: "counter exemplars, with and without timestamp",
    families: [
      {
        name: "requests_total",
        help: "Requests served.",
        type: "counter",
        metric: [
          { label: [{ name: "code", value: "200" }], counter: { value: 5, exemplar: trace("4bf92f3577b34da6", 1600000000000) } },
          {
            label: [{ name: "code", value: "500" }],
            counter: {
              value: 0.5,
              exemplar: {
                label: [{ name: "trace_id", value: "a1" }, { name: "span_id", value: "b2" }],
                value: 0.25,
                timestampMs: 1600000000123,
              },
            },
          },
          { label: [{ name: "code", value: "503" }], counter: { value: 2, exemplar: trace("c3") } },
        ],
      },
    ],
    text: `# HELP requests Requests served.
# TYPE requests counter
requests_total{code="200"} 5.0 # {trace_id="4bf92f3577b34da6"} 1.0 1.6e+09
requests_total{code="500"} 0.5 # {trace_id="a1",span_id="b2"} 0.25 1.6000000001230001e+09
requests_total{code="503"} 2.0 # {trace_id="c3"} 1.0
# EOF
`,
  },
  {
    name: "exemplar after the sample timestamp; label values escaped; an exemplar without labels left out",
    families: [
      {
        name: "jobs_total",
        help: "Jobs.",
        type: "counter",
        metric: [
          { label: [{ name: "q", value: "a" }], counter: { value: 2, exemplar: trace('ü"\\\n', -1500) }, timestampMs: 1234 },
          { label: [{ name: "q", value: "b" }], counter: { value: 3, exemplar: { label: [], value: 1 } } },
        ],
      },
    ],
    text: `# HELP jobs Jobs.
# TYPE jobs counter
jobs_total{q="a"} 2.0 1.234 # {trace_id="ü\\"\\\\\\n"} 1.0 -1.5
jobs_total{q="b"} 3.0
# EOF
`,
  },
  {
    name: "exemplars on buckets; the added +Inf bucket has none",
    families: [
      {
        name: "latency_seconds",
        help: "Latency.",
        type: "histogram",
        metric: [
          {
            label: [],
            histogram: {
              sampleCount: 3,
              sampleSum: 1.5,
              bucket: [
                { cumulativeCount: 1, upperBound: 0.1, exemplar: { ...trace("t1", 1600000000000), value: 0.05 } },
                { cumulativeCount: 2, upperBound: 1 },
              ],
            },
          },
        ],
      },
    ],
    text: `# HELP latency_seconds Latency.
# TYPE latency_seconds histogram
latency_seconds_bucket{le="0.1"} 1 # {trace_id="t1"} 0.05 1.6e+09
latency_seconds_bucket{le="1.0"} 2
latency_seconds_bucket{le="+Inf"} 3
latency_seconds_sum 1.5
latency_seconds_count 3
# EOF
`,
  },
  {
    name: "an exemplar of exactly 128 runes (240 UTF-16 units)",
    families: [
      {
        name: "e_total",
        type: "counter",
        metric: [{ label: [], counter: { value: 1, exemplar: trace("😀".repeat(120)) } }],
      },
    ],
    text: `# TYPE e counter\ne_total 1.0 # {trace_id="${"😀".repeat(120)}"} 1.0\n# EOF\n`,
  },
  {
    name: "units: # UNIT after # TYPE, under the name without _total",
    families: [
      { name: "disk_size_bytes", help: "Disk size.", type: "gauge", unit: "bytes", metric: [{ label: [], gauge: { value: 1e12 } }] },
      { name: "uptime_seconds_total", help: "Uptime.", type: "counter", unit: "seconds", metric: [{ label: [], counter: { value: 3 } }] },
      { name: "no_unit", help: "An empty unit is no unit.", type: "gauge", unit: "", metric: [{ label: [], gauge: { value: 1 } }] },
    ],
    text: `# HELP disk_size_bytes Disk size.
# TYPE disk_size_bytes gauge
# UNIT disk_size_bytes bytes
disk_size_bytes 1e+12
# HELP uptime_seconds Uptime.
# TYPE uptime_seconds counter
# UNIT uptime_seconds seconds
uptime_seconds_total 3.0
# HELP no_unit An empty unit is no unit.
# TYPE no_unit gauge
no_unit 1.0
# EOF
`,
  },
  {
    name: "created lines, when asked for: seconds, after the counter sample or the _count, without the timestamp",
    options: { createdLines: true },
    families: [
      {
        name: "requests_total",
        help: "Requests.",
        type: "counter",
        metric: [{ label: [{ name: "code", value: "200" }], counter: { value: 1, createdTimestampMs: 1600000000500 } }],
      },
      { name: "legacy", help: "A counter without _total.", type: "counter", metric: [{ label: [], counter: { value: 1, createdTimestampMs: 0 } }] },
      {
        name: "rpc_seconds",
        help: "RPCs.",
        type: "summary",
        metric: [
          {
            label: [{ name: "op", value: "get" }],
            summary: { sampleCount: 3, sampleSum: 1.5, quantile: [{ quantile: 0.5, value: 0.25 }], createdTimestampMs: 1600000000000 },
            timestampMs: 1600000001000,
          },
        ],
      },
      {
        name: "size_bytes",
        help: "Sizes.",
        type: "histogram",
        metric: [{ label: [], histogram: { sampleCount: 1, sampleSum: 7, bucket: [{ cumulativeCount: 1, upperBound: 10 }], createdTimestampMs: 1600000000000 } }],
      },
      { name: "not_created", help: "No creation time.", type: "counter", metric: [{ label: [], counter: { value: 4 } }] },
    ],
    text: `# HELP requests Requests.
# TYPE requests counter
requests_total{code="200"} 1.0
requests_created{code="200"} 1.6000000005e+09
# HELP legacy A counter without _total.
# TYPE legacy unknown
legacy 1.0
legacy_created 0.0
# HELP rpc_seconds RPCs.
# TYPE rpc_seconds summary
rpc_seconds{op="get",quantile="0.5"} 0.25 1.600000001e+09
rpc_seconds_sum{op="get"} 1.5 1.600000001e+09
rpc_seconds_count{op="get"} 3 1.600000001e+09
rpc_seconds_created{op="get"} 1.6e+09
# HELP size_bytes Sizes.
# TYPE size_bytes histogram
size_bytes_bucket{le="10.0"} 1
size_bytes_bucket{le="+Inf"} 1
size_bytes_sum 7.0
size_bytes_count 1
size_bytes_created 1.6e+09
# HELP not_created No creation time.
# TYPE not_created unknown
not_created 4.0
# EOF
`,
  },
  {
    name: "created lines are off unless asked for (Go's default)",
    families: [
      {
        name: "requests_total",
        help: "Requests.",
        type: "counter",
        metric: [{ label: [], counter: { value: 1, createdTimestampMs: 1600000000000 } }],
      },
    ],
    text: "# HELP requests Requests.\n# TYPE requests counter\nrequests_total 1.0\n# EOF\n",
  },
  {
    name: "gaugehistogram: buckets (with exemplars), _gsum, _gcount, never _created",
    options: { createdLines: true },
    families: [
      {
        name: "queue_size_bytes",
        help: "Queued bytes.",
        type: "gaugehistogram",
        unit: "bytes",
        metric: [
          {
            label: [{ name: "queue", value: "q1" }],
            histogram: {
              sampleCount: 4,
              sampleSum: 2500,
              bucket: [
                { cumulativeCount: 3, upperBound: 1000, exemplar: { ...trace("t9"), value: 800 } },
                { cumulativeCount: 4, upperBound: Infinity },
              ],
              createdTimestampMs: 1600000000000,
            },
          },
        ],
      },
    ],
    text: `# HELP queue_size_bytes Queued bytes.
# TYPE queue_size_bytes gaugehistogram
# UNIT queue_size_bytes bytes
queue_size_bytes_bucket{queue="q1",le="1000.0"} 3 # {trace_id="t9"} 800.0
queue_size_bytes_bucket{queue="q1",le="+Inf"} 4
queue_size_bytes_gsum{queue="q1"} 2500.0
queue_size_bytes_gcount{queue="q1"} 4
# EOF
`,
  },
  {
    name: "untyped is unknown; no help, no HELP line; a family without metrics keeps its header (as Go)",
    families: [
      { name: "raw", type: "untyped", metric: [{ label: [{ name: "k", value: "v" }], untyped: { value: -0 } }] },
      { name: "nothing_total", help: "Never incremented.", type: "counter", metric: [] },
    ],
    text: `# TYPE raw unknown
raw{k="v"} 0.0
# HELP nothing Never incremented.
# TYPE nothing counter
# EOF
`,
  },
  {
    name: "counts beyond 2^53 are written as exact integers",
    families: [
      {
        name: "big",
        help: "Big counts.",
        type: "histogram",
        metric: [{ label: [], histogram: { sampleCount: 2 ** 64 - 2048, sampleSum: 1e300, bucket: [{ cumulativeCount: 2 ** 53 + 2, upperBound: 1 }] } }],
      },
    ],
    text: `# HELP big Big counts.
# TYPE big histogram
big_bucket{le="1.0"} 9007199254740994
big_bucket{le="+Inf"} 18446744073709549568
big_sum 1e+300
big_count 18446744073709549568
# EOF
`,
  },
];

describe("metricFamiliesToOpenMetrics", () => {
  it.each(table)("$name", ({ families, options, text }) => {
    expect(metricFamiliesToOpenMetrics(families, options)).toBe(text);
    expect([...openMetricsChunks(families, { ...options, chunkSize: 1 })].join("")).toBe(text);
  });

  it("runs the @example of openMetricsChunks", () => {
    const families: MetricFamily[] = [
      { name: "jobs_total", help: "Jobs.", type: "counter", metric: [{ label: [], counter: { value: 1 } }] },
    ];
    expect([...openMetricsChunks(families)].join("")).toBe("# HELP jobs Jobs.\n# TYPE jobs counter\njobs_total 1.0\n# EOF\n");
  });
});

/** [why, families, options, message]: each must throw an EncodeError with that message. */
const errorTable: ReadonlyArray<readonly [string, MetricFamily[], OpenMetricsOptions, string]> = [
  ["a family without a name", [{ name: "", type: "gauge", metric: [] }], {}, "MetricFamily has no name"],
  [
    "a unit the name does not end with",
    [{ name: "disk_size", type: "gauge", unit: "bytes", metric: [] }],
    {},
    "metric name disk_size does not end with the unit suffix _bytes",
  ],
  [
    "a counter's unit is checked on the name without _total",
    [{ name: "uptime_total", type: "counter", unit: "seconds", metric: [] }],
    {},
    "metric name uptime does not end with the unit suffix _seconds",
  ],
  [
    "an exemplar over 128 runes",
    [{ name: "e_total", type: "counter", metric: [{ label: [], counter: { value: 1, exemplar: trace("x".repeat(121)) } }] }],
    {},
    "exemplar labels have 129 runes, exceeding the limit of 128 in metric e_total",
  ],
  [
    "a metric without the family's type",
    [{ name: "c_total", type: "counter", metric: [{ label: [], gauge: { value: 1 } }] }],
    {},
    "expected counter in metric c_total",
  ],
  [
    "a gaugehistogram metric without a histogram",
    [{ name: "gh", type: "gaugehistogram", metric: [{ label: [], gauge: { value: 1 } }] }],
    {},
    "expected histogram in metric gh",
  ],
  [
    "a negative count",
    [{ name: "s", type: "summary", metric: [{ label: [], summary: { sampleCount: -1, sampleSum: 0, quantile: [] } }] }],
    {},
    "sample count -1 is not a uint64 in metric s",
  ],
  [
    "a fractional bucket count",
    [{ name: "h", type: "histogram", metric: [{ label: [], histogram: { sampleCount: 2, sampleSum: 0, bucket: [{ cumulativeCount: 1.5, upperBound: 1 }] } }] }],
    {},
    "cumulative count 1.5 is not a uint64 in metric h",
  ],
  [
    "an exemplar timestamp after 9999-12-31",
    [{ name: "e_total", type: "counter", metric: [{ label: [], counter: { value: 1, exemplar: trace("t", 253402300800000) } }] }],
    {},
    "exemplar timestamp 253402300800000 ms is outside 0001-01-01 to 9999-12-31 in metric e_total",
  ],
  [
    "a created timestamp that is not a number",
    [{ name: "c_total", type: "counter", metric: [{ label: [], counter: { value: 1, createdTimestampMs: NaN } }] }],
    { createdLines: true },
    "created timestamp NaN ms is outside 0001-01-01 to 9999-12-31 in metric c_total",
  ],
  ["an unknown version", [], { version: "2.0.0" as "1.0.0" }, 'unknown OpenMetrics version "2.0.0"'],
  ["an unknown type", [{ name: "i", type: "info" as "gauge", metric: [] }], {}, "unknown metric type info"],
];

describe("OpenMetrics encoding errors", () => {
  it.each(errorTable)("%s", (_why, families, options, message) => {
    const encode = () => metricFamiliesToOpenMetrics(families, options);
    expect(encode).toThrow(EncodeError);
    expect(encode).toThrow(message);
  });

  it("the rune limit is the spec's", () => {
    expect(ExemplarMaxRunes).toBe(128);
  });
});

describe("formatOpenMetricsFloat", () => {
  const floats: ReadonlyArray<readonly [number, string]> = [
    [0, "0.0"],
    [-0, "0.0"],
    [1, "1.0"],
    [-1, "-1.0"],
    [25, "25.0"],
    [0.5, "0.5"],
    [999999, "999999.0"],
    [-999999, "-999999.0"],
    [1e6, "1e+06"],
    [1.6e9, "1.6e+09"],
    [100000.5, "100000.5"],
    [1e-7, "1e-07"],
    [2 ** 53, "9.007199254740992e+15"],
    [NaN, "NaN"],
    [Infinity, "+Inf"],
    [-Infinity, "-Inf"],
  ];
  it.each(floats)("%s → %s", (v, text) => {
    expect(formatOpenMetricsFloat(v)).toBe(text);
  });
});

/**
 * promtool 2.42's `check metrics` has no OpenMetrics parser: it reads any input as the text
 * format 0.0.4 (`# EOF` and `# UNIT` pass as comments). So it applies to OpenMetrics output only
 * where that output is also valid text; where it is not, it must fail on exactly the
 * OpenMetrics-only syntax, which pins down both the finding and our output.
 */
describe.runIf(existsSync(goldenOmDir) && hasPromtool())("promtool check metrics on our OpenMetrics output", () => {
  /** The golden cases whose OpenMetrics output is not valid text 0.0.4, and why promtool says so. */
  const openMetricsOnly: Record<string, string> = {
    "help_escaping.txt": "text format parsing error in line 1: invalid escape sequence '\\\"'",
    "timestamps.txt": 'text format parsing error in line 3: expected integer as timestamp, got "1.600000000123e+09"',
    "types_basic.txt": 'text format parsing error in line 2: unknown metric type "unknown"',
  };
  const files = existsSync(goldenOmDir) ? readdirSync(goldenOmDir).filter((f) => f.endsWith(".txt")).sort() : [];

  it.each(files)("%s", async (file) => {
    const result = await promtoolCheckMetrics(metricFamiliesToOpenMetrics(await familiesOf(file)));
    const parseError = openMetricsOnly[file];
    if (parseError !== undefined) {
      expect(result.code).toBe(1);
      expect(result.output).toContain(parseError);
    } else {
      // Lint findings (exit 3) are about names, as for the text format; no parse error.
      expect([0, 3]).toContain(result.code);
      expect(result.output).not.toContain("parsing error");
    }
  });

  it("an exemplar is OpenMetrics-only syntax too", async () => {
    const result = await promtoolCheckMetrics(metricFamiliesToOpenMetrics(table[2]!.families));
    expect(result.code).toBe(1);
    expect(result.output).toContain("text format parsing error");
  });
});

/**
 * parseWithPrometheus runs Prometheus' own OpenMetrics parser over `text`: promtool 2.42 uses it
 * to backfill a TSDB from an OpenMetrics file (`promtool tsdb create-blocks-from openmetrics`),
 * then `promtool tsdb dump` prints what was stored, one `{labels} value timestamp` line per sample.
 * Backfilling needs a timestamp on every sample, so this applies to timestamped expositions.
 */
async function parseWithPrometheus(text: string): Promise<{ code: number; output: string; samples: string[] }> {
  const dir = await mkdtemp(join(tmpdir(), "om-backfill-"));
  const promtool = promtoolPath()!;
  const run = (...args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(promtool, args, { timeout: 30_000 }, (err, stdout, stderr) => {
        const code = err === null ? 0 : typeof err.code === "number" ? err.code : -1;
        resolve({ code, stdout, stderr });
      });
    });
  try {
    await writeFile(join(dir, "in.om"), text);
    const created = await run("tsdb", "create-blocks-from", "openmetrics", join(dir, "in.om"), join(dir, "data"));
    const output = created.stdout + created.stderr;
    if (created.code !== 0) return { code: created.code, output, samples: [] };
    await mkdir(join(dir, "data", "wal")); // tsdb dump opens the (empty) write-ahead log too
    const dump = await run("tsdb", "dump", join(dir, "data"));
    const samples = dump.stdout.split("\n").filter((l) => l !== "");
    return { code: dump.code, output: output + dump.stderr, samples };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** withTimestamps gives every metric of `families` the same timestamp. */
function withTimestamps(families: MetricFamily[], timestampMs: number): MetricFamily[] {
  return families.map((f) => ({ ...f, metric: f.metric.map((m) => ({ ...m, timestampMs })) }));
}

describe.runIf(existsSync(goldenOmDir) && hasPromtool()).concurrent("Prometheus' OpenMetrics parser (promtool tsdb) reads our output", () => {
  const files = existsSync(goldenOmDir) ? readdirSync(goldenOmDir).filter((f) => f.endsWith(".txt")).sort() : [];
  const at = 1600000000000;

  /** expectParsed backfills `text` and expects one stored sample per sample line. */
  async function expectParsed(text: string): Promise<string[]> {
    const result = await parseWithPrometheus(text);
    expect(result.output).not.toContain("error");
    expect(result.code).toBe(0);
    const sampleLines = text.split("\n").filter((l) => l !== "" && !l.startsWith("#"));
    expect(result.samples).toHaveLength(sampleLines.length);
    return result.samples;
  }

  it.each(files)("%s, every sample timestamped", async (file) => {
    await expectParsed(metricFamiliesToOpenMetrics(withTimestamps(await familiesOf(file), at)));
  });

  // Created lines carry no timestamp (as in Go), so they cannot be backfilled: left out here.
  it.each(table)("$name, every sample timestamped", async ({ families, options }) => {
    await expectParsed(metricFamiliesToOpenMetrics(withTimestamps(families, at), { ...options, createdLines: false }));
  });

  it("stores the values we wrote", async () => {
    const samples = await expectParsed(metricFamiliesToOpenMetrics(withTimestamps(table[0]!.families, at)));
    expect(samples).toContain(`{__name__="requests_total", code="200"} 5 ${at}`);
    expect(samples).toContain(`{__name__="requests_total", code="500"} 0.5 ${at}`);
  });

  it("rejects what we refuse to write: a unit the name lacks, an exemplar without labels", async () => {
    const unit = await parseWithPrometheus("# TYPE x counter\n# UNIT x seconds\nx_total 1.0 5\n# EOF\n");
    expect(unit.output).toContain('unit not a suffix of metric "x"');
    // What expfmt 0.39 wrote for an exemplar without labels.
    expect((await parseWithPrometheus("# TYPE x counter\nx_total 1.0 5 #  1.0\n# EOF\n")).code).not.toBe(0);
  });
});
