/**
 * The two messages between the primary and a worker, over node:cluster's IPC channel. Both are
 * tagged with a `type` of their own, so that an application's other messages on the same channel
 * pass by untouched, and every request carries an `id` that its answer repeats: an answer that
 * comes after its scrape gave up on it finds no request waiting and is dropped.
 *
 * A family's label column (wire.ts) is the bulk of an answer, and it seldom changes. So a worker
 * numbers the label columns it sends (per family, a new number when the column changes), the
 * primary says in each request which numbered columns of that worker it holds, and the worker
 * sends a column it knows the primary holds by its number alone (columns.ts).
 *
 * @module
 */

import type { WireFamily } from "./wire.js";

/** GatherRequestType tags the primary's request for a worker's families. */
export const GatherRequestType = "demo-exporter/cluster:gather";
/** GatherAnswerType tags a worker's answer. */
export const GatherAnswerType = "demo-exporter/cluster:families";

/** GatherRequest asks a worker for its families. */
export interface GatherRequest {
  type: typeof GatherRequestType;
  id: number;
  /** The label columns the primary holds from this worker: by family name, the column's number. */
  columns?: Record<string, number>;
}

/**
 * GatherAnswer is one message of a worker's answer: some of its families (or chunks of them) and
 * the messages of its gather errors. An answer takes as many messages as keeps each small; the
 * last one says so, and only a complete answer is merged.
 */
export interface GatherAnswer {
  type: typeof GatherAnswerType;
  id: number;
  families: WireFamily[];
  errors: string[];
  last: boolean;
}

/**
 * isGatherRequest tells the primary's requests from other messages. A request whose `columns`
 * is not a record of numbers is one whose columns the worker sends whole.
 */
export function isGatherRequest(msg: unknown): msg is GatherRequest {
  return typeof msg === "object" && msg !== null && (msg as GatherRequest).type === GatherRequestType && Number.isInteger((msg as GatherRequest).id);
}

/** isGatherAnswer tells a worker's answers from other messages. */
export function isGatherAnswer(msg: unknown): msg is GatherAnswer {
  if (typeof msg !== "object" || msg === null) return false;
  const a = msg as GatherAnswer;
  return a.type === GatherAnswerType && Number.isInteger(a.id) && Array.isArray(a.families) && Array.isArray(a.errors) && typeof a.last === "boolean";
}
