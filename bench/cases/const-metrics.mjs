// Case: the demo collector's const-metric path. A collector that, at every scrape, creates N const
// metrics (two labels) from values it read elsewhere and sends them through the channel, as the
// demo exporter does with `mustNewConstMetric`. Scraped (gather + text encoding to bytes).
// Run by bench/run.mjs as `node --expose-gc bench/cases/const-metrics.mjs --size=N [--quick]`.
//
// prom-client has no const metrics: its idiom for "values read at scrape time" is a metric with a
// `collect()` callback that resets it and sets every series again, which is what is measured.
// The floor renders each series' label text once and caches it, which a const-metric collector
// cannot do in general (its label sets may change between scrapes): it stays the lower bound.

import { gaugeData } from "../lib/data.mjs";
import { runEncodeCase } from "../lib/encode-driver.mjs";
import { FloorEncoder, header, labelText } from "../lib/floor.mjs";
import { caseArgs, emit } from "../lib/measure.mjs";
import * as ours from "../lib/ours.mjs";
import client, * as prom from "../lib/prom.mjs";

const { size: n, quick } = caseArgs();
const data = { ...gaugeData(n), name: "bench_const", help: "Const metrics created at every scrape." };

/** ConstCollector sends one const gauge per series at every collect, like the demo's version metric. */
class ConstCollector {
  constructor() {
    this.desc = ours.newDesc(data.name, data.help, data.labelNames, null);
  }

  describe(ch) {
    ch.send(this.desc);
  }

  collect(ch) {
    const { labelValues, values } = data;
    for (let i = 0; i < n; i++) {
      const lv = labelValues[i];
      ch.send(ours.mustNewConstMetric(this.desc, ours.GaugeValue, values[i], lv[0], lv[1]));
    }
  }
}

const impls = {
  floor() {
    const prefixes = data.labelValues.map((lv) => `${data.name}${labelText(data.labelNames, lv)} `);
    const encoder = new FloorEncoder(header(data.name, data.help, "gauge"), prefixes);
    return { scrape: () => encoder.encode((i) => data.values[i]) };
  },
  ours() {
    const registry = ours.newRegistry();
    registry.mustRegister(new ConstCollector());
    return { scrape: () => ours.scrape(registry) };
  },
  "prom-client"() {
    const registry = new client.Registry();
    const [first, second] = data.labelNames;
    new client.Gauge({
      name: data.name,
      help: data.help,
      labelNames: data.labelNames,
      registers: [registry],
      collect() {
        this.reset();
        const { labelValues, values } = data;
        for (let i = 0; i < n; i++) {
          const lv = labelValues[i];
          this.set({ [first]: lv[0], [second]: lv[1] }, values[i]);
        }
      },
    });
    return { scrape: () => prom.scrape(registry) };
  },
};

const wrapped = Object.fromEntries(Object.entries(impls).map(([k, build]) => [k, { build }]));
emit(await runEncodeCase({ case: "Const metrics via the channel", n, series: n, quick, impls: wrapped }));
