// How the benchmark drives our library: through the package's public entry points (the compiled
// dist/, imported by the package's own name), exactly as an application would.

import { textChunks } from "demo-exporter/expfmt";

export * from "demo-exporter/prometheus";
export { textChunks };

/**
 * scrape gathers a registry and encodes the families to bytes: the work of one scrape minus the
 * HTTP layer. Chunks are turned into Buffers as a response stream would do.
 */
export async function scrape(registry) {
  const families = await registry.gather();
  const out = [];
  for (const chunk of textChunks(families)) out.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
  return out;
}
