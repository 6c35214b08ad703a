/**
 * The metrics handler over real HTTP: methods, content type, gzip, error modes, timeouts, the
 * in-flight limit, streaming of a big registry, disconnects, and client_golang's golden answers.
 */
import { get, type IncomingMessage, type ServerResponse } from "node:http";
import { gunzipSync } from "node:zlib";
import { request } from "undici";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { EncodeError, metricFamiliesToText } from "../../lib/expfmt/index.js";
import type { MetricFamily } from "../../lib/model/index.js";
import { formatDuration } from "../../lib/promhttp/duration.js";
import { handlerFor, type HandlerOpts, type RequestHandler } from "../../lib/promhttp/index.js";
import { scrapeTimeoutMs } from "../../lib/promhttp/scrape.js";
import * as prom from "../../lib/prometheus/index.js";
import { gatherErrorCases } from "../conformance/cases.js";
import { golden, goldenFiles, hasGolden } from "../support/golden.js";
import { bigRegistry, deferred, heldCollector, maxTimerGap, rawGet, startServer, type TestServer } from "./server.js";

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function serve(handler: RequestHandler): Promise<TestServer> {
  const server = await startServer(handler);
  servers.push(server);
  return server;
}

type Method = "GET" | "HEAD" | "POST" | "PUT" | "DELETE";

async function scrape(url: string, options: { method?: Method; headers?: Record<string, string> } = {}) {
  const res = await request(url, { method: options.method ?? "GET", headers: options.headers ?? {} });
  const body = Buffer.from(await res.body.arrayBuffer());
  return { status: res.statusCode, headers: res.headers, body, text: body.toString("utf8") };
}

function smallRegistry(): prom.Registry {
  const reg = prom.newRegistry();
  const vec = prom.newCounterVec({ name: "requests_total", help: "Requests." }, ["code"]);
  vec.withLabelValues("200").add(3);
  vec.withLabelValues("404").inc();
  const g = prom.newGauge({ name: "temperature", help: "A gauge." });
  g.set(21.5);
  reg.mustRegister(vec, g);
  return reg;
}

const smallText = `# HELP requests_total Requests.
# TYPE requests_total counter
requests_total{code="200"} 3
requests_total{code="404"} 1
# HELP temperature A gauge.
# TYPE temperature gauge
temperature 21.5
`;

const errorPrefix = "An error has occurred while serving metrics:\n\n";

/** A logger that remembers what it was told. */
function recordingLog() {
  const lines: { msg: string; keyvals: unknown[] }[] = [];
  return { lines, error: (msg: string, ...keyvals: unknown[]) => void lines.push({ msg, keyvals }) };
}

/** A family that the text encoder rejects: a gauge metric without a gauge value. */
function badFamily(name: string): MetricFamily {
  return { name, help: "broken", type: "gauge", metric: [{ label: [] }] };
}

function goodFamily(name: string, n = 1): MetricFamily {
  const metric = Array.from({ length: n }, (_, i) => ({
    label: [{ name: "i", value: String(i).padStart(6, "0") }],
    gauge: { value: i },
  }));
  return { name, help: `family ${name}`, type: "gauge", metric };
}

function failingGatherer(message: string, families: MetricFamily[]): prom.Gatherer {
  return prom.gathererFunc(async () => {
    throw new prom.GatherError([new Error(message)], families);
  });
}

describe("methods and content", () => {
  it("serves GET with the text format", async () => {
    const { url } = await serve(handlerFor(smallRegistry()));
    const res = await scrape(url);
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe("text/plain; version=0.0.4; charset=utf-8");
    expect(res.headers["content-encoding"]).toBeUndefined();
    expect(res.headers["content-length"]).toBe(String(Buffer.byteLength(smallText)));
    expect(res.text).toBe(smallText);
  });

  it("answers HEAD with the headers of GET and no body", async () => {
    const { url } = await serve(handlerFor(smallRegistry()));
    const res = await scrape(url, { method: "HEAD" });
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe("text/plain; version=0.0.4; charset=utf-8");
    expect(res.body.length).toBe(0);
  });

  it.each(["POST", "PUT", "DELETE"] as const)("answers %s with 405 and Allow: GET, HEAD", async (method) => {
    let gathered = 0;
    const gatherer = prom.gathererFunc(async () => {
      gathered++;
      return [];
    });
    const { url } = await serve(handlerFor(gatherer));
    const res = await scrape(url, { method });
    expect(res.status).toBe(405);
    expect(res.headers["allow"]).toBe("GET, HEAD");
    expect(res.headers["content-type"]).toBe("text/plain; charset=utf-8");
    expect(res.text).toBe("Method Not Allowed\n");
    expect(gathered).toBe(0);
  });

  it("serves an empty registry as an empty 200", async () => {
    const { url } = await serve(handlerFor(prom.newRegistry()));
    const res = await scrape(url);
    expect(res.status).toBe(200);
    expect(res.text).toBe("");
  });
});

describe("gzip", () => {
  it("compresses when the client accepts gzip, and sets no Vary (as client_golang 1.14)", async () => {
    const { url } = await serve(handlerFor(smallRegistry()));
    const res = await scrape(url, { headers: { "accept-encoding": "gzip" } });
    expect(res.status).toBe(200);
    expect(res.headers["content-encoding"]).toBe("gzip");
    expect(res.headers["content-type"]).toBe("text/plain; version=0.0.4; charset=utf-8");
    expect(res.headers["vary"]).toBeUndefined();
    expect(gunzipSync(res.body).toString("utf8")).toBe(smallText);
  });

  it.each([
    ["gzip", true],
    ["gzip;q=1.0", true],
    ["deflate, gzip", true],
    ["deflate,  gzip;q=0.5 , br", true],
    ["gzip;q=0", true], // client_golang ignores q-values
    ["", false],
    ["identity", false],
    ["deflate, br", false],
    ["x-gzip", false],
    ["*", false],
    ["GZIP", false], // compared case-sensitively, as in Go
    ["gzipped", false],
  ])("Accept-Encoding %j → gzip %s", async (acceptEncoding, gzip) => {
    const { url } = await serve(handlerFor(smallRegistry()));
    const res = await scrape(url, { headers: { "accept-encoding": acceptEncoding } });
    expect(res.headers["content-encoding"]).toBe(gzip ? "gzip" : undefined);
    expect(gzip ? gunzipSync(res.body).toString("utf8") : res.text).toBe(smallText);
  });

  it("never compresses with disableCompression", async () => {
    const { url } = await serve(handlerFor(smallRegistry(), { disableCompression: true }));
    const res = await scrape(url, { headers: { "accept-encoding": "gzip" } });
    expect(res.headers["content-encoding"]).toBeUndefined();
    expect(res.text).toBe(smallText);
  });

  it("sends error bodies uncompressed", async () => {
    const { url } = await serve(handlerFor(failingGatherer("boom", [])));
    const res = await scrape(url, { headers: { "accept-encoding": "gzip" } });
    expect(res.status).toBe(500);
    expect(res.headers["content-encoding"]).toBeUndefined();
    expect(res.text).toBe(`${errorPrefix}boom\n`);
  });
});

describe("gather errors", () => {
  it('"http" (the default) answers 500 with client_golang\'s text and headers', async () => {
    const log = recordingLog();
    const gatherer = failingGatherer("collector exploded", [goodFamily("partial")]);
    const { url } = await serve(handlerFor(gatherer, { errorLog: log }));
    const res = await scrape(url);
    expect(res.status).toBe(500);
    expect(res.headers["content-type"]).toBe("text/plain; charset=utf-8");
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
    expect(res.text).toBe(`${errorPrefix}collector exploded\n`);
    expect(log.lines.map((l) => l.msg)).toEqual(["error gathering metrics"]);
    expect(log.lines[0]!.keyvals[0]).toBe("err");
    expect(log.lines[0]!.keyvals[1]).toBeInstanceOf(prom.GatherError);
  });

  it("lists several errors as Go's MultiError does", async () => {
    const gatherer = prom.gathererFunc(async () => {
      throw new prom.GatherError([new Error("first"), new Error("second")], []);
    });
    const { url } = await serve(handlerFor(gatherer));
    const res = await scrape(url);
    expect(res.text).toBe(`${errorPrefix}2 error(s) occurred:\n* first\n* second\n`);
  });

  it('"continue" serves the families gathered despite the errors, and logs', async () => {
    const log = recordingLog();
    const errorsReg = prom.newRegistry();
    const partial = [goodFamily("partial_a"), goodFamily("partial_b", 2)];
    const opts: HandlerOpts = { errorHandling: "continue", errorLog: log, registry: errorsReg };
    const { url, rejections } = await serve(handlerFor(failingGatherer("half broken", partial), opts));
    const res = await scrape(url);
    expect(res.status).toBe(200);
    expect(res.text).toBe(metricFamiliesToText(partial));
    expect(log.lines.map((l) => l.msg)).toEqual(["error gathering metrics"]);
    expect(metricFamiliesToText(await errorsReg.gather())).toBe(`# HELP promhttp_metric_handler_errors_total Total number of internal errors encountered by the promhttp metric handler.
# TYPE promhttp_metric_handler_errors_total counter
promhttp_metric_handler_errors_total{cause="encoding"} 0
promhttp_metric_handler_errors_total{cause="gathering"} 1
`);
    expect(rejections).toEqual([]);
  });

  it('"continue" with nothing gathered still answers 500', async () => {
    const { url } = await serve(handlerFor(failingGatherer("all broken", []), { errorHandling: "continue" }));
    const res = await scrape(url);
    expect(res.status).toBe(500);
    expect(res.text).toBe(`${errorPrefix}all broken\n`);
  });

  it('"panic" answers 500 and then rejects the handler\'s promise with the error', async () => {
    const server = await serve(handlerFor(failingGatherer("fatal", [goodFamily("x")]), { errorHandling: "panic" }));
    const res = await scrape(server.url);
    expect(res.status).toBe(500);
    expect(res.text).toBe(`${errorPrefix}fatal\n`);
    await Promise.all(server.handled);
    expect(server.rejections).toHaveLength(1);
    expect(server.rejections[0]).toBeInstanceOf(prom.GatherError);
  });

  it("answers 500 for a gatherer that throws something other than a GatherError", async () => {
    const thrower = prom.gathererFunc(async () => {
      throw new TypeError("not a gather error");
    });
    const syncThrower: prom.Gatherer = {
      gather() {
        throw new Error("thrown synchronously");
      },
    };
    for (const [gatherer, text] of [
      [thrower, "not a gather error"],
      [syncThrower, "thrown synchronously"],
    ] as const) {
      for (const errorHandling of ["http", "continue"] as const) {
        const { url } = await serve(handlerFor(gatherer, { errorHandling }));
        const res = await scrape(url);
        expect(res.status).toBe(500);
        expect(res.text).toBe(`${errorPrefix}${text}\n`);
      }
    }
  });

  it("registers the errors counter once per registry and shares it", async () => {
    const errorsReg = prom.newRegistry();
    const first = handlerFor(failingGatherer("e1", []), { registry: errorsReg });
    const second = handlerFor(failingGatherer("e2", []), { registry: errorsReg });
    for (const h of [first, second]) {
      const { url } = await serve(h);
      expect((await scrape(url)).status).toBe(500);
    }
    const text = metricFamiliesToText(await errorsReg.gather());
    expect(text).toContain('promhttp_metric_handler_errors_total{cause="gathering"} 2\n');
  });

  it("throws when the errors counter clashes with another registered metric", () => {
    const errorsReg = prom.newRegistry();
    errorsReg.mustRegister(prom.newCounter({ name: "promhttp_metric_handler_errors_total", help: "other help" }));
    expect(() => handlerFor(prom.newRegistry(), { registry: errorsReg })).toThrow(prom.DescConflictError);
  });
});

describe("golden answers of client_golang for gather errors", () => {
  it.runIf(hasGolden())("has a builder for every .http case", () => {
    const cases = goldenFiles(".http").map((f) => f.replace(/\.http$/, ""));
    expect(cases.length).toBeGreaterThan(0);
    expect(cases.filter((c) => !(c in gatherErrorCases))).toEqual([]);
  });

  for (const name of hasGolden() ? goldenFiles(".http").map((f) => f.replace(/\.http$/, "")) : []) {
    it(`${name}: same status, content type and body`, async () => {
      const build = gatherErrorCases[name]!;
      const { url } = await serve(handlerFor(build()));
      const res = await rawGet(url);
      const got = `status: ${res.status} ${res.statusText}\ncontent-type: ${res.headers["content-type"]}\n\n${res.body}`;
      expect(got).toBe(golden(`${name}.http`));
    });
  }
});

describe("encoding errors", () => {
  it('"http": an error in the first chunk becomes a 500', async () => {
    const log = recordingLog();
    const errorsReg = prom.newRegistry();
    const gatherer = prom.gathererFunc(async () => [goodFamily("a_good"), badFamily("b_bad"), goodFamily("c_good")]);
    const { url } = await serve(handlerFor(gatherer, { errorLog: log, registry: errorsReg }));
    const res = await scrape(url);
    expect(res.status).toBe(500);
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
    expect(res.text).toBe(`${errorPrefix}expected gauge in metric b_bad\n`);
    expect(log.lines.map((l) => l.msg)).toEqual(["error encoding and sending metric family"]);
    expect(log.lines[0]!.keyvals[1]).toBeInstanceOf(EncodeError);
    expect(metricFamiliesToText(await errorsReg.gather())).toContain('{cause="encoding"} 1\n');
  });

  it('"continue": a family that fails to encode is left out, the rest is served', async () => {
    const log = recordingLog();
    const families = [goodFamily("a_good"), badFamily("b_bad"), goodFamily("c_good")];
    const gatherer = prom.gathererFunc(async () => families);
    const { url } = await serve(handlerFor(gatherer, { errorHandling: "continue", errorLog: log }));
    const res = await scrape(url);
    expect(res.status).toBe(200);
    expect(res.text).toBe(metricFamiliesToText([families[0]!, families[2]!]));
    expect(log.lines.map((l) => l.msg)).toEqual(["error encoding and sending metric family"]);
  });

  it('"panic": an encoding error answers 500 and rejects', async () => {
    const gatherer = prom.gathererFunc(async () => [badFamily("bad")]);
    const server = await serve(handlerFor(gatherer, { errorHandling: "panic" }));
    const res = await scrape(server.url);
    expect(res.status).toBe(500);
    await Promise.all(server.handled);
    expect(server.rejections[0]).toBeInstanceOf(EncodeError);
  });

  it("an error after the body started closes the connection: never a truncated 200 that looks complete", async () => {
    // ~1.3 MB of good text first, so several chunks are on the wire when the bad family comes.
    const families = [goodFamily("a_big", 40_000), badFamily("b_bad")];
    const log = recordingLog();
    const server = await serve(handlerFor(prom.gathererFunc(async () => families), { errorLog: log }));
    const res = await request(server.url);
    expect(res.statusCode).toBe(200);
    await expect(res.body.text()).rejects.toThrow();
    await Promise.all(server.handled);
    expect(log.lines.map((l) => l.msg)).toEqual(["error encoding and sending metric family"]);
    expect(server.rejections).toEqual([]);
  });
});

describe("timeouts", () => {
  it("answers 503 with Go's TimeoutHandler text, and the next scrape is normal", async () => {
    const reg = prom.newRegistry();
    const held = heldCollector();
    reg.mustRegister(held.collector);
    const server = await serve(handlerFor(reg, { timeout: 200 }));

    const started = performance.now();
    const res = await rawGet(server.url);
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(res.status).toBe(503);
    expect(res.statusText).toBe("Service Unavailable");
    expect(res.headers["content-type"]).toBe("text/plain; charset=utf-8");
    expect(res.body).toBe("Exceeded configured timeout of 200ms.\n");
    await Promise.all(server.handled);

    // The collector still hangs; the next scrape collects afresh and is not disturbed.
    const second = await scrape(server.url);
    expect(second.status).toBe(200);
    expect(second.text).toContain("held_metric 2\n");

    // The late collector's send is dropped by its closed channel and reaches no later scrape.
    held.release();
    expect(await held.lateSend).toBe("dropped");
    const third = await scrape(server.url);
    expect(third.status).toBe(200);
    expect(third.text).toBe("# HELP held_metric held by the test\n# TYPE held_metric gauge\nheld_metric 3\n");
  });

  it("takes the timeout from X-Prometheus-Scrape-Timeout-Seconds, less a 10% margin", async () => {
    const reg = prom.newRegistry();
    const held = heldCollector();
    reg.mustRegister(held.collector);
    const { url } = await serve(handlerFor(reg));
    const res = await scrape(url, { headers: { "x-prometheus-scrape-timeout-seconds": "0.25" } });
    expect(res.status).toBe(503);
    expect(res.text).toBe("Exceeded configured timeout of 225ms.\n");
    held.release();
    expect(await held.lateSend).toBe("dropped");
    expect((await scrape(url)).status).toBe(200);
  });

  it("uses the smaller of the configured and the scraper's timeout", async () => {
    const reg = prom.newRegistry();
    reg.mustRegister(heldCollector().collector);
    const { url } = await serve(handlerFor(reg, { timeout: 150 }));
    const res = await scrape(url, { headers: { "x-prometheus-scrape-timeout-seconds": "10" } });
    expect(res.text).toBe("Exceeded configured timeout of 150ms.\n");
  });

  it("answers a gatherer that ignores the abort signal at the deadline all the same", async () => {
    const never = prom.gathererFunc(() => new Promise<MetricFamily[]>(() => undefined));
    const server = await serve(handlerFor(never, { timeout: 100 }));
    const res = await scrape(server.url);
    expect(res.status).toBe(503);
    expect(res.text).toBe("Exceeded configured timeout of 100ms.\n");
    await Promise.all(server.handled);
  });

  it("computes the deadline from options and header", () => {
    const req = (value?: string) => {
      const headersDistinct = value === undefined ? {} : { "x-prometheus-scrape-timeout-seconds": [value] };
      return { headersDistinct } as unknown as IncomingMessage;
    };
    expect(scrapeTimeoutMs(req(), undefined)).toBeUndefined();
    expect(scrapeTimeoutMs(req(), 0)).toBeUndefined();
    expect(scrapeTimeoutMs(req(), 3000)).toBe(3000);
    expect(scrapeTimeoutMs(req("10"), undefined)).toBe(9500); // margin capped at 500 ms
    expect(scrapeTimeoutMs(req("1"), undefined)).toBe(900); // 10% margin
    expect(scrapeTimeoutMs(req("10"), 3000)).toBe(3000);
    expect(scrapeTimeoutMs(req("1"), 3000)).toBe(900);
    for (const bad of ["", "abc", "0", "-1", "Infinity"]) expect(scrapeTimeoutMs(req(bad), 3000)).toBe(3000);
  });

  it.each([
    [0, "0s"],
    [1e-6, "1ns"],
    [0.0015, "1.5µs"],
    [1.5, "1.5ms"],
    [250, "250ms"],
    [1000, "1s"],
    [1500, "1.5s"],
    [10_000, "10s"],
    [90_000, "1m30s"],
    [3_600_000, "1h0m0s"],
    [3_723_500, "1h2m3.5s"],
    [-1500, "-1.5s"],
  ])("formats %d ms as Go's Duration.String: %s", (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe("maxRequestsInFlight", () => {
  it("answers 503 past the limit, with client_golang's text", async () => {
    const reg = prom.newRegistry();
    const held = heldCollector();
    reg.mustRegister(held.collector);
    const { url } = await serve(handlerFor(reg, { maxRequestsInFlight: 1 }));

    const first = scrape(url);
    await held.entered;
    const second = await scrape(url);
    expect(second.status).toBe(503);
    expect(second.headers["content-type"]).toBe("text/plain; charset=utf-8");
    expect(second.headers["x-content-type-options"]).toBe("nosniff");
    expect(second.text).toBe("Limit of concurrent requests reached (1), try again later.\n");

    held.release();
    const done = await first;
    expect(done.status).toBe(200);
    expect(done.text).toContain("held_metric -1\n");
    expect((await scrape(url)).status).toBe(200);
  });
});

describe("streaming", () => {
  const series = 200_000;
  const reg = bigRegistry(series);
  const lastLine = `big_series{id="${String(series - 1).padStart(7, "0")}"} ${series - 1}\n`;

  // The first scrape of a registry fills the encoder's label-text cache and leaves a heap that
  // the next full garbage collection must sweep; both stall the loop on their own, whatever the
  // handler does. Measure warm, and give a timing test a second chance on a loaded machine.
  beforeAll(async () => {
    const { url } = await serve(handlerFor(reg));
    await scrape(url);
  });
  const timing = { retry: 2 };

  it("streams a big registry whole while the event loop keeps ticking", timing, async () => {
    const { url } = await serve(handlerFor(reg));
    const { result, maxGapMs, ticks } = await maxTimerGap(() => scrape(url));
    expect(result.status).toBe(200);
    expect(result.headers["content-length"]).toBeUndefined(); // chunked
    expect(result.text.split("\n")).toHaveLength(series + 3);
    expect(result.text.endsWith(lastLine)).toBe(true);
    expect(ticks).toBeGreaterThan(2);
    expect(maxGapMs).toBeLessThan(200);
  });

  it("streams it gzipped as well", timing, async () => {
    const { url } = await serve(handlerFor(reg));
    const { result, maxGapMs } = await maxTimerGap(() => scrape(url, { headers: { "accept-encoding": "gzip" } }));
    expect(result.headers["content-encoding"]).toBe("gzip");
    const text = gunzipSync(result.body).toString("utf8");
    expect(text.split("\n")).toHaveLength(series + 3);
    expect(text.endsWith(lastLine)).toBe(true);
    expect(maxGapMs).toBeLessThan(200);
  });

  it("gathers in an event-loop turn of its own, and encodes after a long gather in another", async () => {
    // Work queued in the turn that read the request runs before the gather starts (timers
    // included), and work queued by the gather's end runs before the encoding starts: neither
    // runs back to back with the request's turn or the gather's last time slice.
    const order: string[] = [];
    const reg = prom.newRegistry();
    reg.mustRegister({
      describe: () => undefined,
      async collect(ch) {
        order.push("collect");
        const until = performance.now() + 10; // longer than a time slice
        while (performance.now() < until);
        setImmediate(() => order.push("after the gather"));
        ch.send(prom.mustNewConstMetric(prom.newDesc("m", "h", null, null), prom.GaugeValue, 1));
      },
    });
    const inner = handlerFor(reg);
    const tracking: RequestHandler = (req, res) => {
      setImmediate(() => order.push("after the request"));
      // A timer that is due by the end of the request's turn runs before the gather, too.
      setTimeout(() => order.push("timer"), 1);
      const until = performance.now() + 3;
      while (performance.now() < until);
      const write = res.write.bind(res);
      const end = res.end.bind(res);
      res.write = ((...args: Parameters<typeof res.write>) => (order.push("write"), write(...args))) as typeof res.write;
      res.end = ((...args: Parameters<typeof res.end>) => (order.push("write"), end(...args))) as typeof res.end;
      return inner(req, res);
    };
    const { url } = await serve(tracking);
    expect((await scrape(url)).text).toBe("# HELP m h\n# TYPE m gauge\nm 1\n");
    expect(order.slice(0, 5)).toEqual(["after the request", "timer", "collect", "after the gather", "write"]);
  });

  it("waits for a slow client instead of buffering the whole body", async () => {
    let maxBuffered = 0;
    const inner = handlerFor(reg);
    const tracking: RequestHandler = (req, res) => {
      trackWrites(res, () => (maxBuffered = Math.max(maxBuffered, res.writableLength)));
      return inner(req, res);
    };
    const { url } = await serve(tracking);
    const text = await new Promise<string>((resolve, reject) => {
      get(url, { agent: false }, (res) => {
        res.pause();
        setTimeout(() => {
          let body = "";
          res.setEncoding("utf8");
          res.on("data", (c: string) => (body += c));
          res.on("end", () => resolve(body));
          res.resume();
        }, 300);
      }).on("error", reject);
    });
    expect(text.endsWith(lastLine)).toBe(true);
    expect(maxBuffered).toBeLessThan(512 * 1024);
  });

  it("stops encoding when the client disconnects mid-response", async () => {
    let written = 0;
    let writesAfterClose = 0;
    const inner = handlerFor(reg);
    const tracking: RequestHandler = (req, res) => {
      trackWrites(res, (chunk) => {
        written += chunk.length;
        if (res.destroyed) writesAfterClose++;
      });
      return inner(req, res);
    };
    const server = await serve(tracking);
    await new Promise<void>((resolve, reject) => {
      const req = get(server.url, { agent: false }, (res) => {
        res.once("data", () => {
          req.destroy();
          resolve();
        });
      });
      req.on("error", (err) => ((err as NodeJS.ErrnoException).code === "ECONNRESET" ? undefined : reject(err)));
    });
    await Promise.all(server.handled);
    expect(server.rejections).toEqual([]);
    expect(writesAfterClose).toBeLessThanOrEqual(1);
    // Loopback socket buffers take megabytes before the reset arrives; the body did stop short.
    const writtenBeforeClose = written;
    const whole = await scrape(server.url);
    expect(whole.text.endsWith(lastLine)).toBe(true);
    expect(writtenBeforeClose).toBeLessThan(Buffer.byteLength(whole.text) * 0.9);
  });

  it("closes the connection when the deadline passes while the body streams", async () => {
    const families = await reg.gather();
    const server = await serve(handlerFor(prom.gathererFunc(async () => families), { timeout: 200 }));
    const outcome = await new Promise<{ status: number; complete: boolean }>((resolve, reject) => {
      get(server.url, { agent: false }, (res) => {
        res.pause(); // a client too slow to read the body before the deadline
        setTimeout(() => {
          res.on("data", () => undefined);
          res.on("error", () => undefined);
          res.on("close", () => resolve({ status: res.statusCode ?? 0, complete: res.complete }));
          res.resume();
        }, 500);
      }).on("error", reject);
    });
    expect(outcome).toEqual({ status: 200, complete: false });
    await Promise.all(server.handled);
    expect(server.rejections).toEqual([]);
  });

  it("stops the gather when the client disconnects before the answer", async () => {
    const held = heldCollector();
    const slow = prom.newRegistry();
    slow.mustRegister(held.collector);
    const server = await serve(handlerFor(slow));
    const req = get(server.url, { agent: false });
    req.on("error", () => undefined);
    await held.entered;
    req.destroy();
    await Promise.all(server.handled);
    held.release();
    expect(await held.lateSend).toBe("dropped");
    expect((await scrape(server.url)).status).toBe(200);
  });
});

describe("what a scrape leaves behind", () => {
  it("listens to every response with the same functions, made once, and removes them", async () => {
    // Closures made per scrape and registered with the response kept whole scrapes alive through
    // V8's young-generation collections (docs/architecture.md); module-level listeners do not.
    const during: unknown[][] = [];
    const after: unknown[][] = [];
    const metrics = handlerFor(smallRegistry(), { timeout: 10_000 });
    const server = await serve(async (req, res) => {
      const done = metrics(req, res);
      during.push(res.listeners("close"));
      await done;
      after.push(res.listeners("close"));
    });
    await scrape(server.url);
    await scrape(server.url);
    expect(during[0]!.length).toBeGreaterThan(0);
    expect(during[1]).toEqual(during[0]);
    for (const listener of during[0]!) expect(after[0]).not.toContain(listener);
  });
});

describe("the signal a gatherer other than a Registry gets", () => {
  /** A gatherer that records its signal and answers once that signal aborts. */
  function waitingGatherer() {
    const entered = deferred<AbortSignal | undefined>();
    const gatherer = prom.gathererFunc(async (options) => {
      const signal = options?.signal;
      entered.resolve(signal);
      await new Promise((resolve) => signal?.addEventListener("abort", resolve, { once: true }));
      return [];
    });
    return { gatherer, entered: entered.promise };
  }

  it("is an AbortSignal that aborts when the client disconnects", async () => {
    const { gatherer, entered } = waitingGatherer();
    const server = await serve(handlerFor(gatherer));
    const req = get(server.url, { agent: false });
    req.on("error", () => undefined);
    const signal = await entered;
    expect(signal).toBeInstanceOf(AbortSignal);
    expect(signal!.aborted).toBe(false);
    req.destroy();
    await Promise.all(server.handled);
    expect(signal!.aborted).toBe(true);
    expect(String(signal!.reason)).toContain("client disconnected");
  });

  it("is an AbortSignal that aborts at the deadline", async () => {
    const { gatherer, entered } = waitingGatherer();
    const server = await serve(handlerFor(gatherer, { timeout: 50 }));
    const answer = scrape(server.url);
    const signal = await entered;
    expect((await answer).status).toBe(503);
    expect(signal!.aborted).toBe(true);
    expect(String(signal!.reason)).toContain("scrape timeout exceeded");
  });
});

/** trackWrites calls `onWrite` after every res.write, with the chunk written. */
function trackWrites(res: ServerResponse, onWrite: (chunk: { length: number }) => void): void {
  const original = res.write.bind(res) as (...args: unknown[]) => boolean;
  (res as unknown as { write: (...args: unknown[]) => boolean }).write = (...args: unknown[]) => {
    const ok = original(...args);
    onWrite(args[0] as { length: number });
    return ok;
  };
}
