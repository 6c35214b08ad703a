/**
 * Rate-limited log lines, so that a flood of failing connections writes a few lines a second,
 * not one per connection.
 *
 * exporter-toolkit logs every failed TLS handshake (through Go's `http.Server.ErrorLog`); at
 * thousands of connections a second that is thousands of lines. Here each kind of line (its
 * message and error text, without the peer address) is written at most once per interval; the
 * next line of that kind written says how many were left out meanwhile (`suppressed=n`).
 *
 * @module
 */

/** LimitedLogger is where a LogLimiter writes. */
export interface LimitedLogger {
  error(msg: string, ...keyvals: unknown[]): void;
}

/** DefaultLogInterval is how often one kind of line may be written, in ms. */
export const DefaultLogInterval = 1_000;

/** How many kinds of line are remembered; beyond it the oldest are forgotten. */
const maxKinds = 256;

/** LogLimiter writes error lines through `logger`, each kind at most once per interval. */
export class LogLimiter {
  readonly #logger: LimitedLogger;
  readonly #intervalMs: number;
  readonly #kinds = new Map<string, { last: number; suppressed: number }>();

  constructor(logger: LimitedLogger, intervalMs: number = DefaultLogInterval) {
    this.#logger = logger;
    this.#intervalMs = intervalMs;
  }

  /**
   * error writes `msg` with `keyvals` unless a line of the same `kind` was written less than an
   * interval ago; then it only counts it.
   */
  error(kind: string, msg: string, ...keyvals: unknown[]): void {
    const now = performance.now();
    const seen = this.#kinds.get(kind);
    if (seen !== undefined && now - seen.last < this.#intervalMs) {
      seen.suppressed++;
      return;
    }
    const suppressed = seen?.suppressed ?? 0;
    this.#kinds.delete(kind);
    this.#kinds.set(kind, { last: now, suppressed: 0 });
    if (this.#kinds.size > maxKinds) this.#kinds.delete(this.#kinds.keys().next().value!);
    if (suppressed > 0) this.#logger.error(msg, ...keyvals, "suppressed", suppressed);
    else this.#logger.error(msg, ...keyvals);
  }
}
