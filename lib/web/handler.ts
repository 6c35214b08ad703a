/**
 * The request side of the web configuration: extra response headers, and basic
 * authentication in front of the wrapped handler.
 *
 * Counterpart: exporter-toolkit `web/handler.go` (`webHandler.ServeHTTP`) and Go's
 * `http.Error`. Each request asks for the current configuration, so users, passwords and
 * headers can change without a restart (see reload.ts for how a broken file is handled).
 *
 * @module
 */

import type { IncomingMessage, ServerResponse } from "node:http";

import { BasicAuthenticator, parseBasicAuth } from "./basic-auth.js";
import { BcryptBusyError } from "./bcrypt-thread.js";
import type { Config } from "./web-config.js";

/** RequestHandler is a `node:http` request handler, possibly async. */
export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

/** WebHandlerOptions configures newWebHandler. */
export interface WebHandlerOptions {
  /** getConfig returns the configuration for this request (re-read from the file). */
  getConfig: () => Promise<Config> | Config;
  /** The authenticator, with its cache; a new one by default. */
  authenticator?: BasicAuthenticator;
}

/**
 * newWebHandler wraps `handler` as exporter-toolkit's `webHandler` does: it sets the
 * configured extra headers on every response, and when users are configured it lets through
 * only requests with valid basic-auth credentials. Others get `401 Unauthorized` with
 * `WWW-Authenticate: Basic`, whether the user is unknown, the password wrong, or the header
 * missing or malformed. While too many bcrypt comparisons wait already (bcrypt-thread.ts), a
 * request whose credentials are not cached gets `503 Service Unavailable` with `Retry-After: 1`.
 */
export function newWebHandler(handler: RequestHandler, options: WebHandlerOptions): RequestHandler {
  const authenticator = options.authenticator ?? new BasicAuthenticator();
  return async (req, res) => {
    const c = await options.getConfig();
    for (const [name, value] of c.httpConfig.header) res.setHeader(name, value);
    if (c.users.size === 0) return handler(req, res);
    const credentials = parseBasicAuth(req.headers.authorization);
    let ok = false;
    try {
      ok = credentials !== undefined && (await authenticator.authenticate(c.users, credentials));
    } catch (err) {
      if (!(err instanceof BcryptBusyError)) throw err;
      res.setHeader("Retry-After", "1");
      httpError(res, 503, "Service Unavailable");
      return;
    }
    if (ok) return handler(req, res);
    res.setHeader("WWW-Authenticate", "Basic");
    httpError(res, 401, "Unauthorized");
  };
}

/**
 * httpError answers with a short plain-text error as Go's `http.Error` does: the text and a
 * newline, `text/plain; charset=utf-8`, and `X-Content-Type-Options: nosniff`.
 */
export function httpError(res: ServerResponse, status: number, text: string): void {
  res.removeHeader("Content-Length");
  res.statusCode = status;
  res.setHeader("Content-Type", "text/plain; charset=utf-8");
  res.setHeader("X-Content-Type-Options", "nosniff");
  res.end(`${text}\n`);
}
