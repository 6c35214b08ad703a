/**
 * The prometheus package: metrics, collectors and registries, mirroring client_golang's
 * `prometheus` package name for name (lowercased at the first letter).
 * @module
 */
export { Channel, type ChannelOptions, DefaultChannelCapacity, type SendOnlyChannel } from "./channel.js";
export { LateSendWarningCode, lateSendsDropped } from "./late-send.js";
export { type Collector, collectorName, describeByCollect, SelfCollector } from "./collector.js";
export { Counter, CounterVec, newCounter, newCounterFunc, newCounterVec } from "./counter.js";
export { buildFQName, Desc, newDesc, newInvalidDesc } from "./desc.js";
export {
  AlreadyRegisteredError,
  ChannelClosedError,
  CollectorError,
  ConsistencyError,
  DescConflictError,
  DuplicateLabelNamesError,
  GatherAbortedError,
  GatherError,
  InconsistentCardinalityError,
  InvalidCollectorError,
  InvalidDescError,
  InvalidExemplarError,
  InvalidLabelValueError,
  InvalidNameError,
  InvalidOptionsError,
  InvalidValueError,
  LabelError,
  LabelMismatchError,
  metricContextOf,
  type MetricContext,
  PrometheusError,
} from "./errors.js";
export {
  type Exemplar,
  type ExemplarAdder,
  ExemplarMaxRunes,
  type ExemplarObserver,
  mustNewMetricWithExemplars,
  newMetricWithExemplars,
} from "./exemplar.js";
export { Gatherers, gathererFunc, MultiTRegistry, newMultiTRegistry } from "./gatherers.js";
export {
  type HasTransactionalGatherer,
  toTransactionalGatherer,
  type Transaction,
  type TransactionalGatherer,
  type TransactionalGatherOptions,
} from "./transactional.js";
export { Gauge, GaugeVec, newGauge, newGaugeFunc, newGaugeVec } from "./gauge.js";
export {
  type ConstBuckets,
  DefBuckets,
  exponentialBuckets,
  exponentialBucketsRange,
  Histogram,
  type HistogramOpts,
  HistogramVec,
  linearBuckets,
  mustNewConstHistogram,
  mustNewConstHistogramWithCreatedTimestamp,
  newConstHistogram,
  newConstHistogramWithCreatedTimestamp,
  newHistogram,
  newHistogramVec,
} from "./histogram.js";
export {
  BucketLabel,
  checkLabelName,
  isValidLabelName,
  isValidMetricName,
  type Labels,
  QuantileLabel,
  ReservedLabelPrefix,
} from "./labels.js";
export { type CounterOpts, type GaugeOpts, type Metric, type Opts, type UntypedOpts } from "./metric.js";
export { type NativeHistogramOpts } from "./native-buckets.js";
export {
  DefNativeHistogramZeroThreshold,
  getLe,
  MaxNativeSchema,
  MinNativeSchema,
  NativeHistogramZeroThresholdZero,
  nativeBucketKey,
  pickSchema,
} from "./native-histogram.js";
export {
  defaultGatherer,
  defaultRegisterer,
  defaultRegistry,
  type Gatherer,
  type GatherOptions,
  mustRegister,
  newPedanticRegistry,
  newRegistry,
  register,
  type Registerer,
  Registry,
  unregister,
} from "./registry.js";
export { writeToTextfile } from "./textfile.js";
export {
  DefAgeBuckets,
  DefBufCap,
  DefMaxAgeMs,
  mustNewConstSummary,
  mustNewConstSummaryWithCreatedTimestamp,
  newConstSummary,
  newConstSummaryWithCreatedTimestamp,
  newSummary,
  newSummaryVec,
  type Objectives,
  Summary,
  type SummaryOpts,
  SummaryVec,
} from "./summary.js";
export { newUntyped, newUntypedFunc, newUntypedVec, Untyped, UntypedVec } from "./untyped.js";
export {
  CounterValue,
  GaugeValue,
  makeLabelPairs,
  mustNewConstMetric,
  mustNewConstMetricWithCreatedTimestamp,
  newConstMetric,
  newConstMetricWithCreatedTimestamp,
  newMetricWithTimestamp,
  type Result,
  UntypedValue,
  ValueFunc,
  type ValueType,
} from "./value.js";
export {
  newSeriesLimitCollector,
  overflowLabelValue,
  SeriesLimitError,
  type SeriesLimitOpts,
  seriesTurnedAway,
} from "./series-limit.js";
export { MetricVec, type NewMetric } from "./vec.js";
export { wrapRegistererWith, wrapRegistererWithPrefix } from "./wrap.js";
/** @internal For promhttp: how long a slice of work runs before it yields to the event loop. */
export { SliceMs } from "./internal/slices.js";
/** The signal a gather follows to stop early: an AbortSignal, or promhttp's lighter one. */
export type { StopSignal } from "./collect.js";
/** @internal For testutil: Go's label-value order, quoting and metric printing. */
export { compareUTF8, goQuote } from "./labels.js";
/** @internal For testutil: the order a gather sorts metrics in. */
export { compareMetrics } from "./consistency.js";
/** @internal For testutil: a metric as Go's proto text prints it. */
export { metricToProtoText } from "./proto-text.js";
