/**
 * Differential fuzzing against client_golang: random cases (fuzz-cases.ts) are run through our
 * library (oracle-case.ts) and through client_golang 1.14 itself (the Go oracle,
 * conformance/oracle-go), and what each registers, gathers and encodes — text 0.0.4,
 * OpenMetrics, delimited protobuf — and every error text must be the same, byte for byte.
 *
 * Fixed seeds run every time, plus one random seed, named in the test; `FUZZ_SEED=<seed>` reruns
 * one seed, `FUZZ_CASE=<n>` one case of it. `FUZZ_CASES` (default 3000 in all) and
 * `FUZZ_BUDGET_MS` (default 30 s in all) set how many cases run and how long they may take; the
 * counts reached are printed. docs/conformance.md lists the differences the comparison allows.
 *
 * Needs Go and client_golang's sources (spec/support/go.ts): under CI=true their absence fails,
 * elsewhere the spec is skipped with a message saying how to install them.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildOracle, haveGo, missingGo, oraclePrintable, runOracle } from "../support/go.js";
import { Prng, randomSeed } from "../support/prng.js";
import { CaseGenerator } from "./fuzz-cases.js";
import { caseToJson, fromOracle, type OracleCase, runOurs } from "./oracle-case.js";
import { compareResults, setGoPrintable } from "./oracle-compare.js";

const envSeed = process.env["FUZZ_SEED"];
const envCase = process.env["FUZZ_CASE"];
const seeds = envSeed !== undefined ? [Number(envSeed) >>> 0] : [1, 2, 0xdecaf, randomSeed()];
const totalCases = Number(process.env["FUZZ_CASES"] ?? 3000);
const budgetMs = Number(process.env["FUZZ_BUDGET_MS"] ?? 30_000);
/** Cases are generated and sent to the oracle in batches of this many. */
const batchSize = 250;

const counts = { cases: 0, oracleCalls: 0, errorsCompared: 0 };

if (!haveGo) {
  if (process.env["CI"]) it("needs Go and client_golang", () => expect.fail(missingGo));
  else console.warn(`\n*** fuzz.spec: differential fuzzing against client_golang is SKIPPED\n*** ${missingGo}\n`);
}

/** caseSeed derives the seed of case n of a run, so that any case can be rebuilt alone. */
function caseSeed(seed: number, n: number): number {
  return (Math.imul(seed ^ 0x2545f491, 0x9e3779b1) + n) >>> 0;
}

/** generateCase rebuilds case n of a seed. */
export function generateCase(seed: number, n: number): OracleCase {
  return new CaseGenerator(new Prng(caseSeed(seed, n))).generate(`FUZZ_SEED=${seed} FUZZ_CASE=${n}`);
}

describe.runIf(haveGo)("differential fuzzing against client_golang", () => {
  let oracle: string;
  beforeAll(() => {
    oracle = buildOracle();
    const differ = setGoPrintable(oraclePrintable(oracle));
    console.log(`fuzz.spec: ${differ} code points are printable for one of Go's and Node's Unicode tables only`);
  }, 300_000);

  afterAll(() => {
    console.log(
      `fuzz.spec: ${counts.cases} cases in ${counts.oracleCalls} oracle runs, ` +
        `${counts.errorsCompared} error texts compared; seeds ${seeds.join(", ")}`,
    );
  });

  for (const seed of seeds) {
    const random = envSeed === undefined && seed === seeds[seeds.length - 1] ? " (random seed)" : "";
    it(`seed ${seed}${random}: our library and client_golang agree on every case`, async () => {
      const deadline = performance.now() + budgetMs / seeds.length;
      const target = Math.ceil(totalCases / seeds.length);
      const mismatches: string[] = [];
      let n = envCase !== undefined ? Number(envCase) : 0;
      const end = envCase !== undefined ? n + 1 : target;
      while (n < end && performance.now() < deadline && mismatches.length < 5) {
        const cases: OracleCase[] = [];
        for (; n < end && cases.length < batchSize; n++) cases.push(generateCase(seed, n));
        const theirs = runOracle(oracle, cases.map(caseToJson), fromOracle);
        counts.oracleCalls++;
        for (const [i, c] of cases.entries()) {
          const ours = await runOurs(c);
          counts.cases++;
          counts.errorsCompared += [...ours.construct, ...ours.register, ours.gatherError].filter((e) => e !== null).length;
          const diff = compareResults(ours, theirs[i]!);
          if (diff !== undefined) mismatches.push(`${c.id}: ${diff}\ncase: ${caseToJson(c)}`);
        }
      }
      console.log(`fuzz seed ${seed}: ${n} cases`);
      expect(mismatches, `replay with FUZZ_SEED=${seed} FUZZ_CASE=<n>`).toEqual([]);
      expect(n).toBeGreaterThan(0);
    }, budgetMs + 120_000);
  }
});
