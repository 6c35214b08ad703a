/**
 * A parser for the text exposition format 0.0.4, following prometheus/common's expfmt
 * `TextParser.TextToMetricFamilies` (text_parse.go, v0.39): the same grammar, the same folding
 * of `_bucket`/`_sum`/`_count` and quantile lines into one metric per label set, the same error
 * messages. Go's state machine (one `stateFn` per state) becomes one method per line kind here.
 *
 * What Go's parser accepts, this one accepts, with the same result: a histogram or summary sample
 * other than `_sum`/`_count` without an `le`/`quantile` label (or with `NaN` there) makes the
 * metric exist and is otherwise ignored; a sample of a `gauge_histogram` family is a metric without
 * a value (Go sets an error there that its next read overwrites). Input given as bytes is checked
 * as UTF-8 where Go checks it: a label value that is not valid UTF-8 is an error
 * (`invalid label value "\xbd"`); elsewhere an invalid byte shows as `\xNN` in error messages
 * and becomes U+FFFD in a help text, since a JavaScript string cannot carry it.
 *
 * Deliberate differences: a trailing `+Inf` bucket whose count equals `_count` is not kept as a
 * `Bucket`, matching client_golang's model, where it is implicit (one that differs is kept, so
 * nothing is lost). Errors also carry a column, which Go's do not, in a property of their own.
 *
 * @module
 */
import type {
  Histogram,
  LabelPair,
  Metric,
  MetricFamily,
  MetricType,
  Summary,
} from "../model/metric-family.js";
import { parseFloatGo } from "./float.js";
import { decodeUTF8Escaped, firstUTF8Byte, goQuote, goQuoteChar } from "./utf8.js";

/**
 * TextParseError is thrown by `parseText` for text that is not in the text format. Its message is
 * expfmt's `ParseError`: `text format parsing error in line 3: invalid metric name`. `line` and
 * `column` are 1-based; the column (which Go does not report) counts UTF-16 code units and points
 * at the offending character or at the start of the offending token, and just past the end of the
 * text for `unexpected end of input stream`.
 */
export class TextParseError extends Error {
  /** line is the 1-based line number. */
  readonly line: number;
  /** column is the 1-based column within the line. */
  readonly column: number;
  /** msg is the message without the position prefix, as in Go's `ParseError.Msg`. */
  readonly msg: string;

  /** Creates the error for line `line`, column `column`. */
  constructor(line: number, column: number, msg: string) {
    super(`text format parsing error in line ${line}: ${msg}`);
    this.name = "TextParseError";
    this.line = line;
    this.column = column;
    this.msg = msg;
  }
}

/**
 * parseText reads `text` in the text exposition format 0.0.4 and returns its metric families in
 * the order their names first appear (in a sample, `# HELP` or `# TYPE` line), each with its
 * metrics in the order first seen. Families without samples are left out; a family without a
 * `# TYPE` line is `untyped`; one without a `# HELP` line with text (`# HELP name` followed only by
 * blanks counts as none, as in Go) has no `help`.
 *
 * As in Go, every line ends with `\n`, including the last one; labels keep the order they are
 * written in; histogram buckets keep the order of their lines; counts are truncated to integers;
 * comments other than `# HELP` and `# TYPE` are ignored.
 *
 * Given bytes, it decodes them as UTF-8 and rejects a label value that is not valid UTF-8 as Go does
 * (`invalid label value "\xbd"`); a string is taken as it is, and a lone surrogate in a label value
 * is rejected the same way.
 *
 * @throws {TextParseError} on the first line that is not in the format.
 * @example
 * ```ts
 * const [family] = parseText('# TYPE up gauge\nup{job="api"} 1\n');
 * family.metric[0].gauge?.value; // 1
 * ```
 */
export function parseText(text: string | Uint8Array): MetricFamily[] {
  if (typeof text === "string") return new TextParser(text, false).parse();
  return new TextParser(decodeUTF8Escaped(text), true).parse();
}

// Typed as number, not as literals, so that comparing #cur after a read is not narrowed away.
const EOF: number = -1;
const TAB: number = 0x09;
const NL: number = 0x0a;
const SPACE: number = 0x20;
const QUOTE: number = 0x22;
const HASH: number = 0x23;
const COMMA: number = 0x2c;
const EQUALS: number = 0x3d;
const BACKSLASH: number = 0x5c;
const LOWER_N: number = 0x6e;
const LBRACE: number = 0x7b;
const RBRACE: number = 0x7d;

const TYPES: ReadonlyMap<string, MetricType> = new Map<string, MetricType>([
  ["COUNTER", "counter"],
  ["GAUGE", "gauge"],
  ["SUMMARY", "summary"],
  ["UNTYPED", "untyped"],
  ["HISTOGRAM", "histogram"],
  ["GAUGE_HISTOGRAM", "gaugehistogram"],
]);

type SummaryMetric = Metric & { summary: Summary };
type HistogramMetric = Metric & { histogram: Histogram };

/** FoldedHistogram is a histogram metric being assembled. */
interface FoldedHistogram {
  metric: HistogramMetric;
}

/** FamilyState is a family being assembled, with Go's `summaries`/`histograms` maps. */
interface FamilyState {
  family: MetricFamily;
  hasType: boolean;
  summaries: Map<string, SummaryMetric>;
  histograms: Map<string, FoldedHistogram>;
}

/** Role is what a sample line is for its family: `_count`, `_sum`, or anything else. */
type Role = "count" | "sum" | "sample";

/** SampleLine is what one sample line says before its value: family, role, labels, bound. */
interface SampleLine {
  state: FamilyState;
  role: Role;
  column: number;
  labels: LabelPair[];
  names: string[];
  /** The value of the `le` (histogram) or `quantile` (summary) label, when there is one. */
  bound: number | undefined;
}

/** TextParser holds the cursor and the families of one `parseText` call. */
class TextParser {
  readonly #text: string;
  /** The index of the next character to read. */
  #pos = 0;
  /** The character read last, or EOF. */
  #cur = EOF;
  #line = 0;
  #lineStart = 0;
  readonly #families = new Map<string, FamilyState>();
  /** Whether the text was decoded from bytes, invalid bytes marked (see decodeUTF8Escaped). */
  readonly #fromBytes: boolean;

  constructor(text: string, fromBytes: boolean) {
    this.#text = text;
    this.#fromBytes = fromBytes;
  }

  parse(): MetricFamily[] {
    while (this.#startOfLine()) {
      // Each call consumes one line, up to and including its '\n'.
    }
    const out: MetricFamily[] = [];
    for (const state of this.#families.values()) {
      if (state.family.metric.length === 0) continue;
      for (const folded of state.histograms.values()) dropImplicitInfBucket(folded.metric.histogram);
      out.push(state.family);
    }
    return out;
  }

  #startOfLine(): boolean {
    this.#line++;
    this.#lineStart = this.#pos;
    while (isBlankOrTab(this.#read())) {
      // Leading blanks are allowed.
    }
    if (this.#cur === EOF) return false;
    if (this.#cur === HASH) this.#comment();
    else if (this.#cur !== NL) this.#sample();
    return true;
  }

  #comment(): void {
    this.#skipBlankTab();
    if (this.#cur === NL) return;
    const keyword = this.#readTokenUntilWhitespace();
    if (this.#cur === NL) return;
    if (keyword !== "HELP" && keyword !== "TYPE") {
      this.#readTokenUntilNewline();
      return;
    }
    this.#skipBlankTab();
    const nameColumn = this.#column();
    const name = this.#readName(isMetricNameStart, isMetricNameChar);
    if (this.#cur === NL) return;
    if (!isBlankOrTab(this.#cur)) this.#fail("invalid metric name in comment");
    const { state } = this.#familyFor(name);
    this.#skipBlankTab();
    if (this.#cur === NL) return;
    if (keyword === "HELP") this.#help(state, nameColumn);
    else this.#type(state, nameColumn);
  }

  #help(state: FamilyState, nameColumn: number): void {
    if (state.family.help !== undefined) {
      this.#fail(`second HELP line for metric name ${goQuote(state.family.name)}`, nameColumn);
    }
    const help = this.#readHelpText();
    // Go keeps an invalid byte in a help text; a JavaScript string cannot, so it becomes U+FFFD.
    state.family.help = this.#fromBytes ? help.replace(/[\udc80-\udcff]/g, "\ufffd") : help;
  }

  #type(state: FamilyState, nameColumn: number): void {
    if (state.hasType) {
      const name = goQuote(state.family.name);
      const msg = `second TYPE line for metric name ${name}, or TYPE reported after samples`;
      this.#fail(msg, nameColumn);
    }
    const column = this.#column();
    const token = this.#readTokenUntilNewline();
    const type = TYPES.get(token.toUpperCase());
    if (type === undefined) this.#fail(`unknown metric type ${goQuote(token)}`, column);
    state.family.type = type;
    state.hasType = true;
  }

  #sample(): void {
    const column = this.#column();
    const name = this.#readName(isMetricNameStart, isMetricNameChar);
    if (name === "") this.#fail("invalid metric name");
    const { state, role } = this.#familyFor(name);
    state.hasType = true; // a later TYPE line is an error; the type stays "untyped" if unset
    const line: SampleLine = { state, role, column, labels: [], names: [], bound: undefined };
    if (isBlankOrTab(this.#cur)) this.#skipBlankTab();
    if (this.#cur === LBRACE) this.#labels(line);
    const valueColumn = this.#column();
    const token = this.#readTokenUntilWhitespace();
    const value = parseFloatGo(token);
    if (value === undefined) {
      this.#fail(`expected float as value, got ${goQuote(token)}`, valueColumn);
    }
    const metric = this.#record(line, value);
    if (this.#cur !== NL) metric.timestampMs = this.#timestamp();
  }

  #labels(line: SampleLine): void {
    for (;;) {
      this.#skipBlankTab();
      if (this.#cur === RBRACE) break;
      const value = this.#label(line);
      this.#skipBlankTab();
      if (this.#cur === RBRACE) break;
      if (this.#cur !== COMMA) this.#fail(`unexpected end of label value ${goQuote(value)}`);
    }
    this.#skipBlankTab();
  }

  /** #label reads one `name="value"` pair and returns the value. */
  #label(line: SampleLine): string {
    const nameColumn = this.#column();
    const name = this.#readName(isLabelNameStart, isLabelNameChar);
    if (name === "") {
      this.#fail(`invalid label name for metric ${goQuote(line.state.family.name)}`);
    }
    if (name === "__name__") this.#fail(`label name "__name__" is reserved`, nameColumn);
    if (line.names.includes(name)) {
      this.#fail(`duplicate label names for metric ${goQuote(line.state.family.name)}`, nameColumn);
    }
    line.names.push(name);
    if (isBlankOrTab(this.#cur)) this.#skipBlankTab();
    if (this.#cur !== EQUALS) {
      this.#fail(`expected '=' after label name, found ${goQuoteChar(this.#cur)}`);
    }
    this.#skipBlankTab();
    if (this.#cur !== QUOTE) {
      this.#fail(`expected '"' at start of label value, found ${goQuoteChar(this.#cur)}`);
    }
    const valueColumn = this.#column();
    const value = this.#readLabelValue();
    if (!value.isWellFormed()) this.#fail(`invalid label value ${goQuote(value)}`, valueColumn);
    const type = line.state.family.type;
    if ((type === "summary" && name === "quantile") || (type === "histogram" && name === "le")) {
      line.bound = parseFloatGo(value);
      if (line.bound === undefined) {
        const msg = `expected float as value for '${name}' label, got ${goQuote(value)}`;
        this.#fail(msg, valueColumn);
      }
      // As in Go, a NaN bound leaves the sample without one: it is ignored.
      if (Number.isNaN(line.bound)) line.bound = undefined;
    } else {
      line.labels.push({ name, value });
    }
    return value;
  }

  /** #record stores the value of a sample line in its metric and returns that metric. */
  #record(line: SampleLine, value: number): Metric {
    const family = line.state.family;
    switch (family.type) {
      case "counter":
        return this.#newMetric(line, { counter: { value } });
      case "gauge":
        return this.#newMetric(line, { gauge: { value } });
      case "untyped":
        return this.#newMetric(line, { untyped: { value } });
      case "summary":
        return this.#summarySample(line, value);
      case "histogram":
        return this.#histogramSample(line, value);
      default:
        // Go's parser sets "unexpected type for metric name" here, and its next read overwrites
        // that error: the sample stays a metric without a value.
        return this.#newMetric(line, {});
    }
  }

  #newMetric(line: SampleLine, value: Omit<Metric, "label">): Metric {
    const metric: Metric = { label: line.labels, ...value };
    line.state.family.metric.push(metric);
    return metric;
  }

  #summarySample(line: SampleLine, value: number): Metric {
    const { state } = line;
    const key = labelsKey(line.labels);
    let metric = state.summaries.get(key);
    if (metric === undefined) {
      metric = { label: line.labels, summary: { sampleCount: 0, sampleSum: 0, quantile: [] } };
      state.summaries.set(key, metric);
      state.family.metric.push(metric);
    }
    const { summary } = metric;
    if (line.role === "count") {
      summary.sampleCount = Math.trunc(value);
    } else if (line.role === "sum") {
      summary.sampleSum = value;
    } else if (line.bound !== undefined) {
      summary.quantile.push({ quantile: line.bound, value });
    } // else: no quantile label; as in Go, the metric exists and the sample is ignored.
    return metric;
  }

  #histogramSample(line: SampleLine, value: number): Metric {
    const { state } = line;
    const key = labelsKey(line.labels);
    let folded = state.histograms.get(key);
    if (folded === undefined) {
      const histogram: Histogram = { sampleCount: 0, sampleSum: 0, bucket: [] };
      folded = { metric: { label: line.labels, histogram } };
      state.histograms.set(key, folded);
      state.family.metric.push(folded.metric);
    }
    const histogram = folded.metric.histogram;
    if (line.role === "count") {
      histogram.sampleCount = Math.trunc(value);
    } else if (line.role === "sum") {
      histogram.sampleSum = value;
    } else if (line.bound !== undefined) {
      histogram.bucket.push({ upperBound: line.bound, cumulativeCount: Math.trunc(value) });
    } // else: no le label; as in Go, the metric exists and the sample is ignored.
    return folded.metric;
  }

  #timestamp(): number {
    this.#skipBlankTab();
    const column = this.#column();
    const token = this.#readTokenUntilWhitespace();
    const timestamp = parseInt64(token);
    if (timestamp === undefined) {
      this.#fail(`expected integer as timestamp, got ${goQuote(token)}`, column);
    }
    const restColumn = this.#column();
    const rest = this.#readTokenUntilNewline();
    if (rest !== "") this.#fail(`spurious string after timestamp: ${goQuote(rest)}`, restColumn);
    return timestamp;
  }

  /** #familyFor finds the family of a name as Go's setOrCreateCurrentMF does, or creates it. */
  #familyFor(name: string): { state: FamilyState; role: Role } {
    const exact = this.#families.get(name);
    if (exact !== undefined) return { state: exact, role: "sample" };
    const suffix = suffixOf(name);
    if (suffix !== undefined) {
      const base = this.#families.get(name.slice(0, name.length - suffix.length));
      const type = base?.family.type;
      const role: Role = suffix === "_count" ? "count" : suffix === "_sum" ? "sum" : "sample";
      const folds = type === "histogram" || (type === "summary" && suffix !== "_bucket");
      if (base !== undefined && folds) return { state: base, role };
    }
    const family: MetricFamily = { name, type: "untyped", metric: [] };
    const state: FamilyState = {
      family,
      hasType: false,
      summaries: new Map(),
      histograms: new Map(),
    };
    this.#families.set(name, state);
    return { state, role: "sample" };
  }

  // The cursor: #read moves on by one character; the #read* token readers start at the current
  // character and stop at the first one not in the token, which becomes the current character.

  #read(): number {
    if (this.#pos < this.#text.length) {
      this.#cur = this.#text.charCodeAt(this.#pos++);
    } else {
      this.#cur = EOF;
      this.#pos = this.#text.length + 1;
    }
    return this.#cur;
  }

  /** #column is the 1-based column of the current character. */
  #column(): number {
    return this.#pos - this.#lineStart;
  }

  #fail(msg: string, column = this.#column()): never {
    throw new TextParseError(this.#line, column, msg);
  }

  #failAtEnd(): void {
    if (this.#cur === EOF) this.#fail("unexpected end of input stream");
  }

  /** #skipBlankTab reads past the next run of blanks and tabs; the end of input is an error. */
  #skipBlankTab(): void {
    while (isBlankOrTab(this.#read())) {
      // Skip.
    }
    this.#failAtEnd();
  }

  #readName(isStart: (c: number) => boolean, isPart: (c: number) => boolean): string {
    if (!isStart(this.#cur)) return "";
    const start = this.#pos - 1;
    while (isPart(this.#read())) {
      // Accumulate.
    }
    this.#failAtEnd();
    return this.#text.slice(start, this.#pos - 1);
  }

  #readTokenUntilWhitespace(): string {
    const start = this.#pos - 1;
    while (this.#cur !== EOF && this.#cur !== NL && !isBlankOrTab(this.#cur)) this.#read();
    this.#failAtEnd();
    return this.#text.slice(start, this.#pos - 1);
  }

  /** #readTokenUntilNewline reads the rest of the line, dropping backslashes as Go's does. */
  #readTokenUntilNewline(): string {
    const start = this.#pos - 1;
    while (this.#cur !== NL) {
      this.#failAtEnd();
      this.#read();
    }
    return this.#text.slice(start, this.#pos - 1).replaceAll("\\", "");
  }

  /** #readHelpText reads the rest of the line, unescaping `\\` and `\n`. */
  #readHelpText(): string {
    let out = "";
    let chunk = this.#pos - 1;
    for (; this.#cur !== NL; this.#read()) {
      this.#failAtEnd();
      if (this.#cur !== BACKSLASH) continue;
      out += this.#text.slice(chunk, this.#pos - 1) + this.#readEscape(false);
      chunk = this.#pos;
    }
    return out + this.#text.slice(chunk, this.#pos - 1);
  }

  /** #readLabelValue reads a quoted label value (the current character is its opening quote). */
  #readLabelValue(): string {
    let out = "";
    let chunk = this.#pos;
    for (;;) {
      const c = this.#read();
      this.#failAtEnd();
      if (c === QUOTE) return out + this.#text.slice(chunk, this.#pos - 1);
      if (c === NL) {
        const value = out + this.#text.slice(chunk, this.#pos - 1);
        this.#fail(`label value ${goQuote(value)} contains unescaped new-line`);
      }
      if (c !== BACKSLASH) continue;
      out += this.#text.slice(chunk, this.#pos - 1) + this.#readEscape(true);
      chunk = this.#pos;
    }
  }

  /** #readEscape reads the character after a backslash: `\\`, `\n`, and `\"` in label values. */
  #readEscape(allowQuote: boolean): string {
    const column = this.#column();
    const c = this.#read();
    this.#failAtEnd();
    if (c === BACKSLASH) return "\\";
    if (c === LOWER_N) return "\n";
    if (c === QUOTE && allowQuote) return '"';
    // Go prints the byte after the backslash (%c): for a multi-byte character, its first byte.
    return this.#fail(`invalid escape sequence '\\${String.fromCharCode(firstUTF8Byte(c))}'`, column);
  }
}

function isBlankOrTab(c: number): boolean {
  return c === SPACE || c === TAB;
}

function isLabelNameStart(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f; // a-z A-Z _
}

function isLabelNameChar(c: number): boolean {
  return isLabelNameStart(c) || (c >= 0x30 && c <= 0x39);
}

function isMetricNameStart(c: number): boolean {
  return isLabelNameStart(c) || c === 0x3a; // :
}

function isMetricNameChar(c: number): boolean {
  return isLabelNameChar(c) || c === 0x3a;
}

/** suffixOf returns the `_count`, `_sum` or `_bucket` suffix of a longer name, if any. */
function suffixOf(name: string): string | undefined {
  for (const suffix of ["_count", "_sum", "_bucket"]) {
    if (name.length > suffix.length && name.endsWith(suffix)) return suffix;
  }
  return undefined;
}

/** labelsKey identifies a label set regardless of order (Go's `LabelsToSignature`). */
function labelsKey(labels: readonly LabelPair[]): string {
  const pairs = labels.map((l) => [l.name, l.value]);
  pairs.sort((a, b) => ((a[0] ?? "") < (b[0] ?? "") ? -1 : 1));
  return JSON.stringify(pairs);
}

/** parseInt64 reads `s` as Go's `strconv.ParseInt(s, 10, 64)`: `undefined` where Go errs. */
function parseInt64(s: string): number | undefined {
  const c = s.charCodeAt(0);
  const start = c === 0x2b || c === 0x2d ? 1 : 0; // + -
  if (start === s.length) return undefined;
  for (let i = start; i < s.length; i++) {
    const d = s.charCodeAt(i);
    if (d < 0x30 || d > 0x39) return undefined;
  }
  if (s.length - start > 18) {
    const big = BigInt(s);
    if (big > 0x7fffffffffffffffn || big < -0x8000000000000000n) return undefined;
  }
  const v = Number(s);
  return v === 0 ? 0 : v;
}

/**
 * dropImplicitInfBucket removes a last `+Inf` bucket whose count equals the sample count: client_golang's
 * histograms leave it implicit, and every encoder writes it back from the count. One that differs
 * is kept, so that no count is lost.
 */
function dropImplicitInfBucket(histogram: Histogram): void {
  const last = histogram.bucket[histogram.bucket.length - 1];
  if (last?.upperBound === Infinity && last.cumulativeCount === histogram.sampleCount) histogram.bucket.pop();
}
