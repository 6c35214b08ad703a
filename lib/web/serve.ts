/**
 * Serving over HTTP or HTTPS as a web configuration file says: TLS with the configured
 * certificate, versions, ciphers and client authentication; basic authentication and extra
 * headers in front of the handler; the file re-read for every connection and request.
 *
 * Counterpart: exporter-toolkit `web/tls_config.go` (`ListenAndServe`, `Serve`, `Validate`,
 * the `Listening on` / `TLS is enabled.` / `TLS is disabled.` log lines). Without a file, or
 * with a file that has no `tls_server_config`, the server speaks plain HTTP, as there.
 *
 * How the per-handshake reload of Go's `GetConfigForClient` is done with node:tls: a
 * `connection` listener placed before node's own re-reads the file and, if it changed, calls
 * `server.setSecureContext()` and sets the server's `requestCert` and `rejectUnauthorized`,
 * which node:tls reads when it wraps that very socket, right after. Then a `secureConnection`
 * listener, also placed first, applies the part of the client-certificate policy that node:tls
 * leaves to the application (see tls.ts) before the HTTP layer sees the connection. (An
 * `SNICallback` would be the documented hook, but clients that connect to an IP address, as
 * Prometheus usually does, send no server name and never reach it.)
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
import { badRequestText, refuseBadRequest } from "./request.js";
import { checkClientCertificate, type ClientAuthType, type ServerTLSConfig } from "./tls.js";

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
  const server = createHTTPSServer(
    {
      ...nodeOptions,
      ...loaded.tls.secureContextOptions,
      requestCert: loaded.tls.requestCert,
      rejectUnauthorized: loaded.tls.rejectUnauthorized,
    },
    handler,
  );
  reloadTLSPerConnection(server, reloader, loaded.tls, logger);
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

/**
 * reloadTLSPerConnection re-reads the TLS configuration for every new connection and
 * enforces the client-certificate policy in force when that connection arrived.
 */
function reloadTLSPerConnection(server: HTTPSServer, reloader: ConfigReloader, initial: ServerTLSConfig, logger: WebLogger): void {
  let current = initial;
  const policies = new Map<string, ClientAuthType>();
  server.prependListener("connection", (socket: Socket) => {
    let tls = reloader.connectionTLS();
    if (tls !== current) {
      try {
        server.setSecureContext(tls.secureContextOptions);
        current = tls;
      } catch (err) {
        // configToTLSConfig built a context from these options already; this is a safety net.
        logger.error("Unable to apply TLS configuration", "err", err instanceof Error ? err.message : String(err));
        tls = current;
      }
    }
    // Read by node:tls's own connection listener, which wraps this socket right after us.
    const perSocket = server as unknown as PerSocketTLSOptions;
    perSocket.requestCert = tls.requestCert;
    perSocket.rejectUnauthorized = tls.rejectUnauthorized;
    const id = socketId(socket);
    policies.set(id, tls.clientAuth);
    socket.once("close", () => policies.delete(id));
  });
  server.prependListener("secureConnection", (socket: TLSSocket) => {
    const id = socketId(socket);
    const reason = checkClientCertificate(socket, policies.get(id) ?? current.clientAuth);
    if (reason === undefined) return;
    logger.error("TLS handshake error", "address", id, "err", reason);
    socket.destroy();
  });
  server.on("tlsClientError", (err: Error, socket: TLSSocket) => {
    logger.error("TLS handshake error", "address", socketId(socket), "err", err.message);
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

/** stderrLogger is the default: errors to stderr as one line each, the rest dropped. */
const stderrLogger: WebLogger = {
  info: () => {},
  error: (msg, ...keyvals) => {
    process.stderr.write(`level=error msg=${JSON.stringify(msg)} ${keyvals.map(String).join(" ")}\n`);
  },
};
