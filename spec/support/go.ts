/**
 * Go and client_golang's sources, for the specs that run Go: detection (with the message that
 * says how to install them), and the conformance oracle (conformance/oracle-go), built once into
 * node_modules/.cache and run on many cases per process.
 *
 * Go is used in GOPATH mode, offline, against Debian's packages: golang-go,
 * golang-github-prometheus-client-golang-dev and golang-github-prometheus-common-dev, which put
 * client_golang 1.14 and common 0.39 under /usr/share/gocode/src/github.com/prometheus/.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));

/** repoRoot is the repository's top folder. */
export const repoRoot = resolve(here, "..", "..");

/** gocode is the GOPATH where Debian installs Go sources. */
export const gocode = "/usr/share/gocode";

/** goVersion is what `go version` printed, or undefined when there is no go. */
export const goVersion: string | undefined = (() => {
  const r = spawnSync("go", ["version"], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : undefined;
})();

/** haveClientGolang says whether client_golang's and common's sources are under {@link gocode}. */
export const haveClientGolang =
  existsSync(join(gocode, "src/github.com/prometheus/client_golang/prometheus/registry.go")) &&
  existsSync(join(gocode, "src/github.com/prometheus/common/expfmt/encode.go"));

/** haveGo says whether Go can build against client_golang here. */
export const haveGo = goVersion !== undefined && haveClientGolang;

/** missingGo says what is missing and how to install it. */
export const missingGo =
  `${goVersion === undefined ? "no `go` on PATH" : `no client_golang/common sources under ${gocode}/src`}: install ` +
  "them with `apt-get install golang-go golang-github-prometheus-client-golang-dev golang-github-prometheus-common-dev` " +
  "(Debian 12 ships client_golang 1.14 and common 0.39), or run .ci/run as root";

/** goEnv is the environment for an offline GOPATH-mode build against Debian's sources. */
export function goEnv(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    GO111MODULE: "off",
    GOPATH: gocode,
    GOPROXY: "off",
    GOFLAGS: "",
    GOCACHE: process.env["GOCACHE"] ?? join(tmpdir(), "demo-exporter-go-cache"),
  };
}

/** oracleSource is the oracle's Go package. */
export const oracleSource = join(repoRoot, "conformance", "oracle-go");

/**
 * buildOracle builds conformance/oracle-go once per version of its source, into
 * node_modules/.cache/oracle-go/<hash>/oracle, and returns the binary's path.
 * @throws when the build fails, with Go's output.
 */
export function buildOracle(): string {
  const source = readFileSync(join(oracleSource, "main.go"));
  const hash = createHash("sha256").update(source).update(goVersion ?? "").digest("hex").slice(0, 16);
  const dir = join(repoRoot, "node_modules", ".cache", "oracle-go", hash);
  const bin = join(dir, "oracle");
  if (existsSync(bin)) return bin;
  mkdirSync(dir, { recursive: true });
  const partial = `${bin}.${process.pid}.tmp`;
  const r = spawnSync("go", ["build", "-o", partial, "."], { cwd: oracleSource, env: goEnv(), encoding: "utf8" });
  if (r.status !== 0) throw new Error(`building the Go oracle failed:\n${r.stderr}${r.stdout}`);
  // Rename last, so a concurrent build never runs a half-written binary.
  renameSync(partial, bin);
  return bin;
}

/**
 * runOracle runs the oracle binary on cases written as JSON texts (one per case) and returns
 * its results, parsed, in the same order.
 */
export function runOracle<R = unknown>(bin: string, casesJson: readonly string[], parse: (line: string) => R = JSON.parse): R[] {
  if (casesJson.length === 0) return [];
  const out = execFileSync(bin, [], {
    input: `[${casesJson.join(",\n")}]`,
    encoding: "utf8",
    maxBuffer: 1 << 30,
  });
  const lines = out.split("\n").filter((l) => l !== "");
  if (lines.length !== casesJson.length) {
    throw new Error(`the oracle answered ${lines.length} of ${casesJson.length} cases:\n${lines.at(-1) ?? ""}`);
  }
  return lines.map((l) => parse(l));
}

/** oraclePrintable returns the code points Go's `strconv.IsPrint` accepts (its Unicode version's table), as [first, last] ranges. */
export function oraclePrintable(bin: string): [number, number][] {
  return JSON.parse(execFileSync(bin, ["-isprint"], { encoding: "utf8", maxBuffer: 1 << 26 })) as [number, number][];
}
