/**
 * The data model of gathered metrics (client_model's messages as plain objects), and the rows
 * form of a family that a transactional gather may hand the encoders (rows-family.ts).
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
export { type GatheredFamily, isRowsFamily, newRowsFamily, type RowsFamily } from "./rows-family.js";
