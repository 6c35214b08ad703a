/**
 * Test certificates made with the `openssl` command line into a temporary directory: a CA,
 * two server certificates it signed (SAN 127.0.0.1 and localhost), a client certificate it
 * signed, and a self-signed "rogue" client certificate that no configuration trusts. EC P-256
 * keys, valid for two days.
 *
 * A missing openssl skips the specs that need it, loudly; under CI (`CI` set) it fails them.
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { locateTool } from "./promtool.js";

/** A certificate and its key: paths and PEM text. */
export interface KeyPair {
  certFile: string;
  keyFile: string;
  cert: string;
  key: string;
}

/** TestCerts is everything certs() makes, in `dir`. */
export interface TestCerts {
  dir: string;
  /** The CA: trust it to trust `server`, `server2` and `client`. */
  ca: KeyPair;
  /** A server certificate for 127.0.0.1 and localhost. */
  server: KeyPair;
  /** A second server certificate, to rotate to. */
  server2: KeyPair;
  /** A client certificate signed by the CA. */
  client: KeyPair;
  /** A self-signed client certificate. */
  rogue: KeyPair;
  /** remove deletes the directory. */
  remove(): void;
}

/**
 * hasOpenssl is true when the openssl command is installed; otherwise a loud skip (a failure
 * under CI).
 */
export function hasOpenssl(): boolean {
  if (locateTool("openssl", "OPENSSL") !== undefined) return true;
  const message = "openssl not found (set $OPENSSL or run: apt-get install -y openssl)";
  if (process.env["CI"]) throw new Error(`${message}; CI must not skip these specs`);
  console.warn(`SKIPPING specs that need openssl: ${message}`);
  return false;
}

/** certs makes a fresh CA and certificates in a new temporary directory. */
export function certs(): TestCerts {
  const dir = mkdtempSync(join(tmpdir(), "web-certs-"));
  const openssl = (...args: string[]): void => {
    execFileSync(locateTool("openssl", "OPENSSL") ?? "openssl", args, { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
  };
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"];
  const pair = (name: string): KeyPair => {
    const certFile = join(dir, `${name}.crt`);
    const keyFile = join(dir, `${name}.key`);
    return { certFile, keyFile, cert: readFileSync(certFile, "utf8"), key: readFileSync(keyFile, "utf8") };
  };
  const signed = (name: string, cn: string, extensions: string): KeyPair => {
    writeFileSync(join(dir, `${name}.ext`), extensions);
    openssl("req", ...ec, "-keyout", `${name}.key`, "-out", `${name}.csr`, "-subj", `/CN=${cn}`);
    openssl("x509", "-req", "-in", `${name}.csr`, "-CA", "ca.crt", "-CAkey", "ca.key", "-set_serial", `0x${randomBytes(8).toString("hex")}`,
      "-days", "2", "-out", `${name}.crt`, "-extfile", `${name}.ext`);
    return pair(name);
  };

  openssl("req", "-x509", ...ec, "-keyout", "ca.key", "-out", "ca.crt", "-days", "2", "-subj", "/CN=demo-exporter test CA",
    "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
  const serverExt = "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n";
  const clientExt = "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=clientAuth\n";
  const server = signed("server", "localhost", serverExt);
  const server2 = signed("server2", "localhost (rotated)", serverExt);
  const client = signed("client", "scraper", clientExt);
  openssl("req", "-x509", ...ec, "-keyout", "rogue.key", "-out", "rogue.crt", "-days", "2", "-subj", "/CN=rogue",
    "-addext", "extendedKeyUsage=clientAuth");
  return {
    dir,
    ca: pair("ca"),
    server,
    server2,
    client,
    rogue: pair("rogue"),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
