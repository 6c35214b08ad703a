/**
 * prometheus/common 0.39, expfmt/encode_test.go: TestNegotiate (4 cases) and TestEncode.
 *
 * Go-only, asserted as our deliberate difference: `encoding=text` and `encoding=compact-text`
 * (FmtProtoText, FmtProtoCompact, Go's protobuf debug printing) are not written here, so
 * negotiation passes over them and, with nothing else accepted, answers in the text format
 * (docs/conformance.md). TestEncode's two protobuf-text encoders are left out for the same reason.
 */
import { describe, expect, it } from "vitest";

import { encodeDelimited, FmtProtoDelim, FmtText, metricFamilyToText, negotiate, ProtoDecoder } from "../../lib/expfmt/index.js";
import type { MetricFamily } from "../../lib/model/index.js";

describe("encode_test.go TestNegotiate", () => {
  const acceptValuePrefix = "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily";
  it.each([
    ["delimited format", `${acceptValuePrefix};encoding=delimited`, FmtProtoDelim],
    ["text format (Go: FmtProtoText; not written here)", `${acceptValuePrefix};encoding=text`, FmtText],
    ["compact text format (Go: FmtProtoCompact; not written here)", `${acceptValuePrefix};encoding=compact-text`, FmtText],
    ["plain text format", "text/plain;version=0.0.4", FmtText],
  ])("%s", (_name, accept, format) => {
    expect(negotiate(accept)).toBe(format);
  });
});

describe("encode_test.go TestEncode", () => {
  const metric: MetricFamily = { name: "foo_metric", type: "untyped", metric: [{ label: [], untyped: { value: 1.234 } }] };

  it("encodes delimited protobuf (non-empty, and it reads back)", async () => {
    const out = encodeDelimited([metric]);
    expect(out.length).toBeGreaterThan(0);
    const decoded: MetricFamily[] = [];
    for await (const f of new ProtoDecoder(out)) decoded.push(f);
    expect(decoded).toEqual([metric]);
  });

  it("encodes the text format", () => {
    expect(metricFamilyToText(metric)).toBe("# TYPE foo_metric untyped\nfoo_metric 1.234\n");
  });
});
