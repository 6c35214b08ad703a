/**
 * difflib: the unified diffs of client_golang's internal/difflib.go. A few cases are written out;
 * when Go and client_golang's sources are installed (Debian's golang-github-prometheus-client-golang-dev),
 * thousands of random pairs are also diffed by Go's own difflib.go and compared.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { splitLines, unifiedDiff } from "../../lib/testutil/difflib.js";
import { Prng } from "../support/prng.js";

const options = { fromFile: "want", toFile: "got:", context: 1 };
const diff = (a: string, b: string) => unifiedDiff(splitLines(a), splitLines(b), options);

describe("splitLines", () => {
  it("keeps newlines and adds one to the last piece, as Go's SplitLines", () => {
    expect(splitLines("a\nb\n")).toEqual(["a\n", "b\n", "\n"]);
    expect(splitLines("a\nb")).toEqual(["a\n", "b\n"]);
    expect(splitLines("")).toEqual(["\n"]);
  });
});

describe("unifiedDiff", () => {
  it("adds to and removes from an empty text (Go's output)", () => {
    expect(diff("", "a\n")).toBe("--- want\n+++ got:\n@@ -1 +1,2 @@\n+a\n \n");
    expect(diff("a\n", "")).toBe("--- want\n+++ got:\n@@ -1,2 +1 @@\n-a\n \n");
  });

  it("is empty for equal inputs", () => {
    expect(diff("a\nb\n", "a\nb\n")).toBe("");
  });

  it("replaces a line with one line of context", () => {
    expect(diff("a\nb\n", "a\nc\n")).toBe("--- want\n+++ got:\n@@ -1,3 +1,3 @@\n a\n-b\n+c\n \n");
  });

  it("splits distant changes into hunks (Go's output)", () => {
    expect(diff("1\n2\n3\n4\n5\n6\n", "0\n1\n2\n3\n4\n6\n")).toBe(
      "--- want\n+++ got:\n@@ -1 +1,2 @@\n+0\n 1\n@@ -4,3 +5,2 @@\n 4\n-5\n 6\n",
    );
  });
});

const goSource = "/usr/share/gocode/src/github.com/prometheus/client_golang/prometheus/internal/difflib.go";
const haveGo = existsSync(goSource) && spawnSync("go", ["version"]).status === 0;

describe.runIf(haveGo)("unifiedDiff against Go's difflib.go", () => {
  it("gives Go's output on 3000 random pairs, long inputs (autojunk) included", () => {
    const dir = mkdtempSync(join(tmpdir(), "godiff-"));
    const source = execFileSync("sed", ["s/^package internal/package main/", goSource], { encoding: "utf8" });
    writeFileSync(join(dir, "difflib.go"), source);
    writeFileSync(
      join(dir, "main.go"),
      `package main

import (
	"encoding/json"
	"os"
)

func main() {
	var pairs [][2]string
	json.NewDecoder(os.Stdin).Decode(&pairs)
	out := []string{}
	for _, p := range pairs {
		d, _ := GetUnifiedDiffString(UnifiedDiff{A: SplitLines(p[0]), B: SplitLines(p[1]), FromFile: "want", ToFile: "got:", Context: 1})
		out = append(out, d)
	}
	json.NewEncoder(os.Stdout).Encode(out)
}
`,
    );
    const env = { ...process.env, GO111MODULE: "off", GOPATH: dir, GOCACHE: join(dir, "cache") };
    execFileSync("go", ["build", "-o", join(dir, "godiff"), "."], { cwd: dir, env });

    const r = new Prng(42);
    const pairs: [string, string][] = [];
    for (let i = 0; i < 3000; i++) {
      const alphabet = r.range(1, 12);
      const size = () => (r.chance(0.1) ? r.range(150, 400) : r.range(0, 15));
      const make = (n: number) => Array.from({ length: n }, () => `l${r.int(alphabet)}\n`).join("") + (r.chance(0.1) ? "tail" : "");
      const a = make(size());
      let b: string;
      if (r.chance(0.5)) {
        const lines = a.split("\n");
        for (let k = r.range(0, 4); k > 0; k--) {
          const at = r.int(lines.length);
          if (r.chance(0.5)) lines.splice(at, 1);
          else lines.splice(at, 0, `l${r.int(alphabet + 2)}`);
        }
        b = lines.join("\n");
      } else {
        b = make(size());
      }
      pairs.push([a, b]);
    }
    const go = JSON.parse(
      execFileSync(join(dir, "godiff"), { input: JSON.stringify(pairs), encoding: "utf8", maxBuffer: 1 << 28 }),
    ) as string[];
    const mismatches = pairs.filter(([a, b], i) => diff(a, b) !== go[i]);
    expect(mismatches.slice(0, 3)).toEqual([]);
  });
});
