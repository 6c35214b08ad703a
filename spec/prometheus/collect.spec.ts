/**
 * Running the collectors of a gather: synchronous and async collectors, collectors that throw or
 * reject, aborting a gather, concurrent gathers, and yielding to the event loop. Counterpart: the
 * goroutines and channels inside client_golang's Registry.Gather.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { metricFamiliesToText } from "../../lib/expfmt/text.js";
import type { SendOnlyChannel } from "../../lib/prometheus/channel.js";
import type { Collector } from "../../lib/prometheus/collector.js";
import { type Desc, newDesc } from "../../lib/prometheus/desc.js";
import { CollectorError, GatherAbortedError, GatherError } from "../../lib/prometheus/errors.js";
import { newGauge, newGaugeVec } from "../../lib/prometheus/gauge.js";
import { lateSendsDropped } from "../../lib/prometheus/late-send.js";
import type { Metric } from "../../lib/prometheus/metric.js";
import { newRegistry, type Registry } from "../../lib/prometheus/registry.js";
import { GaugeValue, mustNewConstMetric } from "../../lib/prometheus/value.js";

const desc = newDesc("items", "h", ["i"]);
const item = (i: number | string, value = 1): Metric => mustNewConstMetric(desc, GaugeValue, value, String(i));

async function gatherError(reg: Registry, signal?: AbortSignal): Promise<GatherError> {
  const err = await reg.gather({ signal }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(GatherError);
  return err as GatherError;
}

/** withUnhandledRejections runs fn and returns the unhandled rejections seen meanwhile. */
async function withUnhandledRejections(fn: () => Promise<void>): Promise<unknown[]> {
  const seen: unknown[] = [];
  const listener = (reason: unknown) => void seen.push(reason);
  process.on("unhandledRejection", listener);
  try {
    await fn();
    // Give a stray rejection the turns it needs to be reported.
    await sleep(20);
  } finally {
    process.off("unhandledRejection", listener);
  }
  return seen;
}

describe("collectors that fail", () => {
  class BrokenCollector implements Collector {
    describe(): void {}
    collect(ch: SendOnlyChannel<Metric>): void {
      ch.send(item("before"));
      throw new Error("boom");
    }
  }

  class FlakyCollector implements Collector {
    describe(): void {}
    async collect(ch: SendOnlyChannel<Metric>): Promise<void> {
      ch.send(item("flaky-before"));
      await sleep(1);
      throw new Error("device went away");
    }
  }

  it("turns a synchronous throw into a CollectorError naming the class; what was sent still counts", async () => {
    const reg = newRegistry();
    const ok = newGauge({ name: "ok", help: "h" });
    const broken = new BrokenCollector();
    reg.mustRegister(ok, broken);
    const err = await gatherError(reg);
    expect(err.errors).toHaveLength(1);
    const collectorError = err.errors[0] as CollectorError;
    expect(collectorError).toBeInstanceOf(CollectorError);
    expect(collectorError.message).toBe("error collecting from BrokenCollector: boom");
    expect(collectorError.collector).toBe(broken);
    expect((collectorError.cause as Error).message).toBe("boom");
    expect(err.message).toBe("error collecting from BrokenCollector: boom");
    expect(metricFamiliesToText(err.families)).toBe(`# HELP items h
# TYPE items gauge
items{i="before"} 1
# HELP ok h
# TYPE ok gauge
ok 0
`);
  });

  it("turns a rejection into a CollectorError; other collectors' output is intact", async () => {
    const reg = newRegistry();
    const vec = newGaugeVec({ name: "other", help: "h" }, ["k"]);
    vec.withLabelValues("a").set(1);
    vec.withLabelValues("b").set(2);
    reg.mustRegister(vec, new FlakyCollector());
    const err = await gatherError(reg);
    expect(err.errors).toHaveLength(1);
    expect(err.errors[0]).toBeInstanceOf(CollectorError);
    expect(err.message).toBe("error collecting from FlakyCollector: device went away");
    expect(metricFamiliesToText(err.families)).toBe(`# HELP items h
# TYPE items gauge
items{i="flaky-before"} 1
# HELP other h
# TYPE other gauge
other{k="a"} 1
other{k="b"} 2
`);
  });

  it("reports several failing collectors together", async () => {
    const reg = newRegistry();
    reg.mustRegister(new FlakyCollector(), {
      describe() {},
      collect() {
        throw "not an Error";
      },
    });
    const err = await gatherError(reg);
    expect(err.errors.map((e: Error) => e.message).sort()).toEqual([
      "error collecting from FlakyCollector: device went away",
      "error collecting from collector: not an Error",
    ]);
    expect(err.message).toMatch(/^2 error\(s\) occurred:\n\* /);
    expect((err.errors.find((e: Error) => e.message.endsWith("not an Error")) as CollectorError).cause).toBe("not an Error");
  });
});

describe("async collectors", () => {
  it("are drained as they send, and their output is sorted with the rest", async () => {
    const reg = newRegistry();
    reg.mustRegister({
      describe() {},
      async collect(ch) {
        for (const i of [3, 1, 2]) {
          await sleep(1);
          ch.send(item(i));
        }
      },
    });
    reg.mustRegister(newGauge({ name: "a_sync", help: "h" }));
    expect(metricFamiliesToText(await reg.gather())).toBe(`# HELP a_sync h
# TYPE a_sync gauge
a_sync 0
# HELP items h
# TYPE items gauge
items{i="1"} 1
items{i="2"} 1
items{i="3"} 1
`);
  });

  it("may await the channel's backpressure: the registry keeps draining", async () => {
    const reg = newRegistry();
    const n = 20_000;
    let waits = 0;
    reg.mustRegister({
      describe() {},
      async collect(ch) {
        for (let i = 0; i < n; i++) {
          const wait = ch.send(item(i));
          if (wait !== undefined) {
            waits++;
            await wait;
          }
        }
      },
    });
    const families = await reg.gather();
    expect(families[0]!.metric).toHaveLength(n);
    expect(waits).toBeGreaterThan(0);
  });

  it("yields to the event loop while processing a large scrape", async () => {
    const metrics = Array.from({ length: 100_000 }, (_, i) => item(i));
    const reg = newRegistry();
    reg.mustRegister({
      describe() {},
      collect(ch) {
        for (const m of metrics) ch.send(m);
      },
    });
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    try {
      const families = await reg.gather();
      expect(families[0]!.metric).toHaveLength(100_000);
    } finally {
      clearInterval(timer);
    }
    expect(ticks).toBeGreaterThan(0);
  });
});

describe("aborting a gather", () => {
  it("rejects with GatherAbortedError; a late send is dropped and counted, thrown nowhere", async () => {
    let lateError: unknown;
    let finished = false;
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    class SlowCollector implements Collector {
      describe(): void {}
      async collect(ch: SendOnlyChannel<Metric>): Promise<void> {
        ch.send(item("early"));
        await gate;
        try {
          ch.send(item("late"));
        } catch (err) {
          lateError = err;
          throw err;
        } finally {
          finished = true;
        }
      }
    }
    const reg = newRegistry();
    reg.mustRegister(newGauge({ name: "fast", help: "h" }), new SlowCollector());

    const droppedBefore = lateSendsDropped();
    const unhandled = await withUnhandledRejections(async () => {
      const controller = new AbortController();
      const reason = new Error("scrape timeout");
      const pending = gatherError(reg, controller.signal);
      await sleep(5);
      controller.abort(reason);
      const err = await pending;
      expect(err.errors).toHaveLength(1);
      expect(err.errors[0]).toBeInstanceOf(GatherAbortedError);
      expect(err.message).toBe("gather aborted before all collectors finished");
      expect((err.errors[0] as Error).cause).toBe(reason);
      expect(err.families.map((f) => f.name)).toContain("fast");

      release();
      await sleep(5);
      expect(finished).toBe(true);
      expect(lateError).toBeUndefined();
      expect(lateSendsDropped()).toBe(droppedBefore + 1);
    });
    expect(unhandled).toEqual([]);

    // The late collector's output is not mixed into the next scrape.
    const next = metricFamiliesToText(await reg.gather());
    expect(next).toBe(`# HELP fast h
# TYPE fast gauge
fast 0
# HELP items h
# TYPE items gauge
items{i="early"} 1
items{i="late"} 1
`);
  });

  it("does not run any collector when the signal is already aborted", async () => {
    let collected = 0;
    const reg = newRegistry();
    reg.mustRegister({
      describe() {},
      collect() {
        collected++;
      },
    });
    const err = await gatherError(reg, AbortSignal.abort());
    expect(err.errors[0]).toBeInstanceOf(GatherAbortedError);
    expect(err.families).toEqual([]);
    expect(collected).toBe(0);
  });

  it("changes nothing when the signal never fires", async () => {
    const reg = newRegistry();
    reg.mustRegister(newGauge({ name: "g", help: "h" }));
    const controller = new AbortController();
    expect(await reg.gather({ signal: controller.signal })).toHaveLength(1);
    controller.abort();
  });
});

describe("concurrent gathers", () => {
  /** ScrapeCounter reads its scrape number before awaiting, then sends it after a delay. */
  class ScrapeCounter implements Collector {
    readonly desc: Desc = newDesc("scrape", "scrape number", ["part"]);
    #scrapes = 0;
    describe(ch: SendOnlyChannel<Desc>): void {
      ch.send(this.desc);
    }
    async collect(ch: SendOnlyChannel<Metric>): Promise<void> {
      const n = ++this.#scrapes;
      // The first scrape is the slowest, so the two interleave and finish out of order.
      for (const part of ["a", "b", "c"]) {
        await sleep(n === 1 ? 15 : 2);
        ch.send(mustNewConstMetric(this.desc, GaugeValue, n, part));
      }
    }
  }

  it("two gathers in flight at once produce independent, correct results", async () => {
    const reg = newRegistry();
    const vec = newGaugeVec({ name: "static", help: "h" }, ["k"]);
    for (let i = 0; i < 5; i++) vec.withLabelValues(String(i)).set(i);
    reg.mustRegister(new ScrapeCounter(), vec);

    const order: number[] = [];
    const first = reg.gather().then((f) => (order.push(1), metricFamiliesToText(f)));
    const second = reg.gather().then((f) => (order.push(2), metricFamiliesToText(f)));
    const [a, b] = await Promise.all([first, second]);
    expect(order).toEqual([2, 1]);

    const expected = (n: number) => `# HELP scrape scrape number
# TYPE scrape gauge
scrape{part="a"} ${n}
scrape{part="b"} ${n}
scrape{part="c"} ${n}
# HELP static h
# TYPE static gauge
static{k="0"} 0
static{k="1"} 1
static{k="2"} 2
static{k="3"} 3
static{k="4"} 4
`;
    expect(a).toBe(expected(1));
    expect(b).toBe(expected(2));
  });
});
