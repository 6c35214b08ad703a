/**
 * The Go side of the docs: every ```go block that is a whole program (`package main`) is compiled
 * against client_golang 1.14's sources, so that the Go shown beside the TypeScript is real Go.
 * A Go program marked `<!-- doctest: run -->` is also run, and must print what the runnable
 * ```ts block before it on the page prints (blank lines aside): the same program, in both
 * languages, with the same output.
 *
 * Needs `go` and client_golang's sources in GOPATH form, as Debian's golang-github-prometheus-
 * client-golang-dev package installs them under /usr/share/gocode (or $GOCODE); without them the
 * spec is skipped with a warning.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { type Block, blocksOf, expectedOutput, pagesOf } from "./blocks.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const gocode = process.env["GOCODE"] ?? "/usr/share/gocode";
const haveGo =
  existsSync(join(gocode, "src/github.com/prometheus/client_golang/prometheus/registry.go")) &&
  spawnSync("go", ["version"]).status === 0;
if (!haveGo) console.warn(`SKIPPING the Go blocks of the docs: no go, or no client_golang under ${gocode}`);

const all = pagesOf(root).flatMap((page) => blocksOf(root, page).blocks);
const programs = all.filter((b) => b.language === "go" && b.mode.kind !== "excerpt" && b.mode.kind !== "skip");

/** The package directory of each program, and where the binaries go. */
let gopath: string;
const binaries = (): string => join(gopath, "bin");
const packageOf = (block: Block): string => `doc_${block.page.replace(/[^A-Za-z0-9]+/g, "_")}_L${block.line}`;
/** Compiler output by program, for the programs that do not compile. */
const buildErrors = new Map<Block, string>();

describe.runIf(haveGo)("the Go programs of the docs", () => {
  beforeAll(() => {
    gopath = mkdtempSync(join(tmpdir(), "doc-go-"));
    for (const block of programs) {
      const dir = join(gopath, "src", packageOf(block));
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, "main.go"), block.code);
    }
    mkdirSync(binaries());
    const env = {
      ...process.env,
      GO111MODULE: "off",
      GOPATH: `${gopath}:${gocode}`,
      GOFLAGS: "",
      // A cache of its own, so that a read-only home does not matter; builds of the same sources
      // are quick on the second run.
      GOCACHE: process.env["GOCACHE"] ?? join(tmpdir(), "demo-exporter-doc-go-cache"),
    };
    const build = (packages: readonly string[]) =>
      spawnSync("go", ["build", "-o", `${binaries()}/`, ...packages.map((p) => `./src/${p}`)], {
        cwd: gopath,
        env,
        encoding: "utf8",
      });
    // One build for all; if it fails, one per program, so that each error is blamed on its block.
    if (build(programs.map(packageOf)).status === 0) return;
    for (const block of programs) {
      const result = build([packageOf(block)]);
      if (result.status !== 0) buildErrors.set(block, `${result.stdout}${result.stderr}`.trim());
    }
  }, 180_000);

  afterAll(() => rmSync(gopath, { recursive: true, force: true }));

  it("finds the Go programs", () => {
    expect(programs.length).toBeGreaterThan(3);
  });

  for (const block of programs) {
    const where = `${block.page}:${block.line}`;
    it(`${where} compiles`, () => {
      const errors = (buildErrors.get(block) ?? "").replace(/\S*main\.go:(\d+)/g, (_m, n: string) => `${block.page}:${block.line + Number(n)}`);
      expect(errors).toBe("");
    });
    if (block.mode.kind !== "run") continue;
    it(`${where} prints what the TypeScript before it prints`, () => {
      expect(buildErrors.has(block), "it does not compile").toBe(false);
      const ts = all.filter((b) => b.page === block.page && b.line < block.line && b.language === "ts" && b.mode.kind === "run").at(-1);
      const expected = ts === undefined ? undefined : expectedOutput(ts.code);
      expect(expected, `${where}: no runnable ts block with an // Output: before it`).toBeDefined();
      const run = spawnSync(join(binaries(), packageOf(block)), { encoding: "utf8", timeout: 20_000 });
      expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: "" });
      expect(nonBlank(run.stdout)).toEqual(nonBlank(expected!.join("\n")));
    });
  }
});

function nonBlank(text: string): string[] {
  return text.split("\n").map((l) => l.trimEnd()).filter((l) => l !== "");
}
