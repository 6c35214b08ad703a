/**
 * `demo-exporter push` (lib/demo/push-command.ts), run as a real process from dist/ against a
 * real Pushgateway: one gather of the demo collector arrives in the named group, `--method=add`
 * keeps what else the group holds, `--format=text` works too, and bad command lines and a
 * Pushgateway that is gone end with status 2 and 1 and one clear line.
 */
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { newGauge } from "../../lib/prometheus/index.js";
import { newPusher } from "../../lib/push/index.js";
import { parseDurationMs } from "../../lib/demo/push-command.js";
import { UsageError } from "../../lib/demo/flags.js";
import { assertBuilt, runCli } from "../support/cli.js";
import { hasPushgateway, type PushgatewayServer, startPushgateway } from "../support/pushgateway.js";

interface Group {
  labels: Record<string, string>;
  [metric: string]: unknown;
}

/** groupOf returns the Pushgateway's group with exactly these labels. */
async function groupOf(pgw: PushgatewayServer, labels: Record<string, string>): Promise<Group | undefined> {
  const { body } = await request(`${pgw.url}/api/v1/metrics`);
  const { data } = (await body.json()) as { data: Group[] };
  return data.find((g) => JSON.stringify(Object.entries(g.labels).sort()) === JSON.stringify(Object.entries(labels).sort()));
}

/** metricNames lists the metric families of a group, without the Pushgateway's own. */
function metricNames(group: Group | undefined): string[] {
  const own = new Set(["labels", "last_push_successful", "push_time_seconds", "push_failure_time_seconds"]);
  return Object.keys(group ?? {}).filter((k) => !own.has(k)).sort();
}

describe("parseDurationMs", () => {
  it("reads Prometheus-style durations and refuses the rest", () => {
    expect([parseDurationMs("500ms"), parseDurationMs("10s"), parseDurationMs("1m30s"), parseDurationMs("1h")]).toEqual([
      500, 10_000, 90_000, 3_600_000,
    ]);
    for (const bad of ["", "10", "0s", "1.5s", "-1s", "s", "10sec"]) expect(() => parseDurationMs(bad)).toThrow(UsageError);
  });
});

describe("demo-exporter push: the command line", () => {
  beforeAll(assertBuilt);

  it("is listed by --help, and push --help lists its flags", async () => {
    const main = await runCli(["--help"]);
    expect(main.stdout).toContain("push --gateway.url=<url> --job=<name>");
    const help = await runCli(["push", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^usage: demo-exporter push \[<flags>\] \[<name>=<value>\.\.\.\]\n/);
    for (const flag of ["--gateway.url=<url>", "--job=<name>", "--method=push", "--format=protobuf", '--timeout="10s"']) {
      expect(help.stdout).toContain(flag);
    }
  });

  it.each([
    [["push", "--job=j"], "required flag --gateway.url not provided"],
    [["push", "--gateway.url=127.0.0.1:9091"], "required flag --job not provided"],
    [["push", "--gateway.url=x", "--job=j", "nolabel"], 'grouping label "nolabel" is not <name>=<value>'],
    [["push", "--gateway.url=x", "--job=j", "bad-name=1"], 'grouping label "bad-name=1" is not <name>=<value>'],
    [["push", "--gateway.url=x", "--job=j", "--timeout=soon"], 'invalid duration "soon" for --timeout'],
    [["push", "--gateway.url=x", "--job=j", "--method=put"], "enum value must be one of push,add, got 'put'"],
  ])("%j is a usage error (status 2)", async (args, message) => {
    const { code, stdout, stderr } = await runCli(args);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toBe(`demo-exporter push: error: ${message}, try --help\n`);
  });
});

describe.skipIf(!hasPushgateway())("demo-exporter push to a real Pushgateway", () => {
  let pgw: PushgatewayServer;

  beforeAll(async () => {
    assertBuilt();
    pgw = await startPushgateway();
  }, 30_000);

  afterAll(async () => {
    await pgw?.stop();
  });

  it("pushes one gather of the demo collector into the job's group, with the grouping labels", async () => {
    const { code, stderr } = await runCli(["push", `--gateway.url=${pgw.url}`, "--job=demo_batch", "run=nightly", "zone=eu west"]);
    expect(stderr).toMatch(/level=info msg="Pushed metrics to Pushgateway" job=demo_batch method=push format=protobuf\n$/);
    expect(code).toBe(0);
    const group = await groupOf(pgw, { job: "demo_batch", run: "nightly", zone: "eu west" });
    expect(metricNames(group)).toEqual(["demo_build_info", "demo_total", "demo_version"]);
    const total = (group!["demo_total"] as { metrics: { labels: Record<string, string>; value: string }[] }).metrics;
    expect(total).toEqual([
      { labels: { instance: "", instance_id: "instance1", job: "demo_batch", region_id: "region1", run: "nightly", zone: "eu west" }, value: "1" },
    ]);
  });

  it("--method=add keeps the group's other metrics; a plain push replaces them", async () => {
    const other = newGauge({ name: "other_value", help: "Pushed by someone else." });
    await newPusher(pgw.url, "demo_add").collector(other).push();
    expect((await runCli(["push", `--gateway.url=${pgw.url}`, "--job=demo_add", "--method=add", "--format=text"])).code).toBe(0);
    expect(metricNames(await groupOf(pgw, { job: "demo_add" }))).toEqual([
      "demo_build_info",
      "demo_total",
      "demo_version",
      "other_value",
    ]);
    expect((await runCli(["push", `--gateway.url=${pgw.url}`, "--job=demo_add"])).code).toBe(0);
    expect(metricNames(await groupOf(pgw, { job: "demo_add" }))).toEqual(["demo_build_info", "demo_total", "demo_version"]);
  });

  it("exits 1 with the error logged when the Pushgateway is gone", async () => {
    const gone = await startPushgateway();
    await gone.stop();
    const { code, stderr } = await runCli(["push", `--gateway.url=${gone.url}`, "--job=j", "--timeout=2s"]);
    expect(code).toBe(1);
    expect(stderr).toContain(`level=error msg="Error pushing to Pushgateway" job=j err="PUT ${gone.url}/metrics/job/j failed: fetch failed: connect ECONNREFUSED`);
  });
});
