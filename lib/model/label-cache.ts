/**
 * A cache slot on immutable label-pair arrays.
 *
 * A live series keeps the same label pairs for its whole life, yet every scrape checks them,
 * keys them for the duplicate check and renders them as text. The library builds those arrays
 * itself (vec children, const metrics, descriptors), so it gives each a hidden slot where the
 * registry and the encoders keep what they derived from it. A property on the array is cheaper to
 * reach than a WeakMap, and the slot only exists on arrays the library has validated, which is
 * also what marks them as trusted. Arrays made elsewhere have no slot and are checked every time.
 *
 * @module
 */

import type { LabelPair } from "./metric-family.js";

/** LabelPairsCache holds values derived from one immutable, validated label-pair array. */
export interface LabelPairsCache {
  /** The series key for duplicate checks. */
  seriesKey?: string;
  /** The rendered `{a="1",b="2"` text (no closing brace). */
  labelsText?: string;
  /** The metric name `sampleStart` was rendered for, and `name{labels} `. */
  sampleName?: string;
  sampleStart?: string;
  /** The last single-line sample written: its value and its whole line. */
  lineValue?: number;
  line?: string;
}

const slot = Symbol("labelPairsCache");

type Cached = readonly LabelPair[] & { readonly [slot]?: LabelPairsCache };

/**
 * sealValidatedLabelPairs freezes a label-pair array the caller has fully validated (names valid
 * and unique, sorted by name, values valid UTF-8) and gives it a cache slot.
 */
export function sealValidatedLabelPairs(pairs: LabelPair[]): readonly LabelPair[] {
  Object.defineProperty(pairs, slot, { value: {}, enumerable: false });
  return Object.freeze(pairs);
}

/** labelPairsCache returns the cache slot of a sealed array, or undefined for any other array. */
export function labelPairsCache(labels: readonly LabelPair[]): LabelPairsCache | undefined {
  return (labels as Cached)[slot];
}
