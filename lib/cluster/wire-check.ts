/**
 * isWireFamily: the shape check of what a worker sent, before the merge reads any of it. A
 * message from something other than serveWorker (a bug, a stray message with our tag) becomes a
 * WireFormatError of the merge, never a TypeError in the middle of it.
 *
 * @module
 */

import type { WireExemplar, WireExtra, WireFamily } from "./wire.js";

const types: ReadonlySet<string> = new Set(["counter", "gauge", "summary", "untyped", "histogram", "gaugehistogram"]);

/**
 * isWireFamily checks the shape of what a worker sent, before the merge reads it: the fields and
 * their types, down to each extra's exemplars.
 */
export function isWireFamily(x: unknown): x is WireFamily {
  if (x === null || typeof x !== "object") return false;
  const w = x as Partial<WireFamily>;
  return (
    typeof w.name === "string" &&
    typeof w.type === "string" &&
    types.has(w.type) &&
    (w.help === undefined || typeof w.help === "string") &&
    (w.unit === undefined || typeof w.unit === "string") &&
    Number.isInteger(w.series) &&
    (w.labels === undefined || typeof w.labels === "string") &&
    (w.labelsId === undefined || Number.isInteger(w.labelsId)) &&
    (w.labels !== undefined || w.labelsId !== undefined) &&
    typeof w.numbers === "string" &&
    (w.created === undefined || typeof w.created === "string") &&
    (w.part === undefined || Number.isInteger(w.part)) &&
    (w.extras === undefined || (Array.isArray(w.extras) && w.extras.every(isExtraEntry)))
  );
}

function isExtraEntry(entry: unknown): boolean {
  if (!Array.isArray(entry) || entry.length !== 2 || !Number.isInteger(entry[0])) return false;
  const e = entry[1] as WireExtra | null;
  if (e === null || typeof e !== "object") return false;
  return (
    (e.timestampMs === undefined || typeof e.timestampMs === "number") &&
    (e.exemplar === undefined || isWireExemplar(e.exemplar)) &&
    (e.bucketExemplars === undefined || (Array.isArray(e.bucketExemplars) && e.bucketExemplars.every((b) => b === null || isWireExemplar(b)))) &&
    (e.native === undefined || (typeof e.native === "object" && e.native !== null))
  );
}

function isWireExemplar(x: unknown): boolean {
  if (x === null || typeof x !== "object") return false;
  const e = x as WireExemplar;
  return (
    (typeof e.value === "number" || typeof e.value === "string") &&
    (e.timestampMs === undefined || typeof e.timestampMs === "number") &&
    Array.isArray(e.label) &&
    e.label.every((l) => l !== null && typeof l === "object" && typeof l.name === "string" && typeof l.value === "string")
  );
}
