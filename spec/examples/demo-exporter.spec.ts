/**
 * Example: the demo exporter of the original write-up, gathered twice.
 *
 * The exporter is a collector: `describe` sends its two descriptors, `collect` sends the version
 * as a const metric and then the `demo_total` gauge vector, reset and set to the number of
 * scrapes so far. The first scrape is byte for byte what client_golang writes for it
 * (conformance/golden/demo_once.txt).
 */
import { expect, it } from "vitest";
import { newExporter } from "../../lib/demo/exporter.js";
import { metricFamiliesToText } from "../../lib/expfmt/index.js";
import { newRegistry } from "../../lib/prometheus/index.js";

it("example: the demo exporter counts its scrapes", async () => {
  const reg = newRegistry();
  reg.mustRegister(newExporter(undefined, { host: "localhost" }));

  const first = metricFamiliesToText(await reg.gather());
  expect(first).toBe(`# HELP demo_total demo total
# TYPE demo_total gauge
demo_total{instance_id="instance1",region_id="region1"} 1
# HELP demo_version demo exporter version
# TYPE demo_version gauge
demo_version 0.8
`);

  const second = metricFamiliesToText(await reg.gather());
  expect(second).toBe(`# HELP demo_total demo total
# TYPE demo_total gauge
demo_total{instance_id="instance1",region_id="region1"} 2
# HELP demo_version demo exporter version
# TYPE demo_version gauge
demo_version 0.8
`);
});
