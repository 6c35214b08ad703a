/**
 * Web configuration files that are hostile or broken in ways yaml.v2 refuses: nesting too deep,
 * bytes that are not UTF-8, and merge keys / anchors, which this YAML subset does not read. Each
 * is refused with a typed error saying what and where, through real files.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { validate, WebConfigError } from "../../lib/web/index.js";
import { parseDocument } from "../../lib/web/yaml.js";
import { YamlError } from "../../lib/web/yaml-nodes.js";

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "config-edges-"));
  file = join(dir, "web.yml");
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function refusal(content: string | Buffer): WebConfigError {
  writeFileSync(file, content);
  try {
    validate(file);
  } catch (err) {
    expect(err).toBeInstanceOf(WebConfigError);
    expect((err as WebConfigError).file).toBe(file);
    return err as WebConfigError;
  }
  throw new Error("validate accepted the file");
}

describe("nesting", () => {
  it.each([
    ["flow sequences", "[".repeat(100_000), "yaml: line 1, column 1001: exceeded max depth of 1000"],
    ["flow mappings", `x: ${"{a: ".repeat(100_000)}`, "yaml: line 1, column 4000: exceeded max depth of 1000"],
    ["block sequences", `${"- ".repeat(100_000)}1`, "yaml: line 1, column 2001: exceeded max depth of 1000"],
    [
      "block mappings",
      Array.from({ length: 5000 }, (_, i) => `${" ".repeat(i)}a:`).join("\n"),
      "yaml: line 1001, column 1001: exceeded max depth of 1000",
    ],
  ])("%s 100,000 deep give yaml.v2's error, typed, not a RangeError", (_name, text, message) => {
    expect(refusal(text).message).toBe(message);
    let caught: unknown;
    try {
      parseDocument(text);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(YamlError);
    expect((caught as YamlError).reason).toBe("exceeded max depth of 1000");
  });

  it("reads 1000 levels", () => {
    expect(() => parseDocument(`${"[".repeat(1000)}${"]".repeat(1000)}`)).not.toThrow();
  });
});

describe("bytes that are not UTF-8", () => {
  const hash = "$2y$10$QOauhQNbBCuQDKes6eFzPeMqBSjb7Mr5DUmpZ/VcEd00UAV/LDeSi";
  it.each([
    [[0xff], "yaml: invalid leading UTF-8 octet", 5],
    [[0xc3], "yaml: invalid trailing UTF-8 octet", 6],
    [[0xe2, 0x28, 0xa1], "yaml: invalid trailing UTF-8 octet", 6],
    [[0xc0, 0xaf], "yaml: invalid length of a UTF-8 sequence", 5],
    [[0xed, 0xa0, 0x80], "yaml: invalid Unicode character", 5],
  ])("%j in a user name gives %s, with the line and column", (bytes, message, column) => {
    const content = Buffer.concat([Buffer.from("basic_auth_users:\n  al"), Buffer.from(bytes), Buffer.from(`: ${hash}`)]);
    const err = refusal(content);
    expect(err.message).toBe(message);
    expect(err.line).toBe(2);
    expect(err.column).toBe(column);
  });

  it("a sequence cut off at the end of the file gives yaml.v2's incomplete sequence error", () => {
    expect(refusal(Buffer.concat([Buffer.from("basic_auth_users:\n  alice: x"), Buffer.from([0xe2, 0x82])])).message).toBe(
      "yaml: incomplete UTF-8 octet sequence",
    );
  });

  it("accepts valid UTF-8, a byte-order mark included", () => {
    writeFileSync(file, `\uFEFFbasic_auth_users:\n  jürgen: ${hash}\n  "名前": ${hash}\n`);
    expect(() => validate(file)).not.toThrow();
  });
});

describe("merge keys, anchors and aliases", () => {
  it.each([
    ["basic_auth_users:\n  <<: {alice: x}\n", "yaml: line 2, column 3: merge keys (<<) are not supported: write the entries out (anchors and aliases are not supported either)"],
    ["tls_server_config: {<<: {cert_file: a}}\n", "yaml: line 1, column 21: merge keys (<<) are not supported: write the entries out (anchors and aliases are not supported either)"],
    ["base: &b {x: 1}\n", "yaml: line 1, column 7: anchors are not supported"],
    ["tls_server_config:\n  cert_file: *b\n", "yaml: line 2, column 14: aliases are not supported"],
  ])("%j is refused saying so", (text, message) => {
    expect(refusal(text).message).toBe(message);
  });
});

describe("a file cut short on reload", () => {
  it.each([
    ["cut short before its users", (full: string) => full.slice(0, full.indexOf("basic_auth_users"))],
    ["emptied (a write in progress)", () => ""],
  ])("%s keeps the users in force (Go would turn authentication off), logged once", async (_name, cut) => {
    const { newServer } = await import("../../lib/web/index.js");
    const { generateFromPassword } = await import("../../lib/web/bcrypt.js");
    const full = `http_server_config:\n  headers:\n    X-Frame-Options: deny\nbasic_auth_users:\n  alice: ${generateFromPassword("pw", 4)}\n`;
    writeFileSync(file, full);
    const errors: unknown[][] = [];
    const { server } = newServer({
      handler: (_req, res) => void res.end("ok\n"),
      webConfigFile: file,
      logger: { info: () => {}, error: (...args) => void errors.push(args) },
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
      const alice = { authorization: `Basic ${Buffer.from("alice:pw").toString("base64")}` };
      expect((await fetch(url)).status).toBe(401);
      writeFileSync(file, cut(full));
      for (let i = 0; i < 3; i++) expect((await fetch(url)).status).toBe(401);
      expect((await fetch(url, { headers: alice })).status).toBe(200);
      expect(errors).toEqual([[
        "Unable to parse configuration", "file", file,
        "err", "basic_auth_users is missing or empty while users are in force; removing every user takes a restart",
        "using", "last good configuration",
      ]]);
      writeFileSync(file, full.replace("deny", "sameorigin"));
      expect((await fetch(url, { headers: alice })).headers.get("x-frame-options")).toBe("sameorigin");
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
