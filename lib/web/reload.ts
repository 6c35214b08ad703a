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
 * YAML, keys, headers and bcrypt hashes; for connections, YAML, keys and the TLS files.
 *
 * @module
 */

import { WebConfigError } from "./errors.js";
import { readTextFile, readTextFileSync } from "./files.js";
import { configToTLSConfig, type ServerTLSConfig } from "./tls.js";
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
    const text = readTextFileSync(path);
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

  /** The reloader starts from `initial`, normally what {@link load} returned at startup. */
  constructor(path: string, logger: WebLogger, initial: Loaded) {
    this.path = path;
    this.#logger = logger;
    this.#request = { text: initial.text, config: initial.config };
    this.#tls = initial.tls === null ? undefined : { text: initial.text, config: initial.config, tls: initial.tls };
    this.#parsed = { text: initial.text, config: initial.config };
  }

  /**
   * requestConfig re-reads the file for a request and returns the configuration to apply:
   * the file's if it is good, else the last good one.
   */
  async requestConfig(): Promise<Config> {
    let text: string;
    try {
      text = await readTextFile(this.path);
    } catch (err) {
      return this.#keep("request", err, this.#request.config);
    }
    if (text === this.#request.text) return this.#request.config;
    try {
      const config = this.#parse(text);
      validateUsers(config);
      this.#request = { text, config };
      this.#reported.delete("request");
      return config;
    } catch (err) {
      return this.#keep("request", err, this.#request.config);
    }
  }

  /**
   * connectionTLS re-reads the file and the TLS files it names, synchronously, for a new
   * connection (node:tls picks the context before any await could finish), and returns the
   * TLS configuration to use: the file's if it is good, else the last good one.
   *
   * @throws {Error} when the reloader was made without a TLS configuration.
   */
  connectionTLS(): ServerTLSConfig {
    const current = this.#tls;
    if (current === undefined) throw new Error("web: connectionTLS called on a server without TLS");
    try {
      const text = readTextFileSync(this.path);
      const config = text === current.text ? current.config : this.#parse(text);
      const tls = configToTLSConfig(config.tlsConfig, current.tls);
      if (tls === null) throw new WebConfigError("TLS config is not present");
      if (tls !== current.tls || text !== current.text) this.#tls = { text, config, tls };
      this.#reported.delete("connection");
      return tls;
    } catch (err) {
      return this.#keep("connection", err, current.tls);
    }
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
