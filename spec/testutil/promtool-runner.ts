/**
 * Running the real `promtool check metrics` (and our `lint` command) on an exposition, for the
 * conformance specs that compare the two line for line: exit status and standard error apart.
 *
 * `$PROMTOOL` names the binary (default `promtool` from the PATH). When it is missing, the specs
 * that need it fail under CI (`$CI` set) and are skipped, loudly, elsewhere.
 */
import { spawn, spawnSync } from "node:child_process";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { runLint } from "../../lib/testutil/index.js";

/** promtoolBinary is the promtool that is run. */
export const promtoolBinary = process.env["PROMTOOL"] ?? "promtool";

/** promtoolVersion is the first line of `promtool --version`, or undefined when it does not run. */
export const promtoolVersion: string | undefined = (() => {
  const result = spawnSync(promtoolBinary, ["--version"], { encoding: "utf8" });
  if (result.error !== undefined || result.status !== 0) return undefined;
  return `${result.stdout}${result.stderr}`.split("\n")[0];
})();

/** Verdict is what a linter said: exit status, standard output and standard error. */
export interface Verdict {
  status: number;
  stdout: string;
  stderr: string;
}

/** promtoolCalls counts the promtool processes run by this worker. */
export let promtoolCalls = 0;

/** promtoolCheckMetrics pipes `text` into `promtool check metrics`. */
export function promtoolCheckMetrics(text: string | Uint8Array): Promise<Verdict> {
  promtoolCalls++;
  return new Promise((resolve, reject) => {
    const child = spawn(promtoolBinary, ["check", "metrics"], { stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (s: string) => (stdout += s));
    child.stderr.setEncoding("utf8").on("data", (s: string) => (stderr += s));
    child.on("error", reject);
    child.on("close", (status) => resolve({ status: status ?? -1, stdout, stderr }));
    child.stdin.on("error", () => undefined); // promtool may exit before reading everything
    child.stdin.end(text);
  });
}

/** ourLint runs our `lint` command on `text` from standard input. */
export async function ourLint(text: string | Uint8Array): Promise<Verdict> {
  let stdout = "";
  let stderr = "";
  const sink = (append: (s: string) => void) => ({
    write(chunk: string, callback?: (err?: Error | null) => void) {
      append(chunk);
      callback?.();
      return true;
    },
  });
  const status = await runLint([], {
    stdin: Readable.from([typeof text === "string" ? Buffer.from(text) : text]),
    stdout: sink((s) => (stdout += s)),
    stderr: sink((s) => (stderr += s)),
  });
  return { status, stdout, stderr };
}

/** missingPromtool is the message shown when promtool cannot be run. */
export const missingPromtool =
  `promtool (${promtoolBinary}) does not run, so the promtool conformance specs cannot run. ` +
  "Install it with `apt-get install -y prometheus` (Debian/Ubuntu), put the promtool of a " +
  "Prometheus 2.42 release on the PATH, or name it in $PROMTOOL.";

/**
 * describeWithPromtool declares a suite that needs promtool: as is when promtool runs; as one
 * failing spec under CI when it does not; skipped with a loud warning otherwise.
 */
export function describeWithPromtool(title: string, body: () => void): void {
  if (promtoolVersion !== undefined) {
    describe(title, body);
  } else if (process.env["CI"]) {
    describe(title, () => it("needs promtool", () => expect.fail(missingPromtool)));
  } else {
    console.warn(`\n*** SKIPPED: ${title}\n*** ${missingPromtool}\n`);
    describe.skip(`${title} (promtool missing: apt-get install -y prometheus)`, body);
  }
}
