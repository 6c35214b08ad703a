/**
 * Decoders: metric families from a byte stream in the text format or the delimited protobuf
 * format, and the format of a scrape response from its headers.
 *
 * Counterpart: prometheus/common's expfmt/decode.go (`Decoder`, `NewDecoder`, `ResponseFormat`,
 * `protoDecoder`, `textDecoder`); sample extraction is in decode-samples.ts. Go's `Decode(*dto.
 * MetricFamily) error` that returns `io.EOF` at the end becomes `decode()`, which resolves to the
 * next family or to `undefined` at the end; a decoder is also an async iterable of families.
 * The source is what Node reads from: a `Readable`, any `AsyncIterable` or `Iterable` of byte
 * chunks (or strings, taken as UTF-8), or one `Uint8Array`.
 *
 * The text decoder is `TextFormatDecoder`, not Go's `textDecoder` capitalized: `TextDecoder` is a
 * global of JavaScript (the UTF-8 decoder). As in Go, it reads the whole input at the first
 * `decode()` and hands out the families one by one; unlike Go, whose map gives them in random
 * order, it hands them out in the order of the text.
 *
 * @module
 */

import type * as dto from "../model/index.js";
import { readMetricFamily } from "./decode-proto.js";
import { FmtProtoDelim, FmtText, ProtoProtocol, ProtoType, TextVersion } from "./format.js";
import { parseText } from "./parse.js";
import { goQuote } from "./utf8.js";

/** FmtUnknown is what {@link responseFormat} returns for a response in no format it knows. */
export const FmtUnknown = "<unknown>";

/** DecodeFormat is a format a response can be in, as {@link responseFormat} names it. */
export type DecodeFormat = typeof FmtText | typeof FmtProtoDelim | typeof FmtUnknown;

/** ByteSource is what a decoder reads: chunks of bytes (or UTF-8 strings), or all the bytes. */
export type ByteSource = AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string> | Uint8Array;

/** HeaderSource is a response's headers: fetch's `Headers`, or Node's header object. */
export type HeaderSource = { get(name: string): string | null } | Record<string, string | string[] | undefined>;

/** DecodeError reports input a decoder cannot read: truncated, not protobuf, or invalid names. */
export class DecodeError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "DecodeError";
  }
}

/** Decoder reads metric families one by one (Go's `Decoder`). */
export interface Decoder extends AsyncIterable<dto.MetricFamily> {
  /**
   * decode resolves to the next family, or to `undefined` at the end of the input (Go's
   * `io.EOF`).
   * @throws {DecodeError} or {@link TextParseError} for input that is not in the format.
   */
  decode(): Promise<dto.MetricFamily | undefined>;
}

/**
 * responseFormat returns the format of a response from its `Content-Type` header (Go's
 * `ResponseFormat`): the delimited protobuf format, the text format, or {@link FmtUnknown} for
 * anything else, a header that does not parse or a missing one included.
 * @example
 * ```ts
 * responseFormat({ "content-type": "text/plain; version=0.0.4" }); // FmtText
 * responseFormat(new Headers({ "Content-Type": "application/json" })); // FmtUnknown
 * ```
 */
export function responseFormat(headers: HeaderSource): DecodeFormat {
  const parsed = parseMediaType(contentType(headers));
  if (parsed === undefined) return FmtUnknown;
  const { mediaType, params } = parsed;
  if (mediaType === ProtoType) {
    if (params.has("proto") && params.get("proto") !== ProtoProtocol) return FmtUnknown;
    if (params.has("encoding") && params.get("encoding") !== "delimited") return FmtUnknown;
    return FmtProtoDelim;
  }
  if (mediaType === "text/plain") {
    if (params.has("version") && params.get("version") !== TextVersion) return FmtUnknown;
    return FmtText;
  }
  return FmtUnknown;
}

/**
 * newDecoder returns a decoder of `source` in `format` (Go's `NewDecoder`): a
 * {@link ProtoDecoder} for the delimited protobuf format, a {@link TextFormatDecoder} for any
 * other format, as in Go.
 */
export function newDecoder(source: ByteSource, format: string): Decoder {
  return format === FmtProtoDelim ? new ProtoDecoder(source) : new TextFormatDecoder(source);
}

/**
 * ProtoDecoder reads varint-length-delimited `MetricFamily` messages (Go's `protoDecoder`),
 * reading only as many bytes as each message needs. As Go, it rejects a family whose name is not
 * a valid metric name, or a label whose value is not valid UTF-8 or whose name is not valid.
 */
export class ProtoDecoder implements Decoder {
  readonly #input: ByteReader;

  constructor(source: ByteSource) {
    this.#input = new ByteReader(source);
  }

  /**
   * decode reads the next message.
   * @throws {DecodeError} `unexpected EOF` for a truncated message, the protobuf library's
   * message for bytes that are not a message, or Go's `invalid metric name "..."`,
   * `invalid label value "..."`, `invalid label name "..."`.
   */
  async decode(): Promise<dto.MetricFamily | undefined> {
    const length = await this.#input.uvarint();
    if (length === undefined) return undefined;
    const body = await this.#input.take(length);
    let family: dto.MetricFamily;
    try {
      family = readMetricFamily(body);
    } catch (err) {
      throw new DecodeError((err as Error).message, { cause: err });
    }
    checkNames(family);
    return family;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<dto.MetricFamily> {
    for (let f = await this.decode(); f !== undefined; f = await this.decode()) yield f;
  }
}

/**
 * TextFormatDecoder reads the text format (Go's `textDecoder`): all of the input at the first
 * `decode()`, parsed as bytes (so that invalid UTF-8 is reported where Go reports it), then the
 * families one by one, in the order of the text.
 */
export class TextFormatDecoder implements Decoder {
  readonly #source: ByteSource;
  #families: dto.MetricFamily[] | undefined;

  constructor(source: ByteSource) {
    this.#source = source;
  }

  /**
   * decode returns the next family.
   * @throws {TextParseError} for input that is not in the text format.
   */
  async decode(): Promise<dto.MetricFamily | undefined> {
    this.#families ??= parseText(await readAll(this.#source)).reverse();
    return this.#families.pop();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<dto.MetricFamily> {
    for (let f = await this.decode(); f !== undefined; f = await this.decode()) yield f;
  }
}

/** checkNames applies the checks of Go's `protoDecoder.Decode` to a decoded family. */
function checkNames(family: dto.MetricFamily): void {
  if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(family.name)) {
    throw new DecodeError(`invalid metric name ${goQuote(family.name)}`);
  }
  for (const m of family.metric) {
    for (const l of m.label) {
      if (!l.value.isWellFormed()) throw new DecodeError(`invalid label value ${goQuote(l.value)}`);
      if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(l.name)) throw new DecodeError(`invalid label name ${goQuote(l.name)}`);
    }
  }
}

/** contentType returns the `Content-Type` header, or "" when there is none. */
function contentType(headers: HeaderSource): string {
  if (typeof headers.get === "function") return (headers as { get(n: string): string | null }).get("content-type") ?? "";
  for (const [name, value] of Object.entries(headers as Record<string, string | string[] | undefined>)) {
    if (name.toLowerCase() !== "content-type" || value === undefined) continue;
    return Array.isArray(value) ? (value[0] ?? "") : value;
  }
  return "";
}

const token = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * parseMediaType reads `type/subtype; name=value; ...` as Go's `mime.ParseMediaType` does: the
 * type and parameter names lowercased, values as tokens or quoted strings; undefined where Go
 * returns an error (no type, a bad parameter, a repeated one).
 */
function parseMediaType(value: string): { mediaType: string; params: Map<string, string> } | undefined {
  const [head = "", ...rest] = splitParams(value);
  const mediaType = head.trim().toLowerCase();
  const slash = mediaType.indexOf("/");
  if (!token.test(mediaType.replace("/", "")) || slash <= 0 || slash === mediaType.length - 1) return undefined;
  const params = new Map<string, string>();
  for (const part of rest) {
    if (part.trim() === "") continue; // Go tolerates a trailing semicolon
    const eq = part.indexOf("=");
    if (eq < 0) return undefined;
    const name = part.slice(0, eq).trim().toLowerCase();
    let v = part.slice(eq + 1).trim();
    if (v.startsWith('"')) {
      if (v.length < 2 || !v.endsWith('"')) return undefined;
      v = v.slice(1, -1).replace(/\\(.)/g, "$1");
    } else if (!token.test(v)) {
      return undefined;
    }
    if (!token.test(name) || params.has(name)) return undefined;
    params.set(name, v);
  }
  return { mediaType, params };
}

/** splitParams splits at semicolons outside quoted strings. */
function splitParams(value: string): string[] {
  const parts: string[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === '"') quoted = !quoted;
    else if (c === "\\" && quoted) i++;
    else if (c === ";" && !quoted) {
      parts.push(value.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(value.slice(start));
  return parts;
}

/** readAll collects all bytes of a source. */
async function readAll(source: ByteSource): Promise<Uint8Array> {
  if (source instanceof Uint8Array) return source;
  const chunks: Uint8Array[] = [];
  for await (const chunk of source) chunks.push(toBytes(chunk));
  return Buffer.concat(chunks);
}

function toBytes(chunk: Uint8Array | string): Uint8Array {
  return typeof chunk === "string" ? Buffer.from(chunk, "utf8") : chunk;
}

/** ByteReader hands out bytes from a source as they are needed, chunk by chunk. */
class ByteReader {
  readonly #chunks: AsyncIterator<Uint8Array | string> | Iterator<Uint8Array | string>;
  #buf: Uint8Array = new Uint8Array(0);
  #done = false;

  constructor(source: ByteSource) {
    const iterable = source instanceof Uint8Array ? [source] : source;
    this.#chunks =
      Symbol.asyncIterator in iterable
        ? (iterable as AsyncIterable<Uint8Array | string>)[Symbol.asyncIterator]()
        : (iterable as Iterable<Uint8Array | string>)[Symbol.iterator]();
  }

  /** #fill reads chunks until `n` bytes are buffered or the source ends; reports whether they are. */
  async #fill(n: number): Promise<boolean> {
    if (this.#buf.length >= n) return true;
    // Chunks are joined once per call, so a message spread over many chunks is copied once.
    const parts: Uint8Array[] = [this.#buf];
    let length = this.#buf.length;
    while (length < n && !this.#done) {
      const next = await this.#chunks.next();
      if (next.done === true) {
        this.#done = true;
      } else {
        const chunk = toBytes(next.value);
        parts.push(chunk);
        length += chunk.length;
      }
    }
    if (parts.length > 1) this.#buf = parts.length === 2 && parts[0]!.length === 0 ? parts[1]! : Buffer.concat(parts);
    return length >= n;
  }

  /**
   * uvarint reads a varint length prefix (Go's `binary.ReadUvarint`), or undefined at the clean
   * end of the input.
   * @throws {DecodeError} `unexpected EOF` when the input ends inside it.
   */
  async uvarint(): Promise<number | undefined> {
    let value = 0;
    for (let i = 0; i < 10; i++) {
      if (!(await this.#fill(i + 1))) {
        if (i === 0) return undefined;
        throw new DecodeError("unexpected EOF");
      }
      const b = this.#buf[i]!;
      value += (b & 0x7f) * 2 ** (7 * i);
      if (b < 0x80) {
        this.#buf = this.#buf.subarray(i + 1);
        return value;
      }
    }
    throw new DecodeError("binary: varint overflows a 64-bit integer");
  }

  /**
   * take reads exactly `n` bytes.
   * @throws {DecodeError} `unexpected EOF` when the input ends first.
   */
  async take(n: number): Promise<Uint8Array> {
    if (!(await this.#fill(n))) throw new DecodeError("unexpected EOF");
    const out = this.#buf.subarray(0, n);
    this.#buf = this.#buf.subarray(n);
    return out;
  }
}
