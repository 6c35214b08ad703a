/**
 * promtool for specs: find the binary (Debian package `prometheus`), and run
 * `promtool check metrics` on a text exposition.
 *
 * A missing binary skips the specs that need it, loudly; under CI (`CI` set) it fails them
 * instead, so a CI machine without the package cannot pass by skipping.
 */
import { spawn } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";

/** installHint is what to run when a Prometheus binary is missing. */
export const installHint = "apt-get install -y prometheus";

/**
 * locateTool returns the path of an executable: `$<envVar>` when set, else the first `name` on
 * PATH, else `/usr/bin/<name>`; undefined when none is executable.
 */
export function locateTool(name: string, envVar: string): string | undefined {
  const explicit = process.env[envVar];
  const candidates = explicit
    ? [explicit]
    : [...(process.env["PATH"] ?? "").split(delimiter).filter((d) => d !== "").map((d) => join(d, name)), `/usr/bin/${name}`];
  return candidates.find(isExecutable);
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * requireTool reports whether `name` is there for the specs that need it. Missing under CI, it
 * throws (failing the spec file with the install hint); missing elsewhere, it warns and returns
 * false so the caller can skip. `hint` is the command that installs it.
 */
export function requireTool(name: string, envVar: string, hint: string = installHint): boolean {
  if (locateTool(name, envVar) !== undefined) return true;
  const message = `${name} not found (set $${envVar} or run: ${hint})`;
  if (process.env["CI"]) throw new Error(`${message}; CI must not skip these specs`);
  console.warn(`SKIPPING specs that need ${name}: ${message}`);
  return false;
}

/** promtoolPath is where promtool is, or undefined. */
export function promtoolPath(): string | undefined {
  return locateTool("promtool", "PROMTOOL");
}

/** hasPromtool is requireTool for promtool: true, or a loud skip (a failure under CI). */
export function hasPromtool(): boolean {
  return requireTool("promtool", "PROMTOOL");
}

/** CheckResult is what `promtool check metrics` said: its exit code and its stdout+stderr. */
export interface CheckResult {
  code: number;
  output: string;
}

/**
 * promtoolCheckMetrics pipes `text` into `promtool check metrics`. promtool exits 0 when the text
 * is clean, 3 when it only has lint problems (one per line of output), 1 when it cannot parse it.
 *
 * @throws when promtool is missing or does not finish within `timeoutMs`.
 */
export function promtoolCheckMetrics(text: string, timeoutMs = 10_000): Promise<CheckResult> {
  const path = promtoolPath();
  if (path === undefined) return Promise.reject(new Error(`promtool not found: ${installHint}`));
  return new Promise((resolve, reject) => {
    const child = spawn(path, ["check", "metrics"], { stdio: ["pipe", "pipe", "pipe"] });
    let output = "";
    child.stdout.setEncoding("utf8").on("data", (s: string) => (output += s));
    child.stderr.setEncoding("utf8").on("data", (s: string) => (output += s));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`promtool check metrics did not finish within ${timeoutMs} ms`));
    }, timeoutMs);
    child.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, output });
    });
    child.stdin.on("error", () => {}); // promtool may exit before reading everything
    child.stdin.end(text);
  });
}

/** ToolResult is what a run of promtool said: its exit code, standard output and standard error. */
export interface ToolResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * runPromtool runs promtool with `args`, `stdin` piped in, and keeps standard output and standard
 * error apart (`promtool check metrics --extended` prints its table to one, problems to the other).
 *
 * @throws when promtool is missing or does not finish within `timeoutMs`.
 */
export function runPromtool(args: readonly string[], stdin: string, timeoutMs = 10_000): Promise<ToolResult> {
  const path = promtoolPath();
  if (path === undefined) return Promise.reject(new Error(`promtool not found: ${installHint}`));
  return new Promise((resolve, reject) => {
    const child = spawn(path, args, { stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (s: string) => (stdout += s));
    child.stderr.setEncoding("utf8").on("data", (s: string) => (stderr += s));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`promtool ${args.join(" ")} did not finish within ${timeoutMs} ms`));
    }, timeoutMs);
    child.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
    child.stdin.on("error", () => {}); // promtool may exit before reading everything
    child.stdin.end(stdin);
  });
}
