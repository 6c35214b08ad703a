/**
 * TLS connections that misbehave, against newServer on a real socket: handshakes that never
 * finish are cut at the handshake timeout, refused client certificates are logged with the peer
 * and the reason, client-initiated renegotiation is refused, a flood of failing handshakes gives a
 * few rate-limited log lines and leaves the event loop free, and files are re-read when changed.
 */
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import https from "node:https";
import { connect as netConnect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect as tlsConnect } from "node:tls";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { newServer } from "../../lib/web/index.js";
import { certs, hasOpenssl, type TestCerts } from "../support/certs.js";

interface Line {
  msg: string;
  keyvals: unknown[];
}

describe.runIf(hasOpenssl())("TLS connections", () => {
  let made: TestCerts;
  let dir: string;
  let configFile: string;
  let logs: Line[];
  let close: (() => Promise<void>) | undefined;

  beforeAll(() => {
    made = certs();
  });
  afterAll(() => made?.remove());
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "tls-conn-"));
    configFile = join(dir, "web.yml");
    logs = [];
  });
  afterEach(async () => {
    await close?.();
    close = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  async function start(extra = "", handshakeMs?: number): Promise<number> {
    copyFileSync(made.server.certFile, join(dir, "server.crt"));
    copyFileSync(made.server.keyFile, join(dir, "server.key"));
    writeFileSync(configFile, `tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n${extra}`);
    const { server } = newServer({
      handler: (_req, res) => void res.end("ok\n"),
      webConfigFile: configFile,
      logger: { info: () => {}, error: (msg, ...keyvals) => void logs.push({ msg, keyvals }) },
      nodeOptions: handshakeMs === undefined ? {} : { headersTimeout: handshakeMs, requestTimeout: 60_000 },
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    close = async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    };
    return (server.address() as { port: number }).port;
  }

  /** heldFor connects, sends `bytes`, and resolves to how long the server kept the connection open. */
  function heldFor(port: number, bytes: Buffer): Promise<number> {
    return new Promise((resolve) => {
      const started = performance.now();
      const socket: Socket = netConnect(port, "127.0.0.1", () => socket.write(bytes));
      socket.on("error", () => undefined);
      socket.on("close", () => resolve(performance.now() - started));
      socket.resume();
      setTimeout(() => socket.destroy(), 15_000).unref();
    });
  }

  function get(port: number, options: https.RequestOptions = {}): Promise<number> {
    return new Promise((resolve, reject) => {
      const req = https.get({ host: "127.0.0.1", port, path: "/", ca: made.ca.cert, agent: false, ...options }, (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      });
      req.on("error", reject);
    });
  }

  it("cuts a handshake that never finishes, and a client that sends nothing, at the handshake timeout", async () => {
    const port = await start("", 600);
    // The start of a ClientHello record, and then nothing.
    const partial = Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03]);
    const [stalled, silent] = await Promise.all([heldFor(port, partial), heldFor(port, Buffer.alloc(0))]);
    expect(stalled).toBeGreaterThan(400);
    expect(stalled).toBeLessThan(5_000);
    expect(silent).toBeGreaterThan(400);
    expect(silent).toBeLessThan(5_000);
    expect(await get(port)).toBe(200);
  });

  it("logs a refused client certificate with the peer's address and the reason", async () => {
    const port = await start(`  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: ${made.ca.certFile}\n`);
    expect(await get(port, { cert: made.client.cert, key: made.client.key })).toBe(200);
    await expect(get(port, { cert: made.rogue.cert, key: made.rogue.key })).rejects.toThrow();
    await expect(get(port)).rejects.toThrow();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const lines = logs.filter((l) => l.msg === "TLS handshake error");
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(line.keyvals[1]).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(lines[0]!.keyvals[3]).toMatch(/^tls: failed to verify client certificate: /);
    expect(lines[1]!.keyvals[3]).toBe("tls: client didn't provide a certificate");
  });

  it("refuses client-initiated renegotiation", async () => {
    const port = await start("  max_version: TLS12\n");
    const outcome = await new Promise<string>((resolve) => {
      const socket = tlsConnect({ host: "127.0.0.1", port, ca: made.ca.cert, servername: "localhost" }, () => {
        const started = socket.renegotiate({ rejectUnauthorized: true }, (err) => resolve(err ? `refused: ${err.message}` : "renegotiated"));
        if (!started) resolve("refused before sending");
      });
      socket.on("error", (err) => resolve(`refused: ${err.message}`));
      socket.on("close", () => resolve("refused: closed"));
    });
    expect(outcome).toMatch(/^refused/);
  });

  it("logs a flood of failing handshakes in a few lines, and keeps the event loop free", async () => {
    const port = await start();
    let last = performance.now();
    let maxGap = 0;
    const timer = setInterval(() => {
      const now = performance.now();
      maxGap = Math.max(maxGap, now - last);
      last = now;
    }, 5);
    const garbage = Buffer.from("\x16\x03\x01\x00\x05hello garbage, no handshake at all");
    try {
      for (let round = 0; round < 5; round++) {
        await Promise.all(Array.from({ length: 60 }, () => heldFor(port, garbage)));
      }
    } finally {
      clearInterval(timer);
    }
    const lines = logs.filter((l) => l.msg === "TLS handshake error");
    console.info(`300 failed handshakes: ${lines.length} log lines, longest timer gap ${maxGap.toFixed(0)} ms`);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.length).toBeLessThan(20);
    expect(lines[0]!.keyvals[1]).toMatch(/^127\.0\.0\.1:\d+$/);
    const suppressed = lines.flatMap((l) => (l.keyvals[4] === "suppressed" ? [l.keyvals[5] as number] : []));
    expect(lines.length + suppressed.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(300);
    expect(await get(port)).toBe(200);
  });

  it("picks up a certificate rewritten in place (same config file) at the next connection", async () => {
    const port = await start();
    const cn = () =>
      new Promise<string>((resolve, reject) => {
        const socket = tlsConnect({ host: "127.0.0.1", port, ca: made.ca.cert, servername: "localhost" }, () => {
          resolve(String(socket.getPeerCertificate().subject.CN));
          socket.destroy();
        });
        socket.on("error", reject);
      });
    expect(await cn()).toBe("localhost");
    expect(await cn()).toBe("localhost");
    copyFileSync(made.server2.certFile, join(dir, "server.crt"));
    copyFileSync(made.server2.keyFile, join(dir, "server.key"));
    expect(await cn()).toBe("localhost (rotated)");
    // Half a rotation (a new certificate, the old key) is refused; the last good pair stays.
    copyFileSync(made.server.certFile, join(dir, "server.crt"));
    expect(await cn()).toBe("localhost (rotated)");
    // (Clients that close right after the handshake may add `socket hang up` lines, as Go logs EOFs.)
    expect(logs.filter((l) => l.msg === "Unable to parse configuration").map((l) => l.keyvals[3])).toEqual([
      "failed to load X509KeyPair: tls: private key does not match public key",
    ]);
  });
});
