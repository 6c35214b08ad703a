/**
 * The error that everything about a web configuration file throws: unreadable, not YAML,
 * unknown keys, wrong types, forbidden headers, malformed bcrypt hashes, TLS files that do not
 * load. Messages are exporter-toolkit's, so that an operator finds the same text in both
 * projects (`missing cert_file`, `yaml: unmarshal errors:\n  line 2: field cert_filse not
 * found in type web.TLSConfig`, `Client CA's have been configured without a Client Auth
 * Policy`).
 *
 * Counterpart: the `error` values returned by exporter-toolkit's `web/tls_config.go` and
 * `web/handler.go`.
 *
 * @module
 */

import type { Issue } from "./decode.js";

/** WebConfigErrorOptions carries the context of a WebConfigError. */
export interface WebConfigErrorOptions extends ErrorOptions {
  /** The configuration file, when the error is about one. */
  file?: string | undefined;
  /** The 1-based line the problem is on, when known. */
  line?: number | undefined;
  /** The 1-based column, when known (YAML syntax errors). */
  column?: number | undefined;
  /** Every problem yaml.v2 would list under `yaml: unmarshal errors:`. */
  issues?: readonly Issue[] | undefined;
}

/**
 * WebConfigError reports a web configuration that cannot be used. It carries the file, the
 * line (and column) when the problem has one, and for type errors the whole list of problems.
 * The cause (a YamlError, BcryptError or system error) travels as `cause`.
 */
export class WebConfigError extends Error {
  /** The configuration file, when the error is about one. */
  readonly file: string | undefined;
  /** The 1-based line of the (first) problem, when known. */
  readonly line: number | undefined;
  /** The 1-based column, when known. */
  readonly column: number | undefined;
  /** The problems behind a `yaml: unmarshal errors:` message; empty otherwise. */
  readonly issues: readonly Issue[];

  constructor(message: string, options: WebConfigErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.file = options.file;
    this.line = options.line ?? options.issues?.[0]?.line;
    this.column = options.column;
    this.issues = options.issues ?? [];
  }

  /** inFile returns this error with `file` set, or this error itself if it names a file. */
  inFile(file: string): WebConfigError {
    if (this.file !== undefined) return this;
    const options = { file, line: this.line, column: this.column, issues: this.issues, cause: this.cause };
    const err = new WebConfigError(this.message, options);
    err.stack = this.stack;
    return err;
  }
}
