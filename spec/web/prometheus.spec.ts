/**
 * A real Prometheus server (Debian package `prometheus`) scraping listenAndServe over TLS with
 * a client certificate and `basic_auth` in its scrape configuration: the target with the right
 * password is up and its sample stored; the one with a wrong password is down with a 401.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { listenAndServe, type Serving } from "../../lib/web/serve.js";
import { certs, hasOpenssl, type TestCerts } from "../support/certs.js";
import { hasPrometheus, type PrometheusServer, sleep, startPrometheus } from "../support/prometheus.js";
import { locateTool } from "../support/promtool.js";

const htpasswd = locateTool("htpasswd", "HTPASSWD");
if (htpasswd === undefined && process.env["CI"]) throw new Error("htpasswd not found (apt-get install -y apache2-utils); CI must not skip");

describe.skipIf(!hasOpenssl() || !hasPrometheus() || htpasswd === undefined)("Prometheus scraping over TLS with basic auth", () => {
  let made: TestCerts;
  let dir: string;
  let serving: Serving;
  let prometheus: PrometheusServer;

  beforeAll(async () => {
    made = certs();
    dir = mkdtempSync(join(tmpdir(), "web-prometheus-"));
    const hash = execFileSync(htpasswd!, ["-nbB", "-C", "4", "prometheus", "scrape-secret"], { encoding: "utf8" }).trim().split(":")[1];
    const webConfig = join(dir, "web-config.yml");
    writeFileSync(
      webConfig,
      `tls_server_config:
  cert_file: ${made.server.certFile}
  key_file: ${made.server.keyFile}
  client_auth_type: RequireAndVerifyClientCert
  client_ca_file: ${made.ca.certFile}
basic_auth_users:
  prometheus: ${hash}
`,
    );
    serving = await listenAndServe({
      handler: (_req, res) => {
        res.setHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
        res.end("# HELP web_spec_value A value.\n# TYPE web_spec_value gauge\nweb_spec_value 42\n");
      },
      address: { host: "127.0.0.1", port: 0 },
      webConfigFile: webConfig,
      logger: { info: () => {}, error: () => {} },
    });
    const target = `127.0.0.1:${serving.address.port}`;
    const job = (name: string, password: string): string => `
  - job_name: ${name}
    scheme: https
    tls_config:
      ca_file: ${made.ca.certFile}
      cert_file: ${made.client.certFile}
      key_file: ${made.client.keyFile}
    basic_auth:
      username: prometheus
      password: ${password}
    static_configs:
      - targets: ["${target}"]`;
    prometheus = await startPrometheus(`
global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:${job("right", "scrape-secret")}${job("wrong", "not-the-secret")}
`);
  }, 45_000);

  afterAll(async () => {
    await prometheus?.stop();
    await serving?.close(1000);
    if (dir) rmSync(dir, { recursive: true, force: true });
    made?.remove();
  }, 20_000);

  it("stores samples from the right credentials and marks the wrong ones down", async () => {
    const deadline = Date.now() + 30_000;
    let up: Record<string, string> = {};
    while (Date.now() < deadline) {
      const samples = await prometheus.query("up");
      up = Object.fromEntries(samples.map((s) => [s.metric["job"], s.value[1]]));
      if (up["right"] === "1" && up["wrong"] === "0") break;
      await sleep(500);
    }
    expect(up).toEqual({ right: "1", wrong: "0" });
    const value = await prometheus.query('web_spec_value{job="right"}');
    expect(value.map((s) => s.value[1])).toEqual(["42"]);
    const targets = (await (await fetch(`${prometheus.url}/api/v1/targets`)).json()) as {
      data: { activeTargets: { labels: { job: string }; lastError: string }[] };
    };
    const wrong = targets.data.activeTargets.find((t) => t.labels.job === "wrong");
    expect(wrong?.lastError).toMatch(/401 Unauthorized/);
  }, 40_000);
});
