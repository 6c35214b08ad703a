#!/usr/bin/env node
// Sums the self time of a V8 CPU profile by function, to find the hot spots of a case:
//
//   node --expose-gc --cpu-prof --cpu-prof-dir=/tmp/prof bench/cases/gauge-vec.mjs --size=100000
//   node bench/profile-summary.mjs /tmp/prof/*.cpuprofile [--top=25] [--only=dist/lib]
//
// Each line: self time in ms, its share of the profile, the function, and file:line.
// `--only` keeps functions whose script URL contains the text (e.g. our library's dist/lib).

import { readFileSync } from "node:fs";

const argv = process.argv.slice(2);
const files = argv.filter((a) => !a.startsWith("--"));
const top = Number(argv.find((a) => a.startsWith("--top="))?.slice(6) ?? 25);
const only = argv.find((a) => a.startsWith("--only="))?.slice(7);

const selfMs = new Map();
let totalMs = 0;
for (const file of files) {
  const profile = JSON.parse(readFileSync(file, "utf8"));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  // timeDeltas[i] is the time before sample i; attribute it to the sampled node.
  for (let i = 0; i < profile.samples.length; i++) {
    const node = byId.get(profile.samples[i]);
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    totalMs += ms;
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url === "" ? "" : `${url.replace(/^file:\/\/.*?\/(dist|bench|node_modules)\//, "$1/")}:${lineNumber + 1}`;
    const key = `${functionName || "(anonymous)"}\t${where}`;
    selfMs.set(key, (selfMs.get(key) ?? 0) + ms);
  }
}
const rows = [...selfMs].filter(([key]) => only === undefined || key.includes(only)).sort((a, b) => b[1] - a[1]);
for (const [key, ms] of rows.slice(0, top)) {
  const [fn, where] = key.split("\t");
  console.log(`${ms.toFixed(0).padStart(7)} ms ${((ms / totalMs) * 100).toFixed(1).padStart(5)}%  ${fn}  ${where}`);
}
console.log(`${totalMs.toFixed(0).padStart(7)} ms total`);
