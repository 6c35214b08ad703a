// How the benchmark drives prom-client 15 (a devDependency, used by the benchmark only): its own
// Registry per case (no global), and `registry.metrics()` for a scrape, as its docs show.

import client from "prom-client";

export default client;

/** scrape renders a prom-client registry to bytes. */
export async function scrape(registry) {
  return Buffer.from(await registry.metrics());
}
