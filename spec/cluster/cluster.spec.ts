/**
 * A real cluster: fixtures/primary.mjs forks 4 workers of fixtures/worker.mjs that share one
 * HTTP port and count what they serve; the primary serves the merged metrics
 * (newClusterGatherer + handlerFor). The spec sends requests, notes which worker answered each,
 * and scrapes the primary over HTTP (and with a real Prometheus): totals must equal the sum of
 * what each worker did, also after a worker is killed and replaced, and a hung worker must be
 * left out within the timeout without failing the scrape.
 *
 * The specs of one describe share the cluster and run in order; each says what it expects of the
 * state the previous ones left.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasPrometheus, poll, type PrometheusServer, startPrometheus } from "../support/prometheus.js";
import { hit, type Scrape, scrape, startCluster, type TestCluster, value } from "./cluster.js";

const timeoutMs = 1500;
const sizes = [0.5, 1.5, 3, 7];

/** Tally counts the requests each worker served, by worker id. */
class Tally {
  readonly byWorker = new Map<number, number>();
  total = 0;
  add(worker: number): void {
    this.byWorker.set(worker, (this.byWorker.get(worker) ?? 0) + 1);
    this.total++;
  }
  forget(worker: number): void {
    this.total -= this.byWorker.get(worker) ?? 0;
    this.byWorker.delete(worker);
  }
}

async function send(cluster: TestCluster, tally: Tally, n: number): Promise<void> {
  for (let i = 0; i < n; i++) tally.add((await hit(cluster, sizes[i % sizes.length]!)).worker);
}

function expectServedPerWorker(s: Scrape, tally: Tally, live: readonly number[]): void {
  for (const id of live) expect(value(s, "app_served", { worker: String(id) }), `worker ${id}`).toBe(tally.byWorker.get(id) ?? 0);
}

describe("a cluster of 4 workers, scraped on the primary (json serialization)", () => {
  let cluster: TestCluster;
  let live: number[];
  const tally = new Tally();

  beforeAll(async () => {
    cluster = await startCluster({ workers: 4, timeout: timeoutMs, serialization: "json" });
    live = [...cluster.workers];
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it("reports totals equal to the sum of what each worker served", async () => {
    await send(cluster, tally, 40);
    expect(tally.byWorker.size).toBeGreaterThan(1); // round-robin spread the requests
    const s = await scrape(cluster);
    expect(s.status).toBe(200);
    expect(value(s, "app_requests_total", { path: "/req" })).toBe(40);
    expectServedPerWorker(s, tally, live);
    expect(value(s, "cluster_workers_asked")).toBe(4);
    expect(value(s, "cluster_workers_answered")).toBe(4);
    for (const id of live) expect(value(s, "cluster_worker_up", { worker: String(id) })).toBe(1);
    // 2,500 series a worker, sent in several messages each and joined again.
    const big = s.families.get("app_big")!.metric;
    expect(big).toHaveLength(2500);
    expect(big.every((m) => m.gauge!.value === 4 * Number(m.label[0]!.value))).toBe(true);
  });

  it("sums the histogram bucket by bucket and the summary's count and sum, without quantiles", async () => {
    const s = await scrape(cluster);
    const h = s.families.get("app_size_bytes")!.metric[0]!.histogram!;
    // 40 requests of sizes 0.5, 1.5, 3, 7 in turn, whichever worker served them.
    expect(h.bucket.map((b) => [b.upperBound, b.cumulativeCount])).toEqual([[1, 10], [2, 20], [5, 30]]);
    expect([h.sampleCount, h.sampleSum]).toEqual([40, 120]);
    const sum = s.families.get("app_latency_seconds")!.metric;
    expect(sum).toHaveLength(1);
    expect(sum[0]!.summary).toMatchObject({ sampleCount: 40, sampleSum: 120, quantile: [] });
    expect(s.text).not.toContain("quantile=");
  });

  it("applies each gauge rule, and carries NaN and ±Inf exactly", async () => {
    const s = await scrape(cluster);
    const ids = live;
    expect(value(s, "app_id_sum")).toBe(ids.reduce((a, b) => a + b, 0));
    expect(value(s, "app_id_min")).toBe(Math.min(...ids));
    expect(value(s, "app_id_max")).toBe(Math.max(...ids));
    expect(value(s, "app_id_average")).toBe(ids.reduce((a, b) => a + b, 0) / ids.length);
    expect(value(s, "app_id_first")).toBe(Math.min(...ids));
    expect(s.families.has("app_id_omit")).toBe(false);
    for (const id of ids) {
      expect(value(s, "app_special", { kind: "nan", worker: String(id) })).toBeNaN();
      expect(value(s, "app_special", { kind: "inf", worker: String(id) })).toBe(Number.POSITIVE_INFINITY);
      expect(value(s, "app_special", { kind: "neginf", worker: String(id) })).toBe(Number.NEGATIVE_INFINITY);
    }
  });

  it("drops a killed worker's counts and starts its replacement at 0", async () => {
    const victim = live[0]!;
    const since = cluster.events.length;
    cluster.command({ kill: victim });
    await cluster.waitFor((e) => e.event === "exit" && e.id === victim, since);
    const replacement = (await cluster.waitFor((e) => e.event === "listening" && !live.includes(e.id!), since)).id!;
    live = [...live.filter((id) => id !== victim), replacement];
    tally.forget(victim);

    const s = await scrape(cluster);
    expect(s.status).toBe(200);
    expect(value(s, "app_requests_total", { path: "/req" })).toBe(tally.total);
    expect(value(s, "app_served", { worker: String(victim) })).toBeUndefined();
    expect(value(s, "app_served", { worker: String(replacement) })).toBe(0);
    expect(value(s, "cluster_worker_up", { worker: String(victim) })).toBeUndefined();
    expect(value(s, "cluster_worker_up", { worker: String(replacement) })).toBe(1);
    expect(value(s, "cluster_workers_answered")).toBe(4);

    await send(cluster, tally, 20);
    const after = await scrape(cluster);
    expect(value(after, "app_requests_total", { path: "/req" })).toBe(tally.total);
    expectServedPerWorker(after, tally, live);
  });

  it("leaves a hung worker out within the timeout, and takes it back once it answers", async () => {
    const hung = live[1]!;
    cluster.command({ hang: hung, ms: timeoutMs + 3000 });
    const s = await scrape(cluster);
    expect(s.status).toBe(200);
    expect(s.ms).toBeLessThan(timeoutMs + 2500); // the timeout plus a generous margin for a loaded machine
    expect(value(s, "cluster_workers_asked")).toBe(4);
    expect(value(s, "cluster_workers_answered")).toBe(3);
    expect(value(s, "cluster_worker_up", { worker: String(hung) })).toBe(0);
    expect(value(s, "app_requests_total", { path: "/req" })).toBe(tally.total - (tally.byWorker.get(hung) ?? 0));
    expect(value(s, "app_served", { worker: String(hung) })).toBeUndefined();

    // Once the loop ends, the worker answers the old request too late (dropped) and the next ones in time.
    const back = await poll("the hung worker back", 15_000, async () => {
      const again = await scrape(cluster);
      return value(again, "cluster_workers_answered") === 4 ? again : undefined;
    });
    expect(value(back, "app_requests_total", { path: "/req" })).toBe(tally.total);
    expectServedPerWorker(back, tally, live);
  });

  it("is scraped by a real Prometheus with the same totals", async (ctx) => {
    if (!hasPrometheus()) return ctx.skip();
    let prometheus: PrometheusServer | undefined;
    try {
      prometheus = await startPrometheus(`
global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: cluster
    static_configs:
      - targets: ["${cluster.metricsUrl.slice("http://".length)}"]
`);
      const got = await poll("the cluster's totals in Prometheus", 30_000, async () => {
        const [answered] = await prometheus!.query('cluster_workers_answered{job="cluster"}');
        const [total] = await prometheus!.query('app_requests_total{job="cluster",path="/req"}');
        return answered?.value[1] === "4" && total !== undefined ? Number(total.value[1]) : undefined;
      });
      expect(got).toBe(tally.total);
      const perWorker = await prometheus.query('sum(app_served{job="cluster"})');
      expect(Number(perWorker[0]?.value[1])).toBe(tally.total);
      const [up] = await prometheus.query('up{job="cluster"}');
      expect(up?.value[1]).toBe("1");
    } finally {
      await prometheus?.stop();
    }
  }, 60_000);

  it("reports histograms whose bounds differ between workers as an error, and serves the rest when asked to", async () => {
    const since = cluster.events.length;
    cluster.command({ mismatch: true });
    for (const id of live) await cluster.waitFor((e) => e.event === "mismatch" && e.id === id, since);

    const lenient = await scrape(cluster, "/metrics");
    expect(lenient.status).toBe(200);
    expect(lenient.families.has("app_mismatch")).toBe(false);
    expect(value(lenient, "app_requests_total", { path: "/req" })).toBe(tally.total);

    const strict = await scrape(cluster, "/strict");
    expect(strict.status).toBe(500);
    const [first, second] = [...live].sort((a, b) => a - b);
    expect(strict.text).toContain(
      `worker ${second}: histogram app_mismatch{} has bucket bounds [1 ${10 + second!}] but should have [1 ${10 + first!}]: histograms are merged bucket by bucket`,
    );
  });
});

describe("a cluster with serialization: advanced", () => {
  let cluster: TestCluster;
  beforeAll(async () => {
    cluster = await startCluster({ workers: 2, timeout: timeoutMs, serialization: "advanced", summaryRule: "worker" });
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it("merges the same way, and keeps summary quantiles per worker under the worker rule", async () => {
    const tally = new Tally();
    await send(cluster, tally, 12);
    const s = await scrape(cluster);
    expect(s.status).toBe(200);
    expect(value(s, "app_requests_total", { path: "/req" })).toBe(12);
    expectServedPerWorker(s, tally, cluster.workers);
    for (const id of cluster.workers) {
      expect(value(s, "app_special", { kind: "nan", worker: String(id) })).toBeNaN();
      const summary = s.families.get("app_latency_seconds")!.metric.find((m) => m.label.some((l) => l.name === "worker" && l.value === String(id)));
      expect(summary?.summary?.quantile.map((q) => q.quantile)).toEqual([0.5, 0.9]);
      expect(summary?.summary?.sampleCount).toBe(tally.byWorker.get(id) ?? 0);
    }
  });
});
