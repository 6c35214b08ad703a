#!/usr/bin/env node
/**
 * Takes docs/img/demo_total.png: a real Prometheus graph of `demo_total`, made the way the
 * tutorial's reader makes it (docs/tutorial.md, Steps 4 and 5).
 *
 *   npm run build && node scripts/screenshot.mjs
 *
 * It starts the compiled demo exporter on 127.0.0.1:9877, scrapes it twice by hand as the reader
 * does with curl (so Prometheus' first scrape sees 3), then starts a real Prometheus (Debian's
 * `prometheus` package) with the tutorial's configuration (target `localhost:9877`, a scrape every
 * second) and a temporary TSDB on a free port. It waits until Prometheus holds a minute of
 * scrapes, from its first one, then opens the graph page of the Prometheus web UI in headless
 * Chromium (Debian's `chromium` package) with a range that begins just before the first scrape,
 * so that the legend says `instance="localhost:9877"` and the line fills the picture from the
 * first scrape to the last. It stops both servers by PID and removes its temporary directories. It is not part of
 * `npm test`: Chromium is heavy.
 *
 * Environment: PROMETHEUS and CHROMIUM name the binaries (default: found on the PATH), OUT the
 * PNG to write (default: docs/img/demo_total.png), SCRAPES how many scrapes to wait for (60, one
 * minute), EXPORTER_PORT the exporter's port (9877, the tutorial's; it must be free).
 */
import { spawn } from "node:child_process";
import { accessSync, constants, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const exporterPath = join(root, "dist", "bin", "demo-exporter.js");
const out = resolve(root, process.env.OUT ?? join("docs", "img", "demo_total.png"));
const scrapes = Number(process.env.SCRAPES ?? 60);
const exporterPort = Number(process.env.EXPORTER_PORT ?? 9877);

/** Everything started, stopped by PID at the end (or on Ctrl-C). */
const children = [];
const tempDirs = [];

try {
  await main();
} catch (err) {
  console.error(`screenshot: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
} finally {
  await cleanUp();
}

async function main() {
  if (!existsSync(exporterPath)) throw new Error(`${exporterPath} is missing: run npm run build first`);
  const prometheus = findTool("prometheus", "PROMETHEUS", "apt-get install -y prometheus");
  const chromium = findTool("chromium", "CHROMIUM", "apt-get install -y chromium");
  process.once("SIGINT", () => void cleanUp().then(() => process.exit(130)));

  if (!(await isFree(exporterPort))) {
    throw new Error(`port ${exporterPort} is in use (is npm start running?): stop it, or set EXPORTER_PORT`);
  }
  start("demo-exporter", process.execPath, [exporterPath, `--web.listen-address=127.0.0.1:${exporterPort}`]);
  await waitFor("the demo exporter", `http://127.0.0.1:${exporterPort}/-/ready`, 15_000);
  // The reader's two curls of Step 4: demo_total is 1, then 2, and Prometheus' first scrape sees 3.
  for (let i = 0; i < 2; i++) await (await fetch(`http://127.0.0.1:${exporterPort}/metrics`)).text();

  const dir = tempDir("demo-screenshot-prometheus-");
  writeFileSync(
    join(dir, "prometheus.yml"),
    `global:
  scrape_interval: 1s
scrape_configs:
  - job_name: demo
    static_configs:
      - targets: ["localhost:${exporterPort}"]
`,
  );
  const prometheusPort = await freePort();
  const prometheusUrl = `http://127.0.0.1:${prometheusPort}`;
  start("prometheus", prometheus, [
    `--config.file=${join(dir, "prometheus.yml")}`,
    `--storage.tsdb.path=${join(dir, "data")}`,
    `--web.listen-address=127.0.0.1:${prometheusPort}`,
  ], dir);
  await waitFor("Prometheus", `${prometheusUrl}/-/ready`, 30_000);

  console.log(`waiting for ${scrapes} scrapes of demo_total (about ${scrapes + 6} s)...`);
  const { count, first, last } = await waitForSamples(prometheusUrl, scrapes, (scrapes + 60) * 1000);
  console.log(`Prometheus holds ${count} samples of demo_total, from ${first.value} to ${last.value}`);

  mkdirSync(dirname(out), { recursive: true });
  rmSync(out, { force: true });
  // The graph ends now (the UI's end time has no seconds, so it cannot be the last scrape); the
  // range starts two seconds before the first scrape, so the line fills the picture.
  const range = Math.ceil(Date.now() / 1000 - first.time) + 2;
  const page = `${prometheusUrl}/graph?g0.expr=demo_total&g0.tab=0&g0.range_input=${range}s`;
  await run("chromium", chromium, [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    `--user-data-dir=${tempDir("demo-screenshot-chromium-")}`,
    // Let the page's scripts query Prometheus and draw before the picture is taken.
    "--virtual-time-budget=10000",
    `--screenshot=${out}`,
    "--window-size=1280,800",
    page,
  ], 60_000);
  if (!existsSync(out) || statSync(out).size === 0) throw new Error(`chromium wrote no ${out}`);
  console.log(`wrote ${out} (${statSync(out).size} bytes) from ${page}`);
}

/** findTool returns $ENV or the first `name` on the PATH, or throws with the install hint. */
function findTool(name, env, install) {
  const given = process.env[env];
  if (given) return given;
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    const path = join(dir, name);
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // not here
    }
  }
  throw new Error(`${name} not found on the PATH (set $${env}, or: ${install})`);
}

function tempDir(prefix) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

/** start spawns a long-running server; its output is kept and shown if something fails. */
function start(name, command, args, cwd = root) {
  const child = spawn(command, args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
  const entry = { name, child, logs: "", exited: new Promise((r) => child.once("close", r)) };
  child.stdout.setEncoding("utf8").on("data", (s) => (entry.logs += s));
  child.stderr.setEncoding("utf8").on("data", (s) => (entry.logs += s));
  child.once("error", (err) => (entry.logs += `\n${err.message}`));
  children.push(entry);
  return entry;
}

/** run starts a program and waits for it to exit with status 0 within timeoutMs. */
async function run(name, command, args, timeoutMs) {
  const entry = start(name, command, args);
  const timer = setTimeout(() => kill(entry, "SIGKILL"), timeoutMs);
  const code = await entry.exited;
  clearTimeout(timer);
  if (code !== 0) throw new Error(`${name} exited with ${code}:\n${entry.logs}`);
}

/** waitFor polls url until it answers 200. */
async function waitFor(what, url, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const crashed = children.find((c) => c.child.exitCode !== null);
    if (crashed) throw new Error(`${crashed.name} exited with ${crashed.child.exitCode}:\n${crashed.logs}`);
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  throw new Error(`${what} did not answer ${url} within ${timeoutMs} ms:\n${children.map((c) => c.logs).join("\n")}`);
}

/**
 * waitForSamples polls Prometheus until demo_total has `count` samples, and returns how many it
 * has, with the first and the last (time in seconds, value).
 */
async function waitForSamples(url, count, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let samples = [];
  while (Date.now() < deadline) {
    const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent("demo_total[5m]")}`);
    const answer = await res.json();
    samples = answer?.data?.result?.[0]?.values ?? [];
    if (samples.length >= count) {
      const [first, last] = [samples[0], samples.at(-1)].map(([time, value]) => ({ time, value: Number(value) }));
      return { count: samples.length, first, last };
    }
    await sleep(1000);
  }
  throw new Error(`only ${samples.length} samples of demo_total after ${timeoutMs} ms`);
}

function kill(entry, signal) {
  const { child } = entry;
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(child.pid, signal);
  } catch {
    // already gone
  }
}

/** cleanUp stops every child by PID (SIGTERM, SIGKILL after 10 s) and removes the temp dirs. */
async function cleanUp() {
  await Promise.all(
    children.map(async (entry) => {
      kill(entry, "SIGTERM");
      const timer = setTimeout(() => kill(entry, "SIGKILL"), 10_000);
      await entry.exited;
      clearTimeout(timer);
    }),
  );
  children.length = 0;
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** isFree tells whether a TCP port on 127.0.0.1 can be listened on. */
function isFree(port) {
  return new Promise((resolveFree) => {
    const server = createServer();
    server.once("error", () => resolveFree(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolveFree(true)));
  });
}

/** freePort asks the system for a free TCP port on 127.0.0.1. */
function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}
