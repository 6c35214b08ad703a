/**
 * Example: the loadavg exporter of docs/writing-an-exporter.md (examples/loadavg-exporter/),
 * tested the way client_golang's own exporters are: `collectAndCompare` against the literal
 * exposition of a fixture host (testdata/proc → testdata/metrics.txt), `collectAndLint` with no
 * problems, and a pedantic registry, which checks every collected metric against a descriptor.
 */
import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

import {
  type Desc,
  GatherError,
  newPedanticRegistry,
  type SendOnlyChannel,
} from "../../lib/prometheus/index.js";
import { collectAndCompare, collectAndCount, collectAndLint, CompareError } from "../../lib/testutil/index.js";
import { HostCollector, newHostCollector } from "../../examples/loadavg-exporter/collector.js";
import { parseLoadavg, parseMeminfo, ProcFileError } from "../../examples/loadavg-exporter/proc.js";
import { newExporterServer } from "../../examples/loadavg-exporter/server.js";

const testdata = (name: string): string =>
  fileURLToPath(new URL(`../../examples/loadavg-exporter/testdata/${name}`, import.meta.url));
const expected = (name: string): string => readFileSync(testdata(name), "utf8");

describe("the host collector", () => {
  it("collects the fixture host exactly as testdata/metrics.txt", async () => {
    await collectAndCompare(newHostCollector({ procRoot: testdata("proc") }), expected("metrics.txt"));
  });

  it("reports a difference as a unified diff", async () => {
    const wrong = expected("metrics.txt").replace("host_load1 0.52", "host_load1 0.25");
    const err = await collectAndCompare(newHostCollector({ procRoot: testdata("proc") }), wrong).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CompareError);
    expect((err as CompareError).message).toBe(`

Diff:
--- metric output does not match expectation; want
+++ got:
@@ -2,3 +2,3 @@
 # TYPE host_load1 gauge
-host_load1 0.25
+host_load1 0.52
 # HELP host_load15 15m load average.
`);
  });

  it("has no lint problems", async () => {
    expect(await collectAndLint(newHostCollector({ procRoot: testdata("proc") }))).toEqual([]);
  });

  it("describes every metric it collects: a pedantic registry gathers all 12 series", async () => {
    const registry = newPedanticRegistry();
    registry.mustRegister(newHostCollector({ procRoot: testdata("proc") }));
    const families = await registry.gather();
    expect(families.map((f) => f.name)).toHaveLength(11);
    expect(await collectAndCount(newHostCollector({ procRoot: testdata("proc") }))).toBe(12);
  });

  it("is caught by the pedantic registry when describe forgets a metric", async () => {
    class Forgetful extends HostCollector {
      override describe(ch: SendOnlyChannel<Desc>): void {
        ch.send(this.load1); // and nothing else
      }
    }
    const registry = newPedanticRegistry();
    registry.mustRegister(new Forgetful({ procRoot: testdata("proc") }));
    const err = await registry.gather().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GatherError);
    const messages = (err as GatherError).errors.map((e: Error) => e.message);
    expect(messages).toHaveLength(11);
    expect(messages).toContain(
      'collected metric host_load5 gauge:<value:0.58 >  with unregistered descriptor Desc{fqName: "host_load5", help: "5m load average.", constLabels: {}, variableLabels: []}',
    );
    // What was described is still gathered.
    expect((err as GatherError).families.map((f) => f.name)).toEqual(["host_load1"]);
  });

  it("leaves out the metrics of a file it cannot parse, and counts the error", async () => {
    const errors: Error[] = [];
    const collector = newHostCollector({ procRoot: testdata("broken-proc"), onError: (e) => errors.push(e) });
    await collectAndCompare(collector, expected("broken-metrics.txt"));
    expect(errors.map((e) => e.message)).toEqual([
      `unexpected content in ${testdata("broken-proc/loadavg")}: "0.52 0.58\\n"`,
    ]);
  });

  it("counts a missing file at every scrape", async () => {
    const errors: Error[] = [];
    const collector = newHostCollector({ procRoot: testdata("no-such-dir"), onError: (e) => errors.push(e) });
    const onlyErrors = (n: number): string => `# HELP host_read_errors_total Errors reading or parsing a proc file, by file.
# TYPE host_read_errors_total counter
host_read_errors_total{file="loadavg"} ${n}
host_read_errors_total{file="meminfo"} ${n}
`;
    await collectAndCompare(collector, onlyErrors(1));
    await collectAndCompare(collector, onlyErrors(2));
    expect(errors).toHaveLength(4);
    for (const err of errors) expect(err).toBeInstanceOf(ProcFileError);
    // The two files are read concurrently, so either may fail first.
    const messages = errors.map((e) => e.message).sort();
    expect(messages[0]).toMatch(/^cannot read .*no-such-dir\/loadavg: ENOENT: no such file or directory/);
    expect(messages[2]).toMatch(/^cannot read .*no-such-dir\/meminfo: ENOENT: no such file or directory/);
  });
});

describe("the proc parsers", () => {
  it("parses /proc/loadavg", () => {
    expect(parseLoadavg("0.52 0.58 0.59 2/1234 56789\n")).toEqual({
      load1: 0.52,
      load5: 0.58,
      load15: 0.59,
      runnable: 2,
      entities: 1234,
    });
  });

  it("refuses a /proc/loadavg of another shape", () => {
    for (const text of ["", "0.52 0.58\n", "a b c 1/2 3\n", "0.5 0.5 0.5 1 2\n"]) {
      expect(() => parseLoadavg(text)).toThrow(ProcFileError);
    }
  });

  it("parses /proc/meminfo, kB into bytes, counts as they are", () => {
    const fields = parseMeminfo("MemTotal:       16303520 kB\nHugePages_Total:       0\nHugepagesize:       2048 kB\n");
    expect([...fields]).toEqual([
      ["MemTotal", 16303520 * 1024],
      ["HugePages_Total", 0],
      ["Hugepagesize", 2048 * 1024],
    ]);
    expect(() => parseMeminfo("MemTotal: lots\n")).toThrow('unexpected line in meminfo: "MemTotal: lots"');
  });
});

describe("the server", () => {
  it("serves /metrics, a landing page, and 404 for the rest", async () => {
    const server = newExporterServer({ procRoot: testdata("proc") });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const metrics = await fetch(`${base}/metrics`);
      expect(metrics.status).toBe(200);
      expect(metrics.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
      expect(await metrics.text()).toBe(expected("metrics.txt"));
      expect(await (await fetch(`${base}/`)).text()).toContain('<a href="/metrics">');
      expect((await fetch(`${base}/nope`)).status).toBe(404);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
