/**
 * Content negotiation, as one table: an Accept header, then what `negotiate` (Go's `Negotiate`)
 * and `negotiateIncludingOpenMetrics` answer. Every row's answers were checked against Go: the
 * goautoneg parser of prometheus/common 0.39 with the `NegotiateIncludingOpenMetrics` of later
 * expfmt releases (1.0.0 and 0.0.1), except the rows marked as our deliberate differences.
 */
import { describe, expect, it } from "vitest";

import {
  FmtOpenMetrics_0_0_1,
  FmtOpenMetrics_1_0_0,
  FmtProtoDelim,
  FmtText,
  type Format,
  openMetricsVersionOf,
} from "../../lib/expfmt/format.js";
import { negotiate, negotiateIncludingOpenMetrics, parseAccept } from "../../lib/expfmt/negotiate.js";
import { TextContentType } from "../../lib/expfmt/text.js";

const text = FmtText;
const proto = FmtProtoDelim;
const om1 = FmtOpenMetrics_1_0_0;
const om001 = FmtOpenMetrics_0_0_1;

/** What Prometheus 2.42 sends on every scrape (scrape/scrape.go, `scrapeAcceptHeader`). */
const prometheusAccept =
  "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75," +
  "text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

/** What Prometheus 2.42 sends with --enable-feature=native-histograms (`scrapeAcceptHeaderWithProtobuf`). */
const prometheusProtobufAccept =
  "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited," +
  "application/openmetrics-text;version=1.0.0;q=0.8,application/openmetrics-text;version=0.0.1;q=0.75," +
  "text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

/** [why, Accept header, negotiate's answer, negotiateIncludingOpenMetrics's answer]. */
const table: ReadonlyArray<readonly [string, string | undefined | null, Format, Format]> = [
  ["Prometheus 2.42 scrape", prometheusAccept, text, om1],
  ["Prometheus 2.42 scrape with native histograms", prometheusProtobufAccept, proto, proto],
  ["Prometheus 2.2x: OpenMetrics 0.0.1 first", "application/openmetrics-text;version=0.0.1,text/plain;version=0.0.4;q=0.5,*/*;q=0.1", text, om001],
  ["the content type itself, spaces and charset", "application/openmetrics-text; version=0.0.1; charset=utf-8", text, om001],
  ["OpenMetrics without a version is 0.0.1", "application/openmetrics-text", text, om001],
  ["an unknown OpenMetrics version falls through", "application/openmetrics-text;version=2.0.0,text/plain;q=0.1", text, text],
  ["only an unknown OpenMetrics version", "application/openmetrics-text;version=2.0.0", text, text],
  ["a later OpenMetrics clause with a higher q wins", "text/plain;version=0.0.4;q=0.5,application/openmetrics-text;version=1.0.0;q=0.6", text, om1],
  ["later 1.0.0 with a lower q than 0.0.1", "application/openmetrics-text;version=1.0.0;q=0.2,application/openmetrics-text;version=0.0.1;q=0.3", text, om001],
  ["q is 32-bit: 0.50000001 equals 0.5, first stays first", "text/plain;q=0.5,application/openmetrics-text;q=0.50000001", text, text],
  ["q is 32-bit: same tie the other way", "application/openmetrics-text;q=0.50000001,text/plain;q=0.5", text, om001],
  ["q is 32-bit: 0.5000001 is above 0.5", "text/plain;q=0.5,application/openmetrics-text;q=0.5000001", text, om001],
  ["curl's default", "*/*", text, text],
  ["a browser", "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8", text, text],
  ["something else entirely", "application/json", text, text],
  ["plain text", "text/plain", text, text],
  ["an unknown text version is passed over", "text/plain;version=0.0.5,application/openmetrics-text", text, om001],
  ["parameter values are not unquoted", 'text/plain; version="0.0.4",application/openmetrics-text;q=0.1', text, om001],
  ["types are case-sensitive", "Text/Plain,application/openmetrics-text;q=0.1", text, om001],
  ["parameter names are case-sensitive", "text/plain;Version=0.0.5,application/openmetrics-text;q=0.1", text, text],
  ["q's value is not trimmed: ' 0.9' reads as 0", "text/plain;q= 0.9,application/openmetrics-text;q=0.1", text, om001],
  ["an unreadable q is 0", "text/plain;q=abc,application/openmetrics-text;q=0.1", text, om001],
  ["negative q", "text/plain;q=0,application/openmetrics-text;q=-1", text, text],
  ["q beyond float range is +Inf", "application/openmetrics-text;q=1e400,text/plain", text, om001],
  ["q=nan never sorts first", "text/plain;q=nan,application/openmetrics-text;q=0.1", text, text],
  ["protobuf without encoding", "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily", text, text],
  ["protobuf without proto", "application/vnd.google.protobuf;encoding=delimited", text, text],
  [
    "protobuf ranked below OpenMetrics",
    "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited;q=0.4,application/openmetrics-text;q=0.5",
    proto,
    om001,
  ],
  [
    "spaces around names and values are trimmed",
    "application/vnd.google.protobuf ; proto = io.prometheus.client.MetricFamily ; encoding = delimited",
    proto,
    proto,
  ],
  ["a repeated parameter keeps the last value", "text/plain;version=0.0.4;version=0.0.5,application/openmetrics-text;q=0.1", text, om001],
  ["only spaces are trimmed, not tabs", "\ttext/plain,application/openmetrics-text;q=0.1", text, om001],
  ["a bare * is */*", "*;q=0.9,application/openmetrics-text;q=0.1", text, om001],
  ["garbage: three parts", "a/b/c,application/openmetrics-text;q=0.1", text, om001],
  ["garbage: empty subtype", "text/plain/,application/openmetrics-text;q=0.1", text, om001],
  ["garbage: control and lone surrogate", "\u0000\uffff\ud800,application/openmetrics-text", text, om001],
  ["garbage: separators only", ",,,;;;", text, text],
  ["garbage: a word", "garbage", text, text],
  ["empty header", "", text, text],
  ["no header", undefined, text, text],
  ["no header (Headers.get)", null, text, text],
];

/** Rows where we answer differently from Go on purpose: Go's protobuf text formats are not written here. */
const deviations: ReadonlyArray<readonly [string, string, Format, Format, string]> = [
  [
    "encoding=text is passed over (Go: FmtProtoText)",
    "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=text,application/openmetrics-text;q=0.5",
    text,
    om001,
    "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=text",
  ],
  [
    "encoding=compact-text is passed over (Go: FmtProtoCompact)",
    "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=compact-text",
    text,
    text,
    "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=compact-text",
  ],
];

describe("negotiate and negotiateIncludingOpenMetrics", () => {
  it.each(table)("%s", (_why, header, plain, withOpenMetrics) => {
    expect(negotiate(header)).toBe(plain);
    expect(negotiateIncludingOpenMetrics(header)).toBe(withOpenMetrics);
  });

  it.each(deviations)("%s", (_why, header, plain, withOpenMetrics) => {
    expect(negotiate(header)).toBe(plain);
    expect(negotiateIncludingOpenMetrics(header)).toBe(withOpenMetrics);
  });

  it("never throws, whatever the header", () => {
    let seed = 42;
    const alphabet = ["/", ";", ",", "=", " ", "*", "q", "text", "plain", "0.5", '"', "\t", "\u0000", "\ud800", "é"];
    for (let i = 0; i < 2000; i++) {
      let header = "";
      for (let j = 0; j < 20; j++) {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        header += alphabet[seed % alphabet.length];
      }
      expect([text, om001, om1, proto]).toContain(negotiateIncludingOpenMetrics(header));
      expect([text, proto]).toContain(negotiate(header));
    }
  });

  it("runs the @example blocks", () => {
    expect(negotiate("application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited")).toBe(
      FmtProtoDelim,
    );
    expect(negotiate(undefined)).toBe(FmtText);
    expect(negotiateIncludingOpenMetrics("application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5")).toBe(
      FmtOpenMetrics_1_0_0,
    );
    expect(negotiateIncludingOpenMetrics("application/openmetrics-text;version=2.0.0")).toBe(FmtText);
  });
});

describe("parseAccept (goautoneg's ParseAccept)", () => {
  it("orders by q, then concrete before wildcard, keeping ties in order", () => {
    const clauses = parseAccept("*/*;q=0.1,text/plain;q=0.5,application/openmetrics-text;version=1.0.0,text/*;q=0.5");
    expect(clauses.map((c) => [`${c.type}/${c.subType}`, c.q])).toEqual([
      ["application/openmetrics-text", 1],
      ["text/plain", 0.5],
      ["text/*", 0.5],
      ["*/*", Math.fround(0.1)],
    ]);
    expect(clauses[0]!.params).toEqual(new Map([["version", "1.0.0"]]));
  });

  it("drops media ranges that are not type/subtype or a bare *", () => {
    expect(parseAccept("a/b/c,plain,,*").map((c) => `${c.type}/${c.subType}`)).toEqual(["*/*"]);
  });
});

describe("Format", () => {
  it("has the content types expfmt announces", () => {
    expect(FmtText).toBe("text/plain; version=0.0.4; charset=utf-8");
    expect(FmtText).toBe(TextContentType);
    expect(FmtProtoDelim).toBe(
      "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited",
    );
    expect(FmtOpenMetrics_1_0_0).toBe("application/openmetrics-text; version=1.0.0; charset=utf-8");
    expect(FmtOpenMetrics_0_0_1).toBe("application/openmetrics-text; version=0.0.1; charset=utf-8");
  });

  it("openMetricsVersionOf reads the version of an OpenMetrics format", () => {
    expect(openMetricsVersionOf(FmtOpenMetrics_1_0_0)).toBe("1.0.0");
    expect(openMetricsVersionOf(FmtOpenMetrics_0_0_1)).toBe("0.0.1");
    expect(openMetricsVersionOf(FmtText)).toBeUndefined();
    expect(openMetricsVersionOf(FmtProtoDelim)).toBeUndefined();
  });
});
