/**
 * The case format shared with the Go oracle (conformance/oracle-go/main.go), and the TypeScript
 * side of it: `runOurs` builds the registry a case describes with our library, gathers it and
 * encodes it, and returns an `OracleResult` of the same shape the oracle prints for client_golang.
 *
 * A case is plain data. Numbers are JavaScript numbers (NaN, ±Inf and -0 included) and strings
 * JavaScript strings (lone surrogates included: they stand for Go's invalid UTF-8); `caseToJson`
 * writes them in the oracle's JSON, where NaN, ±Inf and -0 are the strings `"NaN"`, `"+Inf"`,
 * `"-Inf"`, `"-0"`, and a string that is not well-formed UTF-16 is `{"hex": <its WTF-8 bytes>}`,
 * bytes that Go reads as a string that is not valid UTF-8.
 */
import { Buffer } from "node:buffer";
import { encodeDelimited, metricFamiliesToOpenMetrics, metricFamiliesToText } from "../../lib/expfmt/index.js";
import type * as dto from "../../lib/model/index.js";
import * as prom from "../../lib/prometheus/index.js";

/** OracleCase is one registry: collectors registered in order, on a pedantic registry or not. */
export interface OracleCase {
  id?: string;
  pedantic?: boolean;
  collectors: CollectorCase[];
}

/** LiveKind is a kind of collector built from options (Go's `New<Kind>(opts)`). */
export type LiveKind =
  | "counter" | "gauge" | "histogram" | "summary"
  | "counterVec" | "gaugeVec" | "histogramVec" | "summaryVec"
  | "counterFunc" | "gaugeFunc" | "untypedFunc";

/** CollectorCase is one collector: a live metric or vec with operations, const metrics, or a second registration of an earlier one. */
export type CollectorCase =
  | { kind: LiveKind; opts: CaseOpts; labelNames?: string[]; ops?: CaseOp[]; value?: number }
  | { kind: "const"; descs: CaseDesc[]; describe: number[]; metrics: CaseConstMetric[] }
  | { kind: "again"; ref: number };

/** CaseOpts are the options of a live metric; `objectives` are [quantile, error] pairs. */
export interface CaseOpts {
  namespace?: string;
  subsystem?: string;
  name: string;
  help: string;
  constLabels?: Record<string, string>;
  buckets?: number[];
  objectives?: [number, number][];
}

/**
 * CaseOp is one operation: on a vec, on the child `with(labels)` returns when `labels` is set,
 * else the one `withLabelValues(...lv)` returns; or `reset`.
 */
export interface CaseOp {
  op: "inc" | "dec" | "add" | "sub" | "set" | "observe" | "reset";
  v?: number;
  lv?: string[];
  labels?: Record<string, string>;
}

/** CaseDesc are the arguments of `newDesc`. */
export interface CaseDesc {
  fqName: string;
  help: string;
  variableLabels?: string[];
  constLabels?: Record<string, string>;
}

/** CaseExemplar is an exemplar with a fixed timestamp (ms). */
export interface CaseExemplar {
  value: number;
  labels: Record<string, string>;
  timestampMs: number;
}

/** CaseConstMetric is one const metric of the desc at index `desc`, optionally with a timestamp and exemplars. */
export interface CaseConstMetric {
  type: "counter" | "gauge" | "untyped" | "histogram" | "summary";
  desc: number;
  value?: number;
  count?: number;
  sum?: number;
  /** [upper bound, cumulative count] pairs. */
  buckets?: [number, number][];
  /** [quantile, value] pairs. */
  quantiles?: [number, number][];
  lv?: string[];
  timestampMs?: number;
  exemplars?: CaseExemplar[];
}

/** Failure is an error a construction step returned (`panic: false`) or threw (Go: panicked). */
export interface Failure {
  /** The operation (or const metric) index that failed; -1 for the constructor. */
  op: number;
  error: string;
  panic: boolean;
}

/** Gathered is what one gather gave: encodings in base64, errors as their message texts. */
export interface Gathered {
  gatherError: string | null;
  gatherPanic?: string;
  text: string | null;
  textError: string | null;
  om: string | null;
  omError: string | null;
  proto: string | null;
  protoError: string | null;
}

/**
 * OracleResult is what one case gave. The oracle adds `variants` when repeated gathers of the
 * same registry differ (client_golang visits collectors in random map order).
 */
export interface OracleResult extends Gathered {
  id: string;
  construct: (Failure | null)[];
  register: (string | null)[];
  variants?: Gathered[];
}

/**
 * fromOracle reads the oracle's JSON result: each {"hex": ...} text becomes a string, bytes
 * decoded as WTF-8, so that Go's bytes of a lone surrogate become that surrogate again.
 */
export function fromOracle(line: string): OracleResult {
  return JSON.parse(line, (_k, v: unknown) => {
    if (v !== null && typeof v === "object" && !Array.isArray(v) && Object.keys(v).length === 1 && "hex" in v) {
      return wtf8Decode(Buffer.from((v as { hex: string }).hex, "hex"));
    }
    return v;
  }) as OracleResult;
}

/** wtf8Decode decodes UTF-8 that may hold surrogates in their 3-byte forms; other bad bytes become U+FFFD. */
export function wtf8Decode(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i]!;
    const need = b < 0x80 ? 0 : b >= 0xc2 && b < 0xe0 ? 1 : b >= 0xe0 && b < 0xf0 ? 2 : b >= 0xf0 && b < 0xf5 ? 3 : -1;
    let cp = need === 0 ? b : need === 1 ? b & 0x1f : need === 2 ? b & 0x0f : b & 0x07;
    let ok = need >= 0 && i + need < bytes.length;
    for (let k = 1; ok && k <= need; k++) {
      const c = bytes[i + k]!;
      if ((c & 0xc0) !== 0x80) ok = false;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (!ok || cp > 0x10ffff || (need === 2 && cp < 0x800) || (need === 3 && cp < 0x10000)) {
      out += "\ufffd";
      i++;
      continue;
    }
    out += String.fromCodePoint(cp);
    i += need + 1;
  }
  return out;
}

/** OurResult is what one case gave with our library: the shape of an OracleResult. */
export interface OurResult {
  id: string;
  construct: (Failure | null)[];
  register: (string | null)[];
  gatherError: string | null;
  gatherPanic?: string;
  text: string | null;
  textError: string | null;
  om: string | null;
  omError: string | null;
  proto: string | null;
  protoError: string | null;
}

// --- JSON for the oracle ------------------------------------------------------------------------

/** caseToJson writes a case in the oracle's JSON (see the module comment). */
export function caseToJson(c: OracleCase): string {
  return JSON.stringify(c, (_key, v: unknown) => {
    if (typeof v === "number") {
      if (Number.isNaN(v)) return "NaN";
      if (v === Infinity) return "+Inf";
      if (v === -Infinity) return "-Inf";
      if (Object.is(v, -0)) return "-0";
      return v;
    }
    if (typeof v === "string" && !v.isWellFormed()) return { hex: wtf8(v).toString("hex") };
    return v;
  });
}

/** wtf8 encodes a string as UTF-8, lone surrogates as their 3-byte (WTF-8) forms. */
export function wtf8(s: string): Buffer {
  const bytes: number[] = [];
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (cp >= 0xd800 && cp <= 0xdfff) bytes.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
    else bytes.push(...Buffer.from(ch, "utf8"));
  }
  return Buffer.from(bytes);
}

// --- Our side -----------------------------------------------------------------------------------

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** attempt runs a step and turns what it throws or returns into a Failure. */
function attempt(op: number, step: () => prom.PrometheusError | undefined): Failure | null {
  try {
    const err = step();
    return err === undefined ? null : { op, error: err.message, panic: false };
  } catch (err) {
    return { op, error: messageOf(err), panic: true };
  }
}

type Live = prom.Counter | prom.Gauge | prom.Histogram | prom.Summary | prom.CounterVec | prom.GaugeVec | prom.HistogramVec | prom.SummaryVec;

function liveOpts(o: CaseOpts): prom.HistogramOpts & prom.SummaryOpts {
  const opts: prom.HistogramOpts & prom.SummaryOpts = { name: o.name, help: o.help };
  if (o.namespace !== undefined) opts.namespace = o.namespace;
  if (o.subsystem !== undefined) opts.subsystem = o.subsystem;
  if (o.constLabels !== undefined) opts.constLabels = o.constLabels;
  if (o.buckets !== undefined) opts.buckets = o.buckets;
  if (o.objectives !== undefined) opts.objectives = new Map(o.objectives);
  return opts;
}

function construct(c: Extract<CollectorCase, { kind: LiveKind }>): prom.Collector {
  const o = liveOpts(c.opts);
  const names = c.labelNames ?? [];
  const v = c.value ?? 0;
  switch (c.kind) {
    case "counter": return prom.newCounter(o);
    case "gauge": return prom.newGauge(o);
    case "histogram": return prom.newHistogram(o);
    case "summary": return prom.newSummary(o);
    case "counterVec": return prom.newCounterVec(o, names);
    case "gaugeVec": return prom.newGaugeVec(o, names);
    case "histogramVec": return prom.newHistogramVec(o, names);
    case "summaryVec": return prom.newSummaryVec(o, names);
    case "counterFunc": return prom.newCounterFunc(o, () => v);
    case "gaugeFunc": return prom.newGaugeFunc(o, () => v);
    case "untypedFunc": return prom.newUntypedFunc(o, () => v);
  }
}

function apply(kind: LiveKind, col: Live, step: CaseOp): void {
  const v = step.v ?? 0;
  const lv = step.lv ?? [];
  if (step.op === "reset" && kind.endsWith("Vec")) {
    (col as prom.CounterVec).reset();
    return;
  }
  const vec = col as prom.GaugeVec;
  const target: unknown = !kind.endsWith("Vec") ? col : step.labels !== undefined ? vec.with(step.labels) : vec.withLabelValues(...lv);
  const base = kind.replace(/Vec$/, "");
  if (base === "counter") {
    const counter = target as prom.Counter;
    if (step.op === "inc") return counter.inc();
    if (step.op === "add") return counter.add(v);
  } else if (base === "gauge") {
    const gauge = target as prom.Gauge;
    switch (step.op) {
      case "set": return gauge.set(v);
      case "inc": return gauge.inc();
      case "dec": return gauge.dec();
      case "add": return gauge.add(v);
      case "sub": return gauge.sub(v);
      default: break;
    }
  } else if (base === "histogram" || base === "summary") {
    return (target as prom.Histogram).observe(v);
  }
  throw new Error(`oracle case: no op ${step.op} on a ${kind}`);
}

function constMetric(descs: prom.Desc[], cm: CaseConstMetric): prom.Result<prom.Metric> {
  const d = descs[cm.desc]!;
  const lv = cm.lv ?? [];
  let made: prom.Result<prom.Metric>;
  switch (cm.type) {
    case "counter": made = prom.newConstMetric(d, prom.CounterValue, cm.value ?? 0, ...lv); break;
    case "gauge": made = prom.newConstMetric(d, prom.GaugeValue, cm.value ?? 0, ...lv); break;
    case "untyped": made = prom.newConstMetric(d, prom.UntypedValue, cm.value ?? 0, ...lv); break;
    case "histogram": made = prom.newConstHistogram(d, cm.count ?? 0, cm.sum ?? 0, new Map(cm.buckets ?? []), ...lv); break;
    case "summary": made = prom.newConstSummary(d, cm.count ?? 0, cm.sum ?? 0, new Map(cm.quantiles ?? []), ...lv); break;
  }
  if (made[1] !== undefined) return made;
  let m = made[0];
  if (cm.timestampMs !== undefined) m = prom.newMetricWithTimestamp(cm.timestampMs, m);
  if (cm.exemplars !== undefined) {
    return prom.newMetricWithExemplars(m, ...cm.exemplars.map((e) => ({ value: e.value, labels: e.labels, timestamp: e.timestampMs })));
  }
  return [m, undefined];
}

function buildConst(c: Extract<CollectorCase, { kind: "const" }>): [prom.Collector, Failure | null] {
  const descs = c.descs.map((d) => prom.newDesc(d.fqName, d.help, d.variableLabels ?? null, d.constLabels ?? null));
  const described = c.describe.map((i) => descs[i]!);
  const metrics: prom.Metric[] = [];
  const collector: prom.Collector = {
    describe(ch) {
      for (const d of described) ch.send(d);
    },
    collect(ch) {
      for (const m of metrics) ch.send(m);
    },
  };
  for (const [i, cm] of c.metrics.entries()) {
    let made: prom.Metric | undefined;
    const fail = attempt(i, () => {
      const [m, err] = constMetric(descs, cm);
      made = m;
      return err;
    });
    if (fail !== null) return [collector, fail];
    metrics.push(made!);
  }
  return [collector, null];
}

/** runOurs builds, registers, gathers and encodes a case with our library. */
export async function runOurs(c: OracleCase): Promise<OurResult> {
  const reg = c.pedantic ? prom.newPedanticRegistry() : prom.newRegistry();
  const built: (prom.Collector | undefined)[] = [];
  const res: OurResult = {
    id: c.id ?? "", construct: [], register: [], gatherError: null,
    text: null, textError: null, om: null, omError: null, proto: null, protoError: null,
  };
  for (const cc of c.collectors) {
    let col: prom.Collector | undefined;
    let fail: Failure | null = null;
    if (cc.kind === "again") {
      col = built[cc.ref];
      // The oracle's own error for a second registration of a collector never made.
      if (col === undefined) fail = { op: -1, error: `oracle: bad ref ${cc.ref}`, panic: false };
    } else if (cc.kind === "const") {
      [col, fail] = buildConst(cc);
    } else {
      fail = attempt(-1, () => void (col = construct(cc)));
      for (const [i, step] of (fail === null ? cc.ops ?? [] : []).entries()) {
        fail = attempt(i, () => void apply(cc.kind, col as Live, step));
        if (fail !== null) break;
      }
    }
    built.push(col);
    res.construct.push(fail);
    res.register.push(col === undefined ? null : reg.register(col)?.message ?? null);
  }
  let families: dto.MetricFamily[] = [];
  try {
    families = await reg.gather();
  } catch (err) {
    if (err instanceof prom.GatherError) {
      res.gatherError = err.message;
      families = err.families;
    } else {
      res.gatherPanic = messageOf(err);
    }
  }
  encodeInto(res, "text", () => Buffer.from(metricFamiliesToText(families), "utf8"));
  encodeInto(res, "om", () => Buffer.from(metricFamiliesToOpenMetrics(families, { version: "0.0.1" }), "utf8"));
  // client_golang 1.14 has no created timestamps; ours (from later releases) are left out.
  encodeInto(res, "proto", () => Buffer.from(encodeDelimited(withoutCreated(families))));
  return res;
}

function encodeInto(res: OurResult, format: "text" | "om" | "proto", encode: () => Buffer): void {
  try {
    res[format] = encode().toString("base64");
  } catch (err) {
    res[`${format}Error`] = messageOf(err);
  }
}

/** withoutCreated copies families without their created timestamps (docs/conformance.md, "Known differences"). */
export function withoutCreated(families: readonly dto.MetricFamily[]): dto.MetricFamily[] {
  const strip = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(strip);
    if (v === null || typeof v !== "object") return v;
    return Object.fromEntries(Object.entries(v).filter(([k]) => k !== "createdTimestampMs").map(([k, x]) => [k, strip(x)]));
  };
  return strip(families) as dto.MetricFamily[];
}
