/**
 * Serving over HTTP or HTTPS as a web configuration file says: TLS with the configured
 * certificate, versions, ciphers and client authentication; basic authentication and extra
 * headers in front of the handler; the file looked at for every connection and request, and
 * re-read when it changed.
 *
 * Counterpart: exporter-toolkit `web/tls_config.go` (`ListenAndServe`, `Serve`, `Validate`,
 * the `Listening on` / `TLS is enabled.` / `TLS is disabled.` log lines). Without a file, or
 * with a file that has no `tls_server_config`, the server speaks plain HTTP, as there.
 *
 * How the per-handshake reload of Go's `GetConfigForClient` is done with node:tls: node's own
 * `connection` listener is taken off the server, and ours calls it once the configuration has
 * been looked at asynchronously (reload.ts) and the client's first byte is in. Just before, ours
 * calls `server.setSecureContext()` if the configuration changed and sets the server's
 * `requestCert`, which node:tls reads when it wraps that very socket. Then a `secureConnection`
 * listener, placed first, applies the client-certificate policy (see tls.ts) before the HTTP
 * layer sees the connection. (An `SNICallback` would be the documented hook, but clients that
 * connect to an IP address, as Prometheus usually does, send no server name and never reach it.)
 *
 * As Go's server: plain HTTP sent to the TLS port gets `400 Bad Request` and `Client sent an
 * HTTP request to an HTTPS server.`; a handshake (from the connection on) is cut after the
 * header timeout (`nodeOptions.headersTimeout`, else 10 s); failed handshakes are logged with
 * the peer's address, here at most once a second per kind of failure (log-limit.ts).
 *
 * node:http serves HTTP/1.1 only: `http_server_config.http2` is accepted and has no effect.
 *
 * @module
 */

import { createServer as createHTTPServer, type Server as HTTPServer, type ServerOptions as HTTPServerOptions } from "node:http";
import { createServer as createHTTPSServer, type Server as HTTPSServer } from "node:https";
import type { AddressInfo, Socket } from "node:net";
import type { TLSSocket } from "node:tls";

import { type RequestHandler, httpError, newWebHandler } from "./handler.js";
import { ConfigReloader, load, type WebLogger } from "./reload.js";
import { LogLimiter } from "./log-limit.js";
import { badRequestText, refuseBadRequest } from "./request.js";
import { checkClientCertificate, type ClientAuthType, type ServerTLSConfig } from "./tls.js";

/**
 * DefaultHandshakeTimeoutMs bounds a TLS handshake, from the connection on, when
 * `nodeOptions.headersTimeout` does not: Go's server sets its read deadline from
 * `ReadHeaderTimeout` before the handshake, so one timeout covers both. (Node's own default
 * `handshakeTimeout` is 120 s.)
 */
export const DefaultHandshakeTimeoutMs = 10_000;

/** ServerOptions configures newServer. */
export interface ServerOptions {
  /** The handler behind TLS, authentication and headers. */
  handler: RequestHandler;
  /** The web configuration file (`--web.config.file`); none means plain HTTP, no auth. */
  webConfigFile?: string | undefined;
  /** Where to log; by default errors go to stderr and the rest nowhere. */
  logger?: WebLogger | undefined;
  /**
   * Options for Node's server itself, such as `headersTimeout`, `requestTimeout` and
   * `keepAliveTimeout` (Go's `ReadHeaderTimeout`, `ReadTimeout`, `IdleTimeout`).
   */
  nodeOptions?: HTTPServerOptions | undefined;
}

/** ListenAndServeOptions configures listenAndServe. */
export interface ListenAndServeOptions extends ServerOptions {
  /** Where to listen; no host means every interface, port 0 any free port. */
  address: { host?: string | undefined; port: number };
}

/** ConfiguredServer is a server made by newServer, not yet listening. */
export interface ConfiguredServer {
  /** The node server: `https.Server` when the file configures TLS. */
  server: HTTPServer | HTTPSServer;
  /** Whether connections are TLS. */
  tls: boolean;
  /** The reloader, when a configuration file is used. */
  reloader: ConfigReloader | undefined;
}

/** Serving is a listening server from listenAndServe. */
export interface Serving {
  /** The node server, to set timeouts or listen for events on. */
  server: HTTPServer | HTTPSServer;
  /** The bound address (the actual port when 0 was asked for). */
  address: AddressInfo;
  /**
   * close stops accepting connections, lets requests in flight finish for up to `graceMs`
   * (default 5000), then closes every connection left, and resolves when all are gone.
   */
  close(graceMs?: number): Promise<void>;
}

/**
 * validate checks a web configuration file as startup would, failing fast on anything wrong
 * (Go's `web.Validate`): unreadable file, YAML outside the subset, unknown keys, wrong types,
 * forbidden headers, malformed bcrypt hashes, TLS files that do not load or do not match, an
 * unknown client auth type. An empty or absent path is valid: no configuration.
 *
 * @throws {WebConfigError} naming the file, and the line where there is one.
 *
 * @example
 * ```ts
 * try {
 *   validate(flags["web.config.file"]);
 * } catch (err) {
 *   logger.error("Invalid web configuration file", "err", err);
 *   process.exit(1);
 * }
 * ```
 */
export function validate(webConfigFile: string | undefined): void {
  if (webConfigFile === undefined || webConfigFile === "") return;
  load(webConfigFile);
}

/**
 * newServer makes the server exporter-toolkit's `Serve` would run, without listening: plain
 * HTTP without a file; with one, the handler wrapped by newWebHandler, and HTTPS when the file
 * configures TLS.
 *
 * @throws {WebConfigError} when the file is invalid (see validate).
 */
export function newServer(options: ServerOptions): ConfiguredServer {
  const logger = options.logger ?? stderrLogger;
  const nodeOptions = options.nodeOptions ?? {};
  const file = options.webConfigFile;
  if (file === undefined || file === "") {
    return { server: createHTTPServer(nodeOptions, guard(options.handler, logger)), tls: false, reloader: undefined };
  }
  const loaded = load(file);
  const reloader = new ConfigReloader(file, logger, loaded);
  const handler = guard(newWebHandler(options.handler, { getConfig: () => reloader.requestConfig() }), logger);
  if (loaded.tls === null) return { server: createHTTPServer(nodeOptions, handler), tls: false, reloader };
  const handshakeTimeoutMs = nodeOptions.headersTimeout ?? DefaultHandshakeTimeoutMs;
  const server = createHTTPSServer(
    {
      ...nodeOptions,
      ...loaded.tls.secureContextOptions,
      requestCert: loaded.tls.requestCert,
      rejectUnauthorized: loaded.tls.rejectUnauthorized,
      handshakeTimeout: handshakeTimeoutMs,
    },
    handler,
  );
  reloadTLSPerConnection(server, reloader, loaded.tls, logger, handshakeTimeoutMs);
  return { server, tls: true, reloader };
}

/**
 * listenAndServe makes a server with newServer, listens on `address`, and logs
 * `Listening on` and whether TLS is enabled, as exporter-toolkit's `ListenAndServe` does.
 *
 * @throws {WebConfigError} when the file is invalid; the listen error when the address
 *   cannot be bound.
 *
 * @example
 * ```ts
 * const serving = await listenAndServe({
 *   handler: (req, res) => {
 *     res.end("hello\n");
 *   },
 *   address: { host: "127.0.0.1", port: 9100 },
 *   webConfigFile: "web-config.yml",
 *   logger,
 * });
 * // ... later
 * await serving.close();
 * ```
 */
export async function listenAndServe(options: ListenAndServeOptions): Promise<Serving> {
  const logger = options.logger ?? stderrLogger;
  const { server, tls } = newServer({ ...options, logger });
  const sockets = new Set<Socket>();
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen({ host: options.address.host, port: options.address.port }, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shown = formatAddress(address);
  logger.info("Listening on", "address", shown);
  logger.info(tls ? "TLS is enabled." : "TLS is disabled.", "http2", false, "address", shown);
  return { server, address, close: (graceMs = 5000) => closeServer(server, sockets, graceMs) };
}

/** closeServer stops accepting, waits up to `graceMs` for requests in flight, then cuts the rest. */
async function closeServer(server: HTTPServer, sockets: Set<Socket>, graceMs: number): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      server.closeAllConnections();
      for (const socket of sockets) socket.destroy();
      resolve();
    }, graceMs);
  });
  await Promise.race([closed, late]);
  clearTimeout(timer);
  await closed;
}

/** The two properties of a node:tls server that it reads for each new socket. */
interface PerSocketTLSOptions {
  requestCert: boolean;
  rejectUnauthorized: boolean;
}

/** ConnectionListener is node:tls's own listener of new TCP connections. */
type ConnectionListener = (this: HTTPSServer, socket: Socket) => void;

/**
 * The answer Go's server gives to plain HTTP sent to its TLS port (`net/http`'s `conn.serve`),
 * written here before any TLS: a request a curl or a misconfigured scraper can read.
 */
const plainHTTPAnswer =
  "HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.\n";

/**
 * reloadTLSPerConnection gives every new connection the TLS configuration in force when it
 * arrived, and enforces the client-certificate policy after the handshake.
 *
 * node:tls's own connection listener is taken off the server and called by ours once the
 * configuration has been looked at (asynchronously, see reload.ts) and the client's first bytes
 * have arrived: bytes that are not a TLS record get Go's answer to plain HTTP and the connection
 * closed. A client that sends nothing is cut after `handshakeTimeoutMs`, as node:tls then cuts
 * an unfinished handshake.
 */
function reloadTLSPerConnection(
  server: HTTPSServer,
  reloader: ConfigReloader,
  initial: ServerTLSConfig,
  logger: WebLogger,
  handshakeTimeoutMs: number,
): void {
  let current = initial;
  const limited = new LogLimiter(logger);
  const policies = new WeakMap<Socket, ClientAuthType>();
  const peers = new WeakMap<Socket, string>();
  const tlsListeners = server.listeners("connection") as ConnectionListener[];
  server.removeAllListeners("connection");
  const handOver = (socket: Socket, tls: ServerTLSConfig): void => {
    if (tls !== current) {
      try {
        server.setSecureContext(tls.secureContextOptions);
        current = tls;
      } catch (err) {
        // configToTLSConfig built a context from these options already; this is a safety net.
        limited.error("apply", "Unable to apply TLS configuration", "err", err instanceof Error ? err.message : String(err));
        tls = current;
      }
    }
    // Read by node:tls's own connection listener, which we call right after.
    const perSocket = server as unknown as PerSocketTLSOptions;
    perSocket.requestCert = tls.requestCert;
    perSocket.rejectUnauthorized = tls.rejectUnauthorized;
    policies.set(socket, tls.clientAuth);
    for (const listener of tlsListeners) listener.call(server, socket);
  };
  server.prependListener("connection", (socket: Socket) => {
    peers.set(socket, socketId(socket));
    const timer = setTimeout(() => socket.destroy(), handshakeTimeoutMs);
    socket.once("close", () => clearTimeout(timer));
    socket.on("error", () => undefined); // a reset before the handshake is no one's concern
    const config = reloader.connectionTLS();
    socket.once("readable", () => {
      const first = socket.read(1) as Buffer | null;
      if (first === null) return;
      socket.unshift(first);
      if (first[0] !== 0x16) {
        // Not a TLS handshake record: Go answers plain HTTP so, and closes.
        clearTimeout(timer);
        socket.end(plainHTTPAnswer);
        return;
      }
      void config.then((tls) => {
        clearTimeout(timer);
        if (!socket.destroyed) handOver(socket, tls);
      });
    });
  });
  server.prependListener("secureConnection", (socket: TLSSocket) => {
    const raw = (socket as unknown as { _parent?: Socket })._parent;
    const reason = checkClientCertificate(socket, (raw && policies.get(raw)) ?? current.clientAuth);
    if (reason === undefined) return;
    limited.error(`handshake ${reason}`, "TLS handshake error", "address", (raw && peers.get(raw)) ?? socketId(socket), "err", reason);
    socket.destroy();
  });
  server.on("tlsClientError", (err: Error, socket: TLSSocket) => {
    const raw = (socket as unknown as { _parent?: Socket })._parent;
    limited.error(`handshake ${err.message}`, "TLS handshake error", "address", (raw && peers.get(raw)) ?? socketId(socket), "err", err.message);
  });
}

/** socketId names a connection by its remote address, as Go's handshake error log does. */
function socketId(socket: Socket): string {
  const host = socket.remoteAddress ?? "";
  return `${host.includes(":") ? `[${host}]` : host}:${socket.remotePort ?? 0}`;
}

/**
 * guard refuses the requests Go's server refuses (request.ts), and runs a possibly async handler
 * so that neither a throw nor a rejection escapes: the error is logged and answered with 500, or
 * the connection dropped if the answer had begun.
 */
function guard(handler: RequestHandler, logger: WebLogger): RequestHandler {
  return (req, res) => {
    const bad = badRequestText(req);
    if (bad !== undefined) {
      refuseBadRequest(res, bad);
      return;
    }
    Promise.resolve()
      .then(() => handler(req, res))
      .catch((err: unknown) => {
        logger.error("Error serving request", "err", err instanceof Error ? err.message : String(err));
        if (res.headersSent) res.destroy();
        else httpError(res, 500, "Internal Server Error");
      });
  };
}

/** formatAddress writes a bound address as Go's `net.Addr.String` does: `[::]:9100`. */
function formatAddress(info: AddressInfo): string {
  return info.address.includes(":") ? `[${info.address}]:${info.port}` : `${info.address}:${info.port}`;
}

/**
 * stderrLogger is the default: errors to stderr as one line each, the rest dropped. A line that
 * cannot be written (stderr on a full disk, a closed pipe) is lost, as Go's logger loses it.
 */
const stderrLogger: WebLogger = {
  info: () => {},
  error: (msg, ...keyvals) => {
    if (process.stderr.listenerCount("error") === 0) process.stderr.on("error", () => undefined);
    try {
      process.stderr.write(`level=error msg=${JSON.stringify(msg)} ${keyvals.map(String).join(" ")}\n`);
    } catch {
      // lost
    }
  },
};
