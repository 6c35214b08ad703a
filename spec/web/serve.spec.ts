/**
 * listenAndServe for real: a CA and certificates made with openssl, bcrypt hashes made with
 * `htpasswd -B`, a server on 127.0.0.1, and undici scraping it over TLS with and without client
 * certificates, with right and wrong credentials; then the configuration file rewritten under
 * the running server (new users, a new certificate, a new client policy, a broken file).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect } from "node:tls";

import { Agent, request } from "undici";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";

import { WebConfigError } from "../../lib/web/errors.js";
import type { RequestHandler } from "../../lib/web/handler.js";
import type { WebLogger } from "../../lib/web/reload.js";
import { listenAndServe, type Serving } from "../../lib/web/serve.js";
import { certs, hasOpenssl, type KeyPair, type TestCerts } from "../support/certs.js";
import { locateTool } from "../support/promtool.js";

function hasHtpasswd(): boolean {
  if (locateTool("htpasswd", "HTPASSWD") !== undefined) return true;
  const message = "htpasswd not found (set $HTPASSWD or run: apt-get install -y apache2-utils)";
  if (process.env["CI"]) throw new Error(`${message}; CI must not skip these specs`);
  console.warn(`SKIPPING specs that need htpasswd: ${message}`);
  return false;
}

/** htpasswd makes a bcrypt hash as an operator would: `htpasswd -nbB -C 4 user password`. */
function htpasswd(user: string, password: string): string {
  const out = execFileSync(locateTool("htpasswd", "HTPASSWD")!, ["-nbB", "-C", "4", user, password], { encoding: "utf8" });
  return out.trim().slice(user.length + 1);
}

interface LogLine {
  level: "info" | "error";
  msg: string;
  keyvals: unknown[];
}

interface Response {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

const metrics: RequestHandler = (_req, res) => {
  res.setHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
  res.end("demo_total 1\n");
};

describe.skipIf(!hasOpenssl() || !hasHtpasswd())("listenAndServe", () => {
  let made: TestCerts;
  let alice: string;
  let bob: string;
  let dir: string;
  let configFile: string;
  let serving: Serving | undefined;
  let agents: Agent[];
  let logs: LogLine[];
  const logger: WebLogger = {
    info: (msg, ...keyvals) => logs.push({ level: "info", msg, keyvals }),
    error: (msg, ...keyvals) => logs.push({ level: "error", msg, keyvals }),
  };

  beforeAll(() => {
    made = certs();
    alice = htpasswd("alice", "alice-secret");
    bob = htpasswd("bob", "bob-secret");
  });

  afterAll(() => made?.remove());

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "web-serve-"));
    configFile = join(dir, "web-config.yml");
    agents = [];
    logs = [];
    serving = undefined;
  });

  afterEach(async () => {
    await Promise.all(agents.map((a) => a.close()));
    await serving?.close(1000);
    rmSync(dir, { recursive: true, force: true });
  });

  /** tlsSection is a `tls_server_config` for the test server certificate. */
  const tlsSection = (extra = "", pair?: KeyPair): string =>
    `tls_server_config:\n  cert_file: ${(pair ?? made.server).certFile}\n  key_file: ${(pair ?? made.server).keyFile}\n${extra}`;

  const usersSection = (users: Record<string, string>): string =>
    `basic_auth_users:\n${Object.entries(users).map(([u, h]) => `  ${u}: ${h}\n`).join("")}`;

  /** start serves `handler` with `yaml` as the web configuration (none if undefined). */
  async function start(yaml: string | undefined, handler: RequestHandler = metrics): Promise<string> {
    if (yaml !== undefined) writeFileSync(configFile, yaml);
    serving = await listenAndServe({
      handler,
      address: { host: "127.0.0.1", port: 0 },
      webConfigFile: yaml === undefined ? undefined : configFile,
      logger,
    });
    return `127.0.0.1:${serving.address.port}`;
  }

  /** agent is a fresh connection pool trusting the test CA, presenting `client` if given. */
  function agent(client?: KeyPair): Agent {
    const a = new Agent({ connect: { ca: made.ca.cert, ...(client ? { cert: client.cert, key: client.key } : {}) } });
    agents.push(a);
    return a;
  }

  async function get(url: string, options: { dispatcher?: Agent; auth?: [string, string]; authorization?: string } = {}): Promise<Response> {
    const headers: Record<string, string> = {};
    if (options.auth) headers["authorization"] = `Basic ${Buffer.from(options.auth.join(":")).toString("base64")}`;
    if (options.authorization) headers["authorization"] = options.authorization;
    const res = await request(url, { dispatcher: options.dispatcher ?? agent(), headers, headersTimeout: 5000, bodyTimeout: 5000 });
    return { status: res.statusCode, headers: res.headers, body: await res.body.text() };
  }

  /** peerCN connects with node:tls and returns the CN of the certificate the server presents. */
  function peerCN(address: string): Promise<string> {
    const [host, port] = address.split(":");
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port: Number(port), ca: made.ca.cert, servername: "localhost" }, () => {
        const cn = socket.getPeerCertificate().subject.CN;
        socket.end();
        resolve(String(cn));
      });
      socket.once("error", reject);
    });
  }

  it("serves plain HTTP without a configuration file", async () => {
    const address = await start(undefined);
    const res = await get(`http://${address}/metrics`);
    expect(res).toMatchObject({ status: 200, body: "demo_total 1\n" });
    expect(logs.map((l) => l.msg)).toEqual(["Listening on", "TLS is disabled."]);
    expect(logs[0]!.keyvals).toEqual(["address", address]);
  });

  it("serves HTTPS with a certificate from the file, trusted through the CA", async () => {
    const address = await start(tlsSection());
    const res = await get(`https://${address}/metrics`, { dispatcher: agent() });
    expect(res).toMatchObject({ status: 200, body: "demo_total 1\n" });
    expect(logs.map((l) => l.msg)).toEqual(["Listening on", "TLS is enabled."]);
    expect(logs[1]!.keyvals).toEqual(["http2", false, "address", address]);
    // A client that does not trust the CA refuses the server; plain HTTP gets Go's 400 and hint.
    await expect(request(`https://${address}/metrics`)).rejects.toThrow();
    expect(await get(`http://${address}/metrics`)).toMatchObject({
      status: 400,
      body: "Client sent an HTTP request to an HTTPS server.\n",
    });
  });

  it("asks for basic auth: 401 with WWW-Authenticate for no, unknown or wrong credentials", async () => {
    const address = await start(tlsSection() + usersSection({ alice, bob }));
    const url = `https://${address}/metrics`;
    expect(await get(url, { auth: ["alice", "alice-secret"] })).toMatchObject({ status: 200, body: "demo_total 1\n" });
    expect(await get(url, { auth: ["bob", "bob-secret"] })).toMatchObject({ status: 200 });
    const refusals = [
      await get(url),
      await get(url, { auth: ["alice", "bob-secret"] }),
      await get(url, { auth: ["mallory", "alice-secret"] }),
      await get(url, { auth: ["alice", ""] }),
      await get(url, { authorization: "Basic !!!" }),
      await get(url, { authorization: "Bearer alice-secret" }),
    ];
    for (const res of refusals) {
      expect(res.status).toBe(401);
      expect(res.body).toBe("Unauthorized\n");
      expect(res.headers).toMatchObject({
        "www-authenticate": "Basic",
        "content-type": "text/plain; charset=utf-8",
        "x-content-type-options": "nosniff",
      });
    }
  });

  it("serves basic auth over plain HTTP when the file has users but no TLS", async () => {
    const address = await start(usersSection({ alice }));
    expect((await get(`http://${address}/`)).status).toBe(401);
    expect((await get(`http://${address}/`, { auth: ["alice", "alice-secret"] })).status).toBe(200);
    expect(logs.map((l) => l.msg)).toContain("TLS is disabled.");
  });

  it("adds the configured headers to every answer, 401s included", async () => {
    const address = await start(
      `${tlsSection()}${usersSection({ alice })}http_server_config:\n  headers:\n    X-Frame-Options: deny\n` +
        "    Strict-Transport-Security: max-age=31536000; includeSubDomains\n",
    );
    for (const res of [await get(`https://${address}/`), await get(`https://${address}/`, { auth: ["alice", "alice-secret"] })]) {
      expect(res.headers).toMatchObject({ "x-frame-options": "deny", "strict-transport-security": "max-age=31536000; includeSubDomains" });
    }
  });

  describe("client certificates", () => {
    const clientAuth = (type: string, ca = true): string =>
      tlsSection(`  client_auth_type: ${type}\n${ca ? `  client_ca_file: ${made.ca.certFile}\n` : ""}`);

    it("RequireAndVerifyClientCert takes only certificates the CA signed", async () => {
      const address = await start(clientAuth("RequireAndVerifyClientCert"));
      const url = `https://${address}/metrics`;
      expect(await get(url, { dispatcher: agent(made.client) })).toMatchObject({ status: 200, body: "demo_total 1\n" });
      await expect(get(url, { dispatcher: agent() })).rejects.toThrow();
      await expect(get(url, { dispatcher: agent(made.rogue) })).rejects.toThrow();
    });

    it("VerifyClientCertIfGiven takes no certificate, or a valid one", async () => {
      const address = await start(clientAuth("VerifyClientCertIfGiven"));
      const url = `https://${address}/metrics`;
      expect((await get(url, { dispatcher: agent() })).status).toBe(200);
      expect((await get(url, { dispatcher: agent(made.client) })).status).toBe(200);
      await expect(get(url, { dispatcher: agent(made.rogue) })).rejects.toThrow();
      expect(logs.filter((l) => l.msg === "TLS handshake error").map((l) => l.keyvals[3])).toEqual([
        expect.stringMatching(/^tls: failed to verify client certificate: /),
      ]);
    });

    it("RequireAnyClientCert takes any certificate, verified or not, but needs one", async () => {
      const address = await start(clientAuth("RequireAnyClientCert", false));
      const url = `https://${address}/metrics`;
      expect((await get(url, { dispatcher: agent(made.rogue) })).status).toBe(200);
      expect((await get(url, { dispatcher: agent(made.client) })).status).toBe(200);
      await expect(get(url, { dispatcher: agent() })).rejects.toThrow();
      expect(logs.some((l) => l.keyvals[3] === "tls: client didn't provide a certificate")).toBe(true);
    });

    it("RequestClientCert asks but takes anything", async () => {
      const address = await start(clientAuth("RequestClientCert", false));
      const url = `https://${address}/metrics`;
      expect((await get(url, { dispatcher: agent() })).status).toBe(200);
      expect((await get(url, { dispatcher: agent(made.rogue) })).status).toBe(200);
    });

    it("combines with basic auth", async () => {
      const address = await start(clientAuth("RequireAndVerifyClientCert") + usersSection({ alice }));
      const url = `https://${address}/metrics`;
      expect((await get(url, { dispatcher: agent(made.client) })).status).toBe(401);
      expect((await get(url, { dispatcher: agent(made.client), auth: ["alice", "alice-secret"] })).status).toBe(200);
    });
  });

  describe("versions and cipher suites", () => {
    /** handshake connects with node:tls options and reports the protocol and cipher, or the error code. */
    function handshake(address: string, options: { maxVersion?: "TLSv1.2" | "TLSv1.3"; ciphers?: string }): Promise<string> {
      const [host, port] = address.split(":");
      return new Promise((resolve) => {
        const socket = connect({ host, port: Number(port), ca: made.ca.cert, servername: "localhost", ...options }, () => {
          resolve(`${socket.getProtocol()} ${socket.getCipher().name}`);
          socket.end();
        });
        socket.once("error", (err: NodeJS.ErrnoException) => resolve(`error ${err.code}`));
      });
    }

    it("holds clients to min_version", async () => {
      const address = await start(tlsSection("  min_version: TLS13\n"));
      expect(await handshake(address, {})).toMatch(/^TLSv1\.3 /);
      expect(await handshake(address, { maxVersion: "TLSv1.2" })).toMatch(/^error ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION/);
    });

    it("offers only the configured TLS 1.2 cipher suites", async () => {
      const address = await start(tlsSection("  max_version: TLS12\n  cipher_suites:\n    - TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256\n"));
      expect(await handshake(address, {})).toBe("TLSv1.2 ECDHE-ECDSA-AES128-GCM-SHA256");
      expect(await handshake(address, { ciphers: "ECDHE-ECDSA-AES256-GCM-SHA384" })).toMatch(/^error /);
    });
  });

  describe("re-reading the file", () => {
    it("applies new users to the next request, without a restart", async () => {
      const address = await start(tlsSection() + usersSection({ alice }));
      const url = `https://${address}/`;
      const keepAlive = agent();
      expect((await get(url, { dispatcher: keepAlive, auth: ["alice", "alice-secret"] })).status).toBe(200);
      writeFileSync(configFile, tlsSection() + usersSection({ bob }));
      expect((await get(url, { dispatcher: keepAlive, auth: ["alice", "alice-secret"] })).status).toBe(401);
      expect((await get(url, { dispatcher: keepAlive, auth: ["bob", "bob-secret"] })).status).toBe(200);
      expect(logs.filter((l) => l.level === "error")).toEqual([]);
    });

    it("keeps the last good configuration when the file breaks, and logs it once", async () => {
      const address = await start(usersSection({ alice }));
      const url = `http://${address}/`;
      writeFileSync(configFile, `${usersSection({ bob })}  carol: [`);
      for (let i = 0; i < 3; i++) {
        expect((await get(url, { auth: ["alice", "alice-secret"] })).status).toBe(200);
        expect((await get(url, { auth: ["bob", "bob-secret"] })).status).toBe(401);
      }
      const errors = logs.filter((l) => l.level === "error");
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatchObject({ msg: "Unable to parse configuration" });
      expect(errors[0]!.keyvals.slice(0, 4)).toEqual([
        "file",
        configFile,
        "err",
        "yaml: line 3, column 11: flow collections must close (']') on the line they open",
      ]);
      // A malformed hash and a deleted file are broken files too.
      writeFileSync(configFile, usersSection({ bob: "not-a-hash" }));
      expect((await get(url, { auth: ["alice", "alice-secret"] })).status).toBe(200);
      rmSync(configFile);
      expect((await get(url, { auth: ["alice", "alice-secret"] })).status).toBe(200);
      expect(logs.filter((l) => l.level === "error").map((l) => l.keyvals[3])).toEqual([
        "yaml: line 3, column 11: flow collections must close (']') on the line they open",
        "crypto/bcrypt: hashedSecret too short to be a bcrypted password",
        `open ${configFile}: no such file or directory`,
      ]);
      // Fixed, the file applies again.
      writeFileSync(configFile, usersSection({ bob }));
      expect((await get(url, { auth: ["bob", "bob-secret"] })).status).toBe(200);
      expect((await get(url, { auth: ["alice", "alice-secret"] })).status).toBe(401);
    });

    it("applies a new certificate and client policy to the next connection", async () => {
      const address = await start(tlsSection());
      const url = `https://${address}/`;
      expect(await peerCN(address)).toBe("localhost");
      expect((await get(url, { dispatcher: agent() })).status).toBe(200);

      writeFileSync(configFile, tlsSection(`  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: ${made.ca.certFile}\n`, made.server2));
      // In TLS 1.3 the client sees the server's certificate before the server checks the client's.
      expect(await peerCN(address)).toBe("localhost (rotated)");
      await expect(get(url, { dispatcher: agent() })).rejects.toThrow();
      expect((await get(url, { dispatcher: agent(made.client) })).status).toBe(200);

      writeFileSync(configFile, tlsSection());
      expect(await peerCN(address)).toBe("localhost");
      expect((await get(url, { dispatcher: agent() })).status).toBe(200);
    });

    it("keeps the last good TLS configuration when a TLS file goes missing", async () => {
      const address = await start(tlsSection());
      writeFileSync(configFile, tlsSection().replace(made.server.certFile, join(dir, "missing.crt")));
      for (let i = 0; i < 2; i++) {
        expect((await get(`https://${address}/`, { dispatcher: agent() })).status).toBe(200);
        expect(await peerCN(address)).toBe("localhost");
      }
      expect(logs.filter((l) => l.level === "error").map((l) => l.keyvals[3])).toEqual([
        `failed to load X509KeyPair: open ${join(dir, "missing.crt")}: no such file or directory`,
      ]);
    });
  });

  it("refuses to start on an invalid file, without listening", async () => {
    writeFileSync(configFile, "tls_server_config:\n  cert_filse: server.crt\n");
    const started = listenAndServe({ handler: metrics, address: { host: "127.0.0.1", port: 0 }, webConfigFile: configFile, logger });
    await expect(started).rejects.toThrow(WebConfigError);
    await expect(started).rejects.toMatchObject({
      message: "yaml: unmarshal errors:\n  line 2: field cert_filse not found in type web.TLSConfig",
      file: configFile,
      line: 2,
    });
    expect(logs).toEqual([]);
  });

  it("answers 500 for a handler that throws or rejects, and keeps serving", async () => {
    let calls = 0;
    const address = await start(undefined, async (_req, res) => {
      calls++;
      if (calls === 1) throw new Error("boom");
      if (calls === 2) return Promise.reject(new Error("async boom"));
      res.end("ok\n");
    });
    expect(await get(`http://${address}/`)).toMatchObject({ status: 500, body: "Internal Server Error\n" });
    expect(await get(`http://${address}/`)).toMatchObject({ status: 500 });
    expect(await get(`http://${address}/`)).toMatchObject({ status: 200, body: "ok\n" });
    expect(logs.filter((l) => l.level === "error").map((l) => l.keyvals)).toEqual([["err", "boom"], ["err", "async boom"]]);
  });
});
