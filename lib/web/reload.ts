/**
 * Re-reading the web configuration file while serving, so that users, passwords, headers,
 * certificates and the client authentication policy can change without a restart.
 *
 * Counterpart: exporter-toolkit `web/tls_config.go` (`Serve`: `GetConfigForClient` re-reads
 * the file for every TLS handshake and `GetCertificate` the certificate) and `web/handler.go`
 * (`ServeHTTP` re-reads it for every request).
 *
 * One deliberate difference: exporter-toolkit fails the request (500) or the handshake when
 * the file has become unreadable or invalid. Here the last good configuration stays in force
 * and the error is logged once per distinct problem, so that a half-written file or a typo
 * does not take the exporter down. The flip side: until the file is fixed, credentials that
 * the broken file meant to revoke keep working. Run `validate` on a new file before putting it
 * in place.
 *
 * "Good" means what the server would accept at startup, for the part in use: for requests,
 * YAML, keys, headers and bcrypt hashes; for connections, YAML, keys and the TLS files. One more
 * rule: a file without users is refused while users are in force, because an emptied file or
 * one cut short by a write in progress would otherwise turn authentication off (exporter-toolkit
 * applies it). Removing every user takes a restart.
 *
 * Files are read asynchronously and only when they changed: each request and connection first
 * looks at the files' metadata (size, modification and change times, inode; one `stat` each,
 * shared by the requests and connections that arrive while it runs) and re-reads and re-parses
 * only what differs from the last look. A flood of connections costs a few stats, not a read
 * and a certificate check each.
 *
 * @module
 */

import { stat } from "node:fs/promises";

import { WebConfigError } from "./errors.js";
import { readFile, readFileSync } from "./files.js";
import { configToTLSConfig, type ServerTLSConfig, tlsFiles } from "./tls.js";
import { decodeConfigText } from "./utf8.js";
import { type Config, parseConfig, validateUsers } from "./web-config.js";

/** WebLogger is where the web server reports; lib/log's Logger fits. */
export interface WebLogger {
  info(msg: string, ...keyvals: unknown[]): void;
  error(msg: string, ...keyvals: unknown[]): void;
}

/** Loaded is a configuration file as read at one moment: its text and what it gave. */
export interface Loaded {
  readonly text: string;
  readonly config: Config;
  /** The TLS side, or null when the file configures no TLS. */
  readonly tls: ServerTLSConfig | null;
}

/**
 * load reads, parses and checks a web configuration file the way startup does (Go's
 * `Validate`): YAML and keys, headers, bcrypt hashes, then the TLS files.
 *
 * @throws {WebConfigError} naming the file.
 */
export function load(path: string): Loaded {
  try {
    const text = decodeConfigText(readFileSync(path));
    const config = parseConfig(text, path);
    validateUsers(config);
    return { text, config, tls: configToTLSConfig(config.tlsConfig) };
  } catch (err) {
    throw err instanceof WebConfigError ? err.inFile(path) : err;
  }
}

/**
 * ConfigReloader hands out the configuration in force: re-read from the file on each call,
 * the last good one when the file is broken.
 */
export class ConfigReloader {
  /** The configuration file. */
  readonly path: string;
  readonly #logger: WebLogger;
  #request: { text: string; config: Config };
  #tls: { text: string; config: Config; tls: ServerTLSConfig } | undefined;
  #parsed: { text: string; config?: Config; error?: unknown };
  /** The problem each path last reported, so that each is logged once, not per request. */
  readonly #reported = new Map<"request" | "connection", string>();
  /** The metadata of the files each path last read, and the look at them in progress. */
  readonly #seen = new Map<"request" | "connection", string>();
  readonly #looking = new Map<"request" | "connection", Promise<unknown>>();

  /** The reloader starts from `initial`, normally what {@link load} returned at startup. */
  constructor(path: string, logger: WebLogger, initial: Loaded) {
    this.path = path;
    this.#logger = logger;
    this.#request = { text: initial.text, config: initial.config };
    this.#tls = initial.tls === null ? undefined : { text: initial.text, config: initial.config, tls: initial.tls };
    this.#parsed = { text: initial.text, config: initial.config };
  }

  /**
   * requestConfig returns the configuration to apply to a request: the file's if it changed and
   * is good, else the one in force (the last good one).
   */
  requestConfig(): Promise<Config> {
    return this.#once("request", () => this.#requestConfig());
  }

  async #requestConfig(): Promise<Config> {
    const seen = await fingerprint([this.path]);
    if (seen === this.#seen.get("request")) return this.#request.config;
    let text: string;
    try {
      text = decodeConfigText(await readFile(this.path));
    } catch (err) {
      return this.#keep("request", err, this.#request.config);
    }
    this.#seen.set("request", seen);
    if (text === this.#request.text) return this.#request.config;
    try {
      const config = this.#parse(text);
      validateUsers(config);
      if (this.#request.config.users.size > 0 && config.users.size === 0) {
        // An emptied file, or one cut short before its users (a write in progress), would turn
        // authentication off. Go applies it; here it is refused: removing every user takes a
        // restart, as turning TLS off does.
        throw new WebConfigError("basic_auth_users is missing or empty while users are in force; removing every user takes a restart");
      }
      this.#request = { text, config };
      this.#reported.delete("request");
      return config;
    } catch (err) {
      return this.#keep("request", err, this.#request.config);
    }
  }

  /**
   * connectionTLS returns the TLS configuration for a new connection: re-read, with the TLS
   * files it names, when any of them changed, and the last good one when they are broken.
   *
   * @throws {Error} when the reloader was made without a TLS configuration.
   */
  connectionTLS(): Promise<ServerTLSConfig> {
    const current = this.#tls;
    if (current === undefined) return Promise.reject(new Error("web: connectionTLS called on a server without TLS"));
    return this.#once("connection", () => this.#connectionTLS(current));
  }

  async #connectionTLS(current: { text: string; config: Config; tls: ServerTLSConfig }): Promise<ServerTLSConfig> {
    const seen = await fingerprint([this.path, ...tlsFiles(current.config.tlsConfig)]);
    if (seen === this.#seen.get("connection")) return this.#tls!.tls;
    try {
      const text = decodeConfigText(await readFile(this.path));
      const config = text === current.text ? current.config : this.#parse(text);
      const files = await readAll(tlsFiles(config.tlsConfig));
      const tls = configToTLSConfig(config.tlsConfig, current.tls, files);
      if (tls === null) throw new WebConfigError("TLS config is not present");
      if (tls !== current.tls || text !== current.text) this.#tls = { text, config, tls };
      this.#reported.delete("connection");
      // Only what was read from unchanged files is remembered as seen; a change meanwhile is
      // seen at the next look.
      this.#seen.set("connection", await fingerprint([this.path, ...tlsFiles(config.tlsConfig)]) === seen ? seen : "");
      return tls;
    } catch (err) {
      this.#seen.set("connection", seen);
      return this.#keep("connection", err, current.tls);
    }
  }

  /** once runs `look` unless a look of the same path is under way, whose outcome is then shared. */
  #once<T>(path: "request" | "connection", look: () => Promise<T>): Promise<T> {
    const running = this.#looking.get(path);
    if (running !== undefined) return running as Promise<T>;
    const started = look().finally(() => this.#looking.delete(path));
    this.#looking.set(path, started);
    return started;
  }

  /** parse parses `text`, remembering the last text parsed and its outcome. */
  #parse(text: string): Config {
    if (this.#parsed.text !== text) {
      try {
        this.#parsed = { text, config: parseConfig(text, this.path) };
      } catch (error) {
        this.#parsed = { text, error };
      }
    }
    if (this.#parsed.config === undefined) throw this.#parsed.error;
    return this.#parsed.config;
  }

  /**
   * keep logs why the file was refused and returns `last`. A problem is logged once while it
   * lasts, not for every request or connection, and not again by the other path.
   */
  #keep<T>(path: "request" | "connection", err: unknown, last: T): T {
    const message = err instanceof Error ? err.message : String(err);
    const other = this.#reported.get(path === "request" ? "connection" : "request");
    if (message !== this.#reported.get(path) && message !== other) {
      this.#logger.error("Unable to parse configuration", "file", this.path, "err", message, "using", "last good configuration");
    }
    this.#reported.set(path, message);
    return last;
  }
}

/**
 * fingerprint describes the files' metadata (size, times, inode) in one string, equal as long
 * as none of them changed; a file that cannot be looked at gives a value that never repeats.
 */
async function fingerprint(paths: readonly string[]): Promise<string> {
  const parts = await Promise.all(
    paths.map((path) =>
      stat(path, { bigint: true }).then(
        (s) => `${s.size}:${s.mtimeNs}:${s.ctimeNs}:${s.ino}:${s.dev}`,
        () => `unreadable:${++unreadable}`,
      ),
    ),
  );
  return parts.join("|");
}

let unreadable = 0;

/** readAll reads each file, keeping the contents or the error (Go's wording) by path. */
async function readAll(paths: readonly string[]): Promise<Map<string, Buffer | Error>> {
  const contents = await Promise.all(paths.map((path) => readFile(path).catch((err: Error) => err)));
  return new Map(paths.map((path, i) => [path, contents[i]!]));
}
