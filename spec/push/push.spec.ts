/**
 * Specs for lib/push against a fake Pushgateway (a node:http server on a free loopback port that
 * records each request): the vectors of client_golang's push_test.go (`TestPush`), then what our
 * port adds (typed errors, timeouts, basic auth, formats). The real Pushgateway is
 * pushgateway.spec.ts's.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

import { encodeDelimited, FmtOpenMetrics_1_0_0, FmtProtoDelim, FmtText } from "../../lib/expfmt/index.js";
import {
  AlreadyRegisteredError,
  type Collector,
  type Gatherer,
  GatherError,
  gathererFunc,
  newCounter,
  newGauge,
  newGaugeVec,
  newRegistry,
} from "../../lib/prometheus/index.js";
import {
  newPusher,
  PushConfigError,
  PushEncodeError,
  PushError,
  PushHTTPError,
  PushLabelError,
  PushRequestError,
  PushTimeoutError,
} from "../../lib/push/index.js";
import { encodeComponent, groupingPath, queryEscape } from "../../lib/push/grouping.js";

/** What the fake Pushgateway saw last. */
interface Seen {
  method: string;
  path: string;
  body: Buffer;
  headers: IncomingMessage["headers"];
}

/**
 * The body client_golang 1.14 pushes for testname1 and testname2 (printed by a Go program). Our
 * counters also carry a created timestamp (client_golang does since 1.17), so the specs compare
 * with this after taking it out (see {@link withoutCreated}), and otherwise, as push_test.go
 * does, with what our encoder makes of the registry's gather ({@link wantBody}).
 */
const goBodyHex =
  "250a09746573746e616d653112097465737468656c70311800220b1a09090000000000000000400a09746573746e616d6532" +
  "12097465737468656c7032180122260a0d0a0564696e6773120462756d730a0a0a03666f6f12036261721209090000000000000000";

/** The same two families in the text format, as client_golang encodes them. */
const goBodyText = `# HELP testname1 testhelp1
# TYPE testname1 counter
testname1 0
# HELP testname2 testhelp2
# TYPE testname2 gauge
testname2{dings="bums",foo="bar"} 0
`;

let last: Seen | undefined;
let okServer: Server;
let errServer: Server;
let silentServer: Server;
let okURL: string;
let errURL: string;
let silentURL: string;
const silentSockets = new Set<import("node:net").Socket>();

/** listen starts `server` on a free loopback port and returns its URL. */
function listen(server: Server): Promise<string> {
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

beforeAll(async () => {
  // Answers 202 to DELETE and 200 to everything else, like push_test.go's pgwOK.
  okServer = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      last = { method: req.method!, path: req.url!, body: Buffer.concat(chunks), headers: req.headers };
      res.writeHead(req.method === "DELETE" ? 202 : 200, { "Content-Type": "text/plain; charset=utf-8" }).end();
    });
  });
  // Always 500 "fake error\n", as Go's http.Error writes it.
  errServer = createServer((req, res) => {
    req.resume();
    req.on("end", () => res.writeHead(500, { "Content-Type": "text/plain; charset=utf-8" }).end("fake error\n"));
  });
  // Reads the request and never answers.
  silentServer = createServer((req) => req.resume());
  silentServer.on("connection", (s) => silentSockets.add(s));
  [okURL, errURL, silentURL] = await Promise.all([listen(okServer), listen(errServer), listen(silentServer)]);
});

afterAll(async () => {
  for (const s of silentSockets) s.destroy();
  await Promise.all([close(okServer), close(errServer), close(silentServer)]);
});

beforeEach(() => {
  last = undefined;
});

/** The collectors of push_test.go, and the body a push of both must have (`wantBody`). */
function testMetrics() {
  const metric1 = newCounter({ name: "testname1", help: "testhelp1" });
  const metric2 = newGauge({ name: "testname2", help: "testhelp2", constLabels: { foo: "bar", dings: "bums" } });
  return { metric1, metric2 };
}

/** wantBody encodes a registry of `metrics` as push_test.go does: a gather, then the encoder. */
async function wantBody(...metrics: Collector[]): Promise<string> {
  const reg = newRegistry();
  reg.mustRegister(...metrics);
  return Buffer.from(encodeDelimited(await reg.gather())).toString("hex");
}

/** withoutCreated gathers `g` and drops the counters' created timestamps. */
function withoutCreated(g: Gatherer): Gatherer {
  return gathererFunc(async () =>
    (await g.gather()).map((f) => ({
      ...f,
      metric: f.metric.map((m) => (m.counter === undefined ? m : { ...m, counter: { value: m.counter.value } })),
    })),
  );
}

function seen(): Seen {
  expect(last, "the fake Pushgateway got no request").toBeDefined();
  return last!;
}

describe("push_test.go's TestPush", () => {
  it("pushes collectors with PUT to /metrics/job/<job>, in client_golang's protobuf bytes", async () => {
    const { metric1, metric2 } = testMetrics();
    await newPusher(okURL, "testjob").collector(metric1).collector(metric2).push();
    const s = seen();
    expect(s.method).toBe("PUT");
    expect(s.body.toString("hex")).toBe(await wantBody(metric1, metric2));
    expect(s.path).toBe("/metrics/job/testjob");
    expect(s.headers["content-type"]).toBe(FmtProtoDelim);
  });

  it("adds collectors with POST", async () => {
    const { metric1, metric2 } = testMetrics();
    await newPusher(okURL, "testjob").collector(metric1).collector(metric2).add();
    const s = seen();
    expect(s.method).toBe("POST");
    expect(s.body.toString("hex")).toBe(await wantBody(metric1, metric2));
    expect(s.path).toBe("/metrics/job/testjob");
  });

  const paths: [string, (job: string) => ReturnType<typeof newPusher>, string, string][] = [
    ["a job with a slash", () => newPusher(okURL, "test/job"), "test/job", "/metrics/job@base64/dGVzdC9qb2I"],
    ["a grouping value with a slash", () => newPusher(okURL, "testjob").grouping("foobar", "bu/ms"), "", "/metrics/job/testjob/foobar@base64/YnUvbXM"],
    [
      "a grouping value that needs URL escaping",
      () => newPusher(okURL, "testjob").grouping("titan", "Προμηθεύς"),
      "",
      "/metrics/job/testjob/titan/%CE%A0%CF%81%CE%BF%CE%BC%CE%B7%CE%B8%CE%B5%CF%8D%CF%82",
    ],
    ["an empty grouping value", () => newPusher(okURL, "testjob").grouping("empty", ""), "", "/metrics/job/testjob/empty@base64/="],
  ];
  for (const [name, make, , path] of paths) {
    it(`encodes ${name}: ${path}`, async () => {
      const { metric1, metric2 } = testMetrics();
      await make("").collector(metric1).collector(metric2).push();
      const s = seen();
      expect(s.method).toBe("PUT");
      expect(s.body.toString("hex")).toBe(await wantBody(metric1, metric2));
      expect(s.path).toBe(path);
    });
  }

  it("rejects an empty job name with job name is empty, before any request", async () => {
    const { metric1, metric2 } = testMetrics();
    const err = await newPusher(okURL, "").collector(metric1).collector(metric2).push().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PushConfigError);
    expect((err as Error).message).toBe("job name is empty");
    expect(last).toBeUndefined();
  });

  it("turns a 500 into a PushHTTPError with Go's message, the status and the body", async () => {
    const { metric1, metric2 } = testMetrics();
    const err = await newPusher(errURL, "testjob").collector(metric1).collector(metric2).push().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PushHTTPError);
    expect(err).toBeInstanceOf(PushError);
    const e = err as PushHTTPError;
    expect(e.message).toBe(`unexpected status code 500 while pushing to ${errURL}/metrics/job/testjob: fake error\n`);
    expect([e.status, e.body, e.method, e.url]).toEqual([500, "fake error\n", "PUT", `${errURL}/metrics/job/testjob`]);
  });

  it("refuses a grouping label that the metrics carry, with Go's message", async () => {
    const { metric1, metric2 } = testMetrics();
    const err = await newPusher(okURL, "testjob").grouping("foo", "bums").collector(metric1).collector(metric2).push().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PushLabelError);
    expect((err as Error).message).toBe(
      'pushed metric testname2 (label:<name:"dings" value:"bums" > label:<name:"foo" value:"bar" > gauge:<value:0 > ) ' +
        "already contains grouping label foo",
    );
    expect([(err as PushLabelError).metricName, (err as PushLabelError).labelName]).toEqual(["testname2", "foo"]);
    expect(last).toBeUndefined();
  });

  it("refuses a grouping label name that is not valid", async () => {
    const { metric1, metric2 } = testMetrics();
    const err = await newPusher(okURL, "testjob").grouping("foo-bar", "bums").collector(metric1).collector(metric2).push().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PushConfigError);
    expect((err as Error).message).toBe("grouping label has invalid name: foo-bar");
    expect(last).toBeUndefined();
  });

  it("pushes a registry given as a gatherer", async () => {
    const { metric1, metric2 } = testMetrics();
    const reg = newRegistry();
    reg.mustRegister(metric1, metric2);
    await newPusher(okURL, "testjob").gatherer(reg).push();
    expect(seen().method).toBe("PUT");
    expect(seen().body.toString("hex")).toBe(await wantBody(metric1, metric2));
  });

  it("pushes the bytes client_golang 1.14 pushes, created timestamps aside", async () => {
    const { metric1, metric2 } = testMetrics();
    const reg = newRegistry();
    reg.mustRegister(metric1, metric2);
    await newPusher(okURL, "testjob").gatherer(withoutCreated(reg)).push();
    expect(seen().body.toString("hex")).toBe(goBodyHex);
  });

  it("adds a registry with two grouping labels, in the order they were added", async () => {
    const { metric1, metric2 } = testMetrics();
    const reg = newRegistry();
    reg.mustRegister(metric1, metric2);
    await newPusher(okURL, "testjob").grouping("a", "x").grouping("b", "y").gatherer(reg).add();
    expect(seen().method).toBe("POST");
    expect(seen().body.toString("hex")).toBe(await wantBody(metric1, metric2));
    expect(seen().path).toBe("/metrics/job/testjob/a/x/b/y");
  });

  it("deletes the group with an empty DELETE", async () => {
    await newPusher(okURL, "testjob").grouping("a", "x").grouping("b", "y").delete();
    const s = seen();
    expect(s.method).toBe("DELETE");
    expect(s.body.length).toBe(0);
    expect(s.path).toBe("/metrics/job/testjob/a/x/b/y");
    expect(s.headers["content-type"]).toBeUndefined();
  });
});

describe("the grouping key in the path", () => {
  it("runs groupingPath's @example", () => {
    expect(groupingPath("test/job", new Map([["empty", ""], ["titan", "Προμηθεύς"]]))).toBe(
      "job@base64/dGVzdC9qb2I/empty@base64/=/titan/%CE%A0%CF%81%CE%BF%CE%BC%CE%B7%CE%B8%CE%B5%CF%8D%CF%82",
    );
  });

  it("writes Go's url.QueryEscape, not encodeURIComponent", () => {
    expect(queryEscape("a b!*'()~-_.")).toBe("a+b%21%2A%27%28%29~-_.");
    expect(queryEscape("ü")).toBe("%C3%BC");
    expect(queryEscape("%+&=?#")).toBe("%25%2B%26%3D%3F%23");
  });

  it("writes base64url without padding for a slash, = for the empty value", () => {
    expect(encodeComponent("a/b?")).toEqual({ encoded: "YS9iPw", base64: true });
    expect(encodeComponent("")).toEqual({ encoded: "=", base64: true });
    expect(encodeComponent("plain")).toEqual({ encoded: "plain", base64: false });
  });

  it("writes base64 for a space, which the Pushgateway would read back as a plus", () => {
    expect(encodeComponent("a b+c")).toEqual({ encoded: Buffer.from("a b+c").toString("base64url"), base64: true });
  });

  it("keeps the first position of a label that is set again, with the new value", async () => {
    expect(groupingPath("j", new Map([["a", "1"], ["b", "2"]]))).toBe("job/j/a/1/b/2");
    await newPusher(okURL, "j").grouping("a", "1").grouping("b", "2").grouping("a", "3").delete();
    expect(seen().path).toBe("/metrics/job/j/a/3/b/2");
  });
});

describe("Pusher checks", () => {
  it("runs newPusher's @example (against the fake Pushgateway)", async () => {
    const completion = newGauge({ name: "db_backup_last_completion_timestamp_seconds", help: "..." });
    completion.setToCurrentTime();
    await newPusher(okURL, "db_backup").collector(completion).grouping("db", "customers").push();
    expect([seen().method, seen().path]).toEqual(["PUT", "/metrics/job/db_backup/db/customers"]);
    expect(seen().body.includes(Buffer.from("db_backup_last_completion_timestamp_seconds"))).toBe(true);
  });

  it("refuses metrics that carry a job label, with Go's message", async () => {
    const vec = newGaugeVec({ name: "with_job", help: "h" }, ["job"]);
    vec.withLabelValues("x").set(1);
    const err = await newPusher(okURL, "testjob").collector(vec).push().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PushLabelError);
    expect((err as Error).message).toBe('pushed metric with_job (label:<name:"job" value:"x" > gauge:<value:1 > ) already contains a job label');
    expect(last).toBeUndefined();
  });

  it("keeps the first configuration error and rejects every call with it", async () => {
    const pusher = newPusher(okURL, "j").grouping("bad-name", "x").grouping("__also bad", "y").timeout(-1);
    expect(pusher.error()).toBeInstanceOf(PushConfigError);
    expect(pusher.error()!.message).toBe("grouping label has invalid name: bad-name");
    for (const call of [() => pusher.push(), () => pusher.add(), () => pusher.delete()]) {
      await expect(call()).rejects.toBe(pusher.error());
    }
    expect(last).toBeUndefined();
  });

  it("passes a registration error through, as Go's Collector does", async () => {
    const { metric1 } = testMetrics();
    const pusher = newPusher(okURL, "j").collector(metric1).collector(metric1);
    expect(pusher.error()).toBeInstanceOf(AlreadyRegisteredError);
    await expect(pusher.push()).rejects.toBeInstanceOf(AlreadyRegisteredError);
  });

  it("passes a failed gather through and sends nothing", async () => {
    const failing = gathererFunc(() => Promise.reject(new Error("disk gone")));
    const err = await newPusher(okURL, "j").gatherer(failing).push().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GatherError);
    expect((err as GatherError).message).toContain("disk gone");
    expect(last).toBeUndefined();
  });

  it("wraps an encoding error in a PushEncodeError with Go's message", async () => {
    // A sample count the protobuf type (uint64) cannot hold; the text format would write it.
    const histogram = { sampleCount: -1, sampleSum: 1, bucket: [] };
    const broken = gathererFunc(() => Promise.resolve([{ name: "bad_count", help: "h", type: "histogram" as const, metric: [{ label: [], histogram }] }]));
    const err = await newPusher(okURL, "j").gatherer(broken).push().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PushEncodeError);
    expect((err as Error).message).toBe("failed to encode metric familty bad_count, error is sample_count -1 is not a uint64 in metric bad_count");
    expect((err as PushEncodeError).cause).toBeInstanceOf(Error);
    expect(last).toBeUndefined();
  });

  it("refuses values that are not valid UTF-8, formats it cannot push, and bad timeouts", () => {
    expect(newPusher(okURL, "j\ud800").error()).toBeInstanceOf(PushConfigError);
    expect(newPusher(okURL, 42 as unknown as string).error()!.message).toBe("job name must be a string, got number");
    expect(newPusher(okURL, "j").grouping("a", "\udc00").error()!.message).toBe(
      'grouping label a has a value that is not valid UTF-8: "\\udc00"',
    );
    expect(newPusher(okURL, "j").format(FmtOpenMetrics_1_0_0).error()).toBeInstanceOf(PushConfigError);
    for (const bad of [0, -5, Number.NaN]) expect(newPusher(okURL, "j").timeout(bad).error()).toBeInstanceOf(PushConfigError);
    expect(newPusher("ftp://host", "j").error()!.message).toBe('unsupported protocol scheme "ftp" in Pushgateway URL');
    expect(newPusher("http://[::1", "j").error()).toBeInstanceOf(PushConfigError);
  });
});

describe("Pusher options", () => {
  it("pushes the text format with its content type", async () => {
    const { metric1, metric2 } = testMetrics();
    await newPusher(okURL, "testjob").format(FmtText).collector(metric1).collector(metric2).push();
    expect(seen().headers["content-type"]).toBe(FmtText);
    expect(seen().body.toString("utf8")).toBe(goBodyText);
  });

  it("sends basic auth on every method", async () => {
    const pusher = newPusher(okURL, "j").basicAuth("user", "pä:ss").collector(testMetrics().metric1);
    const expected = `Basic ${Buffer.from("user:pä:ss").toString("base64")}`;
    for (const call of [() => pusher.push(), () => pusher.add(), () => pusher.delete()]) {
      await call();
      expect(seen().headers["authorization"]).toBe(expected);
    }
  });

  it("takes credentials out of the URL into basic auth, and out of error messages", async () => {
    await newPusher(okURL.replace("http://", "http://al%40ice:s3cret@"), "j").delete();
    expect(seen().headers["authorization"]).toBe(`Basic ${Buffer.from("al@ice:s3cret").toString("base64")}`);
    const err = (await newPusher(errURL.replace("http://", "http://alice:s3cret@"), "j").delete().catch((e: unknown) => e)) as PushHTTPError;
    expect(err).toBeInstanceOf(PushHTTPError);
    expect(err.message).toBe(`unexpected status code 500 while deleting ${errURL}/metrics/job/j: fake error\n`);
    expect(err.url).not.toContain("s3cret");
  });

  it("adds http:// to host:port and drops one trailing slash, as Go's New does", async () => {
    await newPusher(`${okURL.slice("http://".length)}/`, "j").delete();
    expect(seen().path).toBe("/metrics/job/j");
  });

  it("calls a custom client with the request, and needs 202 for a delete", async () => {
    const calls: [string, string, string | undefined][] = [];
    const pusher = newPusher("http://pgw.invalid:9091", "j")
      .collector(testMetrics().metric1)
      .client(async (url, init) => {
        calls.push([init.method, url, init.headers["Content-Type"]]);
        return { status: 200, text: async () => "" };
      });
    await pusher.push();
    const err = await pusher.delete().catch((e: unknown) => e);
    expect(calls).toEqual([
      ["PUT", "http://pgw.invalid:9091/metrics/job/j", FmtProtoDelim],
      ["DELETE", "http://pgw.invalid:9091/metrics/job/j", undefined],
    ]);
    expect(err).toBeInstanceOf(PushHTTPError);
    expect((err as Error).message).toBe("unexpected status code 200 while deleting http://pgw.invalid:9091/metrics/job/j: ");
  });
});

describe("a Pushgateway that is down or slow", () => {
  it("gives a PushRequestError with the system error when nothing listens", async () => {
    const closed = createServer();
    const url = await listen(closed);
    await close(closed);
    const err = await newPusher(url, "j").collector(testMetrics().metric1).push().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PushRequestError);
    expect((err as Error).message).toMatch(new RegExp(`^PUT ${url}/metrics/job/j failed: .*ECONNREFUSED`));
    expect((err as PushRequestError).method).toBe("PUT");
  });

  it("gives a PushTimeoutError within the timeout when the answer never comes", async () => {
    const started = performance.now();
    const err = await newPusher(silentURL, "j").timeout(300).collector(testMetrics().metric1).push().catch((e: unknown) => e);
    const took = performance.now() - started;
    expect(err).toBeInstanceOf(PushTimeoutError);
    expect((err as Error).message).toBe(`PUT ${silentURL}/metrics/job/j did not complete within 300 ms`);
    expect((err as PushTimeoutError).timeoutMs).toBe(300);
    // Generous: the machine is shared; what matters is that it did not wait for ever.
    expect(took).toBeGreaterThanOrEqual(290);
    expect(took).toBeLessThan(5_000);
  });

  it("takes a timeout beyond setTimeout's range as none, instead of firing at once", async () => {
    await newPusher(okURL, "j").timeout(1e12).delete();
    expect(seen().method).toBe("DELETE");
  });

  it("times out a custom client that ignores the abort signal", async () => {
    const never = (): Promise<never> => new Promise(() => {});
    const err = await newPusher("http://pgw.invalid", "j").timeout(100).client(never).delete().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PushTimeoutError);
  });

  it("times out a body that never ends", async () => {
    const slowBody = createServer((req, res) => {
      req.resume();
      res.writeHead(500).write("partial");
    });
    const url = await listen(slowBody);
    try {
      const err = await newPusher(url, "j").timeout(300).delete().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(PushTimeoutError);
    } finally {
      slowBody.closeAllConnections();
      await close(slowBody);
    }
  });

  it("stops at the caller's abort signal with a PushRequestError", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const err = await newPusher(silentURL, "j").delete({ signal: controller.signal }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PushRequestError);
    expect(err).not.toBeInstanceOf(PushTimeoutError);
  });
});
