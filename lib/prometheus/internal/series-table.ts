/**
 * SeriesTable: the series of a vec, stored in columns instead of one object graph per series.
 *
 * Counterpart: the `metricMap` of client_golang's vec.go, which maps a hash of the label values to
 * the children. Go's garbage collector does not mind a million small objects; V8's does (every
 * major collection visits them, and each object costs a header), and a scrape of a million
 * objects is a million pointer chases. So a series here is a *slot*: an index into typed arrays.
 * The table keeps, per slot:
 *
 * - the label values, escaped, as UTF-8 bytes in one append-only arena (see label-arena.ts): the
 *   text encoder copies them into a response between the fixed pieces `{a="`, `",b="`, `"}`, and
 *   lookups and the gather order read them there;
 * - a serial number, which tells a handle (the object `withLabelValues` returns) whether its slot
 *   still holds its series.
 *
 * The values themselves live in the columns of the metric type (see {@link SeriesColumns}).
 * Lookup is an open-addressing hash index over the label values; the order a gather wants (by
 * label values) is kept as a sorted list of slots, with the series added since merged in when a
 * scrape asks for it, and large sorts done in time slices.
 *
 * @module
 */

import { parseFrozenLabelsText } from "../../expfmt/index.js";
import type * as dto from "../../model/index.js";
import type { Desc } from "../desc.js";
import { LabelLayout } from "./label-arena.js";
import { Slicer, sortInSlices, StepsPerCheck } from "./slices.js";

/** SeriesColumns are a metric type's per-slot values; the table grows and initializes them. */
export interface SeriesColumns {
  /** grow makes room for `capacity` slots, keeping the first `used`; `serials` is the new array. */
  grow(capacity: number, used: number, serials: Int32Array): void;
  /**
   * init prepares `slot` for a new series with these label values; `labelPairs` returns the
   * series' label pairs, for kinds that keep them.
   */
  init(slot: number, labelValues: readonly string[], labelPairs: () => readonly dto.LabelPair[]): void;
  /** release lets go of what `slot` holds once its series is deleted (objects, exemplars). */
  release(slot: number): void;
}

/** Tables of up to this many slots give back what growing left unused (see trim). */
const trimLimit = 1 << 18;

/** Reordering work up to this many slots is done at once; more goes to time slices. */
const syncReorderLimit = 50_000;

const initialCapacity = 8;

/**
 * The arena keeps this many bytes free after its last entry: a rows family's arena must have
 * them (lib/model/rows-family.ts), for encoders that read eight bytes at a time.
 */
const arenaPadding = 8;

/** The table of one vec's series; curried views of the vec share it. */
export class SeriesTable {
  readonly desc: Desc;
  /** The number of variable labels, i.e. label values per slot. */
  readonly width: number;
  /** The pieces and entry order of the labels. */
  readonly layout: LabelLayout;
  /** Per slot: the serial of its live series, minus it once deleted, 0 when never used. */
  serials: Int32Array = new Int32Array(initialCapacity);
  /** Per slot: the hash of its label values. */
  hashes: Int32Array = new Int32Array(initialCapacity);
  /** Per slot: where its label entry starts in {@link arena}, and how many bytes it has. */
  textStart: Uint32Array = new Uint32Array(initialCapacity);
  textLength: Uint32Array = new Uint32Array(initialCapacity);
  /**
   * The label entries (see label-arena.ts). Bytes are only ever appended: a full or fragmented
   * arena is replaced by a new one, so a snapshot holding the old one can still read the entries
   * it was taken with.
   */
  arena: Buffer = Buffer.alloc(0);
  #arenaUsed = 0;
  #arenaGarbage = 0;
  /** Set while a gather's rows refer to textStart and textLength: change copies, not them. */
  #textShared = false;
  /** The number of live series. */
  count = 0;
  readonly #columns: SeriesColumns;
  #capacity = initialCapacity;
  /** Slots handed out so far (the high-water mark). */
  #used = 0;
  #nextSerial = 1;
  /** Hash index: slot + 1 per position, 0 when empty; linear probing. */
  #index: Int32Array = new Int32Array(16);
  /** Slots free for reuse, and slots deleted but maybe still in the order lists. */
  #free: number[] = [];
  #freeing: number[] = [];
  /** The live slots sorted by label values (deleted ones dropped lazily), and those added since. */
  #sorted: Int32Array = new Int32Array(0);
  #added: number[] = [];
  #hasDeleted = false;
  #generation = 0;
  #reordering: Promise<void> | undefined;
  /** Gathers copying rows in time slices; while any runs, no slot is reused. */
  #pins = 0;
  /** Per slot: its label pairs, once asked for (see labelPairs). */
  #pairs: (readonly dto.LabelPair[] | undefined)[] = [];

  constructor(desc: Desc, columns: SeriesColumns) {
    this.desc = desc;
    this.width = desc.variableLabels.length;
    this.#columns = columns;
    this.layout = new LabelLayout(desc);
    columns.grow(initialCapacity, 0, this.serials);
  }

  /** find returns the slot of the series with these label values, or -1. */
  find(values: readonly string[]): number {
    return this.#find(values, hashValues(values));
  }

  #find(values: readonly string[], hash: number): number {
    const index = this.#index;
    const mask = index.length - 1;
    for (let i = hash & mask; ; i = (i + 1) & mask) {
      const entry = index[i]!;
      if (entry === 0) return -1;
      const slot = entry - 1;
      if (this.hashes[slot] !== hash) continue;
      if (this.layout.entryMatches(this.arena, this.textStart[slot]!, this.textLength[slot]!, values)) return slot;
    }
  }

  /**
   * create adds a series for label values the caller has validated and that are not in the table,
   * and returns its slot.
   */
  create(values: readonly string[]): number {
    const hash = hashValues(values);
    const slot = this.#takeSlot();
    if ((this.count + 1) * 2 > this.#index.length) this.#rebuildIndex(this.#index.length * 2);
    // The entry is written while the slot is not live yet: a compaction it causes must not copy
    // what the slot held before.
    const entry = this.layout.entryText(values);
    this.#writeEntry(slot, entry);
    this.hashes[slot] = hash;
    const serial = this.#nextSerial;
    this.#nextSerial = serial === 0x7fffffff ? 1 : serial + 1;
    this.serials[slot] = serial;
    this.#columns.init(slot, values, () => this.labelPairs(slot));
    this.#insertIndex(slot, hash);
    this.#added.push(slot);
    this.count++;
    return slot;
  }

  /** delete removes the series in `slot` (which must be live). */
  delete(slot: number): void {
    this.#pairs[slot] = undefined;
    this.#removeIndex(slot);
    this.serials[slot] = -this.serials[slot]!;
    this.#arenaGarbage += this.textLength[slot]!;
    this.#columns.release(slot);
    this.#freeing.push(slot);
    this.#hasDeleted = true;
    this.count--;
  }

  /** isLive reports whether `slot` holds a series. */
  isLive(slot: number): boolean {
    return this.serials[slot]! > 0;
  }

  /** clear deletes every series and gives the memory back. */
  clear(): void {
    for (let slot = 0; slot < this.#used; slot++) if (this.serials[slot]! > 0) this.#columns.release(slot);
    this.#pairs = [];
    this.#capacity = initialCapacity;
    this.serials = new Int32Array(initialCapacity);
    this.hashes = new Int32Array(initialCapacity);
    this.textStart = new Uint32Array(initialCapacity);
    this.textLength = new Uint32Array(initialCapacity);
    this.#textShared = false;
    this.#columns.grow(initialCapacity, 0, this.serials);
    this.arena = Buffer.alloc(0);
    this.#arenaUsed = 0;
    this.#arenaGarbage = 0;
    this.count = 0;
    this.#used = 0;
    this.#index = new Int32Array(16);
    this.#free = [];
    this.#freeing = [];
    this.#sorted = new Int32Array(0);
    this.#added = [];
    this.#hasDeleted = false;
    this.#generation++;
  }

  /** valuesOf returns the label values of `slot`, in the order of the variable labels. */
  valuesOf(slot: number): string[] {
    return this.layout.entryValues(this.arena, this.textStart[slot]!, this.textLength[slot]!);
  }

  /**
   * labelPairs returns the label pairs of a live slot's series, sorted by name and frozen: the
   * same array for the series' whole life, made on first use (a plain gather, an object child).
   */
  labelPairs(slot: number): readonly dto.LabelPair[] {
    let pairs = this.#pairs[slot];
    if (pairs === undefined) {
      const start = this.textStart[slot]!;
      const entry = this.arena.toString("utf8", start, start + this.textLength[slot]!);
      const { pieces } = this.layout;
      pairs = parseFrozenLabelsText(this.width === 0 ? pieces[0]! : pieces[0]! + entry + pieces[this.width]!);
      this.#pairs[slot] = pairs;
    }
    return pairs;
  }

  /** liveSlots returns the live slots in slot order. */
  liveSlots(): number[] {
    const slots: number[] = [];
    for (let slot = 0; slot < this.#used; slot++) if (this.serials[slot]! > 0) slots.push(slot);
    return slots;
  }

  /**
   * ordered returns the live slots sorted by label values, or, while large reordering work runs
   * in time slices, `undefined` (see {@link orderedAsync}).
   */
  ordered(): Int32Array | undefined {
    if (this.#reordering !== undefined) return undefined;
    if (this.#added.length === 0 && !this.#hasDeleted) return this.#sorted;
    if (this.#added.length + (this.#hasDeleted ? this.#sorted.length : 0) <= syncReorderLimit) {
      const grew = this.#added.length > 0;
      // Deleted slots are dropped before they are compared: a compaction may have moved the
      // bytes their places point at.
      const added = this.#added.filter((slot) => this.serials[slot]! > 0).sort(this.compareSlots);
      this.#sorted = this.#merge(this.#sorted, added);
      this.#added = [];
      if (grew) this.#trim();
      if (this.#hasDeleted && this.#pins === 0) {
        // Every deleted slot has now left the order lists, so it can be reused.
        for (const slot of this.#freeing) this.#free.push(slot);
        this.#freeing = [];
        this.#hasDeleted = false;
      }
      return this.#sorted;
    }
    this.#reordering = this.#reorderInSlices().finally(() => (this.#reordering = undefined));
    return undefined;
  }

  /**
   * pin keeps deleted slots from being reused until the returned function is called: a gather
   * that copies a large order in time slices pins it, so that a slot it lists either still holds
   * the same series or none (see vec.ts).
   */
  pin(): () => void {
    this.#pins++;
    let pinned = true;
    return () => {
      if (pinned) this.#pins--;
      pinned = false;
    };
  }

  /** orderedAsync returns the live slots sorted by label values, waiting for sliced work if any. */
  async orderedAsync(): Promise<Int32Array> {
    for (;;) {
      const sorted = this.ordered();
      if (sorted !== undefined) return sorted;
      await this.#reordering;
    }
  }

  /** compareSlots orders two live slots by their label values, compared in label-name order. */
  readonly compareSlots = (a: number, b: number): number => {
    const start = this.textStart;
    const length = this.textLength;
    return this.layout.compareEntries(this.arena, start[a]!, start[a]! + length[a]!, start[b]!, start[b]! + length[b]!);
  };

  /**
   * frozenComparator orders slots by the label entries as they are now, whatever happens to the
   * table later (for a sort that runs in time slices, while series may come and go).
   */
  #frozenComparator(): (a: number, b: number) => number {
    const { arena, textStart: start, textLength: length } = this.shareText();
    return (a, b) => this.layout.compareEntries(arena, start[a]!, start[a]! + length[a]!, start[b]!, start[b]! + length[b]!);
  }

  async #reorderInSlices(): Promise<void> {
    const generation = this.#generation;
    const all = this.#added;
    this.#added = [];
    const slicer = new Slicer();
    const added = await this.#liveInSlices(all, slicer);
    const compare = this.#frozenComparator();
    await sortInSlices(added, compare, slicer);
    const merged = await this.#mergeInSlices(this.#sorted, added, compare, slicer);
    if (generation !== this.#generation) return;
    this.#sorted = merged;
    if (this.#used <= trimLimit) this.#trim();
    // Every deleted slot has left the sorted list; those in the list of slots added meanwhile
    // wait for the next merge.
    const waiting = new Set(this.#added);
    const freeing = this.#freeing;
    this.#freeing = [];
    for (const slot of freeing) (waiting.has(slot) || this.#pins > 0 ? this.#freeing : this.#free).push(slot);
    this.#hasDeleted = this.#freeing.length > 0;
  }

  /**
   * merge merges the sorted slots with the sorted new ones, dropping the deleted ones (before
   * comparing them: the places of deleted entries may be stale).
   */
  #merge(sorted: Int32Array, added: readonly number[]): Int32Array {
    const out = new Int32Array(sorted.length + added.length);
    const serials = this.serials;
    let n = 0;
    let i = 0;
    let j = 0;
    for (;;) {
      while (i < sorted.length && serials[sorted[i]!]! <= 0) i++;
      while (j < added.length && serials[added[j]!]! <= 0) j++;
      if (i >= sorted.length && j >= added.length) break;
      const takeSorted = j >= added.length || (i < sorted.length && this.compareSlots(sorted[i]!, added[j]!) <= 0);
      out[n++] = takeSorted ? sorted[i++]! : added[j++]!;
    }
    return n === out.length ? out : out.slice(0, n);
  }

  /** liveInSlices returns the slots of `slots` that are live, in time slices. */
  async #liveInSlices(slots: readonly number[], slicer: Slicer): Promise<Int32Array> {
    // A typed array, made at full length and cut at the end: an array grown by push is copied
    // whole at every growth, and one made a million long takes milliseconds to fill with holes.
    const live = new Int32Array(slots.length);
    let n = 0;
    for (let from = 0; from < slots.length; from += StepsPerCheck) {
      const serials = this.serials;
      const to = Math.min(slots.length, from + StepsPerCheck);
      for (let i = from; i < to; i++) if (serials[slots[i]!]! > 0) live[n++] = slots[i]!;
      if (slicer.due()) await slicer.yield();
    }
    return n === live.length ? live : live.subarray(0, n);
  }

  /**
   * mergeInSlices is {@link merge} for large lists, in time slices, comparing with `compare`
   * (entries as they were when the reordering began). A slot deleted meanwhile may stay in the
   * result; the delete has flagged the table, so the next merge drops it.
   */
  async #mergeInSlices(sorted: Int32Array, added: Int32Array, compare: (a: number, b: number) => number, slicer: Slicer): Promise<Int32Array> {
    const out = new Int32Array(sorted.length + added.length);
    let n = 0;
    let i = 0;
    let j = 0;
    while (i < sorted.length || j < added.length) {
      const serials = this.serials;
      for (let step = 0; step < StepsPerCheck && (i < sorted.length || j < added.length); step++) {
        if (i < sorted.length && serials[sorted[i]!]! <= 0) i++;
        else if (j < added.length && serials[added[j]!]! <= 0) j++;
        else if (j >= added.length || (i < sorted.length && compare(sorted[i]!, added[j]!) <= 0)) out[n++] = sorted[i++]!;
        else out[n++] = added[j++]!;
      }
      if (slicer.due()) await slicer.yield();
    }
    return n === out.length ? out : out.slice(0, n);
  }

  #takeSlot(): number {
    const reused = this.#free.pop();
    if (reused !== undefined) return reused; // its old text stays counted as garbage
    if (this.#used === this.#capacity) this.#grow();
    return this.#used++;
  }

  #grow(): void {
    this.#resize(Math.ceil(this.#capacity * 1.5));
  }

  /**
   * trim gives back what growing left unused, once the series added have been gathered (the
   * table has grown as far as it will for a while): the per-slot arrays and the arena, when they
   * had more than a quarter spare, are cut down to what they hold (the next series grows them
   * again, by half). Not done for tables of
   * more than {@link trimLimit} slots: the copies would take longer than a time slice, and a big
   * table keeps its room to grow.
   */
  #trim(): void {
    const used = this.#used;
    if (this.#capacity > used * 1.25 + 16) this.#resize(used + 8);
    const live = this.#arenaUsed - this.#arenaGarbage;
    if (this.arena.length > live * 1.25 + 4096) this.#compactArena(1024, 1);
  }

  #resize(capacity: number): void {
    const used = this.#used;
    this.serials = copied(new Int32Array(capacity), this.serials, used);
    this.hashes = copied(new Int32Array(capacity), this.hashes, used);
    this.textStart = copied(new Uint32Array(capacity), this.textStart, used);
    this.textLength = copied(new Uint32Array(capacity), this.textLength, used);
    this.#textShared = false;
    this.#capacity = capacity;
    this.#columns.grow(capacity, used, this.serials);
  }

  /**
   * shareText returns where each slot's label entry lies, for a gather's rows to refer to: the
   * arrays are not changed in place afterwards (the next change works on copies), and the arena's
   * bytes never are, so the rows read the entries as they are now.
   */
  shareText(): { arena: Buffer; textStart: Uint32Array; textLength: Uint32Array } {
    this.#textShared = true;
    return { arena: this.arena, textStart: this.textStart, textLength: this.textLength };
  }

  /** unshareText makes textStart and textLength the table's own before they change. */
  #unshareText(): void {
    if (!this.#textShared) return;
    this.textStart = this.textStart.slice();
    this.textLength = this.textLength.slice();
    this.#textShared = false;
  }

  /** writeEntry appends a slot's label entry to the arena, making a new arena when it is full. */
  #writeEntry(slot: number, entry: string): void {
    const length = Buffer.byteLength(entry);
    if (this.#arenaUsed + length + arenaPadding > this.arena.length) this.#compactArena(length);
    this.#unshareText();
    this.arena.write(entry, this.#arenaUsed, "utf8");
    this.textStart[slot] = this.#arenaUsed;
    this.textLength[slot] = length;
    this.#arenaUsed += length;
  }

  /**
   * compactArena copies the live entries into a new arena with room for `extra` more bytes, and
   * then for `growth` times as many (a new arena is made because an arena is full, or to trim).
   */
  #compactArena(extra: number, growth = 1.5): void {
    const live = this.#arenaUsed - this.#arenaGarbage;
    const size = Math.max(1024, Math.ceil((live + extra) * growth)) + arenaPadding;
    const next = Buffer.alloc(size);
    if (this.#arenaGarbage === 0) {
      // Nothing to squeeze out: the entries keep their places, copied in one go.
      next.set(this.arena.subarray(0, this.#arenaUsed));
      this.arena = next;
      return;
    }
    this.#unshareText();
    let used = 0;
    for (let slot = 0; slot < this.#used; slot++) {
      if (this.serials[slot]! <= 0) continue;
      const start = this.textStart[slot]!;
      const length = this.textLength[slot]!;
      this.arena.copy(next, used, start, start + length);
      this.textStart[slot] = used;
      used += length;
    }
    this.arena = next;
    this.#arenaUsed = used;
    this.#arenaGarbage = 0;
  }

  /** insertIndex adds a slot to the index, which has room (see create). */
  #insertIndex(slot: number, hash: number): void {
    const index = this.#index;
    const mask = index.length - 1;
    let i = hash & mask;
    while (index[i] !== 0) i = (i + 1) & mask;
    index[i] = slot + 1;
  }

  #rebuildIndex(size: number): void {
    const index = new Int32Array(size);
    const mask = size - 1;
    for (let slot = 0; slot < this.#used; slot++) {
      if (this.serials[slot]! <= 0) continue;
      let i = this.hashes[slot]! & mask;
      while (index[i] !== 0) i = (i + 1) & mask;
      index[i] = slot + 1;
    }
    this.#index = index;
  }

  /** removeIndex takes a slot out of the index, shifting later entries back (no tombstones). */
  #removeIndex(slot: number): void {
    const index = this.#index;
    const mask = index.length - 1;
    let i = this.hashes[slot]! & mask;
    while (index[i] !== slot + 1) i = (i + 1) & mask;
    for (let j = (i + 1) & mask; index[j] !== 0; j = (j + 1) & mask) {
      const home = this.hashes[index[j]! - 1]! & mask;
      // The entry at j may move to the hole at i unless its home lies cyclically in (i, j].
      const stays = i <= j ? i < home && home <= j : i < home || home <= j;
      if (stays) continue;
      index[i] = index[j]!;
      i = j;
    }
    index[i] = 0;
  }
}

/** hashValues hashes label values (FNV-1a over their UTF-16 units, with a separator). */
export function hashValues(values: readonly string[]): number {
  let h = 0x811c9dc5;
  for (let j = 0; j < values.length; j++) {
    const v = values[j];
    if (typeof v !== "string") continue; // matches nothing; creating it fails validation
    for (let k = 0; k < v.length; k++) h = Math.imul(h ^ v.charCodeAt(k), 0x01000193);
    h = Math.imul(h ^ 0xffff, 0x01000193);
  }
  return h | 0; // as an Int32Array stores it
}

function copied<T extends Int32Array | Uint32Array | Float64Array>(to: T, from: T, used: number): T {
  to.set(from.subarray(0, used));
  return to;
}
