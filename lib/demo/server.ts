/**
 * The demo exporter's web server: the routes node_exporter serves and the listener's life cycle.
 *
 * Counterparts: exporter-toolkit `web/tls_config.go` (`ListenAndServe`, `Serve`: the
 * `msg="Listening on" address=...` and `msg="TLS is disabled."` lines), exporter-toolkit's
 * `web/landing_page.go` (the landing page: name, description, version, links), node_exporter's
 * `main` (the telemetry path and its handler) and Prometheus' `web/web.go` (`/-/healthy`,
 * `/-/ready`). Go's `http.Server.Shutdown` becomes {@link WebServer.shutdown}: stop accepting,
 * let in-flight requests finish within a deadline, then close what is left. Go's `http.Server`
 * timeouts (`ReadHeaderTimeout`, `ReadTimeout`, `IdleTimeout`) become {@link ServerTimeouts}.
 *
 * @module
 */

import type { Server as HTTPSServer } from "node:https";
import {
  type IncomingMessage,
  type Server,
  type ServerOptions as HTTPServerOptions,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";

import type { Logger } from "../log/index.js";
import { newServer } from "../web/index.js";

/** RequestHandler is a `node:http` request handler; promhttp's handlers return a promise. */
export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

/** LandingConfig is what the landing page shows (exporter-toolkit's `LandingConfig`, in part). */
export interface LandingConfig {
  /** The page's title and heading, e.g. `Demo Exporter`. */
  name: string;
  /** One sentence under the heading. */
  description: string;
  /** The version line, e.g. `(version=0.8.0, branch=main, revision=abc123)`. */
  version: string;
  /** Renders an HTML section shown under the links at each view (see landing-cardinality.ts). */
  section?: () => Promise<string>;
}

/**
 * ServerTimeouts bound how long a client may hold a connection without making progress, so that
 * slow or idle clients cannot pile up. Each is the counterpart of a Go `http.Server` field.
 */
export interface ServerTimeouts {
  /**
   * How long a client may take to send a request's headers, from the connection (or the end of
   * the previous response) on: Go's `ReadHeaderTimeout`, Node's `server.headersTimeout`. A client
   * that is slower gets 408 and the connection is closed.
   */
  readHeaderMs: number;
  /** How long a client may take to send a whole request: Go's `ReadTimeout`, Node's `requestTimeout`. */
  readMs: number;
  /**
   * How long a kept-alive connection may stay idle between requests: Go's `IdleTimeout`, Node's
   * `keepAliveTimeout`.
   */
  idleMs: number;
}

/**
 * DefaultServerTimeouts are the timeouts a WebServer uses unless told otherwise. exporter-toolkit
 * leaves them to the exporter, and an `http.Server{}` has none, which lets slow clients hold
 * connections forever; these close that door without getting in a scraper's way:
 * - headers within 10 s: a scraper sends its few hundred bytes of headers in one packet;
 * - a whole request within 5 min: Prometheus' own `--web.read-timeout` default;
 * - idle connections kept 2 min: longer than Prometheus' default 1 min scrape interval, so the
 *   scraper's connection is reused from scrape to scrape, while an abandoned one goes soon.
 */
export const DefaultServerTimeouts: Readonly<ServerTimeouts> = Object.freeze({
  readHeaderMs: 10_000,
  readMs: 5 * 60_000,
  idleMs: 2 * 60_000,
});

/** NodeServerTimeouts are the timeout options of Node's `http.createServer`. */
export type NodeServerTimeouts = Pick<
  HTTPServerOptions,
  "headersTimeout" | "requestTimeout" | "keepAliveTimeout" | "connectionsCheckingInterval"
>;

/**
 * nodeServerTimeouts turns timeouts (the defaults where left out) into the options of Node's
 * `http.createServer` and `https.createServer`, which both take them.
 */
export function nodeServerTimeouts(timeouts: Partial<ServerTimeouts> = {}): NodeServerTimeouts {
  const t = { ...DefaultServerTimeouts, ...timeouts };
  return {
    // Node wants headersTimeout <= requestTimeout; a request cannot finish before its headers.
    headersTimeout: Math.min(t.readHeaderMs, t.readMs),
    requestTimeout: t.readMs,
    keepAliveTimeout: t.idleMs,
    // How often Node looks for connections past the header and request timeouts (default 30 s,
    // which would let a 10 s header timeout run for up to 40 s). It cannot be changed later.
    connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.floor(t.readHeaderMs / 4))),
  };
}

/** ServerOptions configures a WebServer. */
export interface ServerOptions {
  /** The path the metrics handler answers, e.g. `/metrics`. */
  telemetryPath: string;
  /** The handler for the telemetry path (promhttp's, instrumented or not). */
  metricsHandler: RequestHandler;
  /** What the landing page at `/` shows. */
  landing: LandingConfig;
  /** Where the server logs its life cycle and handler failures. */
  logger: Logger;
  /** Timeouts for slow and idle clients; each one left out is {@link DefaultServerTimeouts}'. */
  timeouts?: Partial<ServerTimeouts>;
  /**
   * exporter-toolkit's web configuration file (`--web.config.file`): TLS, basic auth, headers.
   * It is validated when the server is made. None means plain HTTP without authentication.
   */
  webConfigFile?: string;
}

/**
 * ListenError reports a listen address that cannot be used: malformed, in use, not permitted.
 * Its message reads like Go's `net.Listen` error (`listen tcp :9877: bind: address already in
 * use`), so that one log line says everything.
 */
export class ListenError extends Error {
  /** The address as given on the command line. */
  readonly address: string;
  /** The system error code (`EADDRINUSE`, `EACCES`, ...), or `EINVAL` for a malformed address. */
  readonly code: string;

  constructor(address: string, code: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.address = address;
    this.code = code;
  }
}

/** ListenAddress is a parsed `host:port`; an absent host means every interface. */
export interface ListenAddress {
  host: string | undefined;
  port: number;
}

/**
 * parseListenAddress splits `host:port`, `[ipv6]:port` or `:port` as Go's `net.SplitHostPort`
 * does. Port 0 asks the system for a free port.
 *
 * @throws {ListenError} when the port is missing or not a number from 0 to 65535.
 */
export function parseListenAddress(address: string): ListenAddress {
  const match = /^(?:\[([^\]]*)\]|([^:[\]]*)):([^:]*)$/.exec(address);
  if (match === null) {
    throw new ListenError(address, "EINVAL", `listen tcp: address ${address}: missing port in address`);
  }
  const host = match[1] ?? match[2] ?? "";
  const portText = match[3] ?? "";
  const port = Number(portText);
  if (!/^\d{1,5}$/.test(portText) || port > 65535) {
    throw new ListenError(address, "EINVAL", `listen tcp: address ${address}: invalid port`);
  }
  return { host: host === "" ? undefined : host, port };
}

/** formatAddress renders a bound address as Go's `net.Addr.String` does: `[::]:9877`. */
export function formatAddress(info: AddressInfo): string {
  return info.family === "IPv6" || info.address.includes(":")
    ? `[${info.address}]:${info.port}`
    : `${info.address}:${info.port}`;
}

/**
 * WebServer serves the metrics handler, the landing page and the health endpoints on one
 * listener, and shuts down gracefully.
 */
export class WebServer {
  readonly #server: Server | HTTPSServer;
  readonly #tls: boolean;
  readonly #options: ServerOptions;
  #inFlight = 0;
  #closing = false;
  #idle: (() => void) | undefined;

  /** @throws {WebConfigError} when the web configuration file is invalid. */
  constructor(options: ServerOptions) {
    this.#options = options;
    const { server, tls } = newServer({
      handler: (req, res) => this.#handle(req, res),
      webConfigFile: options.webConfigFile,
      logger: options.logger,
      nodeOptions: nodeServerTimeouts(options.timeouts),
    });
    this.#server = server;
    this.#tls = tls;
  }

  /** inFlight is the number of requests being answered now. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /**
   * listen binds `address` (`host:port`, `:port` for every interface, port 0 for any free port),
   * logs `Listening on` with the bound address, and resolves to that address (`127.0.0.1:40123`).
   *
   * @throws {ListenError} when the address is malformed or cannot be bound.
   */
  async listen(address: string): Promise<string> {
    const { host, port } = parseListenAddress(address);
    await new Promise<void>((resolve, reject) => {
      const onError = (err: NodeJS.ErrnoException): void => reject(listenError(address, err));
      this.#server.once("error", onError);
      this.#server.listen({ host, port }, () => {
        this.#server.off("error", onError);
        resolve();
      });
    });
    const bound = formatAddress(this.#server.address() as AddressInfo);
    this.#options.logger.info("Listening on", "address", bound);
    this.#options.logger.info(this.#tls ? "TLS is enabled." : "TLS is disabled.", "http2", false, "address", bound);
    return bound;
  }

  /**
   * shutdown stops accepting connections, waits up to `timeoutMs` for in-flight requests to
   * finish, then closes every remaining connection. It resolves to `true` when everything
   * finished in time, `false` when requests had to be cut off.
   */
  async shutdown(timeoutMs: number): Promise<boolean> {
    this.#closing = true;
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    this.#server.closeIdleConnections();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    const inTime = await Promise.race([this.#drain(closed).then(() => true as const), deadline]);
    clearTimeout(timer);
    if (!inTime) {
      this.#server.closeAllConnections();
      await closed;
    }
    return inTime;
  }

  /** drain waits for the requests in flight, then closes the connections they leave idle. */
  async #drain(closed: Promise<void>): Promise<void> {
    await this.#whenIdle();
    this.#server.closeIdleConnections();
    await closed;
  }

  /** whenIdle resolves once no request is in flight. */
  #whenIdle(): Promise<void> {
    if (this.#inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => {
      this.#idle = resolve;
    });
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    // The web layer may take a while (the configuration looked at, a password checked): a client
    // gone meanwhile has a response that is closed already and will not emit `close` again.
    if (res.closed) return;
    this.#inFlight++;
    res.once("close", () => {
      this.#inFlight--;
      if (this.#inFlight === 0 && this.#idle !== undefined) {
        const idle = this.#idle;
        this.#idle = undefined;
        setImmediate(idle);
      }
    });
    // A request that arrives on a kept-alive connection during shutdown is answered, and the
    // connection closed after it, so that shutdown is not held up by the client.
    if (this.#closing) res.setHeader("Connection", "close");
    Promise.resolve()
      .then(() => this.#route(req, res))
      .catch((err: unknown) => this.#fail(res, err));
  }

  #route(req: IncomingMessage, res: ServerResponse): void | Promise<void> {
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    const { telemetryPath, metricsHandler, landing } = this.#options;
    if (path === telemetryPath) return metricsHandler(req, res);
    if (path === "/") {
      const section = landing.section?.() ?? Promise.resolve("");
      return section.then((html) => sendText(req, res, 200, "text/html; charset=UTF-8", landingPage(landing, telemetryPath, html)));
    }
    if (path === "/-/healthy") return sendProbe(req, res, 200, "Healthy\n");
    if (path === "/-/ready") {
      return this.#closing
        ? sendProbe(req, res, 503, "Service Unavailable\n")
        : sendProbe(req, res, 200, "Ready\n");
    }
    return sendText(req, res, 404, "text/plain; charset=utf-8", "404 page not found\n");
  }

  /** fail answers 500 for a handler that threw, or drops the connection if it already answered. */
  #fail(res: ServerResponse, err: unknown): void {
    this.#options.logger.error("Error serving request", "err", err);
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.statusCode = 500;
    res.setHeader("Content-Type", "text/plain; charset=utf-8");
    res.end("500 internal server error\n");
  }
}

/** listenError turns a `listen` failure into a ListenError with Go's wording. */
function listenError(address: string, err: NodeJS.ErrnoException): ListenError {
  const code = err.code ?? "UNKNOWN";
  const details: Record<string, string> = {
    EADDRINUSE: "bind: address already in use",
    EACCES: "bind: permission denied",
    EADDRNOTAVAIL: "bind: cannot assign requested address",
    ENOTFOUND: "lookup: no such host",
    EAI_AGAIN: "lookup: temporary failure in name resolution",
  };
  return new ListenError(address, code, `listen tcp ${address}: ${details[code] ?? err.message}`, { cause: err });
}

/** sendProbe answers a health or readiness probe; like Prometheus, it takes GET and HEAD. */
function sendProbe(req: IncomingMessage, res: ServerResponse, status: number, body: string): void {
  if (req.method !== "GET" && req.method !== "HEAD") {
    res.setHeader("Allow", "GET, HEAD");
    sendText(req, res, 405, "text/plain; charset=utf-8", "Method Not Allowed\n");
    return;
  }
  sendText(req, res, status, "text/plain; charset=utf-8", body);
}

/** sendText writes a complete small response; HEAD gets the headers only. */
function sendText(req: IncomingMessage, res: ServerResponse, status: number, type: string, body: string): void {
  res.statusCode = status;
  res.setHeader("Content-Type", type);
  res.setHeader("Content-Length", Buffer.byteLength(body));
  res.end(req.method === "HEAD" ? undefined : body);
}

/**
 * landingPage renders the page at `/` in the layout of exporter-toolkit's `landing_page.html`:
 * a header with the name, the description, the version, and a list of links; then `section`, HTML
 * lines inserted as they are (each indented and ending with a newline).
 */
export function landingPage(config: LandingConfig, telemetryPath: string, section = ""): string {
  const name = escapeHTML(config.name);
  return `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="UTF-8">
    <title>${name}</title>
    <style>
      body { font-family: -apple-system, system-ui, sans-serif; margin: 0; }
      header { background-color: #e6522c; color: #fff; font-size: 1rem; padding: 1rem; }
      main { padding: 1rem; }
    </style>
  </head>
  <body>
    <header>
      <h1>${name}</h1>
    </header>
    <main>
      <p>${escapeHTML(config.description)}</p>
      <p>Version: ${escapeHTML(config.version)}</p>
      <ul>
        <li><a href="${escapeHTML(telemetryPath)}">Metrics</a></li>
        <li><a href="/-/healthy">Health</a></li>
        <li><a href="/-/ready">Readiness</a></li>
      </ul>
${section}    </main>
  </body>
</html>
`;
}

/** escapeHTML escapes text for HTML content and double-quoted attributes. */
function escapeHTML(s: string): string {
  const entities: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
  return s.replace(/[&<>"']/g, (c) => entities[c] ?? c);
}
