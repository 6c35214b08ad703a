/**
 * Test support for the promhttp specs: a real node:http server on 127.0.0.1, a few collectors
 * that can be held at will, and a raw client for what undici hides (status text, disconnects).
 */
import { createServer, get, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { RequestHandler } from "../../lib/promhttp/index.js";
import * as prom from "../../lib/prometheus/index.js";

/** A server running one handler; it remembers each request's promise and any rejection. */
export interface TestServer {
  url: string;
  server: Server;
  /** One promise per request, settled when the handler is done (never rejecting). */
  handled: Promise<void>[];
  /** What handler promises rejected with (PanicOnError). */
  rejections: unknown[];
  close(): Promise<void>;
}

/** startServer serves `handler` on 127.0.0.1 at a free port. */
export async function startServer(handler: RequestHandler): Promise<TestServer> {
  const handled: Promise<void>[] = [];
  const rejections: unknown[] = [];
  const server = createServer((req, res) => {
    handled.push(
      handler(req, res).then(
        () => undefined,
        (err: unknown) => void rejections.push(err),
      ),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/metrics`,
    server,
    handled,
    rejections,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A promise with its resolve function outside. */
export interface Deferred<T = void> {
  promise: Promise<T>;
  resolve(value: T): void;
}

export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/**
 * heldCollector collects `held_metric` (value = the number of the collect call). The first
 * collect waits until `release()`, then tries a late send and records what that send threw.
 */
export function heldCollector(): {
  collector: prom.Collector;
  entered: Promise<void>;
  release(): void;
  /** What the first call's late send did: "dropped" (counted by lateSendsDropped), "delivered", or its error. */
  lateSend: Promise<unknown>;
} {
  const desc = prom.newDesc("held_metric", "held by the test", null, null);
  const entered = deferred();
  const gate = deferred();
  const lateSend = deferred<unknown>();
  let calls = 0;
  const collector: prom.Collector = {
    describe: (ch) => void ch.send(desc),
    async collect(ch) {
      const call = ++calls;
      if (call === 1) {
        entered.resolve();
        await gate.promise;
        const before = prom.lateSendsDropped();
        try {
          await ch.send(prom.mustNewConstMetric(desc, prom.GaugeValue, -1));
          lateSend.resolve(prom.lateSendsDropped() - before === 1 ? "dropped" : "delivered");
        } catch (err) {
          lateSend.resolve(err);
        }
        return;
      }
      await ch.send(prom.mustNewConstMetric(desc, prom.GaugeValue, call));
    },
  };
  return { collector, entered: entered.promise, release: () => gate.resolve(), lateSend: lateSend.promise };
}

/** bigRegistry holds one gauge vec with `n` series. */
export function bigRegistry(n: number): prom.Registry {
  const reg = prom.newRegistry();
  const vec = prom.newGaugeVec({ name: "big_series", help: "many series" }, ["id"]);
  for (let i = 0; i < n; i++) vec.withLabelValues(String(i).padStart(7, "0")).set(i);
  reg.mustRegister(vec);
  return reg;
}

/** A raw response: status line parts, headers and the body as text. */
export interface RawResponse {
  status: number;
  statusText: string;
  headers: IncomingMessage["headers"];
  body: string;
}

/** rawGet fetches with node:http, which exposes the status text undici leaves out. */
export function rawGet(url: string, headers: Record<string, string> = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    get(url, { headers, agent: false }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, statusText: res.statusMessage ?? "", headers: res.headers, body }),
      );
      res.on("error", reject);
    }).on("error", reject);
  });
}

/**
 * maxTimerGap runs `work` while an interval of `everyMs` (5 ms by default) ticks and returns the
 * largest gap between ticks.
 */
export async function maxTimerGap<T>(work: () => Promise<T>, everyMs = 5): Promise<{ result: T; maxGapMs: number; ticks: number }> {
  let last = performance.now();
  let maxGapMs = 0;
  let ticks = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    maxGapMs = Math.max(maxGapMs, now - last);
    last = now;
    ticks++;
  }, everyMs);
  try {
    const result = await work();
    maxGapMs = Math.max(maxGapMs, performance.now() - last);
    return { result, maxGapMs, ticks };
  } finally {
    clearInterval(timer);
  }
}
