/**
 * Desc, the descriptor every metric carries: its fully-qualified name, help text, const label pairs
 * and variable label names. Registries use descriptors to detect conflicts before any scrape.
 *
 * Counterpart: client_golang's desc.go (`Desc`, `NewDesc`, `Desc.String`) and `BuildFQName` from
 * metric.go.
 *
 * @module
 */

import type { LabelPair } from "../model/index.js";
import { DuplicateLabelNamesError, InvalidNameError, InvalidOptionsError, type PrometheusError } from "./errors.js";
import {
  checkLabelName,
  compareLabelPairs,
  goQuote,
  goSlice,
  isValidMetricName,
  type Labels,
  validateLabelValues,
} from "./labels.js";

/**
 * Desc is the descriptor of a metric. It is immutable once built.
 *
 * A Desc built from invalid input does not throw: like client_golang, it carries the error in
 * `err`, and the error surfaces when the collector describing it is registered, or when a metric
 * using it is collected. Descriptors are compared through `id` (name and const label values) and
 * `dimHash` (help and label names).
 */
export class Desc {
  /** The fully-qualified metric name. */
  readonly fqName: string;
  /** The help string. */
  readonly help: string;
  /** The const label pairs, sorted by name. Shared, never mutate. */
  readonly constLabelPairs: readonly LabelPair[];
  /** The variable label names, in the order label values are given. */
  readonly variableLabels: readonly string[];
  /** Identifies the descriptor by name and const label values; equal ids mean the same metric. */
  readonly id: string;
  /** Identifies the help and label names; all descriptors of one name must agree on it. */
  readonly dimHash: string;
  /** The construction error, if any. */
  readonly err: PrometheusError | undefined;

  /**
   * Use {@link newDesc}; the constructor is the same function with Go's argument order. `err`, when
   * given, takes precedence over any error found while building (as wrapping does in client_golang).
   */
  constructor(
    fqName: string,
    help: string,
    variableLabels?: readonly string[] | null,
    constLabels?: Labels | null,
    err?: PrometheusError,
  ) {
    this.fqName = fqName;
    this.help = help;
    // A string or other iterable would spread into label names; only an array (or none) will do.
    const labelsGiven = variableLabels === null || variableLabels === undefined || Array.isArray(variableLabels);
    this.variableLabels = Object.freeze(labelsGiven ? [...(variableLabels ?? [])] : []);
    const built = labelsGiven
      ? buildDesc(fqName, help, this.variableLabels, constLabels ?? {})
      : failedDesc(
          new InvalidOptionsError(`variable labels of metric ${quoteName(fqName)} are not an array of label names`),
        );
    this.constLabelPairs = built.constLabelPairs;
    this.id = built.id;
    this.dimHash = built.dimHash;
    this.err = err ?? built.err;
    Object.freeze(this);
  }

  /** toString renders the descriptor as client_golang's `Desc.String` does, for messages. */
  toString(): string {
    const constLabels = this.constLabelPairs.map((lp) => `${lp.name}=${goQuote(lp.value)}`).join(",");
    return (
      `Desc{fqName: ${goQuote(String(this.fqName))}, help: ${goQuote(String(this.help))}, ` +
      `constLabels: {${constLabels}}, variableLabels: ${goSlice(this.variableLabels)}}`
    );
  }
}

/**
 * newDesc allocates and initializes a new Desc. Errors are recorded in the Desc, not thrown, and
 * are reported on registration: a metric name or label name that is invalid (or reserved, starting
 * with `__`), a label name used twice, a const label value that is not valid UTF-8, a help text
 * that is not a string, variable labels that are not an array.
 *
 * `variableLabels` are the names of the labels whose values are given per series, in order;
 * `constLabels` are labels with fixed values. Either may be `null`, as `nil` in Go.
 *
 * @example
 * ```ts
 * const desc = newDesc(buildFQName("demo", "", "version"), "demo exporter version", null, null);
 * ```
 */
export function newDesc(
  fqName: string,
  help: string,
  variableLabels: readonly string[] | null = null,
  constLabels: Labels | null = null,
): Desc {
  return new Desc(fqName, help, variableLabels, constLabels);
}

/**
 * newInvalidDesc returns a descriptor that carries `err`, for collectors that already know they
 * cannot describe themselves correctly.
 */
export function newInvalidDesc(err: PrometheusError): Desc {
  return new Desc("", "", null, null, err);
}

/**
 * buildFQName joins namespace, subsystem and name with underscores, leaving out empty parts. An
 * empty name yields an empty string, as in client_golang (and so an invalid descriptor later).
 */
export function buildFQName(namespace: string, subsystem: string, name: string): string {
  if (name === "") return "";
  if (namespace !== "" && subsystem !== "") return `${namespace}_${subsystem}_${name}`;
  if (namespace !== "") return `${namespace}_${name}`;
  if (subsystem !== "") return `${subsystem}_${name}`;
  return name;
}

interface BuiltDesc {
  constLabelPairs: readonly LabelPair[];
  id: string;
  dimHash: string;
  err: PrometheusError | undefined;
}

const emptyPairs: readonly LabelPair[] = Object.freeze([]);

function failedDesc(err: PrometheusError): BuiltDesc {
  return { constLabelPairs: emptyPairs, id: "", dimHash: "", err };
}

function buildDesc(fqName: string, help: string, variableLabels: readonly string[], constLabels: Labels): BuiltDesc {
  if (typeof fqName !== "string") {
    const shown = String(fqName);
    return failedDesc(new InvalidNameError(`metric name ${shown} is not a string`, shown, "metric"));
  }
  if (!isValidMetricName(fqName)) {
    return failedDesc(new InvalidNameError(`${goQuote(fqName)} is not a valid metric name`, fqName, "metric"));
  }
  if (typeof help !== "string") {
    return failedDesc(new InvalidOptionsError(`help ${String(help)} of metric ${goQuote(fqName)} is not a string`));
  }
  const constNames = Object.keys(constLabels).sort();
  const labelNameSet = new Set<string>();
  for (const name of constNames) {
    if (!checkLabelName(name)) return failedDesc(invalidLabelName(name, fqName));
    labelNameSet.add(name);
  }
  const constValues = constNames.map((name) => constLabels[name]!);
  try {
    validateLabelValues(constValues, constValues.length);
  } catch (err) {
    return failedDesc(err as PrometheusError);
  }
  const dimNames = [...constNames];
  for (const name of variableLabels) {
    if (!checkLabelName(name)) return failedDesc(invalidLabelName(name, fqName));
    dimNames.push("$" + name);
    labelNameSet.add(name);
  }
  if (dimNames.length !== labelNameSet.size) {
    return failedDesc(new DuplicateLabelNamesError("duplicate label names"));
  }
  const pairs = constNames.map((name) => Object.freeze({ name, value: constLabels[name]! }));
  pairs.sort(compareLabelPairs);
  return {
    constLabelPairs: pairs.length === 0 ? emptyPairs : Object.freeze(pairs),
    id: JSON.stringify([fqName, ...constValues]),
    dimHash: JSON.stringify([help, ...dimNames.sort()]),
    err: undefined,
  };
}

function invalidLabelName(name: string, fqName: string): InvalidNameError {
  if (typeof name !== "string") {
    const shown = String(name);
    return new InvalidNameError(`label name ${shown} of metric ${goQuote(fqName)} is not a string`, shown, "label");
  }
  return new InvalidNameError(
    `${goQuote(name)} is not a valid label name for metric ${goQuote(fqName)}`,
    name,
    "label",
  );
}

/** quoteName quotes a metric name for a message, whatever the caller passed as one. */
function quoteName(fqName: unknown): string {
  return typeof fqName === "string" ? goQuote(fqName) : String(fqName);
}
