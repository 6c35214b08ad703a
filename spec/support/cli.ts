/**
 * The compiled `demo-exporter` for specs: run it to completion (`runCli`), or start it as a
 * server on a free loopback port and stop it by PID (`startExporter`). Specs run the build in
 * dist/ (`npm test` builds first; run `npx tsc -p tsconfig.json` before `npx vitest run`).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** repoRoot is the checkout's root. */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** cliPath is the compiled command. */
export const cliPath = join(repoRoot, "dist", "bin", "demo-exporter.js");

/** assertBuilt throws a helpful error when the command has not been compiled. */
export function assertBuilt(): void {
  if (!existsSync(cliPath)) {
    throw new Error(`${cliPath} is missing: build first (npx tsc -p tsconfig.json, or npm test)`);
  }
}

/** RunOptions tune runCli and startExporter. */
export interface RunOptions {
  /** Text written to the command's standard input (which is then closed). */
  input?: string;
  /** Arguments for `node` itself, before the script (e.g. `--import`). */
  nodeArgs?: string[];
  /** Extra environment variables. */
  env?: Record<string, string>;
  /** How long the command may run (runCli) or take to listen (startExporter). Default 15 s. */
  timeoutMs?: number;
}

/** RunResult is how a finished command ended and what it wrote. */
export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function spawnCli(args: readonly string[], options: RunOptions): ChildProcess {
  assertBuilt();
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), cliPath, ...args], {
    cwd: repoRoot,
    env: { ...process.env, ...options.env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  child.stdin!.on("error", () => {});
  child.stdin!.end(options.input ?? "");
  return child;
}

/**
 * runCli runs `demo-exporter args...` to completion and resolves to its exit and output. A
 * command still running after `timeoutMs` is killed (SIGKILL, by PID) and the promise rejects.
 */
export function runCli(args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  return new Promise((resolve, reject) => {
    const child = spawnCli(args, options);
    let stdout = "";
    let stderr = "";
    child.stdout!.setEncoding("utf8").on("data", (s: string) => (stdout += s));
    child.stderr!.setEncoding("utf8").on("data", (s: string) => (stderr += s));
    const timer = setTimeout(() => {
      killPid(child.pid, "SIGKILL");
      reject(new Error(`demo-exporter ${args.join(" ")} still running after ${timeoutMs} ms\n${stderr}`));
    }, timeoutMs);
    child.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** RunningExporter is a started `demo-exporter` serving on loopback. */
export interface RunningExporter {
  /** The base URL, e.g. `http://127.0.0.1:40123`. */
  url: string;
  /** The bound address from the `Listening on` line, e.g. `127.0.0.1:40123`. */
  address: string;
  pid: number;
  /** Everything written to stderr (the logs) so far. */
  readonly stderr: string;
  /** Resolves once the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** signal sends a signal to the process by PID. */
  signal(signal: NodeJS.Signals): void;
  /**
   * stop sends SIGTERM by PID and waits for the exit; after `timeoutMs` (default 12 s) it sends
   * SIGKILL. It resolves to the exit code (null when killed by a signal).
   */
  stop(timeoutMs?: number): Promise<number | null>;
}

const running = new Set<RunningExporter>();

/**
 * startExporter starts `demo-exporter --web.listen-address=127.0.0.1:0 args...` (an address in
 * `args` wins) and resolves once it logs `Listening on`, with the address it bound. It rejects
 * with the logs when the process exits first or does not listen within `timeoutMs`.
 */
export function startExporter(args: readonly string[] = [], options: RunOptions = {}): Promise<RunningExporter> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const child = spawnCli(["--web.listen-address=127.0.0.1:0", ...args], options);
  let stderr = "";
  child.stdout!.resume();
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on("close", (code, signal) => resolve({ code, signal }));
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      killPid(child.pid, "SIGKILL");
      reject(new Error(`demo-exporter did not listen within ${timeoutMs} ms:\n${stderr}`));
    }, timeoutMs);
    child.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`demo-exporter exited (code ${code}, signal ${signal}) before listening:\n${stderr}`));
    });
    child.stderr!.setEncoding("utf8").on("data", (s: string) => {
      const before = stderr;
      stderr += s;
      const address = listeningAddress(stderr);
      if (address === undefined || listeningAddress(before) !== undefined) return;
      clearTimeout(timer);
      const exporter: RunningExporter = {
        url: `http://${dialable(address)}`,
        address,
        pid: child.pid!,
        get stderr() {
          return stderr;
        },
        exited,
        signal: (sig) => killPid(child.pid, sig),
        stop: async (stopTimeoutMs = 12_000) => {
          running.delete(exporter);
          killPid(child.pid, "SIGTERM");
          const timer = setTimeout(() => killPid(child.pid, "SIGKILL"), stopTimeoutMs);
          const { code } = await exited;
          clearTimeout(timer);
          return code;
        },
      };
      running.add(exporter);
      resolve(exporter);
    });
  });
}

/** stopAllExporters stops every exporter startExporter started and that is still running. */
export async function stopAllExporters(): Promise<void> {
  await Promise.all([...running].map((e) => e.stop()));
}

/** listeningAddress finds the address of the `Listening on` line, in logfmt or JSON. */
export function listeningAddress(logs: string): string | undefined {
  for (const line of logs.split("\n")) {
    const logfmt = /msg="Listening on" address=(\S+)/.exec(line);
    if (logfmt) return logfmt[1];
    if (!line.startsWith("{")) continue;
    try {
      const record = JSON.parse(line) as { msg?: unknown; address?: unknown };
      if (record.msg === "Listening on" && typeof record.address === "string") return record.address;
    } catch {
      // not a JSON line
    }
  }
  return undefined;
}

/** dialable turns a wildcard listen address (`[::]:9877`, `0.0.0.0:9877`) into a loopback one. */
function dialable(address: string): string {
  return address.replace(/^(\[::\]|0\.0\.0\.0)(?=:)/, "127.0.0.1");
}

function killPid(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

/**
 * slowEndPreload is a `node --import` module (a data: URL) that delays `res.end` by the number of
 * milliseconds in a request's `x-test-delay-end-ms` header. It keeps a scrape in flight for as
 * long as a spec needs, without a test hook in the exporter itself.
 */
export const slowEndPreload =
  "data:text/javascript," +
  encodeURIComponent(`
import http from "node:http";
const end = http.ServerResponse.prototype.end;
http.ServerResponse.prototype.end = function (...args) {
  const ms = Number(this.req?.headers["x-test-delay-end-ms"] ?? 0);
  if (ms > 0 && !this.delayedEnd) {
    this.delayedEnd = true;
    setTimeout(() => end.apply(this, args), ms);
    return this;
  }
  return end.apply(this, args);
};
`);

/**
 * families returns the text of the families (HELP, TYPE and samples) whose name passes `keep`, in
 * the order of `text`. Each family starts at its `# HELP` line, as client_golang writes it.
 */
export function families(text: string, keep: (name: string) => boolean): string {
  let out = "";
  let kept = false;
  for (const line of text.split("\n")) {
    const header = /^# (?:HELP|TYPE) (\S+)/.exec(line);
    if (header !== null && line.startsWith("# HELP")) kept = keep(header[1]!);
    if (kept && line !== "") out += `${line}\n`;
  }
  return out;
}

/** familyNames lists the names of the families in a text exposition, from their TYPE lines. */
export function familyNames(text: string): string[] {
  return [...text.matchAll(/^# TYPE (\S+)/gm)].map((m) => m[1]!);
}

/** demoTotal reads the value of `demo_total{...}` from a text exposition. */
export function demoTotal(text: string): number {
  const match = /^demo_total\{[^}]*\} (\S+)$/m.exec(text);
  if (match === null) throw new Error(`no demo_total sample in:\n${text}`);
  return Number(match[1]);
}
