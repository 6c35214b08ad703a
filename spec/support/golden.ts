/**
 * Access to the golden cases produced by client_golang 1.14 (spec/conformance/golden and
 * golden-om, copied into the repository; spec/conformance/README.md says how they were made).
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));

/** conformanceDir is where the golden cases live: spec/conformance, in this repository. */
export const conformanceDir = resolve(here, "..", "conformance");

/** goldenDir is the text-format golden folder. */
export const goldenDir = join(conformanceDir, "golden");

/**
 * hasGolden reports whether the golden cases are present. They are part of the repository, so
 * their absence is a broken checkout, never a reason to skip: it throws.
 */
export function hasGolden(): boolean {
  if (existsSync(goldenDir)) return true;
  throw new Error(`golden cases not found at ${goldenDir}: the checkout is incomplete`);
}

/** golden reads one golden file. */
export function golden(file: string): string {
  return readFileSync(join(goldenDir, file), "utf8");
}

/** goldenFiles lists golden files with a suffix. */
export function goldenFiles(suffix: string): string[] {
  return readdirSync(goldenDir).filter((f) => f.endsWith(suffix)).sort();
}
