/**
 * The text exposition format written straight to bytes, for responses.
 *
 * Counterpart: the same expfmt/text_create.go as text.ts, with the same output byte for byte.
 * text.ts builds strings, which a response must then encode to UTF-8; this encoder writes UTF-8
 * into Buffers of about a chunk each. A family that a registry gathered from one vec carries its
 * series as a block (see lib/model/series-block.ts): each series' label text is already UTF-8 in
 * the block's arena, so a sample line is the family name, a copy of those bytes, and the value.
 * Other families are written through text.ts.
 *
 * @module
 */

import type * as dto from "../model/index.js";
import { blockOf } from "../model/index.js";
import { formatFloat } from "./float.js";
import { DefaultChunkSize, headerText, textChunks } from "./text.js";

/** The most bytes a value's text takes (`-1.2345678901234567e-308`), with room to spare. */
const maxValueBytes = 32;

/**
 * Chunks are cut from slabs of this size: one allocation serves many chunks, which spares the
 * garbage collector (each Buffer is an ArrayBuffer with memory of its own to track).
 */
const slabSize = 1 << 20;

/**
 * Pieces at most this long past their end may be written or read by {@link Bytes.copy}: a block
 * arena and {@link Padded} texts have that much room after their last byte.
 */
export const CopyOverrun = 8;

/**
 * Padded is a piece of ASCII or UTF-8 text (a name, an `le` label) in a Buffer with
 * {@link CopyOverrun} bytes of room after it, so that Bytes.copy can take it eight bytes at a time.
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

  constructor(chunkSize: number) {
    this.chunkSize = chunkSize;
    this.slab = Buffer.allocUnsafe(Math.max(slabSize, chunkSize));
    this.view = new DataView(this.slab.buffer, this.slab.byteOffset, this.slab.length);
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
   * flush hands out the current chunk, if it has anything, and makes sure that `more` bytes
   * fit after it (in a new slab if need be).
   */
  *flush(more = 0): Generator<Buffer, void, undefined> {
    if (this.off > this.start) yield this.slab.subarray(this.start, this.off);
    this.start = this.off;
    if (!this.fits(Math.max(more, this.chunkSize))) {
      this.slab = Buffer.allocUnsafe(Math.max(slabSize, more));
      this.view = new DataView(this.slab.buffer, this.slab.byteOffset, this.slab.length);
      this.start = this.off = 0;
    }
  }

  /**
   * copy copies `length` bytes from `start` of the bytes under `srcView`, eight bytes at a
   * time, rounding up: up to {@link CopyOverrun} bytes past the piece are read and written, and
   * the written ones are then overwritten by what follows (or are past the chunk's end). The
   * caller makes sure both sides have that room.
   *
   * A float64 read and written back keeps its bits, unless it is a NaN that gets quieted, which
   * changes bit 51 (in its seventh byte). A NaN needs a seventh byte of 0xF0 or more and an
   * eighth of 0x7F or 0xFF. In valid UTF-8 text a byte from 0xF0 up is the lead of a four-byte
   * sequence, always followed by a continuation byte (0x80–0xBF). So a NaN can form only where
   * the seventh byte lies past the piece being copied (a length byte of an arena entry, say),
   * and only that byte, which is overwritten or past the chunk's end, can change.
   */
  copy(srcView: DataView, start: number, length: number): void {
    const view = this.view;
    const off = this.off;
    for (let i = 0; i < length; i += 8) view.setFloat64(off + i, srcView.getFloat64(start + i, true), true);
    this.off = off + length;
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
 * bytes: the same bytes as {@link textChunks}, faster.
 * @throws {EncodeError} as textChunks does.
 */
export function* textByteChunks(
  families: Iterable<dto.MetricFamily>,
  chunkSize: number = DefaultChunkSize,
): Generator<Uint8Array, void, undefined> {
  const out = new Bytes(chunkSize);
  for (const family of families) {
    const block = blockOf(family);
    if (block === undefined) {
      for (const text of textChunks([family], chunkSize)) yield* out.utf8(text);
    } else if (block.type === "histogram") {
      yield* writeHistogramBlock(out, family, block);
    } else {
      yield* writeScalarBlock(out, family, block);
    }
    if (out.chunkFull()) yield* out.flush();
  }
  yield* out.flush();
}

/** header returns the HELP and TYPE lines of a block's family, checked as text.ts checks them. */
function header(family: dto.MetricFamily, block: dto.SeriesBlock): string {
  return headerText(family.name, family.help, family.type, block.rows);
}

/** arenaView returns a DataView over a block's label entries. */
function arenaView(block: dto.SeriesBlock): DataView {
  return new DataView(block.arena.buffer, block.arena.byteOffset, block.arena.byteLength);
}

/**
 * Pieces are the fixed texts of a block's lines in one padded buffer: the head before a row's
 * label entry (`name{a="`), then the tails that end a line's labels (`"} ` for a sample,
 * `",le="0.1"} ` for a bucket).
 *
 * The loops that write rows take these and the block's arrays as plain arguments: functions
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
 * piecesOf lays out the pieces of a block's lines: `name` and the first piece of the labels as
 * the head (piece 0), then the last piece of the labels followed by each of `ends` (pieces 1...).
 * With no variable labels, the labels' one piece goes with the tails.
 */
function piecesOf(block: dto.SeriesBlock, name: string, ends: readonly string[], open = false): Pieces {
  const pieces = block.pieces;
  const head = block.width === 0 ? name : name + pieces[0]!;
  const last = pieces[pieces.length - 1]!;
  // `open`: the labels stay open for one more (`le`): `",` instead of `"}`, `{` if there are none.
  const closing = !open ? last : last === "" ? "{" : last.slice(0, -1) + ",";
  const all = [head, ...ends.map((end) => closing + end)];
  const padded = new Padded(all.join(""));
  const start = new Int32Array(all.length);
  const length = new Int32Array(all.length);
  let at = 0;
  all.forEach((piece, j) => {
    start[j] = at;
    length[j] = Buffer.byteLength(piece);
    at += length[j]!;
  });
  const fixedMax = length[0]! + Math.max(...length.subarray(1)) + 3 * CopyOverrun;
  return { view: padded.view, start, length, fixedMax };
}

/** Where writeScalarRows leaves the offset it reached (it returns the next row). */
const reached = new Float64Array(1);

/**
 * writeLine writes a line up to its value: the head, the label entry arena[at, at+length) and
 * tail `tail`, into `view` from `off`, and returns the offset reached. Eight bytes at a time: see
 * Bytes.copy.
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
  tail: number,
): number {
  for (let i = 0, from = pieceStart[0]!, n = pieceLength[0]!; i < n; i += 8) {
    view.setFloat64(off + i, pieces.getFloat64(from + i, true), true);
  }
  off += pieceLength[0]!;
  for (let i = 0; i < length; i += 8) view.setFloat64(off + i, texts.getFloat64(at + i, true), true);
  off += length;
  for (let i = 0, from = pieceStart[tail]!, n = pieceLength[tail]!; i < n; i += 8) {
    view.setFloat64(off + i, pieces.getFloat64(from + i, true), true);
  }
  return off + pieceLength[tail]!;
}

/**
 * writeValue writes a sample value as formatFloat does, and returns the new offset. Integers of
 * fewer than seven digits (counts, mostly) are written digit by digit, without making a string.
 */
function writeValue(slab: Uint8Array, off: number, v: number): number {
  if (Number.isInteger(v) && v > -1e6 && v < 1e6) {
    let n = v | 0; // small integers: int32 arithmetic from here on
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
  const text = formatFloat(v);
  for (let k = 0; k < text.length; k++) slab[off++] = text.charCodeAt(k);
  return off;
}

function* writeScalarBlock(out: Bytes, family: dto.MetricFamily, block: dto.SeriesBlock): Generator<Buffer, void, undefined> {
  yield* out.utf8(header(family, block));
  const pieces = piecesOf(block, family.name, [" "]);
  const lineMax = pieces.fixedMax + maxValueBytes;
  const texts = arenaView(block);
  const { textStart, textLength, numbers, stride, rows } = block;
  for (let row = 0; row < rows; ) {
    const chunkEnd = out.start + out.chunkSize;
    const slabEnd = out.slab.length - lineMax;
    row = writeScalarRows(
      out.slab,
      out.view,
      out.off,
      chunkEnd,
      slabEnd,
      texts,
      textStart,
      textLength,
      numbers,
      stride,
      pieces.view,
      pieces.start,
      pieces.length,
      row,
      rows,
    );
    out.off = reached[0]!;
    if (row < rows) yield* out.flush(lineMax + textLength[row]!);
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
    const length = textLength[row]!;
    if (off >= chunkEnd || off + length > slabEnd) break;
    off = writeLine(view, off, texts, textStart[row]!, length, pieceView, pieceStart, pieceLength, 1);
    off = writeValue(slab, off, numbers[row * stride]!);
    slab[off++] = 0x0a; // "\n"
  }
  reached[0] = off;
  return row;
}

function* writeHistogramBlock(out: Bytes, family: dto.MetricFamily, block: dto.SeriesBlock): Generator<Buffer, void, undefined> {
  yield* out.utf8(header(family, block));
  const bounds = block.upperBounds!;
  const les = [...bounds, Infinity].map((bound) => `le="${formatFloat(bound)}"} `);
  const bucket = piecesOf(block, `${family.name}_bucket`, les, true);
  const sum = piecesOf(block, `${family.name}_sum`, [" "]);
  const count = piecesOf(block, `${family.name}_count`, [" "]);
  const lineMax = Math.max(bucket.fixedMax, count.fixedMax) + maxValueBytes;
  const texts = arenaView(block);
  const { textStart, textLength, numbers, stride, rows } = block;
  for (let row = 0; row < rows; row++) {
    const at = textStart[row]!;
    const length = textLength[row]!;
    const n = row * stride;
    const size = (bounds.length + 3) * (lineMax + length);
    if (out.chunkFull() || !out.fits(size)) yield* out.flush(size);
    const { slab, view } = out;
    let off = out.off;
    for (let k = 0; k <= bounds.length; k++) {
      off = writeLine(view, off, texts, at, length, bucket.view, bucket.start, bucket.length, 1 + k);
      off = writeValue(slab, off, k < bounds.length ? numbers[n + 3 + k]! : numbers[n]!);
      slab[off++] = 0x0a;
    }
    for (const [pieces, value] of [
      [sum, numbers[n + 1]!],
      [count, numbers[n]!],
    ] as const) {
      off = writeLine(view, off, texts, at, length, pieces.view, pieces.start, pieces.length, 1);
      off = writeValue(slab, off, value);
      slab[off++] = 0x0a;
    }
    out.off = off;
  }
}
