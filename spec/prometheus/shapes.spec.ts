/**
 * A full garbage collection between two scrapes must not make V8 discard the code that serves
 * them. A gather's own objects die when it ends; where no object of their hidden class lives on,
 * the collection frees the class and V8 throws away every function compiled for it, and the next
 * scrape runs unoptimized (lib/prometheus/internal/shapes.ts). The fixture scrapes with a full
 * collection before each scrape under `--trace-deopt`; V8 names each such discard "weak objects".
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { assertBuilt, repoRoot } from "../support/cli.js";
import { weakObjectDiscards } from "../support/deopt.js";

const fixture = join(repoRoot, "spec/prometheus/fixtures/shapes-scrape.mjs");
const discardsWhileMeasured = (mode: string) => weakObjectDiscards(fixture, [mode]);

describe("scrapes after a full garbage collection", () => {
  assertBuilt();

  it("are seen by the trace: objects of a class that die each round make V8 discard code", async () => {
    expect(await discardsWhileMeasured("control")).not.toEqual([]);
  }, 60_000);

  for (const path of ["transactional", "text", "openMetrics", "protobuf"]) {
    it(`keep their compiled code: the ${path} path`, async () => {
      expect(await discardsWhileMeasured(path)).toEqual([]);
    }, 60_000);
  }
});
