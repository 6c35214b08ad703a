/**
 * The `lint` command: {@link lintText} over a text exposition read from a file or standard input,
 * with the output and exit status of `promtool check metrics`.
 *
 * Counterpart: `CheckMetrics` in Prometheus 2.42's cmd/promtool/main.go, whose behaviour is
 * recorded by experiment in spec/conformance/promtool.spec.ts:
 *
 * | input                     | standard error                                   | status |
 * |---------------------------|--------------------------------------------------|--------|
 * | clean                     | nothing                                          | 0      |
 * | lint problems             | one `<metric> <text>` line per problem, sorted   | 3      |
 * | not in the text format    | `error while linting: text format parsing error in line N: ...` | 1 |
 *
 * Nothing is written to standard output. Differences: promtool reads only standard input, this
 * command also a file (`lint FILE`; `lint` and `lint -` read standard input); a file that cannot
 * be read is reported like a parse error (status 1); a usage error exits with 2, as the rest of
 * the demo-exporter command line does.
 *
 * `--extended` (promtool's flag of the same name) prints, for a clean input, the cardinality table
 * of cardinality.ts to standard output; with lint problems or a parse error it changes nothing.
 *
 * @module
 */

import { readFile } from "node:fs/promises";
import { cardinalityTableOfText, formatCardinalityTable } from "./cardinality.js";
import { formatProblem, lintText, type Problem } from "./promlint.js";

/** LintIO is where the command reads and writes (the process's streams, or test doubles). */
export interface LintIO {
  /** Read when no file (or `-`) is given. */
  stdin: AsyncIterable<string | Uint8Array>;
  stdout: LintOutput;
  stderr: LintOutput;
}

/** LintOutput is the part of a writable stream the command uses. */
export interface LintOutput {
  write(chunk: string, callback?: (err?: Error | null) => void): unknown;
}

/** LintOptions tune the command's messages. */
export interface LintOptions {
  /** The command's name in usage messages. Default `demo-exporter lint`. */
  program?: string;
}

/** LintStatus are the exit statuses of `promtool check metrics`, which `runLint` resolves to. */
export const LintStatus = {
  /** No problem found. */
  success: 0,
  /** The input could not be read or parsed. */
  failure: 1,
  /** A usage error (promtool's kingpin exits 1 here; the demo-exporter command line uses 2). */
  usage: 2,
  /** The input parsed, and the linter found problems. */
  lintProblems: 3,
} as const;

/**
 * runLint runs `lint [file|-]` with the arguments after the command name and resolves to the
 * exit status (see {@link LintStatus}). Lint problems and errors go to `io.stderr`, as promtool
 * writes them; `--help` writes the usage to `io.stdout`.
 * @example
 * ```ts
 * const status = await runLint(["metrics.prom"], { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr });
 * ```
 */
export async function runLint(args: readonly string[], io: LintIO, options: LintOptions = {}): Promise<number> {
  const program = options.program ?? "demo-exporter lint";
  const parsed = parseArgs(args);
  if (parsed.kind === "help") {
    await write(io.stdout, usage(program));
    return LintStatus.success;
  }
  if (parsed.kind === "error") {
    await write(io.stderr, `${program}: error: ${parsed.message}, try --help\n`);
    return LintStatus.usage;
  }
  let problems: Problem[];
  let input: Uint8Array;
  try {
    input = await readInput(parsed.file, io.stdin);
    problems = lintText(input);
  } catch (err) {
    await write(io.stderr, `error while linting: ${describeError(err)}\n`);
    return LintStatus.failure;
  }
  if (problems.length === 0) {
    if (parsed.extended) await write(io.stdout, formatCardinalityTable(cardinalityTableOfText(textOf(input))));
    return LintStatus.success;
  }
  await write(io.stderr, problems.map((p) => formatProblem(p) + "\n").join(""));
  return LintStatus.lintProblems;
}

/** textOf decodes input that lintText has already checked to be UTF-8. */
function textOf(input: Uint8Array): string {
  return Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString("utf8");
}

/** usage is the text of `lint --help`. */
function usage(program: string): string {
  return (
    `usage: ${program} [--extended] [<file>]\n\n` +
    "Lint a text exposition like promtool check metrics: read the file (standard input when it is\n" +
    '"-" or missing), print each problem to standard error and exit with 0 (no problems), 3 (lint\n' +
    "problems) or 1 (unreadable or not in the text format). With --extended, a clean input also\n" +
    "gets the cardinality table on standard output: series per metric family, largest first.\n"
  );
}

type ParsedArgs = { kind: "run"; file: string; extended: boolean } | { kind: "help" } | { kind: "error"; message: string };

/** parseArgs accepts `[--extended] [--] [<file>|-]` and `--help`/`-h`. */
function parseArgs(args: readonly string[]): ParsedArgs {
  const positional: string[] = [];
  let flagsDone = false;
  let extended = false;
  for (const arg of args) {
    if (!flagsDone && arg === "--") flagsDone = true;
    else if (!flagsDone && arg === "--extended") extended = true;
    else if (!flagsDone && (arg === "--help" || arg === "-h")) return { kind: "help" };
    else if (!flagsDone && arg.startsWith("-") && arg !== "-") return { kind: "error", message: `unknown flag ${arg}` };
    else positional.push(arg);
  }
  if (positional.length > 1) return { kind: "error", message: `unexpected ${positional[1]}` };
  return { kind: "run", file: positional[0] ?? "-", extended };
}

/**
 * readInput reads the named file, or all of stdin for `-`, as bytes: the parser checks them as
 * UTF-8 where Go does, so an invalid byte is reported, not replaced.
 */
async function readInput(file: string, stdin: AsyncIterable<string | Uint8Array>): Promise<Uint8Array> {
  if (file !== "-") return readFile(file);
  const chunks: Uint8Array[] = [];
  for await (const chunk of stdin) chunks.push(typeof chunk === "string" ? Buffer.from(chunk, "utf8") : chunk);
  return Buffer.concat(chunks);
}

/**
 * describeError renders a parse error as its message (Go's, without our column) and a file error as Go's `os.Open` would (`open x.prom: no such file or directory`).
 */
function describeError(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (typeof e?.syscall === "string" && typeof e.path === "string" && typeof e.message === "string") {
    const reason = /^[A-Z]+: ([^,]*)/.exec(e.message)?.[1] ?? e.message;
    return `${e.syscall} ${e.path}: ${reason}`;
  }
  return err instanceof Error ? err.message : String(err);
}

/** write writes `text` and resolves once the stream has taken it. */
function write(out: LintOutput, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    out.write(text, (err) => (err ? reject(err) : resolve()));
  });
}
