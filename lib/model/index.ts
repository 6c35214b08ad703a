/**
 * The data model of gathered metrics (client_model's messages as plain objects).
 * @module
 */
export type {
  Bucket,
  BucketSpan,
  Counter,
  Exemplar,
  Gauge,
  Histogram,
  LabelPair,
  Metric,
  MetricFamily,
  MetricType,
  Quantile,
  Summary,
  Untyped,
} from "./metric-family.js";
export { sealedLabelsText, sealLabelPairs } from "./label-cache.js";
export {
  blockOf,
  entryTexts,
  entryValues,
  familyOfBlock,
  type LabelTemplate,
  metricsOfBlock,
  rowLabelPairs,
  type SeriesBlock,
  unescapeLabelValue,
} from "./series-block.js";
