/**
 * prometheus/common 0.39, expfmt/decode_test.go: TestTextDecoder (1 scenario), TestProtoDecoder
 * (7 scenarios, Go's bytes as its string literals), TestDiscriminatorHTTPHeader (6 scenarios) and
 * TestExtractSamples (2 calls), run against newDecoder, ProtoDecoder, TextFormatDecoder,
 * SampleDecoder, responseFormat and extractSamples.
 *
 * Go sorts both sample vectors before comparing them; we sort both by a key of our own. Go's
 * `model.Now()` as default timestamp is a fixed number here.
 */
import { Readable } from "node:stream";

import { describe, expect, it } from "vitest";

import {
  DecodeError,
  extractSamples,
  FmtProtoDelim,
  FmtText,
  FmtUnknown,
  newDecoder,
  ProtoDecoder,
  responseFormat,
  type Sample,
  SampleDecoder,
  TextFormatDecoder,
} from "../../lib/expfmt/index.js";
import type { MetricFamily, MetricType } from "../../lib/model/index.js";
import { goBytes } from "./support.js";

const testTime = 1_700_000_000_123;

/** sorted orders samples by their labels, then timestamp, so two vectors compare as sets. */
function sorted(samples: Sample[]): Sample[] {
  const key = (s: Sample) => JSON.stringify([Object.entries(s.metric).sort(), s.timestamp]);
  return [...samples].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/** decodeAll runs a SampleDecoder to the end, as Go's loop until io.EOF. */
async function decodeAll(dec: SampleDecoder): Promise<Sample[]> {
  const all: Sample[] = [];
  for (let s = await dec.decode(); s !== undefined; s = await dec.decode()) all.push(...s);
  return all;
}

const sample = (metric: Record<string, string>, value: number, timestamp = testTime): Sample => ({ metric, value, timestamp });

describe("decode_test.go TestTextDecoder", () => {
  const input = `
# Only a quite simple scenario with two metric families.
# More complicated tests of the parser itself can be found in the text package.
# TYPE mf2 counter
mf2 3
mf1{label="value1"} -3.14 123456
mf1{label="value2"} 42
mf2 4
`;
  const out = [
    sample({ __name__: "mf1", label: "value1" }, -3.14, 123456),
    sample({ __name__: "mf1", label: "value2" }, 42),
    sample({ __name__: "mf2" }, 3),
    sample({ __name__: "mf2" }, 4),
  ];

  it("decodes the families of a text stream into samples", async () => {
    const dec = new SampleDecoder(new TextFormatDecoder(Readable.from([Buffer.from(input)])), { timestamp: testTime });
    expect(sorted(await decodeAll(dec))).toEqual(sorted(out));
  });

  it("reads the same from chunks split anywhere, and from a string source", async () => {
    const bytes = Buffer.from(input);
    const chunks = [bytes.subarray(0, 7), bytes.subarray(7, 100), bytes.subarray(100)];
    expect(sorted(await decodeAll(new SampleDecoder(newDecoder(chunks, FmtText), { timestamp: testTime })))).toEqual(sorted(out));
    expect(sorted(await decodeAll(new SampleDecoder(newDecoder([input], "anything else"), { timestamp: testTime })))).toEqual(sorted(out));
  });
});

const protoScenarios: { name: string; in: string; expected?: Sample[]; fail?: boolean }[] = [
  { name: "0: empty input", in: "", expected: [] },
  {
    name: "1: an invalid label name fails",
    in: String.raw`\x8f\x01\n\rrequest_count\x12\x12Number of requests\x18\x00\"0\n#\n\x0fsome_!abel_name\x12\x10some_label_value\x1a\t\t\x00\x00\x00\x00\x00\x00E\xc0\"6\n)\n\x12another_label_name\x12\x13another_label_value\x1a\t\t\x00\x00\x00\x00\x00\x00U@`,
    fail: true,
  },
  {
    name: "2: counters",
    in: String.raw`\x8f\x01\n\rrequest_count\x12\x12Number of requests\x18\x00\"0\n#\n\x0fsome_label_name\x12\x10some_label_value\x1a\t\t\x00\x00\x00\x00\x00\x00E\xc0\"6\n)\n\x12another_label_name\x12\x13another_label_value\x1a\t\t\x00\x00\x00\x00\x00\x00U@`,
    expected: [
      sample({ __name__: "request_count", some_label_name: "some_label_value" }, -42),
      sample({ __name__: "request_count", another_label_name: "another_label_value" }, 84),
    ],
  },
  {
    name: "3: summaries",
    in: String.raw`\xb9\x01\n\rrequest_count\x12\x12Number of requests\x18\x02\"O\n#\n\x0fsome_label_name\x12\x10some_label_value\"(\x1a\x12\t\xaeG\xe1z\x14\xae\xef?\x11\x00\x00\x00\x00\x00\x00E\xc0\x1a\x12\t+\x87\x16\xd9\xce\xf7\xef?\x11\x00\x00\x00\x00\x00\x00U\xc0\"A\n)\n\x12another_label_name\x12\x13another_label_value\"\x14\x1a\x12\t\x00\x00\x00\x00\x00\x00\xe0?\x11\x00\x00\x00\x00\x00\x00$@`,
    expected: [
      sample({ __name__: "request_count_count", some_label_name: "some_label_value" }, 0),
      sample({ __name__: "request_count_sum", some_label_name: "some_label_value" }, 0),
      sample({ __name__: "request_count", some_label_name: "some_label_value", quantile: "0.99" }, -42),
      sample({ __name__: "request_count", some_label_name: "some_label_value", quantile: "0.999" }, -84),
      sample({ __name__: "request_count_count", another_label_name: "another_label_value" }, 0),
      sample({ __name__: "request_count_sum", another_label_name: "another_label_value" }, 0),
      sample({ __name__: "request_count", another_label_name: "another_label_value", quantile: "0.5" }, 10),
    ],
  },
  {
    name: "4: a histogram with a +Inf bucket",
    in: String.raw`\x8d\x01\n\x1drequest_duration_microseconds\x12\x15The response latency.\x18\x04\"S:Q\b\x85\x15\x11\xcd\xcc\xccL\x8f\xcb:A\x1a\v\b{\x11\x00\x00\x00\x00\x00\x00Y@\x1a\f\b\x9c\x03\x11\x00\x00\x00\x00\x00\x00^@\x1a\f\b\xd0\x04\x11\x00\x00\x00\x00\x00\x00b@\x1a\f\b\xf4\v\x11\x9a\x99\x99\x99\x99\x99e@\x1a\f\b\x85\x15\x11\x00\x00\x00\x00\x00\x00\xf0\u007f`,
    expected: histogramSamples(),
  },
  {
    name: "5: a histogram without a +Inf bucket",
    in: String.raw`\u007f\n\x1drequest_duration_microseconds\x12\x15The response latency.\x18\x04\"E:C\b\x85\x15\x11\xcd\xcc\xccL\x8f\xcb:A\x1a\v\b{\x11\x00\x00\x00\x00\x00\x00Y@\x1a\f\b\x9c\x03\x11\x00\x00\x00\x00\x00\x00^@\x1a\f\b\xd0\x04\x11\x00\x00\x00\x00\x00\x00b@\x1a\f\b\xf4\v\x11\x9a\x99\x99\x99\x99\x99e@`,
    expected: histogramSamples(),
  },
  {
    name: "6: the metric type is unset in this protobuf, which needs to be handled correctly by the decoder",
    in: String.raw`\x1c\n\rrequest_count\"\v\x1a\t\t\x00\x00\x00\x00\x00\x00\xf0?`,
    expected: [sample({ __name__: "request_count" }, 1)],
  },
];

function histogramSamples(): Sample[] {
  const bucket = (le: string, value: number) => sample({ __name__: "request_duration_microseconds_bucket", le }, value);
  return [
    bucket("100", 123),
    bucket("120", 412),
    bucket("144", 592),
    bucket("172.8", 1524),
    bucket("+Inf", 2693),
    sample({ __name__: "request_duration_microseconds_sum" }, 1756047.3),
    sample({ __name__: "request_duration_microseconds_count" }, 2693),
  ];
}

describe("decode_test.go TestProtoDecoder", () => {
  it.each(protoScenarios)("$name", async (scenario) => {
    const dec = new SampleDecoder(new ProtoDecoder(goBytes(scenario.in)), { timestamp: testTime });
    if (scenario.fail) {
      const err = await decodeAll(dec).then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(DecodeError);
      expect((err as Error).message).toBe('invalid label name "some_!abel_name"');
      return;
    }
    expect(sorted(await decodeAll(dec))).toEqual(sorted(scenario.expected!));
  });

  it("reads the messages of scenarios 2 to 6 one after the other, byte by byte", async () => {
    const all = Buffer.concat(protoScenarios.slice(2).map((s) => goBytes(s.in)));
    const oneByteChunks = Readable.from([...all].map((b) => Buffer.from([b])));
    const got = await decodeAll(new SampleDecoder(newDecoder(oneByteChunks, FmtProtoDelim), { timestamp: testTime }));
    expect(sorted(got)).toEqual(sorted(protoScenarios.slice(2).flatMap((s) => s.expected!)));
  });

  it("reports a message cut short as Go does", async () => {
    const cut = goBytes(protoScenarios[2]!.in).subarray(0, 50);
    const err = await new ProtoDecoder(cut).decode().then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(DecodeError);
    expect((err as Error).message).toBe("unexpected EOF");
  });
});

describe("decode_test.go TestDiscriminatorHTTPHeader", () => {
  const scenarios: [string | undefined, string][] = [
    ['application/vnd.google.protobuf; proto="io.prometheus.client.MetricFamily"; encoding="delimited"', FmtProtoDelim],
    ['application/vnd.google.protobuf; proto="illegal"; encoding="delimited"', FmtUnknown],
    ['application/vnd.google.protobuf; proto="io.prometheus.client.MetricFamily"; encoding="illegal"', FmtUnknown],
    ["text/plain; version=0.0.4", FmtText],
    ["text/plain", FmtText],
    ["text/plain; version=0.0.3", FmtUnknown],
  ];

  it.each(scenarios)("%s is %s", (contentType, format) => {
    expect(responseFormat({ "Content-Type": contentType })).toBe(format);
    expect(responseFormat(new Headers(contentType === undefined ? {} : { "content-type": contentType }))).toBe(format);
  });
});

describe("decode_test.go TestExtractSamples", () => {
  const goodMetricFamily1: MetricFamily = { name: "foo", help: "Help for foo.", type: "counter", metric: [{ label: [], counter: { value: 4711 } }] };
  const goodMetricFamily2: MetricFamily = { name: "bar", help: "Help for bar.", type: "gauge", metric: [{ label: [], gauge: { value: 3.14 } }] };
  const badMetricFamily: MetricFamily = {
    name: "bad",
    help: "Help for bad.",
    type: 42 as unknown as MetricType, // Go's dto.MetricType(42)
    metric: [{ label: [], gauge: { value: 2.7 } }],
  };
  const want = [sample({ __name__: "foo" }, 4711, 42), sample({ __name__: "bar" }, 3.14, 42)];

  it("extracts the samples of good families", () => {
    const [got, err] = extractSamples({ timestamp: 42 }, goodMetricFamily1, goodMetricFamily2);
    expect(err).toBeUndefined();
    expect(got).toEqual(want);
  });

  it("passes over a bad family, returning the others' samples and the error", () => {
    const [got, err] = extractSamples({ timestamp: 42 }, goodMetricFamily1, badMetricFamily, goodMetricFamily2);
    expect(err?.message).toBe("expfmt.extractSamples: unknown metric family type 42");
    expect(got).toEqual(want);
  });
});
