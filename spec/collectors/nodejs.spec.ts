/**
 * Specs for lib/collectors/nodejs.ts: every family on a pedantic registry, the values that can be
 * checked from inside a vitest worker, the reset of the event-loop statistics, and close().
 * @module
 */
import { readFile } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";

import {
  GCDurationBuckets,
  type NodeJSCollector,
  type NodeJSCollectorOpts,
  newNodeJSCollector,
} from "../../lib/collectors/index.js";
import { countActiveResources } from "../../lib/collectors/nodejs.js";
import { metricFamiliesToText } from "../../lib/expfmt/index.js";
import type * as dto from "../../lib/model/index.js";
import { Channel, type Desc, InvalidOptionsError, type Metric, newPedanticRegistry, newRegistry } from "../../lib/prometheus/index.js";
import { itPassesPromtool } from "./promtool.js";

const open: NodeJSCollector[] = [];

/** collector creates a collector that is closed after the spec. */
function collector(opts?: NodeJSCollectorOpts): NodeJSCollector {
  const c = newNodeJSCollector(opts);
  open.push(c);
  return c;
}

afterEach(() => {
  for (const c of open.splice(0)) c.close();
});

async function gather(c: NodeJSCollector): Promise<dto.MetricFamily[]> {
  const registry = newPedanticRegistry();
  registry.mustRegister(c);
  return registry.gather();
}

function family(families: readonly dto.MetricFamily[], name: string): dto.MetricFamily {
  const f = families.find((f) => f.name === name);
  expect(f, name).toBeDefined();
  return f!;
}

const gauge = (families: readonly dto.MetricFamily[], name: string): number => family(families, name).metric[0]!.gauge!.value;

const labels = (m: dto.Metric): Record<string, string> => Object.fromEntries(m.label.map((lp) => [lp.name, lp.value]));

/** churn allocates short-lived objects, which makes V8 run minor collections (scavenges). */
function churn(): void {
  let keep: unknown[] = [];
  for (let i = 0; i < 300_000; i++) {
    keep.push({ i, s: `item ${i}` });
    if (keep.length > 10_000) keep = [];
  }
}

const lagNames = [
  "nodejs_eventloop_lag_max_seconds",
  "nodejs_eventloop_lag_min_seconds",
  "nodejs_eventloop_lag_p50_seconds",
  "nodejs_eventloop_lag_p90_seconds",
  "nodejs_eventloop_lag_p99_seconds",
  "nodejs_eventloop_lag_seconds",
];

describe("newNodeJSCollector", () => {
  it("runs its @example", async () => {
    const registry = newRegistry();
    const nodejs = newNodeJSCollector();
    registry.mustRegister(nodejs);
    // ... on shutdown:
    nodejs.close();
    expect((await registry.gather()).length).toBe(14);
  });

  it("describes every metric it collects", () => {
    const ch = new Channel<Desc>();
    collector().describe(ch);
    expect(ch.takeAll().map((d) => d.fqName).sort()).toEqual([
      "nodejs_active_handles",
      "nodejs_active_requests",
      ...lagNames,
      "nodejs_external_memory_bytes",
      "nodejs_gc_duration_seconds",
      "nodejs_heap_size_total_bytes",
      "nodejs_heap_size_used_bytes",
      "nodejs_heap_space_size_used_bytes",
      "nodejs_version_info",
    ]);
  });

  it("gathers every family on a pedantic registry, with the expected types", async () => {
    const c = collector({ eventLoopResolutionMs: 5 });
    churn();
    await sleep(50);
    const families = await gather(c);
    expect(Object.fromEntries(families.map((f) => [f.name, f.type]))).toEqual({
      nodejs_active_handles: "gauge",
      nodejs_active_requests: "gauge",
      ...Object.fromEntries(lagNames.map((name) => [name, "gauge"])),
      nodejs_external_memory_bytes: "gauge",
      nodejs_gc_duration_seconds: "histogram",
      nodejs_heap_size_total_bytes: "gauge",
      nodejs_heap_size_used_bytes: "gauge",
      nodejs_heap_space_size_used_bytes: "gauge",
      nodejs_version_info: "gauge",
    });
  });

  it("labels nodejs_version_info with the running Node.js version", async () => {
    const [version] = family(await gather(collector()), "nodejs_version_info").metric;
    const [major, minor, patch] = process.versions.node.split(".");
    expect(labels(version!)).toEqual({ version: process.version, major, minor, patch });
    expect(`v${major}.${minor}.${patch}`).toBe(process.version);
    expect(version!.gauge!.value).toBe(1);
  });

  it("reports plausible heap sizes, and one series per heap space", async () => {
    const families = await gather(collector());
    const total = gauge(families, "nodejs_heap_size_total_bytes");
    const used = gauge(families, "nodejs_heap_size_used_bytes");
    expect(used).toBeGreaterThan(1 << 20);
    expect(total).toBeGreaterThanOrEqual(used);
    expect(gauge(families, "nodejs_external_memory_bytes")).toBeGreaterThanOrEqual(0);
    const spaces = family(families, "nodejs_heap_space_size_used_bytes").metric;
    const bySpace = Object.fromEntries(spaces.map((m) => [labels(m)["space"], m.gauge!.value]));
    expect(Object.keys(bySpace)).toEqual(expect.arrayContaining(["new", "old", "code", "large_object"]));
    expect(bySpace["old"]).toBeGreaterThan(0);
  });

  it("has a GC histogram series for each kind from the start, and observes pauses", async () => {
    const c = collector();
    churn();
    await sleep(20); // GC entries are delivered to the observer asynchronously
    const gc = family(await gather(c), "nodejs_gc_duration_seconds");
    expect(gc.metric.map((m) => labels(m)["kind"])).toEqual(["incremental", "major", "minor", "weakcb"]);
    for (const m of gc.metric) {
      const h = m.histogram!;
      expect(h.bucket.map((b) => b.upperBound)).toEqual(GCDurationBuckets);
      expect(h.bucket.at(-1)!.cumulativeCount).toBeLessThanOrEqual(h.sampleCount);
      if (h.sampleCount > 0) expect(h.sampleSum).toBeGreaterThan(0);
    }
    // Allocation churn makes V8 scavenge; should a runtime not report it, zero is still valid.
    const minor = gc.metric.find((m) => labels(m)["kind"] === "minor")!.histogram!;
    expect(minor.sampleCount).toBeGreaterThanOrEqual(0);
  });

  it("takes custom GC buckets, and rejects invalid ones", async () => {
    const gc = family(await gather(collector({ gcDurationBuckets: [0.01, 0.1] })), "nodejs_gc_duration_seconds");
    expect(gc.metric[0]!.histogram!.bucket.map((b) => b.upperBound)).toEqual([0.01, 0.1]);
    expect(() => newNodeJSCollector({ gcDurationBuckets: [1, 0.5] })).toThrow(InvalidOptionsError);
  });

  it("reports event-loop delay statistics in seconds, in order", async () => {
    const c = collector({ eventLoopResolutionMs: 5 });
    await sleep(60);
    const families = await gather(c);
    const [max, min, p50, p90, p99, mean] = lagNames.map((name) => gauge(families, name));
    expect(min).toBeGreaterThan(0);
    expect(min).toBeLessThan(10); // seconds, not nanoseconds
    expect(min).toBeLessThanOrEqual(p50!);
    expect(p50).toBeLessThanOrEqual(p90!);
    expect(p90).toBeLessThanOrEqual(p99!);
    expect(p99).toBeLessThanOrEqual(max!);
    expect(mean).toBeGreaterThanOrEqual(min!);
    expect(mean).toBeLessThanOrEqual(max!);
  });

  it("resets the event-loop statistics at each collection: NaN until sampled again", async () => {
    const c = collector({ eventLoopResolutionMs: 5 });
    await sleep(30);
    const collectLag = (): number[] => {
      const ch = new Channel<Metric>();
      c.collect(ch);
      return ch
        .takeAll()
        .filter((m) => m.desc().fqName.startsWith("nodejs_eventloop_lag_"))
        .map((m) => m.write().gauge!.value);
    };
    const first = collectLag();
    expect(first).toHaveLength(6);
    expect(first.every(Number.isFinite)).toBe(true);
    const second = collectLag(); // synchronously after: no timer could have fired in between
    expect(second.every(Number.isNaN)).toBe(true);
  });

  it("counts active handles and requests", async () => {
    const c = collector();
    const timer = setTimeout(() => undefined, 60_000);
    const pending = readFile(new URL(import.meta.url));
    try {
      const families = await gather(c); // collect runs synchronously, while the read is pending
      expect(gauge(families, "nodejs_active_handles")).toBeGreaterThanOrEqual(1);
      expect(gauge(families, "nodejs_active_requests")).toBeGreaterThanOrEqual(1);
    } finally {
      clearTimeout(timer);
      await pending;
    }
  });

  it("stops observing on close(), stays collectable, and closes idempotently", async () => {
    const c = newNodeJSCollector();
    c.close();
    c.close();
    churn();
    await sleep(20);
    const families = await gather(c);
    const gc = family(families, "nodejs_gc_duration_seconds");
    expect(gc.metric.every((m) => m.histogram!.sampleCount === 0)).toBe(true);
    expect(Number.isNaN(gauge(families, "nodejs_eventloop_lag_seconds"))).toBe(true);
  });

  itPassesPromtool("passes promtool check metrics", async () => {
    const c = collector({ eventLoopResolutionMs: 5 });
    churn();
    await sleep(30);
    return metricFamiliesToText(await gather(c));
  });

  itPassesPromtool("passes promtool check metrics before anything was sampled (NaN gauges)", async () => {
    const c = collector();
    c.close();
    return metricFamiliesToText(await gather(c));
  });
});

describe("countActiveResources", () => {
  it.each([
    { types: [], handles: 0, requests: 0 },
    { types: ["TTYWrap", "TCPServerWrap", "TCPSocketWrap", "Timeout", "Immediate", "PipeWrap"], handles: 6, requests: 0 },
    { types: ["FSReqCallback", "FSReqPromise", "CloseReq", "GetAddrInfoReqWrap"], handles: 0, requests: 4 },
    { types: ["WriteWrap", "ShutdownWrap", "ConnectWrap", "SendWrap", "TCPWrap", "UDPWrap"], handles: 2, requests: 4 },
  ])("splits $types", ({ types, handles, requests }) => {
    expect(countActiveResources(types)).toEqual({ handles, requests });
  });
});
