/**
 * The published shape of the package: every `exports` entry resolves (through Node's own
 * self-reference by package name, on the compiled output) to a module with types, the CLI is the
 * `bin`, and there are no runtime dependencies.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..");
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
  dependencies: Record<string, string>;
  bin: Record<string, string>;
  exports: Record<string, string | { types: string; default: string }>;
};

describe("package.json", () => {
  it("has no runtime dependencies", () => {
    // npm drops an empty "dependencies" on install; absent and empty both mean none.
    expect(pkg.dependencies ?? {}).toEqual({});
  });

  it("points bin at the compiled CLI", () => {
    expect(pkg.bin["demo-exporter"]).toBe("dist/bin/demo-exporter.js");
    expect(existsSync(join(root, pkg.bin["demo-exporter"]!))).toBe(true);
  });

  for (const [subpath, target] of Object.entries(pkg.exports)) {
    if (typeof target === "string") continue;
    it(`resolves ${subpath} by name, with its types`, () => {
      expect(existsSync(join(root, target.types))).toBe(true);
      const specifier = subpath === "." ? "demo-exporter" : `demo-exporter/${subpath.slice(2)}`;
      const keys = execFileSync(
        process.execPath,
        ["--input-type=module", "-e", `const m = await import(${JSON.stringify(specifier)}); console.log(Object.keys(m).length)`],
        { cwd: root, encoding: "utf8" },
      );
      expect(Number(keys.trim())).toBeGreaterThan(0);
    });
  }
});
