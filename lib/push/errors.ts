/**
 * The error classes of the push package. client_golang's push.go returns plain `error` values
 * built with `fmt.Errorf`; here each kind of failure has a class, in the manner of ky's small
 * tree (`KyError` → `HTTPError`, `TimeoutError`), so that a batch job can branch with
 * `instanceof` and read the status, the body or the timeout it needs, while the messages stay
 * those of client_golang (`unexpected status code 500 while pushing to ...: fake error`).
 *
 * ```
 * PushError
 * ├── PushConfigError    the Pusher was set up wrong (empty job, bad grouping name, bad timeout)
 * ├── PushLabelError     a pushed metric carries a job label or a grouping label
 * ├── PushEncodeError    a family cannot be written in the chosen format
 * ├── PushRequestError   no answer: connection refused, reset, DNS, or the caller's abort
 * ├── PushTimeoutError   no answer within the Pusher's timeout
 * └── PushHTTPError      an answer, but not the status the Pushgateway gives on success
 * ```
 *
 * Errors that are not about pushing pass through unchanged, as in Go: a collector that cannot be
 * registered (`AlreadyRegisteredError`, ...) and a failed gather (`GatherError`).
 *
 * @module
 */

/** PushMethod is the HTTP method of a push (`PUT`), an add (`POST`) or a delete (`DELETE`). */
export type PushMethod = "PUT" | "POST" | "DELETE";

/** PushError is the base class of every error the push package raises on purpose. */
export class PushError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * PushConfigError reports a Pusher that cannot push as configured: an empty job name
 * (`job name is empty`), a grouping label name that is not valid
 * (`grouping label has invalid name: foo-bar`), a value that is not valid UTF-8, a URL, format or
 * timeout it cannot use. Like Go's `Pusher.Error()`, the first one is kept and every later
 * `push`, `add` and `delete` rejects with it.
 */
export class PushConfigError extends PushError {}

/**
 * PushLabelError reports a gathered metric that carries a label the grouping key owns: `job`, or
 * a grouping label name. The Pushgateway sets those labels from the URL, so the push is refused
 * before anything is sent.
 */
export class PushLabelError extends PushError {
  /** The name of the metric family that carries the label. */
  readonly metricName: string;
  /** The label it must not carry: `job` or a grouping label name. */
  readonly labelName: string;

  constructor(message: string, metricName: string, labelName: string) {
    super(message);
    this.metricName = metricName;
    this.labelName = labelName;
  }
}

/** PushEncodeError reports a family the chosen format cannot encode; the encoder's error is the `cause`. */
export class PushEncodeError extends PushError {
  /** The name of the family that failed. */
  readonly metricName: string;

  constructor(message: string, metricName: string, cause: unknown) {
    super(message, { cause });
    this.metricName = metricName;
  }
}

/**
 * PushRequestError reports a request that got no HTTP answer: the connection was refused or
 * reset, the host was not found, or the caller's abort signal fired. What fetch threw is the
 * `cause` (its own `cause` is usually the system error, e.g. `ECONNREFUSED`).
 */
export class PushRequestError extends PushError {
  /** The method of the failed request. */
  readonly method: PushMethod;
  /** The URL of the failed request, without credentials. */
  readonly url: string;

  constructor(message: string, method: PushMethod, url: string, cause: unknown) {
    super(message, { cause });
    this.method = method;
    this.url = url;
  }
}

/**
 * PushTimeoutError reports a Pushgateway that did not answer (status and body) within the
 * Pusher's timeout. The request is aborted.
 */
export class PushTimeoutError extends PushError {
  /** The method of the request that timed out. */
  readonly method: PushMethod;
  /** The URL of the request that timed out, without credentials. */
  readonly url: string;
  /** The timeout that passed, in milliseconds. */
  readonly timeoutMs: number;

  constructor(method: PushMethod, url: string, timeoutMs: number) {
    super(`${method} ${url} did not complete within ${timeoutMs} ms`);
    this.method = method;
    this.url = url;
    this.timeoutMs = timeoutMs;
  }
}

/**
 * PushHTTPError reports an answer with a status that is not success: anything but 200 or 202 for
 * a push or an add, anything but 202 for a delete (as client_golang checks). It carries the
 * status and the body, which is where the Pushgateway says what it did not like.
 */
export class PushHTTPError extends PushError {
  /** The method of the request. */
  readonly method: PushMethod;
  /** The URL of the request, without credentials. */
  readonly url: string;
  /** The HTTP status of the answer. */
  readonly status: number;
  /** The body of the answer, as text. */
  readonly body: string;

  constructor(method: PushMethod, url: string, status: number, body: string) {
    const action = method === "DELETE" ? "deleting" : "pushing to";
    super(`unexpected status code ${status} while ${action} ${url}: ${body}`);
    this.method = method;
    this.url = url;
    this.status = status;
    this.body = body;
  }
}
