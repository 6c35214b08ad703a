/**
 * A real Prometheus server for specs (Debian package `prometheus`): started on a free loopback
 * port with a temporary TSDB, queried through its HTTP API, stopped by PID.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { request } from "undici";

import { installHint, locateTool, requireTool } from "./promtool.js";

/** prometheusPath is where the prometheus server binary is, or undefined. */
export function prometheusPath(): string | undefined {
  return locateTool("prometheus", "PROMETHEUS");
}

/** hasPrometheus is true when the server is installed; otherwise a loud skip (a failure under CI). */
export function hasPrometheus(): boolean {
  return requireTool("prometheus", "PROMETHEUS");
}

/** freePort asks the system for a free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Sample is one series of an instant query's result. */
export interface VectorSample {
  metric: Record<string, string>;
  value: [number, string];
}

/** Series is one series of a range result: its raw samples. */
export interface MatrixSeries {
  metric: Record<string, string>;
  values: [number, string][];
}

/** PrometheusServer is a running Prometheus. */
export interface PrometheusServer {
  /** The base URL, e.g. `http://127.0.0.1:40123`. */
  url: string;
  pid: number;
  /** Everything Prometheus logged so far. */
  readonly logs: string;
  /** query runs an instant query and returns its vector. */
  query(promql: string): Promise<VectorSample[]>;
  /** queryMatrix runs an instant query of a range selector (`demo_total[1m]`): raw samples. */
  queryMatrix(promql: string): Promise<MatrixSeries[]>;
  /** stop sends SIGTERM by PID (SIGKILL after 10 s), waits and removes the temporary TSDB. */
  stop(): Promise<void>;
}

/**
 * startPrometheus starts Prometheus with `config` (the YAML text of prometheus.yml) on a free
 * loopback port and resolves once `/-/ready` answers 200 (within `timeoutMs`, default 30 s).
 * `extraArgs` are added to its command line (e.g. `--enable-feature=native-histograms`).
 */
export async function startPrometheus(config: string, timeoutMs = 30_000, extraArgs: readonly string[] = []): Promise<PrometheusServer> {
  const path = prometheusPath();
  if (path === undefined) throw new Error(`prometheus not found: ${installHint}`);
  const dir = mkdtempSync(join(tmpdir(), "demo-prometheus-"));
  writeFileSync(join(dir, "prometheus.yml"), config);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(path, [
    `--config.file=${join(dir, "prometheus.yml")}`,
    `--storage.tsdb.path=${join(dir, "data")}`,
    `--web.listen-address=127.0.0.1:${port}`,
    ...extraArgs,
  ], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
  let logs = "";
  child.stdout!.setEncoding("utf8").on("data", (s: string) => (logs += s));
  child.stderr!.setEncoding("utf8").on("data", (s: string) => (logs += s));
  const exited = new Promise<void>((resolve) => child.on("close", () => resolve()));
  const server: PrometheusServer = {
    url,
    pid: child.pid!,
    get logs() {
      return logs;
    },
    query: async (promql) => (await apiQuery(url, promql, "vector")) as VectorSample[],
    queryMatrix: async (promql) => (await apiQuery(url, promql, "matrix")) as MatrixSeries[],
    stop: async () => {
      killPid(child, "SIGTERM");
      const timer = setTimeout(() => killPid(child, "SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    await waitReady(url, child, timeoutMs);
  } catch (err) {
    await server.stop();
    throw new Error(`${(err as Error).message}\n${logs}`);
  }
  return server;
}

async function waitReady(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`prometheus exited with code ${child.exitCode}`);
    try {
      const { statusCode, body } = await request(`${url}/-/ready`);
      await body.dump();
      if (statusCode === 200) return;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  throw new Error(`prometheus not ready within ${timeoutMs} ms`);
}

async function apiQuery(url: string, promql: string, resultType: string): Promise<unknown[]> {
  const { statusCode, body } = await request(`${url}/api/v1/query?query=${encodeURIComponent(promql)}`);
  const answer = (await body.json()) as { status: string; error?: string; data?: { resultType: string; result: unknown[] } };
  if (statusCode !== 200 || answer.status !== "success" || answer.data === undefined) {
    throw new Error(`query ${promql} failed (${statusCode}): ${answer.error ?? JSON.stringify(answer)}`);
  }
  if (answer.data.resultType !== resultType) {
    throw new Error(`query ${promql} gave a ${answer.data.resultType}, expected a ${resultType}`);
  }
  return answer.data.result;
}

/**
 * poll retries `check` every `intervalMs` until it returns a value (errors count as "not yet"),
 * and throws naming `what` and the last error after `timeoutMs`.
 */
export async function poll<T>(
  what: string,
  timeoutMs: number,
  check: () => Promise<T | undefined>,
  intervalMs = 500,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`${what} not seen within ${timeoutMs} ms (last error: ${String(last)})`);
    await sleep(intervalMs);
  }
}

/** sleep resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function killPid(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(child.pid, signal);
  } catch {
    // already gone
  }
}
