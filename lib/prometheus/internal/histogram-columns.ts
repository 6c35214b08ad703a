/**
 * HistogramColumns: where the state of a vec's histograms lives, a row of numbers per slot (the
 * columns behind histogram.ts's Histogram handles; see series-table.ts for slots and serials).
 *
 * @module
 */

import type * as dto from "../../model/index.js";
import type { Desc } from "../desc.js";
import type { Histogram } from "../histogram.js";
import { NativeBuckets, type NativeHistogramConfig } from "../native-buckets.js";
import { grown } from "./counter-columns.js";
import type { RowKind, VecKind } from "./metric-map.js";

/** HistogramConfig is what a histogram's options resolve to, shared by the children of a vec. */
export interface HistogramConfig {
  readonly upperBounds: Float64Array;
  readonly native: NativeHistogramConfig | undefined;
}

/** NewHistogramHandle makes the Histogram that `withLabelValues` returns for a slot. */
export type NewHistogramHandle = (columns: HistogramColumns, slot: number, serial: number, labelValues: readonly string[]) => Histogram;

/** The native buckets of one series, and when they were last reset (monotonic ms). */
export interface NativeState {
  buckets: NativeBuckets;
  lastResetTime: number;
}

/** Where a series' numbers start in its row of {@link HistogramColumns.state}. */
export const countAt = 0;
export const sumAt = 1;
export const createdAt = 2;
export const bucketsAt = 3;

/**
 * HistogramColumns hold the state of histogram series, a row of numbers per slot: the count, the
 * sum, the created timestamp and the observations per classic bucket (not cumulative; the `+Inf`
 * bucket is the count minus them all). Exemplars and native buckets, which few series have, are
 * kept aside by slot.
 */
export class HistogramColumns implements VecKind<Histogram> {
  readonly #newHandle: NewHistogramHandle;
  readonly desc: Desc;
  readonly config: HistogramConfig;
  /** The numbers per slot. */
  readonly stride: number;
  serials: Int32Array;
  state: Float64Array;
  /** Per slot with exemplars: one per classic bucket, and one more for `+Inf`. */
  readonly exemplars = new Map<number, (dto.Exemplar | undefined)[]>();
  readonly native = new Map<number, NativeState>();

  constructor(desc: Desc, config: HistogramConfig, newHandle: NewHistogramHandle) {
    this.desc = desc;
    this.#newHandle = newHandle;
    this.config = config;
    this.stride = bucketsAt + config.upperBounds.length;
    this.serials = new Int32Array(1).fill(1);
    this.state = new Float64Array(this.stride);
    this.init(0);
  }

  grow(capacity: number, used: number, serials: Int32Array): void {
    this.serials = serials;
    this.state = grown(this.state, capacity * this.stride, used * this.stride);
  }

  init(slot: number): void {
    const at = slot * this.stride;
    this.state.fill(0, at, at + this.stride);
    this.state[at + createdAt] = Date.now();
    this.exemplars.delete(slot);
    const native = this.config.native;
    if (native !== undefined) {
      this.native.set(slot, { buckets: new NativeBuckets(native.schema, native.zeroThreshold), lastResetTime: performance.now() });
    }
  }

  release(slot: number): void {
    this.exemplars.delete(slot);
    this.native.delete(slot);
  }

  child(slot: number, serial: number, labelValues: readonly string[]): Histogram {
    return this.#newHandle(this, slot, serial, labelValues);
  }

  /** Per row: the count, the sum, the created timestamp, then the cumulative bucket counts. */
  readonly rows: RowKind = {
    type: "histogram",
    // Native buckets are written by `write` only: such series go one by one.
    stride: () => (this.config.native === undefined ? this.stride : undefined),
    fill: (numbers, slots, from, to) => {
      const { state, stride } = this;
      for (let row = from; row < to; row++) {
        const at = slots[row]! * stride;
        const out = row * stride;
        numbers[out + countAt] = state[at + countAt]!;
        numbers[out + sumAt] = state[at + sumAt]!;
        numbers[out + createdAt] = state[at + createdAt]!;
        let cumulative = 0;
        for (let k = bucketsAt; k < stride; k++) numbers[out + k] = cumulative += state[at + k]!;
      }
    },
    extras: (slots) => {
      const upperBounds = this.config.upperBounds;
      if (this.exemplars.size === 0) return { upperBounds };
      const exemplars = new Map<number, readonly (dto.Exemplar | undefined)[]>();
      for (let row = 0; row < slots.length; row++) {
        const rowExemplars = this.exemplars.get(slots[row]!);
        if (rowExemplars !== undefined) exemplars.set(row, rowExemplars.slice());
      }
      return { upperBounds, exemplars };
    },
  };

  /** detach copies a deleted slot's series into columns of its own (see internal/slot-handle.ts). */
  detach(slot: number, serial: number): HistogramColumns {
    const detached = new HistogramColumns(this.desc, this.config, this.#newHandle);
    if (this.serials[slot] === -serial) {
      detached.state.set(this.state.subarray(slot * this.stride, (slot + 1) * this.stride));
      const exemplars = this.exemplars.get(slot);
      if (exemplars !== undefined) detached.exemplars.set(0, exemplars);
      const native = this.native.get(slot);
      if (native !== undefined) detached.native.set(0, native);
    }
    return detached;
  }
}
