/**
 * Issue 5 end to end: a real Prometheus server with native histograms and exemplar storage
 * enabled scrapes us. It negotiates the protobuf format (our own encoder), stores the native
 * histogram, and `histogram_quantile` over it agrees with the observations; it also stores the
 * exemplars we attached and returns them from `/api/v1/query_exemplars`.
 */
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { handlerFor } from "../../lib/promhttp/index.js";
import * as prom from "../../lib/prometheus/index.js";
import { startServer, type TestServer } from "../promhttp/server.js";
import { assertBuilt, type RunningExporter, startExporter, stopAllExporters } from "../support/cli.js";
import { hasPrometheus, poll, type PrometheusServer, startPrometheus } from "../support/prometheus.js";

/** The formats Prometheus asked for, in order, to prove it scraped protobuf. */
const contentTypes: string[] = [];

function nativeRegistry(): prom.Registry {
  const reg = prom.newRegistry();
  const latency = prom.newHistogram({
    name: "native_latency_seconds",
    help: "A native histogram with known observations.",
    nativeHistogramBucketFactor: 1.1,
    nativeHistogramMaxBucketNumber: 160,
  });
  // 1 ms .. 100 ms, one observation per millisecond: the median is 50.5 ms.
  for (let ms = 1; ms <= 100; ms++) latency.observe(ms / 1000);
  const jobs = prom.newCounter({ name: "native_jobs_total", help: "A counter with an exemplar." });
  jobs.addWithExemplar(3, { trace_id: "4bf92f3577b34da6" });
  reg.mustRegister(latency, jobs);
  return reg;
}


describe.skipIf(!hasPrometheus())("native histograms and exemplars, scraped by a real Prometheus", () => {
  let target: TestServer;
  let prometheus: PrometheusServer;

  beforeAll(async () => {
    const handler = handlerFor(nativeRegistry(), { enableOpenMetrics: true });
    target = await startServer(async (req, res) => {
      contentTypes.push(String(req.headers.accept ?? ""));
      await handler(req, res);
    });
    prometheus = await startPrometheus(
      `global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: native\n    static_configs:\n      - targets: ["${new URL(target.url).host}"]\n`,
      30_000,
      ["--enable-feature=native-histograms,exemplar-storage"],
    );
  }, 60_000);

  afterAll(async () => {
    await prometheus?.stop();
    await target?.close();
  });

  it("scrapes protobuf and answers histogram_quantile consistently with the observations", async () => {
    const [sample] = await poll("a native histogram quantile", 40_000, async () => {
      const result = await prometheus.query("histogram_quantile(0.5, native_latency_seconds)");
      return result.length > 0 ? result : undefined;
    });
    expect(contentTypes[0]).toMatch(/^application\/vnd\.google\.protobuf/);
    const median = Number(sample!.value[1]);
    // Factor 1.1 gives buckets about 9% wide (schema 3): the estimate lies within a bucket of 50.5 ms.
    expect(median).toBeGreaterThan(0.0505 / 1.1);
    expect(median).toBeLessThan(0.0505 * 1.1);
    const [count] = await prometheus.query("histogram_count(native_latency_seconds)");
    expect(Number(count!.value[1])).toBe(100);
    const [sum] = await prometheus.query("histogram_sum(native_latency_seconds)");
    expect(Number(sum!.value[1])).toBeCloseTo(5.05, 9);
  }, 60_000);

  it("stores our exemplar and returns it from /api/v1/query_exemplars", async () => {
    const exemplars = await poll("an exemplar", 40_000, async () => {
      const now = Date.now() / 1000;
      const url = `${prometheus.url}/api/v1/query_exemplars?query=native_jobs_total&start=${now - 300}&end=${now + 60}`;
      const { body } = await request(url);
      const answer = (await body.json()) as {
        data: { exemplars: { labels: Record<string, string>; value: string }[] }[];
      };
      const found = answer.data.flatMap((series) => series.exemplars);
      return found.length > 0 ? found : undefined;
    });
    expect(exemplars[0]!.labels).toEqual({ trace_id: "4bf92f3577b34da6" });
    expect(Number(exemplars[0]!.value)).toBe(3);
  }, 60_000);
});

describe.skipIf(!hasPrometheus())("the demo exporter's native scrape-duration histogram, scraped by a real Prometheus", () => {
  let exporter: RunningExporter;
  let prometheus: PrometheusServer;

  beforeAll(async () => {
    assertBuilt();
    exporter = await startExporter();
    prometheus = await startPrometheus(
      `global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: demo\n    static_configs:\n      - targets: ["${exporter.address}"]\n`,
      30_000,
      ["--enable-feature=native-histograms"],
    );
  }, 60_000);

  afterAll(async () => {
    await prometheus?.stop();
    await stopAllExporters();
  });

  it("stores demo_scrape_duration_seconds as a native histogram with a plausible median", async () => {
    const counted = await poll("two observed scrapes", 40_000, async () => {
      const [count] = await prometheus.query("histogram_count(demo_scrape_duration_seconds)");
      return count !== undefined && Number(count.value[1]) >= 2 ? Number(count.value[1]) : undefined;
    });
    expect(counted).toBeGreaterThanOrEqual(2);
    const [median] = await prometheus.query("histogram_quantile(0.5, demo_scrape_duration_seconds)");
    const seconds = Number(median!.value[1]);
    // Scrapes of this small exporter over loopback take well under a second, and never nothing.
    expect(seconds).toBeGreaterThan(0);
    expect(seconds).toBeLessThan(1);
    const [sum] = await prometheus.query("histogram_sum(demo_scrape_duration_seconds)");
    expect(Number(sum!.value[1]) / counted).toBeLessThan(1);
  }, 60_000);
});
