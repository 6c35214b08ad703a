/**
 * The ```ts blocks of docs/conformance.md run as they are written (with `demo-exporter/<package>`
 * imports pointed at lib/), so the page cannot drift from the code.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const page = readFileSync(join(root, "docs", "conformance.md"), "utf8");
const blocks = [...page.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
const dir = mkdtempSync(join(tmpdir(), "conformance-doc-"));

it("docs/conformance.md has TypeScript examples", () => {
  expect(blocks.length).toBeGreaterThan(0);
});

blocks.forEach((block, i) => {
  it(`docs/conformance.md, example ${i + 1} runs`, async () => {
    const source = block.replace(/from "demo-exporter\/([a-z]+)"/g, (_m, pkg: string) => `from "${join(root, "lib", pkg, "index.js")}"`);
    const file = join(dir, `example-${i + 1}.ts`);
    writeFileSync(file, source);
    await import(file);
  });
});
