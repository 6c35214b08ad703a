/**
 * A small structured logger in the shape of Prometheus' promlog (go-kit/log underneath):
 * leveled logfmt or JSON lines with `ts`, `caller` and `level`.
 * @module
 */
export { ignoreWriteErrors, LogConfigError, newLogger, parseFormat, parseLevel } from "./logger.js";
export type { Format, Level, Logger, LoggerOptions } from "./logger.js";
