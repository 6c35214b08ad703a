/**
 * lib/push against a real Pushgateway (Debian's `prometheus-pushgateway` 1.5), which a real
 * Prometheus (Debian's `prometheus` 2.42) scrapes every second with `honor_labels`: pushed values
 * arrive in Prometheus, groups stay apart, `add` replaces only same-named metrics where `push`
 * replaces the group, `delete` removes it, basic auth is checked, the Pushgateway's refusals come
 * back as PushHTTPError with its status and body, and a Pushgateway that is gone gives a typed
 * error. (A slow one, a server that never answers, is push.spec.ts's.)
 */
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { FmtText } from "../../lib/expfmt/index.js";
import { newCounter, newGauge, newGaugeVec, newRegistry } from "../../lib/prometheus/index.js";
import { newPusher, PushHTTPError, PushRequestError, PushTimeoutError } from "../../lib/push/index.js";
import { hasPrometheus, poll, type PrometheusServer, startPrometheus } from "../support/prometheus.js";
import { hasHtpasswd, hasPushgateway, type PushgatewayServer, startPushgateway } from "../support/pushgateway.js";

/** Group is one group of the Pushgateway's `/api/v1/metrics`: its labels and metrics by name. */
interface Group {
  labels: Record<string, string>;
  [metric: string]: unknown;
}

/** groups reads every group the Pushgateway holds. */
async function groups(pgw: PushgatewayServer, headers: Record<string, string> = {}): Promise<Group[]> {
  const { statusCode, body } = await request(`${pgw.url}/api/v1/metrics`, { headers });
  const answer = (await body.json()) as { status: string; data: Group[] };
  if (statusCode !== 200) throw new Error(`/api/v1/metrics answered ${statusCode}`);
  return answer.data;
}

/** valuesOf returns `{labels → value}` of one metric in a group, as strings. */
function valuesOf(group: Group | undefined, metric: string): string[] {
  const family = group?.[metric] as { metrics: { labels: Record<string, string>; value: string }[] } | undefined;
  return family?.metrics.map((m) => m.value) ?? [];
}

const basicAuth = (user: string, password: string): Record<string, string> => ({
  authorization: `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`,
});

describe.skipIf(!hasPushgateway() || !hasPrometheus() || !hasHtpasswd())("lib/push with a real Pushgateway and Prometheus", () => {
  let pgw: PushgatewayServer;
  let securePgw: PushgatewayServer;
  let prometheus: PrometheusServer;

  beforeAll(async () => {
    [pgw, securePgw] = await Promise.all([startPushgateway(), startPushgateway({ basicAuthUsers: { pusher: "s3cret pass" } })]);
    prometheus = await startPrometheus(`
global:
  scrape_interval: 1s
  scrape_timeout: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: pushgateway
    honor_labels: true
    static_configs:
      - targets: ["${pgw.address}"]
  - job_name: secure-pushgateway
    honor_labels: true
    basic_auth:
      username: pusher
      password: "s3cret pass"
    static_configs:
      - targets: ["${securePgw.address}"]
`);
  }, 60_000);

  afterAll(async () => {
    await Promise.all([prometheus?.stop(), pgw?.stop(), securePgw?.stop()]);
  }, 30_000);

  /** sampled polls Prometheus until `promql` gives exactly the values `want` (sorted), and returns them. */
  async function sampled(promql: string, want: string[]): Promise<void> {
    await poll(`${promql} = ${JSON.stringify(want)}`, 30_000, async () => {
      const values = (await prometheus.query(promql)).map((s) => s.value[1]).sort();
      return JSON.stringify(values) === JSON.stringify(want) ? true : undefined;
    });
  }

  it("pushes a value that Prometheus then scrapes, with the job and grouping labels", async () => {
    const completion = newGauge({ name: "batch_last_success_value", help: "What the batch job computed." });
    completion.set(42.5);
    // A counter too: ours carry a created timestamp, a field client_golang 1.14 does not write.
    const runs = newCounter({ name: "batch_runs_total", help: "Runs." });
    runs.add(3);
    await newPusher(pgw.url, "nightly_batch").grouping("shard", "eu-1").collector(completion).collector(runs).push();
    await sampled('batch_last_success_value{job="nightly_batch",shard="eu-1"}', ["42.5"]);
    await sampled('batch_runs_total{job="nightly_batch",shard="eu-1"}', ["3"]);
    // The Pushgateway records each push's time, which is how alerts find a job that stopped.
    const pushTime = await poll("push_time_seconds", 30_000, async () => {
      const [sample] = await prometheus.query('push_time_seconds{job="nightly_batch",shard="eu-1"}');
      return sample === undefined ? undefined : Number(sample.value[1]);
    });
    expect(Math.abs(pushTime - Date.now() / 1000)).toBeLessThan(60);
  }, 45_000);

  it("keeps groups apart: two grouping values, two series", async () => {
    for (const [instance, value] of [["a", 1], ["b", 2]] as const) {
      const g = newGauge({ name: "grouped_value", help: "One per group." });
      g.set(value);
      await newPusher(pgw.url, "grouped").grouping("instance", instance).collector(g).push();
    }
    await sampled('grouped_value{job="grouped",instance="a"}', ["1"]);
    await sampled('grouped_value{job="grouped",instance="b"}', ["2"]);
    // Replacing one group leaves the other as it was.
    const g = newGauge({ name: "grouped_value", help: "One per group." });
    g.set(10);
    await newPusher(pgw.url, "grouped").grouping("instance", "a").collector(g).push();
    await sampled('grouped_value{job="grouped"}', ["10", "2"]);
  }, 45_000);

  it("add replaces same-named metrics only; push replaces the whole group", async () => {
    const registry = (first: number, second?: number) => {
      const reg = newRegistry();
      const a = newGauge({ name: "semantics_first", help: "First." });
      a.set(first);
      reg.mustRegister(a);
      if (second !== undefined) {
        const b = newGauge({ name: "semantics_second", help: "Second." });
        b.set(second);
        reg.mustRegister(b);
      }
      return reg;
    };
    const pusher = (reg: ReturnType<typeof registry>) => newPusher(pgw.url, "semantics").gatherer(reg);
    await pusher(registry(1, 2)).push();
    await sampled('{job="semantics",__name__=~"semantics_.*"}', ["1", "2"]);
    await pusher(registry(3)).add();
    await sampled('semantics_first{job="semantics"}', ["3"]);
    await sampled('semantics_second{job="semantics"}', ["2"]);
    await pusher(registry(4)).push();
    await sampled('semantics_first{job="semantics"}', ["4"]);
    await sampled('semantics_second{job="semantics"}', []);
  }, 60_000);

  it("delete removes the group, and only that group", async () => {
    for (const instance of ["keep", "drop"]) {
      const g = newGauge({ name: "deleted_value", help: "Deleted or not." });
      g.set(7);
      await newPusher(pgw.url, "deleting").grouping("instance", instance).collector(g).push();
    }
    await sampled('deleted_value{job="deleting"}', ["7", "7"]);
    await newPusher(pgw.url, "deleting").grouping("instance", "drop").delete();
    await sampled('deleted_value{job="deleting",instance="drop"}', []);
    await sampled('deleted_value{job="deleting",instance="keep"}', ["7"]);
    expect((await groups(pgw)).some((g) => g.labels["job"] === "deleting" && g.labels["instance"] === "drop")).toBe(false);
  }, 45_000);

  it("pushes the text format and a counter vector as well", async () => {
    const vec = newGaugeVec({ name: "text_pushed", help: "Pushed as text." }, ["kind"]);
    vec.withLabelValues("x").set(1);
    vec.withLabelValues("y").set(2);
    const done = newCounter({ name: "text_pushed_runs_total", help: "Runs." });
    done.add(5);
    await newPusher(pgw.url, "text_job").format(FmtText).collector(vec).collector(done).push();
    await sampled('text_pushed{job="text_job"}', ["1", "2"]);
    await sampled('text_pushed_runs_total{job="text_job"}', ["5"]);
  }, 45_000);

  it("sends grouping values that need encoding so that they arrive as they were", async () => {
    const values = { slash: "a/b", empty: "", greek: "Προμηθεύς", space: "a b+c", odd: "!*'()%&=?" };
    const pusher = newPusher(pgw.url, "enc/oded");
    for (const [name, value] of Object.entries(values)) pusher.grouping(name, value);
    const g = newGauge({ name: "encoded_value", help: "Encoded." });
    g.set(1);
    await pusher.collector(g).push();
    const group = (await groups(pgw)).find((gr) => gr.labels["job"] === "enc/oded");
    expect(group?.labels).toEqual({ job: "enc/oded", ...values });
    expect(valuesOf(group, "encoded_value")).toEqual(["1"]);
  });

  it("(the Pushgateway reads a + in the path as a plus, which is why a space goes in base64)", async () => {
    // What client_golang 1.14 sends for the value "a b": url.QueryEscape writes "a+b".
    const { statusCode, body } = await request(`${pgw.url}/metrics/job/plus/v/a+b`, {
      method: "PUT",
      body: "# TYPE plus_value gauge\nplus_value 1\n",
    });
    await body.dump();
    expect(statusCode).toBe(200);
    const group = (await groups(pgw)).find((gr) => gr.labels["job"] === "plus");
    expect(group?.labels["v"]).toBe("a+b");
  });

  it("gives the Pushgateway's refusal as a PushHTTPError with its status and body", async () => {
    const asGauge = newGauge({ name: "clash_value", help: "A gauge here." });
    await newPusher(pgw.url, "clash_a").collector(asGauge).push();
    const asCounter = newCounter({ name: "clash_value", help: "A gauge here." });
    const err = await newPusher(pgw.url, "clash_b").collector(asCounter).push().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PushHTTPError);
    const e = err as PushHTTPError;
    expect(e.status).toBe(400);
    // Which of the two it names first depends on the order the Pushgateway gathers its groups in.
    expect(e.body).toMatch(/^pushed metrics are invalid or inconsistent with existing metrics: .*clash_value.* is not a (GAUGE|COUNTER)\n$/s);
    expect(e.message).toBe(`unexpected status code 400 while pushing to ${pgw.url}/metrics/job/clash_b: ${e.body}`);
  });

  describe("basic auth (--web.config.file with a bcrypt hash made by htpasswd)", () => {
    it("refuses a push without credentials or with a wrong password: 401", async () => {
      const g = newGauge({ name: "secure_value", help: "Behind basic auth." });
      for (const pusher of [newPusher(securePgw.url, "secure"), newPusher(securePgw.url, "secure").basicAuth("pusher", "wrong")]) {
        const err = await pusher.collector(g).push().catch((e: unknown) => e);
        expect(err).toBeInstanceOf(PushHTTPError);
        expect((err as PushHTTPError).status).toBe(401);
      }
      expect(await groups(securePgw, basicAuth("pusher", "s3cret pass"))).toEqual([]);
    });

    it("accepts the right password, and Prometheus scrapes the value through the same auth", async () => {
      const g = newGauge({ name: "secure_value", help: "Behind basic auth." });
      g.set(99);
      await newPusher(securePgw.url, "secure").basicAuth("pusher", "s3cret pass").collector(g).push();
      await sampled('secure_value{job="secure"}', ["99"]);
      const inURL = securePgw.url.replace("http://", "http://pusher:s3cret%20pass@");
      await newPusher(inURL, "secure").delete();
      await sampled('secure_value{job="secure"}', []);
    }, 45_000);
  });

  it("gives a typed error within the timeout when the Pushgateway is gone", async () => {
    const gone = await startPushgateway();
    await gone.stop();
    const started = performance.now();
    const err = await newPusher(gone.url, "gone").timeout(2_000).collector(newGauge({ name: "x", help: "x" })).push().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PushRequestError);
    expect(err).not.toBeInstanceOf(PushTimeoutError);
    expect(((err as PushRequestError).cause as Error & { cause?: { code?: string } }).cause?.code).toBe("ECONNREFUSED");
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});
