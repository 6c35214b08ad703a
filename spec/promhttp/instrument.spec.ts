/**
 * The metrics handler's own instrumentation: scrapes by status code and scrapes in flight,
 * registered idempotently as client_golang's InstrumentMetricHandler does.
 */
import { request } from "undici";
import { afterEach, describe, expect, it } from "vitest";
import { metricFamiliesToText } from "../../lib/expfmt/index.js";
import type { MetricFamily } from "../../lib/model/index.js";
import { handler, handlerFor, instrumentMetricHandler, type RequestHandler } from "../../lib/promhttp/index.js";
import * as prom from "../../lib/prometheus/index.js";
import { heldCollector, startServer, type TestServer } from "./server.js";

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function serve(h: RequestHandler): Promise<TestServer> {
  const server = await startServer(h);
  servers.push(server);
  return server;
}

async function scrape(url: string, method: "GET" | "POST" = "GET") {
  const res = await request(url, { method });
  return { status: res.statusCode, text: await res.body.text() };
}

async function text(reg: prom.Gatherer): Promise<string> {
  return metricFamiliesToText(await reg.gather());
}

function expectedText(counts: { code: string; n: number }[], inFlight: number): string {
  return `# HELP promhttp_metric_handler_requests_in_flight Current number of scrapes being served.
# TYPE promhttp_metric_handler_requests_in_flight gauge
promhttp_metric_handler_requests_in_flight ${inFlight}
# HELP promhttp_metric_handler_requests_total Total number of scrapes by HTTP status code.
# TYPE promhttp_metric_handler_requests_total counter
${counts.map(({ code, n }) => `promhttp_metric_handler_requests_total{code="${code}"} ${n}\n`).join("")}`;
}

describe("instrumentMetricHandler", () => {
  it("registers both metrics, with 200, 500 and 503 at zero", async () => {
    const reg = prom.newRegistry();
    instrumentMetricHandler(reg, handlerFor(reg));
    expect(await text(reg)).toBe(`# HELP promhttp_metric_handler_requests_in_flight Current number of scrapes being served.
# TYPE promhttp_metric_handler_requests_in_flight gauge
promhttp_metric_handler_requests_in_flight 0
# HELP promhttp_metric_handler_requests_total Total number of scrapes by HTTP status code.
# TYPE promhttp_metric_handler_requests_total counter
promhttp_metric_handler_requests_total{code="200"} 0
promhttp_metric_handler_requests_total{code="500"} 0
promhttp_metric_handler_requests_total{code="503"} 0
`);
  });

  it("shows the scrape in flight, and counts it once it is done", async () => {
    const reg = prom.newRegistry();
    const { url } = await serve(instrumentMetricHandler(reg, handlerFor(reg)));
    const first = await scrape(url);
    expect(first.text).toBe(
      expectedText(
        [
          { code: "200", n: 0 },
          { code: "500", n: 0 },
          { code: "503", n: 0 },
        ],
        1,
      ),
    );
    expect(await text(reg)).toBe(
      expectedText(
        [
          { code: "200", n: 1 },
          { code: "500", n: 0 },
          { code: "503", n: 0 },
        ],
        0,
      ),
    );
  });

  it("keeps the in-flight gauge at the number of scrapes being served", async () => {
    const reg = prom.newRegistry();
    const slow = prom.newRegistry();
    const held = heldCollector();
    slow.mustRegister(held.collector);
    const { url } = await serve(instrumentMetricHandler(reg, handlerFor(slow)));
    const pending = scrape(url);
    await held.entered;
    expect(await text(reg)).toContain("promhttp_metric_handler_requests_in_flight 1\n");
    held.release();
    expect((await pending).status).toBe(200);
    expect(await text(reg)).toContain("promhttp_metric_handler_requests_in_flight 0\n");
  });

  it("counts scrapes by status code: errors, timeouts, refused methods", async () => {
    const reg = prom.newRegistry();
    const failing = prom.gathererFunc(async () => {
      throw new prom.GatherError([new Error("broken")], []);
    });
    const never = prom.gathererFunc(() => new Promise<MetricFamily[]>(() => undefined));
    const ok = await serve(instrumentMetricHandler(reg, handlerFor(prom.newRegistry())));
    const broken = await serve(instrumentMetricHandler(reg, handlerFor(failing)));
    const slow = await serve(instrumentMetricHandler(reg, handlerFor(never, { timeout: 50 })));
    expect((await scrape(ok.url)).status).toBe(200);
    expect((await scrape(ok.url, "POST")).status).toBe(405);
    expect((await scrape(broken.url)).status).toBe(500);
    expect((await scrape(broken.url)).status).toBe(500);
    expect((await scrape(slow.url)).status).toBe(503);
    expect(await text(reg)).toBe(
      expectedText(
        [
          { code: "200", n: 1 },
          { code: "405", n: 1 },
          { code: "500", n: 2 },
          { code: "503", n: 1 },
        ],
        0,
      ),
    );
  });

  it("counts a scrape whose handler rejects (PanicOnError) with the status it answered", async () => {
    const reg = prom.newRegistry();
    const failing = prom.gathererFunc(async () => {
      throw new prom.GatherError([new Error("fatal")], []);
    });
    const server = await serve(instrumentMetricHandler(reg, handlerFor(failing, { errorHandling: "panic" })));
    expect((await scrape(server.url)).status).toBe(500);
    await Promise.all(server.handled);
    expect(server.rejections).toHaveLength(1);
    expect(server.rejections[0]).toBeInstanceOf(prom.GatherError);
    const after = await text(reg);
    expect(after).toContain('promhttp_metric_handler_requests_total{code="500"} 1\n');
    expect(after).toContain("promhttp_metric_handler_requests_in_flight 0\n");
  });

  it("reuses collectors registered by an earlier call, so counts are shared", async () => {
    const reg = prom.newRegistry();
    const a = await serve(instrumentMetricHandler(reg, handlerFor(prom.newRegistry())));
    const b = await serve(instrumentMetricHandler(reg, handlerFor(prom.newRegistry())));
    await scrape(a.url);
    await scrape(b.url);
    expect(await text(reg)).toContain('promhttp_metric_handler_requests_total{code="200"} 2\n');
  });

  it("throws when a metric of the same name but another help is registered", () => {
    const reg = prom.newRegistry();
    reg.mustRegister(prom.newGauge({ name: "promhttp_metric_handler_requests_in_flight", help: "something else" }));
    expect(() => instrumentMetricHandler(reg, handlerFor(reg))).toThrow(prom.DescConflictError);
  });

  it("throws the AlreadyRegisteredError when the registered collector is of another kind", () => {
    const reg = prom.newRegistry();
    const impostor = prom.newGaugeVec(
      { name: "promhttp_metric_handler_requests_total", help: "Total number of scrapes by HTTP status code." },
      ["code"],
    );
    reg.mustRegister(impostor);
    let caught: unknown;
    try {
      instrumentMetricHandler(reg, handlerFor(reg));
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(prom.AlreadyRegisteredError);
    expect((caught as prom.AlreadyRegisteredError).existingCollector).toBe(impostor);
  });
});

describe("handler", () => {
  it("serves the default registry, instrumented with it; separate calls share the metrics", async () => {
    const first = await serve(handler());
    const second = await serve(handler());
    await scrape(first.url);
    const res = await scrape(second.url);
    expect(res.status).toBe(200);
    expect(res.text).toContain('promhttp_metric_handler_requests_total{code="200"} 1\n');
    expect(res.text).toContain("promhttp_metric_handler_requests_in_flight 1\n");
    expect(await text(prom.defaultGatherer)).toContain('promhttp_metric_handler_requests_total{code="200"} 2\n');
  });
});
