/**
 * A small structured logger in the shape of Prometheus' promlog: every line carries `ts`,
 * `caller` and `level`, then the key-values bound with `with()`, then `msg` and the call's own
 * key-values, written as logfmt or as one JSON object per line.
 *
 * Counterparts: prometheus/common `promlog/log.go` (`New`, `AllowedLevel.Set`,
 * `AllowedFormat.Set`, the `2006-01-02T15:04:05.000Z07:00` UTC timestamp, `log.Caller(5)`);
 * go-kit/log `log.go` (`With`, `ErrMissingValue`), `level/level.go` (the `level` key and the
 * filter), `json_logger.go`; go-logfmt/logfmt `encode.go` and `jsonstring.go` (quoting).
 *
 * The order of keys follows what promlog actually prints: `ts caller level`, then the context
 * from `with()`, then `msg`, so `logger.with("component", "web").info("Listening on")` gives
 * `... level=info component=web msg="Listening on"`, as Prometheus' own logs do.
 *
 * Deliberate differences from go-kit, each for a reason:
 * - JSON lines keep keys in logging order; go-kit encodes a Go map, so its keys come out sorted.
 *   A repeated key keeps its first position and takes the last value, as the map would.
 * - Arrays and plain objects are written as their JSON text; go-logfmt rejects them with
 *   `unsupported value type`, which would hide what the caller meant to log.
 * - A key that is empty once go-logfmt's invalid runes are dropped skips its pair; go-logfmt
 *   fails the whole record, and a logger that drops lines is worse than one that drops a pair.
 *
 * As in Go, where `log.Logger.Log`'s error is ignored by every caller, a line that cannot be written
 * (stderr on a full disk, a closed pipe) is lost and nothing else happens: the logger listens for
 * its stream's `error` event and catches a synchronous throw, so a failed write never ends the
 * process.
 *
 * @module
 */

/** Level is the severity of a line, spelled as go-kit's `level` values are. */
export type Level = "debug" | "info" | "warn" | "error";

/** Format is the encoding of a line: go-kit's logfmt logger or its JSON logger. */
export type Format = "logfmt" | "json";

const levelRank: Readonly<Record<Level, number>> = { debug: 0, info: 1, warn: 2, error: 3 };

/** The value go-kit appends when key-values have odd length (`log.ErrMissingValue`). */
const missingValue = "(MISSING)";

/**
 * LogConfigError reports a log level or format that promlog does not know. The message is
 * promlog's (`unrecognized log level "verbose"`), and the rejected setting travels with it.
 */
export class LogConfigError extends Error {
  /** Which setting was rejected. */
  readonly setting: "level" | "format";
  /** The rejected text. */
  readonly value: string;

  constructor(setting: "level" | "format", value: string) {
    super(`unrecognized log ${setting} ${JSON.stringify(value)}`);
    this.name = new.target.name;
    this.setting = setting;
    this.value = value;
  }
}

/**
 * parseLevel returns the Level spelled by `s`, as promlog's `AllowedLevel.Set` does.
 *
 * @throws {LogConfigError} when `s` is not one of `debug`, `info`, `warn`, `error`.
 */
export function parseLevel(s: string): Level {
  if (Object.hasOwn(levelRank, s)) return s as Level;
  throw new LogConfigError("level", s);
}

/**
 * parseFormat returns the Format spelled by `s`, as promlog's `AllowedFormat.Set` does.
 *
 * @throws {LogConfigError} when `s` is neither `logfmt` nor `json`.
 */
export function parseFormat(s: string): Format {
  if (s === "logfmt" || s === "json") return s;
  throw new LogConfigError("format", s);
}

/** LoggerOptions configures newLogger; every field has promlog's default. */
export interface LoggerOptions {
  /** The lowest level written; lines below it cost one comparison. Default `info`. */
  level?: Level;
  /** The line encoding. Default `logfmt`. */
  format?: Format;
  /**
   * Where lines go, one `write` call per line. Default `process.stderr`. newLogger adds an `error`
   * listener to it that ignores write errors (see the module comment).
   */
  stream?: NodeJS.WritableStream;
  /** The clock for `ts`; tests pass a fixed one. Default `() => new Date()`. */
  now?: () => Date;
}

/**
 * Logger writes leveled, structured lines. Key-values alternate key, value; an odd list gets the
 * value `(MISSING)` for its last key, as go-kit does. Errors are written as their message.
 */
export interface Logger {
  /** debug writes a line at level debug. */
  debug(msg: string, ...keyvals: unknown[]): void;
  /** info writes a line at level info. */
  info(msg: string, ...keyvals: unknown[]): void;
  /** warn writes a line at level warn. */
  warn(msg: string, ...keyvals: unknown[]): void;
  /** error writes a line at level error. */
  error(msg: string, ...keyvals: unknown[]): void;
  /** with returns a child Logger whose lines carry `keyvals` after `level` and before `msg`. */
  with(...keyvals: unknown[]): Logger;
}

/**
 * newLogger returns a Logger configured like promlog's `New`: UTC millisecond timestamps, the
 * caller's `file:line`, and lines below `level` dropped before any formatting work.
 *
 * @example
 * ```ts
 * const logger = newLogger({ level: "info", format: "logfmt" });
 * logger.with("component", "web").info("Listening on", "address", ":9877");
 * // ts=2026-11-28T10:22:29.123Z caller=main.ts:3 level=info component=web
 * //   msg="Listening on" address=:9877   (one line)
 * ```
 */
export function newLogger(opts: LoggerOptions = {}): Logger {
  const sink: Sink = {
    threshold: levelRank[opts.level ?? "info"],
    encode: opts.format === "json" ? encodeJSON : encodeLogfmt,
    stream: opts.stream ?? process.stderr,
    now: opts.now ?? (() => new Date()),
  };
  ignoreWriteErrors(sink.stream);
  return new ContextLogger(sink, []);
}

/** streamsIgnoringErrors are the streams ignoreWriteErrors already listens to. */
const streamsIgnoringErrors = new WeakSet<NodeJS.WritableStream>();

/**
 * ignoreWriteErrors adds one `error` listener to `stream` that drops the error: without a
 * listener, a failed write (ENOSPC, EPIPE) is an uncaught exception that ends the process.
 */
export function ignoreWriteErrors(stream: NodeJS.WritableStream): void {
  if (streamsIgnoringErrors.has(stream) || typeof stream.on !== "function") return;
  streamsIgnoringErrors.add(stream);
  stream.on("error", () => undefined);
}

/** writeLine writes `line`, losing it when the stream is gone or throws, as Go's loggers do. */
function writeLine(stream: NodeJS.WritableStream, line: string): void {
  if ((stream as { destroyed?: boolean }).destroyed === true) return;
  try {
    stream.write(line);
  } catch {
    // Lost, like a Go log line whose Write failed.
  }
}

/** Sink is what every logger derived from one newLogger call shares. */
interface Sink {
  readonly threshold: number;
  readonly encode: (keyvals: readonly unknown[]) => string;
  readonly stream: NodeJS.WritableStream;
  readonly now: () => Date;
}

/** ContextLogger is go-kit's `context`: a sink plus the key-values bound so far. */
class ContextLogger implements Logger {
  readonly #sink: Sink;
  readonly #context: readonly unknown[];

  constructor(sink: Sink, context: readonly unknown[]) {
    this.#sink = sink;
    this.#context = context;
  }

  debug(msg: string, ...keyvals: unknown[]): void {
    this.#log("debug", msg, keyvals, this.debug);
  }

  info(msg: string, ...keyvals: unknown[]): void {
    this.#log("info", msg, keyvals, this.info);
  }

  warn(msg: string, ...keyvals: unknown[]): void {
    this.#log("warn", msg, keyvals, this.warn);
  }

  error(msg: string, ...keyvals: unknown[]): void {
    this.#log("error", msg, keyvals, this.error);
  }

  with(...keyvals: unknown[]): Logger {
    if (keyvals.length === 0) return this;
    return new ContextLogger(this.#sink, [...this.#context, ...evenKeyvals(keyvals)]);
  }

  /** log checks the level first, so a filtered line reads no stack and formats nothing. */
  #log(level: Level, msg: string, keyvals: unknown[], entry: Function): void {
    if (levelRank[level] < this.#sink.threshold) return;
    const line = this.#sink.encode([
      "ts", this.#sink.now().toISOString(),
      "caller", callerOf(entry),
      "level", level,
      ...this.#context,
      "msg", msg,
      ...evenKeyvals(keyvals),
    ]);
    writeLine(this.#sink.stream, line);
  }
}

/** evenKeyvals pads an odd key-value list with `(MISSING)`, as go-kit's `With` and `Log` do. */
function evenKeyvals(keyvals: unknown[]): unknown[] {
  return keyvals.length % 2 === 0 ? keyvals : [...keyvals, missingValue];
}

/**
 * callerOf returns `file:line` of the code that called `entry`, with the file's base name only,
 * like go-kit's `log.Caller`. It captures a single stack frame, which keeps the read cheap. Under
 * a source-mapped runner the line is the TypeScript line; from compiled output it is the `.js`
 * line unless Node runs with `--enable-source-maps`.
 */
function callerOf(entry: Function): string {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 1;
  const holder: { stack?: string } = {};
  Error.captureStackTrace(holder, entry);
  Error.stackTraceLimit = limit;
  return frameLocation(holder.stack ?? "");
}

/** frameLocation extracts `base:line` from the first frame of a V8 stack text. */
function frameLocation(stack: string): string {
  const frame = stack.split("\n", 2)[1] ?? "";
  const match = /([^\s/\\()]+):(\d+):\d+\)?\s*$/.exec(frame);
  return match ? `${match[1]}:${match[2]}` : "unknown";
}

/** encodeLogfmt renders key-values as one logfmt line, following go-logfmt's encoder. */
function encodeLogfmt(keyvals: readonly unknown[]): string {
  const pairs: string[] = [];
  for (let i = 0; i < keyvals.length; i += 2) {
    const key = logfmtKey(keyvals[i]);
    if (key !== "") pairs.push(`${key}=${logfmtValue(keyvals[i + 1])}`);
  }
  return pairs.join(" ") + "\n";
}

/** logfmtKey drops the runes go-logfmt does not allow in a key (space, controls, `=`, `"`). */
function logfmtKey(key: unknown): string {
  if (key === null || key === undefined) return "";
  return String(key).replace(/[\x00-\x20="\ufffd]/g, "");
}

/**
 * logfmtValue renders one value: `null` for a missing value, strings and messages quoted only
 * when they must be, the string `null` quoted so it reads back as a string.
 */
function logfmtValue(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "string") return value === "null" ? `"null"` : quoteIfNeeded(value);
  return quoteIfNeeded(valueText(value));
}

/** valueText is fmt.Sprint for the values a logger meets: messages, times, numbers, objects. */
function valueText(value: unknown): string {
  if (value instanceof Error) return value.message;
  if (value instanceof Date) return isNaN(value.getTime()) ? "Invalid Date" : value.toISOString();
  if (typeof value === "number") return goNumber(value);
  if (typeof value === "function") return "unsupported value type";
  if (typeof value !== "object" || value === null) return String(value);
  if (!Array.isArray(value) && value.toString !== Object.prototype.toString) return String(value);
  return jsonOrString(value);
}

/** goNumber spells infinities as Go's `%v` does (`+Inf`, `-Inf`). */
function goNumber(n: number): string {
  if (n === Infinity) return "+Inf";
  if (n === -Infinity) return "-Inf";
  return String(n);
}

/** jsonOrString is the JSON text of `value`, or `String(value)` when it has none (a cycle). */
function jsonOrString(value: object): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** loneSurrogate matches half a surrogate pair: JavaScript's counterpart of invalid UTF-8. */
const loneSurrogate = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.source;

/** needsQuote is go-logfmt's `needsQuotedValueRune`: controls, space, `=`, `"`, DEL, U+FFFD. */
const needsQuote = new RegExp(`[\\x00-\\x20="\\x7f\\ufffd]|${loneSurrogate}`);

/** quoteTarget matches what quoteLogfmt rewrites. */
const quoteTarget = new RegExp(`[\\\\"\\x00-\\x1f]|${loneSurrogate}`, "g");

/** quoteIfNeeded returns `s` bare, or quoted with go-logfmt's escapes when a rune requires it. */
function quoteIfNeeded(s: string): string {
  return needsQuote.test(s) ? quoteLogfmt(s) : s;
}

/** quoteEscapes are the characters go-logfmt's `writeQuotedString` escapes by name. */
const quoteEscapes: Readonly<Record<string, string>> = {
  "\\": "\\\\",
  '"': '\\"',
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
};

/** quoteLogfmt quotes `s`: named escapes, `\u00XX` for other controls, `\ufffd` for bad UTF-16. */
function quoteLogfmt(s: string): string {
  const escaped = s.replace(quoteTarget, (c) =>
    quoteEscapes[c] ?? (c.charCodeAt(0) < 0x20 ? `\\u00${hex2(c)}` : "\\ufffd"));
  return `"${escaped}"`;
}

/** hex2 is the two lowercase hex digits of a control character. */
function hex2(c: string): string {
  return c.charCodeAt(0).toString(16).padStart(2, "0");
}

/** encodeJSON renders key-values as one JSON object line, keys in first-seen order. */
function encodeJSON(keyvals: readonly unknown[]): string {
  const fields = new Map<string, unknown>();
  for (let i = 0; i < keyvals.length; i += 2) {
    fields.set(String(keyvals[i]), jsonValue(keyvals[i + 1]));
  }
  const members = Array.from(fields, ([k, v]) => `${JSON.stringify(k)}:${jsonText(v)}`);
  return `{${members.join(",")}}\n`;
}

/** jsonValue maps what JSON cannot hold: errors to messages; bigints, infinities to text. */
function jsonValue(value: unknown): unknown {
  if (value === undefined) return null;
  if (value instanceof Error) return value.message;
  if (typeof value === "bigint" || typeof value === "symbol") return String(value);
  if (typeof value === "number" && !Number.isFinite(value)) return goNumber(value);
  if (typeof value === "function") return "unsupported value type";
  return value;
}

/** jsonText is the JSON text of a mapped value; a value JSON cannot express becomes its string. */
function jsonText(value: unknown): string {
  try {
    return JSON.stringify(value) ?? JSON.stringify(String(value));
  } catch {
    return JSON.stringify(String(value));
  }
}
