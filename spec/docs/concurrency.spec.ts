/**
 * The claims of docs/concurrency.md (and its Chinese page), checked by running its Go under Go's
 * race detector: the write-up's exporter, scraped from 16 goroutines, is reported as a data race
 * in `(*Exporter).Collect()` (exit status 66), and each of the two fixes runs clean and prints
 * exactly what the page shows after it. go-blocks.spec.ts only compiles these programs; this spec
 * builds them with `-race` and runs them.
 *
 * Needs `go` (with cgo, for -race) and client_golang's sources, as go-blocks.spec.ts does; without
 * them the spec is skipped with a loud warning, and fails under CI=true.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { type Block, blocksOf, pagesOf } from "./blocks.js";
import { goEnv, hasGo, isProgram, sourceOf } from "./go-source.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const page = "docs/concurrency.md";
const all = pagesOf(root).flatMap((p) => blocksOf(root, p).blocks);
const goOf = (p: string): Block[] => all.filter((b) => b.page === p && b.language === "go");
const [race, mutex, snapshot] = goOf(page);

/** textAfter returns the first ```text block after `line` on the page: what the page says the program printed. */
function textAfter(line: number): string {
  const lines = readFileSync(join(root, page), "utf8").split("\n");
  const open = lines.findIndex((l, i) => i >= line && l.trim() === "```text");
  const close = lines.findIndex((l, i) => i > open && l.trim() === "```");
  return lines.slice(open + 1, close).join("\n") + "\n";
}

describe("docs/concurrency.md and its Chinese page", () => {
  it("has the race program and its two fixes, and the Chinese page the very same Go and TypeScript", () => {
    expect(race !== undefined && isProgram(race)).toBe(true);
    expect([mutex?.mode, snapshot?.mode]).toEqual([{ kind: "in", program: "above" }, { kind: "in", program: "above" }]);
    const code = (p: string) => all.filter((b) => b.page === p && (b.language === "go" || b.language === "ts")).map((b) => b.code);
    expect(code("docs/zh/concurrency.md")).toEqual(code(page));
  });
});

describe.runIf(hasGo("the race-detector runs of docs/concurrency.md"))("docs/concurrency.md under go -race", () => {
  let gopath: string;
  /** Builds the program of `block` with -race and returns the binary's path. */
  const build = (name: string, block: Block): string => {
    const source = sourceOf(root, all, block);
    if ("error" in source) throw new Error(`${block.page}:${block.line}: ${source.error}`);
    mkdirSync(join(gopath, "src", name), { recursive: true });
    writeFileSync(join(gopath, "src", name, "main.go"), source.code);
    const binary = join(gopath, "bin", name);
    const result = spawnSync("go", ["build", "-race", "-o", binary, `./src/${name}`], { cwd: gopath, env: goEnv(gopath), encoding: "utf8" });
    if (result.status !== 0) throw new Error(`go build -race of ${block.page}:${block.line} failed:\n${result.stdout}${result.stderr}`);
    return binary;
  };
  const run = (binary: string) => spawnSync(binary, { encoding: "utf8", timeout: 120_000 });

  beforeAll(() => {
    gopath = mkdtempSync(join(tmpdir(), "doc-go-race-"));
  });
  afterAll(() => rmSync(gopath, { recursive: true, force: true }));

  it("reports the write-up's Collect as a data race on start++", () => {
    const binary = build("race", race!);
    // The detector sees a race only when the goroutines meet; with 1,600 scrapes they always did
    // while the page was written, but try up to three times before calling it absent.
    let result = run(binary);
    for (let i = 0; i < 2 && result.status !== 66; i++) result = run(binary);
    expect(result.status, result.stderr).toBe(66);
    expect(result.stderr).toContain("WARNING: DATA RACE");
    expect(result.stderr).toContain("main.(*Exporter).Collect()");
    expect(result.stderr).toMatch(/main\.go:37 /); // start++, as the page says
    expect(result.stdout).toMatch(/^1600 scrapes: \d+ without demo_total, \d+ different values of it\n$/);
  }, 300_000);

  for (const [name, block] of [["mutex", mutex], ["snapshot", snapshot]] as const) {
    it(`runs the ${name} fix without a race, and prints what the page shows`, () => {
      const result = run(build(name, block!));
      expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: "" });
      expect(result.stdout).toBe(textAfter(block!.line));
    }, 300_000);
  }
});
