/**
 * Clients that go away while the web layer checks their request (configuration looked at,
 * password verified) must not be counted as in flight forever: shutdown would wait for them.
 */
import http from "node:http";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { generateFromPassword } from "../../lib/web/bcrypt.js";
import { startExporter } from "../support/cli.js";

const dir = mkdtempSync(join(tmpdir(), "in-flight-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("requests whose client left during authentication", () => {
  it("are not counted in flight: SIGTERM finds none and exits at once", async () => {
    const config = join(dir, "web.yml");
    writeFileSync(config, `basic_auth_users:\n  alice: ${generateFromPassword("pw", 4)}\n`);
    const exporter = await startExporter([`--web.config.file=${config}`]);
    const port = Number(exporter.address.split(":").pop());
    const authorization = `Basic ${Buffer.from("alice:pw").toString("base64")}`;
    for (let i = 0; i < 150; i++) {
      await new Promise<void>((resolve) => {
        const req = http.get({ host: "127.0.0.1", port, path: "/metrics", agent: false, headers: { authorization } }, (res) => {
          res.resume();
          res.on("end", resolve);
        });
        req.on("error", () => resolve());
        setTimeout(() => {
          req.destroy();
          resolve();
        }, i % 3);
      });
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
    const started = performance.now();
    expect(await exporter.stop()).toBe(0);
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(exporter.stderr).toMatch(/msg="Received signal, shutting down" signal=SIGTERM in_flight=0/);
    expect(exporter.stderr).not.toContain("Shutdown timed out");
  });
});
