/**
 * Registering the handler's own metrics, reusing those registered before.
 *
 * Counterpart: the `errors.As(err, &AlreadyRegisteredError{})` blocks of client_golang's
 * promhttp/http.go, which let many handlers share one set of instrumentation metrics.
 *
 * @module
 */

import { AlreadyRegisteredError, type Collector, type Registerer } from "../prometheus/index.js";

/**
 * registerOrReuse registers `collector` with `reg` and returns it; if an equal collector is
 * already registered, it returns that one instead, so counts are shared.
 * @throws the registration error for any other failure, and the {@link AlreadyRegisteredError}
 * when the registered collector is not of the expected kind (where Go's type assertion panics).
 */
export function registerOrReuse<C extends Collector>(
  reg: Registerer,
  collector: C,
  isSameKind: (existing: Collector) => existing is C,
): C {
  const err = reg.register(collector);
  if (err === undefined) return collector;
  if (err instanceof AlreadyRegisteredError && isSameKind(err.existingCollector)) return err.existingCollector;
  throw err;
}
