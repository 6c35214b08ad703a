/**
 * The build-info collector: one gauge, always 1, whose labels say which version of a program runs.
 *
 * Counterpart: prometheus/common's version/info.go (`NewCollector`), which exposes
 * `<program>_build_info{version, revision, branch, goversion, goos, goarch} 1`. Here the labels
 * are the version, the revision and the Node.js version.
 *
 * @module
 */

import { type Collector, newGaugeFunc } from "../prometheus/index.js";

/** BuildInfoOpts says what {@link newBuildInfoCollector} reports. */
export interface BuildInfoOpts {
  /** The program's name, the metric's namespace: `<namespace>_build_info`. Defaults to `demo`. */
  namespace?: string;
  /** The program's version, e.g. `0.8.0`. */
  version: string;
  /** The source revision it was built from, e.g. a git commit hash. */
  revision: string;
  /** The Node.js version it runs on; defaults to `process.version` (e.g. `v20.11.1`). */
  nodeversion?: string;
}

/**
 * newBuildInfoCollector returns a collector of `<namespace>_build_info`, a gauge with the constant
 * value 1 labeled by `version`, `revision` and `nodeversion`. Join on it in PromQL to know which
 * build produced a series, or count versions across a fleet.
 * @example
 * ```ts
 * registry.mustRegister(newBuildInfoCollector({ version: "0.8.0", revision: "4f1c2e9", nodeversion: "v20.11.1" }));
 * // demo_build_info{nodeversion="v20.11.1",revision="4f1c2e9",version="0.8.0"} 1
 * ```
 */
export function newBuildInfoCollector(opts: BuildInfoOpts): Collector {
  const program = opts.namespace ?? "demo";
  return newGaugeFunc(
    {
      namespace: program,
      name: "build_info",
      help:
        "A metric with a constant '1' value labeled by version, revision, and nodeversion " +
        `from which ${program} was built.`,
      constLabels: {
        version: opts.version,
        revision: opts.revision,
        nodeversion: opts.nodeversion ?? process.version,
      },
    },
    () => 1,
  );
}
