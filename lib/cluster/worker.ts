/**
 * The worker's side: answer the primary's gather requests from a gatherer (by default the
 * default registry). prom-client does this as a side effect of constructing an
 * `AggregatorRegistry` in the worker; here it is one explicit call.
 *
 * @module
 */

import type * as dto from "../model/index.js";
import { defaultGatherer, type Gatherer, GatherError, InvalidOptionsError, toTransactionalGatherer, type TransactionalGatherer } from "../prometheus/index.js";
import { SentColumns } from "./columns.js";
import { type GatherAnswer, GatherAnswerType, type GatherRequest, isGatherRequest } from "./protocol.js";
import { ChunkNumbers, ChunkSeries, toWire, type WireFamily } from "./wire.js";

/** ServeWorkerOptions tune {@link serveWorker}. */
export interface ServeWorkerOptions {
  /** What to gather from; the default registry when absent. */
  gatherer?: Gatherer;
  /**
   * Send the exemplars of counters and histogram buckets to the primary, which keeps the newest
   * of each merged series. Default false: exemplars stay in the worker. Either way a registry's
   * vecs travel straight from the rows families of its transactional gather, without an object
   * per series (see docs/cluster.md).
   */
  exemplars?: boolean;
}

/** WorkerServer is a running {@link serveWorker}; `close` stops answering. */
export interface WorkerServer {
  close(): void;
}

/**
 * serveWorker answers the cluster primary's gather requests in this worker: each request is
 * answered with one gather of `options.gatherer` through its transactional form
 * (`toTransactionalGatherer`), sent over the IPC channel in wire form. A gather
 * that fails in part sends the families gathered despite the errors, and the errors' messages,
 * which the primary reports. Other messages on the channel are left alone.
 * @throws {InvalidOptionsError} when the process has no IPC channel (not a cluster worker or a
 * forked child), or `gatherer` has no `gather` method.
 *
 * @example
 * ```ts
 * import cluster from "node:cluster";
 * import { serveWorker } from "demo-exporter/cluster";
 * if (cluster.isWorker) serveWorker(); // answers from the default registry
 * ```
 */
export function serveWorker(options: ServeWorkerOptions = {}): WorkerServer {
  const gatherer = toTransactionalGatherer(options.gatherer ?? defaultGatherer); // throws for a non-gatherer
  if (typeof process.send !== "function") {
    throw new InvalidOptionsError("serveWorker needs an IPC channel to the primary: call it in a node:cluster worker");
  }
  const sent = new SentColumns();
  const onMessage = (msg: unknown): void => {
    if (isGatherRequest(msg)) void answer(gatherer, msg, options.exemplars === true, sent);
  };
  process.on("message", onMessage);
  return { close: () => void process.off("message", onMessage) };
}

/**
 * answer gathers once and sends the result; a primary that is gone gets nothing. The families
 * are turned into wire form while the transaction is open, and given back before anything is
 * sent: the wire form holds copies. A label column the request says the primary holds is sent
 * by its number (columns.ts).
 */
async function answer(gatherer: TransactionalGatherer, request: GatherRequest, exemplars: boolean, sent: SentColumns): Promise<void> {
  const errors: string[] = [];
  let families: readonly dto.GatheredFamily[] = [];
  let done = (): void => {};
  try {
    ({ families, done } = await gatherer.gather());
  } catch (err) {
    if (err instanceof GatherError) {
      families = err.families; // plain data, borrowing nothing
      for (const e of err.errors as unknown[]) errors.push(e instanceof Error ? e.message : String(e));
    } else {
      errors.push(err instanceof Error ? err.message : String(err));
    }
  }
  const wires: WireFamily[] = [];
  try {
    for (const family of families) {
      try {
        wires.push(...toWire([family], { exemplars }));
      } catch (err) {
        errors.push(err instanceof Error ? err.message : String(err));
      }
    }
  } finally {
    done();
  }
  sent.number(wires, request.columns);
  for (const msg of messages(request.id, wires, errors)) {
    // With a callback, a closed channel is reported to it instead of an 'error' event: the
    // primary has gone or disconnected us, and there is nobody left to answer.
    process.send?.(msg, undefined, undefined, () => {});
  }
}

/** messages packs the wire families into messages of about one chunk's size (see wire.ts). */
function messages(id: number, wires: readonly WireFamily[], errors: string[]): GatherAnswer[] {
  const out: GatherAnswer[] = [];
  let current: GatherAnswer = { type: GatherAnswerType, id, families: [], errors: [], last: false };
  let series = 0;
  let numbers = 0;
  for (const wire of wires) {
    const size = (wire.numbers.length * 3) / 32; // base64: 4 characters for 3 bytes; 8 bytes a number
    if (current.families.length > 0 && (series + wire.series > ChunkSeries || numbers + size > ChunkNumbers)) {
      out.push(current);
      current = { type: GatherAnswerType, id, families: [], errors: [], last: false };
      series = 0;
      numbers = 0;
    }
    current.families.push(wire);
    series += wire.series;
    numbers += size;
  }
  current.errors = errors;
  current.last = true;
  out.push(current);
  return out;
}
