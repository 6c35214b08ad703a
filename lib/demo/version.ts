/**
 * Build information for the demo exporter: what `--version` prints, what the landing page shows
 * and what `demo_build_info` reports.
 *
 * Counterpart: prometheus/common `version/info.go`, whose `Version`, `Revision`, `Branch`,
 * `BuildUser` and `BuildDate` are set at link time with `-ldflags -X`. A Node program has no link
 * step, so the version comes from package.json and the rest from the environment at start-up
 * (`DEMO_EXPORTER_REVISION`, `DEMO_EXPORTER_BRANCH`, `DEMO_EXPORTER_BUILD_USER`,
 * `DEMO_EXPORTER_BUILD_DATE`), each `unknown` when unset.
 *
 * @module
 */

import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import type { VersionInfo } from "./flags.js";

/** program is the name the exporter gives itself in usage, logs and version text. */
export const program = "demo-exporter";

/** BuildInfo is the exporter's build information, with the Node.js version it runs on. */
export interface BuildInfo extends VersionInfo {
  nodeVersion: string;
}

/**
 * buildInfo returns the exporter's build information: the version from package.json, the other
 * fields from `env` (default `process.env`), `unknown` where nothing says otherwise.
 */
export function buildInfo(env: NodeJS.ProcessEnv = process.env): BuildInfo {
  return {
    program,
    version: packageVersion(),
    revision: env["DEMO_EXPORTER_REVISION"] || "unknown",
    branch: env["DEMO_EXPORTER_BRANCH"] || "unknown",
    buildUser: env["DEMO_EXPORTER_BUILD_USER"] || "unknown",
    buildDate: env["DEMO_EXPORTER_BUILD_DATE"] || "unknown",
    nodeVersion: process.version,
    platform: `${process.platform}/${process.arch}`,
  };
}

let cachedVersion: string | undefined;

/**
 * packageVersion returns the `version` of this project's package.json, found by walking up from
 * this file, so it works both from `lib/demo` (tests) and from `dist/lib/demo` (the build).
 * It returns `unknown` when no package.json of this project is found.
 */
export function packageVersion(): string {
  cachedVersion ??= findPackageVersion(dirname(fileURLToPath(import.meta.url)));
  return cachedVersion;
}

function findPackageVersion(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    const file = join(dir, "package.json");
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, "utf8")) as { name?: unknown; version?: unknown };
      if (pkg.name === program && typeof pkg.version === "string") return pkg.version;
    }
    if (dirname(dir) === dir) return "unknown";
  }
}

/**
 * versionInfo is prometheus/common's `version.Info()`: `(version=0.8.0, branch=main,
 * revision=abc123)`, as node_exporter logs it at start-up and the landing page shows it.
 */
export function versionInfo(info: BuildInfo): string {
  return `(version=${info.version}, branch=${info.branch}, revision=${info.revision})`;
}

/**
 * buildContext is prometheus/common's `version.BuildContext()` with Node in place of Go:
 * `(node=v20.20.2, platform=linux/x64, user=root@host, date=20261128-10:22:29)`.
 */
export function buildContext(info: BuildInfo): string {
  return `(node=${info.nodeVersion}, platform=${info.platform}, user=${info.buildUser}, date=${info.buildDate})`;
}
