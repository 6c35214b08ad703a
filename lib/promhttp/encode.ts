/**
 * Encoding the gathered families for a response, in the negotiated format, family by family.
 *
 * Counterpart: `expfmt.NewEncoder(w, contentType)` and the loop over `enc.Encode(mf)` with
 * `handleError` in client_golang's promhttp/http.go. Each family is encoded on its own, so that an
 * encoding error can be handled per family as client_golang does: `onEncodeError` either throws
 * (stop: HTTPErrorOnError, PanicOnError) or returns (skip the family: ContinueOnError).
 *
 * @module
 */

import {
  DefaultChunkSize,
  finalizeOpenMetrics,
  FmtProtoDelim,
  type Format,
  openMetricsChunks,
  openMetricsVersionOf,
  protobufChunks,
  type SlabPool,
  TextByteEncoder,
} from "../expfmt/index.js";
import type * as dto from "../model/index.js";

/** Chunk is a piece of a response body: text, or bytes for protobuf. */
export type Chunk = string | Uint8Array;

/** FamilyEncoder writes one format: each family's chunks, and what ends the exposition. */
interface FamilyEncoder {
  familyChunks(family: dto.GatheredFamily, chunkSize: number): Iterable<Chunk>;
  trailer: Chunk | undefined;
  /** close lets go of what the encoder holds (the text encoder's last slab). */
  close?(): void;
}

/** encoderFor returns the encoder of a negotiated format; the text format cuts chunks from `pool`. */
function encoderFor(format: Format, chunkSize: number, pool: SlabPool | undefined): FamilyEncoder {
  if (format === FmtProtoDelim) {
    return { familyChunks: (family, chunkSize) => protobufChunks([family], { chunkSize }), trailer: undefined };
  }
  const version = openMetricsVersionOf(format);
  if (version !== undefined) {
    return {
      familyChunks: (family, chunkSize) => openMetricsChunks([family], { version, eof: false, chunkSize }),
      trailer: finalizeOpenMetrics(),
    };
  }
  // One encoder for all families: they share its slabs, each family ending a chunk of its own.
  const text = new TextByteEncoder(chunkSize, pool);
  return { familyChunks: (family) => text.family(family, true), trailer: undefined, close: () => text.close() };
}

/** Pending collects chunks until about `chunkSize` of them can be handed out at once. */
class Pending {
  #parts: Chunk[] = [];
  #size = 0;
  readonly #pool: SlabPool | undefined;

  constructor(pool: SlabPool | undefined) {
    this.#pool = pool;
  }

  get size(): number {
    return this.#size;
  }

  /** mark returns a position that `truncate` can go back to. */
  mark(): number {
    return this.#parts.length;
  }

  add(chunk: Chunk): void {
    this.#parts.push(chunk);
    this.#size += chunk.length;
  }

  truncate(mark: number): void {
    for (const dropped of this.#parts.splice(mark)) {
      this.#size -= dropped.length;
      if (typeof dropped !== "string") this.#pool?.done(dropped);
    }
  }

  /** take returns everything pending as one chunk and empties the buffer. */
  take(): Chunk {
    const parts = this.#parts;
    this.#parts = [];
    this.#size = 0;
    if (parts.length === 1) return parts[0]!;
    if (typeof parts[0] === "string") return (parts as string[]).join("");
    const joined = Buffer.concat(parts as Uint8Array[]);
    for (const part of parts as Uint8Array[]) this.#pool?.done(part);
    return joined;
  }
}

/**
 * expositionChunks yields the exposition of `families` in `format`, in chunks of about
 * `chunkSize`.
 *
 * When a family fails to encode, `onEncodeError` is called with the error; if it returns, the
 * family is left out and encoding goes on. A skipped family is left out whole unless part of it
 * had already been yielded (a family larger than a chunk); what was yielded are complete lines.
 * client_golang writes the failed family's lines up to the error in every case.
 *
 * With a `pool`, text chunks are cut from its slabs: the caller gives each chunk back with
 * `pool.done(chunk)` once it is written (see lib/expfmt/slab-pool.ts).
 */
export function* expositionChunks(
  families: Iterable<dto.GatheredFamily>,
  format: Format,
  onEncodeError: (err: unknown, family: dto.GatheredFamily) => void,
  chunkSize: number = DefaultChunkSize,
  pool?: SlabPool,
): Generator<Chunk, void, undefined> {
  const encoder = encoderFor(format, chunkSize, pool);
  const pending = new Pending(pool);
  try {
    for (const family of families) {
      const familyStart = pending.mark();
      let partlyYielded = false;
      try {
        for (const chunk of encoder.familyChunks(family, chunkSize)) {
          pending.add(chunk);
          if (pending.size >= chunkSize) {
            yield pending.take();
            partlyYielded = true;
          }
        }
      } catch (err) {
        onEncodeError(err, family);
        if (!partlyYielded) pending.truncate(familyStart);
      }
    }
    if (encoder.trailer !== undefined) pending.add(encoder.trailer);
    if (pending.size > 0) yield pending.take();
  } finally {
    encoder.close?.();
  }
}
