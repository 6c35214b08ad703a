/**
 * The `lint` command: promtool's exit statuses and standard error on every case of lint-cases.ts,
 * read from standard input and from a file.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { LintStatus, runLint } from "../../lib/testutil/index.js";
import { lintCases, oddButValidCases, parseErrorCases } from "./lint-cases.js";

/** run runs the command over `stdin` and returns its status and what it wrote. */
async function run(args: string[], stdin: string | Uint8Array[] = "") {
  let stdout = "";
  let stderr = "";
  const sink = (append: (s: string) => void) => ({
    write(chunk: string, callback?: (err?: Error | null) => void) {
      append(chunk);
      callback?.();
      return true;
    },
  });
  const status = await runLint(args, {
    stdin: Readable.from(typeof stdin === "string" ? [Buffer.from(stdin)] : stdin),
    stdout: sink((s) => (stdout += s)),
    stderr: sink((s) => (stderr += s)),
  });
  return { status, stdout, stderr };
}

const lines = (ls: readonly string[]) => ls.map((l) => l + "\n").join("");
const dir = mkdtempSync(join(tmpdir(), "lint-command-"));

describe("runLint: promtool's status and standard error", () => {
  for (const c of [...lintCases, ...parseErrorCases, ...oddButValidCases]) {
    it(`${c.name}: status ${c.status}`, async () => {
      const expected = { status: c.status, stdout: "", stderr: lines(c.stderr) };
      expect(await run([], c.text)).toEqual(expected);
      expect(await run(["-"], c.text)).toEqual(expected);
      const file = join(dir, "case.prom");
      writeFileSync(file, c.text);
      expect(await run([file])).toEqual(expected);
    });
  }
});

describe("runLint: input and arguments", () => {
  it("decodes UTF-8 split across chunks", async () => {
    const bytes = Buffer.from('# HELP x \u{1F600}\nx{a="\u00e9"} 1\n');
    const chunks = [...bytes].map((b) => Uint8Array.of(b));
    expect(await run([], chunks)).toEqual({ status: 0, stdout: "", stderr: "" });
  });

  it("a missing file: status 1, Go's `open` message", async () => {
    const file = join(dir, "missing.prom");
    expect(await run([file])).toEqual({
      status: LintStatus.failure,
      stdout: "",
      stderr: `error while linting: open ${file}: no such file or directory\n`,
    });
  });

  it("two files: a usage error, status 2", async () => {
    expect(await run(["a", "b"])).toEqual({
      status: LintStatus.usage,
      stdout: "",
      stderr: "demo-exporter lint: error: unexpected b, try --help\n",
    });
  });

  it("an unknown flag: a usage error", async () => {
    const result = await run(["--bogus"]);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe("demo-exporter lint: error: unknown flag --bogus, try --help\n");
  });

  it("`--` ends the flags", async () => {
    expect((await run(["--", "-"], "# HELP x h\nx 1\n")).status).toBe(0);
  });

  it("--help: usage on standard output, status 0", async () => {
    const result = await run(["--help"]);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^usage: demo-exporter lint \[--extended\] \[<file>\]\n/);
    expect(result.stderr).toBe("");
  });

  it("the statuses are promtool's", () => {
    expect(LintStatus).toEqual({ success: 0, failure: 1, usage: 2, lintProblems: 3 });
  });
});

describe("runLint on bytes that are not UTF-8", () => {
  // promtool 2.42 on the same bytes (spec/conformance/promtool.spec.ts pins its verdict).
  const input = Buffer.concat([Buffer.from('metric{l="'), Buffer.from([0xbd]), Buffer.from('"} 3.14\n')]);
  const expected = {
    status: LintStatus.failure,
    stdout: "",
    stderr: 'error while linting: text format parsing error in line 1: invalid label value "\\xbd"\n',
  };

  it("reports an invalid label value from standard input, even split inside a character", async () => {
    expect(await run([], [input])).toEqual(expected);
    const split = Buffer.concat([Buffer.from('m{l="é'), Buffer.from('"} 1\n')]);
    expect(await run([], [split.subarray(0, 6), split.subarray(6)])).toEqual({ status: 3, stdout: "", stderr: "m no help text\n" });
  });

  it("reports it from a file too", async () => {
    const file = join(dir, "bad-utf8.prom");
    writeFileSync(file, input);
    expect(await run([file])).toEqual(expected);
  });
});
