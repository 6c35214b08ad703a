/**
 * The handler gathers through a TransactionalGatherer (lib/prometheus/transactional.ts): a
 * Registry's transactional gather borrows the vecs' value arrays, and the transaction's `done()`
 * gives them back after encoding (lib/prometheus/internal/loans.ts). What must hold: every scrape
 * serves its own values, and no array that anyone else can still read (families returned by
 * gather(), kept by a caching gatherer, or held by a logged GatherError) is ever written over.
 */
import { request } from "undici";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { afterEach, describe, expect, it, vi } from "vitest";
import { metricFamiliesToText } from "../../lib/expfmt/index.js";
import type { MetricFamily } from "../../lib/model/index.js";
import { ContinueOnError, handlerFor, handlerForTransactional } from "../../lib/promhttp/index.js";
import * as prom from "../../lib/prometheus/index.js";
import { Loans, ValueSpares } from "../../lib/prometheus/internal/loans.js";
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

  it("are not used by a Registry subclass whose transactional form is its (caching) gather", async () => {
    class CachingRegistry extends prom.Registry {
      #cached: MetricFamily[] | undefined;
      override async gather(options?: prom.GatherOptions): Promise<MetricFamily[]> {
        return (this.#cached ??= await super.gather(options));
      }
      override transactionalGatherer(): prom.TransactionalGatherer {
        return prom.toTransactionalGatherer(prom.gathererFunc((options) => this.gather(options)));
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

  it("leave a failed gather's families intact: the logged error holds them as plain data", async () => {
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

describe("toTransactionalGatherer", () => {
  it("returns a Registry's and Gatherers' own transactional form, and wraps any other gatherer", async () => {
    const reg = prom.newRegistry();
    reg.mustRegister(gauges(2).vec);
    const own = await prom.toTransactionalGatherer(reg).gather();
    expect(own.families.map((f) => "rows" in f)).toEqual([true]);
    own.done();
    const merged = await prom.toTransactionalGatherer(new prom.Gatherers([reg])).gather();
    expect(merged.families.map((f) => "rows" in f)).toEqual([true]);
    merged.done();
    const func = prom.gathererFunc(async () => reg.gather());
    const wrapped = await prom.toTransactionalGatherer(func).gather();
    expect(wrapped.families.map((f) => "rows" in f)).toEqual([false]);
    expect(metricFamiliesToText(wrapped.families)).toBe(metricFamiliesToText(await reg.gather()));
    wrapped.done();
    expect(() => prom.toTransactionalGatherer({} as prom.Gatherer)).toThrow(prom.InvalidOptionsError);
  });

  it("gives a done that can be called twice, and a pedantic registry's families are plain", async () => {
    const reg = prom.newPedanticRegistry();
    reg.mustRegister(gauges(2).vec);
    const { families, done } = await reg.transactionalGatherer().gather();
    expect(families.map((f) => "rows" in f)).toEqual([false]);
    done();
    done();
  });
});

describe("newMultiTRegistry", () => {
  it("merges transactional gatherers, and done() calls every one's done", async () => {
    const calls: string[] = [];
    const tg = (name: string, value: number): prom.TransactionalGatherer => ({
      gather: async () => ({
        families: [{ name, help: "h", type: "gauge", metric: [{ label: [], gauge: { value } }] }],
        done: () => void calls.push(name),
      }),
    });
    const multi = prom.newMultiTRegistry(tg("b", 2), tg("a", 1));
    const { families, done } = await multi.gather();
    expect(metricFamiliesToText(families)).toBe("# HELP a h\n# TYPE a gauge\na 1\n# HELP b h\n# TYPE b gauge\nb 2\n");
    expect(calls).toEqual([]);
    done();
    expect(calls.sort()).toEqual(["a", "b"]);
    done();
    expect(calls).toHaveLength(2);
  });

  it("rejects a series two gatherers both have, after giving back what they lent", async () => {
    const calls: string[] = [];
    const tg = (name: string): prom.TransactionalGatherer => ({
      gather: async () => ({
        families: [{ name: "same", help: "h", type: "gauge", metric: [{ label: [], gauge: { value: 1 } }] }],
        done: () => void calls.push(name),
      }),
    });
    const err = await prom.newMultiTRegistry(tg("x"), tg("y")).gather().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(prom.GatherError);
    expect(String(err)).toContain("was collected before with the same name and label values");
    expect(calls.sort()).toEqual(["x", "y"]);
  });

  it("serves through handlerForTransactional", async () => {
    const { vec, setAll } = gauges(100);
    const reg = prom.newRegistry();
    reg.mustRegister(vec);
    const server = await startServer(handlerForTransactional(prom.newMultiTRegistry(reg.transactionalGatherer())));
    servers.push(server);
    for (let value = 1; value <= 3; value++) {
      setAll(value);
      expect(await scrapeText(server.url)).toBe(expected(100, value));
    }
  });
});

describe("Gatherers through the handler", () => {
  it("serves the right values through Gatherers, and leaves a failed gather's families intact", async () => {
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
    // Counted as they go back: the spares are held weakly, so a collection may empty the list.
    const spares = (vec as unknown as { metricMap: { spares: ValueSpares } }).metricMap.spares;
    const givenBack = vi.spyOn(spares, "giveBack");
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
    expect(givenBack).toHaveBeenCalled();
    const err = logged[0] as prom.GatherError;
    expect(err).toBeInstanceOf(prom.GatherError);
    expect(firstValue(metricFamiliesToText(err.families))).toBe("1000");
  });
});

describe("ValueSpares and Loans", () => {
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

  it("hold their arrays weakly: a full collection frees them, and take() makes a new one", async () => {
    // A gc() of our own (vitest's workers run without --expose-gc).
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as () => void;
    const spares = new ValueSpares();
    const kept = new Float64Array(4);
    spares.giveBack(kept);
    spares.giveBack(new Float64Array(4)); // held by the spares alone
    expect(spares.size).toBe(2);
    // A WeakRef's target stays alive until the job that made it ends.
    await new Promise((resolve) => setTimeout(resolve, 0));
    gc();
    expect(spares.size).toBe(1);
    expect(spares.take(4)).toBe(kept);
    expect(spares.take(4)).not.toBe(kept);
  });

  it("give back what was added before giveBack, and nothing added after it", () => {
    const spares = new ValueSpares();
    const loans = new Loans();
    loans.add(new Float64Array(2), spares);
    expect(spares.size).toBe(0);
    loans.giveBack();
    expect(spares.size).toBe(1);
    loans.add(new Float64Array(2), spares);
    loans.giveBack();
    expect(spares.size).toBe(1);
  });
});

describe("the signal a scrape hands its gatherer", () => {
  /** Counts the AbortControllers made while `fn` runs. */
  async function controllersMadeDuring(fn: () => Promise<void>): Promise<number> {
    const Original = globalThis.AbortController;
    let made = 0;
    globalThis.AbortController = class extends Original {
      constructor() {
        super();
        made++;
      }
    };
    try {
      await fn();
    } finally {
      globalThis.AbortController = Original;
    }
    return made;
  }

  it("is the handler's light stop signal for a registry: no AbortController per scrape", async () => {
    const reg = prom.newRegistry();
    reg.mustRegister(gauges(10).vec);
    const url = await serve(reg);
    const made = await controllersMadeDuring(async () => {
      for (let i = 0; i < 5; i++) await scrapeText(url);
    });
    expect(made).toBe(0);
  });

  it("is a real AbortSignal for a plain gatherer, made for it", async () => {
    const seen: unknown[] = [];
    const url = await serve(
      prom.gathererFunc(async (options) => {
        seen.push(options?.signal);
        return [];
      }),
    );
    const made = await controllersMadeDuring(async () => {
      await scrapeText(url);
    });
    expect(seen[0]).toBeInstanceOf(AbortSignal);
    expect(made).toBeGreaterThanOrEqual(1);
  });
});
