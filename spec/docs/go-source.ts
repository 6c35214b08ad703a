/**
 * The Go source the doc tests compile for a ```go block of the docs: a whole program as it is, or
 * a fragment placed inside the program its marker names (`<!-- doctest: in above -->`, or
 * `<!-- doctest: in spec/docs/go/<frame>.go -->`; see blocks.ts). go-blocks.spec.ts compiles
 * every block this way; concurrency.spec.ts runs some of them under the race detector.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import type { Block } from "./blocks.js";

/** GoSource is the program compiled for a block, with the line (0-based) of main.go where the block starts, when known; or why there is none. */
export type GoSource = { code: string; offset: number | undefined } | { error: string };

/** isProgram is true for a block that is a whole Go program (`package main`). */
export function isProgram(block: Block): boolean {
  return /^package main\b/.test(block.code);
}

/**
 * sourceOf returns the Go source that is compiled for a block: the block itself when it is a whole
 * program, or the fragment placed inside the program its marker names.
 */
export function sourceOf(root: string, all: readonly Block[], block: Block): GoSource {
  if (isProgram(block)) return { code: block.code, offset: 0 };
  if (block.mode.kind !== "in") return { error: "a Go fragment names no program" };
  if (block.mode.program === "above") {
    const program = all.filter((b) => b.page === block.page && b.line < block.line && b.language === "go" && isProgram(b)).at(-1);
    if (program === undefined) return { error: "no whole Go program (package main) above this fragment on the page" };
    return mergeDeclarations(program.code, block.code);
  }
  const frame = join(root, block.mode.program);
  if (!existsSync(frame)) return { error: `no frame ${block.mode.program} in the repository` };
  const lines = readFileSync(frame, "utf8").split("\n");
  const at = lines.findIndex((l) => l.trim() === "// doctest: fragment");
  if (at === -1) return { error: `${block.mode.program} has no line "// doctest: fragment"` };
  const indent = /^\s*/.exec(lines[at]!)![0];
  const fragment = block.code.replace(/\n$/, "").split("\n").map((l) => (l === "" ? l : indent + l));
  return { code: [...lines.slice(0, at), ...fragment, ...lines.slice(at + 1)].join("\n"), offset: at };
}

/**
 * mergeDeclarations replaces the top-level declarations of a (gofmt-formatted) program by the
 * fragment's of the same name, and adds the fragment's others at the end. A declaration starts at
 * a line in column 0 (`import`, `func`, `type`, `var`, `const`, with the comment lines right above
 * it) and runs until the next one; its name is `import`, `func main`, `func (*Exporter) Collect`,
 * `type Exporter`, and so on.
 */
function mergeDeclarations(program: string, fragment: string): GoSource {
  const ours = declarationsOf(fragment);
  if (ours.length === 0) return { error: "the fragment has no top-level declaration (import, func, type, var, const)" };
  const theirs = declarationsOf(program);
  const code: string[] = [];
  for (const declaration of theirs) {
    const replacement = ours.find((d) => d.name === declaration.name);
    code.push(...(replacement ?? declaration).lines);
  }
  for (const declaration of ours) if (!theirs.some((d) => d.name === declaration.name)) code.push(...declaration.lines);
  return { code: code.join("\n") + "\n", offset: undefined };
}

function declarationsOf(code: string): { name: string; lines: string[] }[] {
  const declarations: { name: string; lines: string[] }[] = [];
  let comments: string[] = [];
  for (const line of code.replace(/\n$/, "").split("\n")) {
    const name = declarationName(line);
    if (name !== undefined) {
      declarations.push({ name, lines: [...comments, line] });
      comments = [];
    } else if (line.startsWith("//")) {
      comments.push(line);
    } else if (declarations.length > 0) {
      declarations.at(-1)!.lines.push(...comments, line);
      comments = [];
    } else {
      comments = [];
    }
  }
  return declarations;
}

let groups = 0;

/** declarationName names the declaration a line in column 0 starts, or is undefined. */
function declarationName(line: string): string | undefined {
  if (/^package\s/.test(line)) return "package";
  if (/^import\b/.test(line)) return "import";
  const method = /^func\s*\(\s*(?:\w+\s+)?(\*?\s*\w+)\s*\)\s*(\w+)/.exec(line);
  if (method !== null) return `func (${method[1]!.replace(/\s/g, "")}) ${method[2]}`;
  const other = /^(func|type|var|const)\s+(\w+)/.exec(line);
  if (other !== null) return `${other[1]} ${other[2]}`;
  if (/^(var|const|type)\s*\(/.test(line)) return `${line.trim()} group ${++groups}`; // a group: never replaced
  return undefined;
}


/** Where client_golang's sources are, in GOPATH form (Debian's golang-github-prometheus-client-golang-dev). */
export const gocode = process.env["GOCODE"] ?? "/usr/share/gocode";

/**
 * hasGo is true when `go` and client_golang's sources are installed. Missing under CI, it throws
 * (failing the spec file with the install hint); missing elsewhere, it warns loudly and returns
 * false so the caller can skip.
 */
export function hasGo(what: string): boolean {
  const found =
    existsSync(join(gocode, "src/github.com/prometheus/client_golang/prometheus/registry.go")) &&
    spawnSync("go", ["version"]).status === 0;
  if (found) return true;
  const message = `no go, or no client_golang under ${gocode} (set $GOCODE, or run: apt-get install -y golang-go golang-github-prometheus-client-golang-dev)`;
  if (process.env["CI"]) throw new Error(`${message}; CI must not skip ${what}`);
  console.warn(`SKIPPING ${what}: ${message}`);
  return false;
}

/** goEnv is the environment of an offline GOPATH build against `gopath` and client_golang's sources. */
export function goEnv(gopath: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    GO111MODULE: "off",
    GOPATH: `${gopath}:${gocode}`,
    GOFLAGS: "",
    GOPROXY: "off",
    // A cache of its own, so that a read-only home does not matter; builds of the same sources
    // are quick on the second run.
    GOCACHE: process.env["GOCACHE"] ?? join(tmpdir(), "demo-exporter-doc-go-cache"),
  };
}
