/**
 * The text format's label rules, in one place: how a label value is escaped, how label pairs are
 * rendered (`{a="1",b="2"}`), how rendered text is read back (unescaped, parsed), and how two
 * label entries compare. The text format, OpenMetrics, the vec storage (which keeps each series'
 * labels rendered, see lib/prometheus/internal/label-arena.ts) and the rows families of
 * lib/model/rows-family.ts all use these functions, so they cannot disagree byte for byte.
 *
 * Counterpart: `writeLabelPairs` and `writeEscapedString` in prometheus/common's
 * expfmt/text_create.go, and the label-value rules of its text_parse.go.
 *
 * @module
 */

import type { LabelPair } from "../model/index.js";

const needsEscape = /[\\\n"]/;
const toEscape = /[\\\n"]/g;

/** escapeLabelValue escapes backslash, newline and double quote, as label values do. */
export function escapeLabelValue(s: string): string {
  if (!needsEscape.test(s)) return s;
  return s.replace(toEscape, (c) => (c === "\\" ? "\\\\" : c === "\n" ? "\\n" : '\\"'));
}

/** unescapeLabelValue undoes {@link escapeLabelValue} (`\\`, `\"`, `\n`; `\x` reads as `x`). */
export function unescapeLabelValue(escaped: string): string {
  if (!escaped.includes("\\")) return escaped;
  return escaped.replace(/\\(.)/gs, (_, c: string) => (c === "n" ? "\n" : c));
}

/**
 * renderLabels renders label pairs as the text format writes them, `{a="1",b="2"}`, in the order
 * given, escaping the values; no labels render as nothing.
 */
export function renderLabels(labels: readonly LabelPair[]): string {
  if (labels.length === 0) return "";
  let text = "{";
  for (let i = 0; i < labels.length; i++) {
    const lp = labels[i]!;
    text += (i === 0 ? "" : ",") + lp.name + '="' + escapeLabelValue(lp.value) + '"';
  }
  return text + "}";
}

/**
 * isDeepFrozen reports whether a label-pair array and every pair in it are frozen: then nothing
 * about it can ever change, and what was computed from it (its text, its validity) stays true.
 */
export function isDeepFrozen(labels: readonly LabelPair[]): boolean {
  if (!Object.isFrozen(labels)) return false;
  for (let i = 0; i < labels.length; i++) if (!Object.isFrozen(labels[i])) return false;
  return true;
}

/**
 * The rendered text of deep-frozen label-pair arrays ({@link isDeepFrozen}): their text cannot go
 * stale. The vecs and live metrics hand out the same frozen array for a series at every gather,
 * so each series is rendered once, not once per scrape. Other arrays are rendered every time.
 */
const rendered = new WeakMap<readonly LabelPair[], string>();

/** labelsText returns {@link renderLabels} of `labels`, cached for deep-frozen arrays. */
export function labelsText(labels: readonly LabelPair[]): string {
  if (labels.length === 0) return "";
  let text = rendered.get(labels);
  if (text === undefined) {
    text = renderLabels(labels);
    if (isDeepFrozen(labels)) rendered.set(labels, text);
  }
  return text;
}

/**
 * cachedLabelsText returns {@link labelsText} of a deep-frozen array (rendered once, then from the
 * cache), or `undefined` for any other array, which a caller may then write out itself.
 */
export function cachedLabelsText(labels: readonly LabelPair[]): string | undefined {
  if (labels.length === 0) return "";
  const text = rendered.get(labels);
  if (text !== undefined || !isDeepFrozen(labels)) return text;
  return labelsText(labels);
}

/** labelsOpen returns `{name="value",...,` ready for one more label, or `{` when there are none. */
export function labelsOpen(labels: readonly LabelPair[]): string {
  if (labels.length === 0) return "{";
  const text = labelsText(labels);
  return text.slice(0, -1) + ",";
}

/** LabelTextError reports label text that {@link parseLabelsText} cannot read. */
export class LabelTextError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "LabelTextError";
  }
}

/**
 * parseLabelsText reads rendered label text (`{a="1",b="2"}`, or nothing) back into label pairs,
 * unescaping the values: the inverse of {@link renderLabels}.
 * @throws {LabelTextError} for text renderLabels does not write.
 */
export function parseLabelsText(text: string): LabelPair[] {
  return parse(text, false);
}

/**
 * A frozen array of one frozen pair, as parseFrozenLabelsText makes them, that lives as long as
 * the module: arrays parsed for one scrape die after it, and without a living one a full garbage
 * collection frees their hidden classes and V8 discards the encoding code compiled for them (see
 * lib/prometheus/internal/shapes.ts).
 */
export const frozenLabelsExemplar: readonly LabelPair[] = Object.freeze([Object.freeze({ name: "", value: "" })]);

/** parseFrozenLabelsText is {@link parseLabelsText} with every pair and the array frozen. */
export function parseFrozenLabelsText(text: string): readonly LabelPair[] {
  return Object.freeze(parse(text, true));
}

function parse(text: string, freeze: boolean): LabelPair[] {
  const pairs: LabelPair[] = [];
  if (text === "") return pairs;
  const fail = () => new LabelTextError(`invalid label text ${JSON.stringify(text)}`);
  if (text[0] !== "{" || text[text.length - 1] !== "}") throw fail();
  let at = 1;
  const end = text.length - 1;
  while (at < end) {
    const eq = text.indexOf('="', at);
    if (eq < 0) throw fail();
    const name = text.slice(at, eq);
    let i = eq + 2;
    while (i < end && text.charCodeAt(i) !== 0x22) i += text.charCodeAt(i) === 0x5c ? 2 : 1;
    if (i >= end + 1 || text.charCodeAt(i) !== 0x22) throw fail();
    const pair = { name, value: unescapeLabelValue(text.slice(eq + 2, i)) };
    pairs.push(freeze ? Object.freeze(pair) : pair);
    at = i + 1;
    if (at < end) {
      if (text.charCodeAt(at) !== 0x2c) throw fail();
      at++;
    }
  }
  return pairs;
}

/**
 * writeEscapedLabelValue writes `value` escaped ({@link escapeLabelValue}) as UTF-8 into `bytes`
 * at `off` and returns the offset after it. It writes at most `6 * value.length` bytes (3 per
 * UTF-16 unit, doubled by escapes); ASCII goes byte by byte, anything else through Buffer.write.
 */
export function writeEscapedLabelValue(bytes: Buffer, off: number, value: string): number {
  const start = off;
  for (let k = 0; k < value.length; k++) {
    const c = value.charCodeAt(k);
    if (c >= 0x80) return start + bytes.write(escapeLabelValue(value), start, "utf8");
    if (c === 0x5c || c === 0x22) {
      bytes[off++] = 0x5c;
      bytes[off++] = c;
    } else if (c === 0x0a) {
      bytes[off++] = 0x5c;
      bytes[off++] = 0x6e; // "n"
    } else {
      bytes[off++] = c;
    }
  }
  return off;
}
