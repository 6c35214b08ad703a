/**
 * The promhttp package: serving metrics over HTTP, mirroring client_golang's `promhttp`
 * (`Handler`, `HandlerFor`, `HandlerOpts`, `InstrumentMetricHandler`).
 * @module
 */
export {
  ContinueOnError,
  type ErrorHandling,
  type ErrorLogger,
  handler,
  handlerFor,
  type HandlerOpts,
  HTTPErrorOnError,
  PanicOnError,
  type RequestHandler,
} from "./handler.js";
export { instrumentMetricHandler } from "./instrument.js";
export { ScrapeTimeoutHeader } from "./scrape.js";
