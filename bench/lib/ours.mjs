// How the benchmark drives our library: through the package's public entry points (the compiled
// dist/, imported by the package's own name), exactly as an application would.

import { textByteChunks } from "demo-exporter/expfmt";

export * from "demo-exporter/prometheus";
export { textByteChunks };

/**
 * scrape gathers a registry and encodes the families to bytes: the work of one scrape minus the
 * HTTP layer, as the metrics handler does it (textByteChunks, the text format's byte encoder).
 */
export async function scrape(registry) {
  const families = await registry.gather();
  const out = [];
  for (const chunk of textByteChunks(families)) out.push(chunk);
  return out;
}
