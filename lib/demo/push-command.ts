/**
 * The `push` command: one gather of the demo collector (and `demo_build_info`), pushed to a
 * Pushgateway with lib/push, for a run that ends before Prometheus could scrape it.
 *
 * `demo-exporter push --gateway.url=URL --job=NAME [<name>=<value>...]`: the arguments after the
 * flags are the grouping key. `--method=add` uses POST (replace same-named metrics) instead of
 * PUT (replace the group); `--format=text` pushes the text format instead of protobuf.
 * Credentials for a Pushgateway behind basic auth go in the URL (`http://user:pass@host:9091`).
 *
 * Counterpart: none in node_exporter; the example of client_golang's push package
 * (`ExamplePusher_Push`), as a command. Exit status: 0 pushed, 1 the gather or the push failed
 * (logged with the typed error's message), 2 a usage error, as the rest of the command line.
 *
 * @module
 */

import { newBuildInfoCollector } from "../collectors/index.js";
import { FmtProtoDelim, FmtText } from "../expfmt/index.js";
import { newLogger, parseFormat, parseLevel } from "../log/index.js";
import { GatherError, isValidLabelName } from "../prometheus/index.js";
import { newPusher } from "../push/index.js";
import { DefaultHost } from "./config.js";
import { newExporter } from "./exporter.js";
import { type FlagSpec, helpFlag, parseFlags, promlogFlags, usage, UsageError } from "./flags.js";
import { type BuildInfo, program } from "./version.js";

/** PushIO is where the command writes: usage to `stdout`, logs and errors to `stderr`. */
export interface PushIO {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/** pushFlagSpecs is the flag table of `push`, in the order `push --help` lists it. */
export const pushFlagSpecs: readonly FlagSpec[] = [
  helpFlag,
  {
    name: "gateway.url",
    kind: "string",
    placeholder: "<url>",
    help: "The Pushgateway to push to (http://host:9091; host:port adds http://). Required.",
  },
  { name: "job", kind: "string", placeholder: "<name>", help: "The job label of the pushed group. Required." },
  {
    name: "method",
    kind: "enum",
    values: ["push", "add"],
    default: "push",
    help: "push replaces the whole group (PUT); add replaces only metrics of the same name (POST).",
  },
  {
    name: "format",
    kind: "enum",
    values: ["protobuf", "text"],
    default: "protobuf",
    help: "The encoding of the pushed metrics.",
  },
  { name: "timeout", kind: "string", default: "10s", help: "How long the Pushgateway may take to answer (e.g. 500ms, 10s, 1m)." },
  { name: "demo.host", kind: "string", default: DefaultHost, help: "The host the demo exporter reports on." },
  ...promlogFlags,
];

const description =
  "Gather the demo collector once and push it to a Pushgateway. The arguments after the flags " +
  "(<name>=<value>) are the grouping key besides the job.";

/** pushHelpText is what `push --help` prints. */
export function pushHelpText(): string {
  return usage(`${program} push`, description, pushFlagSpecs).replace("[<flags>]", "[<flags>] [<name>=<value>...]");
}

/**
 * runPush runs `push` with the arguments after the command name and resolves to the exit status:
 * 0 when the Pushgateway took the metrics, 1 when gathering or pushing failed, 2 for a usage
 * error.
 */
export async function runPush(args: readonly string[], io: PushIO, info: BuildInfo): Promise<number> {
  let parsed: PushConfig;
  try {
    parsed = pushConfig(args);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    await write(io.stderr, `${program} push: error: ${err.message}, try --help\n`);
    return 2;
  }
  if (parsed === "help") return write(io.stdout, pushHelpText()).then(() => 0);
  const logger = newLogger({ level: parsed.level, format: parsed.logFormat, stream: io.stderr });
  const pusher = newPusher(parsed.url, parsed.job)
    .format(parsed.format === "text" ? FmtText : FmtProtoDelim)
    .timeout(parsed.timeoutMs)
    .collector(newBuildInfoCollector({ namespace: "demo", version: info.version, revision: info.revision, nodeversion: info.nodeVersion }))
    .collector(newExporter(logger.with("collector", "demo"), { host: parsed.host }));
  for (const [name, value] of parsed.grouping) pusher.grouping(name, value);
  try {
    await (parsed.method === "add" ? pusher.add() : pusher.push());
  } catch (err) {
    const errors = err instanceof GatherError ? (err.errors as Error[]) : [err];
    for (const e of errors) logger.error("Error pushing to Pushgateway", "job", parsed.job, "err", e);
    return 1;
  }
  logger.info("Pushed metrics to Pushgateway", "job", parsed.job, "method", parsed.method, "format", parsed.format);
  return 0;
}

/** PushConfig is the parsed command line of `push`, or `"help"`. */
type PushConfig =
  | "help"
  | {
      url: string;
      job: string;
      grouping: [string, string][];
      method: "push" | "add";
      format: "protobuf" | "text";
      timeoutMs: number;
      host: string;
      level: ReturnType<typeof parseLevel>;
      logFormat: ReturnType<typeof parseFormat>;
    };

/** pushConfig parses the arguments. @throws {UsageError} with a kingpin-style message. */
function pushConfig(args: readonly string[]): PushConfig {
  const { values, positional } = parseFlags(pushFlagSpecs, args, { allowPositional: true });
  if (values["help"] === true) return "help";
  for (const name of ["gateway.url", "job"]) {
    if (values[name] === "") throw new UsageError(`required flag --${name} not provided`);
  }
  const grouping = positional.map((arg): [string, string] => {
    const eq = arg.indexOf("=");
    const name = arg.slice(0, Math.max(eq, 0));
    if (eq < 0 || !isValidLabelName(name)) throw new UsageError(`grouping label ${JSON.stringify(arg)} is not <name>=<value>`);
    return [name, arg.slice(eq + 1)];
  });
  return {
    url: String(values["gateway.url"]),
    job: String(values["job"]),
    grouping,
    method: values["method"] === "add" ? "add" : "push",
    format: values["format"] === "text" ? "text" : "protobuf",
    timeoutMs: parseDurationMs(String(values["timeout"])),
    host: String(values["demo.host"]),
    level: parseLevel(String(values["log.level"])),
    logFormat: parseFormat(String(values["log.format"])),
  };
}

/**
 * parseDurationMs reads a duration in the form of Prometheus' flags (`500ms`, `10s`, `1m30s`,
 * `1h`) as milliseconds. @throws {UsageError} for anything else, or zero.
 */
export function parseDurationMs(text: string): number {
  const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  const parts = /^(?:\d+(?:ms|s|m|h))+$/.test(text) ? text.match(/\d+(?:ms|s|m|h)/g)! : [];
  const ms = parts.reduce((sum, part) => {
    const [, n, unit] = /^(\d+)(ms|s|m|h)$/.exec(part)!;
    return sum + Number(n) * units[unit!]!;
  }, 0);
  if (!(ms > 0) || !Number.isSafeInteger(ms)) throw new UsageError(`invalid duration ${JSON.stringify(text)} for --timeout`);
  return ms;
}

/** write writes `text` and resolves once the stream has taken it. */
function write(stream: NodeJS.WritableStream, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.write(text, (err) => (err ? reject(err) : resolve()));
  });
}
