/**
 * Conformance with `promtool check metrics` (Prometheus 2.42): every golden exposition, every
 * exposition our own code produces (the golden cases rebuilt with our API, the partial results of
 * failed gathers, the demo exporter, the runtime collectors, the instrumented handler's metrics)
 * and every case of spec/testutil/lint-cases.ts is given to the real promtool and to our `lint`
 * command; exit status and standard error must be identical, and for the golden files equal to
 * what PROMTOOL.md recorded.
 */
import { expect, it } from "vitest";
import { newBuildInfoCollector, newNodeJSCollector, newProcessCollector } from "../../lib/collectors/index.js";
import { newExporter } from "../../lib/demo/exporter.js";
import { metricFamiliesToText } from "../../lib/expfmt/index.js";
import * as prom from "../../lib/prometheus/index.js";
import { instrumentMetricHandler } from "../../lib/promhttp/index.js";
import { golden, goldenFiles, hasGolden } from "../support/golden.js";
import { lintCases, oddButValidCases, parseErrorCases } from "../testutil/lint-cases.js";
import {
  describeWithPromtool,
  ourLint,
  promtoolCalls,
  promtoolCheckMetrics,
  promtoolVersion,
  type Verdict,
} from "../testutil/promtool-runner.js";
import { gatherErrorCases, okCases } from "./cases.js";

/** Recorded is a verdict of PROMTOOL.md: the exit status and the lines of output. */
interface Recorded {
  status: number;
  lines: string[];
}

/** parsePromtoolMd reads `## <file> rc=<n>` sections, each optionally followed by a ``` block. */
function parsePromtoolMd(text: string): Map<string, Recorded> {
  const verdicts = new Map<string, Recorded>();
  const sections = text.split(/^## /m).slice(1);
  for (const section of sections) {
    const header = /^(\S+) rc=(\d+)\n/.exec(section);
    if (header === null) throw new Error(`PROMTOOL.md: unreadable section ${JSON.stringify(section.slice(0, 40))}`);
    const block = /```\n([\s\S]*?)```/.exec(section);
    verdicts.set(header[1]!, { status: Number(header[2]), lines: block === null ? [] : lines(block[1]!) });
  }
  return verdicts;
}

function lines(text: string): string[] {
  return text.split("\n").filter((l) => l !== "");
}

/** expectSameVerdict runs promtool and our lint on `text` and expects the same status and lines. */
async function expectSameVerdict(text: string): Promise<Verdict> {
  const [theirs, ours] = await Promise.all([promtoolCheckMetrics(text), ourLint(text)]);
  expect(theirs.stdout).toBe("");
  expect({ status: ours.status, stderr: ours.stderr }).toEqual({ status: theirs.status, stderr: theirs.stderr });
  return theirs;
}

/** Our own expositions beside the golden cases, each a function that gathers one. */
const ownExpositions: Record<string, () => Promise<string>> = {
  async "demo exporter, five scrapes"() {
    const reg = prom.newRegistry();
    reg.mustRegister(newExporter(undefined, { host: "localhost" }));
    let text = "";
    for (let i = 0; i < 5; i++) text = metricFamiliesToText(await reg.gather());
    return text;
  },
  async "runtime collectors (process, Node.js, build info)"() {
    const reg = prom.newRegistry();
    reg.mustRegister(
      newProcessCollector(),
      newNodeJSCollector(),
      newBuildInfoCollector({ version: "0.8.0", revision: "4f1c2e9" }),
    );
    return metricFamiliesToText(await reg.gather());
  },
  async "the metric handler's own metrics"() {
    const reg = prom.newRegistry();
    instrumentMetricHandler(reg, async () => undefined);
    return metricFamiliesToText(await reg.gather());
  },
};

describeWithPromtool("promtool check metrics", () => {
  it("is Prometheus 2.42, whose verdicts PROMTOOL.md recorded", () => {
    expect(promtoolVersion).toMatch(/^promtool, version 2\.42\./);
  });

  if (hasGolden()) {
    const recorded = parsePromtoolMd(golden("PROMTOOL.md"));

    it("PROMTOOL.md has a verdict for every golden .txt file", () => {
      expect([...recorded.keys()].sort()).toEqual(goldenFiles(".txt"));
    });

    for (const [file, verdict] of recorded) {
      it(`golden ${file}: rc=${verdict.status}, as recorded`, async () => {
        const theirs = await expectSameVerdict(golden(file));
        expect({ status: theirs.status, lines: lines(theirs.stderr) }).toEqual(verdict);
      });
    }
  }

  for (const [name, build] of Object.entries(okCases)) {
    it(`our encoding of ${name}`, async () => {
      await expectSameVerdict(metricFamiliesToText(await build().gather()));
    });
  }

  for (const [name, build] of Object.entries(gatherErrorCases)) {
    it(`the partial families of ${name}`, async () => {
      const err = await build()
        .gather()
        .then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(prom.GatherError);
      await expectSameVerdict(metricFamiliesToText((err as prom.GatherError).families));
    });
  }

  for (const [name, gatherText] of Object.entries(ownExpositions)) {
    it(name, async () => {
      await expectSameVerdict(await gatherText());
    });
  }

  for (const c of [...lintCases, ...parseErrorCases, ...oddButValidCases]) {
    it(`lint case "${c.name}": rc=${c.status}, as recorded in lint-cases.ts`, async () => {
      const theirs = await expectSameVerdict(c.text);
      expect({ status: theirs.status, stderr: lines(theirs.stderr) }).toEqual({ status: c.status, stderr: c.stderr });
    });
  }

  it("a name with a base and a non-base unit: promtool answers either way, ours is one of its answers", async () => {
    const text = "# HELP foo_bytes_milliseconds h\n# TYPE foo_bytes_milliseconds gauge\nfoo_bytes_milliseconds 1\n";
    const ours = await ourLint(text);
    const seen = new Set<string>();
    for (let i = 0; i < 40 && !seen.has(ours.stderr); i++) {
      const theirs = await promtoolCheckMetrics(text);
      expect([0, 3]).toContain(theirs.status);
      seen.add(theirs.stderr);
    }
    expect(ours).toEqual({ status: 3, stdout: "", stderr: 'foo_bytes_milliseconds use base unit "seconds" instead of "milliseconds"\n' });
    expect([...seen].every((s) => s === "" || s === ours.stderr)).toBe(true);
    expect(seen).toContain(ours.stderr);
  });

  // Where our parser once refused what promtool lints, or quoted differently: Go's parser ignores
  // a histogram or summary sample without le/quantile, keeps a +Inf bucket that disagrees with
  // _count, keeps a gauge_histogram sample without a value (its error is overwritten by the next
  // read), drops backslashes from a TYPE token, quotes the first byte of a character, and rejects
  // a label value that is not UTF-8. Each verdict is pinned, and ours must be the same.
  const formerDifferences: { name: string; text: string | Buffer; promtool: Verdict }[] = [
    {
      name: "+Inf bucket and _count disagree",
      text: '# HELP h h\n# TYPE h histogram\nh_bucket{le="1"} 1\nh_bucket{le="+Inf"} 2\nh_count 3\nh_sum 1\n',
      promtool: { status: 0, stdout: "", stderr: "" },
    },
    {
      name: "histogram sample without le",
      text: "# HELP h h\n# TYPE h histogram\nh_bucket 1\nh_count 3\nh_sum 1\n",
      promtool: { status: 0, stdout: "", stderr: "" },
    },
    {
      name: "histogram sample with le=NaN",
      text: '# HELP h h\n# TYPE h histogram\nh_bucket{le="NaN"} 1\nh_count 3\nh_sum 1\n',
      promtool: { status: 0, stdout: "", stderr: "" },
    },
    {
      name: "summary sample without quantile",
      text: "# HELP s h\n# TYPE s summary\ns 1\ns_count 3\ns_sum 1\n",
      promtool: { status: 0, stdout: "", stderr: "" },
    },
    {
      name: "a sample of a gauge_histogram",
      text: "# TYPE x gauge_histogram\n# HELP x h\nx 1\ny 2\n",
      promtool: { status: 3, stdout: "", stderr: "y no help text\n" },
    },
    {
      name: "a backslash in a TYPE token",
      text: "# HELP x h\n# TYPE x gaug\\e\nx 1\n",
      promtool: { status: 0, stdout: "", stderr: "" },
    },
    {
      name: "a non-ASCII character where a quote is expected",
      text: '# HELP x h\nx{v=\u00e9"a"} 0\n',
      promtool: {
        status: 1,
        stdout: "",
        stderr: "error while linting: text format parsing error in line 2: expected '\"' at start of label value, found '\u00c3'\n",
      },
    },
    {
      name: "a label value that is not UTF-8 (text_parse_test.go)",
      text: Buffer.from([...Buffer.from('metric{l="'), 0xbd, ...Buffer.from('"} 3.14\n')]),
      promtool: {
        status: 1,
        stdout: "",
        stderr: 'error while linting: text format parsing error in line 1: invalid label value "\\xbd"\n',
      },
    },
    {
      name: "a byte that is not UTF-8 in a help text and a comment",
      text: Buffer.from([...Buffer.from("# HELP m_total a "), 0xbd, ...Buffer.from("\n# "), 0xff, ...Buffer.from("\nm_total 1\n")]),
      promtool: { status: 0, stdout: "", stderr: "" },
    },
  ];

  for (const c of formerDifferences) {
    it(`agrees where it once differed: ${c.name}`, async () => {
      const [theirs, ours] = await Promise.all([promtoolCheckMetrics(c.text), ourLint(c.text)]);
      expect(theirs).toEqual(c.promtool);
      expect(ours).toEqual(c.promtool);
    });
  }

  it("counts its promtool calls", () => {
    console.log(`promtool.spec: ${promtoolCalls} promtool calls`);
    expect(promtoolCalls).toBeGreaterThan(0);
  });
});
