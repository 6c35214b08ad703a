/**
 * Time slices for the merge on the primary: long loops yield to the event loop about every
 * `SliceMs` (the slice length the registry's own gather uses, from lib/prometheus's index), so
 * that merging a big cluster does not stall the primary's sockets and timers. The registry keeps
 * its slicing machinery internal; this is the cluster's own small copy of the idea: a clock that
 * says when to yield, and a sort that yields between runs and merge passes.
 *
 * @module
 */

import { setImmediate as yieldToEventLoop } from "node:timers/promises";
import { SliceMs } from "../prometheus/index.js";
import { keepShape } from "./shapes.js";

/** Slicer tracks the current slice and yields when it has run long enough. */
export class Slicer {
  #start = performance.now();

  /** due reports whether the current slice has used up its time. */
  due(): boolean {
    return performance.now() - this.#start > SliceMs;
  }

  /** yield lets the event loop run, then starts a new slice. */
  async yield(): Promise<void> {
    await yieldToEventLoop();
    this.#start = performance.now();
  }
}

// A gatherer makes a Slicer per scrape: one is kept so that its class outlives them (see
// lib/prometheus/internal/shapes.ts).
keepShape(new Slicer());

/** The length of the runs sorted in one step; sorting one takes well under a slice. */
const runLength = 1024;

/**
 * sortInSlices sorts `items` stably by `compare`, in place: runs of {@link runLength} items are
 * sorted one per step, then merged pass after pass, yielding whenever the slice is used up.
 */
export async function sortInSlices<T>(items: T[], compare: (a: T, b: T) => number, slicer: Slicer): Promise<void> {
  if (items.length <= runLength) {
    items.sort(compare);
    return;
  }
  for (let start = 0; start < items.length; start += runLength) {
    const run = items.slice(start, start + runLength).sort(compare);
    for (let i = 0; i < run.length; i++) items[start + i] = run[i]!;
    if (slicer.due()) await slicer.yield();
  }
  let from = items;
  let to = new Array<T>(items.length);
  for (let width = runLength; width < items.length; width *= 2) {
    for (let left = 0; left < items.length; left += 2 * width) {
      const mid = Math.min(left + width, items.length);
      const end = Math.min(left + 2 * width, items.length);
      let i = left;
      let j = mid;
      for (let k = left; k < end; k++) {
        to[k] = i < mid && (j >= end || compare(from[i]!, from[j]!) <= 0) ? from[i++]! : from[j++]!;
        if ((k & 1023) === 1023 && slicer.due()) await slicer.yield();
      }
    }
    [from, to] = [to, from];
  }
  if (from !== items) for (let i = 0; i < items.length; i++) items[i] = from[i]!;
}
