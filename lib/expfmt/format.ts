/**
 * The exposition formats a scrape can ask for, named by the content type each one announces.
 *
 * Counterpart: prometheus/common's expfmt/expfmt.go (`Format`, `FmtText`, `FmtProtoDelim`, ...),
 * with the two OpenMetrics versions of later expfmt releases (`FmtOpenMetrics_1_0_0`,
 * `FmtOpenMetrics_0_0_1`); expfmt 0.39 knew only 0.0.1, as `FmtOpenMetrics`.
 *
 * As in Go, a `Format` is its own `Content-Type` value, so a handler can set the header to the
 * negotiated format directly. Go's protobuf text formats (`FmtProtoText`, `FmtProtoCompact`:
 * the Go protobuf library's debug printing, with no stable byte layout) are left out; see
 * negotiate.ts for what negotiation does when a client asks for them.
 *
 * @module
 */

/** TextVersion is the version of the text exposition format. */
export const TextVersion = "0.0.4";

/** ProtoType is the media type of the protobuf formats. */
export const ProtoType = "application/vnd.google.protobuf";

/** ProtoProtocol is the `proto` parameter of the protobuf formats: the message of each record. */
export const ProtoProtocol = "io.prometheus.client.MetricFamily";

/** OpenMetricsType is the media type of the OpenMetrics text format. */
export const OpenMetricsType = "application/openmetrics-text";

/** OpenMetricsVersion_1_0_0 is the OpenMetrics version Prometheus asks for first. */
export const OpenMetricsVersion_1_0_0 = "1.0.0";

/** OpenMetricsVersion_0_0_1 is the OpenMetrics version expfmt 0.39 announced; same encoding. */
export const OpenMetricsVersion_0_0_1 = "0.0.1";

/** OpenMetricsVersion is a version of OpenMetrics this package writes. */
export type OpenMetricsVersion = typeof OpenMetricsVersion_1_0_0 | typeof OpenMetricsVersion_0_0_1;

/** FmtText is the text format, version 0.0.4. */
export const FmtText = `text/plain; version=${TextVersion}; charset=utf-8` as const;

/** FmtProtoDelim is the protobuf format: varint-length-delimited `MetricFamily` messages. */
export const FmtProtoDelim = `${ProtoType}; proto=${ProtoProtocol}; encoding=delimited` as const;

/** FmtOpenMetrics_1_0_0 is OpenMetrics text, announced as version 1.0.0. */
export const FmtOpenMetrics_1_0_0 = `${OpenMetricsType}; version=${OpenMetricsVersion_1_0_0}; charset=utf-8` as const;

/** FmtOpenMetrics_0_0_1 is OpenMetrics text, announced as version 0.0.1 (expfmt 0.39's `FmtOpenMetrics`). */
export const FmtOpenMetrics_0_0_1 = `${OpenMetricsType}; version=${OpenMetricsVersion_0_0_1}; charset=utf-8` as const;

/**
 * Format is an exposition format, spelled as the `Content-Type` it is served with. Negotiation
 * returns one of these four values and nothing else.
 */
export type Format = typeof FmtText | typeof FmtProtoDelim | typeof FmtOpenMetrics_1_0_0 | typeof FmtOpenMetrics_0_0_1;

/**
 * openMetricsVersionOf returns the OpenMetrics version that `format` announces, or `undefined`
 * when `format` is not OpenMetrics.
 *
 * @example
 * ```ts
 * openMetricsVersionOf(FmtOpenMetrics_1_0_0); // "1.0.0"
 * openMetricsVersionOf(FmtText); // undefined
 * ```
 */
export function openMetricsVersionOf(format: Format): OpenMetricsVersion | undefined {
  if (format === FmtOpenMetrics_1_0_0) return OpenMetricsVersion_1_0_0;
  if (format === FmtOpenMetrics_0_0_1) return OpenMetricsVersion_0_0_1;
  return undefined;
}
