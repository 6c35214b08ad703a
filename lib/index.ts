/**
 * The package root: the prometheus package's names directly (as Go code imports `prometheus`),
 * the other packages as namespaces. Subpath imports (`demo-exporter/promhttp`, ...) give the same
 * modules without the namespace.
 *
 * @module
 */
export * from "./prometheus/index.js";
export * as collectors from "./collectors/index.js";
export * as expfmt from "./expfmt/index.js";
export type * as dto from "./model/index.js";
export * as promhttp from "./promhttp/index.js";
export * as push from "./push/index.js";
export * as testutil from "./testutil/index.js";
export * as web from "./web/index.js";
