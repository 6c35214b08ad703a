/**
 * Example: counting HTTP requests with a CounterVec, as client_golang's ExampleCounterVec does.
 *
 * A CounterVec is one metric name with one counter per combination of label values. Children are
 * created on first use and live until they are deleted; curry a vec to fix some labels once.
 */
import { expect, it } from "vitest";
import { metricFamiliesToText } from "../../lib/expfmt/index.js";
import { newCounterVec, newRegistry } from "../../lib/prometheus/index.js";

it("example: a CounterVec of HTTP requests by status code and method", async () => {
  // A registry of our own, so that the example does not depend on what else is registered.
  const reg = newRegistry();

  const httpReqs = newCounterVec(
    {
      name: "http_requests_total",
      help: "How many HTTP requests processed, partitioned by status code and HTTP method.",
    },
    ["code", "method"],
  );
  reg.mustRegister(httpReqs);

  // Label values are given in the order the label names were declared...
  httpReqs.withLabelValues("404", "POST").add(42);

  // ...or by name. Keep the child if you use it often: the lookup is then done once.
  const ok = httpReqs.with({ method: "GET", code: "200" });
  for (let i = 0; i < 1_000_000; i++) ok.inc();

  // A curried vec fixes some labels: here, every request a handler for PUT counts.
  const puts = httpReqs.mustCurryWith({ method: "PUT" });
  puts.withLabelValues("201").inc();
  puts.withLabelValues("500").inc();

  // Series that no longer matter can be deleted, by values or by labels.
  puts.deleteLabelValues("500");

  const text = metricFamiliesToText(await reg.gather());
  // Series are sorted by label values; a million is written as Go writes floats.
  expect(text).toBe(`# HELP http_requests_total How many HTTP requests processed, partitioned by status code and HTTP method.
# TYPE http_requests_total counter
http_requests_total{code="200",method="GET"} 1e+06
http_requests_total{code="201",method="PUT"} 1
http_requests_total{code="404",method="POST"} 42
`);
});
