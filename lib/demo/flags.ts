/**
 * The demo exporter's command line, in the manner of the kingpin v2 parser that node_exporter
 * uses (via exporter-toolkit and promlog's flag helpers): a table of FlagSpecs goes in, parsed
 * values or a UsageError with kingpin's message come out, and the same table renders the help.
 *
 * Counterparts in alecthomas/kingpin v2: `parser.go` (the tokenizer: `--name=value`, combined
 * short flags, `--`), `flags.go` (`flagGroup.parse`: `--no-` inversion, "expected argument"),
 * `app.go` (`Parse`: parse errors first, then value errors), `values.go` (the enum message),
 * `usage.go`, `model.go` and `templates.go` (`DefaultUsageTemplate`, `formatTwoColumns`,
 * `FormatPlaceHolder`). `versionText` follows prometheus/common `version/info.go` (`Print`).
 *
 * Deliberate differences:
 * - A repeated flag keeps its last value; kingpin v2 rejects a repeated non-cumulative flag with
 *   `flag 'log.level' cannot be repeated`.
 * - Help text is wrapped greedily; kingpin hands it to go/doc, whose line breaks can differ.
 * - Help and version are ordinary specs (`helpFlag`, `versionFlag`) that the caller lists, and
 *   acting on them (print, exit) is the caller's job; kingpin does both itself.
 *
 * @module
 */

/** FlagSpec describes one `--name` flag: its kind, help line, default and help placeholder. */
export interface FlagSpec {
  /** The long name without dashes, e.g. `web.listen-address`. */
  name: string;
  /** One line of help; usage wraps it. */
  help: string;
  /**
   * `string` takes any value, `int` a whole number (kept as its text), `enum` one of `values`,
   * `bool` none (`--name` / `--no-name`).
   */
  kind: "string" | "int" | "bool" | "enum";
  /** The value when the flag is absent: a boolean for bool flags, a string otherwise. */
  default?: string | boolean;
  /** The allowed values of an enum flag, in the order the error message lists them. */
  values?: readonly string[];
  /** A one-character short form, e.g. `h` for `-h`. */
  short?: string;
  /** The help's placeholder, e.g. `<path>`; else the quoted default, else the upper-cased name. */
  placeholder?: string;
}

/** FlagValues maps each flag's long name to its value: a boolean for bool flags, else a string. */
export type FlagValues = Record<string, string | boolean>;

/** ParsedFlags is what parseFlags returns: every flag's value and the positional arguments. */
export interface ParsedFlags {
  values: FlagValues;
  positional: string[];
}

/** ParseOptions tunes parseFlags. */
export interface ParseOptions {
  /**
   * Whether arguments that are not flags (and everything after `--`) are collected into
   * `positional`. Default false: like a kingpin app without `Arg()`s, the first one is an error.
   */
  allowPositional?: boolean;
}

/**
 * UsageError reports a command line that does not fit the flag table. The message is kingpin's
 * (`unknown long flag '--foo'`); kingpin's `MustParse` prints it as
 * `<program>: error: <message>, try --help` and exits with status 1.
 */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/**
 * FlagSpecError reports a flag table that cannot work: a repeated name or short form, an enum
 * without values, a default of the wrong kind. It is the programmer's error, not the user's.
 */
export class FlagSpecError extends Error {
  /** The long name of the offending spec. */
  readonly flag: string;

  constructor(message: string, flag: string) {
    super(message);
    this.name = new.target.name;
    this.flag = flag;
  }
}

/** helpFlag is kingpin's help flag with node_exporter's `-h` short form. */
export const helpFlag: Readonly<FlagSpec> = {
  name: "help",
  short: "h",
  kind: "bool",
  help: "Show context-sensitive help.",
};

/** versionFlag is the flag kingpin's `Version()` adds. */
export const versionFlag: Readonly<FlagSpec> = {
  name: "version",
  kind: "bool",
  help: "Show application version.",
};

/**
 * promlogFlags are the logging flags of Prometheus' promlog (`flag.AddFlags`), which every command
 * that logs takes: `--log.level` and `--log.format`.
 */
export const promlogFlags: readonly Readonly<FlagSpec>[] = [
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
];

/**
 * parseFlags parses `argv` (without the program name) against `specs`. It accepts
 * `--name=value`, `--name value`, `--bool`, `--no-bool`, short forms (`-h`, combined bool shorts
 * like `-hv`, `-xVALUE`) and `--`, after which everything is positional. A repeated flag keeps its
 * last value; an absent flag gets its default, or `false` / `""`.
 *
 * @throws {UsageError} with kingpin's message for an unknown flag, a missing argument, an enum
 * value outside its list, or an unexpected positional argument.
 * @throws {FlagSpecError} when `specs` itself is inconsistent.
 * @example
 * ```ts
 * const listen: FlagSpec = { name: "web.listen-address", kind: "string", default: ":9877", help: "" };
 * const specs = [helpFlag, listen];
 * parseFlags(specs, ["--web.listen-address=:9100"]).values;
 * // { help: false, "web.listen-address": ":9100" }
 * ```
 */
export function parseFlags(
  specs: readonly FlagSpec[],
  argv: readonly string[],
  options: ParseOptions = {},
): ParsedFlags {
  const table = new FlagTable(specs);
  const tokens = new Tokens(argv, table);
  const matches: Match[] = [];
  const positional: string[] = [];
  for (let token = tokens.peek(); token !== undefined; token = tokens.peek()) {
    if (token.type !== "arg") {
      matches.push(matchFlag(table, tokens));
    } else if (options.allowPositional) {
      positional.push(token.value);
      tokens.next();
    } else {
      throw new UsageError(`unexpected ${tokenText(token)}`);
    }
  }
  return { values: assignValues(specs, matches), positional };
}

/** Token is one lexical unit of the command line, as kingpin's tokenizer produces it. */
interface Token {
  readonly type: "long" | "short" | "arg";
  readonly value: string;
}

/** Match is one flag occurrence and its raw value (`"true"` / `"false"` for bools). */
interface Match {
  readonly spec: FlagSpec;
  readonly raw: string;
}

/** tokenText renders a token as kingpin's `Token.String` does, for error messages. */
function tokenText(token: Token): string {
  if (token.type === "long") return `--${token.value}`;
  if (token.type === "short") return `-${token.value}`;
  return token.value;
}

/** FlagTable indexes the specs by long and short name, checking them once. */
class FlagTable {
  readonly #long = new Map<string, FlagSpec>();
  readonly #short = new Map<string, FlagSpec>();

  constructor(specs: readonly FlagSpec[]) {
    for (const spec of specs) {
      checkSpec(spec);
      if (this.#long.has(spec.name)) {
        throw new FlagSpecError(`duplicate long flag --${spec.name}`, spec.name);
      }
      this.#long.set(spec.name, spec);
      if (spec.short === undefined) continue;
      if (this.#short.has(spec.short)) {
        throw new FlagSpecError(`duplicate short flag -${spec.short}`, spec.name);
      }
      this.#short.set(spec.short, spec);
    }
  }

  /** long finds `name`, or the bool flag it negates with a `no-` prefix. */
  long(name: string): { spec: FlagSpec; invert: boolean } | undefined {
    const exact = this.#long.get(name);
    if (exact !== undefined) return { spec: exact, invert: false };
    const negated = name.startsWith("no-") ? this.#long.get(name.slice(3)) : undefined;
    return negated === undefined ? undefined : { spec: negated, invert: true };
  }

  /** short finds the flag whose short form is `c`. */
  short(c: string): FlagSpec | undefined {
    return this.#short.get(c);
  }
}

/** checkSpec rejects a spec whose parts contradict each other. */
function checkSpec(spec: FlagSpec): void {
  const fail = (problem: string): never => {
    throw new FlagSpecError(`flag --${spec.name} ${problem}`, spec.name);
  };
  if (spec.name === "" || spec.name.startsWith("-")) fail("has an invalid name");
  if (spec.short !== undefined && [...spec.short].length !== 1) {
    fail("needs a one-character short form");
  }
  if (spec.kind === "enum" && (spec.values ?? []).length === 0) fail("is an enum without values");
  if (spec.default === undefined) return;
  if ((spec.kind === "bool") !== (typeof spec.default === "boolean")) {
    fail("has a default of the wrong type");
  }
  if (spec.kind === "enum" && !spec.values?.includes(spec.default as string)) {
    fail(`has an invalid default: ${enumMessage(spec, String(spec.default))}`);
  }
  if (spec.kind === "int" && !isInt(String(spec.default))) fail(`has an invalid default: ${intMessage(String(spec.default))}`);
}

/**
 * Tokens reads argv the way kingpin's ParseContext does: `--` switches to arguments only,
 * `--name=value` yields a long flag then an argument, and `-abc` yields `-a` then, for a bool
 * `-a`, `-bc` again, or for a valued `-a`, the argument `bc`.
 */
class Tokens {
  readonly #args: string[];
  readonly #pending: Token[] = [];
  readonly #table: FlagTable;
  #argsOnly = false;

  constructor(argv: readonly string[], table: FlagTable) {
    this.#args = [...argv];
    this.#table = table;
  }

  /** peek returns the next token without consuming it, or undefined at the end. */
  peek(): Token | undefined {
    if (this.#pending.length === 0) {
      const token = this.#read();
      if (token !== undefined) this.#pending.push(token);
    }
    return this.#pending.at(-1);
  }

  /** next consumes and returns the next token, or undefined at the end. */
  next(): Token | undefined {
    return this.#pending.pop() ?? this.#read();
  }

  #read(): Token | undefined {
    const arg = this.#args.shift();
    if (arg === undefined) return undefined;
    if (this.#argsOnly) return { type: "arg", value: arg };
    if (arg === "--") {
      this.#argsOnly = true;
      return this.#read();
    }
    if (arg.startsWith("--")) return this.#readLong(arg.slice(2));
    if (arg.startsWith("-")) return this.#readShort(arg);
    return { type: "arg", value: arg };
  }

  #readLong(body: string): Token {
    const eq = body.indexOf("=");
    if (eq < 0) return { type: "long", value: body };
    this.#pending.push({ type: "arg", value: body.slice(eq + 1) });
    return { type: "long", value: body.slice(0, eq) };
  }

  #readShort(arg: string): Token {
    const c = arg.slice(1, 2);
    const rest = arg.slice(2);
    const spec = this.#table.short(c);
    if (spec !== undefined && spec.kind !== "bool") {
      if (rest !== "") this.#pending.push({ type: "arg", value: rest });
    } else if (rest !== "") {
      this.#args.unshift(`-${rest}`);
    }
    return { type: "short", value: c };
  }
}

/** matchFlag consumes one flag token (and its argument) and returns the occurrence. */
function matchFlag(table: FlagTable, tokens: Tokens): Match {
  const token = tokens.next() as Token;
  const found = lookUp(table, token);
  if (found.spec.kind === "bool") return { spec: found.spec, raw: found.invert ? "false" : "true" };
  if (found.invert) throw new UsageError(`unknown long flag '${tokenText(token)}'`);
  const value = tokens.peek();
  if (value?.type !== "arg") {
    throw new UsageError(`expected argument for flag '${tokenText(token)}'`);
  }
  tokens.next();
  return { spec: found.spec, raw: value.value };
}

/** lookUp resolves a flag token to its spec, with kingpin's messages for unknown flags. */
function lookUp(table: FlagTable, token: Token): { spec: FlagSpec; invert: boolean } {
  if (token.type === "long") {
    const found = table.long(token.value);
    if (found === undefined) throw new UsageError(`unknown long flag '${tokenText(token)}'`);
    return found;
  }
  const spec = table.short(token.value);
  if (spec === undefined) throw new UsageError(`unknown short flag '${tokenText(token)}'`);
  return { spec, invert: false };
}

/** assignValues starts from the defaults and applies the occurrences in order, checking enums. */
function assignValues(specs: readonly FlagSpec[], matches: readonly Match[]): FlagValues {
  const values: FlagValues = {};
  for (const spec of specs) values[spec.name] = spec.default ?? (spec.kind === "bool" ? false : "");
  for (const { spec, raw } of matches) {
    if (spec.kind === "enum" && !spec.values?.includes(raw)) {
      throw new UsageError(enumMessage(spec, raw));
    }
    if (spec.kind === "int" && !isInt(raw)) throw new UsageError(intMessage(raw));
    values[spec.name] = spec.kind === "bool" ? raw === "true" : raw;
  }
  return values;
}

/** isInt reports whether `s` is a decimal integer within int64 that is also a safe JS number. */
function isInt(s: string): boolean {
  return /^[+-]?\d+$/.test(s) && Number.isSafeInteger(Number(s));
}

/** intMessage is kingpin's `intValue.Set` error: the one of Go's `strconv.ParseInt`. */
function intMessage(got: string): string {
  return `strconv.ParseInt: parsing ${goQuote(got)}: ${/^[+-]?\d+$/.test(got) ? "value out of range" : "invalid syntax"}`;
}

/** enumMessage is kingpin's `enumValue.Set` error. */
function enumMessage(spec: FlagSpec, got: string): string {
  return `enum value must be one of ${(spec.values ?? []).join(",")}, got '${got}'`;
}

/** UsageOptions tunes usage. */
export interface UsageOptions {
  /** The text width to wrap at; kingpin uses `$COLUMNS`, then the terminal, then 80. Default 80. */
  width?: number;
}

/**
 * usage renders the help text of kingpin's `DefaultUsageTemplate` for an app with flags and no
 * commands or arguments: the usage line, the wrapped description, and a `Flags:` table whose
 * left column shows `-h, --[no-]help` or `--web.listen-address=":9877"` and whose right column is
 * the wrapped help. The text ends with a blank line, as kingpin's does.
 *
 * @example
 * ```ts
 * usage("demo-exporter", "", [helpFlag]);
 * // "usage: demo-exporter\n\n\nFlags:\n  -h, --[no-]help  Show context-sensitive help.\n\n"
 * ```
 */
export function usage(
  program: string,
  description: string,
  specs: readonly FlagSpec[],
  options: UsageOptions = {},
): string {
  const width = options.width ?? 80;
  let text = `usage: ${program}${flagSummary(specs)}\n`;
  if (description !== "") text += `\n${wrap(description, width).join("\n")}\n`;
  text += "\n\n";
  if (specs.length > 0) text += `Flags:\n${formatTwoColumns(flagRows(specs), width)}\n`;
  return text;
}

/** flagSummary is kingpin's `FlagSummary` when no flag is required: ` [<flags>]` or nothing. */
function flagSummary(specs: readonly FlagSpec[]): string {
  return specs.some((spec) => spec.name !== "help") ? " [<flags>]" : "";
}

/** flagRows pairs each flag's left column with its help, as kingpin's `FlagsToTwoColumns`. */
function flagRows(specs: readonly FlagSpec[]): [string, string][] {
  const haveShort = specs.some((spec) => spec.short !== undefined);
  return specs.map((spec) => [formatFlag(spec, haveShort), spec.help]);
}

/** formatFlag is kingpin's `formatFlag`: the short form, `[no-]` for bools, else `=placeholder`. */
function formatFlag(spec: FlagSpec, haveShort: boolean): string {
  const name = spec.kind === "bool" ? `[no-]${spec.name}` : spec.name;
  let text: string;
  if (spec.short !== undefined) text = `-${spec.short}, --${name}`;
  else text = haveShort ? `    --${name}` : `--${name}`;
  return spec.kind === "bool" ? text : `${text}=${placeholder(spec)}`;
}

/**
 * placeholder is kingpin's `FormatPlaceHolder`: the explicit placeholder, else the default (Go-
 * quoted for string flags, bare for enums), else the name in upper case.
 */
function placeholder(spec: FlagSpec): string {
  if (spec.placeholder !== undefined && spec.placeholder !== "") return spec.placeholder;
  if (spec.default !== undefined) {
    return spec.kind === "string" ? goQuote(String(spec.default)) : String(spec.default);
  }
  return spec.name.toUpperCase();
}

/** goQuote is Go's `strconv.Quote` for the strings a default holds. */
function goQuote(s: string): string {
  const named: Record<string, string> = {
    "\\": "\\\\", '"': '\\"', "\x07": "\\a", "\b": "\\b", "\f": "\\f",
    "\n": "\\n", "\r": "\\r", "\t": "\\t", "\v": "\\v",
  };
  const body = s.replace(/[\\"\x00-\x1f\x7f]/g, (c) =>
    named[c] ?? `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
  return `"${body}"`;
}

/**
 * formatTwoColumns is kingpin's: indent 2, padding 2, the left column as wide as its widest entry
 * under 30 characters; a longer entry puts its help on the next line.
 */
function formatTwoColumns(rows: readonly [string, string][], width: number): string {
  const indent = "  ";
  const padding = 2;
  const s = rows.reduce((w, [left]) => (left.length > w && left.length < 30 ? left.length : w), 0);
  const offset = " ".repeat(s + padding);
  let out = "";
  for (const [left, help] of rows) {
    const lines = wrap(help, width - s - padding - indent.length);
    out += indent + left.padEnd(s) + " ".repeat(padding);
    if (left.length >= 30) out += `\n${indent}${offset}`;
    out += `${lines[0]}\n`;
    for (const line of lines.slice(1)) out += `${indent}${offset}${line}\n`;
  }
  return out;
}

/**
 * wrap breaks text into lines of at most `width` characters at spaces, keeping paragraphs (split
 * by blank lines) apart with an empty line. A word longer than `width` gets a line of its own.
 */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.trim().split(/\n\s*\n/)) {
    if (lines.length > 0) lines.push("");
    let line = "";
    for (const word of paragraph.split(/\s+/).filter((w) => w !== "")) {
      if (line !== "" && line.length + 1 + word.length > width) {
        lines.push(line);
        line = word;
      } else {
        line = line === "" ? word : `${line} ${word}`;
      }
    }
    lines.push(line);
  }
  return lines;
}

/** VersionInfo is the build information versionText prints (prometheus/common's version vars). */
export interface VersionInfo {
  program: string;
  version: string;
  revision: string;
  branch: string;
  buildUser: string;
  buildDate: string;
  /** The runtime in place of Go's `go version`. Default `process.version`, e.g. `v20.20.2`. */
  nodeVersion?: string;
  /** `os/arch` in Node's spelling. Default `process.platform/process.arch`, e.g. `linux/x64`. */
  platform?: string;
  /** Build tags; the `tags:` line appears only when given. */
  tags?: string;
}

/**
 * versionText renders build information in the layout of prometheus/common's `version.Print`,
 * with `node version:` where Go prints `go version:`, and without the trailing newline.
 *
 * @example
 * ```ts
 * versionText({ program: "demo-exporter", version: "0.8.0", revision: "abc123", branch: "main",
 *   buildUser: "root@host", buildDate: "20261128-10:22:29", nodeVersion: "v20.20.2",
 *   platform: "linux/x64" });
 * // demo-exporter, version 0.8.0 (branch: main, revision: abc123)
 * //   build user:       root@host
 * //   build date:       20261128-10:22:29
 * //   node version:     v20.20.2
 * //   platform:         linux/x64
 * ```
 */
export function versionText(info: VersionInfo): string {
  const rows: [string, string][] = [
    ["build user:", info.buildUser],
    ["build date:", info.buildDate],
    ["node version:", info.nodeVersion ?? process.version],
    ["platform:", info.platform ?? `${process.platform}/${process.arch}`],
  ];
  if (info.tags !== undefined) rows.push(["tags:", info.tags]);
  const { program, version, branch, revision } = info;
  const head = `${program}, version ${version} (branch: ${branch}, revision: ${revision})`;
  return [head, ...rows.map(([label, value]) => `  ${label.padEnd(18)}${value}`)].join("\n").trim();
}
