/**
 * docs/security.md, run: its certificate commands in a temporary directory, its
 * web-config.yml validated and served, its curl command against that server, and its
 * prometheus.yml read by our parser and by `promtool check config`.
 *
 * Blocks are marked in their info string: ```sh run (run with bash), ```yaml file=NAME
 * (written to NAME), ```sh curl (run against the server, its port replaced).
 */
import { execFile, execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { listenAndServe, validate } from "../../lib/web/serve.js";
import { parse } from "../../lib/web/yaml.js";
import { hasOpenssl } from "../support/certs.js";
import { locateTool } from "../support/promtool.js";

const doc = readFileSync(join(dirname(fileURLToPath(import.meta.url)), "..", "..", "docs", "security.md"), "utf8");

interface Block {
  lang: string;
  flags: string[];
  body: string;
}

const blocks: Block[] = [...doc.matchAll(/^```(\w*)([^\n]*)\n([\s\S]*?)^```$/gm)].map((m) => ({
  lang: m[1]!,
  flags: m[2]!.trim().split(/\s+/).filter((f) => f !== ""),
  body: m[3]!,
}));
const marked = (flag: string): Block[] => blocks.filter((b) => b.flags.includes(flag));
const file = (name: string): string => {
  const block = marked(`file=${name}`)[0];
  if (block === undefined) throw new Error(`docs/security.md has no block for ${name}`);
  return block.body;
};

/** sh runs a command with bash in the background (the server under test shares our event loop). */
function sh(command: string, cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile("bash", ["-euo", "pipefail", "-c", command], { cwd, timeout: 10_000 }, (err, stdout, stderr) =>
      err ? reject(new Error(`${command}: ${err.message}\n${stderr}`)) : resolve(stdout),
    );
  });
}

const curl = locateTool("curl", "CURL");
if (curl === undefined) {
  const message = "curl not found (set $CURL or run: apt-get install -y curl)";
  if (process.env["CI"]) throw new Error(`${message}; CI must not skip these specs`);
  console.warn(`SKIPPING specs that need curl: ${message}`);
}

describe.skipIf(!hasOpenssl() || curl === undefined)("docs/security.md", () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "web-docs-"));
    for (const block of marked("run")) {
      execFileSync("bash", ["-euo", "pipefail", "-c", block.body], { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
    }
    for (const block of blocks) {
      const name = block.flags.find((f) => f.startsWith("file="))?.slice("file=".length);
      if (name !== undefined) writeFileSync(join(dir, name), block.body);
    }
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("has the blocks this spec runs", () => {
    expect(marked("run")).toHaveLength(1);
    expect(marked("curl")).toHaveLength(1);
    expect(file("web-config.yml")).toContain("basic_auth_users:");
    expect(file("prometheus.yml")).toContain("scrape_configs:");
  });

  it("gives a web-config.yml that validates", () => {
    expect(() => validate(join(dir, "web-config.yml"))).not.toThrow();
  });

  it("scrapes with the documented curl command, and gets 401 without the password", async () => {
    const serving = await listenAndServe({
      handler: (_req, res) => {
        res.end("demo_total 1\n");
      },
      address: { host: "127.0.0.1", port: 0 },
      webConfigFile: join(dir, "web-config.yml"),
      logger: { info: () => {}, error: () => {} },
    });
    try {
      const port = serving.address.port;
      // The server listens on 127.0.0.1 only, and localhost may resolve to ::1 first.
      const command = `${marked("curl")[0]!.body.replaceAll("9877", String(port)).trim()} --silent --resolve localhost:${port}:127.0.0.1`;
      expect(await sh(command, dir)).toBe("demo_total 1\n");
      const withoutPassword = command.replace(/-u \S+/, "");
      expect(await sh(`${withoutPassword} --output /dev/null --write-out '%{http_code}'`, dir)).toBe("401");
    } finally {
      await serving.close(1000);
    }
  });

  it("gives a prometheus.yml that Prometheus accepts", () => {
    const config = parse(file("prometheus.yml")) as { scrape_configs: { scheme: string; basic_auth: { password: string } }[] };
    expect(config.scrape_configs[0]).toMatchObject({ scheme: "https", basic_auth: { password: "correct-horse-battery" } });
    const promtool = locateTool("promtool", "PROMTOOL");
    if (promtool === undefined) return;
    expect(() => execFileSync(promtool, ["check", "config", "prometheus.yml"], { cwd: dir, stdio: "pipe" })).not.toThrow();
  });
});
