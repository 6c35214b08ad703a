/**
 * Whether a scrape may be answered with gzip.
 *
 * Counterpart: `gzipAccepted` in client_golang's promhttp/http.go. Like Go's `Header.Get`, only
 * the first `Accept-Encoding` header line counts, and only a bare `gzip` or `gzip;...` entry
 * accepts: `gzip;q=0` accepts too (client_golang ignores q-values), `*` and `x-gzip` do not.
 *
 * @module
 */

import type { IncomingMessage } from "node:http";

/** gzipAccepted reports whether the request's Accept-Encoding lists gzip, as client_golang parses it. */
export function gzipAccepted(req: IncomingMessage): boolean {
  const header = firstHeader(req, "accept-encoding") ?? "";
  for (const part of header.split(",")) {
    const encoding = part.trim();
    if (encoding === "gzip" || encoding.startsWith("gzip;")) return true;
  }
  return false;
}

/** firstHeader returns the first value of a request header, as Go's `Header.Get` does. */
export function firstHeader(req: IncomingMessage, name: string): string | undefined {
  return req.headersDistinct[name]?.[0];
}
