/**
 * The web configuration file: defaults, the typed result, relative paths, and one table of
 * files and the error exporter-toolkit gives for each. The files are exporter-toolkit's own
 * testdata (`web/testdata/*.yml`) plus cases of our own; every expected message was checked
 * against exporter-toolkit's `web.Validate` (Go 1.19, gopkg.in/yaml.v2) when the table was
 * written.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { WebConfigError } from "../../lib/web/errors.js";
import { validate } from "../../lib/web/serve.js";
import { defaultConfig, getConfig, parseConfig, validateHeaderConfig, validateUsers } from "../../lib/web/web-config.js";
import { YamlError } from "../../lib/web/yaml.js";
import { certs, hasOpenssl, type TestCerts } from "../support/certs.js";

/** thrown runs `f` and returns what it threw, or undefined. */
function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (err) {
    return err;
  }
  return undefined;
}

const hash = "$2y$04$epZd1tOgHZwAPR81KiVbF.V4JQcz/gNCej0jlntYQeyuF8oTizjfe";

describe("parseConfig", () => {
  it("gives exporter-toolkit's defaults for an empty file", () => {
    expect(parseConfig("", "/etc/web.yml")).toEqual(defaultConfig());
    expect(defaultConfig()).toEqual({
      tlsConfig: {
        tlsCertPath: "",
        tlsKeyPath: "",
        clientAuth: "",
        clientCAs: "",
        cipherSuites: [],
        curvePreferences: [],
        minVersion: "TLS12",
        maxVersion: "TLS13",
        preferServerCipherSuites: true,
      },
      httpConfig: { http2: true, header: new Map() },
      users: new Map(),
    });
  });

  it("decodes every field, joining relative paths to the file's directory", () => {
    const c = parseConfig(
      `tls_server_config:
  cert_file: server.crt
  key_file: /abs/server.key
  client_auth_type: "RequireAndVerifyClientCert"
  client_ca_file: ../ca/ca.crt
  cipher_suites:
  - TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256
  - TLS_AES_128_GCM_SHA256
  curve_preferences: [X25519, CurveP256]
  min_version: TLS13
  max_version: TLS13
  prefer_server_cipher_suites: no
http_server_config:
  http2: false
  headers:
    X-Frame-Options: deny
    X-XSS-Protection: 1
basic_auth_users:
  alice: ${hash}
  "bob smith": '${hash}'
`,
      "/etc/exporter/web.yml",
    );
    expect(c).toEqual({
      tlsConfig: {
        tlsCertPath: "/etc/exporter/server.crt",
        tlsKeyPath: "/abs/server.key",
        clientAuth: "RequireAndVerifyClientCert",
        clientCAs: "/etc/ca/ca.crt",
        cipherSuites: ["TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_AES_128_GCM_SHA256"],
        curvePreferences: ["X25519", "CurveP256"],
        minVersion: "TLS13",
        maxVersion: "TLS13",
        preferServerCipherSuites: false,
      },
      httpConfig: { http2: false, header: new Map([["X-Frame-Options", "deny"], ["X-XSS-Protection", "1"]]) },
      users: new Map([["alice", hash], ["bob smith", hash]]),
    });
  });

  it("resets a section given as null to Go's zero value, defaults included", () => {
    const c = parseConfig("tls_server_config:\nhttp_server_config: ~\n", "web.yml");
    expect(c.tlsConfig).toMatchObject({ minVersion: undefined, maxVersion: undefined, preferServerCipherSuites: false });
    expect(c.httpConfig).toEqual({ http2: false, header: new Map() });
  });

  it("resolves relative paths against a relative file's directory as Go does", () => {
    expect(parseConfig("tls_server_config:\n  cert_file: a.crt\n", "web.yml").tlsConfig.tlsCertPath).toBe("a.crt");
    expect(parseConfig("tls_server_config:\n  cert_file: a.crt\n", "conf/web.yml").tlsConfig.tlsCertPath).toBe("conf/a.crt");
  });

  it("reports a YAML syntax error with its line and column, the YamlError as cause", () => {
    const caught = thrown(() => parseConfig("tls_server_config:\n  cert_file: &a x\n", "/etc/web.yml"));
    expect(caught).toBeInstanceOf(WebConfigError);
    expect(caught).toMatchObject({
      message: "yaml: line 2, column 14: anchors are not supported",
      file: "/etc/web.yml",
      line: 2,
      column: 14,
    });
    expect((caught as WebConfigError).cause).toBeInstanceOf(YamlError);
  });

  it("lists every type error as yaml.v2 does, with the lines", () => {
    const caught = thrown(() => parseConfig("foo: 1\nbar: 2\ntls_server_config:\n  x: 1\n", "web.yml"));
    expect(caught).toBeInstanceOf(WebConfigError);
    expect((caught as WebConfigError).message).toBe(
      "yaml: unmarshal errors:\n" +
        "  line 1: field foo not found in type web.Config\n" +
        "  line 2: field bar not found in type web.Config\n" +
        "  line 4: field x not found in type web.TLSConfig",
    );
    expect(caught).toMatchObject({ file: "web.yml", line: 1 });
    expect((caught as WebConfigError).issues).toEqual([
      { line: 1, message: "field foo not found in type web.Config" },
      { line: 2, message: "field bar not found in type web.Config" },
      { line: 4, message: "field x not found in type web.TLSConfig" },
    ]);
  });
});

describe("validateHeaderConfig", () => {
  it.each([
    [{ "X-Frame-Options": "deny", "X-Content-Type-Options": "nosniff", "Strict-Transport-Security": "max-age=31536000" }, undefined],
    [{ "X-Frame-Options": "sameorigin", "Content-Security-Policy": "default-src 'self'", "X-XSS-Protection": "1" }, undefined],
    [{ "Content-Type": "foo" }, 'HTTP header "Content-Type" can not be configured'],
    [{ "x-frame-options": "deny" }, 'HTTP header "x-frame-options" can not be configured'],
    [{ "X-Frame-Options": "foo" }, 'invalid value for X-Frame-Options. Expected one of: ["deny" "sameorigin"], but got: "foo"'],
    [{ "X-Content-Type-Options": "sniff" }, 'invalid value for X-Content-Type-Options. Expected one of: ["nosniff"], but got: "sniff"'],
    [{ "X-Frame-Options": "a\tbé\x01" }, 'invalid value for X-Frame-Options. Expected one of: ["deny" "sameorigin"], but got: "a\\tbé\\x01"'],
  ])("checks %j", (headers, message) => {
    const check = (): void => validateHeaderConfig(new Map(Object.entries(headers)));
    if (message === undefined) expect(check).not.toThrow();
    else expect(check).toThrow(new WebConfigError(message));
  });
});

describe("validateUsers", () => {
  it("names the line of a malformed hash", () => {
    const c = parseConfig(`basic_auth_users:\n  alice: ${hash}\n  john: doe\n`, "web.yml");
    const err = thrown(() => validateUsers(c));
    expect(err).toBeInstanceOf(WebConfigError);
    expect(err).toMatchObject({ message: "crypto/bcrypt: hashedSecret too short to be a bcrypted password", line: 3 });
  });
});

describe.skipIf(!hasOpenssl())("validate (exporter-toolkit's testdata and more)", () => {
  let dir: string;
  let made: TestCerts;

  beforeAll(() => {
    made = certs();
    dir = mkdtempSync(join(tmpdir(), "web-config-"));
    writeFileSync(join(dir, "server.crt"), made.server.cert);
    writeFileSync(join(dir, "server.key"), made.server.key);
    writeFileSync(join(dir, "client_selfsigned.pem"), made.rogue.cert);
    writeFileSync(join(dir, "client_selfsigned.key"), made.rogue.key);
    writeFileSync(join(dir, "empty.yml"), "");
  });

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    made?.remove();
  });

  const tls = 'tls_server_config:\n  cert_file: "server.crt"\n  key_file: "server.key"\n';
  const junk = "hWkNKCp3fvIx3jKnsaBI\nTuEjdwNS8A2vYdFbiKqr\nay3RiOtykgt4m6m3KOol\n";
  const cases: { name: string; yaml: string; error?: string }[] = [
    // exporter-toolkit web/testdata
    { name: "tls_config_noAuth.requireandverifyclientcert.good", yaml: `${tls}  client_auth_type: "RequireAndVerifyClientCert"\n  client_ca_file: "client_selfsigned.pem"\n` },
    { name: "tls_config_noAuth.requireanyclientcert.good", yaml: `${tls}  client_auth_type: "RequireAnyClientCert"\n` },
    { name: "web_config_auth_clientCAs_invalid.bad", yaml: `${tls}  client_ca_file: "somefile"\n`, error: "open DIR/somefile: no such file or directory" },
    { name: "web_config_auth_clientCAs_missing.bad (valid: no CA file means system roots)", yaml: `${tls}  client_auth_type: "RequireAndVerifyClientCert"\n` },
    { name: "web_config_auth_user_list_invalid.bad", yaml: `${tls}basic_auth_users:\n  john: doe\n`, error: "crypto/bcrypt: hashedSecret too short to be a bcrypted password" },
    { name: "web_config_empty", yaml: "" },
    {
      name: "web_config_headers.good",
      yaml: "http_server_config:\n  headers:\n    X-Frame-Options: deny\n    Strict-Transport-Security: max-age=31536000; includeSubDomains\n" +
        "    X-Content-Type-Options: nosniff\n    X-XSS-Protection: 1\n    Content-Security-Policy: \"default-src 'self' *.test.example.net\"\n",
    },
    {
      name: "web_config_headers_content_type_options.bad",
      yaml: "http_server_config:\n  headers:\n    X-Content-Type-Options: sniff\n",
      error: 'invalid value for X-Content-Type-Options. Expected one of: ["nosniff"], but got: "sniff"',
    },
    {
      name: "web_config_headers_extra_header.bad",
      yaml: "http_server_config:\n  headers:\n    Content-Type: foo\n",
      error: 'HTTP header "Content-Type" can not be configured',
    },
    {
      name: "web_config_headers_frame_options.bad",
      yaml: "http_server_config:\n  headers:\n    X-Frame-Options: foo\n",
      error: 'invalid value for X-Frame-Options. Expected one of: ["deny" "sameorigin"], but got: "foo"',
    },
    { name: "web_config_junk", yaml: junk, error: "yaml: unmarshal errors:\n  line 1: cannot unmarshal !!str `hWkNKCp...` into web.Config" },
    {
      name: "web_config_junk_key",
      yaml: 'tls_server_config:\n  cert_filse: "server.crt"\n',
      error: "yaml: unmarshal errors:\n  line 2: field cert_filse not found in type web.TLSConfig",
    },
    { name: "web_config_noAuth.bad", yaml: `${tls}  client_ca_file: "/dev/null"\n`, error: "Client CA's have been configured without a Client Auth Policy" },
    { name: "web_config_noAuth.good", yaml: `${tls}  client_auth_type: "VerifyClientCertIfGiven"\n` },
    {
      name: "web_config_noAuth_allCiphers.good",
      yaml: `${tls}  client_auth_type: "VerifyClientCertIfGiven"\n  cipher_suites:\n` +
        ["TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
          "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
          "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
          "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
          "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", "TLS_RSA_WITH_AES_128_CBC_SHA", "TLS_RSA_WITH_AES_256_CBC_SHA",
          "TLS_RSA_WITH_AES_128_GCM_SHA256", "TLS_RSA_WITH_AES_256_GCM_SHA384"].map((c) => `  - ${c}\n`).join(""),
    },
    { name: "web_config_noAuth_allCurves.good", yaml: `${tls}  curve_preferences:\n    - CurveP256\n    - CurveP384\n    - CurveP521\n    - X25519\n` },
    { name: "web_config_noAuth_certPath_empty.bad", yaml: 'tls_server_config:\n  cert_file: ""\n  key_file: "server.key"\n', error: "missing cert_file" },
    { name: "web_config_noAuth_certPath_invalid.bad", yaml: 'tls_server_config:\n  cert_file: "somefile"\n  key_file: "server.key"\n', error: "failed to load X509KeyPair: open DIR/somefile: no such file or directory" },
    { name: "web_config_noAuth_certPath_keyPath_empty.bad", yaml: 'tls_server_config:\n  cert_file: ""\n  key_file: ""\n  client_auth_type: "x"\n', error: "missing cert_file" },
    { name: "web_config_noAuth_inventedCiphers.bad", yaml: `${tls}  cipher_suites:\n  - TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA2048\n`, error: "unknown cipher: TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA2048" },
    { name: "web_config_noAuth_inventedCurves.bad", yaml: `${tls}  curve_preferences:\n    - CurveP257\n`, error: "unknown curve: CurveP257" },
    { name: "web_config_noAuth_keyPath_empty.bad", yaml: 'tls_server_config:\n  cert_file: "server.crt"\n  key_file: ""\n', error: "missing key_file" },
    { name: "web_config_noAuth_keyPath_invalid.bad", yaml: 'tls_server_config:\n  cert_file: "server.cert"\n  key_file: "somefile"\n', error: "failed to load X509KeyPair: open DIR/server.cert: no such file or directory" },
    { name: "web_config_noAuth_noHTTP2.good", yaml: `${tls}  cipher_suites:\n    - TLS_RSA_WITH_AES_128_CBC_SHA\n  max_version: TLS12\nhttp_server_config:\n  http2: false\n` },
    { name: "web_config_noAuth_someCiphers_noOrder.good", yaml: `${tls}  cipher_suites:\n  - TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384\n  prefer_server_cipher_suites: false\n  min_version: TLS12\n  max_version: TLS12\n` },
    { name: "web_config_noAuth_wrongTLSVersion.bad", yaml: `${tls}  min_version: TLS111\n`, error: "unknown TLS version: TLS111" },
    { name: "web_config_users.good", yaml: `${tls}basic_auth_users:\n  alice: $2y$12$1DpfPeqF9HzHJt.EWswy1exHluGfbhnn3yXhR7Xes6m3WJqFg0Wby\n  bob: $2y$18$4VeFDzXIoPHKnKTU3O3GH.N.vZu06CVqczYZ8WvfzrddFU6tGqjR.\n` },
    // and more, each checked against exporter-toolkit
    { name: "unknown top-level key", yaml: "foo: 1\n", error: "yaml: unmarshal errors:\n  line 1: field foo not found in type web.Config" },
    { name: "sequence for a string", yaml: "tls_server_config:\n  cert_file: [a]\n", error: "yaml: unmarshal errors:\n  line 2: cannot unmarshal !!seq into string" },
    { name: "scalar for a section", yaml: "tls_server_config: abc\n", error: "yaml: unmarshal errors:\n  line 1: cannot unmarshal !!str `abc` into web.TLSConfig" },
    { name: "sequence for a section", yaml: "tls_server_config: [a]\n", error: "yaml: unmarshal errors:\n  line 1: cannot unmarshal !!seq into web.TLSConfig" },
    { name: "null section", yaml: "tls_server_config: ~\n" },
    { name: "field given twice", yaml: "tls_server_config:\n  cert_file: 1\n  cert_file: 2\n", error: "yaml: unmarshal errors:\n  line 3: field cert_file already set in type web.TLSConfig" },
    { name: "integer for a bool", yaml: "http_server_config:\n  http2: 1\n", error: "yaml: unmarshal errors:\n  line 2: cannot unmarshal !!int `1` into bool" },
    { name: "quoted bool", yaml: 'http_server_config:\n  http2: "true"\n', error: "yaml: unmarshal errors:\n  line 2: cannot unmarshal !!str `true` into bool" },
    { name: "YAML 1.1 bool", yaml: "http_server_config:\n  http2: yes\n" },
    { name: "sequence for headers", yaml: "http_server_config:\n  headers: [a]\n", error: "yaml: unmarshal errors:\n  line 2: cannot unmarshal !!seq into map[string]string" },
    {
      name: "header given twice",
      yaml: "http_server_config:\n  headers:\n    X-Frame-Options: deny\n    X-Frame-Options: deny\n",
      error: 'yaml: unmarshal errors:\n  line 4: key "X-Frame-Options" already set in map',
    },
    { name: "sequence for a password", yaml: "basic_auth_users:\n  a: [x]\n", error: "yaml: unmarshal errors:\n  line 2: cannot unmarshal !!seq into config.plain" },
    { name: "scalar for users", yaml: "basic_auth_users: abc\n", error: "yaml: unmarshal errors:\n  line 1: cannot unmarshal !!str `abc` into map[string]config.Secret" },
    { name: "user given twice", yaml: `basic_auth_users:\n  a: ${hash}\n  a: ${hash}\n`, error: 'yaml: unmarshal errors:\n  line 3: key "a" already set in map' },
    { name: "number for a hash", yaml: "basic_auth_users:\n  a: 1\n", error: "crypto/bcrypt: hashedSecret too short to be a bcrypted password" },
    { name: "empty hash", yaml: "basic_auth_users:\n  a:\n", error: "crypto/bcrypt: hashedSecret too short to be a bcrypted password" },
    { name: "hash with a prefix", yaml: `basic_auth_users:\n  a: x${hash}\n`, error: "crypto/bcrypt: bcrypt hashes must start with '$', but hashedSecret started with 'x'" },
    { name: "hash of cost 32", yaml: `basic_auth_users:\n  a: ${hash.replace("$04$", "$32$")}\n`, error: "crypto/bcrypt: cost 32 is outside allowed range (4,31)" },
    { name: "scalar for ciphers", yaml: "tls_server_config:\n  cipher_suites: abc\n", error: "yaml: unmarshal errors:\n  line 2: cannot unmarshal !!str `abc` into []web.Cipher" },
    { name: "mapping for ciphers", yaml: "tls_server_config:\n  cipher_suites: {a: b}\n", error: "yaml: unmarshal errors:\n  line 2: cannot unmarshal !!map into []web.Cipher" },
    { name: "nested list of ciphers", yaml: "tls_server_config:\n  cipher_suites: [[a]]\n", error: "yaml: unmarshal errors:\n  line 2: cannot unmarshal !!seq into string" },
    { name: "sequence for a version", yaml: "tls_server_config:\n  min_version: [a]\n", error: "yaml: unmarshal errors:\n  line 2: cannot unmarshal !!seq into string" },
    { name: "number for a version", yaml: "tls_server_config:\n  min_version: 12\n", error: "unknown TLS version: 12" },
    { name: "not a bool", yaml: "tls_server_config:\n  prefer_server_cipher_suites: maybe\n", error: "yaml: unmarshal errors:\n  line 2: cannot unmarshal !!str `maybe` into bool" },
    { name: "unknown cipher beats type errors", yaml: "tls_server_config:\n  x: 1\n  cipher_suites: [nope]\n", error: "unknown cipher: nope" },
    { name: "header name in the wrong case", yaml: "http_server_config:\n  headers:\n    x-frame-options: deny\n", error: 'HTTP header "x-frame-options" can not be configured' },
    { name: "null document", yaml: "~\n" },
    { name: "unknown client auth type", yaml: `${tls}  client_auth_type: Bogus\n`, error: "Invalid ClientAuth: Bogus" },
    { name: "old RequireClientCert name", yaml: `${tls}  client_auth_type: RequireClientCert\n` },
    {
      name: "CA with NoClientCert",
      yaml: `${tls}  client_ca_file: client_selfsigned.pem\n  client_auth_type: NoClientCert\n`,
      error: "Client CA's have been configured without a Client Auth Policy",
    },
    { name: "only client auth", yaml: "tls_server_config:\n  client_auth_type: RequireAndVerifyClientCert\n", error: "missing cert_file" },
    { name: "only a certificate", yaml: "tls_server_config:\n  cert_file: server.crt\n", error: "missing key_file" },
    {
      name: "key of another certificate",
      yaml: "tls_server_config:\n  cert_file: server.crt\n  key_file: client_selfsigned.key\n",
      error: "failed to load X509KeyPair: tls: private key does not match public key",
    },
    {
      name: "key given as certificate",
      yaml: "tls_server_config:\n  cert_file: server.key\n  key_file: server.key\n",
      error: "failed to load X509KeyPair: tls: failed to find certificate PEM data in certificate input, but did find a private key; PEM inputs may have been switched",
    },
    {
      name: "certificate given as key",
      yaml: "tls_server_config:\n  cert_file: server.crt\n  key_file: server.crt\n",
      error: "failed to load X509KeyPair: tls: found a certificate rather than a key in the PEM for the private key",
    },
    {
      name: "empty certificate file",
      yaml: "tls_server_config:\n  cert_file: empty.yml\n  key_file: server.key\n",
      error: "failed to load X509KeyPair: tls: failed to find any PEM data in certificate input",
    },
    { name: "only TLS 1.3 ciphers", yaml: `${tls}  cipher_suites: [TLS_AES_128_GCM_SHA256]\n` },
    { name: "min above max (fails at handshake, as in Go)", yaml: `${tls}  min_version: TLS13\n  max_version: TLS12\n` },
    { name: "ignored HTTP/2 setting", yaml: `${tls}http_server_config:\n  http2: true\n` },
    // outside our YAML subset: exporter-toolkit would read these
    { name: "anchor", yaml: "tls_server_config: &tls\n  cert_file: a\n", error: "yaml: line 1, column 20: anchors are not supported" },
    { name: "tab indentation", yaml: "tls_server_config:\n\tcert_file: a\n", error: "yaml: line 2, column 1: tabs are not allowed for indentation" },
  ];

  it.each(cases)("$name", async ({ name, yaml, error }) => {
    const file = join(dir, `${name.replace(/[^\w.]+/g, "_")}.yml`);
    writeFileSync(file, yaml);
    const expected = error?.replaceAll("DIR", dir);
    const caught = thrown(() => validate(file));
    if (expected === undefined) {
      expect(caught).toBeUndefined();
      await expect(getConfig(file)).resolves.toBeDefined();
      return;
    }
    expect(caught).toBeInstanceOf(WebConfigError);
    expect((caught as WebConfigError).message).toBe(expected);
    expect((caught as WebConfigError).file).toBe(file);
  });

  it("reports a missing file as Go does", () => {
    const file = join(dir, "nope.yml");
    const err = thrown(() => validate(file));
    expect(err).toBeInstanceOf(WebConfigError);
    expect(err).toMatchObject({ message: `open ${file}: no such file or directory`, file });
  });

  it("takes an empty path as no configuration", () => {
    expect(() => validate("")).not.toThrow();
    expect(() => validate(undefined)).not.toThrow();
  });
});

describe("getConfig on bytes that are not UTF-8", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "web-config-utf8-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // The messages are yaml.v2's, seen from yaml.UnmarshalStrict on each input (Go 1.19).
  it.each([
    ["a stray byte", [0x61, 0x3a, 0x20, 0x78, 0xbd, 0x0a], "yaml: invalid leading UTF-8 octet"],
    ["a truncated sequence", [0x61, 0x3a, 0x20, 0xe2, 0x82, 0x0a], "yaml: invalid trailing UTF-8 octet"],
    ["an encoded surrogate", [0x61, 0x3a, 0x20, 0xed, 0xa0, 0x80, 0x0a], "yaml: invalid Unicode character"],
    ["an overlong encoding", [0x61, 0x3a, 0x20, 0xc0, 0xaf, 0x0a], "yaml: invalid length of a UTF-8 sequence"],
    ["a sequence cut by the end of the file", [0x61, 0x3a, 0x20, 0x78, 0xe2, 0x82], "yaml: incomplete UTF-8 octet sequence"],
  ])("rejects %s as yaml.v2 does, where decoding would have made U+FFFD", async (_name, bytes, message) => {
    const file = join(dir, "web.yml");
    writeFileSync(file, Buffer.from(bytes));
    const err = await getConfig(file).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(WebConfigError);
    expect((err as Error).message).toBe(message);
  });
});
