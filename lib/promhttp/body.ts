/**
 * The body of a metrics response: chunks written with backpressure, gzipped when asked.
 *
 * Counterpart: the `io.Writer` that client_golang's handler encodes into (the response, or a
 * pooled `gzip.Writer` around it). Go's writes block while the client is slow; here `write`
 * waits for 'drain', and every wait ends early when the scrape stops (see scrape.ts).
 *
 * @module
 */

import type { ServerResponse } from "node:http";
import { finished, pipeline, type Writable } from "node:stream";
import { createGzip, type Gzip } from "node:zlib";
import type { SlabPool } from "../expfmt/index.js";
import type { ScrapeContext } from "./scrape.js";

function noop(): void {}

/**
 * ResponseBody writes a response body to `res`, through gzip when `compress` is set. The caller
 * sets the status and headers before the first write.
 */
export class ResponseBody {
  readonly #res: ServerResponse;
  readonly #gzip: Gzip | undefined;
  readonly #target: Writable;
  readonly #ctx: ScrapeContext;
  readonly #pool: SlabPool | undefined;
  /** Ends the current wait of {@link write}; set while one is pending. */
  #wake: (() => void) | undefined = undefined;
  /** Called on 'drain' and when the scrape stops: both end a wait. */
  readonly #onReady = (): void => {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  };

  /** Chunks written are given back to `pool` once the stream is done with them. */
  constructor(res: ServerResponse, compress: boolean, ctx: ScrapeContext, pool?: SlabPool) {
    this.#res = res;
    this.#ctx = ctx;
    this.#pool = pool;
    if (compress) {
      this.#gzip = createGzip();
      // pipeline destroys the gzip stream if the client goes away, and the response if gzip fails.
      pipeline(this.#gzip, res, () => undefined);
    }
    this.#target = this.#gzip ?? res;
    // One listener of each kind for the whole body, not one per wait: a big body waits for
    // 'drain' after nearly every chunk, and that path should make no garbage but the promise.
    this.#target.on("drain", this.#onReady);
    ctx.stopSignal.addEventListener("abort", this.#onReady, { once: true });
  }

  /**
   * write hands `chunk` on and, when the stream's buffer is full, waits for it to drain (or for
   * the scrape to stop, which the caller checks on {@link ScrapeContext.stopped}).
   */
  async write(chunk: string | Uint8Array): Promise<void> {
    if (this.#target.write(chunk, this.#giveBack(chunk))) return;
    if (this.#ctx.stopped !== undefined) return;
    await new Promise<void>((resolve) => {
      this.#wake = resolve;
    });
  }

  /**
   * end writes `last` (if given) and ends the body, then waits until the response is finished or
   * closed. A whole body given to `end` without earlier writes goes out with a Content-Length.
   */
  async end(last?: string | Uint8Array): Promise<void> {
    if (last === undefined) this.#target.end();
    else this.#target.end(last, this.#giveBack(last));
    this.#unwatch();
    await this.#ctx.closed();
  }

  /** giveBack returns the callback that gives a written chunk back to the pool. */
  #giveBack(chunk: string | Uint8Array): () => void {
    const pool = this.#pool;
    return pool === undefined || typeof chunk === "string" ? noop : () => pool.done(chunk);
  }

  /**
   * destroy abandons the response: the connection is closed, so a client reading a chunked body
   * sees an error, never a complete-looking truncated one.
   */
  destroy(): void {
    this.#unwatch();
    this.#gzip?.destroy();
    this.#res.destroy();
  }

  /** unwatch removes the listeners of the constructor once no write can wait any more. */
  #unwatch(): void {
    this.#target.off("drain", this.#onReady);
    this.#ctx.stopSignal.removeEventListener("abort", this.#onReady);
  }
}

/** responseDone resolves when `res` has finished or closed; it never rejects. */
export function responseDone(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => finished(res, () => resolve()));
}
