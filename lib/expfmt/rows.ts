/**
 * Reading a RowsFamily (lib/model/rows-family.ts): each row's label text, and the plain
 * client_model family it stands for. The text byte encoder writes rows straight from their
 * columns; the other encoders, and code that needs plain data, go through {@link familyOfRows}.
 *
 * @module
 */

import type * as dto from "../model/index.js";
import { isRowsFamily } from "../model/index.js";
import { parseFrozenLabelsText } from "./label-text.js";

/** Decodes arena bytes; a leading U+FEFF is part of a value, not a byte-order mark to drop. */
const decoder = new TextDecoder("utf-8", { ignoreBOM: true });

/** rowLabelsText returns the rendered labels of `row` (`{a="1",b="2"}`, or nothing). */
export function rowLabelsText(family: dto.RowsFamily, row: number): string {
  const { pieces, width } = family;
  if (width === 0) return pieces[0]!;
  const slot = family.slots[row]!;
  const start = family.textStart[slot]!;
  const entry = decoder.decode(family.arena.subarray(start, start + family.textLength[slot]!));
  return pieces[0]! + entry + pieces[width]!;
}

/** rowLabels returns the label pairs of `row`, frozen. */
export function rowLabels(family: dto.RowsFamily, row: number): readonly dto.LabelPair[] {
  return family.labels?.[row] ?? parseFrozenLabelsText(rowLabelsText(family, row));
}

/** metricOfRow returns the client_model metric of `row`. */
export function metricOfRow(family: dto.RowsFamily, row: number): dto.Metric {
  const label = rowLabels(family, row);
  const { numbers, stride } = family;
  const at = row * stride;
  switch (family.type) {
    case "gauge":
      return { label, gauge: { value: numbers[at]! } };
    case "untyped":
      return { label, untyped: { value: numbers[at]! } };
    case "counter": {
      const exemplar = family.exemplars?.get(row)?.[0];
      const created = numbers[at + 1]!;
      const counter: dto.Counter = Number.isNaN(created) ? { value: numbers[at]! } : { value: numbers[at]!, createdTimestampMs: created };
      if (exemplar !== undefined) counter.exemplar = exemplar;
      return { label, counter };
    }
    default:
      return { label, histogram: histogramOfRow(family, at, family.exemplars?.get(row)) };
  }
}

function histogramOfRow(family: dto.RowsFamily, at: number, exemplars: readonly (dto.Exemplar | undefined)[] | undefined): dto.Histogram {
  const { numbers } = family;
  const bounds = family.upperBounds ?? new Float64Array(0);
  const sampleCount = numbers[at]!;
  const bucket: dto.Bucket[] = [];
  for (let k = 0; k < bounds.length; k++) {
    const b: dto.Bucket = { cumulativeCount: numbers[at + 3 + k]!, upperBound: bounds[k]! };
    const exemplar = exemplars?.[k];
    if (exemplar !== undefined) b.exemplar = exemplar;
    bucket.push(b);
  }
  const infExemplar = exemplars?.[bounds.length];
  if (infExemplar !== undefined) bucket.push({ cumulativeCount: sampleCount, upperBound: Infinity, exemplar: infExemplar });
  return { sampleCount, sampleSum: numbers[at + 1]!, bucket, createdTimestampMs: numbers[at + 2]! };
}

/** metricsOfRows returns the client_model metric of every row, in order. */
export function metricsOfRows(family: dto.RowsFamily): dto.Metric[] {
  const metrics = new Array<dto.Metric>(family.length);
  const { labels, numbers, stride, type } = family;
  if (labels !== undefined && (type === "gauge" || type === "untyped")) {
    // The common case of a plain gather, without a call per row.
    for (let row = 0; row < family.length; row++) {
      const value = numbers[row * stride]!;
      metrics[row] = type === "gauge" ? { label: labels[row]!, gauge: { value } } : { label: labels[row]!, untyped: { value } };
    }
    return metrics;
  }
  for (let row = 0; row < family.length; row++) metrics[row] = metricOfRow(family, row);
  return metrics;
}

/** familyOfRows returns the plain client_model family a RowsFamily stands for. */
export function familyOfRows(family: dto.RowsFamily): dto.MetricFamily {
  return { name: family.name, help: family.help, type: family.type, metric: metricsOfRows(family) };
}

/** asMetricFamily returns a gathered family as a plain MetricFamily (itself when it is one). */
export function asMetricFamily(family: dto.GatheredFamily): dto.MetricFamily {
  return isRowsFamily(family) ? familyOfRows(family) : family;
}
