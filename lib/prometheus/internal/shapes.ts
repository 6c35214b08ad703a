/**
 * Shapes: one small object of each class a gather makes and drops, held for the life of the
 * process, so that a full garbage collection between two scrapes does not throw away the code
 * that serves them.
 *
 * V8 compiles a hot function for the hidden classes ("maps") of the objects it has met there, and
 * the compiled code holds those maps weakly. A map lives as long as some object has it. The
 * objects of one gather (its family map, its channels, the rows of its const metrics, the const
 * metrics a collector made for it) all die when the gather ends; a full collection then frees
 * their maps and discards every function compiled for them (`node --trace-deopt` reports "weak
 * objects"), and the next scrape runs unoptimized while V8 compiles it again. Measured on the
 * write-up's pattern, 10,000 const metrics sent at every collect: 18 ms per scrape after a forced
 * full collection, 6 ms with the exemplars. Servers do collect fully between scrapes: V8 does so
 * when a process goes idle.
 *
 * Each exemplar is made where its class is defined, right after it, with the smallest valid
 * arguments: `keepShape(new FamilyMap())`. lib/expfmt, which does not import this package, keeps
 * its own the same way (TextByteEncoder.exemplar, ProtoWriter.exemplar, frozenLabelsExemplar), and
 * every rows family is made by one function (`newRowsFamily` in lib/model) so that all share one
 * class. spec/prometheus/shapes.spec.ts scrapes a registry of every kind of series with a full
 * collection before each scrape, under `--trace-deopt`, and fails on any such discard: through a
 * transactional gather and the text byte encoder, through `gather()` and metricFamiliesToText, and
 * through `gather()` and the protobuf encoder. The OpenMetrics encoder is not covered yet.
 *
 * There is no Go counterpart: Go compiles ahead of time.
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
