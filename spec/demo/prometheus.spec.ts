/**
 * The demo exporter under a real Prometheus server (Debian package `prometheus`): Prometheus
 * scrapes the compiled command every second on loopback, and its HTTP API must show the target
 * up, `demo_version` at 0.8, and `demo_total` growing by exactly one per scrape. Only Prometheus
 * scrapes the exporter here, so every increment is one of its scrapes.
 * @module
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { assertBuilt, type RunningExporter, startExporter } from "../support/cli.js";
import { hasPrometheus, poll, type PrometheusServer, startPrometheus } from "../support/prometheus.js";


describe.skipIf(!hasPrometheus())("demo-exporter scraped by Prometheus", () => {
  let exporter: RunningExporter;
  let prometheus: PrometheusServer;

  beforeAll(async () => {
    assertBuilt();
    exporter = await startExporter();
    prometheus = await startPrometheus(`
global:
  scrape_interval: 1s
  scrape_timeout: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: demo
    static_configs:
      - targets: ["${exporter.address}"]
`);
  }, 45_000);

  afterAll(async () => {
    await Promise.all([prometheus?.stop(), exporter?.stop()]);
  }, 20_000);

  it("sees the target up and demo_version at 0.8", async () => {
    const up = await poll("up{job=\"demo\"} == 1", 40_000, async () => {
      const result = await prometheus.query('up{job="demo"}');
      return result[0]?.value[1] === "1" ? result : undefined;
    });
    expect(up).toHaveLength(1);
    expect(up[0]!.metric).toMatchObject({ job: "demo", instance: exporter.address });
    const version = await prometheus.query('demo_version{job="demo"}');
    expect(version.map((s) => s.value[1])).toEqual(["0.8"]);
  }, 45_000);

  it("records demo_total growing by exactly one per scrape", async () => {
    // Wait for at least five scrapes, then read the raw samples of the last minute.
    await poll("five scrapes", 40_000, async () => {
      const [count] = await prometheus.query('count_over_time(demo_total{job="demo"}[1m])');
      return Number(count?.value[1] ?? 0) >= 5 ? true : undefined;
    });
    const [series] = await prometheus.queryMatrix('demo_total{job="demo"}[1m]');
    expect(series?.metric).toMatchObject({ region_id: "region1", instance_id: "instance1", job: "demo" });
    const values = series!.values.map(([, v]) => Number(v));
    expect(values.length).toBeGreaterThanOrEqual(5);
    expect(values).toEqual(values.map((_, i) => values[0]! + i));
    // Nobody else scraped: the first scrape Prometheus kept within the minute saw the count start.
    expect(values[0]).toBe(1);
    // Prometheus' own bookkeeping agrees: one up sample per scrape, no resets.
    const [ups] = await prometheus.queryMatrix('up{job="demo"}[1m]');
    const lastTime = series!.values.at(-1)![0];
    expect(ups!.values.filter(([t]) => t <= lastTime)).toHaveLength(values.length);
    const [resets] = await prometheus.query('resets(demo_total{job="demo"}[1m])');
    expect(resets?.value[1]).toBe("0");
  }, 45_000);
});
