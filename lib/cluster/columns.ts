/**
 * Label columns sent once: a family's label column (wire.ts) is most of what a worker sends, and
 * it changes only when the family's series do. So each side keeps the columns of the other:
 *
 * - the worker numbers each family's column ({@link SentColumns}): the same number while the
 *   column stays the same, a new one when it changes;
 * - the primary keeps, per worker and family, the last column it received whole and its number
 *   ({@link HeldColumns}), and says in each request which numbers it holds (protocol.ts);
 * - the worker then sends a column the primary holds by its number alone (`labelsId` without
 *   `labels`), and the primary puts the column it holds back in place before the merge.
 *
 * The primary reads the answers of a worker in the order the worker sent them, and the worker
 * leaves a column out only when the request named the column's current number, so a number the
 * primary is sent is always the one it holds. Numbers start at a random value for each
 * {@link SentColumns}, so that a worker that calls `serveWorker` again does not reuse the numbers
 * of the columns it sent before.
 *
 * @module
 */

import type { WireFamily } from "./wire.js";
import { isWireFamily } from "./wire-check.js";

/** SentColumns numbers the label columns a worker sends (see the module's comment). */
export class SentColumns {
  #sent = new Map<string, { column: string; id: number }>();
  #nextId = Math.floor(Math.random() * 2 ** 48) + 1;

  /**
   * number gives each family's chunks (one after another in `wires`) its column's number, and
   * leaves the column out of them where `held` (a request's `columns`) says the primary holds
   * that number. Families not in `wires` are forgotten.
   */
  number(wires: WireFamily[], held: unknown): void {
    const known = typeof held === "object" && held !== null ? (held as Record<string, unknown>) : undefined;
    const sent = new Map<string, { column: string; id: number }>();
    for (let from = 0; from < wires.length; ) {
      const name = wires[from]!.name;
      let to = from + 1;
      while (to < wires.length && wires[to]!.name === name) to++;
      const column = to - from === 1 ? wires[from]!.labels! : wires.slice(from, to).map((w) => w.labels).join("\n");
      let entry = this.#sent.get(name);
      if (entry === undefined || entry.column !== column) entry = { column, id: this.#nextId++ };
      sent.set(name, entry);
      const omit = known !== undefined && Object.hasOwn(known, name) && known[name] === entry.id;
      for (let i = from; i < to; i++) {
        wires[i]!.labelsId = entry.id;
        if (omit) wires[i]!.labels = undefined; // JSON leaves it out; a structured clone keeps it undefined
      }
      from = to;
    }
    this.#sent = sent;
  }
}

/** HeldColumns keeps, on the primary, the label columns each worker sent (see the module's comment). */
export class HeldColumns {
  readonly #held = new Map<number, Map<string, { id: number; column: string }>>();

  /** known returns the numbers of the columns held from worker `workerId`, by family name, for its next request. */
  known(workerId: number): Record<string, number> {
    const known: Record<string, number> = {};
    for (const [name, { id }] of this.#held.get(workerId) ?? []) known[name] = id;
    return known;
  }

  /**
   * take reads a complete answer of worker `workerId`, in the order the answers arrive: it keeps
   * the columns sent whole and numbered, and returns, by family name, the columns held for the
   * families sent by number. A family whose number is not the one held is not returned (the
   * merge reports it); what is not wire data is left to the merge too. The columns of families
   * the answer does not have are dropped: the worker has dropped their numbers too.
   */
  take(workerId: number, families: readonly unknown[]): Map<string, string> {
    const held = this.#held.get(workerId);
    const kept = new Map<string, { id: number; column: string }>();
    const resolved = new Map<string, string>();
    for (let from = 0; from < families.length; ) {
      const first = families[from];
      if (!isWireFamily(first)) {
        from++;
        continue;
      }
      let to = from + 1;
      while (to < families.length && isWireFamily(families[to]) && (families[to] as WireFamily).name === first.name) to++;
      const chunks = families.slice(from, to) as WireFamily[];
      from = to;
      const id = first.labelsId;
      if (id === undefined || chunks.some((c) => c.labelsId !== id)) continue;
      if (chunks.every((c) => c.labels !== undefined)) {
        kept.set(first.name, { id, column: chunks.length === 1 ? first.labels! : chunks.map((c) => c.labels).join("\n") });
      } else if (chunks.every((c) => c.labels === undefined)) {
        const column = held?.get(first.name);
        if (column !== undefined && column.id === id) {
          resolved.set(first.name, column.column);
          kept.set(first.name, column);
        }
      }
    }
    this.#held.set(workerId, kept);
    return resolved;
  }

  /** keepOnly forgets the columns of workers not in `workerIds` (gone ones). */
  keepOnly(workerIds: ReadonlySet<number>): void {
    for (const id of this.#held.keys()) if (!workerIds.has(id)) this.#held.delete(id);
  }
}
