/**
 * The `tls_server_config` section turned into `node:tls` options: certificate and key, the
 * client CA pool, the client authentication policy, TLS versions, cipher suites and curves.
 *
 * Counterpart: exporter-toolkit `web/tls_config.go` (`ConfigToTLSConfig`, the `Cipher`,
 * `Curve` and `TLSVersion` types and their names) and Go's `crypto/tls` (`CipherSuites()`,
 * `ClientAuthType`). Go's names are mapped onto OpenSSL's:
 *
 * | Go `ClientAuth` | node:tls | checked after the handshake |
 * |---|---|---|
 * | `NoClientCert` (or empty) | no `requestCert` | nothing |
 * | `RequestClientCert` | `requestCert`, `rejectUnauthorized: false` | nothing |
 * | `RequireAnyClientCert` (`RequireClientCert`) | `requestCert`, `rejectUnauthorized: false` | a certificate was sent |
 * | `VerifyClientCertIfGiven` | `requestCert`, `rejectUnauthorized: false` | a certificate sent is valid |
 * | `RequireAndVerifyClientCert` | `requestCert`, `rejectUnauthorized: false` | a certificate was sent and is valid |
 *
 * `rejectUnauthorized` stays false for every policy, so that a refused client certificate is
 * refused after the handshake by checkClientCertificate, which gives the reason (`unable to get
 * local issuer certificate`, `certificate has expired`, ...) for the log line; node:tls would
 * end the handshake with only `socket hang up` to report.
 *
 * Client-initiated renegotiation (TLS 1.2) is refused (`SSL_OP_NO_RENEGOTIATION`), as Go's
 * server, which implements none.
 *
 * Go does not let TLS 1.3 cipher suites be configured; neither do we: TLS 1.3 names in
 * `cipher_suites` are accepted and leave TLS 1.3 at OpenSSL's defaults. A list of only TLS 1.3
 * names leaves TLS 1.2 without suites in Go, so here it raises the minimum version to TLS 1.3.
 * `prefer_server_cipher_suites` becomes `honorCipherOrder` (Go ignores it since 1.17).
 *
 * @module
 */

import { constants as cryptoConstants, createHash, createPrivateKey, type KeyObject, X509Certificate } from "node:crypto";
import { createSecureContext, type SecureContextOptions, type SecureVersion, type TLSSocket } from "node:tls";

import { WebConfigError } from "./errors.js";
import { readFileSync } from "./files.js";
import type { TLSConfig } from "./web-config.js";

/** cipherSuites maps Go's secure cipher suite names (`tls.CipherSuites()`) to OpenSSL's. */
export const cipherSuites = {
  TLS_RSA_WITH_AES_128_CBC_SHA: "AES128-SHA",
  TLS_RSA_WITH_AES_256_CBC_SHA: "AES256-SHA",
  TLS_RSA_WITH_AES_128_GCM_SHA256: "AES128-GCM-SHA256",
  TLS_RSA_WITH_AES_256_GCM_SHA384: "AES256-GCM-SHA384",
  TLS_AES_128_GCM_SHA256: "TLS_AES_128_GCM_SHA256",
  TLS_AES_256_GCM_SHA384: "TLS_AES_256_GCM_SHA384",
  TLS_CHACHA20_POLY1305_SHA256: "TLS_CHACHA20_POLY1305_SHA256",
  TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA: "ECDHE-ECDSA-AES128-SHA",
  TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA: "ECDHE-ECDSA-AES256-SHA",
  TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA: "ECDHE-RSA-AES128-SHA",
  TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA: "ECDHE-RSA-AES256-SHA",
  TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256: "ECDHE-ECDSA-AES128-GCM-SHA256",
  TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384: "ECDHE-ECDSA-AES256-GCM-SHA384",
  TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256: "ECDHE-RSA-AES128-GCM-SHA256",
  TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384: "ECDHE-RSA-AES256-GCM-SHA384",
  TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256: "ECDHE-RSA-CHACHA20-POLY1305",
  TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256: "ECDHE-ECDSA-CHACHA20-POLY1305",
} as const;

/** CipherSuiteName is a name `cipher_suites` accepts. */
export type CipherSuiteName = keyof typeof cipherSuites;

/** curves maps exporter-toolkit's `curve_preferences` names to OpenSSL's. */
export const curves = { CurveP256: "P-256", CurveP384: "P-384", CurveP521: "P-521", X25519: "X25519" } as const;

/** CurveName is a name `curve_preferences` accepts. */
export type CurveName = keyof typeof curves;

/** tlsVersions maps exporter-toolkit's `min_version`/`max_version` names to node:tls's. */
export const tlsVersions = { TLS10: "TLSv1", TLS11: "TLSv1.1", TLS12: "TLSv1.2", TLS13: "TLSv1.3" } as const satisfies Record<
  string,
  SecureVersion
>;

/** TLSVersionName is a name `min_version` and `max_version` accept. */
export type TLSVersionName = keyof typeof tlsVersions;

/** ClientAuthType is Go's `tls.ClientAuthType`, by name. */
export type ClientAuthType =
  | "NoClientCert"
  | "RequestClientCert"
  | "RequireAnyClientCert"
  | "VerifyClientCertIfGiven"
  | "RequireAndVerifyClientCert";

/** The `client_auth_type` values exporter-toolkit accepts, and what each means. */
const clientAuthTypes: Readonly<Record<string, ClientAuthType>> = {
  "": "NoClientCert",
  NoClientCert: "NoClientCert",
  RequestClientCert: "RequestClientCert",
  RequireAnyClientCert: "RequireAnyClientCert",
  RequireClientCert: "RequireAnyClientCert", // Kept by exporter-toolkit for backwards compatibility.
  VerifyClientCertIfGiven: "VerifyClientCertIfGiven",
  RequireAndVerifyClientCert: "RequireAndVerifyClientCert",
};

const tls13Suites = new Set<string>(["TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"]);

/**
 * ServerTLSConfig is a loaded, checked TLS configuration: what a `node:tls` server needs for
 * the next connection. It is Go's `*tls.Config` for our purposes.
 */
export interface ServerTLSConfig {
  /** Certificate, key, CA pool, versions, ciphers and curves, ready for createSecureContext. */
  readonly secureContextOptions: SecureContextOptions & { cert: Buffer; key: Buffer };
  /** The client authentication policy. */
  readonly clientAuth: ClientAuthType;
  /** Whether the server asks clients for a certificate. */
  readonly requestCert: boolean;
  /** Whether node:tls itself refuses clients without a valid certificate. */
  readonly rejectUnauthorized: boolean;
  /** A digest of everything above: equal digests mean nothing changed. */
  readonly fingerprint: string;
}

/**
 * configToTLSConfig loads and checks the files a `tls_server_config` names and maps its
 * settings onto node:tls, as exporter-toolkit's `ConfigToTLSConfig` does. It returns `null`
 * when the section is absent (no cert, key, client auth or client CA: serve plain HTTP).
 *
 * Pass the `previous` result to have it returned as it is when nothing (settings or file
 * contents) changed, so that callers can cheaply re-run this for every connection. `files` may
 * hold the contents of the named files, read beforehand (asynchronously), or the error reading
 * one gave; a file not in it is read here.
 *
 * @throws {WebConfigError} `missing cert_file`, `missing key_file`, `failed to load
 *   X509KeyPair: ...`, `open <ca>: no such file or directory`, `Invalid ClientAuth: <x>`,
 *   `Client CA's have been configured without a Client Auth Policy`.
 */
export function configToTLSConfig(
  c: TLSConfig,
  previous?: ServerTLSConfig,
  files?: ReadonlyMap<string, Buffer | Error>,
): ServerTLSConfig | null {
  const read = (path: string): Buffer => {
    const content = files?.get(path);
    if (content instanceof Error) throw content;
    return content ?? readFileSync(path);
  };
  if (c.tlsCertPath === "" && c.tlsKeyPath === "" && c.clientAuth === "" && c.clientCAs === "") return null;
  if (c.tlsCertPath === "") throw new WebConfigError("missing cert_file");
  if (c.tlsKeyPath === "") throw new WebConfigError("missing key_file");

  const { cert, key } = loadX509KeyPair(c.tlsCertPath, c.tlsKeyPath, read, previous);
  const ca = c.clientCAs === "" ? undefined : read(c.clientCAs);
  const clientAuth = Object.hasOwn(clientAuthTypes, c.clientAuth) ? clientAuthTypes[c.clientAuth] : undefined;
  if (clientAuth === undefined) throw new WebConfigError(`Invalid ClientAuth: ${c.clientAuth}`);
  if (ca !== undefined && clientAuth === "NoClientCert") {
    throw new WebConfigError("Client CA's have been configured without a Client Auth Policy");
  }

  const secureContextOptions = { ...protocolOptions(c), cert, key, ...(ca === undefined ? {} : { ca }) };
  const config: ServerTLSConfig = {
    secureContextOptions,
    clientAuth,
    requestCert: clientAuth !== "NoClientCert",
    rejectUnauthorized: false,
    fingerprint: fingerprintOf(secureContextOptions, clientAuth),
  };
  if (previous !== undefined && previous.fingerprint === config.fingerprint) return previous;
  try {
    createSecureContext(secureContextOptions);
  } catch (err) {
    throw new WebConfigError(`tls: ${(err as Error).message}`, { cause: err });
  }
  return config;
}

/**
 * checkClientCertificate applies the parts of the client authentication policy that node:tls
 * leaves to the application (see the table above), once the handshake is done. It returns
 * the reason to refuse the connection, in Go's words, or undefined to accept it.
 */
export function checkClientCertificate(socket: TLSSocket, clientAuth: ClientAuthType): string | undefined {
  if (clientAuth === "NoClientCert" || clientAuth === "RequestClientCert") return undefined;
  const presented = Object.keys(socket.getPeerCertificate()).length > 0;
  if (!presented) return clientAuth === "VerifyClientCertIfGiven" ? undefined : "tls: client didn't provide a certificate";
  if (clientAuth === "RequireAnyClientCert" || socket.authorized) return undefined;
  return `tls: failed to verify client certificate: ${String(socket.authorizationError)}`;
}

/** protocolOptions maps versions, cipher suites and curves onto node:tls option names. */
function protocolOptions(c: TLSConfig): SecureContextOptions {
  const options: SecureContextOptions = {
    honorCipherOrder: c.preferServerCipherSuites,
    secureOptions: cryptoConstants.SSL_OP_NO_RENEGOTIATION,
  };
  if (c.minVersion !== undefined) options.minVersion = tlsVersions[c.minVersion];
  if (c.maxVersion !== undefined) options.maxVersion = tlsVersions[c.maxVersion];
  const tls12 = c.cipherSuites.filter((name) => !tls13Suites.has(name));
  if (tls12.length > 0) options.ciphers = tls12.map((name) => cipherSuites[name]).join(":");
  else if (c.cipherSuites.length > 0) options.minVersion = "TLSv1.3";
  if (c.curvePreferences.length > 0) options.ecdhCurve = c.curvePreferences.map((name) => curves[name]).join(":");
  return options;
}

/**
 * loadX509KeyPair reads a PEM certificate and key and checks that they belong together, with
 * the messages of Go's `tls.LoadX509KeyPair` behind exporter-toolkit's `failed to load
 * X509KeyPair: ` prefix. Files whose bytes equal `previous`'s are not checked again.
 */
function loadX509KeyPair(
  certPath: string,
  keyPath: string,
  read: (path: string) => Buffer,
  previous?: ServerTLSConfig,
): { cert: Buffer; key: Buffer } {
  const prefix = "failed to load X509KeyPair: ";
  let cert: Buffer;
  let key: Buffer;
  try {
    cert = read(certPath);
    key = read(keyPath);
  } catch (err) {
    throw new WebConfigError(prefix + (err as Error).message, { cause: err });
  }
  const old = previous?.secureContextOptions;
  if (old !== undefined && old.cert.equals(cert) && old.key.equals(key)) return { cert: old.cert, key: old.key };
  const problem = keyPairProblem(cert, key);
  if (problem !== undefined) throw new WebConfigError(prefix + problem);
  return { cert, key };
}

/**
 * keyPairProblem says what is wrong with a certificate and key, in the words of Go's
 * `tls.X509KeyPair`, or undefined if nothing.
 */
function keyPairProblem(cert: Buffer, key: Buffer): string | undefined {
  const certTypes = pemTypes(cert);
  if (!certTypes.includes("CERTIFICATE")) {
    if (certTypes.length === 0) return "tls: failed to find any PEM data in certificate input";
    if (certTypes.some((t) => t.endsWith("PRIVATE KEY"))) {
      return "tls: failed to find certificate PEM data in certificate input, but did find a private key; PEM inputs may have been switched";
    }
    return `tls: failed to find "CERTIFICATE" PEM block in certificate input after skipping PEM blocks of the following types: [${certTypes.join(" ")}]`;
  }
  const keyTypes = pemTypes(key);
  if (!keyTypes.some((t) => t === "PRIVATE KEY" || t.endsWith(" PRIVATE KEY"))) {
    if (keyTypes.length === 0) return "tls: failed to find any PEM data in key input";
    if (keyTypes.includes("CERTIFICATE")) return "tls: found a certificate rather than a key in the PEM for the private key";
    return `tls: failed to find PEM block with type ending in "PRIVATE KEY" in key input after skipping PEM blocks of the following types: [${keyTypes.join(" ")}]`;
  }
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(cert);
  } catch (err) {
    return `x509: malformed certificate (${(err as Error).message})`;
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(key);
  } catch {
    return "tls: failed to parse private key";
  }
  if (certificate.publicKey.asymmetricKeyType !== privateKey.asymmetricKeyType) {
    return "tls: private key type does not match public key type";
  }
  return certificate.checkPrivateKey(privateKey) ? undefined : "tls: private key does not match public key";
}

/** pemTypes lists the types of the PEM blocks in `data` (`CERTIFICATE`, `EC PRIVATE KEY`, ...). */
function pemTypes(data: Buffer): string[] {
  return [...data.toString("latin1").matchAll(/-----BEGIN ([^-\r\n]*)-----/g)].map((m) => m[1]!);
}

function fingerprintOf(options: SecureContextOptions & { cert: Buffer; key: Buffer }, clientAuth: ClientAuthType): string {
  const { cert, key, ca, ...rest } = options;
  const hash = createHash("sha256");
  for (const part of [cert, key, (ca as Buffer | undefined) ?? Buffer.alloc(0)]) {
    hash.update(String(part.length)).update(":").update(part);
  }
  return hash.update(JSON.stringify({ ...rest, clientAuth })).digest("hex");
}

/** tlsFiles lists the files a `tls_server_config` names: certificate, key and client CA, if set. */
export function tlsFiles(c: TLSConfig): string[] {
  return [c.tlsCertPath, c.tlsKeyPath, c.clientCAs].filter((path) => path !== "");
}
