/**
 * The `demo-exporter` command: flags → logger → registries → web server, in the order of
 * node_exporter's `main`.
 *
 * Counterparts: node_exporter's `node_exporter.go` (`main`, `newHandler`, `innerHandler`: the
 * exporter-metrics registry beside the collectors' registry, merged with `prometheus.Gatherers`,
 * `ContinueOnError`, `InstrumentMetricHandler`), exporter-toolkit's `web/kingpinflag` (the `web.*`
 * flags) and prometheus/common's `promlog/flag` (the `log.*` flags).
 *
 * Deliberate differences from node_exporter:
 * - `--web.disable-exporter-metrics` drops every `promhttp_*` family; node_exporter keeps
 *   `promhttp_metric_handler_errors_total` because it always passes its exporter registry to
 *   `HandlerOpts.Registry`.
 * - `--web.config.file` is checked before anything starts; an invalid file is one error line and
 *   exit code 1 (exporter-toolkit reports it from `ListenAndServe`, after the collectors started).
 * - `--once` and the `lint` command have no node_exporter counterpart: they make the exposition
 *   checkable without a server (`demo-exporter --once | promtool check metrics`).
 * - A usage error exits with status 2 (kingpin's `MustParse` exits 1), the convention of most
 *   Unix tools, so scripts can tell a bad command line from a failed start.
 *
 * @module
 */

import { newBuildInfoCollector, newNodeJSCollector, newProcessCollector } from "../collectors/index.js";
import { metricFamiliesToText } from "../expfmt/index.js";
import { ignoreWriteErrors, type Logger, newLogger, parseFormat, parseLevel } from "../log/index.js";
import {
  DefBuckets,
  Gatherers,
  type Gatherer,
  GatherError,
  metricContextOf,
  newGaugeVec,
  newHistogram,
  newRegistry,
  type Registry,
} from "../prometheus/index.js";
import { ContinueOnError, handlerFor, instrumentMetricHandler } from "../promhttp/index.js";
import { runLint } from "../testutil/index.js";
import { validate as validateWebConfig } from "../web/index.js";
import { ChaosCollector } from "./chaos.js";
import { DefaultHost } from "./config.js";
import { newExporter } from "./exporter.js";
import { runPush } from "./push-command.js";
import {
  type FlagSpec,
  type FlagValues,
  helpFlag,
  parseFlags,
  promlogFlags,
  usage,
  UsageError,
  versionFlag,
  versionText,
} from "./flags.js";
import { landingCardinality } from "./landing-cardinality.js";
import { type RequestHandler, ListenError, type ServerTimeouts, WebServer } from "./server.js";
import { type BuildInfo, buildContext, buildInfo, program, versionInfo } from "./version.js";

/** CliIO is where the command reads and writes; `main` defaults to the process's own streams. */
export interface CliIO {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/** DefaultListenAddress is the port this exporter listens on unless told otherwise. */
export const DefaultListenAddress = ":9877";

/** ShutdownTimeoutMs bounds how long a SIGINT or SIGTERM waits for in-flight scrapes. */
export const ShutdownTimeoutMs = 10_000;

/**
 * MaxRequestsInFlight is the default of `--web.max-requests`, the cap on concurrent scrapes
 * (node_exporter's default); 0 or less means no cap, as there.
 */
export const MaxRequestsInFlight = 40;

/** description is the text under the usage line of `--help`. */
const description =
  "The demo exporter of the client_golang write-up, ported to TypeScript: it serves demo_version " +
  "and demo_total, with process, Node.js and build metrics, for Prometheus to scrape.";

/** flagSpecs is the command's flag table, in the order `--help` lists it. */
export const flagSpecs: readonly FlagSpec[] = [
  helpFlag,
  {
    name: "web.listen-address",
    kind: "string",
    default: DefaultListenAddress,
    help: "Address on which to expose metrics and web interface (host:port; :port for every " +
      "interface; port 0 for any free port).",
  },
  { name: "web.telemetry-path", kind: "string", default: "/metrics", help: "Path under which to expose metrics." },
  {
    name: "web.max-requests",
    kind: "int",
    default: String(MaxRequestsInFlight),
    help: "Maximum number of parallel scrape requests. Use 0 to disable.",
  },
  {
    name: "web.config.file",
    kind: "string",
    default: "",
    help: "[EXPERIMENTAL] Path to configuration file that can enable TLS or authentication. See: " +
      "https://github.com/prometheus/exporter-toolkit/blob/master/docs/web-configuration.md",
  },
  {
    name: "web.disable-exporter-metrics",
    kind: "bool",
    default: false,
    help: "Exclude metrics about the exporter itself (promhttp_*, process_*, nodejs_*).",
  },
  { name: "demo.host", kind: "string", default: DefaultHost, help: "The host the demo exporter reports on." },
  ...promlogFlags,
  {
    name: "once",
    kind: "bool",
    default: false,
    help: "Gather once, write the text exposition to standard output and exit.",
  },
  versionFlag,
];

/** commands are the sub-commands; with none, the exporter serves. */
const commandsHelp = `Commands:
  lint [--extended] [<file>]
    Check a text exposition (a file, or standard input when the file is "-" or
    missing) for problems, like promtool check metrics; --extended also prints
    the series per metric family of a clean input.
  push --gateway.url=<url> --job=<name> [<name>=<value>...]
    Gather the demo collector once and push it to a Pushgateway (push --help).

`;

/** helpText is what `--help` prints: kingpin's usage for the flag table, then the commands. */
export function helpText(): string {
  return usage(program, description, flagSpecs) + commandsHelp;
}

/**
 * main runs the command with `argv` (without the program name) and resolves to its exit status:
 * 0 on success, 1 when the exporter cannot start or `--once` cannot gather, 2 for a usage error,
 * `lint`'s own status for `lint`. Serving resolves only after SIGINT or SIGTERM.
 */
export async function main(argv: readonly string[], io: CliIO = processIO()): Promise<number> {
  // A full disk or a closed pipe fails writes with an `error` event, which would end the process
  // uncaught: log lines are then lost (as Go's are), and output failures are told by the writes.
  ignoreWriteErrors(io.stdout);
  ignoreWriteErrors(io.stderr);
  const { flags, command, args } = splitCommand(argv);
  let values: FlagValues;
  try {
    values = parseFlags(flagSpecs, flags).values;
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.stderr.write(`${program}: error: ${err.message}, try --help\n`);
    return 2;
  }
  if (values["help"] === true) return writeOutput(io, helpText());
  const info = buildInfo();
  if (values["version"] === true) return writeOutput(io, `${versionText(info)}\n`);
  if (command === "lint") return runLint(args, io);
  if (command === "push") return runPush(args, io, info);

  const logger = newLogger({
    level: parseLevel(String(values["log.level"])),
    format: parseFormat(String(values["log.format"])),
    stream: io.stderr,
  });
  const dev = devSettings(process.env);
  if (typeof dev === "string") {
    io.stderr.write(`${program}: error: ${dev}\n`);
    return 2;
  }
  const config = { ...configFrom(values), ...dev };
  if (!config.telemetryPath.startsWith("/")) {
    io.stderr.write(`${program}: error: --web.telemetry-path must be a path starting with "/", got ${JSON.stringify(config.telemetryPath)}, try --help\n`);
    return 2;
  }
  if (!config.once && config.webConfigFile !== "") {
    try {
      validateWebConfig(config.webConfigFile);
    } catch (err) {
      logger.error("Invalid web configuration file", "file", config.webConfigFile, "err", err);
      return 1;
    }
  }
  if (config.once) return once(config, info, logger, io);
  return serve(config, info, logger);
}

/** Config is the parsed command line, typed, with the development settings. */
interface Config extends DevSettings {
  listenAddress: string;
  telemetryPath: string;
  maxRequests: number;
  webConfigFile: string;
  disableExporterMetrics: boolean;
  host: string;
  once: boolean;
}

/**
 * DevSettings are knobs for specs and load runs, read from the environment so that the flags
 * stay node_exporter's. See docs/reliability.md.
 * - `DEMO_EXPORTER_EXTRA_SERIES=n` adds a gauge vector `demo_load_series{shard,series}` of `n`
 *   series (default 0), to scrape an exposition of a realistic size.
 * - `DEMO_EXPORTER_CHAOS=1` registers a {@link ChaosCollector}, which throws, hangs and sends
 *   late in a fixed cycle, for the chaos soak.
 * - `DEMO_EXPORTER_READ_HEADER_TIMEOUT_MS`, `DEMO_EXPORTER_READ_TIMEOUT_MS` and
 *   `DEMO_EXPORTER_IDLE_TIMEOUT_MS` replace the web server's {@link ServerTimeouts}, so that a spec
 *   can watch them act within a second.
 */
interface DevSettings {
  extraSeries: number;
  chaos: boolean;
  timeouts: Partial<ServerTimeouts>;
}

/** devSettings reads the DevSettings from `env`, or returns what is wrong with them. */
function devSettings(env: NodeJS.ProcessEnv): DevSettings | string {
  const read = (name: string, min: number): number | string | undefined => {
    const text = env[name];
    if (text === undefined || text === "") return undefined;
    const n = Number(text);
    return /^\d+$/.test(text) && n >= min && Number.isSafeInteger(n)
      ? n
      : `${name} must be an integer of at least ${min}, got ${JSON.stringify(text)}`;
  };
  const extraSeries = read("DEMO_EXPORTER_EXTRA_SERIES", 0);
  const chaos = read("DEMO_EXPORTER_CHAOS", 0);
  const readHeaderMs = read("DEMO_EXPORTER_READ_HEADER_TIMEOUT_MS", 1);
  const readMs = read("DEMO_EXPORTER_READ_TIMEOUT_MS", 1);
  const idleMs = read("DEMO_EXPORTER_IDLE_TIMEOUT_MS", 1);
  for (const v of [extraSeries, chaos, readHeaderMs, readMs, idleMs]) if (typeof v === "string") return v;
  const timeouts: Partial<ServerTimeouts> = {};
  if (typeof readHeaderMs === "number") timeouts.readHeaderMs = readHeaderMs;
  if (typeof readMs === "number") timeouts.readMs = readMs;
  if (typeof idleMs === "number") timeouts.idleMs = idleMs;
  return { extraSeries: typeof extraSeries === "number" ? extraSeries : 0, chaos: chaos === 1, timeouts };
}

function configFrom(values: FlagValues): Omit<Config, keyof DevSettings> {
  return {
    listenAddress: String(values["web.listen-address"]),
    telemetryPath: String(values["web.telemetry-path"]),
    maxRequests: Math.max(0, Number(values["web.max-requests"])),
    webConfigFile: String(values["web.config.file"]),
    disableExporterMetrics: values["web.disable-exporter-metrics"] === true,
    host: String(values["demo.host"]),
    once: values["once"] === true,
  };
}

/**
 * Metrics is node_exporter's pair of registries: `exporterMetrics` holds the metrics about the
 * exporter itself (process, Node.js, and promhttp's once instrumented), absent when disabled;
 * `gatherer` merges it with the registry of the demo and build-info collectors.
 */
interface Metrics {
  gatherer: Gatherer;
  exporterMetrics: Registry | undefined;
  /** close stops the Node.js collector's monitors. */
  close(): void;
}

function newMetrics(config: Config, info: BuildInfo, logger: Logger): Metrics {
  const registry = newRegistry();
  registry.mustRegister(
    newBuildInfoCollector({
      namespace: "demo",
      version: info.version,
      revision: info.revision,
      nodeversion: info.nodeVersion,
    }),
    newExporter(logger.with("collector", "demo"), { host: config.host }),
  );
  if (config.extraSeries > 0) registry.mustRegister(loadSeries(config.extraSeries));
  if (config.chaos) registry.mustRegister(new ChaosCollector());
  if (config.disableExporterMetrics) {
    return { gatherer: registry, exporterMetrics: undefined, close() {} };
  }
  const exporterMetrics = newRegistry();
  const nodejs = newNodeJSCollector();
  exporterMetrics.mustRegister(newProcessCollector(), nodejs);
  return {
    gatherer: new Gatherers([exporterMetrics, registry]),
    exporterMetrics,
    close: () => nodejs.close(),
  };
}

/**
 * loadSeries makes the `DEMO_EXPORTER_EXTRA_SERIES` gauge vector: `n` series in shards of 1000,
 * each set to its own number.
 */
function loadSeries(n: number) {
  const vec = newGaugeVec(
    { namespace: "demo", name: "load_series", help: "Extra series for load tests (DEMO_EXPORTER_EXTRA_SERIES)." },
    ["shard", "series"],
  );
  for (let i = 0; i < n; i++) vec.withLabelValues(String(Math.floor(i / 1000)), String(i)).set(i);
  return vec;
}

/** metricFields are the log fields naming the metric an error is about, when it names one. */
function metricFields(err: unknown): unknown[] {
  const context = metricContextOf(err);
  return context ? ["metric", context.fqName, "variable_labels", context.variableLabels.join(",")] : [];
}

/**
 * once gathers a single time and writes the text exposition to stdout. A stdout that cannot take
 * it (a full disk, a closed pipe) gives exit status 1 and one error line on stderr.
 */
async function once(config: Config, info: BuildInfo, logger: Logger, io: CliIO): Promise<number> {
  const metrics = newMetrics(config, info, logger);
  let text: string;
  try {
    text = metricFamiliesToText(await metrics.gatherer.gather());
  } catch (err) {
    const errors = err instanceof GatherError ? (err.errors as Error[]) : [err];
    for (const e of errors) logger.error("Error gathering metrics", "err", e, ...metricFields(e));
    return 1;
  } finally {
    metrics.close();
  }
  try {
    await write(io.stdout, text);
    return 0;
  } catch (err) {
    logger.error("Error writing metrics to standard output", "err", err);
    return 1;
  }
}

/**
 * serve runs the web server until SIGINT or SIGTERM, then shuts it down gracefully: no new
 * connections, in-flight scrapes finish (for up to {@link ShutdownTimeoutMs}), the Node.js
 * collector stops. The handlers are removed at the first signal, so a second one ends the
 * process at once, as Node does by default.
 */
async function serve(config: Config, info: BuildInfo, logger: Logger): Promise<number> {
  logger.info(`Starting ${program}`, "version", versionInfo(info));
  logger.info("Build context", "build_context", buildContext(info));
  const metrics = newMetrics(config, info, logger);
  const server = new WebServer({
    telemetryPath: config.telemetryPath,
    metricsHandler: metricsHandler(metrics, logger, config.maxRequests),
    landing: {
      name: "Demo Exporter",
      description,
      version: versionInfo(info),
      section: () => landingCardinality(metrics.gatherer),
    },
    logger,
    timeouts: config.timeouts,
    webConfigFile: config.webConfigFile,
  });
  const stop = untilSignal();
  try {
    await server.listen(config.listenAddress);
  } catch (err) {
    stop.cancel();
    metrics.close();
    if (!(err instanceof ListenError)) throw err;
    logger.error("Error starting HTTP server", "err", err);
    return 1;
  }
  const signal = await stop.received;
  logger.info("Received signal, shutting down", "signal", signal, "in_flight", server.inFlight);
  const inTime = await server.shutdown(ShutdownTimeoutMs);
  if (!inTime) logger.warn("Shutdown timed out, in-flight requests were cut off", "timeout_ms", ShutdownTimeoutMs);
  metrics.close();
  logger.info("Shut down");
  return 0;
}

/**
 * metricsHandler is node_exporter's `innerHandler`: promhttp over the merged gatherer with
 * ContinueOnError, at most `maxRequests` scrapes at once (0: no cap), and, unless exporter
 * metrics are disabled, the promhttp instrumentation.
 * OpenMetrics is offered, so that a Prometheus server that asks for it gets exemplars and
 * created timestamps; plain clients (curl, promtool) still get the text format.
 */
function metricsHandler(metrics: Metrics, logger: Logger, maxRequests: number): RequestHandler {
  const { exporterMetrics } = metrics;
  const handler = handlerFor(metrics.gatherer, {
    errorHandling: ContinueOnError,
    enableOpenMetrics: true,
    errorLog: logger,
    maxRequestsInFlight: maxRequests,
    ...(exporterMetrics === undefined ? {} : { registry: exporterMetrics }),
  });
  if (exporterMetrics === undefined) return handler;
  return timed(exporterMetrics, instrumentMetricHandler(exporterMetrics, handler));
}

/**
 * timed observes how long each scrape takes into `demo_scrape_duration_seconds`: a histogram
 * with classic buckets for every scraper and native buckets (factor 1.1) for a Prometheus that
 * scrapes protobuf with `--enable-feature=native-histograms`.
 */
function timed(registry: Registry, handler: RequestHandler): RequestHandler {
  const duration = newHistogram({
    namespace: "demo",
    name: "scrape_duration_seconds",
    help: "Time taken to answer a scrape of the demo exporter.",
    buckets: DefBuckets,
    nativeHistogramBucketFactor: 1.1,
    nativeHistogramMaxBucketNumber: 100,
    nativeHistogramMinResetDuration: 3_600_000,
  });
  registry.mustRegister(duration);
  return async (req, res) => {
    const start = performance.now();
    res.once("finish", () => duration.observe((performance.now() - start) / 1000));
    await handler(req, res);
  };
}

/** untilSignal resolves `received` with the first SIGINT or SIGTERM; `cancel` stops listening. */
function untilSignal(): { received: Promise<NodeJS.Signals>; cancel(): void } {
  const signals: NodeJS.Signals[] = ["SIGINT", "SIGTERM"];
  let onSignal: (signal: NodeJS.Signals) => void = () => {};
  const received = new Promise<NodeJS.Signals>((resolve) => {
    onSignal = (signal) => {
      cancel();
      resolve(signal);
    };
  });
  const cancel = (): void => {
    for (const s of signals) process.off(s, onSignal);
  };
  for (const s of signals) process.on(s, onSignal);
  return { received, cancel };
}

/**
 * splitCommand separates the flags before a sub-command from the command and its arguments,
 * which go to the command untouched. A word that follows a flag taking a value is that value.
 */
function splitCommand(argv: readonly string[]): { flags: string[]; command?: string; args: string[] } {
  const valued = new Set(flagSpecs.filter((s) => s.kind !== "bool").map((s) => s.name));
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--") break;
    if (arg.startsWith("--")) {
      if (!arg.includes("=") && valued.has(arg.slice(2))) i++;
    } else if (arg === "lint" || arg === "push") {
      return { flags: argv.slice(0, i), command: arg, args: argv.slice(i + 1) };
    }
  }
  return { flags: [...argv], args: [] };
}

/**
 * writeOutput writes `text` to stdout and resolves to exit status 0, or, when stdout cannot take
 * it, writes one error line to stderr (if that can) and resolves to 1.
 */
function writeOutput(io: CliIO, text: string): Promise<number> {
  return write(io.stdout, text).then(
    () => 0,
    (err: unknown) => {
      const message = err instanceof Error ? err.message : String(err);
      io.stderr.write(`${program}: error: cannot write to standard output: ${message}\n`);
      return 1;
    },
  );
}

/** write writes `text` and resolves once the stream has taken it (rejects if it cannot). */
function write(stream: NodeJS.WritableStream, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    try {
      stream.write(text, (err) => (err ? reject(err) : resolve()));
    } catch (err) {
      reject(err);
    }
  });
}

function processIO(): CliIO {
  return { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr };
}
