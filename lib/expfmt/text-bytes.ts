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

  /** ascii writes a string of ASCII characters (a number). */
  ascii(s: string): void {
    const slab = this.slab;
    let off = this.off;
    for (let i = 0; i < s.length; i++) slab[off++] = s.charCodeAt(i);
    this.off = off;
  }

  /**
   * copy copies `length` bytes from `start` of the bytes under `srcView`, eight bytes at a
   * time, rounding up: up to {@link CopyOverrun} bytes past the piece are read and written, and
   * the written ones are then overwritten by what follows (or are past the chunk's end). The
   * caller makes sure both sides have that room.
   *
   * A float64 read and written back keeps its bits, unless it is a NaN that gets quieted, which
   * changes bit 51 (in its seventh byte). Bytes of valid UTF-8 text never make that seventh
   * byte and the eighth a NaN's (0xF0–0xF7 then 0x7F or 0xFF: a four-byte lead must be followed
   * by a continuation byte); a NaN can only form where the seventh byte is already past the text.
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

/** arenaView returns a DataView over a block's label texts. */
function arenaView(block: dto.SeriesBlock): DataView {
  return new DataView(block.arena.buffer, block.arena.byteOffset, block.arena.byteLength);
}

function* writeScalarBlock(out: Bytes, family: dto.MetricFamily, block: dto.SeriesBlock): Generator<Buffer, void, undefined> {
  yield* out.utf8(header(family, block));
  const name = new Padded(family.name);
  const texts = arenaView(block);
  for (let row = 0; row < block.rows; ) {
    row = writeScalarRows(out, name, block, texts, row);
    if (row < block.rows) yield* out.flush(scalarLineMax(name, block.textLength[row]!));
  }
}

/** The most bytes a sample line takes while it is written, overruns included. */
function scalarLineMax(name: Padded, textLength: number): number {
  return name.length + textLength + 2 * CopyOverrun + maxValueBytes;
}

/**
 * writeScalarRows writes sample lines from `row` on until the chunk is full, the slab has no
 * room or the rows end, and returns the next row. This loop is where a scrape spends its time.
 */
function writeScalarRows(out: Bytes, name: Padded, block: dto.SeriesBlock, texts: DataView, row: number): number {
  // Everything the loop touches is in locals, and the copies (see Bytes.copy) are inline.
  const { textStart, textLength, numbers, stride, rows } = block;
  const slab = out.slab;
  const view = out.view;
  const nameView = name.view;
  const nameLength = name.length;
  const chunkEnd = out.start + out.chunkSize;
  const slabEnd = slab.length - nameLength - 2 * CopyOverrun - maxValueBytes;
  let off = out.off;
  for (; row < rows; row++) {
    const start = textStart[row]!;
    const length = textLength[row]!;
    if (off >= chunkEnd || off + length > slabEnd) break;
    for (let i = 0; i < nameLength; i += 8) view.setFloat64(off + i, nameView.getFloat64(i, true), true);
    off += nameLength;
    for (let i = 0; i < length; i += 8) view.setFloat64(off + i, texts.getFloat64(start + i, true), true);
    off += length;
    slab[off++] = 0x20; // " "
    const value = formatFloat(numbers[row * stride]!);
    for (let k = 0; k < value.length; k++) slab[off++] = value.charCodeAt(k);
    slab[off++] = 0x0a; // "\n"
  }
  out.off = off;
  return row;
}

function* writeHistogramBlock(out: Bytes, family: dto.MetricFamily, block: dto.SeriesBlock): Generator<Buffer, void, undefined> {
  yield* out.utf8(header(family, block));
  const bounds = block.upperBounds!;
  const bucketName = new Padded(`${family.name}_bucket`);
  const sumName = new Padded(`${family.name}_sum`);
  const countName = new Padded(`${family.name}_count`);
  // What follows the labels of each bucket line: `le="0.005"} `, and `le="+Inf"} ` last.
  const les = [...bounds, Infinity].map((bound) => new Padded(`le="${formatFloat(bound)}"} `));
  const open = new Padded("{");
  const comma = new Padded(",");
  const texts = arenaView(block);
  const { textStart, textLength, numbers, stride, rows } = block;
  for (let row = 0; row < rows; row++) {
    const start = textStart[row]!;
    const length = textLength[row]!;
    const at = row * stride;
    const size = (bounds.length + 3) * (countName.length + length + 24 + 3 * CopyOverrun + maxValueBytes);
    if (out.chunkFull() || !out.fits(size)) yield* out.flush(size);
    for (let k = 0; k <= bounds.length; k++) {
      out.copy(bucketName.view, 0, bucketName.length);
      if (length === 0) {
        out.copy(open.view, 0, 1);
      } else {
        // The labels without their closing brace, then a comma.
        out.copy(texts, start, length - 1);
        out.copy(comma.view, 0, 1);
      }
      const le = les[k]!;
      out.copy(le.view, 0, le.length);
      out.ascii(formatFloat(k < bounds.length ? numbers[at + 2 + k]! : numbers[at]!));
      out.slab[out.off++] = 0x0a;
    }
    for (const [suffixed, value] of [
      [sumName, numbers[at + 1]!],
      [countName, numbers[at]!],
    ] as const) {
      out.copy(suffixed.view, 0, suffixed.length);
      out.copy(texts, start, length);
      out.slab[out.off++] = 0x20;
      out.ascii(formatFloat(value));
      out.slab[out.off++] = 0x0a;
    }
  }
}
