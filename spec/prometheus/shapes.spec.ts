/**
 * A full garbage collection between two scrapes must not make V8 discard the code that serves
 * them. A gather's own objects die when it ends; where no object of their hidden class lives on,
 * the collection frees the class and V8 throws away every function compiled for it, and the next
 * scrape runs unoptimized (lib/prometheus/internal/shapes.ts). The fixture scrapes with a full
 * collection before each scrape under `--trace-deopt`; V8 names each such discard "weak objects".
 */
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { assertBuilt, repoRoot } from "../support/cli.js";

const fixture = join(repoRoot, "spec/prometheus/fixtures/shapes-scrape.mjs");

/** discardsWhileMeasured runs the fixture in `mode` and returns the functions V8 discarded after warm-up. */
async function discardsWhileMeasured(mode: string): Promise<string[]> {
  const { stdout } = await promisify(execFile)(process.execPath, ["--expose-gc", "--trace-deopt", fixture, mode], {
    cwd: repoRoot,
    maxBuffer: 64 << 20,
  });
  const measured = stdout.slice(stdout.indexOf("\nMEASURE\n"), stdout.indexOf("\nEND\n"));
  expect(measured.length, `the fixture printed MEASURE and END:\n${stdout.slice(-2000)}`).toBeGreaterThan(0);
  return [...measured.matchAll(/<SharedFunctionInfo ([^>]*)>\) \(opt id \d+\) for deoptimization, reason: weak objects/g)].map(
    (m) => m[1]!,
  );
}

describe("scrapes after a full garbage collection", () => {
  assertBuilt();

  it("are seen by the trace: objects of a class that die each round make V8 discard code", async () => {
    expect(await discardsWhileMeasured("control")).not.toEqual([]);
  }, 60_000);

  for (const path of ["transactional", "text", "protobuf"]) {
    it(`keep their compiled code: the ${path} path`, async () => {
      expect(await discardsWhileMeasured(path)).toEqual([]);
    }, 60_000);
  }
});
