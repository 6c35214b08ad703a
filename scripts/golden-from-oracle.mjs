#!/usr/bin/env node
// golden-from-oracle: writes the golden files of spec/conformance/golden and golden-om from what
// client_golang itself gives (the Go oracle, conformance/oracle-go) for the cases of
// conformance/golden-cases.json, or, with --check, compares them with the committed files.
//
//   node scripts/golden-from-oracle.mjs            # build the oracle, write the files
//   node scripts/golden-from-oracle.mjs --check    # exit 1 if a file differs from Go's output
//   options: --oracle <binary> (skip the build), --only <case>[,<case>...]
//
// Needs go and Debian's golang-github-prometheus-client-golang-dev and -common-dev (GOPATH mode,
// offline). Files the cases do not cover (demo_once.txt, *.http, PROMTOOL.md, INDEX.md) are left
// alone.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, existsSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const check = args.includes("--check");
const option = (name) => {
  const i = args.indexOf(name);
  return i === -1 ? undefined : args[i + 1];
};
const only = option("--only")?.split(",");

function buildOracle() {
  const dir = mkdtempSync(join(tmpdir(), "oracle-go-"));
  const bin = join(dir, "oracle");
  const env = { ...process.env, GO111MODULE: "off", GOPATH: "/usr/share/gocode", GOPROXY: "off", GOFLAGS: "" };
  env.GOCACHE ??= join(tmpdir(), "demo-exporter-go-cache");
  const r = spawnSync("go", ["build", "-o", bin, "."], { cwd: join(root, "conformance", "oracle-go"), env, encoding: "utf8" });
  if (r.error || r.status !== 0) {
    console.error(`building the oracle failed: ${r.error?.message ?? ""}${r.stderr ?? ""}`);
    console.error("install go and client_golang: apt-get install golang-go golang-github-prometheus-client-golang-dev golang-github-prometheus-common-dev");
    process.exit(2);
  }
  return bin;
}

/** fromOut turns the oracle's text or {"hex": ...} into bytes. */
function bytesOf(out, base64 = false) {
  if (out === null || out === undefined) return undefined;
  if (typeof out === "object") return Buffer.from(out.hex, "hex");
  return base64 ? Buffer.from(out, "base64") : Buffer.from(out, "utf8");
}

/** filesOf maps a case's result to the golden files it stands for: path → bytes. */
function filesOf(name, { expect, partial = true }, res) {
  const files = {};
  const text = bytesOf(res.text, true);
  const om = bytesOf(res.om, true);
  const fail = (what) => {
    throw new Error(`${name}: expected ${expect}, the oracle gave ${what}: ${JSON.stringify(res)}`);
  };
  if (expect === "ok") {
    if (res.gatherError !== null || res.register.some((e) => e !== null) || res.construct.some((f) => f !== null)) fail("an error");
    files[`golden/${name}.txt`] = text;
    files[`golden-om/${name}.txt`] = om;
  } else if (expect === "construct") {
    const f = res.construct.find((c) => c !== null) ?? fail("no construction error");
    files[`golden/${name}.err`] = Buffer.concat([Buffer.from(f.panic ? "PANIC: " : ""), bytesOf(f.error)]);
  } else {
    const err = expect === "register" ? res.register.find((e) => e !== null) : res.gatherError;
    if (err === null || err === undefined) fail(`no ${expect} error`);
    files[`golden/${name}.err`] = bytesOf(err);
    if (partial) {
      files[`golden/${name}.partial.txt`] = text;
      files[`golden-om/${name}.partial.txt`] = om;
    }
  }
  return files;
}

// GOLDEN_CASES names another cases file (the spec uses one with a wrong case to see --check fail).
const { cases } = JSON.parse(readFileSync(process.env.GOLDEN_CASES ?? join(root, "conformance", "golden-cases.json"), "utf8"));
const names = Object.keys(cases).filter((n) => only === undefined || only.includes(n));
const bin = option("--oracle") ?? buildOracle();
const input = `[${names.map((n) => JSON.stringify({ ...cases[n].case, id: n })).join(",\n")}]`;
const lines = execFileSync(bin, [], { input, encoding: "utf8", maxBuffer: 1 << 28 }).split("\n").filter((l) => l !== "");
let differ = 0;
let compared = 0;
for (const [i, name] of names.entries()) {
  const files = filesOf(name, cases[name], JSON.parse(lines[i]));
  for (const [rel, bytes] of Object.entries(files)) {
    const path = join(root, "spec", "conformance", rel);
    if (check) {
      compared++;
      const committed = existsSync(path) ? readFileSync(path) : undefined;
      if (committed === undefined || !committed.equals(bytes)) {
        differ++;
        console.log(`DIFFERS ${rel}\n--- committed\n${committed?.toString("utf8") ?? "(missing)"}\n+++ client_golang\n${bytes.toString("utf8")}`);
      }
    } else {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, bytes);
      console.log(`wrote ${rel}`);
    }
  }
}
if (check) {
  console.log(`${compared - differ} of ${compared} golden files equal client_golang's output (${names.length} cases)`);
  process.exit(differ === 0 ? 0 : 1);
}
