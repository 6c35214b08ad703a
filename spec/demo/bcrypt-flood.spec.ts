/**
 * Password guessers against the compiled exporter: their bcrypt comparisons (cost 13, most of a
 * second each here) run on a worker thread, so that scrapes with cached valid credentials and
 * health probes are answered while the guesses are still being checked.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateFromPassword } from "../../lib/web/bcrypt.js";
import { type RunningExporter, startExporter } from "../support/cli.js";

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;

describe("bcrypt under a flood of wrong guesses", () => {
  let dir: string;
  let exporter: RunningExporter;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "bcrypt-flood-"));
    const config = join(dir, "web.yml");
    writeFileSync(config, `basic_auth_users:\n  alice: ${generateFromPassword("alice-pass", 13)}\n`);
    exporter = await startExporter([`--web.config.file=${config}`]);
  });
  afterAll(async () => {
    await exporter?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("answers valid, cached scrapes and /-/healthy while guesses are checked", async () => {
    const alice = { authorization: basic("alice", "alice-pass") };
    const first = await fetch(`${exporter.url}/metrics`, { headers: alice }); // one comparison, then cached
    expect(first.status).toBe(200);
    await first.text();

    const started = performance.now();
    let guessesDone = 0;
    const guesses = Array.from({ length: 4 }, (_, i) =>
      fetch(`${exporter.url}/metrics`, { headers: { authorization: basic("alice", `guess${i}`) } }).then(async (r) => {
        await r.text();
        guessesDone++;
        return r.status;
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 100)); // the first guess is being compared now

    const latencies: number[] = [];
    for (let i = 0; i < 6; i++) {
      const t = performance.now();
      const res = await fetch(`${exporter.url}${i % 2 === 0 ? "/-/healthy" : "/metrics"}`, { headers: alice });
      const body = await res.text();
      latencies.push(performance.now() - t);
      expect(res.status).toBe(200);
      expect(body).toMatch(i % 2 === 0 ? /^Healthy\n$/ : /\ndemo_total\{/);
    }
    const servedWhileGuessing = guessesDone;
    expect(await Promise.all(guesses)).toEqual([401, 401, 401, 401]);
    const guessing = performance.now() - started;
    console.info(
      `4 cost-13 guesses took ${guessing.toFixed(0)} ms; valid requests meanwhile: max ${Math.max(...latencies).toFixed(0)} ms`,
    );
    // Served before the guesses were all checked, each in far less than one comparison takes.
    expect(servedWhileGuessing).toBeLessThan(4);
    expect(Math.max(...latencies)).toBeLessThan(guessing / 8);
  });
});
