/**
 * One small object of each class a cluster scrape makes and drops, held for the life of the
 * process: without a living object of their hidden class, a full garbage collection between two
 * scrapes makes V8 discard the code compiled for them, and the next scrape runs unoptimized.
 * lib/prometheus/internal/shapes.ts says why at length; the registry keeps that machinery
 * internal, so this package keeps its own, as it keeps its own slices (slices.ts).
 * spec/cluster/shapes.spec.ts checks the scrape path.
 *
 * @module
 */

/** The exemplars; never read, only held. */
const exemplars: object[] = [];

/** keepShape holds `exemplar` for the life of the process and returns it. */
export function keepShape<T extends object>(exemplar: T): T {
  exemplars.push(exemplar);
  return exemplar;
}
