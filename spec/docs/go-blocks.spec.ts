/**
 * The Go side of the docs: every ```go block is compiled against client_golang 1.14's sources, so
 * that the Go shown beside the TypeScript is real Go. A whole program (`package main`) is compiled
 * as it is; a fragment inside the program its marker names (`<!-- doctest: in above -->` or
 * `<!-- doctest: in spec/docs/go/<frame>.go -->`, see blocks.ts), so that a fragment that needs an
 * import nobody shows, or that no longer fits its program, fails. A Go program marked
 * `<!-- doctest: run -->` is also run, and must print what the runnable ```ts block before it on
 * the page prints (blank lines aside): the same program, in both languages, with the same output.
 *
 * Needs `go` and client_golang's sources in GOPATH form, as Debian's golang-github-prometheus-
 * client-golang-dev package installs them under /usr/share/gocode (or $GOCODE); without them the
 * spec is skipped with a loud warning, and fails under CI=true.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { type Block, blocksOf, expectedOutput, pagesOf } from "./blocks.js";
import { goEnv, type GoSource, hasGo, isProgram, sourceOf } from "./go-source.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const haveGo = hasGo("the Go blocks of the docs");

const all = pagesOf(root).flatMap((page) => blocksOf(root, page).blocks);
const goBlocks = all.filter((b) => b.language === "go" && b.mode.kind !== "excerpt" && b.mode.kind !== "skip");
/** What is compiled: whole programs, and fragments marked with the program they belong to. */
const programs = goBlocks.filter((b) => isProgram(b) || b.mode.kind === "in");
/** Fragments that name no program: each fails. */
const unplaced = goBlocks.filter((b) => !isProgram(b) && b.mode.kind !== "in");
/** The source compiled for each block, and the line (0-based) of main.go where the block's first line is, if known. */
const sources = new Map<Block, GoSource>(programs.map((b) => [b, sourceOf(root, all, b)]));

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
      const source = sources.get(block)!;
      writeFileSync(join(dir, "main.go"), "code" in source ? source.code : "package main\n\nfunc main() {}\n");
    }
    mkdirSync(binaries());
    const env = goEnv(gopath);
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

  it("finds the Go programs and fragments", () => {
    expect(programs.filter(isProgram).length).toBeGreaterThan(3);
    expect(programs.filter((b) => !isProgram(b)).length).toBeGreaterThan(3);
  });

  for (const block of unplaced) {
    it(`${block.page}:${block.line} is a Go fragment that names its program`, () => {
      expect.fail(
        `${block.page}:${block.line}: a Go fragment needs <!-- doctest: in above --> or <!-- doctest: in spec/docs/go/<frame>.go --> ` +
          "(or <!-- doctest: skip: <reason> -->) right before it",
      );
    });
  }

  for (const block of programs) {
    const where = `${block.page}:${block.line}`;
    it(`${where} compiles${isProgram(block) ? "" : ` inside ${block.mode.kind === "in" ? block.mode.program : "?"}`}`, () => {
      const source = sources.get(block)!;
      if ("error" in source) {
        expect.fail(`${where}: ${source.error}`);
        return;
      }
      const errors = (buildErrors.get(block) ?? "").replace(/\S*main\.go:(\d+)/g, (m, n: string) => {
        const line = Number(n) - 1 - (source.offset ?? Number.NaN);
        const inBlock = line >= 0 && line < block.code.split("\n").length - 1;
        return inBlock ? `${block.page}:${block.line + 1 + line}` : `${m} (the program the fragment is compiled in)`;
      });
      expect(errors, errors === "" ? "" : `the compiled source:\n${numbered(source.code)}`).toBe("");
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

function numbered(code: string): string {
  return code.split("\n").map((l, i) => `${String(i + 1).padStart(3)}  ${l}`).join("\n");
}

function nonBlank(text: string): string[] {
  return text.split("\n").map((l) => l.trimEnd()).filter((l) => l !== "");
}
