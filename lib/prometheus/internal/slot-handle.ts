/**
 * SlotHandle: what a Gauge, Untyped, Counter or Histogram is underneath, a handle on one slot of
 * its metric type's columns (see series-table.ts). A metric made on its own has columns of one
 * slot; a vec's children share their vec's columns.
 *
 * A handle remembers the serial its slot had when the handle was made. When the series is deleted
 * from its vec (delete, deleteLabelValues, deletePartialMatch, reset), the slot's serial changes,
 * and the handle's next use *detaches* it: the handle moves to columns of its own, holding the
 * value the series had if the slot still shows it deleted, or a fresh series if the slot has been
 * given to another one since (docs/go-to-typescript.md, "Vec children"). As in Go, what is written
 * to a detached handle is no longer exported.
 *
 * @module
 */

import { SelfCollector } from "../collector.js";

/** SlotColumns are the columns a handle points into. */
export interface SlotColumns<C> {
  /** Per slot: the serial of its live series, minus it once deleted. */
  readonly serials: Int32Array;
  /**
   * detach returns columns of one slot for a handle whose series (`serial`) left `slot`: with the
   * values the series had while the slot still shows it deleted (`-serial`), else fresh ones.
   */
  detach(slot: number, serial: number): C;
}

/** SlotHandle is the base of the metrics whose values live in columns. */
export abstract class SlotHandle<C extends SlotColumns<C>> extends SelfCollector {
  /** @internal The columns holding this series (its own, once detached). */
  protected columns: C;
  /** @internal The slot of this series in {@link columns}. */
  protected slot: number;
  #serial: number;
  /** @internal The series' label values (in variable-label order), or none for a lone metric. */
  protected readonly labelValues: readonly string[] | undefined;

  /** @internal */
  protected constructor(columns: C, slot: number, serial: number, labelValues: readonly string[] | undefined) {
    super();
    this.columns = columns;
    this.slot = slot;
    this.#serial = serial;
    this.labelValues = labelValues;
  }

  /** @internal live returns the columns holding this series, detaching the handle if it was deleted. */
  protected live(): C {
    const columns = this.columns;
    if (columns.serials[this.slot] === this.#serial) return columns;
    const detached = columns.detach(this.slot, this.#serial);
    this.columns = detached;
    this.slot = 0;
    this.#serial = 1;
    return detached;
  }
}
