/**
 * Output that cannot be written: stderr on a full disk (/dev/full) or stdout into a closed pipe.
 * Logs are then lost, as Go's are, and the exporter keeps serving; `--once` and `--version` exit 1
 * with one clear line, never a stack trace. Real processes, real files, real sockets.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, openSync, writeFileSync } from "node:fs";
import https from "node:https";
import { join } from "node:path";
import { createServer, connect } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { certs, hasOpenssl } from "../support/certs.js";
import { assertBuilt, cliPath, repoRoot } from "../support/cli.js";

type Stdio = "pipe" | "ignore" | number;

const children: ChildProcess[] = [];
const fds: number[] = [];

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
  for (const fd of fds.splice(0)) closeSync(fd);
});

function devFull(): number {
  const fd = openSync("/dev/full", "w");
  fds.push(fd);
  return fd;
}

function start(args: string[], stdout: Stdio, stderr: Stdio): ChildProcess {
  assertBuilt();
  const child = spawn(process.execPath, [cliPath, ...args], { cwd: repoRoot, stdio: ["ignore", stdout, stderr] });
  children.push(child);
  return child;
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.once("exit", (code) => resolve(code));
  });
}

function collect(stream: NodeJS.ReadableStream | null): () => string {
  let text = "";
  stream?.setEncoding("utf8");
  stream?.on("data", (s: string) => (text += s));
  return () => text;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function waitHealthy(url: string, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 150; i++) {
    if (child.exitCode !== null) throw new Error(`exporter exited with ${child.exitCode} before serving`);
    try {
      if ((await fetch(`${url}/-/healthy`)).status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error("exporter did not serve within 15 s");
}

/** rawRequest sends `text` on a raw socket and resolves to the status line answered. */
function rawRequest(port: number, text: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1", () => socket.write(text));
    let data = "";
    socket.setEncoding("utf8").on("data", (s: string) => (data += s));
    socket.on("error", () => resolve(data.split("\r\n")[0] ?? ""));
    socket.on("close", () => resolve(data.split("\r\n")[0] ?? ""));
  });
}

describe("stderr on a full disk", () => {
  it("keeps serving at the default level, whose startup lines cannot be written", async () => {
    const port = await freePort();
    const child = start([`--web.listen-address=127.0.0.1:${port}`], "ignore", devFull());
    const url = `http://127.0.0.1:${port}`;
    await waitHealthy(url, child);
    const res = await fetch(`${url}/metrics`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("demo_total");
    expect(child.exitCode).toBe(null);
    child.kill("SIGTERM");
    expect(await exited(child)).toBe(0);
  });

  it.runIf(hasOpenssl())("keeps serving at --log.level=error after failed TLS handshakes log errors", async () => {
    const made = certs();
    try {
      const config = join(made.dir, "web.yml");
      writeFileSync(config, `tls_server_config:\n  cert_file: ${made.server.certFile}\n  key_file: ${made.server.keyFile}\n`);
      const port = await freePort();
      const child = start([`--web.listen-address=127.0.0.1:${port}`, "--log.level=error", `--web.config.file=${config}`], "ignore", devFull());
      const get = (path: string) =>
        new Promise<{ status: number; body: string }>((resolve, reject) => {
          const req = https.get({ host: "127.0.0.1", port, path, ca: made.ca.cert, agent: false }, (res) => {
            let body = "";
            res.setEncoding("utf8").on("data", (s: string) => (body += s));
            res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
          });
          req.on("error", reject);
        });
      for (let i = 0; ; i++) {
        if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode}`);
        if ((await get("/-/healthy").catch(() => undefined))?.status === 200) break;
        if (i > 150) throw new Error("did not serve over TLS");
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      // Garbage instead of a ClientHello: each is logged as a TLS handshake error, at level error.
      for (let i = 0; i < 3; i++) await rawRequest(port, "\x16\x03\x01garbage that is no handshake\r\n\r\n");
      const res = await get("/metrics");
      expect(res.status).toBe(200);
      expect(res.body).toContain("demo_total");
      expect(child.exitCode).toBe(null);
      child.kill("SIGTERM");
      expect(await exited(child)).toBe(0);
    } finally {
      made.remove();
    }
  });
});

describe("--once to an output that cannot take it", () => {
  it("exits 1 with one clear line when stdout is a full disk", async () => {
    const child = start(["--once"], devFull(), "pipe");
    const stderr = collect(child.stderr);
    expect(await exited(child)).toBe(1);
    await new Promise((resolve) => setImmediate(resolve));
    const lines = stderr().trimEnd().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/level=error .*msg="Error writing metrics to standard output" err="[^"]*ENOSPC/);
    expect(stderr()).not.toMatch(/^\s+at /m);
  });

  it("exits 1 with one clear line when stdout is a closed pipe", async () => {
    const child = start(["--once"], "pipe", "pipe");
    child.stdout!.destroy(); // the reader goes away before the exposition is written
    const stderr = collect(child.stderr);
    expect(await exited(child)).toBe(1);
    await new Promise((resolve) => setImmediate(resolve));
    const lines = stderr().trimEnd().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/msg="Error writing metrics to standard output" err="[^"]*EPIPE/);
  });

  it("exits 1 quietly when both stdout and stderr are full", async () => {
    const child = start(["--once"], devFull(), devFull());
    expect(await exited(child)).toBe(1);
  });

  it("--version to a full stdout exits 1 with one line on stderr", async () => {
    const child = start(["--version"], devFull(), "pipe");
    const stderr = collect(child.stderr);
    expect(await exited(child)).toBe(1);
    await new Promise((resolve) => setImmediate(resolve));
    expect(stderr()).toMatch(/^demo-exporter: error: cannot write to standard output: .*ENOSPC.*\n$/);
  });
});
