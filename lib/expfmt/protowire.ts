/**
 * A minimal protocol buffers wire-format writer: just what `MetricFamily` messages need.
 *
 * Counterpart: Go's google.golang.org/protobuf/encoding/protowire (`AppendTag`, `AppendVarint`,
 * `AppendFixed64`, `AppendBytes`, `EncodeZigZag`). The wire format in one paragraph: a message is
 * a sequence of fields; each starts with a varint tag `fieldNumber << 3 | wireType`; wire type 0
 * (VARINT) carries integers in base-128 groups of 7 bits, least significant first, high bit set
 * on all but the last byte; type 1 (I64) carries 8 little-endian bytes (doubles); type 2 (LEN)
 * carries a varint byte length, then the bytes (strings and nested messages). Signed `sint32`
 * and `sint64` are zigzag-mapped first (0, -1, 1, -2 → 0, 1, 2, 3) so small negatives stay short.
 *
 * Nested messages are written in place: `beginLength` reserves one byte for the length,
 * `endLength` patches it in and, for the rare body of 128 bytes or more, moves the body to make
 * room for a longer varint. So each byte is written once and moved at most once per level.
 *
 * @module
 */

/** WireType is the low three bits of a field's tag. */
export const WireType = { varint: 0, i64: 1, len: 2 } as const;

const two32 = 2 ** 32;
const utf8 = new TextEncoder();

/**
 * ProtoWriter appends protobuf fields to a growing buffer. Integers are JavaScript numbers:
 * any integer below 2^64 that a double holds exactly is written exactly.
 */
export class ProtoWriter {
  #buf: Uint8Array;
  #view: DataView;
  #len = 0;

  /**
   * @internal One writer that lives as long as the class. A writer dies after each scrape;
   * without a living one, a full garbage collection frees its hidden class and V8 discards the
   * encoding code compiled for it (see lib/prometheus/internal/shapes.ts).
   */
  static readonly exemplar = new ProtoWriter(0);

  constructor(initialCapacity = 4096) {
    this.#buf = new Uint8Array(initialCapacity);
    this.#view = new DataView(this.#buf.buffer);
  }

  /** length is the number of bytes written since the last `take`. */
  get length(): number {
    return this.#len;
  }

  /** tag writes a field's key: its number and wire type. */
  tag(field: number, wireType: number): void {
    this.uint(field * 8 + wireType);
  }

  /** uint writes a non-negative integer below 2^64 as a varint (uint32, uint64, enum). */
  uint(v: number): void {
    this.#reserve(10);
    const buf = this.#buf;
    let len = this.#len;
    // Halving by 128 is exact for every integer-valued double, so this needs no BigInt.
    while (v >= 128) {
      buf[len++] = (v % 128) | 128;
      v = Math.floor(v / 128);
    }
    buf[len++] = v;
    this.#len = len;
  }

  /** int writes a signed integer as an `int64`/`int32` varint: negatives take ten bytes. */
  int(v: number): void {
    if (v >= 0) return this.uint(v);
    // Two's complement in 64 bits, as two uint32 words (2^64 + v is not exact in a double).
    const hi = Math.floor(v / two32);
    this.#words(v - hi * two32, hi >>> 0);
  }

  /** sint writes a zigzag-encoded `sint32`/`sint64`: `2v` for v >= 0, `-2v - 1` below. */
  sint(v: number): void {
    if (v >= 0) return this.uint(v * 2);
    const twice = -v * 2;
    if (twice <= 2 ** 53) return this.uint(twice - 1);
    // Beyond 2^53 the odd result is not a double: subtract 1 from the words of 2|v|.
    const hi = Math.floor(twice / two32);
    const lo = twice - hi * two32;
    if (lo === 0) this.#words(two32 - 1, hi - 1);
    else this.#words(lo - 1, hi);
  }

  /**
   * double writes 8 little-endian bytes. NaN is written with the bits of Go's `math.NaN()`
   * (0x7FF8000000000001), so that output matches client_golang's byte for byte.
   */
  double(v: number): void {
    this.#reserve(8);
    if (v !== v) {
      this.#view.setUint32(this.#len, 1, true);
      this.#view.setUint32(this.#len + 4, 0x7ff80000, true);
    } else {
      this.#view.setFloat64(this.#len, v, true);
    }
    this.#len += 8;
  }

  /** string writes a length-delimited UTF-8 string (a lone surrogate becomes U+FFFD). */
  string(s: string): void {
    const mark = this.beginLength();
    this.#reserve(s.length * 3);
    const buf = this.#buf;
    let len = this.#len;
    let i = 0;
    for (; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) break;
      buf[len++] = c;
    }
    if (i < s.length) len += utf8.encodeInto(s.slice(i), buf.subarray(len)).written;
    this.#len = len;
    this.endLength(mark);
  }

  /** beginLength reserves the length of a length-delimited body and returns where it starts. */
  beginLength(): number {
    this.#reserve(1);
    return ++this.#len;
  }

  /** endLength writes the length of the body begun at `mark`, moving the body if it needs to. */
  endLength(mark: number): void {
    const size = this.#len - mark;
    if (size < 128) {
      this.#buf[mark - 1] = size;
      return;
    }
    const extra = varintSize(size) - 1;
    this.#reserve(extra);
    const buf = this.#buf;
    buf.copyWithin(mark + extra, mark, this.#len);
    let at = mark - 1;
    let v = size;
    while (v >= 128) {
      buf[at++] = (v % 128) | 128;
      v = Math.floor(v / 128);
    }
    buf[at] = v;
    this.#len += extra;
  }

  /** take returns a copy of the bytes written and starts over. */
  take(): Uint8Array {
    const out = this.#buf.slice(0, this.#len);
    this.#len = 0;
    return out;
  }

  /** #words writes the varint of the 64-bit integer `hi * 2^32 + lo` (both uint32). */
  #words(lo: number, hi: number): void {
    this.#reserve(10);
    const buf = this.#buf;
    let len = this.#len;
    while (hi > 0 || lo >= 128) {
      buf[len++] = (lo & 127) | 128;
      lo = ((lo >>> 7) | (hi << 25)) >>> 0;
      hi >>>= 7;
    }
    buf[len++] = lo;
    this.#len = len;
  }

  #reserve(n: number): void {
    if (this.#len + n <= this.#buf.length) return;
    let capacity = Math.max(this.#buf.length * 2, 64);
    while (capacity < this.#len + n) capacity *= 2;
    const grown = new Uint8Array(capacity);
    grown.set(this.#buf.subarray(0, this.#len));
    this.#buf = grown;
    this.#view = new DataView(grown.buffer);
  }
}

/** varintSize returns the number of bytes the varint of `v` takes. */
export function varintSize(v: number): number {
  let n = 1;
  while (v >= 128) {
    v = Math.floor(v / 128);
    n++;
  }
  return n;
}
