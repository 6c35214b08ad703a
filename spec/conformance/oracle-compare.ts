/**
 * The comparison of the differential fuzzer: our OracleResult against client_golang's, field by
 * field, after the few normalizations docs/conformance.md lists under "Known differences" (each
 * is named here, where it is applied).
 */
import { Buffer } from "node:buffer";
import type { Failure, Gathered, OracleResult, OurResult } from "./oracle-case.js";

/**
 * goText turns a Go error text into the form ours takes where the two languages' strings
 * differ: Go quotes a string that is not valid UTF-8 with `\x` escapes of its bytes, and a
 * lone surrogate (the JavaScript stand-in for such bytes, sent to Go as its 3-byte WTF-8 form)
 * comes back as `\xed\xa0\x80`; we quote the lone surrogate itself, `\ud800`.
 */
export function goText(s: string): string {
  return protoSpaces(unicodeVersion(s)).replace(/\\xed\\x([ab][0-9a-f])\\x([89ab][0-9a-f])/g, (_m, b2: string, b3: string) => {
    const cp = 0xd000 | ((parseInt(b2, 16) & 0x3f) << 6) | (parseInt(b3, 16) & 0x3f);
    return `\\u${cp.toString(16)}`;
  });
}

/**
 * quotedDifferently holds the code points that Go 1.19's `strconv.IsPrint` (Unicode 13) and
 * JavaScript's `\p{L}\p{M}\p{N}\p{P}\p{S}` (Node's newer Unicode) judge differently: those
 * assigned since. Set by {@link setGoPrintable}.
 */
let quotedDifferently = new Set<number>();

const jsPrintable = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;

/** setGoPrintable takes Go's table of printable code points and returns how many JavaScript judges differently. */
export function setGoPrintable(ranges: readonly [number, number][]): number {
  const go = new Uint8Array(0x110000);
  for (const [lo, hi] of ranges) go.fill(1, lo, hi + 1);
  quotedDifferently = new Set();
  for (let cp = 0x80; cp < 0x110000; cp++) {
    if (cp >= 0xd800 && cp <= 0xdfff) continue;
    if ((go[cp] === 1) !== jsPrintable.test(String.fromCodePoint(cp))) quotedDifferently.add(cp);
  }
  return quotedDifferently.size;
}

/** unicodeVersion writes Go's `\uXXXX` / `\UXXXXXXXX` escape of a code point quoted differently (see above) as the character. */
function unicodeVersion(s: string): string {
  if (quotedDifferently.size === 0) return s;
  return s.replace(/\\u([0-9a-f]{4})|\\U([0-9a-f]{8})/g, (m, u: string | undefined, U: string | undefined) => {
    const cp = parseInt(u ?? U!, 16);
    return quotedDifferently.has(cp) ? String.fromCodePoint(cp) : m;
  });
}

/**
 * sortErrors sorts the items of a gather error that lists several (`N error(s) occurred:` then
 * `* ...` lines). Go collects a vec's children from a map, in random order, and so lists their
 * errors in random order; the items themselves are compared exactly.
 */
export function sortErrors(message: string): string {
  const [head, ...items] = message.split("\n* ");
  if (!/^\d+ error\(s\) occurred:$/.test(head!)) return message;
  return [head, ...items.sort()].join("\n* ");
}

/**
 * protoSpaces undoes a deliberate instability of Go's protobuf library: in its errors
 * (`proto: timestamp (seconds:... nanos:...) before 0001-01-01`) the prefix ends in a space or a
 * no-break space, and the text form of a message puts one or two spaces between fields, chosen
 * per binary, so that nobody relies on them.
 */
function protoSpaces(s: string): string {
  return s.replace(/proto:[ \u00a0]timestamp \([^)]*\)/g, (m) => `proto: ${m.slice(7).replace(/ {2,}/g, " ")}`);
}

/**
 * goOpenMetrics drops, from Go's OpenMetrics, the exemplars without labels: common 0.39 writes
 * them as ` #  1.0 0.0`, which no parser reads; our encoder leaves them out, as later common
 * releases do (lib/expfmt/openmetrics.ts).
 */
export function goOpenMetrics(text: string): string {
  return text.replace(/ # {2}[-+.0-9a-zA-Z]+(?: [-+.0-9a-zA-Z]+)?$/gm, "");
}

/**
 * canonicalNaNs rewrites every NaN double of a protobuf message as Go's `math.NaN()` bits, which
 * is how we write every NaN: a JavaScript NaN has no dependable sign or payload, while Go writes
 * whatever NaN its arithmetic made (`-x` of a NaN sets the sign bit). A NaN is 8 bytes after a
 * fixed64 tag (wire type 1); no UTF-8 string holds its last two bytes ([f0-ff] then 7f or ff).
 * The scan does not parse the message, so it is applied to both sides alike.
 */
export function canonicalNaNs(bytes: Buffer): Buffer {
  const out = Buffer.from(bytes);
  for (let i = 1; i + 8 <= out.length; i++) {
    if ((out[i - 1]! & 7) !== 1) continue;
    const v = out.readDoubleLE(i);
    if (Number.isNaN(v) && (out[i + 7]! & 0x7f) === 0x7f && out[i + 6]! >= 0xf0) {
      out.writeBigUInt64LE(0x7ff8000000000001n, i);
      i += 7;
    }
  }
  return out;
}

/**
 * eagerVecCheck says whether a construction failed as it does for a HistogramVec whose buckets
 * or labels are bad, or a SummaryVec with a `quantile` const label: we throw when the vec is
 * made (op -1); Go panics with the same message
 * when its first child is made (or fails for a bad label value count before that), or never if
 * there is none, and has registered the vec, which gathers nothing. Its registration is then not
 * compared; the generator never reuses such a vec's name or registers it again.
 */
function eagerVecCheck(ours: Failure | null, go: Failure | null): boolean {
  if (ours === null || ours.op !== -1 || !ours.panic || !lazyInGo.test(ours.error)) return false;
  // Go made the vec; its first child, if any, failed (on these checks or an earlier one).
  return go === null || (go.op >= 0 && go.panic);
}

/** lazyInGo matches what Go's HistogramVec checks only when a child is made. */
const lazyInGo = /^(histogram buckets must be in increasing order: |"le" is not allowed as label name in histograms$|"quantile" is not allowed as label name in summaries$)/;

function failureText(f: Failure | null, side: "ours" | "go"): string {
  if (f === null) return "ok";
  return `op ${f.op} ${f.panic ? "panicked" : "returned"}: ${side === "go" ? goText(f.error) : f.error}`;
}

function decoded(b64: string | null, binary: boolean): string {
  if (b64 === null) return "(none)";
  const bytes = Buffer.from(b64, "base64");
  return binary ? bytes.toString("hex") : JSON.stringify(bytes.toString("utf8"));
}

/**
 * compareResults returns undefined when ours and Go's agree, else a description of the
 * differences. When Go's repeated gathers gave several outcomes, ours must equal one of them.
 */
export function compareResults(ours: OurResult, go: OracleResult): string | undefined {
  const diffs: string[] = [];
  const same = (what: string, a: string, b: string): void => {
    if (a !== b) diffs.push(`${what}:\n    ours: ${a}\n    go:   ${b}`);
  };
  const n = Math.max(ours.construct.length, go.construct.length);
  for (let i = 0; i < n; i++) {
    const [o, g] = [ours.construct[i] ?? null, go.construct[i] ?? null];
    if (eagerVecCheck(o, g)) continue;
    same(`collector ${i} construction`, failureText(o, "ours"), failureText(g, "go"));
    same(`collector ${i} registration`, ours.register[i] ?? "ok", goText(go.register[i] ?? "ok"));
  }
  let gatherDiffs: string[] = [];
  for (const variant of go.variants ?? [go]) {
    gatherDiffs = compareGathered(ours, variant);
    if (gatherDiffs.length === 0) break;
  }
  if (gatherDiffs.length > 0 && (go.variants?.length ?? 0) > 1) gatherDiffs.unshift(`(none of Go's ${go.variants!.length} outcomes; the first shown)`);
  diffs.push(...gatherDiffs);
  return diffs.length === 0 ? undefined : diffs.join("\n  ");
}

function compareGathered(ours: Gathered, go: Gathered): string[] {
  const diffs: string[] = [];
  const same = (what: string, a: string, b: string): void => {
    if (a !== b) diffs.push(`${what}:\n    ours: ${a}\n    go:   ${b}`);
  };
  same("gather error", sortErrors(ours.gatherError ?? "none"), sortErrors(goText(go.gatherError ?? "none")));
  same("gather panic", ours.gatherPanic ?? "none", go.gatherPanic ?? "none");
  const goProto = go.proto === null ? null : canonicalNaNs(Buffer.from(go.proto, "base64")).toString("base64");
  const goOM = go.om === null ? null : Buffer.from(goOpenMetrics(Buffer.from(go.om, "base64").toString("utf8")), "utf8").toString("base64");
  const theirs = { ...go, om: goOM, proto: goProto };
  // Both sides, so that a window misread as a NaN is rewritten alike.
  ours = { ...ours, proto: ours.proto === null ? null : canonicalNaNs(Buffer.from(ours.proto, "base64")).toString("base64") };
  for (const format of ["text", "om", "proto"] as const) {
    same(`${format} error`, ours[`${format}Error`] ?? "none", goText(theirs[`${format}Error`] ?? "none"));
    if (ours[format] !== theirs[format]) {
      if (format === "proto" || ours[format] === null || theirs[format] === null) {
        same(format, decoded(ours[format], format === "proto"), decoded(theirs[format], format === "proto"));
      } else {
        const [a, b] = [decoded(ours[format], false), decoded(theirs[format], false)].map((t) => (JSON.parse(t) as string).split("\n"));
        const i = a!.findIndex((line, k) => line !== b![k]);
        const at = i === -1 ? a!.length : i;
        same(`${format}, line ${at + 1}`, JSON.stringify(a![at] ?? "(end)"), JSON.stringify(b![at] ?? "(end)"));
      }
    }
  }
  return diffs;
}
