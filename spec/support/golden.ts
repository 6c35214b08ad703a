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

/** hasGolden reports whether the golden cases are present. */
export function hasGolden(): boolean {
  return existsSync(goldenDir);
}

/** golden reads one golden file. */
export function golden(file: string): string {
  return readFileSync(join(goldenDir, file), "utf8");
}

/** goldenFiles lists golden files with a suffix. */
export function goldenFiles(suffix: string): string[] {
  return readdirSync(goldenDir).filter((f) => f.endsWith(suffix)).sort();
}
