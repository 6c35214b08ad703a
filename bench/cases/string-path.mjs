// Case: the path the README shows, a GaugeVec with two labels, N series: `gather()` (plain
// client_model data, one object per series) and `metricFamiliesToText` (one string), as bytes.
// Run by bench/run.mjs as `node --expose-gc bench/cases/string-path.mjs --size=N [--quick]`.

import { gaugeData } from "../lib/data.mjs";
import { runEncodeCase } from "../lib/encode-driver.mjs";
import { FloorEncoder, header, labelText } from "../lib/floor.mjs";
import { caseArgs, emit } from "../lib/measure.mjs";
import * as ours from "../lib/ours.mjs";
import client, * as prom from "../lib/prom.mjs";

const { size: n, quick } = caseArgs();
const data = gaugeData(n);

const impls = {
  floor() {
    const prefixes = data.labelValues.map((lv) => `${data.name}${labelText(data.labelNames, lv)} `);
    const encoder = new FloorEncoder(header(data.name, data.help, "gauge"), prefixes);
    const values = Float64Array.from(data.values);
    return { scrape: () => encoder.encode((i) => values[i]) };
  },
  ours() {
    const registry = ours.newRegistry();
    const vec = ours.newGaugeVec({ name: data.name, help: data.help }, data.labelNames);
    registry.mustRegister(vec);
    for (let i = 0; i < n; i++) vec.withLabelValues(...data.labelValues[i]).set(data.values[i]);
    return { scrape: () => ours.scrapeText(registry) };
  },
  "prom-client"() {
    const registry = new client.Registry();
    const gauge = new client.Gauge({ name: data.name, help: data.help, labelNames: data.labelNames, registers: [registry] });
    for (let i = 0; i < n; i++) gauge.labels(...data.labelValues[i]).set(data.values[i]);
    return { scrape: () => prom.scrape(registry) };
  },
};

const wrapped = Object.fromEntries(Object.entries(impls).map(([k, build]) => [k, { build }]));
emit(await runEncodeCase({ case: "GaugeVec via gather() and metricFamiliesToText", n, series: n, quick, impls: wrapped }));
