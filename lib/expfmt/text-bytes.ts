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
import { blockOf, LongLength } from "../model/index.js";
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
 * Pieces are the fixed texts of a block's lines in one padded buffer: the pieces before each
 * label value (`name{a="`, `",b="`), then the tails that end a line's labels (`"} ` for a sample,
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
  /** How many pieces go before the values: max(width, 1). */
  readonly before: number;
  /** The most bytes a line's fixed pieces take, overruns included. */
  readonly fixedMax: number;
}

/**
 * piecesOf lays out the pieces of a block's lines: `prefix` (the sample's name) joined to the
 * first piece, and the given tails after them.
 */
function piecesOf(block: dto.SeriesBlock, prefix: string, tails: readonly string[]): Pieces {
  // With no variable labels there is one piece before the (absent) values: the prefix alone.
  const before = block.width === 0 ? [prefix] : block.pieces.slice(0, block.width).map((p, j) => (j === 0 ? prefix + p : p));
  const all = [...before, ...tails];
  const padded = new Padded(all.join(""));
  const start = new Int32Array(all.length);
  const length = new Int32Array(all.length);
  let at = 0;
  all.forEach((piece, j) => {
    start[j] = at;
    length[j] = Buffer.byteLength(piece);
    at += length[j]!;
  });
  const longestTail = Math.max(0, ...length.subarray(before.length));
  const fixedMax = length.subarray(0, before.length).reduce((sum, n) => sum + n, 0) + longestTail;
  return { view: padded.view, start, length, before: before.length, fixedMax: fixedMax + (2 * all.length + 2) * CopyOverrun };
}

/** Where writeScalarRows leaves the offset it reached (it returns the next row). */
const reached = new Float64Array(1);

/**
 * writeLabels writes a line's name and labels, up to its tail: the pieces before the values
 * and the `width` values of the arena entry at `at`, into `view` from `off`. It returns the
 * offset reached. Eight bytes at a time: see Bytes.copy.
 */
function writeLabels(
  view: DataView,
  off: number,
  arena: Uint8Array,
  texts: DataView,
  at: number,
  width: number,
  pieces: DataView,
  pieceStart: Int32Array,
  pieceLength: Int32Array,
): number {
  for (let i = 0, from = pieceStart[0]!, n = pieceLength[0]!; i < n; i += 8) {
    view.setFloat64(off + i, pieces.getFloat64(from + i, true), true);
  }
  off += pieceLength[0]!;
  for (let j = 0; j < width; j++) {
    if (j > 0) {
      const from = pieceStart[j]!;
      const n = pieceLength[j]!;
      for (let i = 0; i < n; i += 8) view.setFloat64(off + i, pieces.getFloat64(from + i, true), true);
      off += n;
    }
    let length = arena[at++]!;
    if (length === LongLength) {
      length = texts.getUint32(at, true);
      at += 4;
    }
    for (let i = 0; i < length; i += 8) view.setFloat64(off + i, texts.getFloat64(at + i, true), true);
    off += length;
    at += length;
  }
  return off;
}

/** writePiece copies piece `k` to `view` at `off` and returns the offset after it. */
function writePiece(view: DataView, off: number, pieces: DataView, pieceStart: Int32Array, pieceLength: Int32Array, k: number): number {
  const from = pieceStart[k]!;
  const n = pieceLength[k]!;
  for (let i = 0; i < n; i += 8) view.setFloat64(off + i, pieces.getFloat64(from + i, true), true);
  return off + n;
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
  const pieces = piecesOf(block, family.name, [`${block.pieces[block.width]!} `]);
  const lineMax = pieces.fixedMax + maxValueBytes;
  const texts = arenaView(block);
  const { arena, textStart, textLength, numbers, stride, rows, width } = block;
  for (let row = 0; row < rows; ) {
    const chunkEnd = out.start + out.chunkSize;
    const slabEnd = out.slab.length - lineMax;
    row = writeScalarRows(
      out.slab,
      out.view,
      out.off,
      chunkEnd,
      slabEnd,
      arena,
      texts,
      textStart,
      textLength,
      numbers,
      stride,
      width,
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
  arena: Uint8Array,
  texts: DataView,
  textStart: Uint32Array,
  textLength: Uint32Array,
  numbers: Float64Array,
  stride: number,
  width: number,
  pieces: DataView,
  pieceStart: Int32Array,
  pieceLength: Int32Array,
  row: number,
  rows: number,
): number {
  const tail = Math.max(width, 1);
  for (; row < rows; row++) {
    if (off >= chunkEnd || off + textLength[row]! > slabEnd) break;
    off = writeLabels(view, off, arena, texts, textStart[row]!, width, pieces, pieceStart, pieceLength);
    off = writePiece(view, off, pieces, pieceStart, pieceLength, tail);
    off = writeValue(slab, off, numbers[row * stride]!);
    slab[off++] = 0x0a; // "\n"
  }
  reached[0] = off;
  return row;
}

function* writeHistogramBlock(out: Bytes, family: dto.MetricFamily, block: dto.SeriesBlock): Generator<Buffer, void, undefined> {
  yield* out.utf8(header(family, block));
  const bounds = block.upperBounds!;
  const last = block.pieces[block.width]!;
  // After the values: `le` joins the labels (`",le="0.1"} `, or `{le="0.1"} ` without labels).
  const open = last === "" ? "{" : last.slice(0, -1) + ",";
  const les = [...bounds, Infinity].map((bound) => `${open}le="${formatFloat(bound)}"} `);
  const bucket = piecesOf(block, `${family.name}_bucket`, les);
  const sum = piecesOf(block, `${family.name}_sum`, [`${last} `]);
  const count = piecesOf(block, `${family.name}_count`, [`${last} `]);
  const lineMax = Math.max(bucket.fixedMax, count.fixedMax) + maxValueBytes;
  const texts = arenaView(block);
  const { arena, textStart, textLength, numbers, stride, rows, width } = block;
  for (let row = 0; row < rows; row++) {
    const at = textStart[row]!;
    const n = row * stride;
    const size = (bounds.length + 3) * (lineMax + textLength[row]!);
    if (out.chunkFull() || !out.fits(size)) yield* out.flush(size);
    const { slab, view } = out;
    let off = out.off;
    for (let k = 0; k <= bounds.length; k++) {
      off = writeLabels(view, off, arena, texts, at, width, bucket.view, bucket.start, bucket.length);
      off = writePiece(view, off, bucket.view, bucket.start, bucket.length, bucket.before + k);
      off = writeValue(slab, off, k < bounds.length ? numbers[n + 2 + k]! : numbers[n]!);
      slab[off++] = 0x0a;
    }
    for (const [pieces, value] of [
      [sum, numbers[n + 1]!],
      [count, numbers[n]!],
    ] as const) {
      off = writeLabels(view, off, arena, texts, at, width, pieces.view, pieces.start, pieces.length);
      off = writePiece(view, off, pieces.view, pieces.start, pieces.length, pieces.before);
      off = writeValue(slab, off, value);
      slab[off++] = 0x0a;
    }
    out.off = off;
  }
}
