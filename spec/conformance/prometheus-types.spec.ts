/**
 * A real Prometheus server (Debian package `prometheus`) scrapes, every second, a registry that has
 * every metric type: live counter, gauge, untyped, histogram (custom buckets) and summary
 * (objectives), their vecs, and const metrics with escaped label values, special floats and a
 * timestamp. Then `/api/v1/query` asks for every series we exposed (each bucket, each quantile,
 * each `_sum` and `_count`) by its exact label set: the value Prometheus stored must be the value
 * we exposed. NaN and the infinities are compared as strings, other values as numbers.
 *
 * The registry is frozen once built: nothing changes while Prometheus scrapes, which the spec
 * checks by comparing the exposition before and after. Without prometheus, the spec is skipped
 * with a warning; under CI it fails.
 * @module
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatFloat, parseText } from "../../lib/expfmt/index.js";
import type { MetricFamily } from "../../lib/model/index.js";
import { handlerFor } from "../../lib/promhttp/index.js";
import * as prom from "../../lib/prometheus/index.js";
import { hasPrometheus, poll, type PrometheusServer, startPrometheus } from "../support/prometheus.js";
import { startServer, type TestServer } from "../promhttp/server.js";

/** The time of the timestamped sample: a minute before the spec starts, whole milliseconds. */
const sampleTimeMs = Math.floor(Date.now() / 1000) * 1000 - 60_000;

/** typesRegistry builds the registry of every type, filled once and never touched again. */
function typesRegistry(): prom.Registry {
  const reg = prom.newRegistry();

  const ns = "types";
  const requests = prom.newCounter({ namespace: ns, name: "requests_total", help: "A live counter." });
  requests.add(40);
  requests.add(2.5);
  const byCode = prom.newCounterVec({ namespace: ns, name: "responses_total", help: "A counter vec." }, ["code"]);
  byCode.withLabelValues("200").add(1234);
  byCode.withLabelValues("503").inc();

  const temperature = prom.newGauge({ namespace: ns, name: "temperature_celsius", help: "A live gauge." });
  temperature.set(-3.25);
  const queue = prom.newGaugeVec(
    { namespace: ns, name: "queue_length", help: "A gauge vec.", constLabels: { site: "lab" } },
    ["queue"],
  );
  queue.withLabelValues("fast").set(0);
  queue.withLabelValues("slow").set(17);

  const untyped = prom.newUntyped({ namespace: ns, name: "relayed", help: "A live untyped metric." });
  untyped.set(1e-7);

  const latency = prom.newHistogram({
    namespace: ns,
    name: "latency_seconds",
    help: "A histogram.",
    buckets: [0.005, 0.01, 0.1, 1, 10],
  });
  for (const v of [0.003, 0.007, 0.05, 0.05, 0.2, 0.9, 3, 12]) latency.observe(v);
  const sizes = prom.newHistogramVec(
    { namespace: ns, name: "payload_bytes", help: "A histogram vec.", buckets: prom.exponentialBuckets(100, 10, 3) },
    ["route"],
  );
  for (const v of [50, 150, 2000, 1e6]) sizes.withLabelValues("/upload").observe(v);
  sizes.withLabelValues("/download").observe(99.5);

  // A long maxAge: the quantile window must not rotate while Prometheus scrapes.
  const objectives = { 0.5: 0.05, 0.9: 0.01, 0.99: 0.001 };
  const maxAge = 3_600_000;
  const durations = prom.newSummary({ namespace: ns, name: "job_duration_seconds", help: "A summary.", objectives, maxAge });
  for (let i = 1; i <= 100; i++) durations.observe(i / 10);
  const rpc = prom.newSummaryVec({ namespace: ns, name: "rpc_seconds", help: "A summary vec.", objectives, maxAge }, ["method"]);
  for (let i = 1; i <= 20; i++) rpc.withLabelValues("Get").observe(i * 0.25);

  reg.mustRegister(requests, byCode, temperature, queue, untyped, latency, sizes, durations, rpc);
  reg.mustRegister(constCollector());
  return reg;
}

/** The const metrics: special floats under label values that need escaping, histograms, summaries. */
function constCollector(): prom.Collector {
  const special = prom.newDesc("types_special_value", "Const gauges with special values.", ["case", "text"], null);
  const counter = prom.newDesc("types_const_events_total", "A const counter.", null, { origin: "relay" });
  const untyped = prom.newDesc("types_const_untyped", "A const untyped metric.", ["id"], null);
  const histogram = prom.newDesc("types_const_latency_seconds", "A const histogram.", ["zone"], null);
  const summary = prom.newDesc("types_const_size_bytes", "A const summary.", ["zone"], null);
  const stamped = prom.newDesc("types_stamped", "A const gauge with a timestamp.", null, null);
  const cases: [string, string, number][] = [
    ["tiny", 'a "quoted" word', 1e-7],
    ["huge", "back\\slash", 1.5e300],
    ["negative zero", "new\nline", -0],
    ["plus infinity", "ünïcödé ✓ 日本語", Infinity],
    ["minus infinity", "emoji 🦄 and \t tab", -Infinity],
    ["nan", "", NaN],
    ["max", "{braces}, commas=and \"all\"", Number.MAX_VALUE],
    ["smallest subnormal", "\\n is not a newline", 5e-324],
    ["2^53 + 2", "x", 2 ** 53 + 2],
    ["negative", "y", -123.456],
  ];
  const metrics = [
    ...cases.map(([name, text, value]) => prom.mustNewConstMetric(special, prom.GaugeValue, value, name, text)),
    prom.mustNewConstMetric(counter, prom.CounterValue, 1e15),
    prom.mustNewConstMetric(untyped, prom.UntypedValue, 0.1 + 0.2, "sum"),
    prom.mustNewConstHistogram(histogram, 10, 12.5, new Map([[0.25, 2], [1, 7], [2.5, 9]]), "eu"),
    prom.mustNewConstSummary(summary, 10, 4096, new Map([[0.5, 256], [0.99, 1024.5]]), "eu"),
    prom.newMetricWithTimestamp(sampleTimeMs, prom.mustNewConstMetric(stamped, prom.GaugeValue, 7)),
  ];
  return {
    describe(ch) {
      for (const d of [special, counter, untyped, histogram, summary, stamped]) ch.send(d);
    },
    collect(ch) {
      for (const m of metrics) ch.send(m);
    },
  };
}

/** Sample is one series of the exposition, as Prometheus should store it. */
interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
  timestampMs?: number;
}

/** samplesOf lists every series of the families: each bucket, quantile, `_sum` and `_count`. */
function samplesOf(families: MetricFamily[]): Sample[] {
  const samples: Sample[] = [];
  for (const family of families) {
    for (const m of family.metric) {
      const labels = Object.fromEntries(m.label.map((lp) => [lp.name, lp.value]));
      const add = (name: string, value: number, extra: Record<string, string> = {}) => {
        const sample: Sample = { name, labels: { ...labels, ...extra }, value };
        if (m.timestampMs !== undefined) sample.timestampMs = m.timestampMs;
        samples.push(sample);
      };
      const single = m.counter ?? m.gauge ?? m.untyped;
      if (single !== undefined) add(family.name, single.value);
      if (m.histogram !== undefined) {
        for (const b of m.histogram.bucket) add(`${family.name}_bucket`, b.cumulativeCount, { le: formatFloat(b.upperBound) });
        add(`${family.name}_bucket`, m.histogram.sampleCount, { le: "+Inf" });
        add(`${family.name}_sum`, m.histogram.sampleSum);
        add(`${family.name}_count`, m.histogram.sampleCount);
      }
      if (m.summary !== undefined) {
        for (const q of m.summary.quantile) add(family.name, q.value, { quantile: formatFloat(q.quantile) });
        add(`${family.name}_sum`, m.summary.sampleSum);
        add(`${family.name}_count`, m.summary.sampleCount);
      }
    }
  }
  return samples;
}

/** selector is the PromQL selector of exactly this series (JSON's string escapes are PromQL's). */
function selector(sample: Sample, job: string): string {
  const matchers = Object.entries({ ...sample.labels, job }).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  return `${sample.name}{${matchers.join(",")}}`;
}

/** sameValue compares what Prometheus answered with what we exposed: NaN and ±Inf as text. */
function expectSameValue(stored: string, exposed: number, series: string): void {
  if (!Number.isFinite(exposed)) {
    expect(stored, series).toBe(formatFloat(exposed));
  } else {
    expect(Number(stored), series).toBe(exposed);
  }
}


async function expositionText(url: string): Promise<string> {
  const res = await fetch(url);
  expect(res.status).toBe(200);
  return res.text();
}

describe.skipIf(!hasPrometheus())("every metric type, scraped by a real Prometheus", () => {
  const job = "types";
  let server: TestServer;
  let prometheus: PrometheusServer;
  let exposedText: string;
  let samples: Sample[];

  beforeAll(async () => {
    server = await startServer(handlerFor(typesRegistry()));
    exposedText = await expositionText(server.url);
    samples = samplesOf(parseText(exposedText));
    prometheus = await startPrometheus(`
global:
  scrape_interval: 1s
  scrape_timeout: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: ${job}
    static_configs:
      - targets: ["${new URL(server.url).host}"]
`);
    // Two scrapes at least, so that every series has been ingested.
    await poll("two successful scrapes", 40_000, async () => {
      const [count] = await prometheus.query(`count_over_time(up{job="${job}"}[1m])`);
      const [up] = await prometheus.query(`up{job="${job}"}`);
      return up?.value[1] === "1" && Number(count?.value[1] ?? 0) >= 2 ? true : undefined;
    });
  }, 60_000);

  afterAll(async () => {
    await Promise.all([prometheus?.stop(), server?.close()]);
  }, 20_000);

  it("exposes what the spec expects to check", () => {
    const names = new Set(samples.map((s) => s.name));
    for (const suffix of ["_bucket", "_sum", "_count"]) {
      expect([...names].some((n) => n.endsWith(suffix)), suffix).toBe(true);
    }
    expect(samples.some((s) => s.labels["quantile"] !== undefined)).toBe(true);
    expect(samples.filter((s) => s.timestampMs !== undefined)).toHaveLength(1);
    expect(samples.length).toBeGreaterThanOrEqual(60);
    expect(exposedText).toContain('text="new\\nline"');
    expect(exposedText).toContain('text="a \\"quoted\\" word"');
  });

  it("ingested exactly the series we exposed, no more, no fewer", async () => {
    const [scraped] = await prometheus.query(`scrape_samples_scraped{job="${job}"}`);
    expect(Number(scraped?.value[1])).toBe(samples.length);
    const stored = await prometheus.query(`{job="${job}",__name__=~"types_.*"}`);
    expect(stored).toHaveLength(samples.length);
  });

  it("stored, for every series, the value we exposed", async () => {
    for (const sample of samples) {
      const series = selector(sample, job);
      const result = await prometheus.query(series);
      expect(result, series).toHaveLength(1);
      const { __name__, job: storedJob, instance, ...labels } = result[0]!.metric;
      // In Prometheus a label with an empty value is the same as no label: it is not stored.
      const expected = Object.fromEntries(Object.entries(sample.labels).filter(([, v]) => v !== ""));
      expect({ __name__, job: storedJob, labels }, series).toEqual({ __name__: sample.name, job, labels: expected });
      expect(instance).toBe(new URL(server.url).host);
      expectSameValue(result[0]!.value[1], sample.value, series);
    }
  }, 60_000);

  it("kept the explicit timestamp of the timestamped metric", async () => {
    const stamped = samples.find((s) => s.timestampMs !== undefined)!;
    expect(stamped.timestampMs).toBe(sampleTimeMs);
    const [t] = await prometheus.query(`timestamp(${selector(stamped, job)})`);
    expect(Number(t?.value[1])).toBe(sampleTimeMs / 1000);
  });

  it("saw a frozen registry: the exposition did not change while Prometheus scraped", async () => {
    expect(await expositionText(server.url)).toBe(exposedText);
  });
});
