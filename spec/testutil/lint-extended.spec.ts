/**
 * `lint --extended` against `promtool check metrics --extended` (Prometheus 2.42): the same exit
 * status, standard error and table, on hand-made inputs (each branch of promtool's count) and on
 * seeded random ones. promtool orders equal cardinalities at random, so tables are compared as
 * sets of rows plus the order of the cardinalities; ours must also order ties by name.
 */
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { runLint } from "../../lib/testutil/index.js";
import { cardinalityTableOfText, formatCardinalityTable, formatFixed2 } from "../../lib/testutil/cardinality.js";
import { Prng } from "../support/prng.js";
import { hasPromtool, runPromtool } from "../support/promtool.js";

/** ours runs `lint --extended` over `text` on standard input. */
async function ours(text: string): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const sink = (append: (s: string) => void) => ({
    write(chunk: string, callback?: (err?: Error | null) => void) {
      append(chunk);
      callback?.();
      return true;
    },
  });
  const code = await runLint(["--extended"], {
    stdin: Readable.from([Buffer.from(text)]),
    stdout: sink((s) => (stdout += s)),
    stderr: sink((s) => (stderr += s)),
  });
  return { code, stdout, stderr };
}

const head = (name: string, type: string) => `# HELP ${name} Some help.\n# TYPE ${name} ${type}\n`;
const series = (name: string, n: number) => Array.from({ length: n }, (_, i) => `${name}{i="${i}"} 1\n`).join("");

/** Inputs that each take one branch of promtool's count or formatting. */
const cases: { name: string; text: string }[] = [
  { name: "empty input", text: "" },
  {
    name: "counter, gauge and untyped",
    text: `${head("requests_total", "counter")}${series("requests_total", 3)}${head("up", "gauge")}up 1\n${head("odd", "untyped")}${series("odd", 2)}`,
  },
  { name: "no TYPE line: untyped", text: `# HELP plain Help.\n${series("plain", 4)}` },
  {
    name: "histogram with +Inf",
    text:
      head("latency_seconds", "histogram") +
      ["a", "b", "c"]
        .map((p) => `latency_seconds_bucket{path="${p}",le="0.1"} 1\nlatency_seconds_bucket{path="${p}",le="1"} 2\nlatency_seconds_bucket{path="${p}",le="+Inf"} 3\nlatency_seconds_sum{path="${p}"} 4\nlatency_seconds_count{path="${p}"} 3\n`)
        .join(""),
  },
  { name: "histogram without +Inf", text: `${head("h", "histogram")}h_bucket{le="1"} 1\nh_sum 1\nh_count 1\n` },
  { name: "histogram of +Inf only", text: `${head("h", "histogram")}h_bucket{le="+Inf"} 1\n` },
  {
    name: "histogram whose first metric has only a _sum",
    text: `${head("h", "histogram")}h_sum{a="3"} 1\nh_bucket{a="1",le="1"} 1\nh_bucket{a="1",le="+Inf"} 1\nh_bucket{a="2",le="1"} 1\nh_bucket{a="2",le="2"} 1\nh_bucket{a="2",le="+Inf"} 1\n`,
  },
  {
    name: "histogram whose first metric has fewer buckets",
    text: `${head("h", "histogram")}h_bucket{a="1",le="+Inf"} 1\nh_bucket{a="2",le="1"} 1\nh_bucket{a="2",le="2"} 1\nh_bucket{a="2",le="+Inf"} 1\n`,
  },
  {
    name: "histogram with labels in another order and a timestamp",
    text: `${head("h", "histogram")}h_bucket{le="1",b="x",a="y"} 1 1000\nh_bucket{a="y",le="+Inf",b="x"} 1 1000\nh_sum{b="x",a="y"} 1\n`,
  },
  { name: "histogram with repeated bucket lines", text: `${head("h", "histogram")}h_bucket{le="1"} 1\nh_bucket{le="1"} 1\nh_bucket{le="+Inf"} 1\nh_bucket{le="+Inf"} 1\n` },
  {
    name: "summaries with and without quantiles",
    text: `${head("rpc_seconds", "summary")}rpc_seconds{quantile="0.5"} 1\nrpc_seconds{quantile="0.9"} 1\nrpc_seconds_sum 1\nrpc_seconds_count 1\n${head("s", "summary")}s_sum{a="1"} 1\ns{a="2",quantile="0.5"} 1\n`,
  },
  {
    name: "ties",
    text: ["d", "b", "e", "a", "c"].map((n) => `${head(n, "gauge")}${series(n, 2)}`).join("") + `${head("z", "gauge")}z 1\n`,
  },
  { name: "percentages that are exact ties (12.125, 87.875)", text: `${head("a", "gauge")}${series("a", 97)}${head("b", "gauge")}${series("b", 703)}` },
  { name: "thirds", text: `${head("a", "gauge")}${series("a", 1)}${head("bb", "gauge")}${series("bb", 2)}` },
  { name: "a long name widens the first column", text: `${head("a_really_quite_long_metric_name_for_the_column", "gauge")}a_really_quite_long_metric_name_for_the_column{v="é"} 1\n` },
  { name: "lint problems: no table", text: `# TYPE requests counter\n${series("requests", 3)}` },
  { name: "a parse error: no table", text: `${head("x", "gauge")}x{ 1\n` },
];

/** seeded makes a clean exposition of random families, types, label sets, buckets and quantiles. */
function seeded(prng: Prng): string {
  let text = "";
  const families = prng.range(1, 9);
  for (let f = 0; f < families; f++) {
    const type = prng.pick(["counter", "gauge", "untyped", "histogram", "summary"] as const);
    const name = `fam_${String.fromCharCode(97 + f)}${type === "counter" ? "_total" : ""}`;
    text += head(name, type);
    const labelSets = prng.range(1, 12);
    for (let m = 0; m < labelSets; m++) {
      const labels = `k="${m}"`;
      if (type === "histogram") {
        for (const le of ["0.1", "1", "10", "+Inf"]) if (prng.chance(0.7)) text += `${name}_bucket{${labels},le="${le}"} 1\n`;
        if (prng.chance(0.8)) text += `${name}_sum{${labels}} 1\n`;
        if (prng.chance(0.8)) text += `${name}_count{${labels}} 1\n`;
      } else if (type === "summary") {
        for (const q of ["0.5", "0.9", "0.99"]) if (prng.chance(0.7)) text += `${name}{${labels},quantile="${q}"} 1\n`;
        if (prng.chance(0.8)) text += `${name}_sum{${labels}} 1\n`;
        text += `${name}_count{${labels}} 1\n`;
      } else {
        text += `${name}{${labels}} 1\n`;
      }
    }
  }
  return text;
}

const cardinalities = (stdout: string) => stdout.split("\n").slice(1, -2).map((line) => line.split(/ +/)[1]);

/** expectSameAsPromtool checks status, standard error and table; row order only up to ties. */
async function expectSameAsPromtool(text: string): Promise<void> {
  const [mine, theirs] = await Promise.all([ours(text), runPromtool(["check", "metrics", "--extended"], text)]);
  expect(mine.code).toBe(theirs.code);
  expect(mine.stderr).toBe(theirs.stderr);
  const myLines = mine.stdout.split("\n");
  const theirLines = theirs.stdout.split("\n");
  expect(myLines[0]).toBe(theirLines[0]); // the header, whose padding depends on every row
  expect(myLines.at(-2)).toBe(theirLines.at(-2)); // the Total row
  expect([...myLines].sort()).toEqual([...theirLines].sort()); // the same rows, byte for byte
  expect(cardinalities(mine.stdout)).toEqual(cardinalities(theirs.stdout)); // largest first
  // Ours orders equal cardinalities by name.
  const rows = myLines.slice(1, -2).map((line) => line.split(/ +/));
  for (let i = 1; i < rows.length; i++) {
    if (rows[i - 1]![1] === rows[i]![1]) expect(rows[i - 1]![0]! < rows[i]![0]!).toBe(true);
  }
}

describe.runIf(hasPromtool())("lint --extended agrees with promtool check metrics --extended", () => {
  for (const c of cases) {
    it(c.name, async () => {
      await expectSameAsPromtool(c.text);
    });
  }

  for (let seed = 1; seed <= 25; seed++) {
    it(`random exposition, seed ${seed}`, async () => {
      await expectSameAsPromtool(seeded(new Prng(seed)));
    });
  }
});

describe("the cardinality table", () => {
  it("prints promtool's layout, ties by name, with the counts of each type", () => {
    const text =
      `${head("b", "gauge")}b 1\n${head("a", "gauge")}a 1\n` +
      `${head("h", "histogram")}h_bucket{x="1",le="1"} 1\nh_bucket{x="1",le="+Inf"} 1\nh_sum{x="1"} 1\nh_count{x="1"} 1\nh_sum{x="2"} 1\n`;
    expect(formatCardinalityTable(cardinalityTableOfText(text))).toBe(
      [
        "Metric    Cardinality    Percentage    ",
        "h         8              80.00%        ",
        "a         1              10.00%        ",
        "b         1              10.00%        ",
        "Total     10             100%          ",
        "",
      ].join("\n"),
    );
  });

  it("rounds exact ties to even as Go's %.2f does, and the rest to nearest", () => {
    expect([12.125, 87.875, 0.125, 0.375, 12.5, 33.333333333333336, 66.66666666666667, 100].map(formatFixed2)).toEqual([
      "12.12", "87.88", "0.12", "0.38", "12.50", "33.33", "66.67", "100.00",
    ]);
    expect(formatFixed2((97 / 800) * 100)).toBe("12.12");
  });

  it("usage: --extended is listed in --help", async () => {
    let stdout = "";
    const io = { stdin: Readable.from([]), stdout: { write: (s: string, cb?: () => void) => ((stdout += s), cb?.(), true) }, stderr: { write: (_: string, cb?: () => void) => (cb?.(), true) } };
    expect(await runLint(["--help"], io)).toBe(0);
    expect(stdout).toContain("[--extended]");
  });
});
