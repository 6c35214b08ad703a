/**
 * The primary's side: a Gatherer that asks every live worker of a node:cluster for its families
 * and merges them, to be served with promhttp's `handlerFor` on the primary.
 *
 * prom-client's counterpart is `AggregatorRegistry.clusterMetrics()`. The differences, each for
 * a reason:
 * - A worker that dies or does not answer within `timeout` is left out, and the scrape goes on
 *   with the others; `cluster_workers_asked`, `cluster_workers_answered` and `cluster_worker_up`
 *   say so in the scrape itself. (prom-client rejects the whole scrape after 5 s.)
 * - Each family is merged by an explicit rule (rules.ts); histograms need equal bounds, quantiles
 *   are never added. A family that cannot be merged is reported as a typed error inside a
 *   {@link GatherError} that still holds the other families, as a registry reports its errors.
 * - It returns client_model families, not text: the handler negotiates the format, and the
 *   gatherer composes with others (`new Gatherers([cluster, primaryRegistry])`). Its
 *   transactional form (what `handlerFor` uses) hands the merged counters and gauges over as
 *   rows families (rows.ts), which the text encoder writes without an object per series.
 *
 * @module
 */

import cluster, { type Worker } from "node:cluster";
import type * as dto from "../model/index.js";
import { asMetricFamily } from "../expfmt/index.js";
import {
  GatherAbortedError,
  GatherError,
  type GatherOptions,
  type HasTransactionalGatherer,
  InvalidOptionsError,
  isValidLabelName,
  type StopSignal,
  type TransactionalGatherer,
  type TransactionalGatherOptions,
} from "../prometheus/index.js";
import { HeldColumns } from "./columns.js";
import { FamilyConflictError, WorkerGatherError } from "./errors.js";
import { LabelTexts } from "./label-text.js";
import { mergeAnswers, type WorkerAnswer } from "./merge.js";
import { type GatherAnswer, type GatherRequest, GatherRequestType, isGatherAnswer } from "./protocol.js";
import { RowLayouts } from "./rows.js";
import { type MergeRules, RuleBook } from "./rules.js";
import { Slicer } from "./slices.js";

/** noop is the `done` of a transaction that borrowed nothing. */
function noop(): void {}

/** DefaultClusterTimeout is how long a scrape waits for the workers' answers by default: 5 s. */
export const DefaultClusterTimeout = 5_000;

/** ClusterGathererOptions tune a {@link ClusterGatherer}. Every field is optional. */
export interface ClusterGathererOptions {
  /**
   * How long (ms) a gather waits for the workers; those that have not answered by then are left
   * out. Keep it below the scrape timeout. Default {@link DefaultClusterTimeout}.
   */
  timeout?: number;
  /** The merge rules per family name and the defaults per type (see rules.ts). */
  rules?: MergeRules;
  /** The label that names a worker (rule `"worker"`, `cluster_worker_up`); default `"worker"`. */
  workerLabel?: string;
}

/** WorkersAskedName names the gauge of how many live workers a scrape asked. */
export const WorkersAskedName = "cluster_workers_asked";
/** WorkersAnsweredName names the gauge of how many workers answered a scrape in time. */
export const WorkersAnsweredName = "cluster_workers_answered";
/** WorkerUpName names the gauge, per asked worker, of whether it answered (1) or was left out (0). */
export const WorkerUpName = "cluster_worker_up";
const ownNames: ReadonlySet<string> = new Set([WorkersAskedName, WorkersAnsweredName, WorkerUpName]);

/**
 * ClusterGatherer gathers from the workers of a node:cluster primary. Build it with
 * {@link newClusterGatherer}; the workers call `serveWorker()`.
 */
export class ClusterGatherer implements HasTransactionalGatherer {
  readonly #timeout: number;
  readonly #rules: RuleBook;
  readonly #workerLabel: string;
  readonly #labelTexts = new LabelTexts();
  readonly #rowLayouts = new RowLayouts();
  readonly #columns = new HeldColumns();

  /** @throws {InvalidOptionsError} outside a cluster primary, or for a bad timeout, rule or label name. */
  constructor(options: ClusterGathererOptions = {}) {
    if (!cluster.isPrimary) throw new InvalidOptionsError("a ClusterGatherer gathers from workers: create it in the node:cluster primary");
    const timeout = options.timeout ?? DefaultClusterTimeout;
    if (!(typeof timeout === "number" && timeout >= 0 && Number.isFinite(timeout))) {
      throw new InvalidOptionsError(`timeout must be a non-negative number of ms, got ${String(timeout)}`);
    }
    const workerLabel = options.workerLabel ?? "worker";
    if (typeof workerLabel !== "string" || !isValidLabelName(workerLabel) || workerLabel.startsWith("__")) {
      throw new InvalidOptionsError(`workerLabel ${JSON.stringify(workerLabel)} is not a valid label name`);
    }
    this.#timeout = timeout;
    this.#rules = new RuleBook(options.rules);
    this.#workerLabel = workerLabel;
  }

  /**
   * gather asks every live worker for its families, waits for their answers (at most `timeout`),
   * and merges those that came. It resolves to the merged families and the gatherer's own
   * (workers asked, answered, up), or rejects with a {@link GatherError} holding the errors
   * (families that could not be merged, workers whose gather failed) and the rest.
   * @throws {GatherAbortedError} when `options.signal` aborts before the workers answered.
   */
  async gather(options: GatherOptions = {}): Promise<dto.MetricFamily[]> {
    return (await this.#gather(options, false)) as dto.MetricFamily[];
  }

  /**
   * transactionalGatherer returns this gatherer's transactional form: it gathers as
   * {@link gather} does, with the merged counter, gauge and untyped families that have one series
   * per label set (any rule but `"worker"`) as rows families. They borrow nothing: `done()` has
   * nothing to give back. A {@link GatherError} holds plain families, as from `gather`.
   */
  transactionalGatherer(): TransactionalGatherer {
    return { gather: async (options?: TransactionalGatherOptions) => ({ families: await this.#gather(options ?? {}, true), done: noop }) };
  }

  async #gather(options: TransactionalGatherOptions, rows: boolean): Promise<dto.GatheredFamily[]> {
    const { signal } = options;
    if (signal?.aborted) throw new GatherAbortedError("gather aborted before the cluster workers were asked", { cause: signal.reason });
    const asked = liveWorkers();
    this.#columns.keepOnly(new Set(asked.map((w) => w.id)));
    const answers = await askWorkers(asked, this.#timeout, signal, this.#columns);
    const errors: Error[] = [];
    for (const a of answers) for (const e of a.errors) errors.push(new WorkerGatherError(`worker ${a.workerId}: ${e}`, a.workerId));
    const merged = await mergeAnswers(answers, {
      rules: this.#rules,
      workerLabel: this.#workerLabel,
      slicer: new Slicer(),
      labelTexts: this.#labelTexts,
      rowLayouts: this.#rowLayouts,
      rows,
    });
    errors.push(...merged.errors);
    const families = merged.families.filter((f) => {
      if (!ownNames.has(f.name)) return true;
      errors.push(new FamilyConflictError(`metric family ${f.name} of the workers collides with the cluster gatherer's own`, f.name));
      return false;
    });
    families.push(...this.#ownFamilies(asked, new Set(answers.map((a) => a.workerId))));
    families.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    if (errors.length > 0) throw new GatherError(errors, families.map(asMetricFamily));
    return families;
  }

  /** The families that tell how the scrape went: workers asked, answered, and each one's up. */
  #ownFamilies(asked: readonly Worker[], answered: ReadonlySet<number>): dto.MetricFamily[] {
    const families: dto.MetricFamily[] = [
      {
        name: WorkersAskedName,
        help: "Number of live cluster workers the primary asked for their metrics in this scrape.",
        type: "gauge",
        metric: [{ label: [], gauge: { value: asked.length } }],
      },
      {
        name: WorkersAnsweredName,
        help: "Number of cluster workers whose metrics arrived in time and were merged into this scrape.",
        type: "gauge",
        metric: [{ label: [], gauge: { value: answered.size } }],
      },
      {
        name: WorkerUpName,
        help: "Whether a cluster worker answered this scrape in time (1) or was left out (0).",
        type: "gauge",
        metric: asked.map((w) => ({ label: [{ name: this.#workerLabel, value: String(w.id) }], gauge: { value: answered.has(w.id) ? 1 : 0 } })),
      },
    ];
    return families.filter((f) => f.metric.length > 0); // a family without series is not written, as a registry drops it
  }
}

/**
 * newClusterGatherer returns a {@link ClusterGatherer}.
 * @throws {InvalidOptionsError} as the constructor.
 *
 * @example
 * ```ts
 * import cluster from "node:cluster";
 * import { createServer } from "node:http";
 * import { newClusterGatherer } from "demo-exporter/cluster";
 * import { handlerFor } from "demo-exporter/promhttp";
 *
 * if (cluster.isPrimary) {
 *   for (let i = 0; i < 4; i++) cluster.fork();
 *   const gatherer = newClusterGatherer({ timeout: 3_000, rules: { byName: { app_connections: "sum" } } });
 *   const metrics = handlerFor(gatherer, { errorHandling: "continue" });
 *   createServer((req, res) => void metrics(req, res)).listen(9100);
 * }
 * ```
 */
export function newClusterGatherer(options: ClusterGathererOptions = {}): ClusterGatherer {
  return new ClusterGatherer(options);
}

/** liveWorkers lists the workers that can still answer, by id. */
function liveWorkers(): Worker[] {
  return Object.values(cluster.workers ?? {})
    .filter((w): w is Worker => w !== undefined && w.isConnected() && !w.isDead())
    .sort((a, b) => a.id - b.id);
}

/** The answers of one gather: each answering worker's id, families and error messages. */
interface Answer extends WorkerAnswer {
  errors: readonly string[];
}

/** A request in flight: what to do with an answer, and with a worker that went away. */
interface Pending {
  answer(worker: Worker, msg: GatherAnswer): void;
  gone(worker: Worker): void;
}

/** The requests in flight, by id; one set of cluster listeners serves them all. */
const inFlight = new Map<number, Pending>();
let nextRequestId = 1;
let listening = false;

function listen(): void {
  if (listening) return;
  listening = true;
  cluster.on("message", (worker: Worker, msg: unknown) => {
    // An answer whose request is no longer in flight (it timed out) is dropped here.
    if (isGatherAnswer(msg)) inFlight.get(msg.id)?.answer(worker, msg);
  });
  const gone = (worker: Worker): void => {
    for (const p of inFlight.values()) p.gone(worker);
  };
  cluster.on("exit", gone);
  cluster.on("disconnect", gone);
}

/**
 * askWorkers sends one request to each worker (with the label columns held from it, see
 * columns.ts) and resolves with the answers that came before every worker answered or went away,
 * or `timeoutMs` passed. It rejects only when `signal` aborts.
 */
function askWorkers(workers: readonly Worker[], timeoutMs: number, signal: StopSignal | undefined, columns: HeldColumns): Promise<Answer[]> {
  if (workers.length === 0) return Promise.resolve([]);
  listen();
  const id = nextRequestId++;
  const waiting = new Set(workers.map((w) => w.id));
  const answers: Answer[] = [];
  const partial = new Map<number, { families: unknown[]; errors: string[] }>();
  return new Promise((resolve, reject) => {
    const settle = (err?: Error): void => {
      if (!inFlight.delete(id)) return;
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      if (err === undefined) resolve(answers);
      else reject(err);
    };
    const onAbort = (): void =>
      settle(new GatherAbortedError("gather aborted before all cluster workers answered", { cause: signal?.reason }));
    const leaveOut = (worker: Worker): void => {
      if (waiting.delete(worker.id) && waiting.size === 0) settle();
    };
    inFlight.set(id, {
      answer: (worker, msg) => {
        if (!waiting.has(worker.id)) return;
        let got = partial.get(worker.id);
        if (got === undefined) partial.set(worker.id, (got = { families: [], errors: [] }));
        for (const f of msg.families) got.families.push(f);
        for (const e of msg.errors) got.errors.push(String(e));
        if (!msg.last) return;
        // Taken as the answer completes: the worker's answers arrive in the order it sent them.
        answers.push({ workerId: worker.id, ...got, columns: columns.take(worker.id, got.families) });
        leaveOut(worker);
      },
      gone: leaveOut,
    });
    const timer = setTimeout(() => settle(), timeoutMs);
    signal?.addEventListener("abort", onAbort, { once: true });
    for (const worker of workers) {
      const request: GatherRequest = { type: GatherRequestType, id, columns: columns.known(worker.id) };
      try {
        worker.send(request, undefined, (err: Error | null) => {
          if (err) leaveOut(worker);
        });
      } catch {
        leaveOut(worker); // the channel closed between the liveness check and the send
      }
    }
  });
}
