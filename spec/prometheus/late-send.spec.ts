/**
 * A collector that sends after its gather ended (the scrape timed out, or a timer fires after
 * `collect` returned) must not end the process: the send is dropped, counted, and reported once.
 * Each case runs in a child process on the compiled library, serving over a real socket, because
 * what is checked is that the process survives.
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { assertBuilt, repoRoot } from "../support/cli.js";

const lib = (p: string) => pathToFileURL(join(repoRoot, "dist", "lib", p)).href;

/** runScript runs an ES module text in a fresh node and returns its exit code and output. */
function runScript(source: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  assertBuilt();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--input-type=module", "-e", source], { cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (s: string) => (stdout += s));
    child.stderr.setEncoding("utf8").on("data", (s: string) => (stderr += s));
    const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const prelude = `
import http from "node:http";
import * as prom from ${JSON.stringify(lib("prometheus/index.js"))};
import { handlerFor } from ${JSON.stringify(lib("promhttp/index.js"))};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const warnings = [];
process.on("warning", (w) => warnings.push(w.code + ": " + w.message));
const desc = prom.newDesc("late_metric", "sent late", [], {});
`;

describe("late sends", () => {
  it("drops sends from a timer after the scrape's timeout, counts them, warns once; the process lives", async () => {
    const { code, stdout, stderr } = await runScript(`${prelude}
class TimerCollector {
  describe(ch) { ch.send(desc); }
  collect(ch) {
    // Sends from timers, outside any promise the gather could watch: after the 225 ms deadline.
    return new Promise((resolve) => {
      setTimeout(() => { ch.send(prom.mustNewConstMetric(desc, prom.GaugeValue, 1)); }, 400);
      setTimeout(() => { ch.send(prom.mustNewConstMetric(desc, prom.GaugeValue, 2)); resolve(); }, 450);
    });
  }
}
const reg = prom.newRegistry();
reg.mustRegister(new TimerCollector());
const server = http.createServer(handlerFor(reg)).listen(0, "127.0.0.1");
await new Promise((r) => server.once("listening", r));
const res = await fetch("http://127.0.0.1:" + server.address().port + "/", { headers: { "X-Prometheus-Scrape-Timeout-Seconds": "0.25" } });
console.log("status", res.status);
await res.text();
await sleep(600);
console.log("dropped", prom.lateSendsDropped());
console.log("warnings", JSON.stringify(warnings));
server.close();
`);
    expect(stderr).not.toContain("ChannelClosedError");
    expect(code).toBe(0);
    expect(stdout).toContain("status 503\n");
    expect(stdout).toContain("dropped 2\n");
    expect(stdout).toContain(
      'warnings ["PROM_LATE_SEND: TimerCollector sent a metric after its gather ended; the metric was dropped (later late sends of this collector are only counted)"]',
    );
  });

  it("drops a send from a timer set by a synchronous collect after the gather returned", async () => {
    const { code, stdout, stderr } = await runScript(`${prelude}
class Leaky {
  describe(ch) { ch.send(desc); }
  collect(ch) {
    ch.send(prom.mustNewConstMetric(desc, prom.GaugeValue, 1));
    setTimeout(() => ch.send(prom.mustNewConstMetric(desc, prom.GaugeValue, 9)), 20);
  }
}
const reg = prom.newRegistry();
reg.mustRegister(new Leaky());
for (let i = 0; i < 3; i++) {
  const families = await reg.gather();
  console.log("value", families[0].metric[0].gauge.value);
  await sleep(50);
}
console.log("dropped", prom.lateSendsDropped());
console.log("warnings", warnings.length);
`);
    expect(stderr).not.toContain("ChannelClosedError");
    expect(code).toBe(0);
    expect(stdout).toBe("value 1\nvalue 1\nvalue 1\ndropped 3\nwarnings 1\n");
  });
});
