#!/usr/bin/env node
// The benchmark runner: `npm run bench` (builds first), or `node bench/run.mjs [flags]`.
//
//   --quick        fewer runs (1 warm-up, 5 timed), no 1M-series cases, short HTTP loads; the
//                  report is printed but docs/performance.md is left alone (unless --write)
//   --only=a,b     run only the cases whose file name contains one of the words
//   --write        write docs/performance.md even for a quick or partial run
//   --no-write     never write docs/performance.md
//   --render=FILE  run nothing: render the report from the results a previous run saved
//
// Each case is a file in bench/cases/ and runs in a child process of its own
// (`node --expose-gc bench/cases/<case>.mjs --size=N`, from a copy of the package taken when the
// run starts: see snapshotPackage), which prints one `RESULT {json}` line.
// The runner collects the results, prints the report (markdown) and, after a full run, writes
// it to docs/performance.md, and the raw results to bench/results/latest.json.

import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { machine, renderReport } from "./lib/report.mjs";

const argv = process.argv.slice(2);
const quick = argv.includes("--quick");
const only = argv.find((a) => a.startsWith("--only="))?.slice("--only=".length).split(",");
const render = argv.find((a) => a.startsWith("--render="))?.slice("--render=".length);
const write = argv.includes("--no-write") ? false : argv.includes("--write") || (!quick && only === undefined && !render);

const k = 1000;
const M = 1_000_000;
/** The cases, in the order they run; `quickSizes` replace `sizes` under --quick. */
const cases = [
  { file: "recording.mjs" },
  { file: "channel.mjs" },
  { file: "gauge-vec.mjs", sizes: [k, 10 * k, 100 * k, M], quickSizes: [k, 10 * k, 100 * k] },
  { file: "counter-vec.mjs", sizes: [k, 10 * k, 100 * k, M], quickSizes: [k, 10 * k, 100 * k] },
  { file: "histogram-vec.mjs", sizes: [k, 10 * k] },
  { file: "const-metrics.mjs", sizes: [10 * k, 100 * k] },
  { file: "string-path.mjs", sizes: [10 * k, 100 * k] },
  { file: "http.mjs", sizes: [10 * k] },
  { file: "rss.mjs", sizes: [10 * k] },
  { file: "event-loop.mjs", sizes: [M], quickSizes: [100 * k] },
  { file: "cluster.mjs", sizes: [10 * k] },
];

const root = fileURLToPath(new URL("..", import.meta.url));

/**
 * snapshotPackage copies the compiled library (dist/), bench/ and package.json into a temporary
 * directory (node_modules is linked), and the cases run from there. The library may be rebuilt
 * while a long run goes on; every case of one run then still measures the same library.
 */
function snapshotPackage() {
  const dir = mkdtempSync(join(tmpdir(), "demo-exporter-bench-"));
  cpSync(join(root, "dist"), join(dir, "dist"), { recursive: true });
  cpSync(join(root, "bench"), join(dir, "bench"), { recursive: true, filter: (src) => !src.includes(`${join("bench", "results")}`) });
  copyFileSync(join(root, "package.json"), join(dir, "package.json"));
  symlinkSync(join(root, "node_modules"), join(dir, "node_modules"), "dir");
  return dir;
}

/** fingerprint is a short hash of the compiled library's JavaScript: which lib/ a run measured. */
function fingerprint(dir) {
  const hash = createHash("sha256");
  const files = readdirSync(join(dir, "dist", "lib"), { recursive: true })
    .filter((f) => f.endsWith(".js"))
    .sort();
  for (const f of files) hash.update(f).update(readFileSync(join(dir, "dist", "lib", f)));
  return hash.digest("hex").slice(0, 12);
}

/** runCase runs one case file (of the snapshot) in a child process and resolves to its result. */
function runCase(snapshot, file, size) {
  const args = ["--expose-gc", join(snapshot, "bench", "cases", file)];
  if (size !== undefined) args.push(`--size=${size}`);
  if (quick) args.push("--quick");
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (d) => (out += d));
    child.on("close", (code) => {
      const seconds = (performance.now() - started) / 1000;
      const line = out.split("\n").find((l) => l.startsWith("RESULT "));
      if (code !== 0 || line === undefined) {
        resolve({ file, n: size, error: `exited with ${code}`, seconds });
      } else {
        resolve({ file, ...JSON.parse(line.slice("RESULT ".length)), seconds });
      }
    });
  });
}

/** runAll runs the chosen cases one after the other and returns the results and the run's context. */
async function runAll() {
  const startedAt = new Date();
  const loadBefore = loadavg();
  const t0 = performance.now();
  const snapshot = snapshotPackage();
  const library = fingerprint(snapshot);
  const results = [];
  try {
    for (const c of cases) {
      if (only !== undefined && !only.some((w) => c.file.includes(w))) continue;
      const sizes = (quick ? c.quickSizes : undefined) ?? c.sizes ?? [undefined];
      for (const size of sizes) {
        process.stderr.write(`▶ ${c.file}${size === undefined ? "" : ` n=${size}`}\n`);
        const r = await runCase(snapshot, c.file, size);
        process.stderr.write(`  ${r.error === undefined ? "done" : `FAILED: ${r.error}`} in ${r.seconds.toFixed(1)} s\n`);
        results.push(r);
      }
    }
  } finally {
    rmSync(snapshot, { recursive: true, force: true });
  }
  const meta = {
    library,
    command: `npm run bench${argv.length > 0 ? ` -- ${argv.join(" ")}` : ""}`,
    quick,
    date: startedAt.toISOString(),
    wallSeconds: (performance.now() - t0) / 1000,
    machine: machine(),
    loadBefore,
    loadAfter: loadavg(),
  };
  return { meta, results };
}

const run = render === undefined ? await runAll() : JSON.parse(readFileSync(render, "utf8"));
const report = renderReport(run.results, run.meta);
process.stdout.write(report);
if (write) {
  const docs = fileURLToPath(new URL("../docs/performance.md", import.meta.url));
  writeFileSync(docs, report);
  const raw = fileURLToPath(new URL("./results/latest.json", import.meta.url));
  mkdirSync(fileURLToPath(new URL("./results/", import.meta.url)), { recursive: true });
  writeFileSync(raw, `${JSON.stringify(run, null, 2)}\n`);
  process.stderr.write(`wrote ${docs} and ${raw}\n`);
}
process.exitCode = run.results.some((r) => r.error !== undefined) ? 1 : 0;
