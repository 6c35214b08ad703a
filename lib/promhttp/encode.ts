/**
 * Encoding the gathered families for a response, family by family.
 *
 * Counterpart: the loop over `enc.Encode(mf)` with `handleError` in client_golang's
 * promhttp/http.go. Each family is encoded on its own, so that an encoding error can be handled
 * per family as client_golang does: `onEncodeError` either throws (stop: HTTPErrorOnError,
 * PanicOnError) or returns (skip the family: ContinueOnError).
 *
 * @module
 */

import { DefaultChunkSize, textChunks } from "../expfmt/index.js";
import type * as dto from "../model/index.js";

/**
 * expositionChunks yields the text exposition of `families` in chunks of about `chunkSize`.
 *
 * When a family fails to encode, `onEncodeError` is called with the error; if it returns, the
 * family is left out and encoding goes on. A skipped family is left out whole unless part of it
 * had already been yielded (a family larger than a chunk); what was yielded are complete lines.
 * client_golang writes the failed family's lines up to the error in every case.
 */
export function* expositionChunks(
  families: Iterable<dto.MetricFamily>,
  onEncodeError: (err: unknown, family: dto.MetricFamily) => void,
  chunkSize: number = DefaultChunkSize,
): Generator<string, void, undefined> {
  let pending = "";
  for (const family of families) {
    const familyStart = pending.length;
    let partlyYielded = false;
    try {
      for (const chunk of textChunks([family], chunkSize)) {
        pending += chunk;
        if (pending.length >= chunkSize) {
          yield pending;
          pending = "";
          partlyYielded = true;
        }
      }
    } catch (err) {
      onEncodeError(err, family);
      if (!partlyYielded) pending = pending.slice(0, familyStart);
    }
  }
  if (pending.length > 0) yield pending;
}
