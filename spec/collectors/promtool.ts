/**
 * Running `promtool check metrics` on an exposition, for the collector specs: the metric names
 * and help texts we chose must pass Prometheus' own linter without a single remark.
 *
 * When promtool is missing, the lint specs fail under CI (`process.env.CI` set) and are skipped,
 * loudly, elsewhere.
 * @module
 */
import { spawnSync } from "node:child_process";
import { expect, it } from "vitest";

/** promtoolAvailable says whether `promtool` runs from the PATH. */
export const promtoolAvailable: boolean = (() => {
  const result = spawnSync("promtool", ["--version"], { encoding: "utf8" });
  return result.error === undefined && result.status === 0;
})();

/** missingPromtool is the message shown when the lint specs cannot run. */
export const missingPromtool =
  "promtool is not installed, so the exposition lint specs cannot run. " +
  "Install it with `apt-get install -y prometheus` (Debian/Ubuntu), or put the promtool binary " +
  "of a Prometheus release (https://prometheus.io/download/) on the PATH.";

/** checkMetrics pipes `text` into `promtool check metrics` and returns its exit status and output. */
export function checkMetrics(text: string): { status: number | null; output: string } {
  const result = spawnSync("promtool", ["check", "metrics"], { input: text, encoding: "utf8" });
  if (result.error !== undefined) throw result.error;
  return { status: result.status, output: `${result.stdout}${result.stderr}`.trim() };
}

/**
 * itPassesPromtool declares a spec that the exposition returned by `exposition` passes
 * `promtool check metrics` with no output at all: no lint problem, no parse error.
 */
export function itPassesPromtool(title: string, exposition: () => Promise<string>): void {
  if (promtoolAvailable) {
    it(title, async () => {
      const { status, output } = checkMetrics(await exposition());
      expect(output).toBe("");
      expect(status).toBe(0);
    });
  } else if (process.env["CI"]) {
    it(title, () => expect.fail(missingPromtool));
  } else {
    console.warn(`\n*** SKIPPED: ${title}\n*** ${missingPromtool}\n`);
    it.skip(`${title} (promtool missing: apt-get install -y prometheus)`, () => undefined);
  }
}
