/**
 * The protobuf encoder, checked three ways:
 * - an independent reader, written here from client_model's metrics.proto (each message's field
 *   numbers and wire types spelled out below, with BigInt varints), decodes our output back to
 *   the same families: every golden case, and families with native histograms, exemplars,
 *   created timestamps and units;
 * - a byte sequence worked out by hand, byte by byte;
 * - byte sequences that Go wrote (golang/protobuf marshalling client_model 0.3's Go types through
 *   `pbutil.WriteDelimited`, as expfmt's encoder does) for the same families.
 * promtool 2.42 reads only text, so it cannot check this format (see the last spec).
 */
import { spawnSync } from "node:child_process";

import { describe, expect, it } from "vitest";

import { encodeDelimited, protobufChunks } from "../../lib/expfmt/protobuf.js";
import { ProtoWriter, varintSize } from "../../lib/expfmt/protowire.js";
import { EncodeError } from "../../lib/expfmt/text.js";
import type * as dto from "../../lib/model/index.js";
import { gatherErrorCases, okCases } from "../conformance/cases.js";
import { hasPromtool, promtoolPath } from "../support/promtool.js";

// ---------------------------------------------------------------------------------------------
// The independent reader.

/** The wire types of the protobuf encoding. */
const VARINT = 0;
const I64 = 1;
const LEN = 2;

/** A field as read: its number, wire type and raw value (a varint, 8 bytes, or a byte run). */
type RawField = { num: number; wire: number; varint?: bigint; bytes?: Uint8Array };

/** readVarint reads a base-128 varint with BigInt, so no value above 2^53 loses digits. */
function readVarint(buf: Uint8Array, pos: { at: number }): bigint {
  let result = 0n;
  for (let shift = 0n; ; shift += 7n) {
    if (pos.at >= buf.length) throw new Error("truncated varint");
    const byte = buf[pos.at++]!;
    result |= BigInt(byte & 0x7f) << shift;
    if (byte < 0x80) return result;
    if (shift > 63n) throw new Error("varint too long");
  }
}

/** readFields splits one message into its fields. */
function readFields(buf: Uint8Array): RawField[] {
  const fields: RawField[] = [];
  const pos = { at: 0 };
  while (pos.at < buf.length) {
    const key = Number(readVarint(buf, pos));
    const num = key >>> 3;
    const wire = key & 7;
    if (wire === VARINT) fields.push({ num, wire, varint: readVarint(buf, pos) });
    else if (wire === I64) {
      fields.push({ num, wire, bytes: buf.subarray(pos.at, pos.at + 8) });
      pos.at += 8;
    } else if (wire === LEN) {
      const len = Number(readVarint(buf, pos));
      if (pos.at + len > buf.length) throw new Error("truncated field");
      fields.push({ num, wire, bytes: buf.subarray(pos.at, pos.at + len) });
      pos.at += len;
    } else throw new Error(`unexpected wire type ${wire}`);
  }
  return fields;
}

/** The kinds of field in metrics.proto, each with the wire type it must arrive with. */
type Kind = "string" | "double" | "uint64" | "uint32" | "int64" | "int32" | "sint32" | "sint64" | "enum" | Schema;
interface Schema {
  readonly [num: number]: readonly [name: string, kind: Kind, repeated?: "repeated"];
}

const Timestamp: Schema = { 1: ["seconds", "int64"], 2: ["nanos", "int32"] };
const LabelPair: Schema = { 1: ["name", "string"], 2: ["value", "string"] };
const Exemplar: Schema = { 1: ["label", LabelPair, "repeated"], 2: ["value", "double"], 3: ["timestamp", Timestamp] };
const Gauge: Schema = { 1: ["value", "double"] };
const Counter: Schema = { 1: ["value", "double"], 2: ["exemplar", Exemplar], 3: ["created_timestamp", Timestamp] };
const Quantile: Schema = { 1: ["quantile", "double"], 2: ["value", "double"] };
const Summary: Schema = {
  1: ["sample_count", "uint64"],
  2: ["sample_sum", "double"],
  3: ["quantile", Quantile, "repeated"],
  4: ["created_timestamp", Timestamp],
};
const Untyped: Schema = { 1: ["value", "double"] };
const Bucket: Schema = {
  1: ["cumulative_count", "uint64"],
  2: ["upper_bound", "double"],
  3: ["exemplar", Exemplar],
  4: ["cumulative_count_float", "double"],
};
const BucketSpan: Schema = { 1: ["offset", "sint32"], 2: ["length", "uint32"] };
const Histogram: Schema = {
  1: ["sample_count", "uint64"],
  2: ["sample_sum", "double"],
  3: ["bucket", Bucket, "repeated"],
  4: ["sample_count_float", "double"],
  5: ["schema", "sint32"],
  6: ["zero_threshold", "double"],
  7: ["zero_count", "uint64"],
  8: ["zero_count_float", "double"],
  9: ["negative_span", BucketSpan, "repeated"],
  10: ["negative_delta", "sint64", "repeated"],
  11: ["negative_count", "double", "repeated"],
  12: ["positive_span", BucketSpan, "repeated"],
  13: ["positive_delta", "sint64", "repeated"],
  14: ["positive_count", "double", "repeated"],
  15: ["created_timestamp", Timestamp],
  16: ["exemplars", Exemplar, "repeated"],
};
const Metric: Schema = {
  1: ["label", LabelPair, "repeated"],
  2: ["gauge", Gauge],
  3: ["counter", Counter],
  4: ["summary", Summary],
  5: ["untyped", Untyped],
  6: ["timestamp_ms", "int64"],
  7: ["histogram", Histogram],
};
const MetricFamily: Schema = {
  1: ["name", "string"],
  2: ["help", "string"],
  3: ["type", "enum"],
  4: ["metric", Metric, "repeated"],
  5: ["unit", "string"],
};

type Decoded = { [name: string]: unknown };

/** decode reads a message against its schema; unknown fields and wrong wire types are errors. */
function decode(buf: Uint8Array, schema: Schema): Decoded {
  const out: Decoded = {};
  for (const f of readFields(buf)) {
    const spec = schema[f.num];
    if (spec === undefined) throw new Error(`unknown field ${f.num}`);
    const [name, kind, repeated] = spec;
    const values = scalarValues(f, kind);
    if (repeated) out[name] = [...((out[name] as unknown[] | undefined) ?? []), ...values];
    else out[name] = values[0];
  }
  return out;
}

/** scalarValues reads one field's value(s); a LEN field of numbers is a packed run of them. */
function scalarValues(f: RawField, kind: Kind): unknown[] {
  if (typeof kind === "object") return [decode(expectWire(f, LEN).bytes!, kind)];
  if (kind === "string") return [new TextDecoder("utf-8", { fatal: true }).decode(expectWire(f, LEN).bytes!)];
  if (kind === "double") {
    if (f.wire === LEN) return chunk8(f.bytes!).map(readDouble);
    return [readDouble(expectWire(f, I64).bytes!)];
  }
  if (f.wire === LEN) {
    const pos = { at: 0 };
    const out: unknown[] = [];
    while (pos.at < f.bytes!.length) out.push(integer(readVarint(f.bytes!, pos), kind));
    return out;
  }
  return [integer(expectWire(f, VARINT).varint!, kind)];
}

function expectWire(f: RawField, wire: number): RawField {
  if (f.wire !== wire) throw new Error(`field ${f.num}: wire type ${f.wire}, want ${wire}`);
  return f;
}

/** integer maps a raw varint to its proto type; 64-bit values become numbers (exact ones, here). */
function integer(v: bigint, kind: Kind): number {
  switch (kind) {
    case "uint64":
    case "uint32":
    case "enum":
      return Number(v);
    case "int64":
    case "int32":
      return Number(BigInt.asIntN(64, v));
    case "sint32":
    case "sint64":
      return Number((v >> 1n) ^ -(v & 1n)); // zigzag: 0, 1, 2, 3 → 0, -1, 1, -2
    default:
      throw new Error(`not an integer kind: ${String(kind)}`);
  }
}

function readDouble(bytes: Uint8Array): number {
  return new DataView(bytes.buffer, bytes.byteOffset, 8).getFloat64(0, true);
}

function chunk8(bytes: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += 8) out.push(bytes.subarray(i, i + 8));
  return out;
}

/** readDelimited splits a stream of varint-length-prefixed messages and decodes each family. */
function readDelimited(buf: Uint8Array): Decoded[] {
  const families: Decoded[] = [];
  const pos = { at: 0 };
  while (pos.at < buf.length) {
    const len = Number(readVarint(buf, pos));
    families.push(decode(buf.subarray(pos.at, pos.at + len), MetricFamily));
    pos.at += len;
  }
  if (pos.at !== buf.length) throw new Error("trailing bytes");
  return families;
}

// ---------------------------------------------------------------------------------------------
// From decoded messages back to the model, to compare with what was encoded.

const typeNames: dto.MetricType[] = ["counter", "gauge", "summary", "untyped", "histogram", "gaugehistogram"];

function toModel(f: Decoded): dto.MetricFamily {
  return {
    name: f["name"] as string,
    ...(f["help"] === undefined ? {} : { help: f["help"] as string }),
    type: typeNames[f["type"] as number]!,
    ...(f["unit"] === undefined ? {} : { unit: f["unit"] as string }),
    metric: ((f["metric"] as Decoded[] | undefined) ?? []).map(metricToModel),
  };
}

function metricToModel(m: Decoded): dto.Metric {
  const out: dto.Metric = { label: labels(m["label"]) };
  const gauge = m["gauge"] as Decoded | undefined;
  const counter = m["counter"] as Decoded | undefined;
  const summary = m["summary"] as Decoded | undefined;
  const untyped = m["untyped"] as Decoded | undefined;
  const histogram = m["histogram"] as Decoded | undefined;
  if (gauge) out.gauge = { value: gauge["value"] as number };
  if (counter) {
    out.counter = { value: counter["value"] as number };
    if (counter["exemplar"]) out.counter.exemplar = exemplar(counter["exemplar"] as Decoded);
    if (counter["created_timestamp"]) out.counter.createdTimestampMs = ms(counter["created_timestamp"] as Decoded);
  }
  if (summary) {
    out.summary = {
      sampleCount: summary["sample_count"] as number,
      sampleSum: summary["sample_sum"] as number,
      quantile: ((summary["quantile"] as Decoded[] | undefined) ?? []).map((q) => ({
        quantile: q["quantile"] as number,
        value: q["value"] as number,
      })),
    };
    if (summary["created_timestamp"]) out.summary.createdTimestampMs = ms(summary["created_timestamp"] as Decoded);
  }
  if (untyped) out.untyped = { value: untyped["value"] as number };
  if (histogram) out.histogram = histogramToModel(histogram);
  if (m["timestamp_ms"] !== undefined) out.timestampMs = m["timestamp_ms"] as number;
  return out;
}

function histogramToModel(h: Decoded): dto.Histogram {
  const out: dto.Histogram = {
    sampleCount: h["sample_count"] as number,
    sampleSum: h["sample_sum"] as number,
    bucket: ((h["bucket"] as Decoded[] | undefined) ?? []).map((b) => ({
      cumulativeCount: b["cumulative_count"] as number,
      upperBound: b["upper_bound"] as number,
      ...(b["exemplar"] ? { exemplar: exemplar(b["exemplar"] as Decoded) } : {}),
    })),
  };
  if (h["created_timestamp"]) out.createdTimestampMs = ms(h["created_timestamp"] as Decoded);
  if (h["schema"] !== undefined) out.schema = h["schema"] as number;
  if (h["zero_threshold"] !== undefined) out.zeroThreshold = h["zero_threshold"] as number;
  if (h["zero_count"] !== undefined) out.zeroCount = h["zero_count"] as number;
  const spans = (s: unknown) => ((s as Decoded[] | undefined) ?? []).map((x) => ({ offset: (x["offset"] as number) ?? 0, length: (x["length"] as number) ?? 0 }));
  if (h["negative_span"]) out.negativeSpan = spans(h["negative_span"]);
  if (h["negative_delta"]) out.negativeDelta = h["negative_delta"] as number[];
  if (h["positive_span"]) out.positiveSpan = spans(h["positive_span"]);
  if (h["positive_delta"]) out.positiveDelta = h["positive_delta"] as number[];
  return out;
}

function labels(v: unknown): dto.LabelPair[] {
  return ((v as Decoded[] | undefined) ?? []).map((lp) => ({ name: lp["name"] as string, value: lp["value"] as string }));
}

function exemplar(e: Decoded): dto.Exemplar {
  return {
    label: labels(e["label"]),
    value: e["value"] as number,
    ...(e["timestamp"] ? { timestampMs: ms(e["timestamp"] as Decoded) } : {}),
  };
}

/** ms reads a google.protobuf.Timestamp (absent fields are zero, as in proto3) as ms. */
function ms(t: Decoded): number {
  return ((t["seconds"] as number | undefined) ?? 0) * 1000 + ((t["nanos"] as number | undefined) ?? 0) / 1e6;
}

/**
 * normalize drops what the wire cannot tell apart from absence: empty native-histogram arrays,
 * an empty unit, and undefined properties.
 */
function normalize(families: dto.MetricFamily[]): unknown {
  const emptyArrays = new Set(["negativeSpan", "negativeDelta", "positiveSpan", "positiveDelta"]);
  return JSON.parse(
    JSON.stringify(families, (k, v: unknown) => {
      if (emptyArrays.has(k) && Array.isArray(v) && v.length === 0) return undefined;
      if (k === "unit" && v === "") return undefined;
      if (typeof v === "number") return Number.isNaN(v) ? "NaN" : Object.is(v, -0) ? "-0" : Number.isFinite(v) ? v : String(v);
      return v;
    }),
  );
}

function roundTrip(families: dto.MetricFamily[]): void {
  const decoded = readDelimited(encodeDelimited(families)).map(toModel);
  expect(normalize(decoded)).toEqual(normalize(families));
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("hex");
}

// ---------------------------------------------------------------------------------------------
// Families beyond the golden cases.

const nativeWithExemplars: dto.MetricFamily[] = [
  {
    name: "rpc_duration_seconds",
    help: "RPC latency, native and classic.",
    type: "histogram",
    unit: "seconds",
    metric: [
      {
        label: [{ name: "method", value: "get" }],
        histogram: {
          sampleCount: 10,
          sampleSum: 12.5,
          bucket: [
            {
              cumulativeCount: 4,
              upperBound: 0.5,
              exemplar: { label: [{ name: "trace_id", value: "4bf92f35" }], value: 0.3, timestampMs: 1600000000123 },
            },
            { cumulativeCount: 10, upperBound: Infinity },
          ],
          createdTimestampMs: 1599999999000,
          schema: 3,
          zeroThreshold: 2.938735877055719e-39,
          zeroCount: 1,
          negativeSpan: [{ offset: -5, length: 2 }],
          negativeDelta: [1, -1],
          positiveSpan: [
            { offset: 0, length: 3 },
            { offset: 7, length: 1 },
          ],
          positiveDelta: [2, -1, 3, -2],
        },
      },
      {
        label: [{ name: "method", value: "put" }],
        // A native histogram without observations: a no-op span tells it from a classic one.
        histogram: { sampleCount: 0, sampleSum: 0, bucket: [], schema: -4, zeroThreshold: 0, zeroCount: 0, positiveSpan: [{ offset: 0, length: 0 }] },
      },
      {
        label: [{ name: "method", value: "big" }],
        histogram: {
          sampleCount: 2 ** 60,
          sampleSum: 1e300,
          bucket: [],
          schema: 8,
          zeroThreshold: 1e-128,
          zeroCount: 2 ** 53 + 2,
          positiveSpan: [
            { offset: -(2 ** 31), length: 2 ** 32 - 1 },
            { offset: 2 ** 31 - 1, length: 1 },
          ],
          positiveDelta: [2 ** 62, -(2 ** 62), -(2 ** 53) - 2, 2 ** 53 + 2, -1, 0, 1, -(2 ** 63)],
        },
        timestampMs: -(2 ** 53) + 1,
      },
    ],
  },
  {
    name: "requests_total",
    help: "Requests.",
    type: "counter",
    metric: [
      {
        label: [{ name: "code", value: "200" }],
        counter: {
          value: 7,
          exemplar: { label: [{ name: "trace_id", value: "ü\u{1F600}" }], value: 1, timestampMs: -1500.25 },
          createdTimestampMs: 1600000000000.5,
        },
        timestampMs: 0,
      },
    ],
  },
  {
    name: "rpc_summary_seconds",
    help: "Created summary.",
    type: "summary",
    metric: [{ label: [], summary: { sampleCount: 3, sampleSum: NaN, quantile: [{ quantile: 0.5, value: -0 }], createdTimestampMs: 1 } }],
  },
  {
    name: "queue_bytes",
    help: "A gauge histogram.",
    type: "gaugehistogram",
    metric: [{ label: [], histogram: { sampleCount: 4, sampleSum: 2, bucket: [{ cumulativeCount: 4, upperBound: 1 }] } }],
  },
  { name: "nothing", type: "untyped", metric: [] },
  { name: "long_help", help: "x".repeat(20_000), type: "gauge", metric: [{ label: [{ name: "l", value: "y".repeat(200) }], gauge: { value: 5e-324 } }] },
];

// ---------------------------------------------------------------------------------------------

describe("the independent reader decodes our output to the same families", () => {
  for (const [name, build] of Object.entries(okCases)) {
    it(`${name}`, async () => roundTrip(await build().gather()));
  }
  for (const [name, build] of Object.entries(gatherErrorCases)) {
    it(`${name} (the partial families)`, async () => {
      const err: unknown = await build()
        .gather()
        .then(() => undefined, (e: unknown) => e);
      roundTrip((err as { families: dto.MetricFamily[] }).families);
    });
  }
  it("native histograms, exemplars, created timestamps, units, gauge histograms", () => roundTrip(nativeWithExemplars));

  it("one family at a time, in chunks of whole families", () => {
    const chunks = [...protobufChunks(nativeWithExemplars, { chunkSize: 1 })];
    expect(chunks).toHaveLength(nativeWithExemplars.length);
    expect(chunks.map((c) => readDelimited(c).map(toModel)[0]!.name)).toEqual(nativeWithExemplars.map((f) => f.name));
    expect(hex(Buffer.concat(chunks))).toBe(hex(encodeDelimited(nativeWithExemplars)));
  });
});

describe("bytes", () => {
  it("a tiny family, worked out by hand", () => {
    const family: dto.MetricFamily = {
      name: "up",
      help: "h",
      type: "gauge",
      metric: [{ label: [{ name: "a", value: "b" }], gauge: { value: 1 } }],
    };
    // prettier-ignore
    const expected = [
      0x1e,                                    // length of the MetricFamily: 30 bytes
      0x0a, 0x02, 0x75, 0x70,                  // field 1 (name), LEN: 1<<3|2 = 0x0a; 2 bytes "up"
      0x12, 0x01, 0x68,                        // field 2 (help), LEN: 2<<3|2 = 0x12; "h"
      0x18, 0x01,                              // field 3 (type), VARINT: 3<<3|0 = 0x18; GAUGE = 1
      0x22, 0x13,                              // field 4 (metric), LEN: 4<<3|2 = 0x22; 19 bytes:
      0x0a, 0x06,                              //   Metric field 1 (label), LEN, 6 bytes:
      0x0a, 0x01, 0x61, 0x12, 0x01, 0x62,      //     LabelPair name "a" (field 1), value "b" (field 2)
      0x12, 0x09,                              //   Metric field 2 (gauge), LEN, 9 bytes:
      0x09,                                    //     Gauge field 1 (value), I64: 1<<3|1 = 0x09
      0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xf0, 0x3f, // 1.0 as a little-endian IEEE 754 double
    ];
    expect([...encodeDelimited([family])]).toEqual(expected);
    expect(hex(encodeDelimited([family]))).toBe("1e0a027570120168180122130a060a0161120162120909000000000000f03f");
  });

  it("created timestamps and unit, worked out by hand", () => {
    const family: dto.MetricFamily = {
      name: "c_total",
      type: "counter",
      unit: "s",
      metric: [{ label: [], counter: { value: 0, createdTimestampMs: 1500 } }],
    };
    // prettier-ignore
    expect(hex(encodeDelimited([family]))).toBe([
      "25",                 // 37 bytes
      "0a07635f746f74616c", // name "c_total"
      "1800",               // type COUNTER = 0, written although zero (Go sets it)
      "2215",               // metric, 21 bytes
      "1a13",               //   counter (field 3), 19 bytes
      "090000000000000000", //     value 0.0
      "1a08",               //     created_timestamp (field 3), 8 bytes: a google.protobuf.Timestamp
      "0801",               //       seconds = 1
      "1080cab5ee01",       //       nanos = 500000000: 0x1DCD6500 in 7-bit groups, low first
      "2a0173",             // unit (field 5) "s"
    ].join(""));
  });

  /** What Go wrote for the same families (hex of pbutil.WriteDelimited output). */
  const goBytes: ReadonlyArray<readonly [string, dto.MetricFamily, string]> = [
    [
      "a counter with an exemplar and a negative timestamp_ms (ten-byte varint)",
      {
        name: "req_total",
        type: "counter",
        metric: [
          {
            label: [],
            counter: { value: 2, exemplar: { label: [{ name: "trace_id", value: "t1" }], value: 0.5, timestampMs: 1600000000123 } },
            timestampMs: -1000,
          },
        ],
      },
      "4d0a097265715f746f74616c1800223e1a3109000000000000004012260a0e0a0874726163655f69641202743111000000000000e03f" +
        "1a0b0880a0f8fa0510c0a9d33a3098f8ffffffffffffff01",
    ],
    [
      "a native histogram: zigzag schema, spans and unpacked sint64 deltas",
      {
        name: "nh",
        type: "histogram",
        metric: [
          {
            label: [],
            histogram: {
              sampleCount: 5,
              sampleSum: -1.5,
              bucket: [],
              schema: -2,
              zeroThreshold: 0.001,
              zeroCount: 1,
              negativeSpan: [{ offset: -1, length: 1 }],
              negativeDelta: [2],
              positiveSpan: [
                { offset: 0, length: 2 },
                { offset: 3, length: 1 },
              ],
              positiveDelta: [1, -1, 0],
            },
          },
        ],
      },
      "3c0a026e68180422343a32080511000000000000f8bf280331fca9f1d24d62503f38014a04080110015004620408001002620408061001680268016800",
    ],
    [
      "a summary quantile of NaN: Go's math.NaN() bits (01 00 00 00 00 00 f8 7f)",
      { name: "s", type: "summary", metric: [{ label: [], summary: { sampleCount: 0, sampleSum: 0, quantile: [{ quantile: 0.5, value: NaN }] } }] },
      "280a017318022221221f08001100000000000000001a1209000000000000e03f11010000000000f87f",
    ],
  ];

  it.each(goBytes)("%s: the bytes Go wrote", (_why, family, goHex) => {
    expect(hex(encodeDelimited([family]))).toBe(goHex);
  });
});

describe("@example", () => {
  it("protobufChunks", () => {
    const families: dto.MetricFamily[] = [{ name: "up", type: "gauge", metric: [{ label: [], gauge: { value: 1 } }] }];
    expect(Buffer.concat([...protobufChunks(families)]).toString("hex")).toBe("130a0275701801220b120909000000000000f03f");
  });
});

describe("ProtoWriter", () => {
  const written = (write: (w: ProtoWriter) => void) => {
    const w = new ProtoWriter(1);
    write(w);
    return hex(w.take());
  };

  it.each([
    [0, "00"],
    [1, "01"],
    [127, "7f"],
    [128, "8001"],
    [300, "ac02"],
    [2 ** 32, "8080808010"],
    [2 ** 53 + 2, "8280808080808010"],
    [2 ** 63, "80808080808080808001"],
    [2 ** 64 - 2048, "80f0ffffffffffffff01"],
  ])("uint(%s) is %s", (v, bytes) => {
    expect(written((w) => w.uint(v))).toBe(bytes);
    expect(varintSize(v)).toBe(bytes.length / 2);
  });

  it.each([
    [-1, "ffffffffffffffffff01"],
    [-1000, "98f8ffffffffffffff01"],
    [-(2 ** 63), "80808080808080808001"],
  ])("int(%s) is two's complement in ten bytes: %s", (v, bytes) => {
    expect(written((w) => w.int(v))).toBe(bytes);
  });

  it.each([
    [0, "00"],
    [-1, "01"],
    [1, "02"],
    [-2, "03"],
    [2 ** 31 - 1, "feffffff0f"],
    [-(2 ** 31), "ffffffff0f"],
    [-(2 ** 63), "ffffffffffffffffff01"],
    [2 ** 62, "80808080808080808001"],
  ])("sint(%s) is zigzag: %s", (v, bytes) => {
    expect(written((w) => w.sint(v))).toBe(bytes);
  });

  it.each([127, 128, 16_383, 16_384, 100_000])("a %s-byte string gets a length of the right size", (n) => {
    const out = written((w) => w.string("é".repeat(n / 2) + (n % 2 === 1 ? "a" : "")));
    const size = varintSize(n);
    expect(out.length / 2).toBe(size + n);
    expect(Number(readVarint(Buffer.from(out, "hex"), { at: 0 }))).toBe(n);
  });
});

describe("protobuf encoding errors", () => {
  const h = (histogram: Partial<dto.Histogram>): dto.MetricFamily[] => [
    { name: "h", type: "histogram", metric: [{ label: [], histogram: { sampleCount: 1, sampleSum: 0, bucket: [], ...histogram } }] },
  ];
  const table: ReadonlyArray<readonly [string, dto.MetricFamily[], string]> = [
    ["a negative count", h({ sampleCount: -1 }), "sample_count -1 is not a uint64 in metric h"],
    ["a fractional count", h({ zeroCount: 0.5 }), "zero_count 0.5 is not a uint64 in metric h"],
    ["a count of 2^64", h({ sampleCount: 2 ** 64 }), "sample_count 1.8446744073709552e+19 is not a uint64 in metric h"],
    ["a schema beyond int32", h({ schema: 2 ** 31 }), "schema 2.147483648e+09 is not an int32 in metric h"],
    ["a negative span length", h({ positiveSpan: [{ offset: 0, length: -1 }] }), "span length -1 is not a uint32 in metric h"],
    ["a fractional delta", h({ positiveDelta: [0.5] }), "bucket delta 0.5 is not an int64 in metric h"],
    ["a NaN created timestamp", h({ createdTimestampMs: NaN }), "timestamp NaN is not a number of ms in metric h"],
    ["an unknown type", [{ name: "i", type: "info" as "gauge", metric: [] }], "unknown metric type info"],
  ];
  it.each(table)("%s", (_why, families, message) => {
    expect(() => encodeDelimited(families)).toThrow(EncodeError);
    expect(() => encodeDelimited(families)).toThrow(message);
  });
});

describe.runIf(hasPromtool())("promtool", () => {
  it("cannot read the protobuf format: check metrics parses its input as text", () => {
    const result = spawnSync(promtoolPath()!, ["check", "metrics"], { input: encodeDelimited(nativeWithExemplars), encoding: "utf8" });
    expect(result.status).toBe(1);
    expect(result.stdout + result.stderr).toContain("text format parsing error");
  });
});
