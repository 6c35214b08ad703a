/**
 * The oracle checked against the goldens: scripts/golden-from-oracle.mjs --check runs the cases
 * of conformance/golden-cases.json through client_golang (the Go oracle) and compares what it
 * gives with the committed files of spec/conformance/golden and golden-om, byte for byte. So
 * the oracle the fuzzer trusts writes what client_golang wrote when the goldens were made, and
 * the script that regenerates them is run on every test run.
 *
 * Needs Go and client_golang's sources (spec/support/go.ts): under CI=true their absence fails,
 * elsewhere the spec is skipped with a message saying how to install them.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildOracle, haveGo, missingGo, repoRoot } from "../support/go.js";

if (!haveGo) {
  if (process.env["CI"]) it("needs Go and client_golang", () => expect.fail(missingGo));
  else console.warn(`\n*** oracle-golden.spec: the Go oracle's check against the goldens is SKIPPED\n*** ${missingGo}\n`);
}

describe.runIf(haveGo)("the Go oracle reproduces the golden files", () => {
  it("gives every golden file of conformance/golden-cases.json byte for byte", () => {
    const oracle = buildOracle();
    const r = spawnSync("node", [join(repoRoot, "scripts", "golden-from-oracle.mjs"), "--check", "--oracle", oracle], {
      encoding: "utf8",
    });
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/^(\d+) of \1 golden files equal client_golang's output \(\d+ cases\)\n$/);
    expect(r.status).toBe(0);
  }, 300_000);

  it("fails --check when a golden file differs", () => {
    const oracle = buildOracle();
    // The oracle fed a case whose expectation is wrong must make the script fail, not pass.
    const r = spawnSync("node", [join(repoRoot, "scripts", "golden-from-oracle.mjs"), "--check", "--oracle", oracle, "--only", "help_empty"], {
      encoding: "utf8",
      env: { ...process.env, GOLDEN_CASES: join(repoRoot, "spec", "conformance", "oracle-golden.bad-cases.json") },
    });
    expect(r.status).toBe(1);
    expect(r.stdout).toContain("DIFFERS golden/help_empty.txt");
  }, 300_000);
});
