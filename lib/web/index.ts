/**
 * TLS and basic authentication for the exporter's web server, configured by exporter-toolkit's
 * web configuration file (`--web.config.file`), with the YAML parser and bcrypt verification
 * they need, written from scratch on Node's built-ins.
 *
 * Counterpart: github.com/prometheus/exporter-toolkit/web. See docs/security.md.
 * @module
 */
export { AuthCache, cacheSize } from "./cache.js";
export { BasicAuthenticator, type AuthenticatorOptions, type Credentials, fakeHash, parseBasicAuth } from "./basic-auth.js";
export { BcryptBusyError, BcryptWorker, MaxPendingComparisons } from "./bcrypt-thread.js";
export {
  BcryptError,
  compareHashAndPassword,
  cost,
  defaultCost,
  generateFromPassword,
  maxCost,
  minCost,
  type ParsedHash,
  parseHash,
} from "./bcrypt.js";
export { type Issue, goQuote } from "./decode.js";
export { WebConfigError, type WebConfigErrorOptions } from "./errors.js";
export { httpError, newWebHandler, type RequestHandler, type WebHandlerOptions } from "./handler.js";
export { ConfigReloader, load, type Loaded, type WebLogger } from "./reload.js";
export {
  type ConfiguredServer,
  listenAndServe,
  type ListenAndServeOptions,
  newServer,
  type ServerOptions,
  type Serving,
  validate,
} from "./serve.js";
export {
  checkClientCertificate,
  type ClientAuthType,
  cipherSuites,
  type CipherSuiteName,
  configToTLSConfig,
  type CurveName,
  curves,
  type ServerTLSConfig,
  tlsVersions,
  type TLSVersionName,
} from "./tls.js";
export {
  type Config,
  defaultConfig,
  extraHTTPHeaders,
  getConfig,
  getConfigSync,
  type HTTPConfig,
  parseConfig,
  setDirectory,
  type TLSConfig,
  validateHeaderConfig,
  validateUsers,
} from "./web-config.js";
export {
  parse as parseYaml,
  parseDocument,
  type Resolved,
  resolveScalar,
  type ScalarStyle,
  type ScalarTag,
  YamlError,
  type YamlEntry,
  type YamlMapping,
  type YamlNode,
  type YamlScalar,
  type YamlSequence,
} from "./yaml.js";
