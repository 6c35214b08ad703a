/**
 * The cluster gatherer and serveWorker outside a running cluster: their option checks, a gather
 * with no workers, and serveWorker in a process without an IPC channel.
 */
import { execFileSync } from "node:child_process";
import cluster from "node:cluster";
import { describe, expect, it } from "vitest";
import { metricFamiliesToText } from "../../lib/expfmt/index.js";
import { GatherAbortedError, InvalidOptionsError } from "../../lib/prometheus/index.js";
import { newClusterGatherer, serveWorker } from "../../lib/cluster/index.js";
import { repoRoot } from "../support/cli.js";

describe("newClusterGatherer", () => {
  it("runs in this process as a cluster primary", () => {
    expect(cluster.isPrimary).toBe(true);
  });

  it("rejects a bad timeout, worker label or rule with InvalidOptionsError", () => {
    expect(() => newClusterGatherer({ timeout: -1 })).toThrow(new InvalidOptionsError("timeout must be a non-negative number of ms, got -1"));
    expect(() => newClusterGatherer({ timeout: Number.NaN })).toThrow(InvalidOptionsError);
    expect(() => newClusterGatherer({ workerLabel: "__worker" })).toThrow('workerLabel "__worker" is not a valid label name');
    expect(() => newClusterGatherer({ workerLabel: "a-b" })).toThrow(InvalidOptionsError);
    expect(() => newClusterGatherer({ rules: { byName: { x: "median" as never } } })).toThrow(InvalidOptionsError);
  });

  it("with no workers, says so in its own metrics", async () => {
    const families = await newClusterGatherer().gather();
    expect(metricFamiliesToText(families)).toBe(`# HELP cluster_workers_answered Number of cluster workers whose metrics arrived in time and were merged into this scrape.
# TYPE cluster_workers_answered gauge
cluster_workers_answered 0
# HELP cluster_workers_asked Number of live cluster workers the primary asked for their metrics in this scrape.
# TYPE cluster_workers_asked gauge
cluster_workers_asked 0
`);
  });

  it("rejects with GatherAbortedError when the signal has already aborted", async () => {
    await expect(newClusterGatherer().gather({ signal: AbortSignal.abort() })).rejects.toBeInstanceOf(GatherAbortedError);
  });
});

describe("serveWorker", () => {
  it("rejects a gatherer without gather()", () => {
    expect(() => serveWorker({ gatherer: {} as never })).toThrow(InvalidOptionsError);
  });

  it("throws InvalidOptionsError in a process without an IPC channel", () => {
    const out = execFileSync(
      process.execPath,
      ["--input-type=module", "-e", `import { serveWorker } from "demo-exporter/cluster"; try { serveWorker(); } catch (e) { console.log(e.name + ": " + e.message); }`],
      { cwd: repoRoot, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] },
    );
    expect(out.trim()).toBe("InvalidOptionsError: serveWorker needs an IPC channel to the primary: call it in a node:cluster worker");
  });
});
