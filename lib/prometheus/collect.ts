/**
 * Running collectors for a gather: each collector's `collect` is started with a channel of its own,
 * the channels are drained concurrently, and every metric is processed into the family map.
 *
 * Counterpart: the goroutines and channel draining inside client_golang's `Registry.Gather`.
 * In Go each collector runs on a goroutine and the registry reads two channels; here a synchronous
 * collector has filled its channel by the time `collect` returns, so its batch is processed at
 * once, and an async collector's batches are processed as they arrive. Processing happens in time
 * slices that yield to the event loop, so a very large scrape does not stall timers and sockets.
 *
 * @module
 */

import type * as dto from "../model/index.js";
import { type Collector, collectorName, isPromiseLike } from "./collector.js";
import { FamilyMap } from "./consistency.js";
import { CollectorError, GatherAbortedError } from "./errors.js";
import { GatherChannel } from "./internal/gather-channel.js";
import type { Loans } from "./internal/loans.js";
import { lateSendReporter } from "./late-send.js";
import type { Metric } from "./metric.js";
import { Slicer } from "./internal/slices.js";
import { keepShape } from "./internal/shapes.js";

/**
 * StopSignal is what a gather follows to stop early: an AbortSignal, or the metrics handler's
 * lighter signal of a scrape (lib/promhttp/scrape.ts), which makes no AbortController per scrape.
 */
export interface StopSignal {
  readonly aborted: boolean;
  readonly reason: unknown;
  addEventListener(type: "abort", listener: () => void, options: { once: true }): void;
  removeEventListener(type: "abort", listener: () => void): void;
}

/** One collector to run, and the descriptor ids to check its metrics against (pedantic only). */
export interface CollectJob {
  collector: Collector;
  registeredDescIds: ReadonlySet<string> | undefined;
}

/** How many metrics are processed between two looks at the clock. */
const checkEvery = 512;

/** Per-gather processing state: the family map, the errors, and the time slice. */
class Processor {
  readonly errors: Error[] = [];
  aborted = false;
  readonly slicer = new Slicer();
  readonly #families: FamilyMap;
  readonly onError = (err: unknown): void => void this.errors.push(asError(err));

  constructor(families: FamilyMap) {
    this.#families = families;
  }

  /** process checks and adds a batch of metrics, yielding to the event loop between slices. */
  async process(batch: readonly Metric[], registeredDescIds: ReadonlySet<string> | undefined): Promise<void> {
    for (let i = 0; i < batch.length; i++) {
      if (this.aborted) return;
      try {
        this.#families.processMetric(batch[i]!, registeredDescIds, this.onError);
      } catch (err) {
        this.onError(err);
      }
      if (i % checkEvery === checkEvery - 1 && this.slicer.due()) await this.slicer.yield();
    }
  }

  /** processRows adds a vec's series, sent as rows (see internal/gather-channel.ts). */
  processRows(rows: dto.RowsFamily): void {
    if (this.aborted) return;
    this.#families.processRows(rows, this.onError);
  }
}

// A gather's processor dies with it: one lives on so that its shape does (internal/shapes.ts).
keepShape(new Processor(new FamilyMap()));

/**
 * runCollectors collects from every job into `families`, then puts their const rows in order
 * ({@link FamilyMap.orderConstRows}), and returns the errors. A collector that
 * throws or rejects adds a {@link CollectorError}; what it sent before still counts. When `signal`
 * aborts, pending collectors' channels are closed and a {@link GatherAbortedError} is returned
 * alone. A send on a closed channel (after an abort, or from a timer after `collect` returned) is
 * dropped and counted (late-send.ts), never thrown. With `loans` (a transactional gather), vecs
 * lend their rows' numbers and record them there.
 */
export async function runCollectors(
  jobs: readonly CollectJob[],
  families: FamilyMap,
  signal: StopSignal | undefined,
  loans: Loans | undefined,
): Promise<Error[]> {
  if (signal?.aborted) return [abortedError(signal)];
  const processor = new Processor(families);
  const channels: GatherChannel[] = [];
  const drains: Promise<void>[] = [];
  for (const job of jobs) {
    const ch = new GatherChannel({
      acceptsRows: job.registeredDescIds === undefined,
      slicer: processor.slicer,
      loans,
      withLabels: loans === undefined,
      onSendAfterClose: lateSendReporter(job.collector),
    });
    channels.push(ch);
    drains.push(runOne(job, ch, processor));
  }
  // Once every collector is done, the const rows are put in order and their repeats reported.
  const finished = Promise.all(drains).then(() => families.orderConstRows(processor.slicer, processor.onError));
  if (signal === undefined) {
    await finished;
    return processor.errors;
  }
  const aborted = abortPromise(signal);
  try {
    const outcome = await Promise.race([finished.then(() => "done" as const), aborted.promise]);
    if (outcome === "done") return processor.errors;
  } finally {
    aborted.dispose();
  }
  processor.aborted = true;
  for (const ch of channels) ch.close();
  return [abortedError(signal)];
}

function abortedError(signal: StopSignal): GatherAbortedError {
  return new GatherAbortedError("gather aborted before all collectors finished", { cause: signal.reason });
}

/**
 * runOne runs one collector and processes what it sends: its metrics, batch by batch, then the
 * rows of the vecs it collected (a vec sends its children as rows into a GatherChannel).
 */
async function runOne(job: CollectJob, ch: GatherChannel, processor: Processor): Promise<void> {
  await collectInto(job, ch, processor);
  for (const rows of ch.rows) processor.processRows(await rows);
}

async function collectInto(job: CollectJob, ch: GatherChannel, processor: Processor): Promise<void> {
  const fail = (err: unknown) => {
    const message = err instanceof Error ? err.message : String(err);
    processor.errors.push(new CollectorError(`error collecting from ${collectorName(job.collector)}: ${message}`, job.collector, err));
  };
  let result: void | Promise<void> = undefined;
  try {
    result = job.collector.collect(ch);
  } catch (err) {
    fail(err);
  }
  if (!isPromiseLike(result)) {
    ch.close();
    await processor.process(ch.takeAll(), job.registeredDescIds);
    return;
  }
  result.then(
    () => ch.close(),
    (err: unknown) => {
      if (!processor.aborted) fail(err);
      ch.close();
    },
  );
  for await (const batch of ch) await processor.process(batch, job.registeredDescIds);
}

function abortPromise(signal: StopSignal): { promise: Promise<"aborted">; dispose(): void } {
  let onAbort: () => void = () => undefined;
  const promise = new Promise<"aborted">((resolve) => {
    onAbort = () => resolve("aborted");
    if (signal.aborted) resolve("aborted");
    else signal.addEventListener("abort", onAbort, { once: true });
  });
  return { promise, dispose: () => signal.removeEventListener("abort", onAbort) };
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}

