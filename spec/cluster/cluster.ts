/**
 * A real node:cluster for the cluster specs: fixtures/primary.mjs started with node, its events
 * read from stdout, commands written to stdin, stopped by PID. The fixtures import the built
 * package (dist/, through its own name), so build first (`npm test` does).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { request } from "undici";
import { parseText } from "../../lib/expfmt/index.js";
import type { MetricFamily } from "../../lib/model/index.js";
import { repoRoot } from "../support/cli.js";

const primaryPath = new URL("./fixtures/primary.mjs", import.meta.url).pathname;

/** An event the primary printed. */
export interface ClusterEvent {
  event: "ready" | "listening" | "exit" | "mismatch";
  id?: number;
  appPort?: number;
  metricsPort?: number;
  workers?: number[];
}

/** TestCluster is a running primary with its workers. */
export interface TestCluster {
  appPort: number;
  metricsUrl: string;
  /** The ids of the workers when the cluster became ready. */
  workers: number[];
  readonly events: ClusterEvent[];
  /** waitFor resolves with the first event (from `since` on) that `match` accepts. */
  waitFor(match: (e: ClusterEvent) => boolean, since?: number, timeoutMs?: number): Promise<ClusterEvent>;
  command(cmd: Record<string, unknown>): void;
  stop(): Promise<void>;
}

/** startCluster starts fixtures/primary.mjs with `config` and resolves once all workers listen. */
export async function startCluster(config: Record<string, unknown> = {}): Promise<TestCluster> {
  if (!existsSync(`${repoRoot}/dist/lib/cluster/index.js`)) throw new Error("dist/lib/cluster is missing: build first (npm run build)");
  const child = spawn(process.execPath, [primaryPath, JSON.stringify(config)], { cwd: repoRoot, stdio: ["pipe", "pipe", "pipe"] });
  const events: ClusterEvent[] = [];
  const waiters = new Set<() => void>();
  let stderr = "";
  let buffered = "";
  child.stderr!.setEncoding("utf8").on("data", (s: string) => (stderr += s));
  child.stdout!.setEncoding("utf8").on("data", (s: string) => {
    buffered += s;
    let nl: number;
    while ((nl = buffered.indexOf("\n")) >= 0) {
      events.push(JSON.parse(buffered.slice(0, nl)) as ClusterEvent);
      buffered = buffered.slice(nl + 1);
    }
    for (const w of waiters) w();
  });
  const exited = new Promise<void>((resolve) => child.on("close", () => resolve()));
  const waitFor = (match: (e: ClusterEvent) => boolean, since = 0, timeoutMs = 30_000): Promise<ClusterEvent> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        const found = events.slice(since).find(match);
        if (found === undefined) return;
        waiters.delete(check);
        clearTimeout(timer);
        resolve(found);
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`no such cluster event within ${timeoutMs} ms; events: ${JSON.stringify(events)}; stderr: ${stderr}`));
      }, timeoutMs);
      waiters.add(check);
      check();
    });
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) killPid(child, "SIGTERM");
    const timer = setTimeout(() => killPid(child, "SIGKILL"), 10_000);
    await exited;
    clearTimeout(timer);
  };
  try {
    const ready = await waitFor((e) => e.event === "ready");
    return {
      appPort: ready.appPort!,
      metricsUrl: `http://127.0.0.1:${ready.metricsPort}`,
      workers: ready.workers!,
      events,
      waitFor,
      command: (cmd) => child.stdin!.write(`${JSON.stringify(cmd)}\n`),
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

function killPid(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (child.pid !== undefined) process.kill(child.pid, signal);
  } catch {
    // already gone
  }
}

/** hit sends one request to the workers' shared port; the answer names the worker that served it. */
export async function hit(cluster: TestCluster, size: number): Promise<{ worker: number; count: number }> {
  const { body } = await request(`http://127.0.0.1:${cluster.appPort}/req?size=${size}`, { reset: true });
  return (await body.json()) as { worker: number; count: number };
}

/** Scrape is one scrape of the primary: status, body, the parsed families, and how long it took. */
export interface Scrape {
  status: number;
  text: string;
  families: Map<string, MetricFamily>;
  ms: number;
}

/** scrape gets the primary's metrics (`path` /metrics serves despite errors, /strict does not). */
export async function scrape(cluster: TestCluster, path = "/metrics"): Promise<Scrape> {
  const t0 = performance.now();
  const { statusCode, body } = await request(`${cluster.metricsUrl}${path}`);
  const text = await body.text();
  const ms = performance.now() - t0;
  const families = new Map(statusCode === 200 ? parseText(text).map((f) => [f.name, f]) : []);
  return { status: statusCode, text, families, ms };
}

/** value reads the one sample of `name` whose labels include `labels` (a gauge, counter or untyped). */
export function value(s: Scrape, name: string, labels: Record<string, string> = {}): number | undefined {
  const family = s.families.get(name);
  const m = family?.metric.find((x) => Object.entries(labels).every(([k, v]) => x.label.some((l) => l.name === k && l.value === v)));
  return m?.counter?.value ?? m?.gauge?.value ?? m?.untyped?.value;
}
