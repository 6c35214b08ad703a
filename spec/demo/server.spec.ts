/**
 * Specs for the demo exporter's web server (lib/demo/server.ts) through the compiled command,
 * over real HTTP on 127.0.0.1 with undici: the routes, the exposition as promtool sees it, the
 * demo counter under sequential and concurrent scrapes, gzip, and the exporter-metrics switch.
 * @module
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { request } from "undici";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

import {
  assertBuilt,
  demoTotal,
  familyNames,
  repoRoot,
  type RunningExporter,
  startExporter,
  stopAllExporters,
} from "../support/cli.js";
import { hasPromtool, promtoolCheckMetrics } from "../support/promtool.js";

const pkgVersion = (JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as { version: string }).version;

/** get fetches a path and reads the whole body as text. */
async function get(base: string, path: string, headers: Record<string, string> = {}) {
  const { statusCode, headers: h, body } = await request(`${base}${path}`, { headers });
  return { statusCode, headers: h, text: await body.text() };
}

/** scrape fetches the metrics and returns demo_total's value. */
async function scrapeTotal(base: string, path = "/metrics"): Promise<number> {
  const { statusCode, text } = await get(base, path);
  expect(statusCode).toBe(200);
  return demoTotal(text);
}

/** expectConsecutive checks that `values` are distinct integers with no gap. */
function expectConsecutive(values: number[]): void {
  const sorted = [...values].sort((a, b) => a - b);
  const first = sorted[0]!;
  expect(sorted).toEqual(sorted.map((_, i) => first + i));
}

describe("demo-exporter web server", () => {
  let exporter: RunningExporter;
  beforeAll(async () => {
    assertBuilt();
    exporter = await startExporter();
  });
  afterAll(() => exporter?.stop());

  it("serves a landing page with the version and a link to the metrics", async () => {
    const { statusCode, headers, text } = await get(exporter.url, "/");
    expect(statusCode).toBe(200);
    expect(headers["content-type"]).toBe("text/html; charset=UTF-8");
    expect(text).toMatch(/^<!DOCTYPE html>/);
    expect(text).toContain("<title>Demo Exporter</title>");
    expect(text).toContain(`version=${pkgVersion}`);
    expect(text).toContain('<a href="/metrics">Metrics</a>');
  });

  it("answers /-/healthy and /-/ready like Prometheus", async () => {
    const healthy = await get(exporter.url, "/-/healthy");
    expect([healthy.statusCode, healthy.headers["content-type"], healthy.text])
      .toEqual([200, "text/plain; charset=utf-8", "Healthy\n"]);
    const ready = await get(exporter.url, "/-/ready");
    expect([ready.statusCode, ready.text]).toEqual([200, "Ready\n"]);
    const head = await request(`${exporter.url}/-/healthy`, { method: "HEAD" });
    expect(head.statusCode).toBe(200);
    await head.body.dump();
    const post = await request(`${exporter.url}/-/ready`, { method: "POST" });
    expect(post.statusCode).toBe(405);
    await post.body.dump();
  });

  it("answers 404 for any other path", async () => {
    for (const path of ["/nope", "/metrics/", "/-/other", "/index.html"]) {
      const { statusCode, text } = await get(exporter.url, path);
      expect([path, statusCode, text]).toEqual([path, 404, "404 page not found\n"]);
    }
  });

  it("serves the text format with runtime, handler and build families", async () => {
    const { statusCode, headers, text } = await get(exporter.url, "/metrics");
    expect(statusCode).toBe(200);
    expect(headers["content-type"]).toBe("text/plain; version=0.0.4; charset=utf-8");
    const names = familyNames(text);
    for (const name of [
      "demo_build_info", "demo_total", "demo_version", "nodejs_version_info", "process_cpu_seconds_total",
      "promhttp_metric_handler_requests_in_flight", "promhttp_metric_handler_requests_total",
    ]) {
      expect(names).toContain(name);
    }
    expect(text).toContain("demo_version 0.8\n");
    expect(text).toContain("promhttp_metric_handler_requests_in_flight 1\n");
  });

  it.skipIf(!hasPromtool())("passes promtool check metrics but for the demo's single lint line", async () => {
    const { text } = await get(exporter.url, "/metrics");
    expect(await promtoolCheckMetrics(text)).toEqual({
      code: 3,
      output: 'demo_total non-counter metrics should not have "_total" suffix\n',
    });
  });

  it("increments demo_total by exactly one per sequential scrape", async () => {
    const values: number[] = [];
    for (let i = 0; i < 5; i++) values.push(await scrapeTotal(exporter.url));
    const first = values[0]!;
    expect(values).toEqual([first, first + 1, first + 2, first + 3, first + 4]);
  });

  it("gives each of 10 concurrent scrapes its own increment", async () => {
    const before = await scrapeTotal(exporter.url);
    const values = await Promise.all(Array.from({ length: 10 }, () => scrapeTotal(exporter.url)));
    expectConsecutive(values);
    expect(Math.min(...values)).toBe(before + 1);
    expect(await scrapeTotal(exporter.url)).toBe(before + 11);
  });

  it("compresses with gzip when the client accepts it", async () => {
    const { statusCode, headers, body } = await request(`${exporter.url}/metrics`, {
      headers: { "accept-encoding": "gzip" },
    });
    expect(statusCode).toBe(200);
    expect(headers["content-encoding"]).toBe("gzip");
    const text = gunzipSync(Buffer.from(await body.arrayBuffer())).toString("utf8");
    expect(text).toContain("# TYPE demo_version gauge\ndemo_version 0.8\n");
    const plain = await get(exporter.url, "/metrics");
    expect(plain.headers["content-encoding"]).toBeUndefined();
  });

  it("counts its scrapes in promhttp_metric_handler_requests_total", async () => {
    const count = async () => {
      const { text } = await get(exporter.url, "/metrics");
      return Number(/^promhttp_metric_handler_requests_total\{code="200"\} (\S+)$/m.exec(text)?.[1]);
    };
    const first = await count();
    expect(await count()).toBe(first + 1);
  });
});

describe("demo-exporter flags that change the server", () => {
  afterEach(stopAllExporters);

  it("--web.telemetry-path moves the metrics and the landing page's link", async () => {
    const exporter = await startExporter(["--web.telemetry-path=/custom/metrics"]);
    expect(await scrapeTotal(exporter.url, "/custom/metrics")).toBe(1);
    expect((await get(exporter.url, "/metrics")).statusCode).toBe(404);
    expect((await get(exporter.url, "/")).text).toContain('<a href="/custom/metrics">Metrics</a>');
  });

  it("--web.disable-exporter-metrics drops the process, nodejs and promhttp families", async () => {
    const exporter = await startExporter(["--web.disable-exporter-metrics"]);
    const { text } = await get(exporter.url, "/metrics");
    expect(familyNames(text)).toEqual(["demo_build_info", "demo_total", "demo_version"]);
  });

  it("logs the start-up and the bound address", async () => {
    const exporter = await startExporter(["--log.format=json"]);
    const records = exporter.stderr.trimEnd().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records[0]).toMatchObject({ level: "info", msg: "Starting demo-exporter" });
    expect(String(records[0]!["version"])).toContain(`version=${pkgVersion}`);
    expect(records).toContainEqual(expect.objectContaining({ msg: "Listening on", address: exporter.address }));
    expect(exporter.address).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(exporter.address).not.toBe("127.0.0.1:0");
  });
});
