/**
 * The life of one scrape request: its deadline, and the client going away.
 *
 * Counterpart: what `http.TimeoutHandler` and the request's context do for client_golang's
 * handler. Go's TimeoutHandler answers 503 but lets the gather run on in the background; here the
 * deadline also aborts the gather through its AbortSignal, so a collector that never finishes
 * holds nothing (its late metrics are dropped by the registry, never mixed into a later scrape).
 * A client that disconnects aborts the gather and the encoding in the same way.
 *
 * @module
 */

import type { IncomingMessage, ServerResponse } from "node:http";
import type { StopSignal } from "../prometheus/index.js";
import { firstHeader } from "./compression.js";

/** Why a scrape stopped before it finished. */
export type StopReason = "timeout" | "disconnect";

/** The header through which Prometheus tells a target its scrape timeout, in seconds. */
export const ScrapeTimeoutHeader = "X-Prometheus-Scrape-Timeout-Seconds";

/** The largest margin taken off the scraper's timeout: 500 ms, as blackbox_exporter's default offset. */
export const MaxTimeoutMarginMs = 500;

/** The longest delay setTimeout accepts; longer timeouts are clamped to it (about 24.8 days). */
const maxTimerMs = 2 ** 31 - 1;

/**
 * scrapeTimeoutMs returns the deadline for a scrape: the smaller of the configured timeout and
 * the scraper's own timeout from {@link ScrapeTimeoutHeader}, or `undefined` for none. The
 * header's value is shortened by a safety margin (10% of it, at most {@link MaxTimeoutMarginMs}),
 * so that the 503 reaches the scraper before the scraper gives up and the gather is stopped in
 * time either way. A header that is not a positive number is ignored.
 */
export function scrapeTimeoutMs(req: IncomingMessage, configuredMs: number | undefined): number | undefined {
  const configured = configuredMs !== undefined && configuredMs > 0 ? configuredMs : undefined;
  const seconds = Number(firstHeader(req, ScrapeTimeoutHeader.toLowerCase()) ?? Number.NaN);
  if (!Number.isFinite(seconds) || seconds <= 0) return configured;
  const headerMs = seconds * 1000;
  const fromHeader = headerMs - Math.min(MaxTimeoutMarginMs, headerMs / 10);
  return configured === undefined ? fromHeader : Math.min(configured, fromHeader);
}

/** The value {@link ScrapeContext.until} resolves to when the scrape stopped first. */
export const Stopped: unique symbol = Symbol("Stopped");

/**
 * ScrapeStop is the signal of one scrape, for the handler's own waits and for a Registry's gather:
 * an AbortSignal's part that those use, and nothing more. An AbortController per scrape (an
 * EventTarget with its maps of listeners) kept about 0.2 MB of each interval's scrapes alive
 * through a scavenge, sampled at 10k series; see "What a scrape leaves behind" in
 * docs/architecture.md.
 */
class ScrapeStop implements StopSignal {
  aborted = false;
  reason: unknown = undefined;
  #listeners: (() => void)[] = [];

  addEventListener(_type: "abort", listener: () => void, _options?: { once: true }): void {
    this.#listeners.push(listener);
  }

  removeEventListener(_type: "abort", listener: () => void): void {
    const i = this.#listeners.indexOf(listener);
    if (i >= 0) this.#listeners.splice(i, 1);
  }

  /** abort calls every listener once, in the order they were added. */
  abort(reason: unknown): void {
    this.aborted = true;
    this.reason = reason;
    const listeners = this.#listeners;
    this.#listeners = [];
    for (const listener of listeners) listener();
  }
}

/** Where a response being scraped keeps its context, for {@link onResponseClose}. */
const scrapeOf: unique symbol = Symbol("ScrapeContext");

/** A response being scraped. */
type ScrapedResponse = ServerResponse & { [scrapeOf]?: ScrapeContext | undefined };

/**
 * onResponseClose is the 'close' listener of every scraped response (`this`), and onDeadline the
 * callback of every deadline: functions of the module, handed the context, rather than closures
 * made per scrape. Closures made in ScrapeContext's constructor and registered with the response
 * kept whole scrapes alive through V8's scavenges for the first seconds under load (about 0.6 MB
 * per scavenge at 10k series), which grew the young generation to its maximum; see "What a scrape
 * leaves behind" in docs/architecture.md.
 */
function onResponseClose(this: ScrapedResponse): void {
  this[scrapeOf]?.responseClosed();
}

function onDeadline(ctx: ScrapeContext): void {
  ctx.deadlinePassed();
}

/**
 * ScrapeContext watches one request: it stops the scrape when the deadline passes or the client
 * disconnects, and aborts {@link stopSignal} (and {@link signal}, if it was asked for), which the
 * gather and every wait of the handler follow. Call {@link dispose} when the request is done.
 */
export class ScrapeContext {
  /** The deadline in milliseconds, if any. */
  readonly timeoutMs: number | undefined;
  readonly #stopSignal = new ScrapeStop();
  #controller: AbortController | undefined = undefined;
  readonly #res: ScrapedResponse;
  readonly #timer: NodeJS.Timeout | undefined;
  #reason: StopReason | undefined;
  #isClosed = false;
  #closed: Promise<void> | undefined = undefined;
  #resolveClosed: (() => void) | undefined = undefined;

  constructor(res: ServerResponse, timeoutMs: number | undefined) {
    this.timeoutMs = timeoutMs;
    this.#res = res;
    if (timeoutMs !== undefined) {
      this.#timer = setTimeout(onDeadline, Math.min(Math.ceil(timeoutMs), maxTimerMs), this);
    }
    this.#res[scrapeOf] = this;
    res.on("close", onResponseClose);
    if (res.destroyed) this.#stop("disconnect");
  }

  /** @internal responseClosed is called when the response emits 'close'. */
  responseClosed(): void {
    this.#isClosed = true;
    if (!this.#res.writableFinished) this.#stop("disconnect");
    this.#resolveClosed?.();
  }

  /** @internal deadlinePassed is called when the deadline passes. */
  deadlinePassed(): void {
    this.#stop("timeout");
  }

  /** stopSignal aborts when the scrape stops; the handler's waits and a Registry's gather follow it. */
  get stopSignal(): StopSignal {
    return this.#stopSignal;
  }

  /**
   * signal is an AbortSignal that aborts when the scrape stops, for gatherers other than a
   * Registry; it is made on first use.
   */
  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      if (this.#stopSignal.aborted) this.#controller.abort(this.#stopSignal.reason);
    }
    return this.#controller.signal;
  }

  /** stopped says why the scrape stopped, or `undefined` while it runs. */
  get stopped(): StopReason | undefined {
    return this.#reason;
  }

  /**
   * until resolves to what `promise` resolves to, or to {@link Stopped} as soon as the scrape stops.
   * A rejection of `promise` is passed on while the scrape runs and swallowed after it stopped.
   */
  until<T>(promise: Promise<T>): Promise<T | typeof Stopped> {
    const signal = this.#stopSignal;
    return new Promise((resolve, reject) => {
      const onAbort = () => resolve(Stopped);
      if (signal.aborted) onAbort();
      else signal.addEventListener("abort", onAbort, { once: true });
      promise.then(
        (value) => {
          signal.removeEventListener("abort", onAbort);
          resolve(value);
        },
        (err: unknown) => {
          signal.removeEventListener("abort", onAbort);
          reject(err);
        },
      );
    });
  }

  /**
   * closed resolves once the response has closed, finished or cut off (Node emits 'close' either
   * way). It needs no listeners of its own: stream.finished would add eight per response.
   */
  closed(): Promise<void> {
    if (this.#isClosed || this.#res.destroyed) return Promise.resolve();
    this.#closed ??= new Promise((resolve) => {
      this.#resolveClosed = resolve;
    });
    return this.#closed;
  }

  /** dispose clears the deadline and stops watching the response. */
  dispose(): void {
    clearTimeout(this.#timer);
    this.#res.off("close", onResponseClose);
    this.#res[scrapeOf] = undefined;
  }

  #stop(reason: StopReason): void {
    if (this.#reason !== undefined) return;
    this.#reason = reason;
    const error = new Error(reason === "timeout" ? "scrape timeout exceeded" : "client disconnected");
    this.#stopSignal.abort(error);
    this.#controller?.abort(error);
  }
}
