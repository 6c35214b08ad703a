/**
 * The package as a user installs it: a clean build (`npm run build:package`, what `prepare` runs
 * before `npm pack`) into a staging directory, `npm pack` there, then `npm install --offline` of
 * the tarball into an empty project under the system's temporary directory, outside the
 * repository. There an ES module consumer that imports every subpath of `exports` type-checks
 * (with the repository's own TypeScript, our declaration files checked too) and runs, a CommonJS
 * consumer `require`s every subpath (Node >= 20.19 loads ES modules with `require`), and the
 * `demo-exporter` bin runs from node_modules/.bin.
 *
 * npm runs with its own empty user config and cache in the temporary directory, so that nothing
 * of the machine's npm set-up is read and the install cannot reach a registry.
 */
import { execFile } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { repoRoot } from "../support/cli.js";
import { locateTool } from "../support/promtool.js";

const run = promisify(execFile);

const pkg = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as {
  name: string;
  version: string;
  exports: Record<string, unknown>;
  bin: Record<string, string>;
};
/** The import specifiers of every subpath export: `demo-exporter`, `demo-exporter/prometheus`, ... */
const specifiers = Object.keys(pkg.exports)
  .filter((subpath) => subpath !== "./package.json")
  .map((subpath) => (subpath === "." ? pkg.name : `${pkg.name}/${subpath.slice(2)}`));

const tsc = join(repoRoot, "node_modules", "typescript", "bin", "tsc");
const npm = locateTool("npm", "NPM");
if (npm === undefined) {
  const message = "npm not found (set $NPM or install Node.js with npm)";
  if (process.env["CI"]) throw new Error(`${message}; CI must not skip these specs`);
  console.warn(`SKIPPING the install spec: ${message}`);
}
const [major, minor] = process.versions.node.split(".").map(Number) as [number, number];
const canRequireESM = major > 22 || (major === 22 && minor >= 12) || (major === 20 && minor >= 19);
if (!canRequireESM) console.warn(`SKIPPING the CommonJS consumer: Node ${process.versions.node} cannot require() ES modules (needs >= 20.19)`);

let work: string;
let staging: string;
let consumer: string;
let tarball: string;
let packed: string[];
let npmEnv: NodeJS.ProcessEnv;

/** npmRun runs npm with the isolated configuration. */
function npmRun(args: string[], cwd: string): Promise<{ stdout: string; stderr: string }> {
  return run(npm!, args, { cwd, env: npmEnv, maxBuffer: 16 * 1024 * 1024 });
}

/** node runs a script of the consumer project with this Node. */
function node(args: string[]): Promise<{ stdout: string; stderr: string }> {
  return run(process.execPath, args, { cwd: consumer, env: { ...process.env, NODE_OPTIONS: "" } });
}

describe.skipIf(npm === undefined)("the packed package, installed into an empty project", () => {
  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), "demo-exporter-install-"));
    staging = join(work, "staging");
    consumer = join(work, "consumer");
    mkdirSync(staging);
    mkdirSync(consumer);
    writeFileSync(join(work, "npmrc"), "");
    npmEnv = {
      ...process.env,
      npm_config_userconfig: join(work, "npmrc"),
      npm_config_cache: join(work, "npm-cache"),
      npm_config_update_notifier: "false",
      npm_config_registry: "http://127.0.0.1:9/", // nothing listens: any registry request fails
      PATH: `${dirname(process.execPath)}:${process.env["PATH"] ?? ""}`,
    };
    // A clean build, as `prepare` makes it before `npm pack`, without touching the checkout's dist/.
    await npmRun(["run", "build:package", "--", "--outDir", join(staging, "dist")], repoRoot);
    for (const file of ["package.json", "README.md", "LICENSE"]) {
      if (existsSync(join(repoRoot, file))) copyFileSync(join(repoRoot, file), join(staging, file));
    }
    const { stdout } = await npmRun(["pack", "--ignore-scripts", "--json", "--pack-destination", work], staging);
    const [result] = JSON.parse(stdout) as [{ filename: string; files: { path: string }[] }];
    tarball = join(work, result.filename);
    packed = result.files.map((f) => f.path).sort();
    writeFileSync(join(consumer, "package.json"), JSON.stringify({ name: "consumer", version: "1.0.0", private: true, type: "module" }));
    await npmRun(["install", "--offline", "--no-audit", "--no-fund", tarball], consumer);
  }, 240_000);

  afterAll(() => {
    if (work !== undefined) rmSync(work, { recursive: true, force: true });
  });

  describe("the tarball", () => {
    it(`is ${pkg.name}-${pkg.version}.tgz`, () => {
      expect(relative(work, tarball)).toBe(`${pkg.name}-${pkg.version}.tgz`);
    });

    it("holds package.json, README.md, the compiled library with its types and the CLI, and nothing else", () => {
      const allowed = /^(package\.json|README\.md|LICENSE|dist\/lib\/.+\.(js|d\.ts)|dist\/bin\/demo-exporter\.js)$/;
      expect(packed.filter((p) => !allowed.test(p))).toEqual([]);
      expect(packed.filter((p) => p.endsWith(".map") || /(^|\/)(spec|bench|docs|examples|scripts)\//.test(p))).toEqual([]);
    });

    it("holds a module and its declarations for every source file of lib/, and nothing without a source", () => {
      const sources = listFiles(join(repoRoot, "lib")).filter((f) => f.endsWith(".ts")).map((f) => f.slice(0, -".ts".length));
      const expected = sources.flatMap((s) => [`dist/lib/${s}.js`, `dist/lib/${s}.d.ts`]).sort();
      expect(packed.filter((p) => p.startsWith("dist/lib/"))).toEqual(expected);
    });

    it("has no source map comment pointing at a file it does not hold", () => {
      const installed = join(consumer, "node_modules", pkg.name);
      const withMaps = packed.filter((p) => p.endsWith(".js") && readFileSync(join(installed, p), "utf8").includes("//# sourceMappingURL="));
      expect(withMaps).toEqual([]);
    });
  });

  describe("the installed package", () => {
    it("installed offline, alone: it has no dependencies", () => {
      const modules = readdirSync(join(consumer, "node_modules")).filter((n) => !n.startsWith("."));
      expect(modules).toEqual([pkg.name]);
    });

    it("resolves every relative import of its modules and declarations to a file it holds", () => {
      const installed = join(consumer, "node_modules", pkg.name);
      const missing: string[] = [];
      for (const file of packed.filter((p) => p.endsWith(".js") || p.endsWith(".d.ts"))) {
        const text = readFileSync(join(installed, file), "utf8");
        for (const [, spec] of text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)"(\.\.?\/[^"]+)"/g)) {
          const target = join(dirname(join(installed, file)), spec!);
          const candidates = file.endsWith(".d.ts") ? [target, target.replace(/\.js$/, ".d.ts")] : [target];
          if (!candidates.some((c) => existsSync(c))) missing.push(`${file} -> ${spec}`);
        }
      }
      expect(missing).toEqual([]);
    });

    it("type-checks and runs an ES module consumer that imports every subpath export", async () => {
      writeFileSync(join(consumer, "esm.ts"), esmConsumer());
      writeFileSync(join(consumer, "tsconfig.json"), JSON.stringify(consumerTsconfig(), null, 2));
      await typeCheckAndEmit();
      const { stdout, stderr } = await node(["out/esm.js"]);
      expect(stderr).toBe("");
      expect(stdout).toBe(expectedOutput("esm"));
    }, 120_000);

    it.skipIf(!canRequireESM)("type-checks and runs a CommonJS consumer that requires every subpath export", async () => {
      writeFileSync(join(consumer, "cjs.cts"), cjsConsumer());
      writeFileSync(join(consumer, "tsconfig.json"), JSON.stringify(consumerTsconfig(), null, 2));
      await typeCheckAndEmit();
      expect(readFileSync(join(consumer, "out", "cjs.cjs"), "utf8")).toContain(`require("${pkg.name}/prometheus")`);
      const { stdout, stderr } = await node(["out/cjs.cjs"]);
      expect(stderr).toBe("");
      expect(stdout).toBe(expectedOutput("cjs"));
    }, 120_000);

    it("runs the demo-exporter bin from node_modules/.bin: --version", async () => {
      const { stdout } = await run(join(consumer, "node_modules", ".bin", "demo-exporter"), ["--version"], { cwd: consumer, env: npmEnv });
      expect(stdout).toMatch(new RegExp(`^demo-exporter, version ${pkg.version.replace(/\./g, "\\.")} \\(`));
    });

    it("runs the demo-exporter bin from node_modules/.bin: --once", async () => {
      const { stdout } = await run(join(consumer, "node_modules", ".bin", "demo-exporter"), ["--once"], { cwd: consumer, env: npmEnv });
      expect(stdout).toContain("# TYPE demo_version gauge\ndemo_version 0.8\n");
      expect(stdout).toContain('demo_total{instance_id="instance1",region_id="region1"} 1\n');
      expect(stdout).toContain(`demo_build_info{nodeversion="${process.version}",revision="unknown",version="${pkg.version}"} 1\n`);
    });
  });
});

/** listFiles lists the files under `dir`, relative to it, with `/` separators. */
function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)).split("\\").join("/"))
    .sort();
}

/**
 * consumerTsconfig is a strict NodeNext project with Node's types from the repository (the
 * package's declarations use them, as any Node.js library's do) and `skipLibCheck` off, so that
 * our declaration files are checked too.
 */
function consumerTsconfig(): object {
  return {
    compilerOptions: {
      target: "ES2022",
      module: "NodeNext",
      moduleResolution: "NodeNext",
      lib: ["ES2024"],
      strict: true,
      skipLibCheck: false,
      typeRoots: [join(repoRoot, "node_modules", "@types")],
      types: ["node"],
      outDir: "out",
    },
    files: readdirSync(consumer).filter((f) => f.endsWith(".ts") || f.endsWith(".cts")),
  };
}

async function typeCheckAndEmit(): Promise<void> {
  try {
    await run(process.execPath, [tsc, "-p", "tsconfig.json"], { cwd: consumer });
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    throw new Error(`tsc failed in the consumer project:\n${e.stdout ?? ""}${e.stderr ?? ""}`);
  }
}

/** The lines both consumers print: one per subpath (its export count > 0), then a small program's output. */
function expectedOutput(kind: "esm" | "cjs"): string {
  return `${specifiers.map((s) => `${kind} ${s} ok`).join("\n")}
consumer_runs_total 3
pusher ok
`;
}

/**
 * esmConsumer imports every subpath with `import * as`, checks each has exports, and uses the
 * library as a user would: a registry, a counter, the text encoder, a Pusher's checks.
 */
function esmConsumer(): string {
  const imports = specifiers.map((s, i) => `import * as m${i} from "${s}";`).join("\n");
  const checks = specifiers.map((s, i) => `check("${s}", m${i});`).join("\n");
  return `${imports}
import { newCounter, newRegistry, type Gatherer } from "${pkg.name}/prometheus";
import { metricFamiliesToText } from "${pkg.name}/expfmt";
import { newPusher, PushConfigError } from "${pkg.name}/push";
import type { MetricFamily } from "${pkg.name}/model";

function check(name: string, mod: object): void {
  if (Object.keys(mod).length === 0) throw new Error(name + " has no exports");
  console.log("esm " + name + " ok");
}
${checks}

const registry = newRegistry();
const runs = newCounter({ name: "consumer_runs_total", help: "Runs." });
registry.mustRegister(runs);
runs.add(3);
const gatherer: Gatherer = registry;
const families: MetricFamily[] = await gatherer.gather();
console.log(metricFamiliesToText(families).split("\\n").filter((l) => !l.startsWith("#") && l !== "").join("\\n"));
const error = newPusher("http://127.0.0.1:9091", "").error();
console.log(error instanceof PushConfigError && error.message === "job name is empty" ? "pusher ok" : "pusher wrong");
`;
}

/** cjsConsumer does the same from a CommonJS module, whose imports TypeScript compiles to `require`. */
function cjsConsumer(): string {
  const imports = specifiers.map((s, i) => `import * as m${i} from "${s}";`).join("\n");
  const checks = specifiers.map((s, i) => `check("${s}", m${i});`).join("\n");
  return `${imports}
import { newCounter, newRegistry } from "${pkg.name}/prometheus";
import { metricFamiliesToText } from "${pkg.name}/expfmt";
import { newPusher, PushConfigError } from "${pkg.name}/push";

function check(name: string, mod: object): void {
  if (Object.keys(mod).length === 0) throw new Error(name + " has no exports");
  console.log("cjs " + name + " ok");
}
${checks}

async function main(): Promise<void> {
  const registry = newRegistry();
  const runs = newCounter({ name: "consumer_runs_total", help: "Runs." });
  registry.mustRegister(runs);
  runs.add(3);
  const text = metricFamiliesToText(await registry.gather());
  console.log(text.split("\\n").filter((l) => !l.startsWith("#") && l !== "").join("\\n"));
  const error = newPusher("http://127.0.0.1:9091", "").error();
  console.log(error instanceof PushConfigError && error.message === "job name is empty" ? "pusher ok" : "pusher wrong");
}
main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
`;
}
