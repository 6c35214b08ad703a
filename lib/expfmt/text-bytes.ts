/**
 * The text exposition format written straight to bytes, for responses.
 *
 * Counterpart: the same expfmt/text_create.go as text.ts, with the same output byte for byte.
 * text.ts builds strings, which a response must then encode to UTF-8; this encoder writes UTF-8
 * into Buffers of about a chunk each. A RowsFamily (see lib/model/rows-family.ts), which a
 * transactional gather hands over for a vec, has each series' label text already as UTF-8 in its
 * arena, so a sample line is the family name, a copy of those bytes, and the value. Plain
 * MetricFamily data is written through text.ts.
 *
 * @module
 */

import type * as dto from "../model/index.js";
import { isRowsFamily } from "../model/index.js";
import { formatFloat } from "./float.js";
import type { SlabPool } from "./slab-pool.js";
import { cachedLabelsText, writeEscapedLabelValue } from "./label-text.js";
import { DefaultChunkSize, EncodeError, headerText, textChunks } from "./text.js";

/** The most bytes a value's text takes (`-1.2345678901234567e-308`), with room to spare. */
const maxValueBytes = 32;

/**
 * Chunks are cut from slabs of this size: one allocation serves many chunks, which spares the
 * garbage collector (each Buffer is an ArrayBuffer with memory of its own to track).
 */
const slabSize = 1 << 20;

/**
 * Pieces at most this long past their end may be written or read by writeLine: a RowsFamily's
 * arena (as lib/model/rows-family.ts promises) and {@link Padded} texts have that much room after
 * their last byte.
 */
const CopyOverrun = 8;

/**
 * Padded is a piece of ASCII or UTF-8 text (a name, an `le` label) in a Buffer with
 * {@link CopyOverrun} bytes of room after it, so that writeLine can take it eight bytes at a time.
 */
class Padded {
  readonly bytes: Buffer;
  readonly view: DataView;
  readonly length: number;

  constructor(text: string) {
    this.length = Buffer.byteLength(text);
    this.bytes = Buffer.alloc(this.length + CopyOverrun);
    this.bytes.write(text);
    this.view = new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.length);
  }
}

/** Bytes fills slabs with the exposition and cuts them into chunks of about a chunk size. */
class Bytes {
  slab: Buffer;
  view: DataView;
  /** Where the current chunk starts, and where writing goes on. */
  start = 0;
  off = 0;
  readonly chunkSize: number;
  readonly #pool: SlabPool | undefined;

  constructor(chunkSize: number, pool: SlabPool | undefined) {
    this.chunkSize = chunkSize;
    this.#pool = pool;
    this.slab = this.#newSlab(2 * chunkSize);
    this.view = new DataView(this.slab.buffer, this.slab.byteOffset, this.slab.length);
  }

  /** newSlab returns a slab with room for `more` bytes, from the pool when it is big enough. */
  #newSlab(more: number): Buffer {
    const pool = this.#pool;
    if (pool !== undefined && more <= pool.slabSize) return pool.acquire();
    return Buffer.allocUnsafe(Math.max(slabSize, more));
  }

  /** close leaves the last slab (to the pool, once its chunks come back). */
  close(): void {
    this.#pool?.retire(this.slab);
  }

  /** chunkFull reports whether the current chunk has reached the chunk size. */
  chunkFull(): boolean {
    return this.off - this.start >= this.chunkSize;
  }

  /** fits reports whether `more` bytes fit in the slab. */
  fits(more: number): boolean {
    return this.off + more <= this.slab.length;
  }

  /**
   * flush hands out the current chunk, if it has anything, and makes sure that a whole chunk and
   * `more` bytes fit after it (in a new slab if need be).
   */
  *flush(more = 0): Generator<Buffer, void, undefined> {
    if (this.off > this.start) {
      const chunk = this.slab.subarray(this.start, this.off);
      this.#pool?.lend(chunk);
      yield chunk;
    }
    this.start = this.off;
    // The next chunk is started where a whole chunk and the line that crosses its end fit.
    if (!this.fits(this.chunkSize + more)) {
      this.#pool?.retire(this.slab);
      this.slab = this.#newSlab(this.chunkSize + more);
      this.view = new DataView(this.slab.buffer, this.slab.byteOffset, this.slab.length);
      this.start = this.off = 0;
    }
  }

  /** utf8 writes any string, starting a new chunk first if it does not fit. */
  *utf8(s: string): Generator<Buffer, void, undefined> {
    const length = Buffer.byteLength(s);
    if (this.chunkFull() || !this.fits(length)) yield* this.flush(length);
    this.off += this.slab.write(s, this.off, "utf8");
  }
}

/**
 * textByteChunks yields the text exposition of `families` as UTF-8 chunks of about `chunkSize`
 * bytes: the same bytes as {@link textChunks}, faster. A chunk is a view of a larger Buffer (a
 * slab); with a `pool`, the slabs come from it, and the caller gives each chunk back with
 * `pool.done(chunk)` once it is sent (see slab-pool.ts).
 * @throws {EncodeError} as textChunks does.
 */
export function* textByteChunks(
  families: Iterable<dto.GatheredFamily>,
  chunkSize: number = DefaultChunkSize,
  pool?: SlabPool,
): Generator<Uint8Array, void, undefined> {
  const encoder = new TextByteEncoder(chunkSize, pool);
  try {
    for (const family of families) {
      yield* encoder.family(family, false);
    }
    yield* encoder.end();
  } finally {
    encoder.close();
  }
}

/**
 * TextByteEncoder writes families one after the other into the same slabs, for a caller that
 * encodes family by family (to handle an error per family, as promhttp does) without a slab of
 * its own for each. Call {@link close} when done, also after an error.
 */
export class TextByteEncoder {
  readonly #out: Bytes;

  /**
   * @internal One encoder that lives as long as the class, its slab given up at once. An
   * encoder, and its Bytes, die after each scrape; without a living one, a full garbage
   * collection frees their hidden class and V8 discards the encoding code compiled for it (see
   * lib/prometheus/internal/shapes.ts).
   */
  static readonly exemplar = new TextByteEncoder(1);
  static {
    const out = TextByteEncoder.exemplar.#out;
    out.slab = Buffer.alloc(0);
    out.view = new DataView(out.slab.buffer, 0, 0);
  }

  constructor(chunkSize: number = DefaultChunkSize, pool?: SlabPool) {
    this.#out = new Bytes(chunkSize, pool);
  }

  /**
   * family yields the chunks of one family: full chunks as they fill, and, when `whole` is set,
   * the rest of the family as a last chunk (else it stays for the next family to go on). When
   * the family fails to encode, what it wrote and had not yielded is dropped before the error is
   * thrown on.
   * @throws {EncodeError} as textChunks does.
   */
  *family(family: dto.GatheredFamily, whole: boolean): Generator<Uint8Array, void, undefined> {
    const out = this.#out;
    try {
      if (!isRowsFamily(family)) {
        if (isScalar(family.type)) yield* writeScalarFamily(out, family);
        else for (const text of textChunks([family], out.chunkSize)) yield* out.utf8(text);
      } else if (family.type === "histogram") {
        yield* writeHistogramRowsFamily(out, family);
      } else {
        yield* writeScalarRowsFamily(out, family);
      }
    } catch (err) {
      out.off = out.start;
      throw err;
    }
    if (whole || out.chunkFull()) yield* out.flush();
  }

  /** end yields what is left. */
  *end(): Generator<Uint8Array, void, undefined> {
    yield* this.#out.flush();
  }

  /** close gives the last slab back (to the pool, once its chunks come back). */
  close(): void {
    this.#out.close();
  }
}

/** isScalar reports whether a family's samples are one line each (counter, gauge, untyped). */
function isScalar(type: dto.MetricType): type is "counter" | "gauge" | "untyped" {
  return type === "counter" || type === "gauge" || type === "untyped";
}

/** The most bytes a timestamp's text takes (` -9007199254740991`). */
const maxTimestampBytes = 24;

/**
 * writeScalarFamily writes a plain family of counters, gauges or untyped samples, line by line:
 * the name's bytes, the metric's label text (labelsText, cached per frozen label array) copied
 * character by character while it is ASCII (else encoded as UTF-8), then the value as
 * writeValue writes it. The same bytes as text.ts writes, without building a string per line.
 * @throws {EncodeError} as textChunks does.
 */
function* writeScalarFamily(out: Bytes, family: dto.MetricFamily): Generator<Buffer, void, undefined> {
  const type = family.type as "counter" | "gauge" | "untyped";
  const name = family.name;
  const metrics = family.metric;
  yield* out.utf8(headerText(name, family.help, type, metrics.length));
  const nameBytes = Buffer.from(name);
  for (let i = 0; i < metrics.length; i++) {
    const m = metrics[i]!;
    const sample = type === "gauge" ? m.gauge : type === "counter" ? m.counter : m.untyped;
    if (sample === undefined) throw new EncodeError(`expected ${type} in metric ${name}`);
    // A series whose labels are rendered and cached (a vec's) gets its text copied; labels made
    // for one scrape (const metrics) are written pair by pair, without a string.
    const labels = cachedLabelsText(m.label);
    const labelRoom = labels === undefined ? labelPairsRoom(m.label) : 3 * labels.length;
    const room = nameBytes.length + labelRoom + maxValueBytes + maxTimestampBytes + 2;
    if (out.chunkFull() || !out.fits(room)) yield* out.flush(room);
    const slab = out.slab;
    let off = out.off;
    for (let k = 0; k < nameBytes.length; k++) slab[off++] = nameBytes[k]!;
    off = labels === undefined ? writeLabelPairs(slab, off, m.label) : writeLabelText(slab, off, labels);
    slab[off++] = 0x20; // " "
    off = writeValue(slab, off, sample.value);
    if (m.timestampMs !== undefined) {
      const ts = ` ${m.timestampMs}`;
      for (let k = 0; k < ts.length; k++) slab[off++] = ts.charCodeAt(k);
    }
    slab[off++] = 0x0a; // "\n"
    out.off = off;
  }
}

/** labelPairsRoom returns the most bytes {@link writeLabelPairs} writes for `labels`. */
function labelPairsRoom(labels: readonly dto.LabelPair[]): number {
  let room = 2;
  for (let i = 0; i < labels.length; i++) room += 3 * labels[i]!.name.length + 6 * labels[i]!.value.length + 4;
  return room;
}

/**
 * writeLabelPairs writes label pairs as label-text.ts renders them (`{a="1",b="2"}`, values
 * escaped), straight into the slab, and returns the new offset. ASCII goes byte by byte; a name or
 * value with other characters is written through escapeLabelValue and Buffer.write.
 */
function writeLabelPairs(slab: Buffer, off: number, labels: readonly dto.LabelPair[]): number {
  if (labels.length === 0) return off;
  slab[off++] = 0x7b; // "{"
  for (let i = 0; i < labels.length; i++) {
    const { name, value } = labels[i]!;
    if (i > 0) slab[off++] = 0x2c; // ","
    off = writeLabelText(slab, off, name);
    slab[off++] = 0x3d; // "="
    slab[off++] = 0x22; // '"'
    off = writeEscapedLabelValue(slab, off, value);
    slab[off++] = 0x22;
  }
  slab[off++] = 0x7d; // "}"
  return off;
}

/**
 * Label text longer than this goes to the slab in one call into Node (Buffer#write), which beats
 * a loop over its characters: label text is usually built by concatenation, and reading such a
 * string a character at a time is slow.
 */
const loopMax = 16;

/** writeLabelText writes label text at `off` as UTF-8 and returns the new offset. */
function writeLabelText(slab: Buffer, off: number, text: string): number {
  if (text.length > loopMax) return off + slab.write(text, off);
  for (let k = 0; k < text.length; k++) {
    const c = text.charCodeAt(k);
    if (c >= 0x80) return off + slab.write(text, off, "utf8");
    slab[off + k] = c;
  }
  return off + text.length;
}

/** header returns the HELP and TYPE lines of a rows family, checked as text.ts checks them. */
function header(family: dto.RowsFamily): string {
  return headerText(family.name, family.help, family.type, family.length);
}

/** arenaView returns a DataView over a rows family's label entries. */
function arenaView(family: dto.RowsFamily): DataView {
  return new DataView(family.arena.buffer, family.arena.byteOffset, family.arena.byteLength);
}

/**
 * Pieces are the fixed texts of a rows family's lines in one padded buffer: heads, each a name and the
 * first piece of the labels (`name{a="`), then tails, each the last piece of the labels and what
 * follows it (`"} ` for a sample, `",le="0.1"} ` for a bucket).
 *
 * The loops that write rows take these and the rows family's arrays as plain arguments: functions
 * that touch short-lived objects of the library's own classes get their optimized code thrown
 * away whenever those objects (and with them their hidden classes) are collected, which would
 * leave most of each scrape to slower, unoptimized code.
 */
interface Pieces {
  readonly view: DataView;
  readonly start: Int32Array;
  readonly length: Int32Array;
  /** The most bytes a line's fixed pieces take, overruns included. */
  readonly fixedMax: number;
}

/**
 * piecesOf lays out the pieces of a rows family's lines: a head per name (pieces 0...), then the
 * last piece of the labels followed by each of `ends`. `open` keeps the labels open for one
 * more (`le`): `",` instead of `"}`, or `{` where there are no labels. With no variable labels,
 * the labels' one piece goes with the tails.
 */
function piecesOf(family: dto.RowsFamily, names: readonly string[], ends: readonly string[], open = false): Pieces {
  const pieces = family.pieces;
  const heads = names.map((name) => (family.width === 0 ? name : name + pieces[0]!));
  const last = pieces[pieces.length - 1]!;
  const closing = !open ? last : last === "" ? "{" : last.slice(0, -1) + ",";
  const all = [...heads, ...ends.map((end) => closing + end)];
  const padded = new Padded(all.join(""));
  const start = new Int32Array(all.length);
  const length = new Int32Array(all.length);
  let at = 0;
  all.forEach((piece, j) => {
    start[j] = at;
    length[j] = Buffer.byteLength(piece);
    at += length[j]!;
  });
  const fixedMax = Math.max(...length.subarray(0, heads.length)) + Math.max(...length.subarray(heads.length)) + 3 * CopyOverrun;
  return { view: padded.view, start, length, fixedMax };
}

/** Where the row writers leave the offset they reached (they return the next row). */
const reached = new Float64Array(1);

/**
 * writeLine writes a line up to its value: piece `head`, the label entry arena[at, at+length)
 * and piece `tail`, into `view` from `off`, and returns the offset reached.
 *
 * Each piece is copied eight bytes at a time, rounding up: up to {@link CopyOverrun} bytes past
 * it are read and written, and the written ones are then overwritten by what follows (or lie
 * past the chunk's end); the arena, the padded pieces and the slab room checks leave that much.
 * A float64 read and written back keeps its bits, unless it is a NaN that gets quieted, which
 * changes bit 51 (in its seventh byte). A NaN needs a seventh byte of 0xF0 or more and an eighth
 * of 0x7F or 0xFF. In valid UTF-8 text a byte from 0xF0 up is the lead of a four-byte sequence,
 * always followed by a continuation byte (0x80–0xBF). So a NaN can form only where the seventh
 * byte lies past the piece being copied, and only that byte, overwritten later, can change.
 */
function writeLine(
  view: DataView,
  off: number,
  texts: DataView,
  at: number,
  length: number,
  pieces: DataView,
  pieceStart: Int32Array,
  pieceLength: Int32Array,
  head: number,
  tail: number,
): number {
  for (let i = 0, from = pieceStart[head]!, n = pieceLength[head]!; i < n; i += 8) {
    view.setFloat64(off + i, pieces.getFloat64(from + i, true), true);
  }
  off += pieceLength[head]!;
  for (let i = 0; i < length; i += 8) view.setFloat64(off + i, texts.getFloat64(at + i, true), true);
  off += length;
  for (let i = 0, from = pieceStart[tail]!, n = pieceLength[tail]!; i < n; i += 8) {
    view.setFloat64(off + i, pieces.getFloat64(from + i, true), true);
  }
  return off + pieceLength[tail]!;
}

/**
 * writeValue writes a sample value as formatFloat does, and returns the new offset. Values below
 * a million with at most three decimals (counts, most gauges and sums) are written digit by digit
 * without making a string; see writeDecimal for why that is the same text.
 */
function writeValue(slab: Uint8Array, off: number, v: number): number {
  if (v > -1e6 && v < 1e6) {
    if (Number.isInteger(v)) return writeInteger(slab, off, v | 0);
    const m = Math.round(v * 1000);
    if (m / 1000 === v) return writeDecimal(slab, off, m);
  }
  const text = formatFloat(v);
  for (let k = 0; k < text.length; k++) slab[off++] = text.charCodeAt(k);
  return off;
}

/** writeInteger writes an integer below a million in magnitude (-0 as "0", as formatFloat does). */
function writeInteger(slab: Uint8Array, off: number, n: number): number {
  if (n < 0) {
    slab[off++] = 0x2d; // "-"
    n = -n;
  }
  let digits = 1;
  for (let rest = n; rest >= 10; rest = (rest / 10) | 0) digits++;
  for (let i = off + digits - 1; i >= off; i--) {
    const next = (n / 10) | 0;
    slab[i] = 0x30 + n - next * 10;
    n = next;
  }
  return off + digits;
}

/**
 * writeDecimal writes the nonzero thousandths `m` (|m| < 1e9) as a decimal with the trailing
 * zeros of the fraction left out: 1500 is "1.5", 2000 is "2".
 *
 * That is formatFloat's text for v = m/1000 when `m / 1000 === v`: then v is the double nearest
 * to the decimal m/1000, so that decimal reads back as v, and no shorter decimal does (any other
 * with three decimals or fewer is at least 0.001 away, and doubles below a million are far closer
 * together than that). For 0.001 <= |v| < 1e6, formatFloat writes plain notation.
 */
function writeDecimal(slab: Uint8Array, off: number, m: number): number {
  if (m < 0) {
    slab[off++] = 0x2d; // "-"
    m = -m;
  }
  let whole = Math.floor(m / 1000);
  let fraction = m - whole * 1000;
  let digits = 1;
  for (let rest = whole; rest >= 10; rest = Math.floor(rest / 10)) digits++;
  for (let i = off + digits - 1; i >= off; i--) {
    const next = Math.floor(whole / 10);
    slab[i] = 0x30 + whole - next * 10;
    whole = next;
  }
  off += digits;
  if (fraction === 0) return off;
  slab[off++] = 0x2e; // "."
  let divisor = 100;
  while (fraction > 0) {
    const digit = Math.floor(fraction / divisor);
    slab[off++] = 0x30 + digit;
    fraction -= digit * divisor;
    divisor /= 10;
  }
  return off;
}

function* writeScalarRowsFamily(out: Bytes, family: dto.RowsFamily): Generator<Buffer, void, undefined> {
  yield* out.utf8(header(family));
  yield* writeRows(out, family, piecesOf(family, [family.name], [" "]), 1, writeScalarRows);
}

function* writeHistogramRowsFamily(out: Bytes, family: dto.RowsFamily): Generator<Buffer, void, undefined> {
  yield* out.utf8(header(family));
  // Heads: _bucket, _sum, _count; tails: each bucket's `le`, then the close of _sum and _count.
  const les = [...family.upperBounds!, Infinity].map((bound) => `le="${formatFloat(bound)}"} `);
  const names = ["_bucket", "_sum", "_count"].map((suffix) => family.name + suffix);
  const bucketPieces = piecesOf(family, names, les, true);
  const closePieces = piecesOf(family, names, [" "]);
  // One padded buffer with both: the bucket tails, then the closing tail.
  const pieces = joinPieces(bucketPieces, closePieces, names.length);
  yield* writeRows(out, family, pieces, family.upperBounds!.length + 3, writeHistogramRows);
}

/** joinPieces appends the tails of `b` to `a` (both with `heads` heads). */
function joinPieces(a: Pieces, b: Pieces, heads: number): Pieces {
  const texts: Buffer[] = [];
  const lengths: number[] = [];
  const add = (p: Pieces, from: number) => {
    for (let j = from; j < p.start.length; j++) {
      texts.push(Buffer.from(p.view.buffer, p.view.byteOffset + p.start[j]!, p.length[j]!));
      lengths.push(p.length[j]!);
    }
  };
  add(a, 0);
  add(b, heads);
  const joined = Buffer.alloc(lengths.reduce((sum, n) => sum + n, 0) + CopyOverrun);
  const start = new Int32Array(lengths.length);
  let at = 0;
  texts.forEach((text, j) => {
    start[j] = at;
    text.copy(joined, at);
    at += text.length;
  });
  const view = new DataView(joined.buffer, joined.byteOffset, joined.length);
  return { view, start, length: Int32Array.from(lengths), fixedMax: Math.max(a.fixedMax, b.fixedMax) };
}

/** RowWriter writes rows from `row` on, as writeScalarRows and writeHistogramRows do. */
type RowWriter = (
  slab: Uint8Array,
  view: DataView,
  off: number,
  chunkEnd: number,
  slabEnd: number,
  texts: DataView,
  slots: Int32Array,
  textStart: Uint32Array,
  textLength: Uint32Array,
  numbers: Float64Array,
  stride: number,
  pieceView: DataView,
  pieceStart: Int32Array,
  pieceLength: Int32Array,
  row: number,
  rows: number,
) => number;

/**
 * How many lines writeRows has written at a time before it looks at the clock. Warm, they take a
 * few microseconds; in the first scrape of a process, before V8 has optimized the loops, they take
 * up to a few milliseconds, and a chunk of 64 KiB (a thousand lines) would take tens.
 */
const linesPerStep = 128;

/**
 * A chunk that has taken this long is handed out even if it is not full, so that its reader (the
 * metrics handler, which yields to the event loop between chunks when its time slice is up) can
 * do so. Only a scrape running unoptimized code is that slow.
 */
const chunkMs = 1;

/**
 * writeRows writes a rows family's rows with `write`, `lines` lines per row, chunk by chunk: a
 * chunk ends when it is full, when the slab has no room for the next row, or when it has taken
 * {@link chunkMs}.
 */
function* writeRows(out: Bytes, family: dto.RowsFamily, pieces: Pieces, lines: number, write: RowWriter): Generator<Buffer, void, undefined> {
  const lineMax = pieces.fixedMax + maxValueBytes;
  const texts = arenaView(family);
  const { slots, textStart, textLength, numbers, stride, length: rows } = family;
  const rowsPerStep = Math.ceil(linesPerStep / lines);
  let chunkStarted = performance.now();
  for (let row = 0; row < rows; ) {
    const chunkEnd = out.start + out.chunkSize;
    // Room for the longest row's lines, whatever the row: its entry is within the bound below.
    const slabEnd = out.slab.length - lines * lineMax;
    const to = Math.min(rows, row + rowsPerStep);
    row = write(out.slab, out.view, out.off, chunkEnd, slabEnd, texts, slots, textStart, textLength, numbers, stride, pieces.view, pieces.start, pieces.length, row, to);
    out.off = reached[0]!;
    if (row === rows) break;
    // The write stopped before `to` (the chunk is full, or the slab has no room), or took long.
    if (row < to || performance.now() - chunkStarted > chunkMs) {
      yield* out.flush(lines * (lineMax + textLength[slots[row]!]!));
      chunkStarted = performance.now();
    }
  }
}

/**
 * writeScalarRows writes sample lines from `row` on until the chunk is full, the slab has no
 * room or the rows end; it returns the next row and leaves the offset in {@link reached}. This
 * loop is where a scrape spends its time.
 */
function writeScalarRows(
  slab: Uint8Array,
  view: DataView,
  off: number,
  chunkEnd: number,
  slabEnd: number,
  texts: DataView,
  slots: Int32Array,
  textStart: Uint32Array,
  textLength: Uint32Array,
  numbers: Float64Array,
  stride: number,
  pieceView: DataView,
  pieceStart: Int32Array,
  pieceLength: Int32Array,
  row: number,
  rows: number,
): number {
  for (; row < rows; row++) {
    const slot = slots[row]!;
    const length = textLength[slot]!;
    if (off >= chunkEnd || off + length > slabEnd) break;
    off = writeLine(view, off, texts, textStart[slot]!, length, pieceView, pieceStart, pieceLength, 0, 1);
    off = writeValue(slab, off, numbers[row * stride]!);
    slab[off++] = 0x0a; // "\n"
  }
  reached[0] = off;
  return row;
}

/**
 * writeHistogramRows writes the lines of histogram rows (each bucket, then _sum and _count) as
 * writeScalarRows does. Pieces: heads _bucket, _sum, _count; then the tail of each bucket (the
 * `+Inf` one last); then the tail of _sum and _count.
 */
function writeHistogramRows(
  slab: Uint8Array,
  view: DataView,
  off: number,
  chunkEnd: number,
  slabEnd: number,
  texts: DataView,
  slots: Int32Array,
  textStart: Uint32Array,
  textLength: Uint32Array,
  numbers: Float64Array,
  stride: number,
  pieceView: DataView,
  pieceStart: Int32Array,
  pieceLength: Int32Array,
  row: number,
  rows: number,
): number {
  const bounds = stride - 3; // count, sum, created, then a cumulative count per bound
  const close = 3 + bounds + 1;
  for (; row < rows; row++) {
    const slot = slots[row]!;
    const at = textStart[slot]!;
    const length = textLength[slot]!;
    if (off >= chunkEnd || off + (bounds + 3) * length > slabEnd) break;
    const n = row * stride;
    for (let k = 0; k <= bounds; k++) {
      off = writeLine(view, off, texts, at, length, pieceView, pieceStart, pieceLength, 0, 3 + k);
      off = writeValue(slab, off, k < bounds ? numbers[n + 3 + k]! : numbers[n]!);
      slab[off++] = 0x0a;
    }
    off = writeLine(view, off, texts, at, length, pieceView, pieceStart, pieceLength, 1, close);
    off = writeValue(slab, off, numbers[n + 1]!);
    slab[off++] = 0x0a;
    off = writeLine(view, off, texts, at, length, pieceView, pieceStart, pieceLength, 2, close);
    off = writeValue(slab, off, numbers[n]!);
    slab[off++] = 0x0a;
  }
  reached[0] = off;
  return row;
}
