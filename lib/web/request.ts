/**
 * Requests that Go's `net/http` server refuses before any handler runs, refused here the same way,
 * so that a handler never sees them (and cannot fail on them with a 500).
 *
 * Counterpart: Go's `net/http` `conn.serve` and `readRequest`: a request target that
 * `url.ParseRequestURI` cannot parse, and a request with more than one `Host` header, get
 * `400 Bad Request` (`400 Bad Request: too many Host headers`), `Connection: close`, and no log line.
 *
 * @module
 */

import type { IncomingMessage, ServerResponse } from "node:http";

/**
 * badRequestText returns the text Go's server answers a malformed request with, or undefined when
 * the request is well formed.
 */
export function badRequestText(req: IncomingMessage): string | undefined {
  let hosts = 0;
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) if (raw[i]!.length === 4 && raw[i]!.toLowerCase() === "host") hosts++;
  if (hosts > 1) return "400 Bad Request: too many Host headers";
  if (!parsableTarget(req.url ?? "")) return "400 Bad Request";
  return undefined;
}

/** parsableTarget reports whether a request target can be read as a URL (origin, absolute or `*` form). */
function parsableTarget(target: string): boolean {
  if (target === "*") return true;
  try {
    new URL(target, "http://localhost");
    return true;
  } catch {
    return false;
  }
}

/** refuseBadRequest answers a malformed request as Go does and closes the connection after it. */
export function refuseBadRequest(res: ServerResponse, text: string): void {
  res.shouldKeepAlive = false;
  res.statusCode = 400;
  res.setHeader("Content-Type", "text/plain; charset=utf-8");
  res.setHeader("Connection", "close");
  res.end(text);
}
