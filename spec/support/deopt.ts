/**
 * Runs a fixture under `node --expose-gc --trace-deopt` and reads which functions V8 discarded
 * because objects they were compiled for died ("weak objects"), between the fixture's MEASURE
 * and END lines (see deopt-rounds.mjs). lib/prometheus/internal/shapes.ts says why that matters.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { expect } from "vitest";
import { repoRoot } from "./cli.js";

/** weakObjectDiscards returns the names of the functions discarded while the fixture measured. */
export async function weakObjectDiscards(fixture: string, args: readonly string[]): Promise<string[]> {
  const { stdout } = await promisify(execFile)(process.execPath, ["--expose-gc", "--trace-deopt", fixture, ...args], {
    cwd: repoRoot,
    maxBuffer: 64 << 20,
  });
  const measured = stdout.slice(stdout.indexOf("\nMEASURE\n"), stdout.indexOf("\nEND\n"));
  expect(measured.length, `the fixture printed MEASURE and END:\n${stdout.slice(-2000)}`).toBeGreaterThan(0);
  return [...measured.matchAll(/<SharedFunctionInfo ([^>]*)>\) \(opt id \d+\) for deoptimization, reason: weak objects/g)].map(
    (m) => m[1]!,
  );
}
