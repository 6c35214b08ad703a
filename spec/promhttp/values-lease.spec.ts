/**
 * The handler's gather borrows the vecs' value arrays and gives them back after encoding
 * (lib/prometheus/values-lease.ts). What must hold: every scrape serves its own values, and no
 * array that anyone else can still read (families returned by gather(), kept by an overriding
 * gather, or held by a logged GatherError) is ever written over.
 */
import { request } from "undici";
import { afterEach, describe, expect, it } from "vitest";
import { metricFamiliesToText } from "../../lib/expfmt/index.js";
import type { MetricFamily } from "../../lib/model/index.js";
import { ContinueOnError, handlerFor } from "../../lib/promhttp/index.js";
import * as prom from "../../lib/prometheus/index.js";
import { leasingGather } from "../../lib/prometheus/leased-gather.js";
import { ValueSpares, ValuesLease } from "../../lib/prometheus/values-lease.js";
import { startServer, type TestServer } from "./server.js";

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function serve(gatherer: prom.Gatherer, opts: Parameters<typeof handlerFor>[1] = {}): Promise<string> {
  const server = await startServer(handlerFor(gatherer, opts));
  servers.push(server);
  return server.url;
}

async function scrapeText(url: string): Promise<string> {
  const res = await request(url);
  expect(res.statusCode).toBe(200);
  return res.body.text();
}

/** A gauge vec of `n` series, all set to `value` by `setAll`. */
function gauges(n: number) {
  const vec = prom.newGaugeVec({ name: "level", help: "A level." }, ["i"]);
  const children = Array.from({ length: n }, (_, i) => vec.withLabelValues(String(i).padStart(6, "0")));
  return { vec, setAll: (value: number) => children.forEach((c, i) => c.set(value * 1000 + i)) };
}

/** The exposition that `gauges(n)` gives once set to `value`. */
function expected(n: number, value: number): string {
  const lines = Array.from({ length: n }, (_, i) => `level{i="${String(i).padStart(6, "0")}"} ${value * 1000 + i}`);
  return ["# HELP level A level.", "# TYPE level gauge", ...lines, ""].join("\n");
}

/** The value of the series i="000000" in families or a body. */
function firstValue(text: string): string | undefined {
  return /level\{i="000000"\} (\S+)/.exec(text)?.[1];
}

describe("the handler's borrowed value arrays", () => {
  it("serve every scrape its own values, one after another and several at once", async () => {
    const n = 20_000;
    const { vec, setAll } = gauges(n);
    const reg = prom.newRegistry();
    reg.mustRegister(vec);
    const url = await serve(reg);
    for (let value = 1; value <= 3; value++) {
      setAll(value);
      expect(await scrapeText(url)).toBe(expected(n, value));
    }
    for (let value = 4; value <= 5; value++) {
      setAll(value);
      const bodies = await Promise.all(Array.from({ length: 6 }, () => scrapeText(url)));
      for (const body of bodies) expect(body).toBe(expected(n, value));
    }
  });

  it("are never the arrays of families that gather() returned", async () => {
    const { vec, setAll } = gauges(100);
    const reg = prom.newRegistry();
    reg.mustRegister(vec);
    setAll(1);
    const families = await reg.gather();
    const url = await serve(reg);
    for (let value = 2; value <= 4; value++) {
      setAll(value);
      expect(firstValue(await scrapeText(url))).toBe(String(value * 1000));
    }
    expect(metricFamiliesToText(families)).toBe(expected(100, 1));
  });

  it("are not used through a Registry whose gather is overridden (it may keep the families)", async () => {
    class CachingRegistry extends prom.Registry {
      #cached: MetricFamily[] | undefined;
      override async gather(options?: prom.GatherOptions): Promise<MetricFamily[]> {
        return (this.#cached ??= await super.gather(options));
      }
    }
    const { vec, setAll } = gauges(100);
    const plain = prom.newRegistry();
    const caching = new CachingRegistry();
    plain.mustRegister(vec);
    caching.mustRegister(vec);
    const plainUrl = await serve(plain);
    const cachingUrl = await serve(caching);
    setAll(1);
    expect(firstValue(await scrapeText(cachingUrl))).toBe("1000");
    setAll(2);
    // Had the cached families' array gone back to the vec, these scrapes would write over it.
    expect(firstValue(await scrapeText(plainUrl))).toBe("2000");
    expect(firstValue(await scrapeText(plainUrl))).toBe("2000");
    expect(await scrapeText(cachingUrl)).toBe(expected(100, 1));
  });

  it("are not given back when the gather failed: the logged error holds the families", async () => {
    const { vec, setAll } = gauges(100);
    const failing: prom.Collector = {
      describe: (ch) => ch.send(prom.newDesc("broken", "Fails.", [], {})),
      collect: () => {
        throw new Error("collector broke");
      },
    };
    const reg = prom.newRegistry();
    reg.mustRegister(vec, failing);
    const logged: unknown[] = [];
    const url = await serve(reg, {
      errorHandling: ContinueOnError,
      errorLog: { error: (_msg, ...keyvals) => void logged.push(keyvals[1]) },
    });
    setAll(1);
    expect(firstValue(await scrapeText(url))).toBe("1000");
    const err = logged[0];
    expect(err).toBeInstanceOf(prom.GatherError);
    setAll(2);
    expect(firstValue(await scrapeText(url))).toBe("2000");
    expect(firstValue(await scrapeText(url))).toBe("2000");
    expect(metricFamiliesToText((err as prom.GatherError).families)).toBe(expected(100, 1));
  });
});

describe("leasingGather", () => {
  it("lends through a Registry's own gather, and through Gatherers made only of such", () => {
    expect(leasingGather(prom.newRegistry())).toBeTypeOf("function");
    expect(leasingGather(prom.newPedanticRegistry())).toBeTypeOf("function");
    const reg = prom.newRegistry();
    expect(leasingGather(new prom.Gatherers([reg, prom.newRegistry()]))).toBeTypeOf("function");
    expect(leasingGather(new prom.Gatherers([new prom.Gatherers([reg])]))).toBeTypeOf("function");
    const func = prom.gathererFunc(async () => reg.gather());
    expect(leasingGather(func)).toBeUndefined();
    expect(leasingGather(new prom.Gatherers([reg, func]))).toBeUndefined();
    const patched = prom.newRegistry();
    patched.gather = async () => [];
    expect(leasingGather(patched)).toBeUndefined();
    expect(leasingGather(new prom.Gatherers([reg, patched]))).toBeUndefined();
  });

  it("fails the gather with a typed error when a member's gather is replaced after the check", async () => {
    const reg = prom.newRegistry();
    reg.mustRegister(gauges(3).vec);
    const gather = leasingGather(new prom.Gatherers([reg]))!;
    reg.gather = async () => [];
    const err = await gather({}, new ValuesLease()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(prom.GatherError);
    const cause = ((err as prom.GatherError).errors[0] as Error).cause;
    expect(cause).toBeInstanceOf(prom.InvalidOptionsError);
    expect(String(cause)).toContain("gather was replaced during a gather");
  });

  it("serves the right values through Gatherers, and keeps a failed gather's arrays", async () => {
    const { vec, setAll } = gauges(100);
    const reg = prom.newRegistry();
    reg.mustRegister(vec);
    const other = prom.newRegistry();
    other.mustRegister(prom.newGauge({ name: "other", help: "Another registry." }));
    const failing = prom.newRegistry();
    failing.mustRegister({
      describe: (ch) => ch.send(prom.newDesc("broken", "Fails.", [], {})),
      collect: () => {
        throw new Error("collector broke");
      },
    } satisfies prom.Collector);
    const logged: unknown[] = [];
    const url = await serve(new prom.Gatherers([reg, other]));
    const failingUrl = await serve(new prom.Gatherers([reg, failing]), {
      errorHandling: ContinueOnError,
      errorLog: { error: (_msg, ...keyvals) => void logged.push(keyvals[1]) },
    });
    setAll(1);
    expect(firstValue(await scrapeText(failingUrl))).toBe("1000");
    for (let value = 2; value <= 4; value++) {
      setAll(value);
      const body = await scrapeText(url);
      expect(firstValue(body)).toBe(String(value * 1000));
      expect(body).toContain("other 0\n");
    }
    // The arrays did go back to the vec: the scrapes through Gatherers borrowed them.
    expect((vec as unknown as { spares: ValueSpares }).spares.size).toBeGreaterThan(0);
    const err = logged[0] as prom.GatherError;
    expect(err).toBeInstanceOf(prom.GatherError);
    expect(firstValue(metricFamiliesToText(err.families))).toBe("1000");
  });
});

describe("ValueSpares and ValuesLease", () => {
  it("keep at most 8 arrays, and one alone when they are large", () => {
    const spares = new ValueSpares();
    for (let i = 0; i < 10; i++) spares.giveBack(new Float64Array(10));
    expect(spares.size).toBe(8);
    const large = new ValueSpares();
    for (let i = 0; i < 3; i++) large.giveBack(new Float64Array(1_500_000)); // 12 MB each
    expect(large.size).toBe(1);
  });

  it("hand out a spare of the asked length, and drop those of another", () => {
    const spares = new ValueSpares();
    const a = new Float64Array(4);
    spares.giveBack(new Float64Array(3));
    spares.giveBack(a);
    expect(spares.take(4)).toBe(a);
    const fresh = spares.take(4);
    expect(fresh).not.toBe(a);
    expect(fresh.length).toBe(4);
    expect(spares.size).toBe(0);
  });

  it("give back what was kept before the end, and nothing kept after it", () => {
    const spares = new ValueSpares();
    const lease = new ValuesLease();
    lease.keep(new Float64Array(2), spares);
    expect(spares.size).toBe(0);
    lease.end();
    expect(spares.size).toBe(1);
    lease.keep(new Float64Array(2), spares);
    lease.end();
    expect(spares.size).toBe(1);
  });
});
