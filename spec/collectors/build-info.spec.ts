/**
 * Specs for lib/collectors/build-info.ts: the exposition of `<namespace>_build_info`.
 * @module
 */
import { describe, expect, it } from "vitest";

import { newBuildInfoCollector } from "../../lib/collectors/index.js";
import { metricFamiliesToText } from "../../lib/expfmt/index.js";
import { newPedanticRegistry } from "../../lib/prometheus/index.js";
import { checkMetrics, itPassesPromtool, promtoolAvailable } from "./promtool.js";

async function exposition(...opts: Parameters<typeof newBuildInfoCollector>): Promise<string> {
  const registry = newPedanticRegistry();
  registry.mustRegister(newBuildInfoCollector(...opts));
  return metricFamiliesToText(await registry.gather());
}

describe("newBuildInfoCollector", () => {
  it("runs its @example: demo_build_info 1, labeled by version, revision and nodeversion", async () => {
    const text = await exposition({ version: "0.8.0", revision: "4f1c2e9", nodeversion: "v20.11.1" });
    expect(text).toBe(`# HELP demo_build_info A metric with a constant '1' value labeled by version, revision, and nodeversion from which demo was built.
# TYPE demo_build_info gauge
demo_build_info{nodeversion="v20.11.1",revision="4f1c2e9",version="0.8.0"} 1
`);
  });

  it("names the metric and its help after the namespace", async () => {
    const text = await exposition({ namespace: "myapp", version: "1.2.3", revision: "abc", nodeversion: "v22.0.0" });
    expect(text).toBe(`# HELP myapp_build_info A metric with a constant '1' value labeled by version, revision, and nodeversion from which myapp was built.
# TYPE myapp_build_info gauge
myapp_build_info{nodeversion="v22.0.0",revision="abc",version="1.2.3"} 1
`);
  });

  it("defaults nodeversion to the running Node.js, as process.version spells it", async () => {
    const text = await exposition({ version: "0.8.0", revision: "unknown" });
    expect(text).toContain(`demo_build_info{nodeversion="${process.version}",revision="unknown",version="0.8.0"} 1\n`);
  });

  it("escapes label values it is given", async () => {
    const text = await exposition({ version: 'a"b\\c', revision: "line\nbreak", nodeversion: "v20.0.0" });
    expect(text).toContain(`demo_build_info{nodeversion="v20.0.0",revision="line\\nbreak",version="a\\"b\\\\c"} 1\n`);
  });

  itPassesPromtool("passes promtool check metrics", () => exposition({ version: "0.8.0", revision: "4f1c2e9" }));

  it.skipIf(!promtoolAvailable)("relies on a promtool that does report lint problems", () => {
    const { status, output } = checkMetrics("# HELP foo_count A gauge named like a counter.\n# TYPE foo_count gauge\nfoo_count 1\n");
    expect(output).toContain(`non-histogram and non-summary metrics should not have "_count" suffix`);
    expect(status).not.toBe(0);
  });
});
