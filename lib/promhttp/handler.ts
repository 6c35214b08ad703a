/**
 * The metrics endpoint: an HTTP handler that gathers from a Gatherer and answers with the text
 * exposition format.
 *
 * Counterpart: client_golang's promhttp/http.go (`Handler`, `HandlerFor`,
 * `HandlerForTransactional`, `HandlerOpts`, `HandlerErrorHandling`, `gzipAccepted`, `httpError`)
 * with the `http.TimeoutHandler` it wraps around the handler when `Timeout` is set. As in Go,
 * `handlerFor(g)` is `handlerForTransactional(toTransactionalGatherer(g))`: a scrape gathers a
 * transaction and calls its `done()` once the response is encoded. The steps of one scrape read
 * top to bottom in {@link MetricsScrape}: limit → gather → handle a gather error → encode and
 * stream → done.
 *
 * Deliberate differences from client_golang 1.14, each for a reason:
 * - Only GET and HEAD are served; other methods get 405 with `Allow: GET, HEAD` (Go serves any).
 * - The format is negotiated from the Accept header as Go does (`expfmt.Negotiate`, or
 *   `NegotiateIncludingOpenMetrics` with `enableOpenMetrics`): the text format, the delimited
 *   protobuf format, or OpenMetrics 1.0.0 / 0.0.1 (client_golang 1.14 only knows 0.0.1).
 * - The response streams chunk by chunk with backpressure instead of being buffered (Go's
 *   TimeoutHandler buffers it whole), so an encoding error that happens after the first chunk
 *   went out closes the connection: the client sees a failed response, not a truncated 200.
 *   An encoding error before that becomes a 500 (Go sends whatever it had written).
 * - The timeout aborts the gather instead of letting it run on, and it also comes from the
 *   scraper's `X-Prometheus-Scrape-Timeout-Seconds` header (see scrape.ts). A deadline that passes
 *   while the body streams closes the connection, as a 503 can no longer be sent.
 * - `panic` cannot crash a request in Node: it answers 500 like `http`, then rejects the promise
 *   the handler returns (Go's server would close the connection without an answer).
 * - Errors are logged with the structured `errorLog.error(msg, "err", err)`, not `Println`.
 *
 * @module
 */

import type { IncomingMessage, ServerResponse } from "node:http";
import { setImmediate as nextTurn } from "node:timers/promises";
import { type Format, negotiate, negotiateIncludingOpenMetrics, SlabPool } from "../expfmt/index.js";
import type * as dto from "../model/index.js";
import {
  CounterVec,
  defaultGatherer,
  defaultRegisterer,
  type Gatherer,
  GatherError,
  InvalidOptionsError,
  newCounterVec,
  type Registerer,
  SliceMs,
  toTransactionalGatherer,
  type Transaction,
  type TransactionalGatherer,
} from "../prometheus/index.js";
import { ResponseBody, responseDone } from "./body.js";
import { gzipAccepted } from "./compression.js";
import { expositionChunks } from "./encode.js";
import { instrumentMetricHandler } from "./instrument.js";
import { registerOrReuse } from "./register.js";
import { gatherFailed, methodNotAllowed, scrapeTimedOut, tooManyScrapes } from "./responses.js";
import { ScrapeContext, scrapeTimeoutMs, Stopped } from "./scrape.js";

/** HTTPErrorOnError answers 500 with the error text (Go's `HTTPErrorOnError`, the default). */
export const HTTPErrorOnError = "http";
/**
 * ContinueOnError serves what could be gathered despite the errors, and answers 500 only if
 * nothing was gathered. Set `errorLog` or `registry` to notice the errors (Go's `ContinueOnError`).
 */
export const ContinueOnError = "continue";
/**
 * PanicOnError answers 500 like {@link HTTPErrorOnError} and then rejects the promise the handler
 * returns with the error, for "crash only" servers that let it escape (Go's `PanicOnError`).
 */
export const PanicOnError = "panic";

/** ErrorHandling says how a handler treats gathering and encoding errors (Go's `HandlerErrorHandling`). */
export type ErrorHandling = typeof HTTPErrorOnError | typeof ContinueOnError | typeof PanicOnError;

/** ErrorLogger is what the handler needs to log errors; the lib/log Logger fits. */
export interface ErrorLogger {
  error(msg: string, ...keyvals: unknown[]): void;
}

/** HandlerOpts tune a handler (Go's `HandlerOpts`). Every field is optional; none is a fine default. */
export interface HandlerOpts {
  /** How errors are handled; default {@link HTTPErrorOnError}. */
  errorHandling?: ErrorHandling;
  /** Where gathering and encoding errors are logged, whatever `errorHandling` says. None by default. */
  errorLog?: ErrorLogger;
  /**
   * If set, the counter `promhttp_metric_handler_errors_total{cause="gathering"|"encoding"}` is
   * registered with it (or the one already registered is reused) and counts the handler's errors.
   * @throws (from handlerFor) any other registration error.
   */
  registry?: Registerer;
  /** The most requests served at once; more get 503. 0 or undefined: no limit. */
  maxRequestsInFlight?: number;
  /**
   * The deadline of a scrape in milliseconds; past it the gather is aborted and the scrape
   * answered 503. 0 or undefined: none (the scraper's timeout header still applies).
   */
  timeout?: number;
  /** Never compress, even if the client accepts gzip. */
  disableCompression?: boolean;
  /**
   * Offer OpenMetrics when the scraper accepts it (Prometheus does), as Go's
   * `EnableOpenMetrics`. Off by default, so the text format stays what scrapers get.
   */
  enableOpenMetrics?: boolean;
}

/**
 * RequestHandler serves one request. The promise resolves once the response is finished or
 * abandoned; it rejects only in {@link PanicOnError} mode, after the 500 was sent.
 */
export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/** How long encoding runs before it lets the event loop turn (timers, other sockets). */
const sliceMs = SliceMs;

/**
 * nextLoopTurn resolves once the event loop has run its timers. A request is read in the loop's
 * poll phase, and a setImmediate callback queued there runs in the check phase of the same turn,
 * before any timer; a second one runs in the next turn, after its timers.
 */
async function nextLoopTurn(): Promise<void> {
  await nextTurn();
  await nextTurn();
}

/**
 * handlerFor returns an uninstrumented handler for `gatherer` (Go's `HandlerFor`): the handler
 * of {@link handlerForTransactional} for `toTransactionalGatherer(gatherer)`, which for a Registry
 * is its fast transactional form. Wrap it with {@link instrumentMetricHandler} to count scrapes as
 * {@link handler} does.
 * @throws {InvalidOptionsError} when `gatherer` has no `gather` method, `errorHandling` is not one
 * of the three modes, or `maxRequestsInFlight` or `timeout` is negative or not a number (Go takes
 * a negative value as "none"; here it is more likely a mistake).
 * @throws any error registering the error counter with `opts.registry`, other than
 * AlreadyRegisteredError (whose registered counter is then used).
 *
 * @example
 * ```ts
 * const reg = newRegistry();
 * const metrics = handlerFor(reg, { errorHandling: "continue", timeout: 10_000 });
 * createServer((req, res) => void metrics(req, res)).listen(9100);
 * ```
 */
export function handlerFor(gatherer: Gatherer, opts: HandlerOpts = {}): RequestHandler {
  validateGatherer(gatherer);
  return handlerForTransactional(toTransactionalGatherer(gatherer), opts);
}

/**
 * handlerForTransactional returns an uninstrumented handler for a transactional gatherer (Go's
 * `HandlerForTransactional`): each scrape gathers a transaction, encodes its families and calls
 * its `done()` in a `finally`, once nothing reads them any more.
 * @throws as {@link handlerFor}.
 */
export function handlerForTransactional(gatherer: TransactionalGatherer, opts: HandlerOpts = {}): RequestHandler {
  const options = { ...opts }; // Go copies HandlerOpts by value: later changes do not apply.
  validateGatherer(gatherer);
  validateHandlerArgs(options);
  const errCnt = errorCounter(options.registry);
  const limit = options.maxRequestsInFlight ?? 0; // 0: no limit
  // Slabs for the text encoder, used again once their chunks are written (see slab-pool.ts).
  const pool = new SlabPool();
  let inFlight = 0;
  return async (req, res) => {
    if (req.method !== "GET" && req.method !== "HEAD") {
      methodNotAllowed(res);
      return responseDone(res);
    }
    if (limit > 0 && inFlight >= limit) {
      tooManyScrapes(res, limit);
      return responseDone(res);
    }
    inFlight++;
    const ctx = new ScrapeContext(res, scrapeTimeoutMs(req, options.timeout));
    try {
      await new MetricsScrape(gatherer, options, errCnt, req, res, ctx, pool).serve();
    } finally {
      ctx.dispose();
      inFlight--;
    }
  };
}

/** validateGatherer rejects a gatherer without a gather method. */
function validateGatherer(gatherer: Gatherer | TransactionalGatherer): void {
  if (typeof (gatherer as Partial<Gatherer> | null)?.gather !== "function") {
    throw new InvalidOptionsError(`${String(gatherer)} is not a gatherer: it needs a gather() method`);
  }
}

/** validateHandlerArgs rejects options a handler cannot serve with, before the first scrape. */
function validateHandlerArgs(opts: HandlerOpts): void {
  const mode = opts.errorHandling;
  if (mode !== undefined && mode !== HTTPErrorOnError && mode !== ContinueOnError && mode !== PanicOnError) {
    const known = `"${HTTPErrorOnError}", "${ContinueOnError}" or "${PanicOnError}"`;
    throw new InvalidOptionsError(`unknown errorHandling ${JSON.stringify(mode)}: use ${known}`);
  }
  const limit = opts.maxRequestsInFlight;
  if (limit !== undefined && !(Number.isInteger(limit) && limit >= 0)) {
    throw new InvalidOptionsError(`maxRequestsInFlight must be a non-negative integer, got ${String(limit)}`);
  }
  const timeout = opts.timeout;
  if (timeout !== undefined && !(typeof timeout === "number" && timeout >= 0)) {
    throw new InvalidOptionsError(`timeout must be a non-negative number of ms, got ${String(timeout)}`);
  }
}

/**
 * handler returns a handler for the default gatherer with default options, instrumented with
 * the default registerer (Go's `promhttp.Handler()`). Handlers made by separate calls share the
 * instrumentation metrics.
 */
export function handler(): RequestHandler {
  return instrumentMetricHandler(defaultRegisterer, handlerFor(defaultGatherer));
}

/** errorCounter makes the errors counter, registered (or reused) when there is a registry. */
function errorCounter(registry: Registerer | undefined): CounterVec {
  const errCnt = newCounterVec(
    {
      name: "promhttp_metric_handler_errors_total",
      help: "Total number of internal errors encountered by the promhttp metric handler.",
    },
    ["cause"],
  );
  if (registry === undefined) return errCnt;
  // Initialize all possibilities that can occur below.
  errCnt.withLabelValues("gathering");
  errCnt.withLabelValues("encoding");
  return registerOrReuse(registry, errCnt, (c): c is CounterVec => c instanceof CounterVec);
}

/** MetricsScrape serves one scrape request, start to finish. */
class MetricsScrape {
  readonly #gatherer: TransactionalGatherer;
  readonly #opts: HandlerOpts;
  readonly #errCnt: CounterVec;
  readonly #req: IncomingMessage;
  readonly #res: ServerResponse;
  readonly #ctx: ScrapeContext;
  readonly #pool: SlabPool;
  #encodeError: unknown = undefined;

  constructor(
    gatherer: TransactionalGatherer,
    opts: HandlerOpts,
    errCnt: CounterVec,
    req: IncomingMessage,
    res: ServerResponse,
    ctx: ScrapeContext,
    pool: SlabPool,
  ) {
    this.#gatherer = gatherer;
    this.#opts = opts;
    this.#errCnt = errCnt;
    this.#req = req;
    this.#res = res;
    this.#ctx = ctx;
    this.#pool = pool;
  }

  get #mode(): ErrorHandling {
    return this.#opts.errorHandling ?? HTTPErrorOnError;
  }

  /**
   * serve gathers and answers; it rejects only in panic mode. It lets the event loop run before it
   * gathers (timers included: see nextLoopTurn) and, after a long gather, before it encodes: code
   * that runs in the turn that read the request, or right after a gather's last time slice, would
   * run back to back with it.
   */
  async serve(): Promise<void> {
    if ((await this.#ctx.until(nextLoopTurn())) === Stopped) return void (await this.#stop(undefined));
    const started = performance.now();
    const transaction = await this.#gather();
    if (transaction === undefined) return;
    try {
      if (performance.now() - started > sliceMs && (await this.#ctx.until(nextTurn())) === Stopped) {
        return void (await this.#stop(undefined));
      }
      await this.#send(transaction.families);
    } finally {
      // The encoder was the families' only reader, and it is done: the gatherer gets back what
      // it lent (the vecs their value arrays).
      transaction.done();
    }
  }

  /** gather returns the transaction to serve, or `undefined` once the request has been answered. */
  async #gather(): Promise<Transaction | undefined> {
    const gathering = (async () => this.#gatherer.gather({ signal: this.#ctx.stopSignal }))();
    let result: Transaction | typeof Stopped;
    try {
      result = await this.#ctx.until(gathering);
    } catch (err) {
      const partial = await this.#gatherFailed(err);
      return partial === undefined ? undefined : { families: partial, done: () => undefined };
    }
    if (result === Stopped) {
      // The gather may still finish later: then what it lent goes back at once.
      void gathering.then((late) => late.done(), () => undefined);
      return this.#stop(undefined);
    }
    return result;
  }

  /** gatherFailed logs and counts a gather error, then serves what the error handling says. */
  async #gatherFailed(err: unknown): Promise<dto.MetricFamily[] | undefined> {
    this.#opts.errorLog?.error("error gathering metrics", "err", err);
    this.#errCnt.withLabelValues("gathering").inc();
    const partial = err instanceof GatherError ? err.families : [];
    // ContinueOnError still reports the error if no metrics have been gathered.
    if (this.#mode === ContinueOnError && partial.length > 0) return partial;
    gatherFailed(this.#res, err);
    await this.#ctx.closed();
    if (this.#mode === PanicOnError) throw err;
    return undefined;
  }

  /**
   * send encodes and streams the families. The next chunk is always produced before the current
   * one is written, so an encoding error in the first chunk can still become a 500, and a body of
   * one chunk goes out whole, with a Content-Length.
   */
  async #send(families: readonly dto.GatheredFamily[]): Promise<void> {
    const format = this.#negotiate();
    const chunks = expositionChunks(families, format, (err) => this.#encodeFailed(err), undefined, this.#pool);
    let body: ResponseBody | undefined;
    let sliceStart = performance.now();
    try {
      let current = chunks.next();
      if (current.done) return await this.#startBody(format).end();
      for (;;) {
        // The slice is checked after each chunk is made, before the next: a chunk may take
        // milliseconds in the first scrape of a process, before V8 has optimized the encoder.
        if (performance.now() - sliceStart > sliceMs) {
          await this.#ctx.until(nextTurn());
          sliceStart = performance.now();
          if (this.#ctx.stopped !== undefined) return this.#stop(body);
        }
        const next = chunks.next();
        body ??= this.#startBody(format);
        if (next.done) return await body.end(current.value);
        await body.write(current.value);
        if (this.#ctx.stopped !== undefined) return this.#stop(body);
        current = next;
      }
    } catch (err) {
      if (err !== this.#encodeError) this.#logEncodeError(err);
      if (body === undefined) {
        gatherFailed(this.#res, err);
        await this.#ctx.closed();
      } else {
        body.destroy();
      }
      if (this.#mode === PanicOnError) throw err;
    }
  }

  /** negotiate picks the response format from the request's Accept header. */
  #negotiate(): Format {
    const accept = this.#req.headers.accept;
    return this.#opts.enableOpenMetrics ? negotiateIncludingOpenMetrics(accept) : negotiate(accept);
  }

  /** startBody sets the status and headers of a successful scrape and opens its body. */
  #startBody(format: Format): ResponseBody {
    const compress = !this.#opts.disableCompression && gzipAccepted(this.#req);
    this.#res.statusCode = 200;
    this.#res.setHeader("Content-Type", format);
    if (compress) this.#res.setHeader("Content-Encoding", "gzip");
    return new ResponseBody(this.#res, compress, this.#ctx, this.#pool);
  }

  /**
   * encodeFailed handles an encoding error of one family: it is logged and counted; the family
   * is skipped under ContinueOnError, and otherwise the error stops the response.
   */
  #encodeFailed(err: unknown): void {
    this.#logEncodeError(err);
    if (this.#mode === ContinueOnError) return;
    this.#encodeError = err;
    throw err;
  }

  #logEncodeError(err: unknown): void {
    this.#opts.errorLog?.error("error encoding and sending metric family", "err", err);
    this.#errCnt.withLabelValues("encoding").inc();
  }

  /**
   * stop ends a scrape that timed out or lost its client: a timeout answers 503 with Go's
   * TimeoutHandler text while no header has gone out, and closes the connection after that.
   */
  async #stop(body: ResponseBody | undefined): Promise<undefined> {
    if (this.#ctx.stopped === "timeout" && !this.#res.headersSent && body === undefined) {
      scrapeTimedOut(this.#res, this.#ctx.timeoutMs ?? 0);
      await this.#ctx.closed();
    } else if (body !== undefined) {
      body.destroy();
    } else {
      this.#res.destroy();
    }
    return undefined;
  }
}
