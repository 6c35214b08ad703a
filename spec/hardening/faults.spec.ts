/**
 * Faulty collectors over real HTTP: `handlerFor` on a node:http server on 127.0.0.1, in each error
 * mode, with a collector that throws, throws something that is not an Error, rejects, sends a
 * metric whose `write` throws, never finishes, or sends after its channel was closed. For each:
 * the scrape gets the documented answer (500 with client_golang's text; 200 with what could be
 * gathered under ContinueOnError; 503 with Go's TimeoutHandler text when the deadline passes),
 * no unhandled rejection or uncaught exception reaches the process, and the next scrape is normal
 * and complete.
 * @module
 */
import { errors, request } from "undici";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  ContinueOnError,
  type ErrorHandling,
  handlerFor,
  HTTPErrorOnError,
  PanicOnError,
} from "../../lib/promhttp/index.js";
import * as prom from "../../lib/prometheus/index.js";
import { deferred, type Deferred, rawGet, startServer, type TestServer } from "../promhttp/server.js";

/** Fault is what the faulty collector does wrong on its next collect. */
type Fault =
  | "throws"
  | "throws a string"
  | "rejects"
  | "sends a metric whose write throws"
  | "never finishes"
  | "sends after close (caught)"
  | "sends after close (uncaught)";

const partialDesc = prom.newDesc("faulty_partial", "sent before the fault", null, null);
const restDesc = prom.newDesc("faulty_rest", "sent after the fault point", null, null);

/**
 * FaultyCollector sends `faulty_partial 1`, then fails as `fault` says, or, when healthy, sends
 * `faulty_rest 2`. Hanging collects wait for {@link releaseAll}; what their late sends did is
 * counted, and the late metric (value -1) must never be seen by any scrape.
 */
class FaultyCollector implements prom.Collector {
  fault: Fault | undefined;
  readonly #held: Deferred[] = [];
  lateAttempts = 0;
  lateDelivered = 0;
  /** How many late sends the closed channel dropped (lateSendsDropped's count grew by). */
  lateDropped = 0;
  readonly lateErrors: unknown[] = [];
  entered = deferred();

  describe(): void {} // unchecked: checked at gather time only

  collect(ch: prom.SendOnlyChannel<prom.Metric>): void | Promise<void> {
    ch.send(prom.mustNewConstMetric(partialDesc, prom.GaugeValue, 1));
    switch (this.fault) {
      case undefined:
        ch.send(prom.mustNewConstMetric(restDesc, prom.GaugeValue, 2));
        return;
      case "throws":
        throw new Error("disk on fire");
      case "throws a string":
        throw "plain string";
      case "rejects":
        return Promise.resolve().then(() => {
          throw new Error("upstream answered 502");
        });
      case "sends a metric whose write throws":
        ch.send(prom.newGaugeFunc({ name: "faulty_rest", help: "sent after the fault point" }, () => {
          throw new Error("sensor gone");
        }));
        return;
      default:
        return this.#hang(ch, this.fault);
    }
  }

  async #hang(ch: prom.SendOnlyChannel<prom.Metric>, fault: Fault): Promise<void> {
    const gate = deferred();
    this.#held.push(gate);
    this.entered.resolve();
    await gate.promise;
    if (fault === "never finishes") return;
    this.lateAttempts++;
    const late = prom.mustNewConstMetric(restDesc, prom.GaugeValue, -1);
    const before = prom.lateSendsDropped();
    if (fault === "sends after close (caught)") {
      try {
        await ch.send(late);
        this.#countLate(before);
      } catch (err) {
        this.lateErrors.push(err);
      }
      return;
    }
    await ch.send(late); // a closed channel drops it; were it to throw, nobody here would handle it
    this.#countLate(before);
  }

  #countLate(before: number): void {
    if (prom.lateSendsDropped() > before) this.lateDropped++;
    else this.lateDelivered++;
  }

  /** releaseAll lets every hanging collect go on, and waits for their late sends to settle. */
  async releaseAll(): Promise<void> {
    for (const gate of this.#held.splice(0)) gate.resolve();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const completeText = `# HELP faulty_partial sent before the fault
# TYPE faulty_partial gauge
faulty_partial 1
# HELP faulty_rest sent after the fault point
# TYPE faulty_rest gauge
faulty_rest 2
# HELP healthy_temperature_celsius a healthy gauge
# TYPE healthy_temperature_celsius gauge
healthy_temperature_celsius{room="kitchen"} 21.5
# HELP healthy_total a healthy counter
# TYPE healthy_total counter
healthy_total 7
`;

/** What ContinueOnError serves when the faulty collector failed after its first send. */
const partialText = completeText.replace(/# HELP faulty_rest[^]*?faulty_rest 2\n/, "");

const errorPrefix = "An error has occurred while serving metrics:\n\n";

function newSetup() {
  const faulty = new FaultyCollector();
  const reg = prom.newRegistry();
  const total = prom.newCounter({ name: "healthy_total", help: "a healthy counter" });
  total.add(7);
  const temperature = prom.newGaugeVec({ name: "healthy_temperature_celsius", help: "a healthy gauge" }, ["room"]);
  temperature.withLabelValues("kitchen").set(21.5);
  reg.mustRegister(total, temperature, faulty);
  return { faulty, reg };
}

// Every rejection nobody handled and every exception nobody caught, while this file runs.
const unhandled: unknown[] = [];
const uncaught: unknown[] = [];
const onUnhandled = (reason: unknown) => void unhandled.push(reason);
const onUncaught = (err: unknown) => void uncaught.push(err);
beforeAll(() => {
  process.on("unhandledRejection", onUnhandled);
  process.on("uncaughtException", onUncaught);
});
afterAll(() => {
  process.off("unhandledRejection", onUnhandled);
  process.off("uncaughtException", onUncaught);
});

const servers: TestServer[] = [];
afterEach(async () => {
  // Node reports an unhandled rejection after the microtask queue drains: give it a few turns.
  await new Promise((resolve) => setTimeout(resolve, 30));
  await Promise.all(servers.splice(0).map((s) => s.close()));
  expect({ unhandled, uncaught }).toEqual({ unhandled: [], uncaught: [] });
});

async function serve(gatherer: prom.Gatherer, opts: Parameters<typeof handlerFor>[1] = {}) {
  const log: string[] = [];
  const server = await startServer(handlerFor(gatherer, { ...opts, errorLog: { error: (msg) => void log.push(msg) } }));
  servers.push(server);
  return { server, log };
}

async function scrape(url: string, headers: Record<string, string> = {}) {
  const res = await request(url, { headers });
  return { status: res.statusCode, type: res.headers["content-type"], text: await res.body.text() };
}

/** expectNextScrapeComplete heals the collector and expects a normal, complete 200. */
async function expectNextScrapeComplete(url: string, faulty: FaultyCollector): Promise<void> {
  faulty.fault = undefined;
  const next = await scrape(url);
  expect(next).toEqual({ status: 200, type: "text/plain; version=0.0.4; charset=utf-8", text: completeText });
}

const modes: ErrorHandling[] = [HTTPErrorOnError, ContinueOnError, PanicOnError];

/** The collection errors, as client_golang words them, for the faults that are errors. */
const errorFaults: [Fault, string][] = [
  ["throws", "error collecting from FaultyCollector: disk on fire"],
  ["throws a string", "error collecting from FaultyCollector: plain string"],
  ["rejects", "error collecting from FaultyCollector: upstream answered 502"],
  [
    "sends a metric whose write throws",
    'error collecting metric Desc{fqName: "faulty_rest", help: "sent after the fault point", constLabels: {}, variableLabels: []}: sensor gone',
  ],
];

describe.each(modes)('a collector that fails, errorHandling "%s"', (mode) => {
  it.each(errorFaults)("%s: the documented answer, then a normal scrape", async (fault, message) => {
    const { faulty, reg } = newSetup();
    const { server, log } = await serve(reg, { errorHandling: mode });
    faulty.fault = fault;
    const res = await scrape(server.url);
    if (mode === ContinueOnError) {
      // Served what could be gathered: the healthy collectors and what the faulty one sent first.
      expect(res).toEqual({ status: 200, type: "text/plain; version=0.0.4; charset=utf-8", text: partialText });
    } else {
      expect(res).toEqual({ status: 500, type: "text/plain; charset=utf-8", text: `${errorPrefix}${message}\n` });
    }
    await Promise.all(server.handled);
    expect(log).toEqual(["error gathering metrics"]);
    // PanicOnError answers 500 and then rejects the handler's promise, for the server to decide.
    expect(server.rejections.map((e) => (e as Error).message)).toEqual(mode === PanicOnError ? [message] : []);
    await expectNextScrapeComplete(server.url, faulty);
  });

  it("ContinueOnError or not, a scrape with nothing gathered is a 500", async () => {
    const reg = prom.newRegistry();
    reg.mustRegister({ describe() {}, collect: () => Promise.reject(new Error("nothing at all")) });
    const { server } = await serve(reg, { errorHandling: mode });
    const res = await scrape(server.url);
    expect(res.status).toBe(500);
    expect(res.text).toBe(`${errorPrefix}error collecting from collector: nothing at all\n`);
    await Promise.all(server.handled);
  });
});

/** The hanging faults: the collector never finishes; some of them send once released. */
const hangingFaults: Fault[] = ["never finishes", "sends after close (caught)", "sends after close (uncaught)"];

describe.each(modes)('a collector that never finishes, errorHandling "%s"', (mode) => {
  it.each(hangingFaults)("%s: 503 at the configured timeout, then a normal scrape", async (fault) => {
    const { faulty, reg } = newSetup();
    const { server } = await serve(reg, { errorHandling: mode, timeout: 200 });
    faulty.fault = fault;
    const started = performance.now();
    const res = await rawGet(server.url);
    expect(performance.now() - started).toBeLessThan(2_000);
    expect([res.status, res.statusText, res.body]).toEqual([503, "Service Unavailable", "Exceeded configured timeout of 200ms.\n"]);
    await Promise.all(server.handled);
    expect(server.rejections).toEqual([]);

    // The hanging collect is still pending: the next scrape collects afresh beside it.
    await expectNextScrapeComplete(server.url, faulty);
    await faulty.releaseAll();
    expectLateSend(faulty, fault);
    await expectNextScrapeComplete(server.url, faulty);
  });

  it.each(hangingFaults)("%s, no timeout configured: Prometheus' scrape timeout header bounds it", async (fault) => {
    const { faulty, reg } = newSetup();
    const { server } = await serve(reg, { errorHandling: mode });
    faulty.fault = fault;
    const res = await scrape(server.url, { "X-Prometheus-Scrape-Timeout-Seconds": "0.5" });
    // 0.5 s less the 10% margin that lets the 503 reach the scraper before it gives up.
    expect(res).toEqual({ status: 503, type: "text/plain; charset=utf-8", text: "Exceeded configured timeout of 450ms.\n" });
    await Promise.all(server.handled);
    await faulty.releaseAll();
    expectLateSend(faulty, fault);
    await expectNextScrapeComplete(server.url, faulty);
  });
});

/** expectLateSend checks what the released collector's late send did: dropped, never delivered, never thrown. */
function expectLateSend(faulty: FaultyCollector, fault: Fault): void {
  expect(faulty.lateDelivered).toBe(0);
  expect(faulty.lateErrors).toEqual([]);
  if (fault === "never finishes") {
    expect(faulty.lateAttempts).toBe(0);
    return;
  }
  expect(faulty.lateAttempts).toBe(1);
  expect(faulty.lateDropped).toBe(1);
}

describe("a collector that never finishes, without any timeout", () => {
  it("holds the scrape until the client gives up; the disconnect then stops the gather", async () => {
    const { faulty, reg } = newSetup();
    const { server } = await serve(reg);
    faulty.fault = "sends after close (caught)";
    // Without a deadline the answer would never come: the client's own timeout ends the wait.
    await expect(request(server.url, { headersTimeout: 300 })).rejects.toBeInstanceOf(errors.HeadersTimeoutError);
    await Promise.all(server.handled); // the handler saw the disconnect and finished
    await faulty.releaseAll();
    expectLateSend(faulty, "sends after close (caught)");
    await expectNextScrapeComplete(server.url, faulty);
  });

  it("serves other scrapes normally while one is held", async () => {
    const { faulty, reg } = newSetup();
    const { server } = await serve(reg, { timeout: 2_000 });
    faulty.fault = "sends after close (uncaught)";
    const held = scrape(server.url);
    await faulty.entered.promise;
    faulty.fault = undefined;
    for (let i = 0; i < 3; i++) expect((await scrape(server.url)).text).toBe(completeText);
    await faulty.releaseAll(); // released before the deadline: its late send is an ordinary send
    const res = await held;
    expect(res.status).toBe(200);
    expect(res.text).toBe(completeText.replace("faulty_rest 2", "faulty_rest -1"));
    expect([faulty.lateAttempts, faulty.lateDelivered]).toEqual([1, 1]);
  });
});
