/**
 * loadavg-exporter: serves the load average and memory of this host for Prometheus.
 *
 *   node dist/examples/loadavg-exporter/main.js [--web.listen-address=:9878] [--path.procfs=/proc]
 *
 * Flags are node_exporter's. SIGINT or SIGTERM closes the server and exits.
 *
 * @module
 */

import { parseArgs } from "node:util";

import { newExporterServer } from "./server.js";

const { values } = parseArgs({
  options: {
    "web.listen-address": { type: "string", default: ":9878" },
    "path.procfs": { type: "string", default: "/proc" },
  },
});
const address = values["web.listen-address"]!;
const procRoot = values["path.procfs"]!;

const separator = address.lastIndexOf(":");
const host = address.slice(0, separator).replace(/^\[(.*)\]$/, "$1"); // "[::1]" is "::1"
const port = Number(address.slice(separator + 1));

const server = newExporterServer({ procRoot, onError: (err) => console.error(`error: ${err.message}`) });
server.listen({ port, ...(host === "" ? {} : { host }) }, () => {
  console.error(`loadavg-exporter: listening on ${address}, reading ${procRoot}`);
});
server.on("error", (err) => {
  console.error(`loadavg-exporter: ${err.message}`);
  process.exitCode = 1;
});
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => server.close(() => console.error("loadavg-exporter: stopped")));
}
