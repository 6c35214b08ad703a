/**
 * Finding the code blocks of the Markdown pages, with the doctest marker in front of each.
 *
 * A marker is an HTML comment on the last non-blank line before the opening fence; Markdown
 * renderers do not show it:
 *
 * - `<!-- doctest: run -->`: type-check the block, then run it as a program. It may assert with
 *   `console.assert`, and may end with an `// Output:` comment, whose lines must be exactly what
 *   it prints (as in Go's testable examples).
 * - `<!-- doctest: excerpt examples/some/file.ts -->`: the block is a verbatim excerpt of that
 *   file, which spec/tsconfig.json type-checks and a spec tests; a line `// ...` stands for lines
 *   left out. Imports may be spelled `demo-exporter/<package>` where the file has a relative path.
 *   This marker may also precede a block of another language (a fixture shown as ```text).
 * - `<!-- doctest: skip: <reason> -->`: neither; the reason is required.
 *
 * Every other ```ts (or ```typescript) block is type-checked as a standalone module.
 *
 * Every ```go block is compiled against client_golang 1.14 (go-blocks.spec.ts). A whole program
 * (`package main`) is compiled as it is; marked `run`, it is also run, and must print what the
 * nearest runnable ```ts block above it prints (blank lines aside): the same program, in both
 * languages. A fragment must say which program it belongs to:
 *
 * - `<!-- doctest: in above -->`: it is part of the nearest whole Go program above it on the page.
 *   Its import block and each of its top-level declarations replace the program's of the same
 *   name (`func main`, `type Exporter`, `func (e *Exporter) Collect`); new ones are added.
 * - `<!-- doctest: in spec/docs/go/<frame>.go -->`: it is pasted into that frame, a Go program
 *   of the repository, in place of its line `// doctest: fragment` (indented as that line is).
 *
 * A Go fragment without one of these (or a skip with its reason) fails the spec.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";

/** Mode is what the doc tests do with a block. */
export type Mode =
  | { kind: "check" }
  | { kind: "run" }
  | { kind: "excerpt"; file: string }
  | { kind: "skip"; reason: string }
  /** A Go fragment, compiled inside `program`: `above`, or the path of a frame in the repository. */
  | { kind: "in"; program: string };

/** Block is one fenced TypeScript block of a page. */
export interface Block {
  /** The page, relative to the repository root, e.g. `docs/tutorial.md`. */
  page: string;
  /** The line of the opening fence (1-based); the code starts on the next line. */
  line: number;
  /** The info string's language: `ts`, `go` (programs and fragments), or any language for an excerpt. */
  language: string;
  code: string;
  mode: Mode;
}

/** MarkerError reports a doctest comment that cannot be understood, or does not precede a block. */
export interface MarkerError {
  page: string;
  line: number;
  message: string;
}

const markerPattern = /^<!--\s*doctest:\s*(.*?)\s*-->$/;
const tsLanguages = new Set(["ts", "typescript"]);

/** pagesOf lists README.md and every Markdown file under docs/, relative to root, sorted. */
export function pagesOf(root: string): string[] {
  const docs = readdirSync(join(root, "docs"), { recursive: true, encoding: "utf8" })
    .filter((name) => name.endsWith(".md"))
    .map((name) => relative(root, join(root, "docs", name)));
  return ["README.md", ...docs.sort()];
}

/** blocksOf parses one page into its TypeScript blocks and its marker errors. */
export function blocksOf(root: string, page: string): { blocks: Block[]; errors: MarkerError[] } {
  const lines = readFileSync(join(root, page), "utf8").split("\n");
  const blocks: Block[] = [];
  const errors: MarkerError[] = [];
  let pending: { mode: Mode; line: number } | undefined;
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i]!.trim();
    const fence = /^(`{3,}|~{3,})\s*([\w-]*)/.exec(text);
    if (fence !== null) {
      const end = closingFence(lines, i, fence[1]!);
      const code = lines.slice(i + 1, end).join("\n") + "\n";
      if (pending?.mode.kind === "in" && fence[2] !== "go") {
        errors.push({ page, line: pending.line, message: `only a \`\`\`go block can be compiled "in" a program` });
      } else if (tsLanguages.has(fence[2]!) || fence[2] === "go" || pending?.mode.kind === "excerpt") {
        blocks.push({ page, line: i + 1, language: fence[2]!, code, mode: pending?.mode ?? { kind: "check" } });
      } else if (pending !== undefined) {
        errors.push({ page, line: pending.line, message: `only an excerpt marker may precede a \`\`\`${fence[2]} block` });
      }
      pending = undefined;
      i = end;
      continue;
    }
    if (text === "") continue;
    if (pending !== undefined) {
      errors.push({ page, line: pending.line, message: "a doctest marker must be right before a ```ts block" });
      pending = undefined;
    }
    if (!/^<!--\s*doctest/.test(text)) continue;
    const parsed = parseMarker(text);
    if (typeof parsed === "string") errors.push({ page, line: i + 1, message: parsed });
    else pending = { mode: parsed, line: i + 1 };
  }
  if (pending !== undefined) errors.push({ page, line: pending.line, message: "a doctest marker at the end of the page" });
  return { blocks, errors };
}

/** parseMarker reads a marker comment into a mode, or returns what is wrong with it. */
function parseMarker(text: string): Mode | string {
  const body = markerPattern.exec(text)?.[1];
  if (body === undefined) return `malformed doctest marker ${JSON.stringify(text)}`;
  if (body === "run") return { kind: "run" };
  const within = /^in\s+(\S+)$/.exec(body);
  if (within !== null) return { kind: "in", program: within[1]! };
  const excerpt = /^excerpt\s+(\S+)$/.exec(body);
  if (excerpt !== null) return { kind: "excerpt", file: excerpt[1]! };
  const skip = /^skip(?::\s*(.*))?$/.exec(body);
  if (skip !== null) {
    const reason = skip[1]?.trim() ?? "";
    return reason === "" ? "a doctest skip needs a reason: <!-- doctest: skip: <why> -->" : { kind: "skip", reason };
  }
  return `unknown doctest marker ${JSON.stringify(body)} (run, excerpt <file>, in above, in <frame.go>, skip: <reason>)`;
}

/** closingFence returns the index of the line that closes the fence opened at `open`. */
function closingFence(lines: readonly string[], open: number, fence: string): number {
  for (let i = open + 1; i < lines.length; i++) {
    const text = lines[i]!.trim();
    if (text.startsWith(fence) && text.slice(fence.length).trim() === "" && text[0] === fence[0]) return i;
  }
  return lines.length;
}

/**
 * expectedOutput returns the lines of a block's trailing `// Output:` comment, or undefined when it
 * has none. Each line after the marker must be a comment; `// ` (or `//`) is removed.
 */
export function expectedOutput(code: string): string[] | undefined {
  const lines = code.trimEnd().split("\n");
  const start = lines.findIndex((l) => l.trim() === "// Output:");
  if (start === -1) return undefined;
  return lines.slice(start + 1).map((l) => {
    const t = l.trim();
    if (!t.startsWith("//")) throw new Error(`a line after "// Output:" is not a comment: ${JSON.stringify(l)}`);
    return t.replace(/^\/\/ ?/, "");
  });
}
