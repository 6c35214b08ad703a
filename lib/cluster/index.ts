/**
 * Node.js cluster aggregation: a Gatherer on the node:cluster primary that merges its workers'
 * metrics by explicit per-family rules, and the one call a worker makes to answer it.
 * prom-client's `AggregatorRegistry` is the idea; see docs/cluster.md for the differences.
 * @module
 */
export {
  BucketMismatchError,
  FamilyConflictError,
  MergeError,
  MergeRuleError,
  WireFormatError,
  WorkerGatherError,
} from "./errors.js";
export { mergeAnswers, type MergeOptions, type MergeResult, type WorkerAnswer } from "./merge.js";
export {
  ClusterGatherer,
  type ClusterGathererOptions,
  DefaultClusterTimeout,
  newClusterGatherer,
  WorkersAnsweredName,
  WorkersAskedName,
  WorkerUpName,
} from "./primary.js";
export { GatherAnswerType, GatherRequestType } from "./protocol.js";
export { DefaultMergeRules, type MergeRule, type MergeRules, RuleBook } from "./rules.js";
export { serveWorker, type ServeWorkerOptions, type WorkerServer } from "./worker.js";
export { toWire, type WireFamily } from "./wire.js";
