/**
 * Reading one `MetricFamily` message of client_model's metrics.proto from protobuf wire bytes:
 * the reverse of protobuf.ts, for the protobuf decoder of decode.ts.
 *
 * Counterpart: what Go's generated code and `proto.Unmarshal` do for metrics.proto (proto2). The
 * wire format: a message is a run of fields, each a varint tag `number << 3 | wireType` and a
 * payload: a varint (type 0), 8 bytes (type 1), a varint length and that many bytes (type 2), or
 * 4 bytes (type 5). Fields this reader does not know are skipped, as proto2 keeps them unseen;
 * a field missing from the bytes keeps proto2's default (0, empty). Strings are read as bytes and
 * decoded with each invalid byte kept as a mark (utf8.ts), so the decoder can check label values
 * where Go does; in a help text an invalid byte becomes U+FFFD.
 *
 * @module
 */

import type * as dto from "../model/index.js";
import { decodeUTF8Escaped } from "./utf8.js";

/** ProtoDecodeError reports bytes that are not a valid protobuf message. */
export class ProtoDecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ProtoDecodeError";
  }
}

/** The `MetricType` enum of metrics.proto, by number. */
const metricTypes: readonly dto.MetricType[] = ["counter", "gauge", "summary", "untyped", "histogram", "gaugehistogram"];

/**
 * readMetricFamily reads one `MetricFamily` message (without its length prefix). A type number
 * that metrics.proto does not define reads as Go's getter returns it: `counter`, the default.
 * @throws {ProtoDecodeError} for bytes that are not a valid message.
 */
export function readMetricFamily(bytes: Uint8Array): dto.MetricFamily {
  const family: dto.MetricFamily = { name: "", type: "counter", metric: [] };
  new ProtoReader(bytes).fields((r, field) => {
    if (field === 1) family.name = r.string();
    else if (field === 2) family.help = r.string().replace(/[\udc80-\udcff]/g, "\ufffd");
    else if (field === 3) family.type = metricTypes[r.uint()] ?? "counter";
    else if (field === 4) family.metric.push(r.message(readMetric));
    else if (field === 5) family.unit = r.string();
    else return false;
    return true;
  });
  return family;
}

function readMetric(r: ProtoReader): dto.Metric {
  const label: dto.LabelPair[] = [];
  const m: dto.Metric = { label };
  r.fields((r, field) => {
    if (field === 1) label.push(r.message(readLabelPair));
    else if (field === 2) m.gauge = { value: r.message(readValue) };
    else if (field === 3) m.counter = r.message(readCounter);
    else if (field === 4) m.summary = r.message(readSummary);
    else if (field === 5) m.untyped = { value: r.message(readValue) };
    else if (field === 6) m.timestampMs = r.int64();
    else if (field === 7) m.histogram = r.message(readHistogram);
    else return false;
    return true;
  });
  return m;
}

function readLabelPair(r: ProtoReader): dto.LabelPair {
  const lp = { name: "", value: "" };
  r.fields((r, field) => {
    if (field === 1) lp.name = r.string();
    else if (field === 2) lp.value = r.string();
    else return false;
    return true;
  });
  return lp;
}

/** readValue reads a `Gauge` or `Untyped`: field 1, the value. */
function readValue(r: ProtoReader): number {
  let value = 0;
  r.fields((r, field) => {
    if (field !== 1) return false;
    value = r.double();
    return true;
  });
  return value;
}

function readCounter(r: ProtoReader): dto.Counter {
  const c: dto.Counter = { value: 0 };
  r.fields((r, field) => {
    if (field === 1) c.value = r.double();
    else if (field === 2) c.exemplar = r.message(readExemplar);
    else if (field === 3) c.createdTimestampMs = r.message(readTimestamp);
    else return false;
    return true;
  });
  return c;
}

function readSummary(r: ProtoReader): dto.Summary {
  const s: dto.Summary = { sampleCount: 0, sampleSum: 0, quantile: [] };
  r.fields((r, field) => {
    if (field === 1) s.sampleCount = r.uint();
    else if (field === 2) s.sampleSum = r.double();
    else if (field === 3) s.quantile.push(r.message(readQuantile));
    else if (field === 4) s.createdTimestampMs = r.message(readTimestamp);
    else return false;
    return true;
  });
  return s;
}

function readQuantile(r: ProtoReader): dto.Quantile {
  const q = { quantile: 0, value: 0 };
  r.fields((r, field) => {
    if (field === 1) q.quantile = r.double();
    else if (field === 2) q.value = r.double();
    else return false;
    return true;
  });
  return q;
}

function readHistogram(r: ProtoReader): dto.Histogram {
  const h: dto.Histogram = { sampleCount: 0, sampleSum: 0, bucket: [] };
  r.fields((r, field, wire) => {
    if (field === 1) h.sampleCount = r.uint();
    else if (field === 2) h.sampleSum = r.double();
    else if (field === 3) h.bucket.push(r.message(readBucket));
    else if (field === 5) h.schema = r.sint();
    else if (field === 6) h.zeroThreshold = r.double();
    else if (field === 7) h.zeroCount = r.uint();
    else if (field === 9) (h.negativeSpan ??= []).push(r.message(readSpan));
    else if (field === 10) h.negativeDelta = [...(h.negativeDelta ?? []), ...r.repeatedSint(wire)];
    else if (field === 12) (h.positiveSpan ??= []).push(r.message(readSpan));
    else if (field === 13) h.positiveDelta = [...(h.positiveDelta ?? []), ...r.repeatedSint(wire)];
    else if (field === 15) h.createdTimestampMs = r.message(readTimestamp);
    else return false;
    return true;
  });
  return h;
}

function readBucket(r: ProtoReader): dto.Bucket {
  const b: dto.Bucket = { cumulativeCount: 0, upperBound: 0 };
  r.fields((r, field) => {
    if (field === 1) b.cumulativeCount = r.uint();
    else if (field === 2) b.upperBound = r.double();
    else if (field === 3) b.exemplar = r.message(readExemplar);
    else return false;
    return true;
  });
  return b;
}

function readSpan(r: ProtoReader): dto.BucketSpan {
  const span = { offset: 0, length: 0 };
  r.fields((r, field) => {
    if (field === 1) span.offset = r.sint();
    else if (field === 2) span.length = r.uint();
    else return false;
    return true;
  });
  return span;
}

function readExemplar(r: ProtoReader): dto.Exemplar {
  const label: dto.LabelPair[] = [];
  const e: dto.Exemplar = { label, value: 0 };
  r.fields((r, field) => {
    if (field === 1) label.push(r.message(readLabelPair));
    else if (field === 2) e.value = r.double();
    else if (field === 3) e.timestampMs = r.message(readTimestamp);
    else return false;
    return true;
  });
  return e;
}

/** readTimestamp reads a `google.protobuf.Timestamp` as ms since the epoch. */
function readTimestamp(r: ProtoReader): number {
  let seconds = 0;
  let nanos = 0;
  r.fields((r, field) => {
    if (field === 1) seconds = r.int64();
    else if (field === 2) nanos = r.int64();
    else return false;
    return true;
  });
  return seconds * 1000 + Math.floor(nanos / 1e6);
}

/** A field handler reads the payload of a field it knows and returns true, or returns false. */
type FieldHandler = (r: ProtoReader, field: number, wire: number) => boolean;

/** ProtoReader reads the fields of one message from its bytes. */
class ProtoReader {
  readonly #bytes: Uint8Array;
  readonly #view: DataView;
  #pos = 0;

  constructor(bytes: Uint8Array) {
    this.#bytes = bytes;
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** fields calls `handle` for each field, skipping those it does not take. */
  fields(handle: FieldHandler): void {
    while (this.#pos < this.#bytes.length) {
      const tag = this.uint();
      const field = Math.floor(tag / 8);
      const wire = tag % 8;
      if (field === 0) throw invalid();
      if (!handle(this, field, wire)) this.#skip(wire);
    }
  }

  /** message reads a length-delimited sub-message with `read`. */
  message<T>(read: (r: ProtoReader) => T): T {
    return read(new ProtoReader(this.#take(this.uint())));
  }

  string(): string {
    return decodeUTF8Escaped(this.#take(this.uint()));
  }

  double(): number {
    if (this.#pos + 8 > this.#bytes.length) throw invalid();
    const v = this.#view.getFloat64(this.#pos, true);
    this.#pos += 8;
    return v;
  }

  /** uint reads a varint as an unsigned number (exact below 2^53). */
  uint(): number {
    return Number(this.#varint());
  }

  /** int64 reads a varint as a two's complement signed 64-bit number. */
  int64(): number {
    return Number(BigInt.asIntN(64, this.#varint()));
  }

  /** sint reads a zigzag-encoded varint (sint32, sint64). */
  sint(): number {
    const v = this.#varint();
    return Number(v & 1n ? -(v >> 1n) - 1n : v >> 1n);
  }

  /** repeatedSint reads a repeated sint64 field, packed (wire type 2) or not. */
  repeatedSint(wire: number): number[] {
    if (wire !== 2) return [this.sint()];
    const inner = new ProtoReader(this.#take(this.uint()));
    const values: number[] = [];
    while (inner.#pos < inner.#bytes.length) values.push(inner.sint());
    return values;
  }

  #varint(): bigint {
    let result = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      if (this.#pos >= this.#bytes.length) throw invalid();
      const b = this.#bytes[this.#pos++]!;
      result |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return BigInt.asUintN(64, result);
    }
    throw invalid();
  }

  #take(n: number): Uint8Array {
    if (this.#pos + n > this.#bytes.length) throw invalid();
    const out = this.#bytes.subarray(this.#pos, this.#pos + n);
    this.#pos += n;
    return out;
  }

  #skip(wire: number): void {
    if (wire === 0) this.#varint();
    else if (wire === 1) this.#take(8);
    else if (wire === 2) this.#take(this.uint());
    else if (wire === 5) this.#take(4);
    else throw invalid();
  }
}

/** invalid is the error of bytes that are not protobuf, in the Go protobuf library's words. */
function invalid(): ProtoDecodeError {
  return new ProtoDecodeError("proto: cannot parse invalid wire-format data");
}
