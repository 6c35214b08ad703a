/**
 * The Pusher: gathers metrics and pushes them to a Pushgateway, for jobs that end before a
 * Prometheus server could scrape them.
 *
 * Counterpart: client_golang's prometheus/push/push.go (`New`, `Pusher` and its `Collector`,
 * `Gatherer`, `Grouping`, `Client`, `BasicAuth`, `Format`, `Push`, `Add`, `Delete`, `Error`),
 * with its checks and messages. The builder works as Go's does: each method changes the Pusher
 * and returns it, and the first configuration error is kept and returned by every later `push`,
 * `add` and `delete`.
 *
 * Deliberate differences from Go:
 * - A Pusher has a timeout (default {@link DefaultPushTimeoutMs}, `timeout(Infinity)` for none)
 *   that bounds each request, answer and body included, even when a custom fetch ignores the
 *   abort signal. Go's `http.Client{}` has no timeout; `PushContext` takes a context, which is
 *   `push({ signal })` here.
 * - The grouping key keeps the order in which labels were first added, so the URL is always the
 *   same (Go ranges over a map: the order changes from run to run).
 * - Credentials in the URL (`http://user:pass@host:9091`) become basic auth, as Go's http client
 *   does with them, and are never part of an error message or `url` field.
 * - A grouping value (or job) with a space goes in base64 form, so that it arrives as it was sent
 *   (see grouping.ts).
 * - A job name or grouping value that is not valid UTF-8 (a lone surrogate) is a
 *   {@link PushConfigError}; Go would send its bytes as they are.
 * - Errors are classes (errors.ts), with Go's messages.
 *
 * @module
 */

import {
  FmtProtoDelim,
  FmtText,
  type Format,
  protobufChunks,
  textChunks,
} from "../expfmt/index.js";
import type * as dto from "../model/index.js";
import {
  type Collector,
  type Gatherer,
  Gatherers,
  isValidLabelName,
  metricToProtoText,
  newRegistry,
  type Registry,
} from "../prometheus/index.js";
import {
  PushConfigError,
  PushEncodeError,
  PushHTTPError,
  PushLabelError,
  type PushMethod,
  PushRequestError,
  PushTimeoutError,
} from "./errors.js";
import { groupingPath } from "./grouping.js";

/** DefaultPushTimeoutMs bounds each request of a Pusher unless `timeout` says otherwise. */
export const DefaultPushTimeoutMs = 10_000;

/** MaxTimerMs is the longest delay setTimeout keeps (about 24.8 days); longer ones fire at once. */
const MaxTimerMs = 2 ** 31 - 1;

/** PushFormat is a format the Pushgateway accepts: protobuf delimited (the default) or text. */
export type PushFormat = typeof FmtProtoDelim | typeof FmtText;

/**
 * PushRequest is what a Pusher hands its fetch: a subset of fetch's `RequestInit`, so the global
 * `fetch` (and undici's) can be used as is.
 */
export interface PushRequest {
  method: PushMethod;
  headers: Record<string, string>;
  /** The encoded metrics of a push or add; absent for a delete. */
  body?: Uint8Array;
  /** Aborted when the timeout passes or the caller's signal fires. */
  signal: AbortSignal;
}

/** PushResponse is what a Pusher reads from fetch's answer: the status and the body text. */
export interface PushResponse {
  readonly status: number;
  text(): Promise<string>;
}

/**
 * PushFetch is the one function a Pusher needs to talk HTTP, Go's `HTTPDoer` as a fetch: the
 * global `fetch` by default, or any function of the same shape (a proxy agent, a test double).
 */
export type PushFetch = (url: string, init: PushRequest) => Promise<PushResponse>;

/** PushCallOptions tune one `push`, `add` or `delete`. */
export interface PushCallOptions {
  /** Aborting it ends the call with a {@link PushRequestError} (Go's `PushContext`). */
  signal?: AbortSignal;
}

/**
 * newPusher creates a Pusher that pushes to the Pushgateway at `url` with the job name `job`
 * (which must not be empty). `url` may be just `host:port` (`http://` is added) and must not
 * include the `/metrics/job/...` part; a trailing slash is dropped.
 *
 * @example
 * ```ts
 * const completion = newGauge({ name: "db_backup_last_completion_timestamp_seconds", help: "..." });
 * completion.setToCurrentTime();
 * await newPusher("http://pushgateway:9091", "db_backup")
 *   .collector(completion)
 *   .grouping("db", "customers")
 *   .push();
 * ```
 */
export function newPusher(url: string, job: string): Pusher {
  return new Pusher(url, job);
}

/**
 * Pusher manages pushes to a Pushgateway. Create one with {@link newPusher}, configure it with
 * its methods (each returns the Pusher), then call `push`, `add` or `delete`. A Pusher can be
 * used for any number of calls; each gathers anew.
 */
export class Pusher {
  #error: Error | undefined;
  readonly #url: string;
  readonly #job: string;
  readonly #grouping = new Map<string, string>();
  readonly #registry: Registry = newRegistry();
  readonly #gatherers: Gatherer[] = [this.#registry];
  #fetch: PushFetch = (url, init) => fetch(url, init);
  #auth: string | undefined;
  #format: PushFormat = FmtProtoDelim;
  #timeoutMs = DefaultPushTimeoutMs;

  /** Use {@link newPusher}. */
  constructor(url: string, job: string) {
    if (typeof job !== "string") this.#fail(new PushConfigError(`job name must be a string, got ${typeof job}`));
    else if (job === "") this.#fail(new PushConfigError("job name is empty"));
    else if (!job.isWellFormed()) this.#fail(new PushConfigError(`job name ${JSON.stringify(job)} is not valid UTF-8`));
    const { base, auth } = splitURL(String(url));
    this.#url = base;
    if (auth instanceof Error) this.#fail(auth);
    else this.#auth = auth;
    this.#job = job;
  }

  /**
   * gatherer adds a Gatherer whose metrics are pushed. They must not carry a `job` label, nor a
   * label of the grouping key.
   */
  gatherer(g: Gatherer): this {
    if (typeof g?.gather !== "function") this.#fail(new PushConfigError("gatherer has no gather method"));
    else this.#gatherers.push(g);
    return this;
  }

  /**
   * collector registers a Collector with the Pusher's own registry; its metrics are pushed. A
   * registration error (`AlreadyRegisteredError`, ...) is kept as the Pusher's error.
   */
  collector(c: Collector): this {
    if (this.#error === undefined) {
      const err = this.#registry.register(c);
      if (err !== undefined) this.#error = err;
    }
    return this;
  }

  /**
   * grouping adds a label to the grouping key, replacing an earlier value of the same name. The
   * pushed metrics must not carry that label themselves.
   */
  grouping(name: string, value: string): this {
    if (this.#error !== undefined) return this;
    if (!isValidLabelName(name)) return this.#fail(new PushConfigError(`grouping label has invalid name: ${name}`));
    if (typeof value !== "string" || !value.isWellFormed()) {
      return this.#fail(new PushConfigError(`grouping label ${name} has a value that is not valid UTF-8: ${JSON.stringify(value)}`));
    }
    this.#grouping.set(name, value);
    return this;
  }

  /** client sets the function that sends the requests (Go's `Client`); the global `fetch` by default. */
  client(fetchFn: PushFetch): this {
    if (typeof fetchFn !== "function") return this.#fail(new PushConfigError("client is not a function"));
    this.#fetch = fetchFn;
    return this;
  }

  /** basicAuth sends every request with HTTP basic authentication. */
  basicAuth(username: string, password: string): this {
    this.#auth = basicAuthHeader(String(username), String(password));
    return this;
  }

  /**
   * format sets the encoding of pushed metrics: {@link FmtProtoDelim} (the default, what the
   * Pushgateway prefers) or {@link FmtText}.
   */
  format(format: Format): this {
    if (format !== FmtProtoDelim && format !== FmtText) {
      return this.#fail(new PushConfigError(`unsupported push format ${JSON.stringify(format)}: use FmtProtoDelim or FmtText`));
    }
    this.#format = format;
    return this;
  }

  /**
   * timeout bounds each request, from sending to the last byte of the answer, in milliseconds
   * (default {@link DefaultPushTimeoutMs}; `Infinity` for none). A request that takes longer is
   * aborted with a {@link PushTimeoutError}.
   */
  timeout(ms: number): this {
    if (typeof ms !== "number" || !(ms > 0)) return this.#fail(new PushConfigError(`timeout must be a positive number of milliseconds, got ${String(ms)}`));
    this.#timeoutMs = ms;
    return this;
  }

  /** error returns the first configuration error, or undefined (Go's `Error`). */
  error(): Error | undefined {
    return this.#error;
  }

  /**
   * push gathers every collector and gatherer and replaces the whole group (the job and grouping
   * labels) on the Pushgateway with the result: HTTP `PUT`.
   * @throws {PushError} (a subclass) when the Pusher is misconfigured, a metric carries a
   * grouping label, or the Pushgateway does not accept the push; the error of a failed gather or
   * registration as it is.
   */
  push(options: PushCallOptions = {}): Promise<void> {
    return this.#send("PUT", options);
  }

  /**
   * add works like push, but replaces only the metrics of the same names in the group: HTTP
   * `POST`.
   * @throws {PushError} as push does.
   */
  add(options: PushCallOptions = {}): Promise<void> {
    return this.#send("POST", options);
  }

  /**
   * delete removes the group (the job and grouping labels) from the Pushgateway: HTTP `DELETE`.
   * Collectors and gatherers are not used.
   * @throws {PushError} (a subclass) when the Pusher is misconfigured or the Pushgateway does
   * not answer 202 Accepted.
   */
  async delete(options: PushCallOptions = {}): Promise<void> {
    if (this.#error !== undefined) throw this.#error;
    await this.#request("DELETE", undefined, options.signal, [202]);
  }

  async #send(method: "PUT" | "POST", options: PushCallOptions): Promise<void> {
    if (this.#error !== undefined) throw this.#error;
    const gatherOptions = options.signal === undefined ? {} : { signal: options.signal };
    const families = await new Gatherers(this.#gatherers).gather(gatherOptions);
    const body = this.#encode(families);
    // Depending on version and configuration, a Pushgateway answers 200 or 202.
    await this.#request(method, body, options.signal, [200, 202]);
  }

  /** encode checks each family's labels, then encodes it, as Go's push does, family by family. */
  #encode(families: readonly dto.MetricFamily[]): Uint8Array {
    const chunks: Uint8Array[] = [];
    for (const family of families) {
      checkLabels(family, this.#grouping);
      try {
        if (this.#format === FmtProtoDelim) chunks.push(...protobufChunks([family]));
        else for (const text of textChunks([family])) chunks.push(Buffer.from(text, "utf8"));
      } catch (err) {
        // "familty" is Go's spelling, kept so that the message can be found in both codebases.
        throw new PushEncodeError(`failed to encode metric familty ${family.name}, error is ${(err as Error).message}`, family.name, err);
      }
    }
    return Buffer.concat(chunks);
  }

  /** fullURL is the group's URL: the base, `/metrics`, the job and the grouping key. */
  #fullURL(): string {
    return `${this.#url}/metrics/${groupingPath(this.#job, this.#grouping)}`;
  }

  async #request(method: PushMethod, body: Uint8Array | undefined, signal: AbortSignal | undefined, ok: number[]): Promise<void> {
    const url = this.#fullURL();
    const headers: Record<string, string> = {};
    if (this.#auth !== undefined) headers["Authorization"] = this.#auth;
    if (body !== undefined) headers["Content-Type"] = this.#format;
    const timeout = new AbortController();
    const signals = signal === undefined ? [timeout.signal] : [timeout.signal, signal];
    const init: PushRequest = { method, headers, signal: AbortSignal.any(signals) };
    if (body !== undefined) init.body = body;
    const exchange = async (): Promise<{ status: number; text: string }> => {
      const res = await this.#fetch(url, init);
      return { status: res.status, text: await res.text() };
    };
    let answer: { status: number; text: string };
    try {
      answer = await withDeadline(exchange(), this.#timeoutMs, init.signal, timeout);
    } catch (err) {
      if (timeout.signal.aborted) throw new PushTimeoutError(method, url, this.#timeoutMs);
      const reason = err instanceof Error && err.cause instanceof Error ? `${err.message}: ${err.cause.message}` : String((err as Error)?.message ?? err);
      throw new PushRequestError(`${method} ${url} failed: ${reason}`, method, url, err);
    }
    if (!ok.includes(answer.status)) throw new PushHTTPError(method, url, answer.status, answer.text);
  }

  #fail(err: Error): this {
    this.#error ??= err;
    return this;
  }
}

/**
 * withDeadline settles with `work`, unless `timeoutMs` passes first (then `timeout` is aborted,
 * which `work` sees through its signal, and the promise rejects) or `signal` fires. It does not
 * rely on `work` honouring the signal: a fetch that ignores it is left behind, not waited for.
 */
function withDeadline<T>(work: Promise<T>, timeoutMs: number, signal: AbortSignal, timeout: AbortController): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    // setTimeout fires at once for more than 2^31 - 1 ms; a timeout that long is no timeout.
    const timer = timeoutMs <= MaxTimerMs ? setTimeout(() => timeout.abort(), timeoutMs) : undefined;
    const onAbort = (): void => reject(signal.reason);
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort, { once: true });
    work.then(
      (value) => {
        done();
        resolve(value);
      },
      (err: unknown) => {
        done();
        reject(err);
      },
    );
  });
}

/**
 * checkLabels rejects a family whose metrics carry a `job` label or a grouping label, with Go's
 * messages (the metric printed as Go prints a `dto.Metric`).
 * @throws {PushLabelError}
 */
function checkLabels(family: dto.MetricFamily, grouping: ReadonlyMap<string, string>): void {
  for (const m of family.metric) {
    for (const { name } of m.label) {
      if (name === "job") {
        throw new PushLabelError(`pushed metric ${family.name} (${metricToProtoText(m)}) already contains a job label`, family.name, name);
      }
      if (grouping.has(name)) {
        throw new PushLabelError(
          `pushed metric ${family.name} (${metricToProtoText(m)}) already contains grouping label ${name}`,
          family.name,
          name,
        );
      }
    }
  }
}

/**
 * splitURL turns the Pusher's URL into its base (scheme added when missing, one trailing slash
 * dropped, as Go's `New` does) and the basic-auth header of credentials it carried, which are
 * taken out of the base.
 */
function splitURL(url: string): { base: string; auth: string | Error | undefined } {
  let base = url.includes("://") ? url : `http://${url}`;
  if (base.endsWith("/")) base = base.slice(0, -1);
  let parsed: URL;
  try {
    parsed = new URL(base);
  } catch (err) {
    return { base, auth: new PushConfigError(`invalid Pushgateway URL ${JSON.stringify(url)}`, { cause: err }) };
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    return { base, auth: new PushConfigError(`unsupported protocol scheme ${JSON.stringify(parsed.protocol.slice(0, -1))} in Pushgateway URL`) };
  }
  if (parsed.username === "" && parsed.password === "") return { base, auth: undefined };
  const auth = basicAuthHeader(unescapeUserinfo(parsed.username), unescapeUserinfo(parsed.password));
  parsed.username = "";
  parsed.password = "";
  base = parsed.href;
  if (base.endsWith("/")) base = base.slice(0, -1);
  return { base, auth };
}

/** unescapeUserinfo decodes the percent escapes of a URL's user or password, leaving bad ones as they are. */
function unescapeUserinfo(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** basicAuthHeader is the `Authorization` value of HTTP basic auth (Go's `SetBasicAuth`). */
function basicAuthHeader(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, "utf8").toString("base64")}`;
}
