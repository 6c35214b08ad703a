/**
 * Label sets as they travel: each series' labels as their rendered text, `{a="1",b="x\"y"}`
 * (empty for none), as the text format writes them. The text is canonical (names sorted, values
 * escaped), so it is also the key that matches a series across workers, exactly.
 *
 * The primary reads a text back into label pairs with a strict parser: names valid, unique and
 * sorted, values escaped as the text format escapes them and valid UTF-8; anything else is
 * refused. (lib/expfmt's `parseLabelsText` reads any text its renderer writes, and checks none of
 * this: a worker's text is not trusted.) The arrays it makes are deep-frozen, the plain form the
 * core's caches recognise (lib/expfmt/label-text.ts renders such an array once), and a
 * {@link LabelTexts} hands out the same array for a series from one scrape to the next.
 *
 * @module
 */

import { unescapeLabelValue } from "../expfmt/index.js";
import type * as dto from "../model/index.js";
import { isValidLabelName } from "../prometheus/index.js";

const noLabels: readonly dto.LabelPair[] = Object.freeze([]);

/**
 * parseLabelText reads a label text back into deep-frozen label pairs, or returns undefined when
 * the text is not one the text format would write for a valid, sorted label set.
 */
export function parseLabelText(text: string): readonly dto.LabelPair[] | undefined {
  if (text === "") return noLabels;
  if (text.charCodeAt(0) !== 0x7b /* { */ || text.charCodeAt(text.length - 1) !== 0x7d /* } */) return undefined;
  const pairs: dto.LabelPair[] = [];
  let at = 1;
  const end = text.length - 1;
  while (at < end) {
    if (pairs.length > 0) {
      if (text.charCodeAt(at) !== 0x2c /* , */) return undefined;
      at++;
    }
    const eq = text.indexOf('="', at);
    if (eq < 0) return undefined;
    const name = text.slice(at, eq);
    if (!isValidLabelName(name)) return undefined;
    const previous = pairs.at(-1);
    if (previous !== undefined && !(previous.name < name)) return undefined;
    let i = eq + 2;
    let escaped = false;
    for (; i < end; i++) {
      const c = text.charCodeAt(i);
      if (c === 0x5c /* \ */) {
        const next = text.charCodeAt(++i);
        if (next !== 0x5c && next !== 0x22 && next !== 0x6e /* n */) return undefined;
        escaped = true;
      } else if (c === 0x22 /* " */) {
        break;
      } else if (c === 0x0a) {
        return undefined;
      }
    }
    if (i >= end) return undefined;
    const raw = text.slice(eq + 2, i);
    const value = escaped ? unescapeLabelValue(raw) : raw;
    if (!value.isWellFormed()) return undefined;
    pairs.push(Object.freeze({ name, value }));
    at = i + 1;
  }
  return at === end && pairs.length > 0 ? Object.freeze(pairs) : undefined;
}

/**
 * LabelTexts turns label texts into frozen pairs, and a family's label column (the texts joined
 * by newlines, as a worker sends them) into its texts, keeping those of the current and the
 * previous merge: a series that is still there at the next scrape gets the same array (so the
 * encoder's text cache, keyed by the array, renders it once), a column that equals one seen
 * before (every worker's, usually, scrape after scrape) is not split again and gets the same
 * array of texts, and what is gone for a whole scrape is forgotten.
 */
export class LabelTexts {
  #previous = new Map<string, readonly dto.LabelPair[]>();
  #current = new Map<string, readonly dto.LabelPair[]>();
  #previousColumns = new Map<string, readonly string[]>();
  #currentColumns = new Map<string, readonly string[]>();

  /** pairs returns the frozen pairs of `text`, or undefined when the text is malformed. */
  pairs(text: string): readonly dto.LabelPair[] | undefined {
    let pairs = this.#current.get(text);
    if (pairs !== undefined) return pairs;
    pairs = this.#previous.get(text) ?? parseLabelText(text);
    if (pairs !== undefined) this.#current.set(text, pairs);
    return pairs;
  }

  /**
   * texts returns the label texts of a non-empty family's label column (`""` is one empty
   * text), frozen; the same array for an equal column. The texts are not checked here: see
   * {@link pairs}.
   */
  texts(column: string): readonly string[] {
    let texts = this.#currentColumns.get(column);
    if (texts !== undefined) return texts;
    texts = this.#previousColumns.get(column) ?? Object.freeze(column.split("\n"));
    this.#currentColumns.set(column, texts);
    return texts;
  }

  /** nextMerge starts a new generation: what the last merge did not use is dropped. */
  nextMerge(): void {
    this.#previous = this.#current;
    this.#current = new Map();
    this.#previousColumns = this.#currentColumns;
    this.#currentColumns = new Map();
  }
}
