/**
 * The command line, hardened: `--web.max-requests` (node_exporter's flag) caps concurrent scrapes,
 * and a telemetry path that is empty or relative is a usage error (exit 2), not a server that
 * serves nothing.
 */
import { afterEach, describe, expect, it } from "vitest";
import { runCli, slowEndPreload, startExporter, stopAllExporters } from "../support/cli.js";

afterEach(stopAllExporters);

describe("--web.telemetry-path", () => {
  it.each([[""], ["metrics"], ["metrics/"]])("%j is a usage error", async (path) => {
    const { code, stderr, stdout } = await runCli([`--web.telemetry-path=${path}`, "--web.listen-address=127.0.0.1:0"]);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toBe(`demo-exporter: error: --web.telemetry-path must be a path starting with "/", got ${JSON.stringify(path)}, try --help\n`);
  });
});

describe("--web.max-requests", () => {
  it.each([
    ["x", 'strconv.ParseInt: parsing "x": invalid syntax'],
    ["1.5", 'strconv.ParseInt: parsing "1.5": invalid syntax'],
    ["99999999999999999999", 'strconv.ParseInt: parsing "99999999999999999999": value out of range'],
  ])("%j is a usage error", async (value, message) => {
    const { code, stderr } = await runCli([`--web.max-requests=${value}`]);
    expect(code).toBe(2);
    expect(stderr).toBe(`demo-exporter: error: ${message}, try --help\n`);
  });

  it("is listed by --help with node_exporter's default", async () => {
    const { stdout } = await runCli(["--help"]);
    expect(stdout).toMatch(/--web.max-requests=40\s+Maximum number of parallel scrape requests\. Use 0\s+to disable\./);
  });

  async function twoScrapes(args: string[]): Promise<number[]> {
    const exporter = await startExporter(args, { nodeArgs: ["--import", slowEndPreload] });
    const held = fetch(`${exporter.url}/metrics`, { headers: { "x-test-delay-end-ms": "1500" } });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const second = await fetch(`${exporter.url}/metrics`);
    await second.text();
    const first = await held;
    await first.text();
    return [first.status, second.status];
  }

  it("=1 answers a second concurrent scrape 503, as promhttp's MaxRequestsInFlight", async () => {
    expect(await twoScrapes(["--web.max-requests=1"])).toEqual([200, 503]);
  });

  it("=0 sets no cap", async () => {
    expect(await twoScrapes(["--web.max-requests=0"])).toEqual([200, 200]);
  });
});
