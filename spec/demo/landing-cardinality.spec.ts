/**
 * The landing page's cardinality section (lib/demo/landing-cardinality.ts): the rows are what
 * `lint --extended` prints for the same exposition, the largest first, cut to `top`; a failed
 * gather is shown, not thrown; and the compiled exporter serves it at `/`.
 */
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { landingCardinality } from "../../lib/demo/landing-cardinality.js";
import { metricFamiliesToText } from "../../lib/expfmt/text.js";
import {
  type Collector,
  newCounterVec,
  newGauge,
  newHistogramVec,
  newRegistry,
  newSummaryVec,
} from "../../lib/prometheus/index.js";
import { cardinalityTableOfText, formatCardinalityTable } from "../../lib/testutil/cardinality.js";
import { assertBuilt, type RunningExporter, startExporter } from "../support/cli.js";

/** rowsOf reads the section's table back as the lines of promtool's table, without padding. */
function rowsOf(html: string): string[] {
  return [...html.matchAll(/<tr><t[dh]>(?:<code>)?([^<]*)(?:<\/code>)?<\/t[dh]><t[dh]>([^<]*)<\/t[dh]><t[dh]>([^<]*)<\/t[dh]><\/tr>/g)].map(
    (m) => `${m[1]} ${m[2]} ${m[3]}`,
  );
}

/** lintRows is `lint --extended` on `text`, each line's cells joined by one space. */
function lintRows(text: string, top = Infinity): string[] {
  const lines = formatCardinalityTable(cardinalityTableOfText(text)).trimEnd().split("\n").map((l) => l.trim().split(/ +/).join(" "));
  const body = lines.slice(1, -1);
  return [lines[0]!, ...body.slice(0, top), lines.at(-1)!];
}

function demoRegistry() {
  const registry = newRegistry();
  const requests = newCounterVec({ name: "requests_total", help: "h" }, ["path"]);
  const latency = newHistogramVec({ name: "latency_seconds", help: "h", buckets: [0.1, 1] }, ["path"]);
  const sizes = newSummaryVec({ name: "size_bytes", help: "h", objectives: new Map([[0.5, 0.05]]) }, ["path"]);
  const up = newGauge({ name: "up_gauge", help: "h" });
  registry.mustRegister(requests, latency, sizes, up);
  for (let i = 0; i < 7; i++) requests.withLabelValues(`/p${i}`).inc();
  for (const p of ["/a", "/b"]) latency.withLabelValues(p).observe(0.5);
  sizes.withLabelValues("/a").observe(3);
  return registry;
}

describe("landingCardinality", () => {
  it("shows what lint --extended prints for the same exposition", async () => {
    const registry = demoRegistry();
    const html = await landingCardinality(registry);
    expect(rowsOf(html)).toEqual(lintRows(metricFamiliesToText(await registry.gather())));
    expect(rowsOf(html)).toEqual([
      "Metric Cardinality Percentage",
      "latency_seconds 10 47.62%", // 2 series × (_sum, _count, 2 buckets and +Inf)
      "requests_total 7 33.33%",
      "size_bytes 3 14.29%", // _sum, _count and one quantile
      "up_gauge 1 4.76%",
      "Total 21 100%",
    ]);
  });

  it("lists only the `top` largest, and says how many there are", async () => {
    const registry = demoRegistry();
    const html = await landingCardinality(registry, { top: 2 });
    expect(rowsOf(html)).toEqual(lintRows(metricFamiliesToText(await registry.gather()), 2));
    expect(html).toContain("21 series in 4 families, the 2 largest shown.");
  });

  it("shows a gather that fails, with the families gathered beside it, and never rejects", async () => {
    const registry = demoRegistry();
    const broken: Collector = {
      describe: () => {},
      collect: () => {
        throw new Error("disk <gone>");
      },
    };
    registry.mustRegister(broken);
    const html = await landingCardinality(registry);
    expect(html).toContain("The gather failed in part (error collecting from collector: disk &lt;gone&gt;)");
    expect(rowsOf(html).at(-1)).toBe("Total 21 100%");
    const failing = await landingCardinality({ gather: () => Promise.reject(new Error("down")) });
    expect(failing).toContain("Not available: the gather failed: down");
    const one = newRegistry();
    one.mustRegister(newGauge({ name: "only", help: "h" }));
    expect(await landingCardinality(one)).toContain("1 series in 1 family.");
  });
});

describe("the demo exporter's landing page", () => {
  let exporter: RunningExporter;
  beforeAll(async () => {
    assertBuilt();
    exporter = await startExporter(["--web.disable-exporter-metrics"], { env: { DEMO_EXPORTER_EXTRA_SERIES: "1500" } });
  });
  afterAll(() => exporter?.stop());

  it("shows the largest families of /metrics, the extra series first", async () => {
    const page = await request(`${exporter.url}/`);
    const html = await page.body.text();
    const metrics = await (await request(`${exporter.url}/metrics`)).body.text();
    expect(page.statusCode).toBe(200);
    const rows = rowsOf(html);
    expect(rows[1]).toBe("demo_load_series 1500 " + rows[1]!.split(" ")[2]);
    expect(rows).toEqual(lintRows(metrics, 10));
  });
});
