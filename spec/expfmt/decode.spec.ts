/**
 * The decoders beyond Go's own vectors (spec/go-vectors/decode.spec.ts): the checks of Go's
 * protoDecoder on names and label values, bytes that are not protobuf, and the text decoder's
 * UTF-8 check.
 */
import { describe, expect, it } from "vitest";

import {
  DecodeError,
  encodeDelimited,
  newDecoder,
  ProtoDecoder,
  TextFormatDecoder,
  TextParseError,
} from "../../lib/expfmt/index.js";
import type { MetricFamily } from "../../lib/model/index.js";

const family = (name: string, labelName = "a", labelValue = "b"): MetricFamily => ({
  name,
  help: "h",
  type: "gauge",
  metric: [{ label: [{ name: labelName, value: labelValue }], gauge: { value: 1 } }],
});

/** reject returns what decoding all of `bytes` with a ProtoDecoder rejects with. */
async function reject(bytes: Uint8Array): Promise<Error> {
  const dec = new ProtoDecoder(bytes);
  try {
    while ((await dec.decode()) !== undefined);
  } catch (err) {
    return err as Error;
  }
  throw new Error("no rejection");
}

/** replaceBytes replaces the first occurrence of `from` (ASCII) in `bytes` with `to`. */
function replaceBytes(bytes: Uint8Array, from: string, to: number[]): Uint8Array {
  const buf = Buffer.from(bytes);
  const at = buf.indexOf(from);
  for (let i = 0; i < to.length; i++) buf[at + i] = to[i]!;
  return buf;
}

describe("ProtoDecoder", () => {
  it("rejects an invalid metric name, label name or label value as Go's protoDecoder does", async () => {
    expect((await reject(encodeDelimited([family("1bad")]))).message).toBe('invalid metric name "1bad"');
    expect((await reject(encodeDelimited([family("ok", "a-b")]))).message).toBe('invalid label name "a-b"');
    const badValue = replaceBytes(encodeDelimited([family("ok", "a", "xyz")]), "xyz", [0x78, 0xbd, 0x7a]);
    const err = await reject(badValue);
    expect(err).toBeInstanceOf(DecodeError);
    expect(err.message).toBe('invalid label value "x\\xbdz"');
  });

  it("turns an invalid byte in a help text into U+FFFD, as a string cannot hold it", async () => {
    const bytes = replaceBytes(encodeDelimited([family("ok")]), "h", [0xff]);
    const decoded = await new ProtoDecoder(bytes).decode();
    expect(decoded?.help).toBe("\ufffd");
  });

  it("rejects bytes that are not a message, and a stream cut inside a length", async () => {
    const garbage = Buffer.from([0x03, 0x0f, 0xff, 0xff]); // length 3, then a field of wire type 7
    const err = await reject(garbage);
    expect(err).toBeInstanceOf(DecodeError);
    expect(err.message).toBe("proto: cannot parse invalid wire-format data");
    expect((await reject(Buffer.from([0x80]))).message).toBe("unexpected EOF");
  });

  it("skips fields it does not know, as proto2 does", async () => {
    const known = encodeDelimited([family("ok")]);
    // Field 15 (unknown to MetricFamily), a varint, appended to the message: length + 2.
    const body = Buffer.concat([known.subarray(1), Buffer.from([0x78, 0x01])]);
    const withUnknown = Buffer.concat([Buffer.from([body.length]), body]);
    expect(await new ProtoDecoder(withUnknown).decode()).toEqual(family("ok"));
  });
});

describe("TextFormatDecoder", () => {
  it("reports a label value that is not UTF-8 with Go's message", async () => {
    const bytes = Buffer.concat([Buffer.from('m{l="'), Buffer.from([0xbd]), Buffer.from('"} 1\n')]);
    const err = await new TextFormatDecoder([bytes]).decode().then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(TextParseError);
    expect((err as Error).message).toBe('text format parsing error in line 1: invalid label value "\\xbd"');
  });

  it("resolves to undefined at once for an input without samples (Go's io.EOF)", async () => {
    expect(await newDecoder(["# HELP x h\n"], "text/plain").decode()).toBeUndefined();
  });
});

describe("ProtoDecoder reads back what protobuf.ts writes", () => {
  it("every field of the model: exemplars, created timestamps, native buckets, negative numbers", async () => {
    const families: MetricFamily[] = [
      {
        name: "c_total",
        help: "",
        type: "counter",
        metric: [
          {
            label: [{ name: "a", value: "ü\n\"" }],
            counter: { value: -0.5, createdTimestampMs: 1_600_000_000_500, exemplar: { label: [{ name: "t", value: "1" }], value: 2, timestampMs: -1500 } },
            timestampMs: -42,
          },
        ],
      },
      {
        name: "s",
        help: "summary",
        type: "summary",
        metric: [{ label: [], summary: { sampleCount: 2 ** 53, sampleSum: NaN, quantile: [{ quantile: 0.5, value: Infinity }], createdTimestampMs: 0 } }],
      },
      {
        name: "h",
        help: "native",
        type: "histogram",
        unit: "seconds",
        metric: [
          {
            label: [],
            histogram: {
              sampleCount: 7,
              sampleSum: 1.5,
              bucket: [{ upperBound: 1, cumulativeCount: 3, exemplar: { label: [], value: 0.5 } }],
              schema: -3,
              zeroThreshold: 1e-128,
              zeroCount: 1,
              negativeSpan: [{ offset: -2, length: 1 }],
              negativeDelta: [-1],
              positiveSpan: [{ offset: 3, length: 2 }, { offset: -1, length: 1 }],
              positiveDelta: [2, -1, 0],
              createdTimestampMs: 12345,
            },
          },
        ],
      },
      { name: "g", type: "gaugehistogram", metric: [{ label: [], histogram: { sampleCount: 1, sampleSum: 1, bucket: [] } }] },
    ];
    const decoded: MetricFamily[] = [];
    for await (const f of newDecoder([encodeDelimited(families)], "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited")) {
      decoded.push(f);
    }
    expect(decoded).toEqual(families);
  });
});
