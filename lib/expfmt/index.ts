/**
 * The expfmt package: exposition formats (encoders, parser).
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
