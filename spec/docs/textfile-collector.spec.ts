/**
 * The claims of docs/textfile-collector.md (and its Chinese page), checked against a real
 * node_exporter: what its textfile collector does with a file without HELP, a malformed file, and
 * a file with the same series twice, and that a file written as the page writes it (a temporary
 * file, then a rename) is read whole.
 *
 * Needs Debian's prometheus-node-exporter (1.5 was used to write the page); without it the spec
 * is skipped with a loud warning, and fails under CI=true.
 */
import { renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { hasNodeExporter, type NodeExporter, startNodeExporter } from "./node-exporter.js";

/** The lines of an exposition that are about `name` (its HELP, TYPE and samples). */
function linesOf(body: string, name: string): string[] {
  return body.split("\n").filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `) || l.startsWith(`# HELP ${name} `) || l.startsWith(`# TYPE ${name} `));
}

describe.runIf(hasNodeExporter())("node_exporter's textfile collector, as docs/textfile-collector.md says", () => {
  let node: NodeExporter;
  beforeAll(async () => {
    node = await startNodeExporter();
  });
  afterAll(async () => node?.stop());

  /** write puts `text` into `<dir>/<file>` the atomic way: a temporary file, then a rename. */
  const write = (file: string, text: string) => {
    const temporary = join(node.dir, `.${file}.tmp`);
    writeFileSync(temporary, text);
    renameSync(temporary, join(node.dir, file));
  };

  it("serves a file without HELP with a HELP of its own, and untyped", async () => {
    write("demo.prom", 'aaa{test_label="xxx"} 3.5\n');
    const { status, body } = await node.scrape();
    expect(status).toBe(200);
    expect(linesOf(body, "aaa")).toEqual([
      `# HELP aaa Metric read from ${join(node.dir, "demo.prom")}`,
      "# TYPE aaa untyped",
      'aaa{test_label="xxx"} 3.5',
    ]);
    expect(linesOf(body, "node_textfile_scrape_error")).toContain("node_textfile_scrape_error 0");
  });

  it("answers 200 for a malformed file, drops all its metrics, and says so only in node_textfile_scrape_error", async () => {
    write("demo.prom", 'good 1\naaa{test_label="xxx" 3.5\n');
    const { status, body } = await node.scrape();
    expect(status).toBe(200);
    expect(linesOf(body, "aaa")).toEqual([]);
    expect(linesOf(body, "good")).toEqual([]);
    expect(linesOf(body, "node_textfile_scrape_error")).toContain("node_textfile_scrape_error 1");
    expect(body).toContain('node_scrape_collector_success{collector="textfile"} 1');
    expect(node.logs).toContain("text format parsing error in line 2");
  });

  it("keeps the first value of a series that a file has twice, and logs the second", async () => {
    write("demo.prom", 'aaa{test_label="xxx"} 3.5\naaa{test_label="xxx"} 7\n');
    const { status, body } = await node.scrape();
    expect(status).toBe(200);
    expect(linesOf(body, "aaa").filter((l) => !l.startsWith("#"))).toEqual(['aaa{test_label="xxx"} 3.5']);
    expect(linesOf(body, "node_textfile_scrape_error")).toContain("node_textfile_scrape_error 0");
    expect(node.logs).toContain("was collected before with the same name and label values");
  });

  it("reads only *.prom files, so a temporary file beside them is never served", async () => {
    write("demo.prom", 'aaa{test_label="xxx"} 1\n');
    writeFileSync(join(node.dir, ".half.prom.tmp"), 'half{test_label="x"');
    const { body } = await node.scrape();
    expect(linesOf(body, "aaa").filter((l) => !l.startsWith("#"))).toEqual(['aaa{test_label="xxx"} 1']);
    expect(linesOf(body, "node_textfile_scrape_error")).toContain("node_textfile_scrape_error 0");
  });
});
