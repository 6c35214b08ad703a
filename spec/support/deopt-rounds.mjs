// Shared by the fixtures that shapes.spec.ts files run under `node --expose-gc --trace-deopt`
// (see spec/support/deopt.ts): rounds with a full garbage collection before each, and a control.

/**
 * runRounds runs `round` with a full collection before each: `rounds` times to warm up (V8
 * compiles the hot code, and objects made once die there), then prints MEASURE, runs it
 * `rounds` times more and prints END. The trace between the two markers is what a spec reads.
 */
export async function runRounds(round, rounds = 12) {
  for (let r = 0; r < rounds; r++) {
    globalThis.gc();
    await round();
  }
  console.log("MEASURE");
  for (let r = 0; r < rounds; r++) {
    globalThis.gc();
    await round();
  }
  console.log("END");
}

/** Point is made for every round of the control and dropped after it, as a scrape's objects are. */
class Point {
  constructor(x) {
    this.x = x;
    this.y = x + 1;
  }
}

/**
 * controlRound makes objects that die after the round, with no exemplar kept, and runs a hot
 * loop over them: V8 discards that loop's code after each full collection, so a spec sees that
 * the trace shows such discards at all.
 */
export function controlRound() {
  const points = Array.from({ length: 1000 }, (_, i) => new Point(i));
  let sum = 0;
  for (let k = 0; k < 200; k++) sum += sumOf(points);
  return sum;
}

function sumOf(points) {
  let sum = 0;
  for (let i = 0; i < points.length; i++) sum += points[i].x + points[i].y;
  return sum;
}
