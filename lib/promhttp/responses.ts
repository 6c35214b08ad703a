/**
 * The short plain-text answers of the metrics handler: errors, limits, timeouts.
 *
 * Counterparts: `http.Error` in Go's net/http (the header set and the newline it appends),
 * `httpError` in client_golang's promhttp/http.go, and the 503 that `http.TimeoutHandler` writes.
 * The texts are client_golang's, so a scraper sees the same bodies from both.
 *
 * @module
 */

import type { ServerResponse } from "node:http";
import { formatDuration } from "./duration.js";

/** The content type Go's `http.Error` (and the sniffed TimeoutHandler body) announces. */
export const PlainTextContentType = "text/plain; charset=utf-8";

/**
 * httpError answers `status` with `text` and a newline, with the headers Go's `http.Error` sets.
 * A content encoding set earlier is removed: error bodies are never compressed.
 */
export function httpError(res: ServerResponse, text: string, status: number): void {
  res.removeHeader("Content-Encoding");
  res.statusCode = status;
  res.setHeader("Content-Type", PlainTextContentType);
  res.setHeader("X-Content-Type-Options", "nosniff");
  res.end(`${text}\n`);
}

/** gatherFailed answers 500 with client_golang's "An error has occurred..." text for `err`. */
export function gatherFailed(res: ServerResponse, err: unknown): void {
  httpError(res, `An error has occurred while serving metrics:\n\n${errorText(err)}`, 500);
}

/** tooManyScrapes answers 503 for a request beyond `maxRequestsInFlight`, in client_golang's words. */
export function tooManyScrapes(res: ServerResponse, limit: number): void {
  httpError(res, `Limit of concurrent requests reached (${limit}), try again later.`, 503);
}

/** methodNotAllowed answers 405 with `Allow: GET, HEAD`: a metrics endpoint only serves reads. */
export function methodNotAllowed(res: ServerResponse): void {
  res.setHeader("Allow", "GET, HEAD");
  httpError(res, "Method Not Allowed", 405);
}

/**
 * scrapeTimedOut answers 503 with the body client_golang passes to `http.TimeoutHandler`. Like Go's
 * TimeoutHandler it sets no headers beyond the (sniffed, in Go) plain-text content type.
 */
export function scrapeTimedOut(res: ServerResponse, timeoutMs: number): void {
  res.removeHeader("Content-Encoding");
  res.statusCode = 503;
  res.setHeader("Content-Type", PlainTextContentType);
  res.end(`Exceeded configured timeout of ${formatDuration(timeoutMs)}.\n`);
}

/** errorText is `err.Error()`: an Error's message, or the text of anything else thrown. */
export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
