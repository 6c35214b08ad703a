// Case: a HistogramVec with two labels and the default buckets, N label sets (each writes 14
// lines: 11 buckets, +Inf, _sum, _count), scraped (gather + text encoding to bytes).
// Run by bench/run.mjs as `node --expose-gc bench/cases/histogram-vec.mjs --size=N [--quick]`.

import { defaultBuckets, histogramData } from "../lib/data.mjs";
import { runEncodeCase } from "../lib/encode-driver.mjs";
import { FloorEncoder, header, labelText } from "../lib/floor.mjs";
import { caseArgs, emit } from "../lib/measure.mjs";
import * as ours from "../lib/ours.mjs";
import client, * as prom from "../lib/prom.mjs";

const { size: n, quick } = caseArgs();
const data = histogramData(n);
const linesPerSet = defaultBuckets.length + 3;

const impls = {
  floor() {
    // One prefix per line; the values are the per-bucket counts (made cumulative while writing),
    // the sum and the count, kept in typed arrays as a histogram would keep them.
    const name = data.name;
    const prefixes = [];
    const counts = new Float64Array(n * defaultBuckets.length);
    const sums = new Float64Array(n);
    const totals = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const lv = data.labelValues[i];
      for (const le of [...defaultBuckets.map(String), "+Inf"]) {
        prefixes.push(`${name}_bucket${labelText(data.labelNames, lv, `le="${le}"`)} `);
      }
      prefixes.push(`${name}_sum${labelText(data.labelNames, lv)} `, `${name}_count${labelText(data.labelNames, lv)} `);
      for (const v of data.observations[i]) {
        const b = defaultBuckets.findIndex((ub) => v <= ub);
        if (b >= 0) counts[i * defaultBuckets.length + b]++;
        sums[i] += v;
        totals[i]++;
      }
    }
    const encoder = new FloorEncoder(header(name, data.help, "histogram"), prefixes);
    let cumulative = 0;
    const valueAt = (line) => {
      const set = (line / linesPerSet) | 0;
      const k = line - set * linesPerSet;
      if (k === 0) cumulative = 0;
      if (k < defaultBuckets.length) return (cumulative += counts[set * defaultBuckets.length + k]);
      if (k === defaultBuckets.length) return totals[set]; // +Inf
      return k === defaultBuckets.length + 1 ? sums[set] : totals[set];
    };
    return { scrape: () => encoder.encode(valueAt) };
  },
  ours() {
    const registry = ours.newRegistry();
    const vec = ours.newHistogramVec({ name: data.name, help: data.help }, data.labelNames);
    registry.mustRegister(vec);
    for (let i = 0; i < n; i++) {
      const h = vec.withLabelValues(...data.labelValues[i]);
      for (const v of data.observations[i]) h.observe(v);
    }
    return { scrape: () => ours.scrape(registry) };
  },
  "prom-client"() {
    const registry = new client.Registry();
    const histogram = new client.Histogram({
      name: data.name,
      help: data.help,
      labelNames: data.labelNames,
      buckets: defaultBuckets,
      registers: [registry],
    });
    for (let i = 0; i < n; i++) {
      const h = histogram.labels(...data.labelValues[i]);
      for (const v of data.observations[i]) h.observe(v);
    }
    return { scrape: () => prom.scrape(registry) };
  },
};

const wrapped = Object.fromEntries(Object.entries(impls).map(([k, build]) => [k, { build }]));
emit(await runEncodeCase({ case: "HistogramVec, default buckets", n, series: n * linesPerSet, quick, impls: wrapped }));
