/**
 * The collectors package: ready-made collectors for the process, the Node.js runtime and the
 * program's build, mirroring client_golang's `collectors` package (`NewProcessCollector`,
 * `NewGoCollector`) and prometheus/common's `version.NewCollector`.
 * @module
 */
export { type BuildInfoOpts, newBuildInfoCollector } from "./build-info.js";
export {
  GCDurationBuckets,
  NodeJSCollector,
  type NodeJSCollectorOpts,
  newNodeJSCollector,
} from "./nodejs.js";
export { newPidFileFn, newProcessCollector, PidFileError, type ProcessCollectorOpts } from "./process.js";
export { ProcfsError, UnlimitedLimit, UserHZ } from "./procfs.js";
