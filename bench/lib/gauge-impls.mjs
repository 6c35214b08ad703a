// The three implementations of the GaugeVec cases (gauge-vec.mjs, string-path.mjs): the same
// series for each; `oursScrape` says which of our paths a scrape takes.

import { FloorEncoder, header, labelText } from "./floor.mjs";
import * as ours from "./ours.mjs";
import client, * as prom from "./prom.mjs";

/** gaugeImpls returns the case's builders, wrapped as runEncodeCase takes them. */
export function gaugeImpls(data, oursScrape) {
  const n = data.values.length;
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
      return { scrape: () => oursScrape(registry) };
    },
    "prom-client"() {
      const registry = new client.Registry();
      const gauge = new client.Gauge({ name: data.name, help: data.help, labelNames: data.labelNames, registers: [registry] });
      for (let i = 0; i < n; i++) gauge.labels(...data.labelValues[i]).set(data.values[i]);
      return { scrape: () => prom.scrape(registry) };
    },
  };
  return Object.fromEntries(Object.entries(impls).map(([k, build]) => [k, { build }]));
}
