/**
 * A real Pushgateway for specs (Debian package `prometheus-pushgateway`): started on a free
 * loopback port without persistence, optionally behind a web config file (basic auth), stopped
 * by PID. And `htpasswd` (Debian package `apache2-utils`), which makes the bcrypt hashes of a
 * web config.
 *
 * A missing binary skips the specs that need it, loudly; under CI (`CI` set) it fails them.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { request } from "undici";

import { freePort, sleep } from "./prometheus.js";
import { locateTool, requireTool } from "./promtool.js";

/** pushgatewayInstallHint is what to run when the Pushgateway is missing. */
export const pushgatewayInstallHint = "apt-get install -y prometheus-pushgateway";

/** pushgatewayPath is where the Pushgateway binary is (`$PUSHGATEWAY`, PATH, /usr/bin), or undefined. */
export function pushgatewayPath(): string | undefined {
  return locateTool("prometheus-pushgateway", "PUSHGATEWAY");
}

/** hasPushgateway is true when the Pushgateway is installed; otherwise a loud skip (a failure under CI). */
export function hasPushgateway(): boolean {
  return requireTool("prometheus-pushgateway", "PUSHGATEWAY", pushgatewayInstallHint);
}

/** hasHtpasswd is true when htpasswd is installed; otherwise a loud skip (a failure under CI). */
export function hasHtpasswd(): boolean {
  return requireTool("htpasswd", "HTPASSWD", "apt-get install -y apache2-utils");
}

/** bcryptHash runs `htpasswd -nbB -C 4 <user> <password>` and returns the hash (cost 4: fast). */
export function bcryptHash(user: string, password: string): string {
  const path = locateTool("htpasswd", "HTPASSWD");
  if (path === undefined) throw new Error("htpasswd not found: apt-get install -y apache2-utils");
  const out = execFileSync(path, ["-nbB", "-C", "4", user, password], { encoding: "utf8" });
  return out.trim().slice(user.length + 1);
}

/** PushgatewayOptions tune startPushgateway. */
export interface PushgatewayOptions {
  /** Users and passwords for `basic_auth_users` in a web config file; none: no authentication. */
  basicAuthUsers?: Record<string, string>;
  /** How long to wait for `/-/ready` (default 20 s). */
  timeoutMs?: number;
}

/** PushgatewayServer is a running Pushgateway. */
export interface PushgatewayServer {
  /** The base URL, e.g. `http://127.0.0.1:40123`. */
  url: string;
  /** `127.0.0.1:port`, for a scrape target. */
  address: string;
  pid: number;
  /** Everything the Pushgateway logged so far. */
  readonly logs: string;
  /** stop sends SIGTERM by PID (SIGKILL after 10 s), waits and removes the temporary directory. */
  stop(): Promise<void>;
}

/**
 * startPushgateway starts the Pushgateway on a free loopback port with persistence off
 * (`--persistence.file=""`) and resolves once `/-/ready` answers 200.
 */
export async function startPushgateway(options: PushgatewayOptions = {}): Promise<PushgatewayServer> {
  const path = pushgatewayPath();
  if (path === undefined) throw new Error(`prometheus-pushgateway not found: ${pushgatewayInstallHint}`);
  const dir = mkdtempSync(join(tmpdir(), "demo-pushgateway-"));
  const port = await freePort();
  const address = `127.0.0.1:${port}`;
  const args = [`--web.listen-address=${address}`, "--persistence.file=", "--log.level=debug"];
  const headers: Record<string, string> = {};
  if (options.basicAuthUsers !== undefined) {
    const users = Object.entries(options.basicAuthUsers);
    const lines = users.map(([user, password]) => `  ${JSON.stringify(user)}: ${JSON.stringify(bcryptHash(user, password))}`);
    writeFileSync(join(dir, "web-config.yml"), `basic_auth_users:\n${lines.join("\n")}\n`);
    args.push(`--web.config.file=${join(dir, "web-config.yml")}`);
    const [user, password] = users[0]!;
    headers["authorization"] = `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
  }
  const child = spawn(path, args, { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
  let logs = "";
  child.stdout!.setEncoding("utf8").on("data", (s: string) => (logs += s));
  child.stderr!.setEncoding("utf8").on("data", (s: string) => (logs += s));
  const exited = new Promise<void>((resolve) => child.on("close", () => resolve()));
  const url = `http://${address}`;
  const server: PushgatewayServer = {
    url,
    address,
    pid: child.pid!,
    get logs() {
      return logs;
    },
    stop: async () => {
      killPid(child, "SIGTERM");
      const timer = setTimeout(() => killPid(child, "SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    await waitReady(url, headers, child, options.timeoutMs ?? 20_000);
  } catch (err) {
    await server.stop();
    throw new Error(`${(err as Error).message}\n${logs}`);
  }
  return server;
}

async function waitReady(url: string, headers: Record<string, string>, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`pushgateway exited with code ${child.exitCode}`);
    try {
      const { statusCode, body } = await request(`${url}/-/ready`, { headers });
      await body.dump();
      if (statusCode === 200) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`pushgateway not ready within ${timeoutMs} ms`);
}

function killPid(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(child.pid, signal);
  } catch {
    // already gone
  }
}
