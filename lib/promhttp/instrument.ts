/**
 * Instrumentation of the metrics handler itself: scrapes by status code, and scrapes in flight.
 *
 * Counterpart: `InstrumentMetricHandler` in client_golang's promhttp/http.go, with the two
 * middlewares it uses from instrument_server.go (`InstrumentHandlerCounter` with a `code` label,
 * `InstrumentHandlerInFlight`), reduced to what the metrics handler needs.
 *
 * @module
 */

import {
  type Collector,
  type Counter,
  CounterVec,
  Gauge,
  newCounterVec,
  newGauge,
  type Registerer,
} from "../prometheus/index.js";
import type { RequestHandler } from "./handler.js";
import { registerOrReuse } from "./register.js";

/**
 * instrumentMetricHandler wraps `handler` (usually from `handlerFor`) with two metrics, registered
 * with `reg` idempotently: a collector registered earlier by another call is reused, so the counts
 * are shared.
 * - `promhttp_metric_handler_requests_total{code}` counts finished scrapes by HTTP status code;
 *   the codes 200, 500 and 503 start at zero.
 * - `promhttp_metric_handler_requests_in_flight` is the number of scrapes being served; it
 *   includes the scrape that exposes it, while the counter only counts a scrape once it is done.
 *
 * A scrape whose handler rejects (PanicOnError) is counted with the status it answered; Go's
 * counter skips a panicking request, which answers nothing there.
 * @throws the registration error of either metric, other than AlreadyRegisteredError.
 *
 * @example
 * ```ts
 * const reg = newRegistry();
 * const metrics = instrumentMetricHandler(reg, handlerFor(reg));
 * ```
 */
export function instrumentMetricHandler(reg: Registerer, handler: RequestHandler): RequestHandler {
  let cnt = newCounterVec(
    { name: "promhttp_metric_handler_requests_total", help: "Total number of scrapes by HTTP status code." },
    ["code"],
  );
  // Initialize the most likely HTTP status codes.
  cnt.withLabelValues("200");
  cnt.withLabelValues("500");
  cnt.withLabelValues("503");
  cnt = registerOrReuse(reg, cnt, (c: Collector): c is CounterVec => c instanceof CounterVec);

  let gge = newGauge({
    name: "promhttp_metric_handler_requests_in_flight",
    help: "Current number of scrapes being served.",
  });
  gge = registerOrReuse(reg, gge, (c: Collector): c is Gauge => c instanceof Gauge);

  return instrumentHandlerCounter(cnt, instrumentHandlerInFlight(gge, handler));
}

/** instrumentHandlerInFlight keeps `gauge` at the number of requests `next` is serving. */
function instrumentHandlerInFlight(gauge: Gauge, next: RequestHandler): RequestHandler {
  return async (req, res) => {
    gauge.inc();
    try {
      await next(req, res);
    } finally {
      gauge.dec();
    }
  };
}

/** instrumentHandlerCounter counts each request `next` served by its status code, once it is done. */
function instrumentHandlerCounter(counter: CounterVec, next: RequestHandler): RequestHandler {
  return async (req, res) => {
    try {
      await next(req, res);
    } finally {
      counterFor(counter, res.statusCode).inc();
    }
  };
}

/** counterFor returns the child for a status code; like Go's `sanitizeCode`, 0 counts as 200. */
function counterFor(counter: CounterVec, status: number): Counter {
  return counter.withLabelValues(status === 0 ? "200" : String(status));
}
