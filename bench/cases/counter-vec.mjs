// Case: a CounterVec with five labels, N series, scraped (gather + text encoding to bytes).
// Run by bench/run.mjs as `node --expose-gc bench/cases/counter-vec.mjs --size=N [--quick]`.

import { counterData } from "../lib/data.mjs";
import { runEncodeCase } from "../lib/encode-driver.mjs";
import { FloorEncoder, header, labelText } from "../lib/floor.mjs";
import { caseArgs, emit } from "../lib/measure.mjs";
import * as ours from "../lib/ours.mjs";
import client, * as prom from "../lib/prom.mjs";

const { size: n, quick } = caseArgs();
const data = counterData(n);

const impls = {
  floor() {
    const prefixes = data.labelValues.map((lv) => `${data.name}${labelText(data.labelNames, lv)} `);
    const encoder = new FloorEncoder(header(data.name, data.help, "counter"), prefixes);
    const values = Float64Array.from(data.values);
    return { scrape: () => encoder.encode((i) => values[i]) };
  },
  ours() {
    const registry = ours.newRegistry();
    const vec = ours.newCounterVec({ name: data.name, help: data.help }, data.labelNames);
    registry.mustRegister(vec);
    for (let i = 0; i < n; i++) vec.withLabelValues(...data.labelValues[i]).add(data.values[i]);
    return { scrape: () => ours.scrape(registry) };
  },
  "prom-client"() {
    const registry = new client.Registry();
    const counter = new client.Counter({ name: data.name, help: data.help, labelNames: data.labelNames, registers: [registry] });
    for (let i = 0; i < n; i++) counter.labels(...data.labelValues[i]).inc(data.values[i]);
    return { scrape: () => prom.scrape(registry) };
  },
};

const wrapped = Object.fromEntries(Object.entries(impls).map(([k, build]) => [k, { build }]));
emit(await runEncodeCase({ case: "CounterVec, 5 labels", n, series: n, quick, impls: wrapped }));
