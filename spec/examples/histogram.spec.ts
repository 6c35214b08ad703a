/**
 * Example: a histogram of temperatures, as client_golang's ExampleHistogram does, with the same
 * observations and therefore the same bucket counts and sum as Go's `// Output:` block.
 *
 * A histogram counts each observation into the first bucket whose upper bound holds it; the
 * exposition shows cumulative counts, so each bucket includes the ones below it, and the `+Inf`
 * bucket always equals the count.
 */
import { expect, it } from "vitest";
import { metricFamiliesToText } from "../../lib/expfmt/index.js";
import { linearBuckets, newHistogram, newRegistry } from "../../lib/prometheus/index.js";

it("example: a histogram of the frog pond's temperature", async () => {
  const reg = newRegistry();
  const temps = newHistogram({
    name: "pond_temperature_celsius",
    help: "The temperature of the frog pond.", // Sorry, we can't measure how badly it smells.
    buckets: linearBuckets(20, 5, 5), // 5 buckets, each 5 centigrade wide.
  });
  reg.mustRegister(temps);

  // Simulate some observations.
  for (let i = 0; i < 1000; i++) {
    temps.observe(30 + Math.floor(120 * Math.sin(i * 0.1)) / 10);
  }

  const text = metricFamiliesToText(await reg.gather());
  expect(text).toBe(`# HELP pond_temperature_celsius The temperature of the frog pond.
# TYPE pond_temperature_celsius histogram
pond_temperature_celsius_bucket{le="20"} 192
pond_temperature_celsius_bucket{le="25"} 366
pond_temperature_celsius_bucket{le="30"} 501
pond_temperature_celsius_bucket{le="35"} 638
pond_temperature_celsius_bucket{le="40"} 816
pond_temperature_celsius_bucket{le="+Inf"} 1000
pond_temperature_celsius_sum 29969.50000000001
pond_temperature_celsius_count 1000
`);
});
