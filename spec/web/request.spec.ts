/**
 * Requests Go's server refuses before any handler: an unparsable request target and two Host
 * headers get 400 with Go's text and a closed connection, never a 500 from the handler.
 */
import { connect } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { newServer } from "../../lib/web/index.js";

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

async function serveHandled(): Promise<{ port: number; handled: string[] }> {
  const handled: string[] = [];
  const { server } = newServer({
    handler: (req, res) => {
      handled.push(req.url ?? "");
      new URL(req.url ?? "/", "http://localhost"); // a handler that trusts its input, as ours did
      res.end("ok\n");
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  closers.push(() => new Promise((resolve) => server.close(() => resolve())));
  return { port: (server.address() as { port: number }).port, handled };
}

/** exchange sends raw bytes and resolves to everything answered once the server ends the connection. */
function exchange(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => socket.write(text));
    let data = "";
    socket.setEncoding("utf8").on("data", (s: string) => (data += s));
    socket.on("error", reject);
    socket.on("end", () => resolve(data));
    setTimeout(() => reject(new Error(`no end of connection; got ${JSON.stringify(data)}`)), 5_000).unref();
  });
}

describe("malformed requests", () => {
  it.each([
    ["GET //[ HTTP/1.1\r\nHost: x\r\n\r\n", "400 Bad Request"],
    ["GET http://[/x HTTP/1.1\r\nHost: x\r\n\r\n", "400 Bad Request"],
    ["GET /metrics HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", "400 Bad Request: too many Host headers"],
    ["GET /metrics HTTP/1.1\r\nHost: a\r\nhOsT: a\r\n\r\n", "400 Bad Request: too many Host headers"],
  ])("%j gets %s and a closed connection, the handler never runs", async (request, body) => {
    const { port, handled } = await serveHandled();
    const answer = await exchange(port, request);
    expect(answer).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(answer).toMatch(/\r\nConnection: close\r\n/i);
    expect(answer.slice(answer.indexOf("\r\n\r\n") + 4)).toBe(body);
    expect(handled).toEqual([]);
  });

  it("serves a well-formed request, and OPTIONS *", async () => {
    const { port, handled } = await serveHandled();
    expect(await exchange(port, "GET /metrics?x=%zz HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")).toMatch(/^HTTP\/1\.1 200 OK/);
    expect(await exchange(port, "OPTIONS * HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")).toMatch(/^HTTP\/1\.1 200 OK/);
    expect(handled).toEqual(["/metrics?x=%zz", "*"]);
  });
});
