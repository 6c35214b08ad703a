/**
 * Sealed label-pair arrays: immutable, validated, and carrying their rendered text.
 *
 * A live series keeps the same label pairs for its whole life, yet every scrape checks them, keys
 * them for the duplicate check and renders them as text. The library builds those arrays itself
 * (vec children, const metrics, descriptors), so it seals each one after validating it: the array
 * is frozen and carries, in a hidden property, its rendered text `{a="1",b="2"}` (empty for no
 * labels). That text is what the encoders write, and, since values are escaped and quoted, it
 * also identifies the series within its family. Its presence marks the array as trusted: a gather
 * does not check it again. Arrays made elsewhere are not sealed and are checked every time.
 *
 * One string per series is the whole cost; caching more (whole sample lines) was faster but took
 * more memory than it saved.
 *
 * @module
 */

import type { LabelPair } from "./metric-family.js";

const renderedText = Symbol("renderedLabelPairs");

type Sealed = readonly LabelPair[] & { readonly [renderedText]?: string };

/**
 * sealLabelPairs freezes a label-pair array the caller has fully validated (names valid and
 * unique, sorted by name, values valid UTF-8) and attaches its rendered text.
 */
export function sealLabelPairs(pairs: LabelPair[], text: string): readonly LabelPair[] {
  Object.defineProperty(pairs, renderedText, { value: text, enumerable: false });
  return Object.freeze(pairs);
}

/** sealedLabelsText returns the rendered text of a sealed array, or undefined for any other. */
export function sealedLabelsText(labels: readonly LabelPair[]): string | undefined {
  return (labels as Sealed)[renderedText];
}
