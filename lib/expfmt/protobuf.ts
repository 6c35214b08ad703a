/**
 * The protobuf exposition format: varint-length-delimited `io.prometheus.client.MetricFamily`
 * messages, one per family, as Prometheus reads them when it scrapes native histograms.
 *
 * Counterparts: prometheus/common's expfmt/encode.go (`NewEncoder` with `FmtProtoDelim`, which
 * calls `pbutil.WriteDelimited`), and the messages of client_model's metrics.proto, with the
 * fields later releases added (`MetricFamily.unit` = 5, `created_timestamp` = 3 in `Counter`,
 * 4 in `Summary`, 15 in `Histogram`). The writer is our own (protowire.ts); no protobuf library.
 *
 * What is written follows Go's generated code for this proto2 file, so the bytes are those
 * client_golang writes for the same data:
 * - fields in field-number order (so a metric's `timestamp_ms` = 6 precedes `histogram` = 7);
 * - an optional field exactly when the model defines it (Go's non-nil pointer), even when it is
 *   zero: `help`, `schema`, `zero_threshold`, `zero_count`, `timestamp_ms`, exemplar timestamps;
 *   `name`, `type`, values, counts, sums and bucket bounds always;
 * - repeated numbers (`negative_delta`, `positive_delta`) unpacked, one tag per element, since
 *   metrics.proto is proto2 without `[packed = true]` (readers accept both forms);
 * - `google.protobuf.Timestamp` (exemplar and created timestamps) is proto3: its `seconds` = 1
 *   and `nanos` = 2 are left out when zero.
 *
 * Not written, because the model has no field for them: float histograms (`sample_count_float`,
 * `zero_count_float`, `negative_count`, `positive_count`, `cumulative_count_float`) and native
 * histogram exemplars (`Histogram.exemplars` = 16).
 *
 * @module
 */

import type * as dto from "../model/index.js";
import { formatFloat } from "./float.js";
import { ProtoWriter, WireType } from "./protowire.js";
import { asMetricFamily } from "./rows.js";
import { DefaultChunkSize, EncodeError } from "./text.js";

/** ProtobufOptions tune the protobuf encoder. */
export interface ProtobufOptions {
  /** The size in bytes above which a chunk is handed out; `DefaultChunkSize` if unset. */
  chunkSize?: number;
}

/**
 * protobufChunks yields the delimited protobuf encoding of `families` in chunks of roughly
 * `chunkSize` bytes; a chunk always holds whole families.
 * @throws {EncodeError} for a count, span length or timestamp that its protobuf type cannot hold
 * (a negative or fractional uint64, a schema or offset beyond int32, a NaN timestamp).
 *
 * @example
 * ```ts
 * const families = [{ name: "up", type: "gauge", metric: [{ label: [], gauge: { value: 1 } }] }];
 * Buffer.concat([...protobufChunks(families)]).toString("hex");
 * // "130a0275701801220b120909000000000000f03f"
 * ```
 */
export function* protobufChunks(
  families: Iterable<dto.GatheredFamily>,
  options: ProtobufOptions = {},
): Generator<Uint8Array, void, undefined> {
  const chunkSize = options.chunkSize ?? DefaultChunkSize;
  const w = new ProtoWriter(Math.min(chunkSize * 2, 64 * 1024));
  for (const family of families) {
    const mark = w.beginLength();
    writeFamily(w, asMetricFamily(family));
    w.endLength(mark);
    if (w.length >= chunkSize) yield w.take();
  }
  if (w.length > 0) yield w.take();
}

/** encodeDelimited returns the delimited protobuf encoding of `families` as one byte array. */
export function encodeDelimited(families: Iterable<dto.GatheredFamily>): Uint8Array {
  const chunks = [...protobufChunks(families, { chunkSize: Infinity })];
  return chunks[0] ?? new Uint8Array(0);
}

/** The `MetricType` enum of metrics.proto. */
const metricTypeNumber: Record<dto.MetricType, number> = {
  counter: 0,
  gauge: 1,
  summary: 2,
  untyped: 3,
  histogram: 4,
  gaugehistogram: 5,
};

function writeFamily(w: ProtoWriter, family: dto.MetricFamily): void {
  // A family without a type leaves the field out, as Go does for a nil Type (read back: counter).
  const type = family.type === undefined ? undefined : metricTypeNumber[family.type];
  if (type === undefined && family.type !== undefined) {
    throw new EncodeError(`unknown metric type ${String(family.type)}`);
  }
  const name = family.name;
  w.tag(1, WireType.len);
  w.string(name);
  if (family.help !== undefined) {
    w.tag(2, WireType.len);
    w.string(family.help);
  }
  if (type !== undefined) {
    w.tag(3, WireType.varint);
    w.uint(type);
  }
  for (const m of family.metric) message(w, 4, () => writeMetric(w, m, name));
  if (family.unit !== undefined && family.unit !== "") {
    w.tag(5, WireType.len);
    w.string(family.unit);
  }
}

function writeMetric(w: ProtoWriter, m: dto.Metric, name: string): void {
  const { gauge, counter, summary, untyped, histogram, timestampMs } = m;
  for (const lp of m.label) message(w, 1, () => writeLabelPair(w, lp));
  if (gauge !== undefined) message(w, 2, () => double(w, 1, gauge.value));
  if (counter !== undefined) message(w, 3, () => writeCounter(w, counter, name));
  if (summary !== undefined) message(w, 4, () => writeSummary(w, summary, name));
  if (untyped !== undefined) message(w, 5, () => double(w, 1, untyped.value));
  if (timestampMs !== undefined) {
    w.tag(6, WireType.varint);
    w.int(int64(Math.trunc(timestampMs), "timestamp_ms", name));
  }
  if (histogram !== undefined) message(w, 7, () => writeHistogram(w, histogram, name));
}

function writeLabelPair(w: ProtoWriter, lp: dto.LabelPair): void {
  w.tag(1, WireType.len);
  w.string(lp.name);
  w.tag(2, WireType.len);
  w.string(lp.value);
}

function writeCounter(w: ProtoWriter, counter: dto.Counter, name: string): void {
  const { exemplar } = counter;
  double(w, 1, counter.value);
  if (exemplar !== undefined) message(w, 2, () => writeExemplar(w, exemplar, name));
  if (counter.createdTimestampMs !== undefined) timestamp(w, 3, counter.createdTimestampMs, name);
}

function writeSummary(w: ProtoWriter, summary: dto.Summary, name: string): void {
  uint64(w, 1, summary.sampleCount, "sample_count", name);
  double(w, 2, summary.sampleSum);
  for (const q of summary.quantile) {
    message(w, 3, () => {
      double(w, 1, q.quantile);
      double(w, 2, q.value);
    });
  }
  if (summary.createdTimestampMs !== undefined) timestamp(w, 4, summary.createdTimestampMs, name);
}

function writeHistogram(w: ProtoWriter, h: dto.Histogram, name: string): void {
  uint64(w, 1, h.sampleCount, "sample_count", name);
  double(w, 2, h.sampleSum);
  for (const b of h.bucket) message(w, 3, () => writeBucket(w, b, name));
  if (h.schema !== undefined) {
    w.tag(5, WireType.varint);
    w.sint(int32(h.schema, "schema", name));
  }
  if (h.zeroThreshold !== undefined) double(w, 6, h.zeroThreshold);
  if (h.zeroCount !== undefined) uint64(w, 7, h.zeroCount, "zero_count", name);
  writeBuckets(w, 9, 10, h.negativeSpan, h.negativeDelta, name);
  writeBuckets(w, 12, 13, h.positiveSpan, h.positiveDelta, name);
  if (h.createdTimestampMs !== undefined) timestamp(w, 15, h.createdTimestampMs, name);
}

function writeBucket(w: ProtoWriter, b: dto.Bucket, name: string): void {
  const { exemplar } = b;
  uint64(w, 1, b.cumulativeCount, "cumulative_count", name);
  double(w, 2, b.upperBound);
  if (exemplar !== undefined) message(w, 3, () => writeExemplar(w, exemplar, name));
}

/** writeBuckets writes the spans, then the deltas (sint64, unpacked), of one side of a native histogram. */
function writeBuckets(
  w: ProtoWriter,
  spanField: number,
  deltaField: number,
  spans: readonly dto.BucketSpan[] | undefined,
  deltas: readonly number[] | undefined,
  name: string,
): void {
  for (const span of spans ?? []) {
    message(w, spanField, () => {
      w.tag(1, WireType.varint);
      w.sint(int32(span.offset, "span offset", name));
      w.tag(2, WireType.varint);
      w.uint(uint32(span.length, "span length", name));
    });
  }
  for (const delta of deltas ?? []) {
    w.tag(deltaField, WireType.varint);
    w.sint(int64(delta, "bucket delta", name));
  }
}

function writeExemplar(w: ProtoWriter, e: dto.Exemplar, name: string): void {
  for (const lp of e.label) message(w, 1, () => writeLabelPair(w, lp));
  double(w, 2, e.value);
  if (e.timestampMs !== undefined) timestamp(w, 3, e.timestampMs, name);
}

/**
 * timestamp writes a `google.protobuf.Timestamp` from ms since the epoch: whole seconds (floored,
 * so the nanos are never negative) and the remaining nanoseconds, each only when not zero.
 */
function timestamp(w: ProtoWriter, field: number, ms: number, name: string): void {
  if (!Number.isFinite(ms)) {
    throw new EncodeError(`timestamp ${formatFloat(ms)} is not a number of ms in metric ${name}`);
  }
  let seconds = Math.floor(ms / 1000);
  let nanos = Math.round((ms - seconds * 1000) * 1e6);
  if (nanos >= 1e9) {
    seconds++;
    nanos -= 1e9;
  }
  message(w, field, () => {
    if (seconds !== 0) {
      w.tag(1, WireType.varint);
      w.int(int64(seconds, "timestamp seconds", name));
    }
    if (nanos !== 0) {
      w.tag(2, WireType.varint);
      w.uint(nanos);
    }
  });
}

/** message writes a nested message: its tag, then `body`'s fields behind their byte length. */
function message(w: ProtoWriter, field: number, body: () => void): void {
  w.tag(field, WireType.len);
  const mark = w.beginLength();
  body();
  w.endLength(mark);
}

function double(w: ProtoWriter, field: number, v: number): void {
  w.tag(field, WireType.i64);
  w.double(v);
}

function uint64(w: ProtoWriter, field: number, v: number, what: string, name: string): void {
  if (!(Number.isInteger(v) && v >= 0 && v < 2 ** 64)) {
    throw new EncodeError(`${what} ${formatFloat(v)} is not a uint64 in metric ${name}`);
  }
  w.tag(field, WireType.varint);
  w.uint(v);
}

function int64(v: number, what: string, name: string): number {
  if (Number.isInteger(v) && v >= -(2 ** 63) && v < 2 ** 63) return v;
  throw new EncodeError(`${what} ${formatFloat(v)} is not an int64 in metric ${name}`);
}

function int32(v: number, what: string, name: string): number {
  if (Number.isInteger(v) && v >= -(2 ** 31) && v < 2 ** 31) return v;
  throw new EncodeError(`${what} ${formatFloat(v)} is not an int32 in metric ${name}`);
}

function uint32(v: number, what: string, name: string): number {
  if (Number.isInteger(v) && v >= 0 && v < 2 ** 32) return v;
  throw new EncodeError(`${what} ${formatFloat(v)} is not a uint32 in metric ${name}`);
}
