/**
 * HTTP edge cases against the compiled `demo-exporter`, over real sockets on 127.0.0.1: methods
 * other than GET and HEAD, huge headers, slow clients (header and request timeouts), many idle
 * keep-alive connections, and Accept headers that are garbage. After each, the exporter still
 * answers a scrape normally.
 *
 * The server's timeouts are shortened through the DEMO_EXPORTER_*_TIMEOUT_MS settings (see
 * lib/demo/cli.ts) so that the specs can watch them act: the header timeout becomes 500 ms, the
 * request timeout 1.5 s and the idle timeout 1 s (defaults: 10 s, 5 min, 2 min).
 * @module
 */
import { readdirSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseText } from "../../lib/expfmt/index.js";
import { assertBuilt, demoTotal, type RunningExporter, startExporter } from "../support/cli.js";

const readHeaderMs = 500;
const readMs = 1_500;
const idleMs = 1_000;
/** Node keeps an idle socket open for a second longer than the Keep-Alive header announces. */
const nodeIdleGraceMs = 1_000;

let exporter: RunningExporter;
let port: number;

beforeAll(async () => {
  assertBuilt();
  exporter = await startExporter([], {
    env: {
      DEMO_EXPORTER_READ_HEADER_TIMEOUT_MS: String(readHeaderMs),
      DEMO_EXPORTER_READ_TIMEOUT_MS: String(readMs),
      DEMO_EXPORTER_IDLE_TIMEOUT_MS: String(idleMs),
    },
  });
  port = Number(exporter.address.split(":").at(-1));
});
afterAll(() => exporter?.stop());

/** scrape GETs /metrics and checks the answer is a complete, parseable exposition. */
async function scrape(headers: Record<string, string> = {}): Promise<{ text: string; type: string | undefined }> {
  const res = await request(`${exporter.url}/metrics`, { headers });
  const text = await res.body.text();
  expect(res.statusCode).toBe(200);
  const names = parseText(text).map((f) => f.name);
  expect(names).toContain("demo_total");
  expect(names).toContain("process_cpu_seconds_total");
  return { text, type: res.headers["content-type"] as string | undefined };
}

/** RawResult is what a raw socket saw: the bytes it got and when and by whom it was closed. */
interface RawResult {
  response: string;
  /** Milliseconds from connecting to the close. */
  closedAfterMs: number;
  /** Bytes of `send` written before the close (the rest could not be sent). */
  bytesSent: number;
}

/**
 * raw connects, writes `head` at once, then `send` (all at once, or one byte every `byteEveryMs`),
 * and resolves when the server closes the connection. The client gives up after `giveUpMs`.
 */
function raw(send: string, options: { head?: string; byteEveryMs?: number; giveUpMs?: number } = {}): Promise<RawResult> {
  const { head = "", byteEveryMs, giveUpMs = 10_000 } = options;
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    const started = performance.now();
    let response = "";
    let bytesSent = 0;
    let timer: NodeJS.Timeout | undefined;
    socket.setEncoding("latin1");
    socket.on("data", (chunk: string) => (response += chunk));
    socket.on("error", () => undefined); // a reset after the server's close is part of the story
    socket.on("close", () => {
      clearInterval(timer);
      clearTimeout(giveUp);
      resolve({ response, closedAfterMs: performance.now() - started, bytesSent });
    });
    const giveUp = setTimeout(() => socket.destroy(), giveUpMs);
    socket.on("connect", () => {
      if (head !== "") socket.write(head);
      if (byteEveryMs === undefined) {
        socket.write(send);
        bytesSent = send.length;
        return;
      }
      timer = setInterval(() => {
        if (bytesSent >= send.length || socket.destroyed || !socket.writable) return clearInterval(timer);
        socket.write(send[bytesSent++]!);
      }, byteEveryMs);
    });
  });
}

/** statusLine is the first line of a raw response. */
function statusLine(response: string): string {
  return response.split("\r\n")[0] ?? "";
}

/** openFds counts the exporter's open file descriptors (sockets included), from /proc. */
function openFds(): number {
  return readdirSync(`/proc/${exporter.pid}/fd`).length;
}

describe("methods", () => {
  it.each(["POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "PROPFIND"])(
    "%s /metrics answers 405 with Allow: GET, HEAD, and gathers nothing",
    async (method) => {
      const before = demoTotal((await scrape()).text);
      const { response } = await raw(`${method} /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
      expect(statusLine(response)).toBe("HTTP/1.1 405 Method Not Allowed");
      expect(response).toMatch(/\r\nAllow: GET, HEAD\r\n/);
      expect(response.endsWith("\r\n\r\nMethod Not Allowed\n")).toBe(true);
      expect(demoTotal((await scrape()).text)).toBe(before + 1); // only the GETs collected
    },
  );

  it("HEAD /metrics answers 200 with the headers and no body", async () => {
    const res = await request(`${exporter.url}/metrics`, { method: "HEAD" });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toBe("text/plain; version=0.0.4; charset=utf-8");
    expect(await res.body.text()).toBe("");
  });

  it("a method that is not HTTP gets Node's 400; CONNECT gets the connection closed", async () => {
    const junk = await raw("BREW /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    expect(statusLine(junk.response)).toBe("HTTP/1.1 400 Bad Request");
    const tunnel = await raw("CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: 127.0.0.1:22\r\n\r\n");
    expect(tunnel.response).toBe("");
    expect(tunnel.closedAfterMs).toBeLessThan(2_000);
    await scrape();
  });
});

describe("huge headers", () => {
  it("one header of 17 KiB gets 431 from Node and a closed connection", async () => {
    const { response } = await raw(`GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${"a".repeat(17 * 1024)}\r\n\r\n`);
    expect(response).toBe("HTTP/1.1 431 Request Header Fields Too Large\r\nConnection: close\r\n\r\n");
    await scrape();
  });

  it("300 headers adding up to more than 16 KiB get 431 too", async () => {
    const many = Array.from({ length: 300 }, (_, i) => `X-H${i}: ${"v".repeat(60)}\r\n`).join("");
    const { response } = await raw(`GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n${many}\r\n`);
    expect(statusLine(response)).toBe("HTTP/1.1 431 Request Header Fields Too Large");
    await scrape();
  });

  it("headers just under the limit are served", async () => {
    const res = await request(`${exporter.url}/metrics`, { headers: { "x-big": "a".repeat(15 * 1024) } });
    expect(res.statusCode).toBe(200);
    expect(parseText(await res.body.text()).length).toBeGreaterThan(0);
  });
});

describe("slow clients", () => {
  it("a client sending its headers a byte at a time is answered 408 and cut off at the header timeout", async () => {
    const headers = "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: slowloris\r\n\r\n";
    const result = await raw(headers, { byteEveryMs: 100 }); // would need 6.8 s
    expect(result.response).toBe("HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n");
    expect(result.closedAfterMs).toBeGreaterThanOrEqual(readHeaderMs - 50);
    expect(result.closedAfterMs).toBeLessThan(readHeaderMs + 1_500);
    expect(result.bytesSent).toBeLessThan(headers.length);
    await scrape();
  });

  it("50 clients that connect and say nothing are all cut off at the header timeout", async () => {
    const results = await Promise.all(Array.from({ length: 50 }, () => raw("")));
    for (const r of results) {
      expect(r.response).toBe("HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n");
      expect(r.closedAfterMs).toBeLessThan(readHeaderMs + 1_500);
    }
    await scrape();
  });

  it("a client sending a request body a byte at a time is cut off at the request timeout", async () => {
    const result = await raw("x".repeat(100), {
      head: "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\n",
      byteEveryMs: 50, // the body would take 5 s
    });
    expect(result.response).toMatch(/HTTP\/1\.1 408 Request Timeout\r\nConnection: close\r\n\r\n$/);
    expect(result.closedAfterMs).toBeGreaterThanOrEqual(readMs - 50);
    expect(result.closedAfterMs).toBeLessThan(readMs + 1_500);
    await scrape();
  });
});

describe("many idle keep-alive connections", () => {
  /** openIdle opens a connection, makes one keep-alive request on it and leaves it idle. */
  function openIdle(): Promise<{ socket: Socket; answered: number; closed: Promise<number> }> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, "127.0.0.1");
      let response = "";
      const closed = new Promise<number>((done) => socket.on("close", () => done(performance.now())));
      socket.on("error", reject);
      socket.setEncoding("latin1");
      socket.on("data", (chunk: string) => {
        response += chunk;
        if (response.endsWith("Healthy\n")) resolve({ socket, answered: performance.now(), closed });
      });
      socket.write("GET /-/healthy HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    });
  }

  it("200 idle connections do not stop scrapes, and the server closes them after the idle timeout", async () => {
    const baseline = openFds();
    const idle = await Promise.all(Array.from({ length: 200 }, openIdle));
    // (A few connections of earlier specs may close meanwhile: hence the slack of 5.)
    expect(openFds()).toBeGreaterThanOrEqual(baseline + 195);

    // While they idle, scrapes on fresh connections are answered completely and at once.
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      await scrape();
      expect(performance.now() - started).toBeLessThan(1_000);
    }

    const closedAt = await Promise.all(idle.map((c) => c.closed));
    for (const [i, c] of idle.entries()) {
      const idleFor = closedAt[i]! - c.answered;
      expect(idleFor).toBeGreaterThanOrEqual(idleMs - 50);
      expect(idleFor).toBeLessThan(idleMs + nodeIdleGraceMs + 1_500);
    }
    // Every one was closed by the server (the client never closed them), and its descriptor freed.
    expect(idle.every((c) => c.socket.readableEnded || c.socket.destroyed)).toBe(true);
    await expect.poll(openFds, { timeout: 2_000 }).toBeLessThanOrEqual(baseline + 2);
    await scrape();
  }, 20_000);
});

describe("garbage Accept headers", () => {
  const garbage = [
    "",
    "garbage",
    ";;;,,,",
    "*/*;q=bogus",
    "q=1;q=2",
    "text/html",
    "text/plain;version=9.9.9",
    "application/openmetrics-text; version=99",
    "application/vnd.google.protobuf;proto=nope;encoding=delimited",
    "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=bogus",
    `${"x/y;a=b,".repeat(1000)}`,
    "\u00e9t\u00e9/\u00e9t\u00e9",
  ];

  it.each(garbage.map((a) => [JSON.stringify(a.length > 40 ? `${a.slice(0, 40)}...` : a), a]))(
    "Accept: %s gets 200 in the text format",
    async (_, accept) => {
      const { type } = await scrape({ accept });
      expect(type).toBe("text/plain; version=0.0.4; charset=utf-8");
    },
  );
});
