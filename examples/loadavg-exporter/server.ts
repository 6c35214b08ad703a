/**
 * The loadavg exporter's HTTP server: `/metrics` served by promhttp from a registry holding the
 * host collector, and a small landing page at `/`.
 *
 * Counterpart: the `main` of a Go exporter: `prometheus.NewRegistry()`, `reg.MustRegister(...)`,
 * `http.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))`.
 *
 * @module
 */

import { createServer, type Server } from "node:http";

import { newRegistry } from "../../lib/prometheus/index.js";
import { handlerFor } from "../../lib/promhttp/index.js";
import { type HostCollectorOptions, newHostCollector } from "./collector.js";

/** newExporterServer returns an HTTP server (not yet listening) that serves the host's metrics. */
export function newExporterServer(options: HostCollectorOptions = {}): Server {
  const registry = newRegistry();
  registry.mustRegister(newHostCollector(options));
  const metrics = handlerFor(registry, { errorLog: { error: (msg, ...kv) => console.error(msg, ...kv) } });
  return createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    if (path === "/metrics") {
      void metrics(req, res);
    } else if (path === "/") {
      res.setHeader("Content-Type", "text/html; charset=utf-8");
      res.end('<h1>loadavg exporter</h1><p><a href="/metrics">Metrics</a></p>\n');
    } else {
      res.statusCode = 404;
      res.end("Not Found\n");
    }
  });
}
