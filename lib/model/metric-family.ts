/**
 * The plain data of a scrape, mirroring client_model's `metrics.proto`
 * (`io.prometheus.client.MetricFamily`, `Metric`, `LabelPair`, ...).
 *
 * Live metrics (`Counter`, `GaugeVec`, ...) write themselves into these objects; the registry groups,
 * checks and sorts them; the encoders in `expfmt` and the helpers in `testutil` read them. Nothing
 * here has behaviour: it is data that can be compared, cloned and printed.
 *
 * Field names follow the proto messages (`label`, `quantile`, `bucket` stay singular, as in Go's
 * generated code) so that a reader of client_golang recognises them. Fields that later formats need
 * (exemplars, created timestamps, units, native-histogram spans and deltas) are here from the start;
 * an encoder that does not support a field ignores it.
 *
 * @module
 */

/** MetricType is the type of a family, spelled as in the text format's `# TYPE` line. */
export type MetricType = "counter" | "gauge" | "summary" | "untyped" | "histogram" | "gaugehistogram";

/**
 * LabelPair is one `name="value"` pair. The label pairs of a vec's series that a plain gather
 * returns are one deep-frozen array for the series' life; the encoders and the registry cache
 * what they compute from deep-frozen arrays only (their text, their validity), which cannot go
 * stale. Other arrays are plain data the caller may change.
 */
export interface LabelPair {
  readonly name: string;
  readonly value: string;
}

/** Exemplar links a sample to a trace: its labels, the observed value and an optional timestamp in ms. */
export interface Exemplar {
  label: readonly LabelPair[];
  value: number;
  timestampMs?: number;
}

/** Counter is the value of a counter sample. */
export interface Counter {
  value: number;
  exemplar?: Exemplar;
  /** Creation time in ms since the epoch (the `_created` sample of OpenMetrics). */
  createdTimestampMs?: number;
}

/** Gauge is the value of a gauge sample. */
export interface Gauge {
  value: number;
}

/** Untyped is the value of an untyped sample. */
export interface Untyped {
  value: number;
}

/** Quantile is one φ-quantile of a summary and its estimated value. */
export interface Quantile {
  quantile: number;
  value: number;
}

/** Summary holds a summary's count, sum and quantiles. */
export interface Summary {
  sampleCount: number;
  sampleSum: number;
  quantile: Quantile[];
  createdTimestampMs?: number;
}

/** Bucket is one cumulative bucket of a classic histogram, with its inclusive upper bound. */
export interface Bucket {
  cumulativeCount: number;
  upperBound: number;
  exemplar?: Exemplar;
}

/** BucketSpan is a run of consecutive native-histogram buckets, `offset` from the previous span. */
export interface BucketSpan {
  offset: number;
  length: number;
}

/**
 * Histogram holds a histogram's count, sum and classic buckets, and optionally the sparse
 * (native, exponential) representation: schema, zero bucket, spans and delta-encoded counts.
 */
export interface Histogram {
  sampleCount: number;
  sampleSum: number;
  /** Classic buckets, sorted by upper bound, without the implicit `+Inf` bucket. */
  bucket: Bucket[];
  createdTimestampMs?: number;
  schema?: number;
  zeroThreshold?: number;
  zeroCount?: number;
  negativeSpan?: BucketSpan[];
  negativeDelta?: number[];
  positiveSpan?: BucketSpan[];
  positiveDelta?: number[];
}

/**
 * Metric is one series of a family: its label pairs (sorted by name, the `le`/`quantile` labels of
 * buckets and quantiles are not included) and exactly one of the typed values.
 */
export interface Metric {
  label: readonly LabelPair[];
  counter?: Counter;
  gauge?: Gauge;
  untyped?: Untyped;
  summary?: Summary;
  histogram?: Histogram;
  /** Sample timestamp in ms since the epoch, when the metric carries one. */
  timestampMs?: number;
}

/** MetricFamily is all series of one metric name, with the name's help text and type. */
export interface MetricFamily {
  name: string;
  /** Help text; client_golang always sets it (possibly empty). Absent only for parsed text without `# HELP`. */
  help?: string;
  type: MetricType;
  /** Unit, for formats that carry it (OpenMetrics `# UNIT`). */
  unit?: string;
  metric: Metric[];
}
