/**
 * Specs for lib/demo/flags.ts: argv → values, argv → kingpin's error messages, the help text and
 * the version text.
 * @module
 */
import { describe, expect, it } from "vitest";

import {
  FlagSpecError,
  UsageError,
  helpFlag,
  parseFlags,
  usage,
  versionFlag,
  versionText,
  type FlagSpec,
} from "../../lib/demo/flags.js";

/** The demo exporter's table, shaped like node_exporter's flags. */
const specs: readonly FlagSpec[] = [
  helpFlag,
  {
    name: "web.listen-address",
    kind: "string",
    default: ":9877",
    help: "Addresses on which to expose metrics and web interface.",
  },
  { name: "web.telemetry-path", kind: "string", default: "/metrics", help: "Path under which to expose metrics." },
  {
    name: "web.config.file",
    kind: "string",
    default: "",
    help: "Path to configuration file that can enable TLS or authentication. See: " +
      "https://github.com/prometheus/exporter-toolkit/blob/master/docs/web-configuration.md",
  },
  { name: "web.disable-exporter-metrics", kind: "bool", help: "Exclude metrics about the exporter itself." },
  { name: "collector.slow", kind: "bool", default: true, help: "Enable the slow collector." },
  { name: "config.file", kind: "string", placeholder: "<path>", help: "Demo collector configuration." },
  { name: "verbose", short: "v", kind: "bool", help: "Chatty output." },
  { name: "output", short: "o", kind: "string", default: "-", help: "Where to write." },
  {
    name: "log.level",
    kind: "enum",
    values: ["debug", "info", "warn", "error"],
    default: "info",
    help: "Only log messages with the given severity or above. One of: [debug, info, warn, error]",
  },
  {
    name: "log.format",
    kind: "enum",
    values: ["logfmt", "json"],
    default: "logfmt",
    help: "Output format of log messages. One of: [logfmt, json]",
  },
  versionFlag,
];

const defaults = {
  help: false,
  "web.listen-address": ":9877",
  "web.telemetry-path": "/metrics",
  "web.config.file": "",
  "web.disable-exporter-metrics": false,
  "collector.slow": true,
  "config.file": "",
  verbose: false,
  output: "-",
  "log.level": "info",
  "log.format": "logfmt",
  version: false,
};

describe("parseFlags, argv → values", () => {
  const table: { argv: string[]; values: Record<string, string | boolean> }[] = [
    { argv: [], values: {} },
    { argv: ["--web.listen-address=:9100"], values: { "web.listen-address": ":9100" } },
    { argv: ["--web.listen-address", ":9100"], values: { "web.listen-address": ":9100" } },
    { argv: ["--web.listen-address="], values: { "web.listen-address": "" } },
    { argv: ["--web.telemetry-path=/a=b"], values: { "web.telemetry-path": "/a=b" } },
    { argv: ["--web.disable-exporter-metrics"], values: { "web.disable-exporter-metrics": true } },
    { argv: ["--no-collector.slow"], values: { "collector.slow": false } },
    { argv: ["--no-collector.slow", "--collector.slow"], values: { "collector.slow": true } },
    { argv: ["-h"], values: { help: true } },
    { argv: ["--help"], values: { help: true } },
    { argv: ["--version"], values: { version: true } },
    { argv: ["-hv"], values: { help: true, verbose: true } },
    { argv: ["-o", "out.txt"], values: { output: "out.txt" } },
    { argv: ["-oout.txt"], values: { output: "out.txt" } },
    { argv: ["-vo", "x"], values: { verbose: true, output: "x" } },
    { argv: ["-vox"], values: { verbose: true, output: "x" } },
    { argv: ["--log.level=debug", "--log.format", "json"], values: { "log.level": "debug", "log.format": "json" } },
    { argv: ["--log.level=debug", "--log.level=warn"], values: { "log.level": "warn" } },
    { argv: ["--web.listen-address=:1", "--web.listen-address", ":2"], values: { "web.listen-address": ":2" } },
    { argv: ["-o-"], values: { output: "-" } },
    { argv: ["--output=-"], values: { output: "-" } },
  ];

  it.each(table)("$argv", ({ argv, values }) => {
    expect(parseFlags(specs, argv)).toEqual({ values: { ...defaults, ...values }, positional: [] });
  });

  it("collects positional arguments when allowed, interspersed or after --", () => {
    const parsed = parseFlags(specs, ["a", "-v", "b", "--", "--log.level=bogus", "-x"], {
      allowPositional: true,
    });
    expect(parsed).toEqual({
      values: { ...defaults, verbose: true },
      positional: ["a", "b", "--log.level=bogus", "-x"],
    });
  });

  it("takes a value after -- as the argument of a valued flag, like kingpin", () => {
    expect(parseFlags(specs, ["--output", "--", "-"]).values["output"]).toBe("-");
  });

  it("does what its @example says", () => {
    const listen: FlagSpec = { name: "web.listen-address", kind: "string", default: ":9877", help: "" };
    const specs = [helpFlag, listen];
    expect(parseFlags(specs, ["--web.listen-address=:9100"]).values)
      .toEqual({ help: false, "web.listen-address": ":9100" });
  });

  it("returns false or empty string for flags without a default", () => {
    const { values } = parseFlags([{ name: "x", kind: "string", help: "" }, { name: "y", kind: "bool", help: "" }], []);
    expect(values).toEqual({ x: "", y: false });
  });
});

describe("parseFlags, argv → UsageError", () => {
  const table: { argv: string[]; message: string }[] = [
    { argv: ["--foo"], message: "unknown long flag '--foo'" },
    { argv: ["--foo=bar"], message: "unknown long flag '--foo'" },
    { argv: ["--no-web.listen-address"], message: "unknown long flag '--no-web.listen-address'" },
    { argv: ["-x"], message: "unknown short flag '-x'" },
    { argv: ["-vx"], message: "unknown short flag '-x'" },
    { argv: ["-"], message: "unknown short flag '-'" },
    { argv: ["--web.listen-address"], message: "expected argument for flag '--web.listen-address'" },
    { argv: ["--web.listen-address", "--verbose"], message: "expected argument for flag '--web.listen-address'" },
    { argv: ["-o"], message: "expected argument for flag '-o'" },
    { argv: ["--output", "-"], message: "expected argument for flag '--output'" },
    { argv: ["--log.level=verbose"], message: "enum value must be one of debug,info,warn,error, got 'verbose'" },
    { argv: ["--log.format", "xml"], message: "enum value must be one of logfmt,json, got 'xml'" },
    { argv: ["serve"], message: "unexpected serve" },
    { argv: ["--", "serve"], message: "unexpected serve" },
    { argv: ["--verbose=true"], message: "unexpected true" },
    { argv: ["--foo", "serve"], message: "unknown long flag '--foo'" },
    { argv: ["--log.level=verbose", "serve"], message: "unexpected serve" },
  ];

  it.each(table)("$argv → $message", ({ argv, message }) => {
    let caught: unknown;
    try {
      parseFlags(specs, argv);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(UsageError);
    expect(caught).toMatchObject({ name: "UsageError", message });
  });
});

describe("parseFlags, inconsistent specs → FlagSpecError", () => {
  const table: { specs: FlagSpec[]; message: string }[] = [
    {
      specs: [{ name: "a", kind: "bool", help: "" }, { name: "a", kind: "string", help: "" }],
      message: "duplicate long flag --a",
    },
    {
      specs: [{ name: "a", short: "x", kind: "bool", help: "" }, { name: "b", short: "x", kind: "bool", help: "" }],
      message: "duplicate short flag -x",
    },
    { specs: [{ name: "e", kind: "enum", help: "" }], message: "flag --e is an enum without values" },
    {
      specs: [{ name: "e", kind: "enum", values: ["a"], default: "b", help: "" }],
      message: "flag --e has an invalid default: enum value must be one of a, got 'b'",
    },
    { specs: [{ name: "b", kind: "bool", default: "yes", help: "" }], message: "flag --b has a default of the wrong type" },
    { specs: [{ name: "s", kind: "string", short: "ab", help: "" }], message: "flag --s needs a one-character short form" },
  ];

  it.each(table)("$message", ({ specs: bad, message }) => {
    expect(() => parseFlags(bad, [])).toThrow(FlagSpecError);
    expect(() => parseFlags(bad, [])).toThrow(message);
  });
});

describe("usage", () => {
  it("renders kingpin's layout, every flag with its default or placeholder", () => {
    expect(usage("demo-exporter", "A demo exporter for learning how exporters work.", specs)).toBe(
      `usage: demo-exporter [<flags>]

A demo exporter for learning how exporters work.


Flags:
  -h, --[no-]help            Show context-sensitive help.
      --web.listen-address=":9877"  
                             Addresses on which to expose metrics and web
                             interface.
      --web.telemetry-path="/metrics"  
                             Path under which to expose metrics.
      --web.config.file=""   Path to configuration file that can enable TLS or
                             authentication. See:
                             https://github.com/prometheus/exporter-toolkit/blob/master/docs/web-configuration.md
      --[no-]web.disable-exporter-metrics  
                             Exclude metrics about the exporter itself.
      --[no-]collector.slow  Enable the slow collector.
      --config.file=<path>   Demo collector configuration.
  -v, --[no-]verbose         Chatty output.
  -o, --output="-"           Where to write.
      --log.level=info       Only log messages with the given severity or above.
                             One of: [debug, info, warn, error]
      --log.format=logfmt    Output format of log messages. One of: [logfmt,
                             json]
      --[no-]version         Show application version.

`,
    );
  });

  it("omits the description paragraph and [<flags>] when there is nothing to show", () => {
    expect(usage("demo-exporter", "", [helpFlag])).toBe(
      "usage: demo-exporter\n\n\nFlags:\n  -h, --[no-]help  Show context-sensitive help.\n\n",
    );
  });

  it("indents no column when no flag has a short form, and uses the upper-cased name", () => {
    const text = usage("x", "", [{ name: "collector.dir", kind: "string", help: "Directory." }, versionFlag]);
    expect(text).toContain("\n  --collector.dir=COLLECTOR.DIR  Directory.\n  --[no-]version                 Show");
  });

  it("wraps to the given width and Go-quotes string defaults", () => {
    const text = usage("x", "one two three four", [{ name: "q", kind: "string", default: 'a"b\tc', help: "" }], {
      width: 10,
    });
    expect(text).toBe(`usage: x [<flags>]\n\none two\nthree four\n\n\nFlags:\n  --q="a\\"b\\tc"  \n\n`);
  });

  it("lists each flag of the table", () => {
    const text = usage("demo-exporter", "", specs);
    for (const spec of specs) expect(text).toContain(`--${spec.kind === "bool" ? "[no-]" : ""}${spec.name}`);
  });
});

describe("versionText", () => {
  const info = {
    program: "demo-exporter",
    version: "0.8.0",
    revision: "abc123",
    branch: "main",
    buildUser: "root@host",
    buildDate: "20261128-10:22:29",
  };

  it("follows prometheus/common version.Print, with node in place of go", () => {
    expect(versionText({ ...info, nodeVersion: "v20.20.2", platform: "linux/x64" })).toBe(
      `demo-exporter, version 0.8.0 (branch: main, revision: abc123)
  build user:       root@host
  build date:       20261128-10:22:29
  node version:     v20.20.2
  platform:         linux/x64`,
    );
  });

  it("adds the tags line when tags are given", () => {
    expect(versionText({ ...info, nodeVersion: "v20.20.2", platform: "linux/x64", tags: "unknown" }))
      .toMatch(/\n  platform:         linux\/x64\n  tags:             unknown$/);
  });

  it("defaults to the running Node and platform", () => {
    expect(versionText(info)).toContain(
      `\n  node version:     ${process.version}\n  platform:         ${process.platform}/${process.arch}`,
    );
  });
});
