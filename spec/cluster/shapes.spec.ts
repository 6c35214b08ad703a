/**
 * A full garbage collection between two cluster scrapes must not make V8 discard the code that
 * serves them (lib/prometheus/internal/shapes.ts): the wire families a worker sends, the parts
 * the primary decodes, its Slicer and the metrics a merge makes die with each scrape, and
 * lib/cluster keeps one exemplar of each. The fixture runs the scrape path (workers' answers, the
 * primary's merge into rows families and plain ones, the text encoding) with a full collection
 * before each scrape under `--trace-deopt`; V8 names each such discard "weak objects". Not
 * covered yet: series kept per worker (rule "worker"), whose plain metrics still make the text
 * encoder's writeScalarFamily be discarded.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { assertBuilt, repoRoot } from "../support/cli.js";
import { weakObjectDiscards } from "../support/deopt.js";

const fixture = join(repoRoot, "spec/cluster/fixtures/shapes-merge.mjs");
const discardsWhileMeasured = (mode: string, histograms = false) => weakObjectDiscards(fixture, [mode, ...(histograms ? ["histograms"] : [])]);

describe("cluster scrapes after a full garbage collection", () => {
  assertBuilt();

  it("are seen by the trace: objects of a class that die each round make V8 discard code", async () => {
    expect(await discardsWhileMeasured("control")).not.toEqual([]);
  }, 60_000);

  for (const serialization of ["json", "advanced"]) {
    it(`keep their compiled code: counters and summed gauges, "${serialization}" serialization`, async () => {
      expect(await discardsWhileMeasured(serialization)).toEqual([]);
    }, 60_000);

    it(`keep their compiled code: histograms and summaries summed too, "${serialization}" serialization`, async () => {
      expect(await discardsWhileMeasured(serialization, true)).toEqual([]);
    }, 60_000);
  }
});
