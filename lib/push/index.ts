/**
 * The push package: pushing metrics to a Prometheus Pushgateway, mirroring client_golang's
 * `prometheus/push` (`New` is {@link newPusher} here).
 * @module
 */
export {
  PushConfigError,
  PushEncodeError,
  PushError,
  PushHTTPError,
  PushLabelError,
  type PushMethod,
  PushRequestError,
  PushTimeoutError,
} from "./errors.js";
export { Base64Suffix } from "./grouping.js";
export {
  DefaultPushTimeoutMs,
  newPusher,
  type PushCallOptions,
  Pusher,
  type PushFetch,
  type PushFormat,
  type PushRequest,
  type PushResponse,
} from "./push.js";
