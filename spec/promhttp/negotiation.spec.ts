/**
 * Format negotiation of the metrics handler: the Accept header picks text, protobuf or (with
 * enableOpenMetrics) OpenMetrics, as client_golang's HandlerFor does via expfmt.Negotiate.
 */
import { request } from "undici";
import { afterEach, describe, expect, it } from "vitest";
import {
  encodeDelimited,
  FmtOpenMetrics_0_0_1,
  FmtOpenMetrics_1_0_0,
  FmtProtoDelim,
  FmtText,
  metricFamiliesToOpenMetrics,
  metricFamiliesToText,
} from "../../lib/expfmt/index.js";
import { handlerFor, type HandlerOpts } from "../../lib/promhttp/index.js";
import * as prom from "../../lib/prometheus/index.js";
import { startServer, type TestServer } from "./server.js";

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

function registry(): prom.Registry {
  const reg = prom.newRegistry();
  const requests = prom.newCounterVec({ name: "requests_total", help: "Requests." }, ["code"]);
  requests.withLabelValues("200").add(3);
  const latency = prom.newHistogram({ name: "latency_seconds", help: "Latency.", buckets: [0.1, 1] });
  latency.observe(0.5);
  reg.mustRegister(requests, latency);
  return reg;
}

async function scrape(opts: HandlerOpts, accept: string | undefined) {
  const reg = registry();
  const server = await startServer(handlerFor(reg, opts));
  servers.push(server);
  const res = await request(server.url, { headers: accept === undefined ? {} : { accept } });
  const body = Buffer.from(await res.body.arrayBuffer());
  return { contentType: res.headers["content-type"], body, families: await reg.gather() };
}

// Prometheus 2.42's scrape Accept header, and the one it sends with native histograms enabled.
const prometheusAccept =
  "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";
const protobufAccept =
  "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited;q=0.5,application/openmetrics-text;version=1.0.0;q=0.4,text/plain;version=0.0.4;q=0.3,*/*;q=0.2";

describe("handlerFor negotiates the exposition format", () => {
  it("serves the text format without an Accept header", async () => {
    const { contentType, body, families } = await scrape({}, undefined);
    expect(contentType).toBe(FmtText);
    expect(body.toString()).toBe(metricFamiliesToText(families));
  });

  it("serves text to Prometheus unless OpenMetrics is enabled", async () => {
    const { contentType, body, families } = await scrape({}, prometheusAccept);
    expect(contentType).toBe(FmtText);
    expect(body.toString()).toBe(metricFamiliesToText(families));
  });

  it("serves OpenMetrics 1.0.0 to Prometheus when enabled", async () => {
    const { contentType, body, families } = await scrape({ enableOpenMetrics: true }, prometheusAccept);
    expect(contentType).toBe(FmtOpenMetrics_1_0_0);
    expect(body.toString()).toBe(metricFamiliesToOpenMetrics(families));
    expect(body.toString().endsWith("# EOF\n")).toBe(true);
    expect(body.toString()).toContain("requests_total{code=\"200\"} 3.0\n");
  });

  it("serves OpenMetrics 0.0.1 when only that version is accepted", async () => {
    const { contentType, body } = await scrape({ enableOpenMetrics: true }, "application/openmetrics-text; version=0.0.1");
    expect(contentType).toBe(FmtOpenMetrics_0_0_1);
    expect(body.toString().endsWith("# EOF\n")).toBe(true);
  });

  it("serves delimited protobuf when asked for it", async () => {
    const { contentType, body, families } = await scrape({}, protobufAccept);
    expect(contentType).toBe(FmtProtoDelim);
    expect(Buffer.compare(body, Buffer.from(encodeDelimited(families)))).toBe(0);
  });

  it("falls back to text for a garbage Accept header", async () => {
    const { contentType } = await scrape({ enableOpenMetrics: true }, ";;;,=q=x,application/");
    expect(contentType).toBe(FmtText);
  });
});
