/**
 * The web configuration file (`--web.config.file`) of exporter-toolkit: its typed form, its
 * defaults, strict decoding of the YAML, the checks on headers and users, and relative paths
 * resolved against the file's directory.
 *
 * Counterpart: exporter-toolkit `web/tls_config.go` (`Config`, `TLSConfig`, `HTTPConfig`,
 * `getConfig`, `SetDirectory`) and `web/handler.go` (`extraHTTPHeaders`,
 * `validateHeaderConfig`, `validateUsers`). Field names are Go's, lowercased; the YAML keys are
 * exporter-toolkit's:
 *
 * ```yaml
 * tls_server_config:
 *   cert_file: server.crt          # relative to this file's directory
 *   key_file: server.key
 *   client_auth_type: RequireAndVerifyClientCert
 *   client_ca_file: ca.crt
 *   min_version: TLS12             # TLS10, TLS11, TLS12 (default), TLS13
 *   max_version: TLS13             # default TLS13
 *   cipher_suites: [TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256]
 *   curve_preferences: [X25519, CurveP256]
 *   prefer_server_cipher_suites: true
 * http_server_config:
 *   http2: true
 *   headers:
 *     X-Frame-Options: deny
 * basic_auth_users:
 *   alice: $2y$10$...
 * ```
 *
 * @module
 */

import { dirname, isAbsolute, join } from "node:path";

import { BcryptError, cost } from "./bcrypt.js";
import { Decoder, goQuote } from "./decode.js";
import { WebConfigError } from "./errors.js";
import { readFile, readFileSync } from "./files.js";
import { decodeConfigText } from "./utf8.js";
import { type CipherSuiteName, cipherSuites, type CurveName, curves, type TLSVersionName, tlsVersions } from "./tls.js";
import { parseDocument, YamlError, type YamlNode } from "./yaml.js";

/** Config is a whole web configuration file (Go's `web.Config`). */
export interface Config {
  /** `tls_server_config`. */
  tlsConfig: TLSConfig;
  /** `http_server_config`. */
  httpConfig: HTTPConfig;
  /** `basic_auth_users`: user name to bcrypt hash. */
  users: Map<string, string>;
}

/** TLSConfig is the `tls_server_config` section (Go's `web.TLSConfig`). */
export interface TLSConfig {
  /** `cert_file`: the server certificate (PEM), chain included. */
  tlsCertPath: string;
  /** `key_file`: the server's private key (PEM). */
  tlsKeyPath: string;
  /** `client_auth_type`: one of Go's `tls.ClientAuthType` names, or empty. */
  clientAuth: string;
  /** `client_ca_file`: the CAs that client certificates are verified against. */
  clientCAs: string;
  /** `cipher_suites`: Go's names; empty means the defaults. */
  cipherSuites: CipherSuiteName[];
  /** `curve_preferences`: empty means the defaults. */
  curvePreferences: CurveName[];
  /** `min_version`, `TLS12` by default; undefined (after an explicit null) means node's default. */
  minVersion: TLSVersionName | undefined;
  /** `max_version`, `TLS13` by default; undefined (after an explicit null) means node's default. */
  maxVersion: TLSVersionName | undefined;
  /** `prefer_server_cipher_suites`, true by default. */
  preferServerCipherSuites: boolean;
}

/** HTTPConfig is the `http_server_config` section (Go's `web.HTTPConfig`). */
export interface HTTPConfig {
  /** `http2`, true by default. Accepted, but node:http serves HTTP/1.1 only. */
  http2: boolean;
  /** `headers`: extra response headers, from the allowed set only. */
  header: Map<string, string>;
}

/**
 * extraHTTPHeaders are the only headers `http_server_config.headers` may set, each with the
 * values it may take (an empty list: any value). exporter-toolkit keeps the list short on
 * purpose, for consistency across the Prometheus ecosystem.
 */
export const extraHTTPHeaders: Readonly<Record<string, readonly string[]>> = {
  "Strict-Transport-Security": [],
  "X-Content-Type-Options": ["nosniff"],
  "X-Frame-Options": ["deny", "sameorigin"],
  "X-XSS-Protection": [],
  "Content-Security-Policy": [],
};

/**
 * defaultConfig returns the configuration an empty file gives: no TLS, no users, no headers;
 * TLS 1.2 to 1.3 with server cipher preference, and HTTP/2 on, once TLS is configured.
 */
export function defaultConfig(): Config {
  return {
    tlsConfig: { ...zeroTLSConfig(), minVersion: "TLS12", maxVersion: "TLS13", preferServerCipherSuites: true },
    httpConfig: { http2: true, header: new Map() },
    users: new Map(),
  };
}

/**
 * getConfig reads and parses the web configuration file at `configPath` (Go's `getConfig`).
 *
 * @throws {WebConfigError} when the file cannot be read or parseConfig refuses it.
 */
export async function getConfig(configPath: string): Promise<Config> {
  return parseConfig(inFile(configPath, decodeConfigText, await readFile(configPath)), configPath);
}

/**
 * getConfigSync is getConfig without a promise, for the TLS handshake path.
 *
 * @throws {WebConfigError} as getConfig does.
 */
export function getConfigSync(configPath: string): Config {
  return parseConfig(inFile(configPath, decodeConfigText, readFileSync(configPath)), configPath);
}

/** inFile decodes `data`, naming `configPath` in the error if it cannot. */
function inFile(configPath: string, decode: (data: Uint8Array) => string, data: Uint8Array): string {
  try {
    return decode(data);
  } catch (err) {
    throw err instanceof WebConfigError ? err.inFile(configPath) : err;
  }
}

/** Where each user's hash was written, for the errors of validateUsers. */
const userLines = new WeakMap<Config, Map<string, number>>();

/**
 * parseConfig parses the text of a web configuration file: YAML within our subset, decoded as
 * strictly as yaml.v2's `UnmarshalStrict` does onto the defaults, headers checked, and the
 * relative paths of the TLS section joined to the directory of `configPath`.
 *
 * @throws {WebConfigError} for a YAML syntax error (with line and column), unknown keys and
 *   wrong types (`yaml: unmarshal errors:` with one line each), an unknown cipher, curve or
 *   TLS version, or a header that may not be set.
 */
export function parseConfig(text: string, configPath: string): Config {
  let root: YamlNode | null;
  try {
    root = parseDocument(text);
  } catch (err) {
    if (!(err instanceof YamlError)) throw err;
    throw new WebConfigError(err.message, { file: configPath, line: err.line, column: err.column, cause: err });
  }
  const c = defaultConfig();
  const lines = new Map<string, number>();
  try {
    if (root !== null) decodeConfig(root, c, lines);
    validateHeaderConfig(c.httpConfig.header);
  } catch (err) {
    throw err instanceof WebConfigError ? err.inFile(configPath) : err;
  }
  setDirectory(c.tlsConfig, dirname(configPath));
  userLines.set(c, lines);
  return c;
}

/**
 * validateHeaderConfig checks that only allowed headers are set, and those with a fixed set
 * of values to one of them (Go's `validateHeaderConfig`), and that every value can be sent.
 *
 * One check is ours: a value with a character HTTP/1.1 cannot carry (CR, LF and the other
 * control characters but tab, or anything above U+00FF) is refused here, where Go accepts it and
 * replaces CR and LF by spaces when it writes the header; Node would refuse the header on every
 * response instead, turning each one into a 500.
 *
 * @throws {WebConfigError} `HTTP header "Content-Type" can not be configured`, `invalid value
 *   for X-Frame-Options. Expected one of: ["deny" "sameorigin"], but got: "foo"`, or `invalid
 *   value for X-XSS-Protection: character U+000A at offset 1 cannot be sent in an HTTP header`.
 */
export function validateHeaderConfig(headers: ReadonlyMap<string, string>): void {
  for (const [name, value] of headers) {
    const allowed = Object.hasOwn(extraHTTPHeaders, name) ? extraHTTPHeaders[name] : undefined;
    if (allowed === undefined) throw new WebConfigError(`HTTP header ${goQuote(name)} can not be configured`);
    if (allowed.length > 0 && !allowed.includes(value)) {
      const expected = `[${allowed.map(goQuote).join(" ")}]`;
      throw new WebConfigError(`invalid value for ${name}. Expected one of: ${expected}, but got: ${goQuote(value)}`);
    }
    const bad = /[^\t\x20-\x7e\x80-\xff]/u.exec(value);
    if (bad !== null) {
      const code = bad[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0");
      throw new WebConfigError(`invalid value for ${name}: character U+${code} at offset ${bad.index} cannot be sent in an HTTP header`);
    }
  }
}

/**
 * validateUsers checks that every `basic_auth_users` entry is a bcrypt hash we can verify
 * (Go's `validateUsers`, which calls `bcrypt.Cost` on each).
 *
 * @throws {WebConfigError} with the BcryptError's message (`crypto/bcrypt: hashedSecret too
 *   short to be a bcrypted password`) and the line of the offending user.
 */
export function validateUsers(c: Config, file?: string): void {
  for (const [user, hash] of c.users) {
    try {
      cost(hash);
    } catch (err) {
      if (!(err instanceof BcryptError)) throw err;
      throw new WebConfigError(err.message, { file, line: userLines.get(c)?.get(user), cause: err });
    }
  }
}

/** setDirectory joins relative file paths with `dir` (Go's `TLSConfig.SetDirectory`). */
export function setDirectory(t: TLSConfig, dir: string): void {
  t.tlsCertPath = joinDir(dir, t.tlsCertPath);
  t.tlsKeyPath = joinDir(dir, t.tlsKeyPath);
  t.clientCAs = joinDir(dir, t.clientCAs);
}

/** joinDir is prometheus/common's `config.JoinDir`: empty and absolute paths stay as they are. */
function joinDir(dir: string, path: string): string {
  return path === "" || isAbsolute(path) ? path : join(dir, path);
}

function zeroTLSConfig(): TLSConfig {
  return {
    tlsCertPath: "",
    tlsKeyPath: "",
    clientAuth: "",
    clientCAs: "",
    cipherSuites: [],
    curvePreferences: [],
    minVersion: undefined,
    maxVersion: undefined,
    preferServerCipherSuites: false,
  };
}

/**
 * decodeConfig decodes the document onto `c` (which holds the defaults), recording where each
 * user is. Type errors are collected and thrown together; an unknown cipher, curve or version
 * stops at once, as the custom unmarshalers of exporter-toolkit do.
 */
function decodeConfig(root: YamlNode, c: Config, lines: Map<string, number>): void {
  const d = new Decoder();
  d.struct(root, "web.Config", {
    tls_server_config: (n) => decodeTLSConfig(d, n, c.tlsConfig),
    http_server_config: (n) => decodeHTTPConfig(d, n, c.httpConfig),
    basic_auth_users: (n) => {
      c.users = d.map(n, "map[string]config.Secret", (v) => d.string(v, "config.plain")) ?? c.users;
      if (n.kind === "mapping") for (const { key } of n.entries) lines.set(key.value, key.line);
    },
  }, () => {
    c.tlsConfig = zeroTLSConfig();
    c.httpConfig = { http2: false, header: new Map() };
    c.users = new Map();
  });
  if (d.issues.length > 0) {
    const message = `yaml: unmarshal errors:\n  ${d.issues.map((i) => `line ${i.line}: ${i.message}`).join("\n  ")}`;
    throw new WebConfigError(message, { issues: d.issues });
  }
}

function decodeTLSConfig(d: Decoder, node: YamlNode, t: TLSConfig): void {
  d.struct(node, "web.TLSConfig", {
    cert_file: (n) => {
      t.tlsCertPath = d.string(n) ?? t.tlsCertPath;
    },
    key_file: (n) => {
      t.tlsKeyPath = d.string(n) ?? t.tlsKeyPath;
    },
    client_auth_type: (n) => {
      t.clientAuth = d.string(n) ?? t.clientAuth;
    },
    client_ca_file: (n) => {
      t.clientCAs = d.string(n) ?? t.clientCAs;
    },
    cipher_suites: (n) => {
      t.cipherSuites = d.slice(n, "[]web.Cipher", (i) => named(d, i, cipherSuites, "unknown cipher")) ?? t.cipherSuites;
    },
    curve_preferences: (n) => {
      t.curvePreferences = d.slice(n, "[]web.Curve", (i) => named(d, i, curves, "unknown curve")) ?? t.curvePreferences;
    },
    min_version: (n) => {
      if (d.isNull(n)) t.minVersion = undefined;
      else t.minVersion = named(d, n, tlsVersions, "unknown TLS version") ?? t.minVersion;
    },
    max_version: (n) => {
      if (d.isNull(n)) t.maxVersion = undefined;
      else t.maxVersion = named(d, n, tlsVersions, "unknown TLS version") ?? t.maxVersion;
    },
    prefer_server_cipher_suites: (n) => {
      t.preferServerCipherSuites = d.bool(n) ?? t.preferServerCipherSuites;
    },
  }, () => Object.assign(t, zeroTLSConfig()));
}

function decodeHTTPConfig(d: Decoder, node: YamlNode, h: HTTPConfig): void {
  d.struct(node, "web.HTTPConfig", {
    http2: (n) => {
      h.http2 = d.bool(n) ?? h.http2;
    },
    headers: (n) => {
      h.header = d.map(n, "map[string]string", (v) => d.string(v)) ?? h.header;
    },
  }, () => Object.assign(h, { http2: false, header: new Map() }));
}

/**
 * named decodes one of a fixed set of names, as exporter-toolkit's `UnmarshalYAML` methods for
 * `Cipher`, `Curve` and `TLSVersion` do: the value must decode as a string, and an unknown
 * name fails the whole file with `unknown cipher: <name>`. A null is skipped (Go would store
 * the zero value, which no handshake uses).
 */
function named<K extends string>(d: Decoder, node: YamlNode, table: Readonly<Record<K, string>>, what: string): K | undefined {
  if (d.isNull(node)) return undefined;
  const s = d.string(node);
  if (s === undefined) return undefined;
  if (!Object.hasOwn(table, s)) throw new WebConfigError(`${what}: ${s}`, { line: node.line });
  return s as K;
}
