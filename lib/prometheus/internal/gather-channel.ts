/**
 * GatherChannel: the channel a registry hands each collector during a gather. It is an ordinary
 * {@link Channel} of metrics, and it also takes a vec's children all at once, as one rows family
 * (lib/model/rows-family.ts): `MetricVec.collect(ch)` sends its rows when `ch` is a
 * GatherChannel that accepts them, and its children one by one otherwise (a wrapping collector's
 * channel, a test's). So a collector that calls `vec.collect(ch)` inside its own collect, as the
 * demo exporter does, gets the fast path too.
 *
 * There is no Go counterpart: Go's gather calls `Write` on every child.
 *
 * @module
 */

import type * as dto from "../../model/index.js";
import { Channel, DefaultChannelCapacity } from "../channel.js";
import type { Metric } from "../metric.js";
import { Slicer } from "./slices.js";
import type { Loans } from "./loans.js";
import { keepShape } from "./shapes.js";

/** RowsSource is a collector whose children can be gathered as one rows family (a MetricVec). */
export interface RowsSource {
  collectRows(slicer: Slicer, loans: Loans | undefined, withLabels: boolean): Promise<dto.RowsFamily>;
}

/** GatherChannelOptions say what a gather wants from its channels. */
export interface GatherChannelOptions {
  /** Whether vecs may send rows (a pedantic registry checks every metric, so it says no). */
  readonly acceptsRows: boolean;
  /** The gather's time slices, for vecs that copy many rows. */
  readonly slicer: Slicer;
  /** Where a transactional gather records what vecs lend it; absent for a plain gather. */
  readonly loans: Loans | undefined;
  /** Whether rows carry their label pairs (a plain gather turns them into client_model data). */
  readonly withLabels: boolean;
  /** Where a metric sent after the gather closed the channel goes (see late-send.ts). */
  readonly onSendAfterClose: (value: Metric) => void;
}

/** GatherChannel is a metric channel that also takes rows (see the module comment). */
export class GatherChannel extends Channel<Metric> {
  readonly #options: GatherChannelOptions;
  /** The rows sent so far, each being collected. */
  readonly rows: Promise<dto.RowsFamily>[] = [];

  constructor(options: GatherChannelOptions) {
    super(DefaultChannelCapacity, { onSendAfterClose: options.onSendAfterClose });
    this.#options = options;
  }

  /**
   * sendRows starts collecting `source`'s rows and reports whether it did: not when the channel
   * does not accept rows or is closed (then the caller sends its metrics one by one).
   */
  sendRows(source: RowsSource): boolean {
    const options = this.#options;
    if (!options.acceptsRows || this.closed) return false;
    this.rows.push(source.collectRows(options.slicer, options.loans, options.withLabels));
    return true;
  }
}

// A gather's channels die with it: one lives on so that their shape does (shapes.ts).
keepShape(
  new GatherChannel({
    acceptsRows: true,
    slicer: new Slicer(),
    loans: undefined,
    withLabels: true,
    onSendAfterClose: () => undefined,
  }),
);
