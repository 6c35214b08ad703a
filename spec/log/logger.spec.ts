/**
 * Specs for lib/log/logger.ts: exact lines with a fixed clock, go-logfmt's quoting table, level
 * filtering, bound context, JSON lines and the caller.
 * @module
 */
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";

import {
  LogConfigError,
  newLogger,
  parseFormat,
  parseLevel,
  type LoggerOptions,
} from "../../lib/log/index.js";

const fixedNow = (): Date => new Date("2026-11-28T10:22:29.123Z");
const ts = "2026-11-28T10:22:29.123Z";

/** collector returns a real Writable that records each write, and the lines written so far. */
function collector(): { stream: Writable; lines: () => string[]; writes: string[] } {
  const writes: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      writes.push(chunk.toString("utf8"));
      callback();
    },
  });
  const lines = (): string[] => writes.join("").split("\n").slice(0, -1);
  return { stream, lines, writes };
}

/** setup builds a logger writing into a collector with the fixed clock. */
function setup(opts: LoggerOptions = {}) {
  const out = collector();
  const logger = newLogger({ now: fixedNow, stream: out.stream, ...opts });
  return { logger, ...out };
}

/** here returns `logger.spec.ts:<line>` for the line it is called on. */
function here(): string {
  const frame = new Error().stack?.split("\n")[2] ?? "";
  const match = /([^\s/\\()]+):(\d+):\d+\)?\s*$/.exec(frame);
  return `${match?.[1]}:${match?.[2]}`;
}

describe("newLogger, logfmt", () => {
  it("writes ts, caller, level, msg, then the key-values in order", () => {
    const { logger, lines } = setup();
    logger.info("Listening on", "address", ":9877", "http2", false); const at = here();
    expect(lines()).toEqual([
      `ts=${ts} caller=${at} level=info msg="Listening on" address=:9877 http2=false`,
    ]);
  });

  it("names the spec file and line as the caller", () => {
    const { logger, lines } = setup();
    logger.warn("x");
    expect(lines()[0]).toMatch(/^ts=\S+ caller=logger\.spec\.ts:\d+ level=warn msg=x$/);
  });

  it("writes each line with a single write call", () => {
    const { logger, writes } = setup();
    logger.info("one", "a", 1);
    logger.error("two");
    expect(writes).toHaveLength(2);
    expect(writes.every((w) => w.endsWith("\n") && w.indexOf("\n") === w.length - 1)).toBe(true);
  });

  const quoting: { name: string; value: unknown; text: string }[] = [
    { name: "plain word", value: "abc", text: "abc" },
    { name: "space", value: "a b", text: `"a b"` },
    { name: "equals sign", value: "a=b", text: `"a=b"` },
    { name: "double quote", value: `say "hi"`, text: `"say \\"hi\\""` },
    { name: "backslash alone stays bare", value: "C:\\dir", text: "C:\\dir" },
    { name: "backslash with space", value: "C:\\my dir", text: `"C:\\\\my dir"` },
    { name: "newline", value: "a\nb", text: `"a\\nb"` },
    { name: "tab", value: "a\tb", text: `"a\\tb"` },
    { name: "carriage return", value: "a\rb", text: `"a\\rb"` },
    { name: "other control", value: "a\x01b", text: `"a\\u0001b"` },
    { name: "DEL is quoted, not escaped", value: "a\x7fb", text: `"a\x7fb"` },
    { name: "lone surrogate", value: "a\ud800b", text: `"a\\ufffdb"` },
    { name: "non-ASCII stays bare", value: "grüße", text: "grüße" },
    { name: "empty string (go-logfmt writes nothing)", value: "", text: "" },
    { name: "the string null", value: "null", text: `"null"` },
    { name: "null", value: null, text: "null" },
    { name: "undefined", value: undefined, text: "null" },
    { name: "integer", value: 42, text: "42" },
    { name: "float", value: 0.25, text: "0.25" },
    { name: "infinity", value: -Infinity, text: "-Inf" },
    { name: "NaN", value: NaN, text: "NaN" },
    { name: "boolean", value: true, text: "true" },
    { name: "bigint", value: 10n, text: "10" },
    { name: "error", value: new Error("listen tcp :9877: bind: address already in use"),
      text: `"listen tcp :9877: bind: address already in use"` },
    { name: "error without spaces", value: new TypeError("boom"), text: "boom" },
    { name: "date", value: new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 6)), text: "2026-01-02T03:04:05.006Z" },
    { name: "array", value: ["a", 1], text: `"[\\"a\\",1]"` },
    { name: "object with toString", value: { toString: () => "stringer" }, text: "stringer" },
  ];

  it.each(quoting)("quotes values like go-logfmt: $name", ({ value, text }) => {
    const { logger, lines } = setup();
    logger.info("m", "k", value);
    const line = lines()[0] ?? "";
    expect(line.slice(line.indexOf(" msg=m ") + " msg=m ".length)).toBe(`k=${text}`);
  });

  it("gives an odd trailing key the value (MISSING), as go-kit does", () => {
    const { logger, lines } = setup();
    logger.info("m", "a", 1, "orphan"); const at = here();
    expect(lines()).toEqual([`ts=${ts} caller=${at} level=info msg=m a=1 orphan=(MISSING)`]);
  });

  it("drops runes logfmt does not allow in keys", () => {
    const { logger, lines } = setup();
    logger.info("m", "my key=", 1, " ", 2, "b", 3);
    expect(lines()[0]).toMatch(/ msg=m mykey=1 b=3$/);
  });
});

describe("level filtering", () => {
  const levels = ["debug", "info", "warn", "error"] as const;
  const table = [
    { level: "debug", written: ["debug", "info", "warn", "error"] },
    { level: "info", written: ["info", "warn", "error"] },
    { level: "warn", written: ["warn", "error"] },
    { level: "error", written: ["error"] },
  ] as const;

  it.each(table)("level $level writes $written", ({ level, written }) => {
    const { logger, lines } = setup({ level });
    for (const l of levels) logger[l](`at ${l}`);
    expect(lines().map((line) => /level=(\w+)/.exec(line)?.[1])).toEqual(written);
  });

  it("defaults to info", () => {
    const { logger, lines } = setup();
    logger.debug("hidden");
    logger.info("shown");
    expect(lines()).toHaveLength(1);
  });

  it("formats nothing below the level: no clock read, no value rendered", () => {
    let clockReads = 0;
    let rendered = 0;
    const out = collector();
    const logger = newLogger({
      level: "warn",
      stream: out.stream,
      now: () => (clockReads++, fixedNow()),
    });
    const costly = { toString: () => (rendered++, "costly") };
    logger.debug("skipped", "v", costly);
    logger.info("skipped", "v", costly);
    expect([clockReads, rendered, out.writes.length]).toEqual([0, 0, 0]);
    logger.warn("kept", "v", costly);
    expect([clockReads, rendered, out.writes.length]).toEqual([1, 1, 1]);
  });
});

describe("with", () => {
  it("binds key-values after level and before msg, as promlog prints them", () => {
    const { logger, lines } = setup();
    const web = logger.with("component", "web");
    web.info("Listening on", "address", ":9877"); const at = here();
    expect(lines()).toEqual([
      `ts=${ts} caller=${at} level=info component=web msg="Listening on" address=:9877`,
    ]);
  });

  it("stacks, pads an odd list, and leaves the parent unchanged", () => {
    const { logger, lines } = setup();
    const child = logger.with("a", 1).with("b");
    child.error("x");
    logger.info("y");
    expect(lines().map((l) => l.slice(l.indexOf(" level="))))
      .toEqual([" level=error a=1 b=(MISSING) msg=x", " level=info msg=y"]);
  });

  it("keeps the level of the parent", () => {
    const { logger, lines } = setup({ level: "error" });
    logger.with("component", "web").warn("dropped");
    expect(lines()).toEqual([]);
  });
});

describe("newLogger, json", () => {
  it("writes one JSON object per line with the logfmt key order", () => {
    const { logger, lines } = setup({ format: "json" });
    logger.with("component", "web").info("Listening on", "address", ":9877", "tls", false); const at = here();
    expect(lines()).toEqual([
      `{"ts":"${ts}","caller":"${at}","level":"info","component":"web","msg":"Listening on",` +
        `"address":":9877","tls":false}`,
    ]);
  });

  it("writes valid JSON for awkward values", () => {
    const { logger, lines } = setup({ format: "json", level: "debug" });
    const cyclic: Record<string, unknown> = {};
    cyclic["self"] = cyclic;
    logger.debug("a \"quoted\"\nline", "err", new Error("boom"), "n", 10n, "inf", Infinity,
      "u", undefined, "obj", { x: [1, 2] }, "cyclic", cyclic, "1", "numeric key", "odd");
    const parsed = lines().map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(parsed).toHaveLength(1);
    expect(parsed[0]).toMatchObject({
      msg: "a \"quoted\"\nline", err: "boom", n: "10", inf: "+Inf", u: null,
      obj: { x: [1, 2] }, cyclic: "[object Object]", "1": "numeric key", odd: "(MISSING)",
    });
    expect(Object.keys(JSON.parse(lines()[0] ?? "{}") as object)).toContain("1");
    expect((lines()[0] ?? "").indexOf(`"1":`)).toBeGreaterThan((lines()[0] ?? "").indexOf(`"cyclic":`));
  });

  it("keeps a repeated key at its first position with the last value", () => {
    const { logger, lines } = setup({ format: "json" });
    logger.info("m", "k", 1, "j", 2, "k", 3);
    expect(lines()[0]).toMatch(/"msg":"m","k":3,"j":2}$/);
  });
});

describe("parseLevel and parseFormat", () => {
  it.each(["debug", "info", "warn", "error"])("accepts level %s", (s) => {
    expect(parseLevel(s)).toBe(s);
  });

  it.each(["json", "logfmt"])("accepts format %s", (s) => {
    expect(parseFormat(s)).toBe(s);
  });

  const bad = [
    { call: () => parseLevel("verbose"), message: `unrecognized log level "verbose"`, setting: "level" },
    { call: () => parseLevel("INFO"), message: `unrecognized log level "INFO"`, setting: "level" },
    { call: () => parseLevel("toString"), message: `unrecognized log level "toString"`, setting: "level" },
    { call: () => parseFormat("xml"), message: `unrecognized log format "xml"`, setting: "format" },
  ];

  it.each(bad)("rejects with LogConfigError: $message", ({ call, message, setting }) => {
    let caught: unknown;
    try {
      call();
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(LogConfigError);
    expect(caught).toMatchObject({ name: "LogConfigError", message, setting });
  });
});

describe("lines that cannot be written", () => {
  it("are lost without an uncaught error when the stream fails, as Go's logger ignores write errors", async () => {
    const failing = new Writable({ write: (_chunk, _enc, cb) => cb(Object.assign(new Error("write ENOSPC"), { code: "ENOSPC" })) });
    const logger = newLogger({ stream: failing });
    logger.error("first");
    logger.error("second, after the stream was destroyed by the first error");
    await new Promise((resolve) => setImmediate(resolve));
    expect(failing.destroyed).toBe(true);
    expect(() => logger.info("third")).not.toThrow();
    expect(failing.listenerCount("error")).toBe(1);
    newLogger({ stream: failing }); // a second logger on the same stream adds no second listener
    expect(failing.listenerCount("error")).toBe(1);
  });

  it("are lost when write throws synchronously", () => {
    const throwing = { write: () => { throw new Error("EBADF"); }, on: () => throwing } as unknown as NodeJS.WritableStream;
    expect(() => newLogger({ stream: throwing }).error("lost")).not.toThrow();
  });
});
