/**
 * Specs for the `demo-exporter` command (bin/demo-exporter.ts, lib/demo/cli.ts), run as a real
 * process from dist/: help, version, usage errors, `--once`, `--web.config.file` (an invalid file
 * stops the start, a valid one puts basic auth in front of every route), a port in use, and a
 * graceful SIGTERM.
 * @module
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { createServer, type Server } from "node:net";
import { join } from "node:path";
import { request } from "undici";
import { afterEach, beforeAll, describe, expect, it } from "vitest";

import { flagSpecs } from "../../lib/demo/cli.js";
import {
  assertBuilt,
  demoTotal,
  families,
  familyNames,
  repoRoot,
  runCli,
  slowEndPreload,
  startExporter,
  stopAllExporters,
} from "../support/cli.js";
import { golden, hasGolden } from "../support/golden.js";
import { hasPromtool, promtoolCheckMetrics } from "../support/promtool.js";
import { generateFromPassword } from "../../lib/web/index.js";

const pkgVersion = (JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as { version: string }).version;

/** The one lint problem client_golang's demo has too: the original names a gauge `demo_total`. */
const demoLint = 'demo_total non-counter metrics should not have "_total" suffix\n';

/** isDemoFamily picks the demo collector's families (not demo_build_info). */
const isDemoFamily = (name: string): boolean => name.startsWith("demo_") && name !== "demo_build_info";

beforeAll(assertBuilt);
afterEach(stopAllExporters);

describe("demo-exporter --help and --version", () => {
  it("--help lists every flag and the lint command, and exits 0", async () => {
    const { code, stdout, stderr } = await runCli(["--help"]);
    expect(code).toBe(0);
    expect(stderr).toBe("");
    expect(stdout).toMatch(/^usage: demo-exporter \[<flags>\]\n/);
    for (const spec of flagSpecs) {
      expect(stdout).toContain(spec.kind === "bool" ? `--[no-]${spec.name}` : `--${spec.name}=`);
    }
    expect(stdout).toContain("-h, --[no-]help");
    expect(stdout).toContain('--web.listen-address=":9877"');
    expect(stdout).toContain("lint [--extended] [<file>]");
  });

  it("-h is --help", async () => {
    const [long, short] = await Promise.all([runCli(["--help"]), runCli(["-h"])]);
    expect(short.code).toBe(0);
    expect(short.stdout).toBe(long.stdout);
  });

  it("--version prints Prometheus-style version text and exits 0", async () => {
    const { code, stdout } = await runCli(["--version"], {
      env: { DEMO_EXPORTER_REVISION: "4f1c2e9", DEMO_EXPORTER_BRANCH: "main" },
    });
    expect(code).toBe(0);
    const lines = stdout.split("\n");
    expect(lines[0]).toBe(`demo-exporter, version ${pkgVersion} (branch: main, revision: 4f1c2e9)`);
    expect(lines.slice(1, 5).map((l) => l.slice(0, 20))).toEqual([
      "  build user:       ",
      "  build date:       ",
      "  node version:     ",
      "  platform:         ",
    ]);
    expect(lines[3]).toBe(`  node version:     ${process.version}`);
  });

  it("--version without build variables says unknown", async () => {
    const { stdout } = await runCli(["--version"], { env: { DEMO_EXPORTER_REVISION: "", DEMO_EXPORTER_BRANCH: "" } });
    expect(stdout.split("\n")[0]).toBe(`demo-exporter, version ${pkgVersion} (branch: unknown, revision: unknown)`);
  });
});

describe("demo-exporter usage errors", () => {
  it.each([
    [["--nope"], "unknown long flag '--nope'"],
    [["--no-web.telemetry-path"], "unknown long flag '--no-web.telemetry-path'"],
    [["--log.level=verbose"], "enum value must be one of debug,info,warn,error, got 'verbose'"],
    [["--log.format", "xml"], "enum value must be one of logfmt,json, got 'xml'"],
    [["--web.listen-address"], "expected argument for flag '--web.listen-address'"],
    [["serve"], "unexpected serve"],
  ])("%j exits 2 with kingpin's message", async (args, message) => {
    const { code, stdout, stderr } = await runCli(args);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toBe(`demo-exporter: error: ${message}, try --help\n`);
  });
});

describe("demo-exporter --once", () => {
  it.skipIf(!hasGolden())("prints the demo families of the golden file on a fresh process", async () => {
    const { code, stdout, stderr } = await runCli(["--once"]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(families(stdout, isDemoFamily)).toBe(golden("demo_once.txt"));
  });

  it("adds build info and the runtime families, unless exporter metrics are disabled", async () => {
    const [full, bare] = await Promise.all([
      runCli(["--once"], { env: { DEMO_EXPORTER_REVISION: "4f1c2e9" } }),
      runCli(["--once", "--web.disable-exporter-metrics"]),
    ]);
    expect(full.code).toBe(0);
    expect(full.stdout).toContain(
      `demo_build_info{nodeversion="${process.version}",revision="4f1c2e9",version="${pkgVersion}"} 1\n`,
    );
    const names = familyNames(full.stdout);
    expect(names).toContain("process_cpu_seconds_total");
    expect(names).toContain("process_resident_memory_bytes");
    expect(names).toContain("nodejs_version_info");
    expect(names.filter((n) => n.startsWith("promhttp_"))).toEqual([]); // no handler, no scrapes
    expect(bare.code).toBe(0);
    expect(familyNames(bare.stdout)).toEqual(["demo_build_info", "demo_total", "demo_version"]);
    expect(demoTotal(bare.stdout)).toBe(1);
  });

  it.skipIf(!hasPromtool())("passes promtool check metrics but for the demo's single lint line", async () => {
    const { code, stdout } = await runCli(["--once"]);
    expect(code).toBe(0);
    expect(await promtoolCheckMetrics(stdout)).toEqual({ code: 3, output: demoLint });
  });
});

describe("demo-exporter --web.config.file", () => {
  it("puts basic auth in front of every route", async () => {
    const dir = mkdtempSync(join(tmpdir(), "demo-webconfig-"));
    const file = join(dir, "web.yml");
    writeFileSync(file, `basic_auth_users:\n  prometheus: ${generateFromPassword("secret", 4)}\n`);
    try {
      const exporter = await startExporter([`--web.config.file=${file}`]);
      const auth = (user: string, password: string) => ({
        authorization: `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`,
      });
      for (const path of ["/metrics", "/"]) {
        const denied = await request(`${exporter.url}${path}`);
        await denied.body.dump();
        expect(denied.statusCode).toBe(401);
        expect(denied.headers["www-authenticate"]).toMatch(/^Basic/);
        const wrong = await request(`${exporter.url}${path}`, { headers: auth("prometheus", "guess") });
        await wrong.body.dump();
        expect(wrong.statusCode).toBe(401);
      }
      const allowed = await request(`${exporter.url}/metrics`, { headers: auth("prometheus", "secret") });
      expect(allowed.statusCode).toBe(200);
      expect(await allowed.body.text()).toContain("demo_version 0.8\n");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("demo-exporter refuses to start", () => {
  it("with a --web.config.file that cannot be used: exit 1 and one clear line", async () => {
    const dir = mkdtempSync(join(tmpdir(), "demo-webconfig-"));
    const file = join(dir, "web.yml");
    writeFileSync(file, "tls_server_config:\n  cert_filse: server.crt\n");
    try {
      const { code, stdout, stderr } = await runCli([`--web.config.file=${file}`]);
      expect(code).toBe(1);
      expect(stdout).toBe("");
      const lines = stderr.trimEnd().split("\n");
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/level=error .*msg="Invalid web configuration file" file=\S+web.yml err=".*cert_filse.*"$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe("on an address in use", () => {
    let blocker: Server;
    let port: number;
    beforeAll(async () => {
      blocker = createServer();
      await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
      port = (blocker.address() as { port: number }).port;
      return () => new Promise<void>((resolve) => blocker.close(() => resolve()));
    });

    it("exits 1 with one error line and no stack trace", async () => {
      const { code, stderr } = await runCli([`--web.listen-address=127.0.0.1:${port}`]);
      expect(code).toBe(1);
      const errors = stderr.split("\n").filter((l) => l.includes("level=error"));
      expect(errors).toHaveLength(1);
      expect(errors[0]).toContain(`err="listen tcp 127.0.0.1:${port}: bind: address already in use"`);
      expect(stderr).not.toMatch(/^\s+at /m);
      expect(stderr).not.toContain("Listening on");
    });

    it("writes only that line at --log.level=error, in JSON too", async () => {
      const { code, stderr } = await runCli([`--web.listen-address=127.0.0.1:${port}`, "--log.level=error", "--log.format=json"]);
      expect(code).toBe(1);
      const lines = stderr.trimEnd().split("\n");
      expect(lines).toHaveLength(1);
      const record = JSON.parse(lines[0]!) as Record<string, unknown>;
      expect(record).toMatchObject({ level: "error", err: `listen tcp 127.0.0.1:${port}: bind: address already in use` });
    });
  });

  it("on a malformed address: exit 1, one line", async () => {
    const { code, stderr } = await runCli(["--web.listen-address=localhost", "--log.level=error"]);
    expect(code).toBe(1);
    expect(stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(stderr).toContain("missing port in address");
  });
});

describe("demo-exporter shutdown", () => {
  it("on SIGTERM stops accepting, finishes the scrape in flight and exits 0", async () => {
    // The preload holds the response's end for 1.5 s; the debug line says the scrape has begun.
    const exporter = await startExporter(["--log.level=debug"], { nodeArgs: ["--import", slowEndPreload] });
    const started = Date.now();
    const scrape = request(`${exporter.url}/metrics`, { headers: { "x-test-delay-end-ms": "1500" } })
      .then(async ({ statusCode, body }) => ({ statusCode, text: await body.text() }));
    await waitFor(() => exporter.stderr.includes('msg="collected demo metrics"'));
    exporter.signal("SIGTERM");
    await waitFor(() => exporter.stderr.includes("shutting down"));
    await expect(request(`${exporter.url}/-/healthy`, { reset: true })).rejects.toThrow();
    const { statusCode, text } = await scrape;
    expect(statusCode).toBe(200);
    expect(demoTotal(text)).toBe(1);
    expect(await exporter.exited).toEqual({ code: 0, signal: null });
    expect(Date.now() - started).toBeLessThan(8_000);
    expect(exporter.stderr).toMatch(/msg="Received signal, shutting down" signal=SIGTERM in_flight=1/);
    expect(exporter.stderr).not.toContain("level=error");
  });

  it("on SIGINT with nothing in flight exits 0 at once", async () => {
    const exporter = await startExporter();
    const started = Date.now();
    exporter.signal("SIGINT");
    expect(await exporter.exited).toEqual({ code: 0, signal: null });
    expect(Date.now() - started).toBeLessThan(3_000);
  });
});

/** waitFor polls `ready` every 20 ms for up to 5 s. */
async function waitFor(ready: () => boolean): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error("condition not met within 5 s");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
