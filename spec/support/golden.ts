/**
 * Access to the golden cases produced by client_golang (../shared/conformance beside the
 * checkout, or $CONFORMANCE_DIR).
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));

/** conformanceDir is where the golden cases live. */
export const conformanceDir = resolve(process.env.CONFORMANCE_DIR ?? join(here, "..", "..", "..", "shared", "conformance"));

/** goldenDir is the text-format golden folder. */
export const goldenDir = join(conformanceDir, "golden");

/**
 * hasGolden reports whether the golden cases are present. Without them the specs that need them
 * are skipped loudly, and under CI (where shared/ is always laid beside the clone) it throws, so
 * that a missing folder can never pass as a green run.
 */
export function hasGolden(): boolean {
  if (existsSync(goldenDir)) return true;
  const message = `golden cases not found at ${goldenDir}: set CONFORMANCE_DIR or put shared/ beside the checkout`;
  if (process.env.CI) throw new Error(message);
  console.warn(`SKIPPING golden conformance: ${message}`);
  return false;
}

/** golden reads one golden file. */
export function golden(file: string): string {
  return readFileSync(join(goldenDir, file), "utf8");
}

/** goldenFiles lists golden files with a suffix. */
export function goldenFiles(suffix: string): string[] {
  return readdirSync(goldenDir).filter((f) => f.endsWith(suffix)).sort();
}
