/**
 * `http_server_config.headers` values that HTTP/1.1 cannot carry (CR, LF, other control
 * characters, anything above U+00FF) are refused when the file is read: at startup with a clear
 * error, and on reload by keeping the last good configuration, so that no response turns into a 500.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { newServer, validate, WebConfigError } from "../../lib/web/index.js";

let dir: string;
let configFile: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "web-headers-"));
  configFile = join(dir, "web.yml");
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const yaml = (value: string) => `http_server_config:\n  headers:\n    X-XSS-Protection: ${JSON.stringify(value)}\n`;

describe("header values that cannot be sent", () => {
  it.each([
    ["1\r\nSet-Cookie: a=b", "U+000D at offset 1"],
    ["1\nX: y", "U+000A at offset 1"],
    ["a\u0000b", "U+0000 at offset 1"],
    ["\u0001", "U+0001 at offset 0"],
    ["snow \u2603", "U+2603 at offset 5"],
    ["emoji \u{1F600}", "U+1F600 at offset 6"],
  ])("%j is refused at startup: %s", (value, where) => {
    writeFileSync(configFile, yaml(value));
    let caught: unknown;
    try {
      validate(configFile);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(WebConfigError);
    expect((caught as Error).message).toBe(`invalid value for X-XSS-Protection: character ${where} cannot be sent in an HTTP header`);
    expect((caught as WebConfigError).file).toBe(configFile);
  });

  it.each([["1; mode=block"], ["tab\there"], ["latin-1 \u00e9\u00ff"]])("%j is accepted", (value) => {
    writeFileSync(configFile, yaml(value));
    expect(() => validate(configFile)).not.toThrow();
  });

  it("on reload keeps the last good headers, and every request (health included) is still served", async () => {
    writeFileSync(configFile, yaml("1; mode=block"));
    const errors: string[] = [];
    const { server } = newServer({
      handler: (_req, res) => void res.end("ok\n"),
      webConfigFile: configFile,
      logger: { info: () => {}, error: (msg, ...kv) => void errors.push([msg, ...kv].map(String).join(" ")) },
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/-/healthy`;
      writeFileSync(configFile, yaml("1\r\nSet-Cookie: stolen=1"));
      for (let i = 0; i < 3; i++) {
        const res = await fetch(url);
        expect(res.status).toBe(200);
        expect(res.headers.get("x-xss-protection")).toBe("1; mode=block");
        expect(res.headers.get("set-cookie")).toBe(null);
      }
      expect(errors).toHaveLength(1);
      expect(errors[0]).toContain("character U+000D at offset 1 cannot be sent in an HTTP header");
      writeFileSync(configFile, yaml("0"));
      expect((await fetch(url)).headers.get("x-xss-protection")).toBe("0");
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
