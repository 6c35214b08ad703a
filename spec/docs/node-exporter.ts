/**
 * A real node_exporter for the doc specs (Debian package `prometheus-node-exporter`), with only
 * its textfile collector: started on a free loopback port over a temporary directory, scraped
 * over HTTP, stopped by PID.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { freePort } from "../support/prometheus.js";
import { locateTool } from "../support/promtool.js";

const installHint = "apt-get install -y prometheus-node-exporter";

/** nodeExporterPath is where node_exporter is ($NODE_EXPORTER, Debian's name, or upstream's), or undefined. */
export function nodeExporterPath(): string | undefined {
  return locateTool("prometheus-node-exporter", "NODE_EXPORTER") ?? locateTool("node_exporter", "NODE_EXPORTER");
}

/**
 * hasNodeExporter is true when node_exporter is installed. Missing under CI, it throws (failing
 * the spec file with the install hint); missing elsewhere, it warns loudly and returns false so the
 * caller can skip.
 */
export function hasNodeExporter(): boolean {
  if (nodeExporterPath() !== undefined) return true;
  const message = `node_exporter not found (set $NODE_EXPORTER or run: ${installHint})`;
  if (process.env["CI"]) throw new Error(`${message}; CI must not skip these specs`);
  console.warn(`SKIPPING specs that need node_exporter: ${message}`);
  return false;
}

/** NodeExporter is a running node_exporter that reads the textfiles of `dir`. */
export interface NodeExporter {
  /** The directory its textfile collector reads `*.prom` files from. */
  dir: string;
  /** The metrics URL, e.g. `http://127.0.0.1:40123/metrics`. */
  url: string;
  /** Everything it logged so far. */
  readonly logs: string;
  /** scrape GETs the metrics page and returns its status and body. */
  scrape(): Promise<{ status: number; body: string }>;
  /** stop sends SIGTERM by PID (SIGKILL after 10 s), waits, and removes the directory. */
  stop(): Promise<void>;
}

/**
 * startNodeExporter starts node_exporter with every collector but the textfile collector disabled,
 * over a new temporary directory, and resolves once it answers (within `timeoutMs`).
 */
export async function startNodeExporter(timeoutMs = 20_000): Promise<NodeExporter> {
  const path = nodeExporterPath();
  if (path === undefined) throw new Error(`node_exporter not found: ${installHint}`);
  const dir = mkdtempSync(join(tmpdir(), "demo-textfile-"));
  const port = await freePort();
  const child: ChildProcess = spawn(path, [
    "--collector.disable-defaults",
    "--collector.textfile",
    `--collector.textfile.directory=${dir}`,
    `--web.listen-address=127.0.0.1:${port}`,
  ], { stdio: ["ignore", "pipe", "pipe"] });
  let logs = "";
  child.stdout!.setEncoding("utf8").on("data", (s: string) => (logs += s));
  child.stderr!.setEncoding("utf8").on("data", (s: string) => (logs += s));
  const exited = new Promise<void>((resolve) => child.once("close", () => resolve()));
  const url = `http://127.0.0.1:${port}/metrics`;
  const scrape = async () => {
    const res = await fetch(url);
    return { status: res.status, body: await res.text() };
  };
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
      process.kill(child.pid, "SIGTERM");
      const timer = setTimeout(() => child.pid !== undefined && child.exitCode === null && process.kill(child.pid, "SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`node_exporter exited with ${child.exitCode}:\n${logs}`);
    }
    try {
      if ((await scrape()).status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`node_exporter did not answer ${url} within ${timeoutMs} ms:\n${logs}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { dir, url, get logs() { return logs; }, scrape, stop };
}
