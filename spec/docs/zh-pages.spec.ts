/**
 * The Chinese tour against the English one: every page of the tour has its Chinese page, with the
 * very same TypeScript and Go (the prose is written for Chinese readers, the code is not
 * translated, so that both pages run and print the same), and every link from a Chinese page to
 * an English-only page says so with （英文）.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

import { blocksOf } from "./blocks.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** The pages of the tour (docs/README.md's "Learn" and "Then" tables, and demo-exporter.md). */
const tour = [
  "tutorial",
  "registering",
  "metric-types",
  "why-a-collector",
  "writing-a-collector",
  "writing-an-exporter",
  "concurrency",
  "info-metrics",
  "textfile-collector",
  "exporter-guidelines",
  "instrumenting",
  "choosing-a-library",
  "demo-exporter",
];

const code = (page: string): string[] =>
  blocksOf(root, page)
    .blocks.filter((b) => b.language === "ts" || b.language === "go")
    .map((b) => `${b.language} ${JSON.stringify(b.mode)}\n${b.code}`);

describe("the Chinese tour", () => {
  for (const name of tour) {
    it(`docs/zh/${name}.md exists and has the code of docs/${name}.md, block for block`, () => {
      expect(existsSync(join(root, "docs", "zh", `${name}.md`)), `docs/zh/${name}.md is missing`).toBe(true);
      expect(code(`docs/zh/${name}.md`)).toEqual(code(`docs/${name}.md`));
    });
  }

  it("lists every page of the tour in docs/zh/README.md", () => {
    const readme = readFileSync(join(root, "docs", "zh", "README.md"), "utf8");
    expect(tour.filter((name) => !readme.includes(`](${name}.md)`))).toEqual([]);
  });

  it("marks each link to an English-only page with （英文）", () => {
    const unmarked: string[] = [];
    for (const name of [...tour, "README"]) {
      const lines = readFileSync(join(root, "docs", "zh", `${name}.md`), "utf8").split("\n");
      lines.forEach((line, i) => {
        // A page's own "英文版：" / "English:" pointer names its English twin on purpose.
        if (/英文版|English/.test(line)) return;
        for (const m of line.matchAll(/\]\(\.\.\/([a-z-]+\.md)[^)]*\)(.{0,4})/g)) {
          if (!m[2]!.startsWith("（英文）")) unmarked.push(`docs/zh/${name}.md:${i + 1}: ../${m[1]}`);
        }
      });
    }
    expect(unmarked).toEqual([]);
  });
});
