/**
 * configToTLSConfig: how `tls_server_config` maps onto node:tls options, and when a reload
 * may reuse what it had. Handshakes with real clients are in serve.spec.ts.
 */
import { writeFileSync } from "node:fs";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { WebConfigError } from "../../lib/web/errors.js";
import { configToTLSConfig, type ServerTLSConfig } from "../../lib/web/tls.js";
import { defaultConfig, type TLSConfig } from "../../lib/web/web-config.js";
import { certs, hasOpenssl, type TestCerts } from "../support/certs.js";

describe.skipIf(!hasOpenssl())("configToTLSConfig", () => {
  let made: TestCerts;
  let tls: (fields: Partial<TLSConfig>) => TLSConfig;

  beforeAll(() => {
    made = certs();
    tls = (fields) => ({ ...defaultConfig().tlsConfig, tlsCertPath: made.server.certFile, tlsKeyPath: made.server.keyFile, ...fields });
  });

  afterAll(() => made?.remove());

  it("gives null when the section configures nothing (plain HTTP)", () => {
    expect(configToTLSConfig(defaultConfig().tlsConfig)).toBeNull();
  });

  it("maps exporter-toolkit's defaults", () => {
    const c = configToTLSConfig(tls({}))!;
    expect(c.secureContextOptions).toMatchObject({ minVersion: "TLSv1.2", maxVersion: "TLSv1.3", honorCipherOrder: true });
    expect(c.secureContextOptions).not.toHaveProperty("ciphers");
    expect(c.secureContextOptions).not.toHaveProperty("ecdhCurve");
    expect(c.secureContextOptions).not.toHaveProperty("ca");
    expect(c.secureContextOptions.cert.toString()).toBe(made.server.cert);
    expect(c).toMatchObject({ clientAuth: "NoClientCert", requestCert: false, rejectUnauthorized: false });
  });

  it("maps versions, cipher suites in order, curves and cipher preference", () => {
    const c = configToTLSConfig(
      tls({
        minVersion: "TLS10",
        maxVersion: "TLS12",
        cipherSuites: ["TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256", "TLS_RSA_WITH_AES_128_CBC_SHA"],
        curvePreferences: ["X25519", "CurveP521"],
        preferServerCipherSuites: false,
      }),
    )!;
    expect(c.secureContextOptions).toMatchObject({
      minVersion: "TLSv1",
      maxVersion: "TLSv1.2",
      ciphers: "ECDHE-ECDSA-AES256-GCM-SHA384:AES128-SHA",
      ecdhCurve: "X25519:P-521",
      honorCipherOrder: false,
    });
  });

  it("leaves TLS 1.2 without suites when only TLS 1.3 suites are listed, as Go does", () => {
    const c = configToTLSConfig(tls({ cipherSuites: ["TLS_AES_256_GCM_SHA384"] }))!;
    expect(c.secureContextOptions.minVersion).toBe("TLSv1.3");
    expect(c.secureContextOptions).not.toHaveProperty("ciphers");
  });

  it("leaves node's version defaults when a version was set to null", () => {
    const c = configToTLSConfig(tls({ minVersion: undefined, maxVersion: undefined }))!;
    expect(c.secureContextOptions).not.toHaveProperty("minVersion");
    expect(c.secureContextOptions).not.toHaveProperty("maxVersion");
  });

  it.each([
    ["", "NoClientCert", false, false],
    ["NoClientCert", "NoClientCert", false, false],
    ["RequestClientCert", "RequestClientCert", true, false],
    ["RequireAnyClientCert", "RequireAnyClientCert", true, false],
    ["RequireClientCert", "RequireAnyClientCert", true, false],
    ["VerifyClientCertIfGiven", "VerifyClientCertIfGiven", true, false],
    // Verified after the handshake (checkClientCertificate), so that the reason can be logged.
    ["RequireAndVerifyClientCert", "RequireAndVerifyClientCert", true, false],
  ])("maps client_auth_type %j to %s (requestCert %s, rejectUnauthorized %s)", (name, clientAuth, requestCert, rejectUnauthorized) => {
    const c = configToTLSConfig(tls({ clientAuth: name, clientCAs: name === "" || name === "NoClientCert" ? "" : made.ca.certFile }))!;
    expect(c).toMatchObject({ clientAuth, requestCert, rejectUnauthorized });
    if (requestCert) expect(c.secureContextOptions.ca?.toString()).toBe(made.ca.cert);
  });

  it("returns the previous result while nothing changed, a new one when a file did", () => {
    const config = tls({ tlsCertPath: `${made.dir}/rotating.crt`, tlsKeyPath: `${made.dir}/rotating.key` });
    writeFileSync(config.tlsCertPath, made.server.cert);
    writeFileSync(config.tlsKeyPath, made.server.key);
    const first = configToTLSConfig(config)!;
    expect(configToTLSConfig(config, first)).toBe(first);
    expect(configToTLSConfig({ ...config, maxVersion: "TLS12" }, first)).not.toBe(first);
    writeFileSync(config.tlsCertPath, made.server2.cert);
    writeFileSync(config.tlsKeyPath, made.server2.key);
    const second: ServerTLSConfig = configToTLSConfig(config, first)!;
    expect(second).not.toBe(first);
    expect(second.secureContextOptions.cert.toString()).toBe(made.server2.cert);
  });

  it("checks a changed key against the certificate again", () => {
    const config = tls({ tlsCertPath: `${made.dir}/mixed.crt`, tlsKeyPath: `${made.dir}/mixed.key` });
    writeFileSync(config.tlsCertPath, made.server.cert);
    writeFileSync(config.tlsKeyPath, made.server.key);
    const first = configToTLSConfig(config)!;
    writeFileSync(config.tlsKeyPath, made.server2.key);
    expect(() => configToTLSConfig(config, first)).toThrow(WebConfigError);
    expect(() => configToTLSConfig(config, first)).toThrow("failed to load X509KeyPair: tls: private key does not match public key");
  });
});
