// Deterministic series data, the same for every implementation in a case.
//
// Label names are given in sorted order and the series in sorted order of their label values:
// our registry sorts label pairs by name and series by label values (as client_golang does),
// prom-client writes labels in the order of `labelNames` and series in insertion order. With the
// data pre-sorted both write the same bytes, so the outputs can be compared byte for byte.
//
// Values are chosen so that every implementation writes the same text for them: finite,
// non-negative and below 1e6, where JavaScript's `String(v)` (prom-client) and Go's shortest
// `%g` formatting (our encoder) agree.

/**
 * flat makes V8 store a string built by concatenation as one flat string now. Otherwise the
 * first library that hashes or scans a label value flattens it, and the memory that frees or
 * takes is counted in some library's heap figure.
 */
function flat(values) {
  for (const s of values) Number(s); // ToNumber flattens a concatenated (cons) string
  return values;
}

/** compareTuples orders label-value tuples element by element (ASCII, so UTF-16 order = UTF-8). */
function compareTuples(a, b) {
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  }
  return 0;
}

/**
 * gaugeData: the series of a GaugeVec with two labels, like the demo's `demo_total`
 * (`instance_id`, `region_id`), with one value each.
 */
export function gaugeData(n) {
  const labelValues = new Array(n);
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    // Zero-padded, so the series are already in sorted order.
    labelValues[i] = flat([`instance-${String(i).padStart(7, "0")}`, `region-${i % 7}`]);
    values[i] = ((i * 7919) % 100003) / 4;
  }
  return {
    name: "bench_gauge",
    help: "A gauge with two labels.",
    labelNames: ["instance_id", "region_id"],
    labelValues,
    values,
  };
}

const codes = ["200", "201", "204", "400", "404", "500"];
const methods = ["DELETE", "GET", "POST", "PUT"];
const jobs = ["api-server", "frontend", "worker"];

/**
 * counterData: the series of a CounterVec with five labels, shaped like HTTP request counters
 * (`code`, `handler`, `instance`, `job`, `method`), with one integral value each.
 */
export function counterData(n) {
  const labelValues = new Array(n);
  for (let i = 0; i < n; i++) {
    labelValues[i] = flat([
      codes[i % codes.length],
      `/api/v1/resource_${i % 53}`,
      `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}:9100`,
      jobs[i % jobs.length],
      methods[i % methods.length],
    ]);
  }
  labelValues.sort(compareTuples);
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = ((i * 31) % 10007) + 1;
  return {
    name: "bench_requests_total",
    help: "A counter with five labels.",
    labelNames: ["code", "handler", "instance", "job", "method"],
    labelValues,
    values,
  };
}

/** The default buckets of both libraries (client_golang's DefBuckets). */
export const defaultBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * histogramData: the label sets of a HistogramVec with two labels (default buckets) and three
 * observations per label set. The sums are added in the same order everywhere, so the same
 * doubles (and the same text) come out.
 */
export function histogramData(n) {
  const labelValues = new Array(n);
  const observations = new Array(n);
  for (let i = 0; i < n; i++) {
    labelValues[i] = flat([`/api/v1/resource_${String(i).padStart(7, "0")}`, ["GET", "POST", "PUT"][i % 3]]);
    observations[i] = [0.003 + (i % 7) * 0.001, 0.2, 1.5 + (i % 3)];
  }
  return {
    name: "bench_request_duration_seconds",
    help: "A histogram with two labels.",
    labelNames: ["handler", "method"],
    labelValues,
    observations,
  };
}
