/**
 * `demo-exporter lint` against the real `promtool check metrics` on mutants: expositions with one
 * to three random edits (inserted, deleted or replaced pieces: quotes, braces, backslashes,
 * newlines, `le`, `quantile`, `_count`, type names, non-ASCII characters and bytes that are not
 * UTF-8). Whatever promtool says, exit status and standard error, ours must say too. A fixed seed
 * runs every time, and a random one whose value is in the test's name; to replay a failure, put
 * its seed in the list.
 */
import { expect, it } from "vitest";

import { Prng, randomSeed } from "../support/prng.js";
import { describeWithPromtool, ourLint, promtoolCheckMetrics } from "./promtool-runner.js";

const bases = [
  '# HELP h_seconds h\n# TYPE h_seconds histogram\nh_seconds_bucket{a="x",le="0.5"} 1\nh_seconds_bucket{a="x",le="+Inf"} 2\nh_seconds_sum{a="x"} 3\nh_seconds_count{a="x"} 2\n',
  '# HELP s_seconds s\n# TYPE s_seconds summary\ns_seconds{quantile="0.5"} 1\ns_seconds_sum 3\ns_seconds_count 2\n',
  '# HELP x_total help \\\\ \\n here\n# TYPE x_total counter\nx_total{a="b\\"c",d="\\\\"} 1 1234\nx_total{a="q"} 2\n',
  '# TYPE g gauge\ng{fooBar="1"} NaN\ng 2\n# some comment\n',
  'metric_bytes 1\nmetric_count 2\n# TYPE u untyped\nu{le="1"} 3\n',
];

/** Pieces of an edit; a number is a raw byte (0xbd, 0xff: not UTF-8 on their own). */
const pieces: (string | number)[] = [
  "\\", '"', "{", "}", "=", ",", "\n", "#", " ", "\t", "le", "quantile", "é", 0xbd, 0xff, "NaN", "+Inf", "_count",
  "_sum", "_bucket", "x", "1", "\\n", "gauge_histogram", "summary", "histogram", "# TYPE ", "# HELP ", "0x1p3", "1_0",
  "🙂", "\u00a0", "\u0085",
];

/** mutate applies one to three random edits to the bytes of `text`. */
function mutate(prng: Prng, text: string): Buffer {
  const parts: Buffer[] = [...text].map((c) => Buffer.from(c));
  const edits = prng.range(1, 3);
  for (let k = 0; k < edits; k++) {
    const at = prng.int(parts.length + 1);
    const piece = prng.pick(pieces);
    const bytes = typeof piece === "number" ? Buffer.from([piece]) : Buffer.from(piece);
    const op = prng.float();
    if (op < 0.4) parts.splice(at, 0, bytes);
    else if (op < 0.7) parts.splice(at, 1);
    else parts.splice(at, 1, bytes);
  }
  return Buffer.concat(parts);
}

const perSeed = 40;

describeWithPromtool("demo-exporter lint agrees with promtool on mutants", () => {
  for (const seed of [20261206, randomSeed()]) {
    it(`seed ${seed}: ${perSeed} mutants, the same status and lines`, async () => {
      const prng = new Prng(seed);
      const mutants = Array.from({ length: perSeed }, (_, i) => mutate(prng, bases[i % bases.length]!));
      for (let i = 0; i < mutants.length; i += 4) {
        await Promise.all(
          mutants.slice(i, i + 4).map(async (input) => {
            const [theirs, ours] = await Promise.all([promtoolCheckMetrics(input), ourLint(input)]);
            expect(ours, `input ${JSON.stringify(input.toString("latin1"))} (seed ${seed})`).toEqual(theirs);
          }),
        );
      }
    }, 120_000);
  }
});
