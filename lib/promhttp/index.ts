/**
 * The promhttp package: serving metrics over HTTP, mirroring client_golang's `promhttp`
 * (`Handler`, `HandlerFor`, `HandlerForTransactional`, `HandlerOpts`, `InstrumentMetricHandler`).
 * @module
 */
export {
  ContinueOnError,
  type ErrorHandling,
  type ErrorLogger,
  handler,
  handlerFor,
  handlerForTransactional,
  type HandlerOpts,
  HTTPErrorOnError,
  PanicOnError,
  type RequestHandler,
} from "./handler.js";
export { instrumentMetricHandler } from "./instrument.js";
export { ScrapeTimeoutHeader } from "./scrape.js";
