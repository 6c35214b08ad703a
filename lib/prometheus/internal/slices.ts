/**
 * Time slices: long work split so that the event loop keeps turning.
 *
 * JavaScript has one thread. A scrape of a million series that sorted, checked and encoded in one
 * go would stall every timer and socket of the process for a second. Work that can grow with the
 * number of series runs here in slices of about {@link SliceMs}, yielding to the event loop between
 * them. There is no Go counterpart: Go's scheduler preempts goroutines on its own.
 *
 * @module
 */

import { setImmediate as yieldToEventLoop } from "node:timers/promises";

/** SliceMs is how long a slice of work runs before it yields to the event loop. */
export const SliceMs = 2;

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

/**
 * How many steps (comparisons, at worst) the sliced loops take between two looks at the clock: a
 * look costs little, and this many steps take well under a millisecond even in code V8 has not
 * optimized yet (the first scrape of a process runs its loops in the interpreter, many times
 * slower). A power of two.
 */
export const StepsPerCheck = 1024;

/** The size of the runs sorted in one step before merging; sorting one takes well under a slice. */
const runLength = 2048;

/** Sortable is what sortInSlices sorts: an array, or an Int32Array (of slots, say). */
interface Sortable<T> {
  readonly length: number;
  [index: number]: T;
  sort(compare: (a: T, b: T) => number): Sortable<T>;
}

/**
 * sortInSlices sorts `items` stably by `compare`, in place, yielding between slices: runs of a few
 * thousand items are sorted in one step each, then merged pairwise, pass after pass. Arrays that
 * fit in one run are sorted at once, without a promise.
 */
export function sortInSlices<T>(items: T[], compare: (a: T, b: T) => number, slicer?: Slicer): void | Promise<void>;
export function sortInSlices(items: Int32Array, compare: (a: number, b: number) => number, slicer?: Slicer): void | Promise<void>;
export function sortInSlices<T>(items: Sortable<T>, compare: (a: T, b: T) => number, slicer = new Slicer()): void | Promise<void> {
  if (items.length <= runLength) {
    items.sort(compare);
    return;
  }
  return mergeSort(items, compare, slicer);
}

async function mergeSort<T>(items: Sortable<T>, compare: (a: T, b: T) => number, slicer: Slicer): Promise<void> {
  // Series are often made in the order they sort in (numbered ids, a list read in order): one
  // pass finds that, where runs and merges would take a dozen passes over the items.
  if (await isSortedInSlices(items, compare, slicer)) return;
  // Each run is sorted as an array: a typed array's sort with a comparator is several times slower.
  const run: T[] = [];
  for (let start = 0; start < items.length; start += runLength) {
    const end = Math.min(items.length, start + runLength);
    run.length = 0;
    for (let i = start; i < end; i++) run.push(items[i]!);
    run.sort(compare);
    for (let i = start; i < end; i++) items[i] = run[i - start]!;
    if (slicer.due()) await slicer.yield();
  }
  let from = items;
  // The scratch space is of the items' own kind: a typed array of a million slots is made at
  // once, where an array that long takes milliseconds to fill with holes.
  let to: Sortable<T> = items instanceof Int32Array ? (new Int32Array(items.length) as Sortable<unknown> as Sortable<T>) : new Array<T>(items.length);
  for (let width = runLength; width < items.length; width *= 2) {
    for (let left = 0; left < items.length; left += 2 * width) {
      const mid = Math.min(left + width, items.length);
      const end = Math.min(left + 2 * width, items.length);
      await mergeRuns(from, to, left, mid, end, compare, slicer);
    }
    [from, to] = [to, from];
  }
  if (from !== items) {
    for (let i = 0; i < items.length; i++) {
      items[i] = from[i]!;
      if ((i & (StepsPerCheck - 1)) === StepsPerCheck - 1 && slicer.due()) await slicer.yield();
    }
  }
}

/** isSortedInSlices reports whether `items` are in order by `compare`, in time slices. */
async function isSortedInSlices<T>(items: Sortable<T>, compare: (a: T, b: T) => number, slicer: Slicer): Promise<boolean> {
  for (let i = 1; i < items.length; i++) {
    if (compare(items[i - 1]!, items[i]!) > 0) return false;
    if ((i & (StepsPerCheck - 1)) === 0 && slicer.due()) await slicer.yield();
  }
  return true;
}

/** mergeRuns merges from[left, mid) and from[mid, end) into to[left, end), stably. */
async function mergeRuns<T>(
  from: Sortable<T>,
  to: Sortable<T>,
  left: number,
  mid: number,
  end: number,
  compare: (a: T, b: T) => number,
  slicer: Slicer,
): Promise<void> {
  let i = left;
  let j = mid;
  for (let k = left; k < end; k++) {
    if (i < mid && (j >= end || compare(from[i]!, from[j]!) <= 0)) to[k] = from[i++]!;
    else to[k] = from[j++]!;
    if ((k & (StepsPerCheck - 1)) === StepsPerCheck - 1 && slicer.due()) await slicer.yield();
  }
}
