/**
 * The expfmt package: exposition formats (encoders, parser, decoders).
 * @module
 */
export { formatFloat, parseFloatGo } from "./float.js";
export { parseText, TextParseError } from "./parse.js";
export {
  DefaultChunkSize,
  EncodeError,
  escapeHelp,
  escapeLabelValue,
  metricFamiliesToText,
  metricFamilyToText,
  TextContentType,
  textChunks,
} from "./text.js";
export {
  isDeepFrozen,
  LabelTextError,
  labelsText,
  parseFrozenLabelsText,
  parseLabelsText,
  renderLabels,
  unescapeLabelValue,
  writeEscapedLabelValue,
} from "./label-text.js";
export { asMetricFamily, familyOfRows, metricOfRow, metricsOfRows, rowLabelsText } from "./rows.js";
export { SlabPool } from "./slab-pool.js";
export { TextByteEncoder, textByteChunks } from "./text-bytes.js";
export {
  FmtOpenMetrics_0_0_1,
  FmtOpenMetrics_1_0_0,
  FmtProtoDelim,
  FmtText,
  type Format,
  OpenMetricsType,
  type OpenMetricsVersion,
  OpenMetricsVersion_0_0_1,
  OpenMetricsVersion_1_0_0,
  openMetricsVersionOf,
  ProtoProtocol,
  ProtoType,
  TextVersion,
} from "./format.js";
export { negotiate, negotiateIncludingOpenMetrics } from "./negotiate.js";
export {
  ExemplarMaxRunes,
  finalizeOpenMetrics,
  formatOpenMetricsFloat,
  metricFamiliesToOpenMetrics,
  metricFamilyToOpenMetrics,
  openMetricsChunks,
  type OpenMetricsOptions,
} from "./openmetrics.js";
export { encodeDelimited, protobufChunks, type ProtobufOptions } from "./protobuf.js";
export {
  type ByteSource,
  type DecodeFormat,
  DecodeError,
  type Decoder,
  FmtUnknown,
  type HeaderSource,
  newDecoder,
  ProtoDecoder,
  responseFormat,
  TextFormatDecoder,
} from "./decode.js";
export { ProtoDecodeError } from "./decode-proto.js";
export { type DecodeOptions, extractSamples, type Sample, SampleDecoder, UnknownTypeError } from "./decode-samples.js";
