/**
 * Doc tests: every ```ts block of README.md and docs/**\/*.md is type-checked, and the blocks
 * marked `<!-- doctest: run -->` are run, so that the docs cannot drift from the library.
 * (The markers are described in blocks.ts.)
 *
 * How: each block is written to spec/docs/.generated/ as a module of its own, with its
 * `demo-exporter/<package>` imports pointed at the sources in lib/ (the subpaths of package.json's
 * "exports", so a subpath the package does not export fails here as it would for a user). One
 * `tsc` run type-checks all of them (a second only when there are errors, see typeCheck), with the
 * repository's strict settings except the unused-name checks (an example may declare what it only
 * shows), and compiles them into .generated/out/. Excerpts are compared with their files.
 * Each runnable block then runs as a program of its own (`node`, in a temporary directory), so
 * that blocks which register into the default registry do not meet. `console.assert` throws
 * there, and an `// Output:` comment must equal what the program printed.
 *
 * A failure names the page and line: `docs/tutorial.md:57:10 error TS2339: ...`.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";

import { type Block, blocksOf, expectedOutput, type MarkerError, pagesOf } from "./blocks.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const generated = join(root, "spec", "docs", ".generated");
const outDir = join(generated, "out");
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");

const pages = pagesOf(root);
const parsed = pages.map((page) => blocksOf(root, page));
/** The blocks this spec checks; whole Go programs are go-blocks.spec.ts's. */
const blocks: Block[] = parsed.flatMap((p) => p.blocks).filter((b) => b.language !== "go" || b.mode.kind === "excerpt");
const markerErrors: MarkerError[] = parsed.flatMap((p) => p.errors);
const compiled = blocks.filter((b) => b.mode.kind === "check" || b.mode.kind === "run");

/** The subpaths of the package (`prometheus`, ...) and the lib/ module each one is built from. */
const subpaths = packageSubpaths();

/** Diagnostics by generated file (relative to root), filled by typeCheck. */
let diagnostics = new Map<string, string[]>();

beforeAll(() => {
  rmSync(generated, { recursive: true, force: true });
  mkdirSync(generated, { recursive: true });
  for (const block of compiled) writeFileSync(join(root, fileOf(block)), pointImportsAtLib(block.code, fileOf(block)));
  writeFileSync(join(generated, "assert-throws.mjs"), assertThrows);
  diagnostics = typeCheck(compiled.map(fileOf));
  const elsewhere = [...diagnostics].filter(([file]) => !compiled.some((b) => fileOf(b) === file));
  if (elsewhere.length > 0) throw new Error(`tsc reported errors outside the doc blocks:\n${elsewhere.flatMap(([, d]) => d).join("\n")}`);
}, 120_000);

it("finds the TypeScript blocks of README.md and docs/", () => {
  expect(pages).toContain("docs/tutorial.md");
  expect(blocks.length).toBeGreaterThan(20);
  expect(blocks.filter((b) => b.mode.kind === "run").length).toBeGreaterThan(10);
});

it("has only well-formed doctest markers, each right before a ```ts block", () => {
  expect(markerErrors.map((e) => `${e.page}:${e.line}: ${e.message}`)).toEqual([]);
});

for (const page of pages) {
  const ofPage = blocks.filter((b) => b.page === page);
  if (ofPage.length === 0) continue;
  describe(page, () => {
    for (const block of ofPage) {
      const where = `${block.page}:${block.line}`;
      switch (block.mode.kind) {
        case "check":
          it(`${where} type-checks`, () => expectNoDiagnostics(block));
          break;
        case "run":
          it(`${where} type-checks`, () => expectNoDiagnostics(block));
          it(`${where} runs`, async () => {
            expect(diagnostics.has(fileOf(block)), "it does not type-check").toBe(false);
            await expectRuns(block);
          });
          break;
        case "excerpt": {
          const file = block.mode.file;
          it(`${where} is an excerpt of ${file}`, () => expectExcerpt(block, file));
          break;
        }
        case "skip":
          it.skip(`${where} (skipped: ${block.mode.reason})`, () => {});
          break;
      }
    }
  });
}

/** fileOf is where a block is written, relative to root: `spec/docs/.generated/docs_tutorial_md_L57.ts`. */
function fileOf(block: Block): string {
  return relative(root, join(generated, `${block.page.replace(/[^A-Za-z0-9]+/g, "_")}_L${block.line}.ts`));
}

function expectNoDiagnostics(block: Block): void {
  const found = diagnostics.get(fileOf(block)) ?? [];
  expect(found.map((d) => toPageLocation(d, block)).join("\n")).toBe("");
}

/** toPageLocation turns `spec/docs/.generated/x.ts(3,10): error ...` into `docs/x.md:60:10 error ...`. */
function toPageLocation(diagnostic: string, block: Block): string {
  return diagnostic.replace(/^\S+\((\d+),(\d+)\): /, (_m, line: string, column: string) => {
    return `${block.page}:${block.line + Number(line)}:${column} `;
  });
}

async function expectRuns(block: Block): Promise<void> {
  const script = join(outDir, fileOf(block)).replace(/\.ts$/, ".js");
  const cwd = mkdtempSync(join(tmpdir(), "doctest-"));
  try {
    const { code, signal, stdout, stderr } = await runNode(script, cwd, 20_000);
    expect({ code, signal, stderr }, `${block.page}:${block.line} failed`).toEqual({ code: 0, signal: null, stderr: "" });
    const output = expectedOutput(block.code);
    if (output !== undefined) expect(trimLines(stdout)).toBe(trimLines(output.join("\n")));
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}

function trimLines(text: string): string {
  return text.split("\n").map((l) => l.trimEnd()).join("\n").trim();
}

/** assertThrows (preloaded with `node --import`) makes a failed `console.assert` throw, so that the program fails. */
const assertThrows = `const original = console.assert.bind(console);
console.assert = (condition, ...data) => {
  if (condition) return;
  original(condition, ...data);
  throw new Error("console.assert failed: " + data.map(String).join(" "));
};`;

interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** runNode runs a compiled block; past `timeoutMs` it is killed by PID and the run fails. */
function runNode(script: string, cwd: string, timeoutMs: number): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [`--import=${pathToFileURL(join(generated, "assert-throws.mjs")).href}`, script], {
      cwd,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (s: string) => (stdout += s));
    child.stderr.setEncoding("utf8").on("data", (s: string) => (stderr += s));
    const timer = setTimeout(() => {
      if (child.pid !== undefined) process.kill(child.pid, "SIGKILL");
      reject(new Error(`${relative(root, script)} still running after ${timeoutMs} ms:\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code, signal, stdout, stderr });
    });
  });
}

function expectExcerpt(block: Block, file: string): void {
  const source = readFileSync(join(root, file), "utf8").replace(
    /(["'])(?:\.\.\/)+lib\/([\w-]+)\/index\.js\1/g,
    (_m, quote: string, pkg: string) => `${quote}demo-exporter/${pkg}${quote}`,
  );
  const pieces = block.code.split(/^[ \t]*\/\/ \.\.\.[ \t]*\n/m).filter((p) => p.trim() !== "");
  let from = 0;
  for (const piece of pieces) {
    const at = source.indexOf(piece, from);
    expect(at, `${block.page}:${block.line}: not found in ${file} (after offset ${from}):\n${piece}`).toBeGreaterThanOrEqual(0);
    from = at + piece.length;
  }
}

/** pointImportsAtLib rewrites `"demo-exporter/<subpath>"` to the relative path of its lib/ module. */
function pointImportsAtLib(code: string, file: string): string {
  return code.replace(/(["'])demo-exporter(\/[\w-]+)?\1/g, (whole, quote: string, sub: string | undefined) => {
    const target = subpaths.get(sub === undefined ? "." : `.${sub}`);
    if (target === undefined) return whole; // not exported: tsc reports it, as a user's would
    let path = relative(dirname(join(root, file)), join(root, target));
    if (!path.startsWith(".")) path = `./${path}`;
    return `${quote}${path}${quote}`;
  });
}

/** packageSubpaths maps each subpath of package.json's exports to its source, e.g. `lib/prometheus/index.js`. */
function packageSubpaths(): Map<string, string> {
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
    exports: Record<string, string | { default?: string }>;
  };
  const map = new Map<string, string>();
  for (const [subpath, target] of Object.entries(pkg.exports)) {
    const built = typeof target === "string" ? target : target.default;
    const source = /^\.\/dist\/(lib\/.*\.js)$/.exec(built ?? "")?.[1];
    if (source !== undefined) map.set(subpath, source);
  }
  return map;
}

/**
 * typeCheck runs tsc over the files (relative to root), compiling them into .generated/out/, and
 * returns the diagnostics by file. tsc skips the semantic checks of every file when any file has
 * a syntax error, so the files with errors are set aside and the rest checked again, until a run
 * finds no new errors: a broken block cannot hide the errors of another.
 */
function typeCheck(files: readonly string[]): Map<string, string[]> {
  const found = new Map<string, string[]>();
  let remaining = [...files];
  for (;;) {
    writeFileSync(join(generated, "tsconfig.json"), JSON.stringify(tsconfig(remaining), null, 2));
    const result = spawnSync(process.execPath, [tsc, "-p", join(generated, "tsconfig.json"), "--pretty", "false"], {
      cwd: root,
      encoding: "utf8",
    });
    if (result.error !== undefined) throw result.error;
    const run = parseDiagnostics(result.stdout);
    for (const [file, list] of run) found.set(file, [...(found.get(file) ?? []), ...list]);
    const failed = new Set(run.keys());
    if (failed.size === 0 || !remaining.some((f) => failed.has(f))) return found;
    remaining = remaining.filter((f) => !failed.has(f));
    if (remaining.length === 0) return found;
  }
}

function tsconfig(files: readonly string[]): object {
  return {
    extends: relative(generated, join(root, "tsconfig.json")),
    compilerOptions: {
      rootDir: relative(generated, root),
      outDir: "out",
      // Every block is a module of its own, even one without imports.
      moduleDetection: "force",
      // An example may declare what it only shows.
      noUnusedLocals: false,
      noUnusedParameters: false,
      declaration: false,
      sourceMap: false,
      noEmitOnError: false,
    },
    files: files.map((f) => relative(generated, join(root, f))),
  };
}

/** parseDiagnostics groups tsc's `file(line,col): error ...` lines (and their continuations) by file. */
function parseDiagnostics(output: string): Map<string, string[]> {
  const byFile = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of output.split("\n")) {
    const file = /^(\S[^(]*)\(\d+,\d+\): /.exec(line)?.[1];
    if (file !== undefined) {
      if (!byFile.has(file)) byFile.set(file, []);
      current = byFile.get(file)!;
      current.push(line);
    } else if (line.trim() !== "") {
      if (current !== undefined) current[current.length - 1] += `\n${line}`;
      else byFile.set("(tsc)", [...(byFile.get("(tsc)") ?? []), line]);
    }
  }
  return byFile;
}
