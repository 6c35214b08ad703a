// How the benchmark drives our library: through the package's public entry points (the compiled
// dist/, imported by the package's own name), exactly as an application would.

import { metricFamiliesToText, textByteChunks } from "demo-exporter/expfmt";
import { toTransactionalGatherer } from "demo-exporter/prometheus";

export * from "demo-exporter/prometheus";
export { metricFamiliesToText, textByteChunks };

/**
 * scrape gathers a registry and encodes the families to bytes: the work of one scrape minus the
 * HTTP layer, as the metrics handler does it: a transactional gather (the registry's own, in
 * which vecs lend their columns), textByteChunks (the text format's byte encoder), then done().
 */
export async function scrape(registry) {
  const { families, done } = await toTransactionalGatherer(registry).gather();
  try {
    const out = [];
    for (const chunk of textByteChunks(families)) out.push(chunk);
    return out;
  } finally {
    done();
  }
}

/**
 * scrapeText is the path the README shows: `gather()` (plain client_model data) and
 * `metricFamiliesToText`, the text as one string, then as bytes.
 */
export async function scrapeText(registry) {
  return Buffer.from(metricFamiliesToText(await registry.gather()));
}
