/**
 * The chaos soak (`npm run test:load`): the compiled `demo-exporter` over TLS with basic auth and a
 * collector that throws, hangs and sends late (`DEMO_EXPORTER_CHAOS=1`), while, for 40 s on
 * 127.0.0.1 only:
 * - valid scrapers fetch /metrics back to back, with and without gzip, in the text format and in
 *   OpenMetrics, some with Prometheus' scrape timeout header (then a hang gives 503);
 * - clients disconnect mid-request and mid-response;
 * - password guessers send wrong passwords;
 * - the web configuration file is rewritten every 1.5 s: a user added and removed, the
 *   certificate rotated, the file broken (cut short, not YAML) and fixed;
 * - a prober asks /-/healthy with valid credentials.
 *
 * It checks: the exporter never exits (zero crashes, no uncaught error in its log); zero wrong
 * bodies (every 200 parses and holds demo_total); valid scrapes never slower than the chaos hang
 * plus a small bound, and /-/healthy quick throughout; resident memory after a collection within
 * 20% between the end of the warm-up and the end; and at SIGTERM nothing left in flight. The figures go to the console for
 * docs/reliability.md.
 * @module
 */
import { copyFileSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import https from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, expect, it } from "vitest";
import { parseText } from "../../lib/expfmt/index.js";
import { generateFromPassword } from "../../lib/web/bcrypt.js";
import { certs, hasOpenssl, type TestCerts } from "../support/certs.js";
import { assertBuilt, type RunningExporter, startExporter } from "../support/cli.js";
import { Inspector } from "../support/inspector.js";

const warmUpMs = 10_000;
const runMs = 30_000;
/** The chaos collector's hang (lib/demo/chaos.ts ChaosHangMs) plus the bound a valid scrape may add. */
const hangMs = 1_500;
const slackMs = 1_500;

const haveOpenssl = hasOpenssl();
let made: TestCerts;
let dir: string;
let configFile: string;
let exporter: RunningExporter;
let inspector: Inspector;
let port: number;
const hashes = { alice: "", bob: "" };

/** writeConfig replaces the web configuration atomically (written beside it, then renamed). */
function writeConfig(text: string, atomic = true): void {
  if (!atomic) return writeFileSync(configFile, text);
  writeFileSync(`${configFile}.tmp`, text);
  renameSync(`${configFile}.tmp`, configFile);
}

function config(pair: "a" | "b", users: ("alice" | "bob")[]): string {
  const userLines = users.map((u) => `  ${u}: ${hashes[u]}\n`).join("");
  return `tls_server_config:\n  cert_file: ${pair}.crt\n  key_file: ${pair}.key\n` +
    `http_server_config:\n  headers:\n    X-Frame-Options: deny\nbasic_auth_users:\n${userLines}`;
}

beforeAll(async () => {
  if (!haveOpenssl) return;
  assertBuilt();
  made = certs();
  dir = mkdtempSync(join(tmpdir(), "chaos-"));
  configFile = join(dir, "web.yml");
  copyFileSync(made.server.certFile, join(dir, "a.crt"));
  copyFileSync(made.server.keyFile, join(dir, "a.key"));
  copyFileSync(made.server2.certFile, join(dir, "b.crt"));
  copyFileSync(made.server2.keyFile, join(dir, "b.key"));
  hashes.alice = generateFromPassword("alice-pass", 10);
  hashes.bob = generateFromPassword("bob-pass", 10);
  writeConfig(config("a", ["alice"]));
  exporter = await startExporter([`--web.config.file=${configFile}`], {
    nodeArgs: ["--inspect=127.0.0.1:0"],
    env: { DEMO_EXPORTER_CHAOS: "1" },
  });
  port = Number(exporter.address.split(":").pop());
  inspector = await Inspector.connect(exporter.stderr);
});

afterAll(async () => {
  inspector?.close();
  await exporter?.stop();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  made?.remove();
});

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  ms: number;
}

const agent = () => new https.Agent({ keepAlive: true, maxSockets: 1, ca: made.ca.cert });

/** get sends one request and resolves to the whole answer; `cut` destroys it mid-way instead. */
function get(
  path: string,
  headers: Record<string, string>,
  options: { agent?: https.Agent; cut?: "request" | "response" } = {},
): Promise<Answer | undefined> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = https.get({ host: "127.0.0.1", port, path, headers, ca: made.ca.cert, agent: options.agent ?? false }, (res) => {
      if (options.cut === "response") {
        res.destroy();
        resolve(undefined);
        return;
      }
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), ms: performance.now() - started }));
      res.on("error", reject);
    });
    req.on("error", (err) => (options.cut === undefined ? reject(err) : resolve(undefined)));
    if (options.cut === "request") setTimeout(() => req.destroy(), 2);
  });
}

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
const alice = basic("alice", "alice-pass");

/** checkBody returns what is wrong with a 200 scrape, or undefined. */
function checkBody(answer: Answer, openMetrics: boolean): string | undefined {
  const raw = answer.headers["content-encoding"] === "gzip" ? gunzipSync(answer.body) : answer.body;
  const text = raw.toString("utf8");
  if (openMetrics) {
    if (!text.endsWith("# EOF\n")) return "OpenMetrics body without # EOF";
    return /\ndemo_total\{[^}]*\} \d/.test(text) ? undefined : "OpenMetrics body without demo_total";
  }
  const total = parseText(text).find((f) => f.name === "demo_total")?.metric[0]?.gauge?.value;
  return total === undefined ? "text body without demo_total" : undefined;
}

interface Tally {
  scrapes: number[];
  healthy: number[];
  statuses: Record<string, number>;
  wrong: string[];
  guesses: Record<string, number>;
  cuts: number;
  rewrites: number;
}

async function soak(ms: number, tally: Tally): Promise<void> {
  const deadline = performance.now() + ms;
  const until = async (work: () => Promise<void>) => {
    while (performance.now() < deadline) await work();
  };
  const count = (record: Record<string, number>, key: string) => (record[key] = (record[key] ?? 0) + 1);
  const scraper = (i: number) => {
    const keepAlive = agent();
    let n = 0;
    return until(async () => {
      n++;
      const openMetrics = (n + i) % 3 === 0;
      const timed = i === 0;
      const headers: Record<string, string> = { authorization: alice };
      if ((n + i) % 2 === 0) headers["accept-encoding"] = "gzip";
      if (openMetrics) headers["accept"] = "application/openmetrics-text; version=1.0.0";
      if (timed) headers["x-prometheus-scrape-timeout-seconds"] = "0.5";
      const answer = (await get("/metrics", headers, { agent: keepAlive }))!;
      count(tally.statuses, `${timed ? "timed " : ""}${answer.status}`);
      if (answer.status === 200) {
        tally.scrapes.push(answer.ms);
        const wrong = checkBody(answer, openMetrics);
        if (wrong !== undefined) tally.wrong.push(wrong);
      } else if (!(timed && answer.status === 503)) {
        tally.wrong.push(`status ${answer.status}: ${answer.body.toString().slice(0, 100)}`);
      }
    });
  };
  const disconnector = (cut: "request" | "response") =>
    until(async () => {
      await get("/metrics", { authorization: alice, "accept-encoding": "gzip" }, { cut });
      tally.cuts++;
    });
  const guesser = (i: number) => {
    let n = 0;
    return until(async () => {
      const answer = await get("/metrics", { authorization: basic(i === 0 ? "alice" : "mallory", `guess-${i}-${n++}`) });
      count(tally.guesses, String(answer!.status));
    });
  };
  const prober = () =>
    until(async () => {
      const answer = (await get("/-/healthy", { authorization: alice }))!;
      if (answer.status !== 200) tally.wrong.push(`/-/healthy answered ${answer.status}`);
      tally.healthy.push(answer.ms);
      await new Promise((resolve) => setTimeout(resolve, 100));
    });
  const rewriter = () => {
    const steps = [
      () => writeConfig(config("a", ["alice", "bob"])),
      () => writeConfig(config("b", ["alice", "bob"])),
      () => writeConfig(config("b", ["alice"]).slice(0, 60), false), // cut short mid-write: broken
      () => writeConfig("tls_server_config: [not, a, mapping\n", false), // not YAML
      () => writeConfig(config("b", ["alice"])),
      () => writeConfig(config("a", ["alice"])),
    ];
    let step = 0;
    return until(async () => {
      steps[step++ % steps.length]!();
      tally.rewrites++;
      await new Promise((resolve) => setTimeout(resolve, 1_500));
    });
  };
  await Promise.all([
    scraper(0), scraper(1), scraper(2), scraper(3),
    disconnector("request"), disconnector("response"),
    guesser(0), guesser(1),
    prober(),
    rewriter(),
  ]);
}

const percentile = (xs: number[], p: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
};

it.runIf(haveOpenssl)("survives 40 s of chaos: no crash, no wrong body, bounded latency, flat memory", async () => {
  const newTally = (): Tally => ({ scrapes: [], healthy: [], statuses: {}, wrong: [], guesses: {}, cuts: 0, rewrites: 0 });
  const warm = newTally();
  await soak(warmUpMs, warm);
  await inspector.call("HeapProfiler.collectGarbage");
  const rssStart = rss();
  const run = newTally();
  await soak(runMs, run);
  writeConfig(config("a", ["alice"]));
  await new Promise((resolve) => setTimeout(resolve, 200));
  await inspector.call("HeapProfiler.collectGarbage");
  const rssEnd = rss();

  const figures = {
    scrapes: run.scrapes.length,
    statuses: run.statuses,
    scrapeP50: Math.round(percentile(run.scrapes, 50)),
    scrapeP99: Math.round(percentile(run.scrapes, 99)),
    scrapeMax: Math.round(Math.max(...run.scrapes)),
    healthyP50: Math.round(percentile(run.healthy, 50)),
    healthyMax: Math.round(Math.max(...run.healthy)),
    guesses: run.guesses,
    cuts: run.cuts,
    rewrites: run.rewrites,
    rssStartMiB: Number((rssStart / 1024).toFixed(1)),
    rssEndMiB: Number((rssEnd / 1024).toFixed(1)),
    wrong: [...warm.wrong, ...run.wrong].slice(0, 10),
  };
  console.info(`chaos figures: ${JSON.stringify(figures)}`);

  expect(await Promise.race([exporter.exited.then(() => "exited"), Promise.resolve("running")])).toBe("running");
  expect(exporter.stderr).not.toMatch(/Uncaught|ChannelClosedError|ERR_|TypeError|RangeError/);
  expect(figures.wrong).toEqual([]);
  expect(run.scrapes.length).toBeGreaterThan(100);
  expect(figures.scrapeMax).toBeLessThan(hangMs + slackMs);
  expect(figures.healthyMax).toBeLessThan(slackMs);
  expect(Object.keys(run.guesses).every((s) => s === "401" || s === "503")).toBe(true);
  expect(Math.abs(rssEnd - rssStart) / rssStart).toBeLessThanOrEqual(0.2);
  inspector.close();
  const stopped = performance.now();
  const code = await exporter.stop();
  console.info(`stopped in ${Math.round(performance.now() - stopped)} ms; last log lines:\n${exporter.stderr.trimEnd().split("\n").slice(-4).join("\n")}`);
  expect(code).toBe(0);
  // Nothing is left in flight once the clients are done (a client gone during authentication once
  // stayed counted, and shutdown waited 10 s for it).
  expect(exporter.stderr).toMatch(/msg="Received signal, shutting down" signal=SIGTERM in_flight=0/);
  expect(exporter.stderr).not.toContain("Shutdown timed out");
});

function rss(): number {
  const kib = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${exporter.pid}/status`, "utf8"))?.[1];
  if (kib === undefined) throw new Error("no VmRSS");
  return Number(kib);
}
