/**
 * The Collector helpers: describeByCollect, collectorName, SelfCollector (client_golang's
 * collector.go).
 */
import { describe, expect, it } from "vitest";
import type { SendOnlyChannel } from "../../lib/prometheus/channel.js";
import { type Collector, collectorName, describeByCollect, isPromiseLike } from "../../lib/prometheus/collector.js";
import { type Desc, newDesc } from "../../lib/prometheus/desc.js";
import { InvalidCollectorError } from "../../lib/prometheus/errors.js";
import { newGauge } from "../../lib/prometheus/gauge.js";
import type { Metric } from "../../lib/prometheus/metric.js";
import { GaugeValue, mustNewConstMetric } from "../../lib/prometheus/value.js";

const a = newDesc("a", "h", ["k"]);
const b = newDesc("b", "h");

class Fixed implements Collector {
  describe(ch: SendOnlyChannel<Desc>): void {
    describeByCollect(this, ch);
  }
  collect(ch: SendOnlyChannel<Metric>): void {
    ch.send(mustNewConstMetric(a, GaugeValue, 1, "x"));
    ch.send(mustNewConstMetric(a, GaugeValue, 2, "y"));
    ch.send(mustNewConstMetric(b, GaugeValue, 3));
  }
}

describe("describeByCollect", () => {
  it("sends the descriptor of every collected metric", () => {
    const sent: Desc[] = [];
    new Fixed().describe({ send: (d) => void sent.push(d) });
    expect(sent).toEqual([a, a, b]);
  });

  it("refuses a collector whose collect is async, without leaving its promise unhandled", () => {
    class Async implements Collector {
      describe(ch: SendOnlyChannel<Desc>): void {
        describeByCollect(this, ch);
      }
      async collect(): Promise<void> {
        throw new Error("rejected later");
      }
    }
    let err: unknown;
    try {
      new Async().describe({ send() {} });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InvalidCollectorError);
    expect((err as Error).message).toBe("describeByCollect needs a synchronous collect, but Async returned a promise");
  });
});

describe("collectorName", () => {
  it("names a collector by its class, or 'collector'", () => {
    expect(collectorName(new Fixed())).toBe("Fixed");
    expect(collectorName(newGauge({ name: "g", help: "h" }))).toBe("Gauge");
    expect(collectorName({ describe() {}, collect() {} })).toBe("collector");
    expect(collectorName(Object.create(null) as Collector)).toBe("collector");
  });
});

describe("SelfCollector", () => {
  it("describes its descriptor and collects itself", () => {
    const g = newGauge({ name: "g", help: "h" });
    const descs: Desc[] = [];
    const metrics: Metric[] = [];
    g.describe({ send: (d) => void descs.push(d) });
    g.collect({ send: (m) => void metrics.push(m) });
    expect(descs).toEqual([g.desc()]);
    expect(metrics).toEqual([g]);
  });
});

describe("isPromiseLike", () => {
  it.each([
    [Promise.resolve(), true],
    [{ then() {} }, true],
    [undefined, false],
    [null, false],
    [{ then: 1 }, false],
    [() => undefined, false],
  ])("%o → %s", (value, want) => {
    expect(isPromiseLike(value)).toBe(want);
  });
});
