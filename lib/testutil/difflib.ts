/**
 * A unified diff of two lists of lines, for the messages of `collectAndCompare` and friends.
 *
 * Counterpart: client_golang's prometheus/internal/difflib.go, itself a port of Python's
 * `difflib`: the same `SequenceMatcher` (longest contiguous match first, then recursion on both
 * sides, "popular" lines ignored as anchors in long inputs), the same grouping into hunks with `n`
 * lines of context, the same `@@ -a,b +c,d @@` ranges. Only what `unifiedDiff` needs is ported:
 * there is no junk predicate, and no ratio functions.
 *
 * @module
 */

/** Match says that `a[a .. a+size)` equals `b[b .. b+size)`. */
interface Match {
  a: number;
  b: number;
  size: number;
}

/** OpCode is one step from a to b: equal, replace, delete or insert the given ranges. */
interface OpCode {
  tag: "e" | "r" | "d" | "i";
  i1: number;
  i2: number;
  j1: number;
  j2: number;
}

/** UnifiedDiffOptions name the two sides and set the number of context lines. */
export interface UnifiedDiffOptions {
  /** The name on the `---` line. */
  fromFile: string;
  /** The name on the `+++` line. */
  toFile: string;
  /** Lines of context around each change (Go's default when negative: 3). */
  context: number;
}

/**
 * splitLines splits s after each `\n`, keeping the newlines, and adds one to the last piece, as
 * Go's `internal.SplitLines` does: `"a\nb\n"` gives `["a\n", "b\n", "\n"]`.
 */
export function splitLines(s: string): string[] {
  const lines = s.split(/(?<=\n)/);
  if (s.endsWith("\n")) lines.push("");
  lines[lines.length - 1] += "\n";
  return lines;
}

/**
 * unifiedDiff returns the unified diff that turns lines `a` into lines `b` (each line ending in
 * `\n`, as {@link splitLines} makes them), or `""` when they are equal.
 */
export function unifiedDiff(a: readonly string[], b: readonly string[], options: UnifiedDiffOptions): string {
  let out = "";
  for (const group of groupedOpCodes(opCodes(a, b), options.context)) {
    if (out === "") out = `--- ${options.fromFile}\n+++ ${options.toFile}\n`;
    const first = group[0]!;
    const last = group[group.length - 1]!;
    out += `@@ -${formatRange(first.i1, last.i2)} +${formatRange(first.j1, last.j2)} @@\n`;
    for (const c of group) {
      if (c.tag === "e") {
        for (const line of a.slice(c.i1, c.i2)) out += " " + line;
        continue;
      }
      if (c.tag === "r" || c.tag === "d") for (const line of a.slice(c.i1, c.i2)) out += "-" + line;
      if (c.tag === "r" || c.tag === "i") for (const line of b.slice(c.j1, c.j2)) out += "+" + line;
    }
  }
  return out;
}

/** formatRange renders a range in the unified diff's `start,length` form, 1-based. */
function formatRange(start: number, stop: number): string {
  const length = stop - start;
  if (length === 1) return String(start + 1);
  return `${length === 0 ? start : start + 1},${length}`;
}

/** b2j maps each line of b to its indices, leaving out popular lines when b is long (autojunk). */
function indexLines(b: readonly string[]): Map<string, number[]> {
  const b2j = new Map<string, number[]>();
  b.forEach((line, i) => {
    const indices = b2j.get(line);
    if (indices === undefined) b2j.set(line, [i]);
    else indices.push(i);
  });
  if (b.length >= 200) {
    const limit = Math.floor(b.length / 100) + 1;
    for (const [line, indices] of b2j) if (indices.length > limit) b2j.delete(line);
  }
  return b2j;
}

/** findLongestMatch finds the longest block of equal lines in a[alo..ahi) and b[blo..bhi). */
function findLongestMatch(
  a: readonly string[],
  b: readonly string[],
  b2j: ReadonlyMap<string, number[]>,
  alo: number,
  ahi: number,
  blo: number,
  bhi: number,
): Match {
  let best: Match = { a: alo, b: blo, size: 0 };
  let j2len = new Map<number, number>();
  for (let i = alo; i < ahi; i++) {
    const next = new Map<number, number>();
    for (const j of b2j.get(a[i]!) ?? []) {
      if (j < blo) continue;
      if (j >= bhi) break;
      const k = (j2len.get(j - 1) ?? 0) + 1;
      next.set(j, k);
      if (k > best.size) best = { a: i - k + 1, b: j - k + 1, size: k };
    }
    j2len = next;
  }
  // Extend over lines left out of b2j as popular.
  while (best.a > alo && best.b > blo && a[best.a - 1] === b[best.b - 1]) {
    best = { a: best.a - 1, b: best.b - 1, size: best.size + 1 };
  }
  while (best.a + best.size < ahi && best.b + best.size < bhi && a[best.a + best.size] === b[best.b + best.size]) {
    best.size++;
  }
  return best;
}

/** matchingBlocks returns the matching blocks, adjacent ones merged, ending with a zero-size sentinel. */
function matchingBlocks(a: readonly string[], b: readonly string[]): Match[] {
  const b2j = indexLines(b);
  const matched: Match[] = [];
  const queue: [number, number, number, number][] = [[0, a.length, 0, b.length]];
  // Go recurses left, then records, then recurses right; an explicit stack in that order keeps
  // deep inputs off the call stack and yields the same blocks, sorted below.
  while (queue.length > 0) {
    const [alo, ahi, blo, bhi] = queue.pop()!;
    const m = findLongestMatch(a, b, b2j, alo, ahi, blo, bhi);
    if (m.size === 0) continue;
    matched.push(m);
    if (alo < m.a && blo < m.b) queue.push([alo, m.a, blo, m.b]);
    if (m.a + m.size < ahi && m.b + m.size < bhi) queue.push([m.a + m.size, ahi, m.b + m.size, bhi]);
  }
  matched.sort((x, y) => x.a - y.a);
  const merged: Match[] = [];
  for (const m of matched) {
    const previous = merged[merged.length - 1];
    if (previous !== undefined && previous.a + previous.size === m.a && previous.b + previous.size === m.b) {
      previous.size += m.size;
    } else {
      merged.push({ ...m });
    }
  }
  merged.push({ a: a.length, b: b.length, size: 0 });
  return merged;
}

/** opCodes lists the steps that turn a into b. */
function opCodes(a: readonly string[], b: readonly string[]): OpCode[] {
  const codes: OpCode[] = [];
  let i = 0;
  let j = 0;
  for (const m of matchingBlocks(a, b)) {
    const tag = i < m.a && j < m.b ? "r" : i < m.a ? "d" : j < m.b ? "i" : undefined;
    if (tag !== undefined) codes.push({ tag, i1: i, i2: m.a, j1: j, j2: m.b });
    i = m.a + m.size;
    j = m.b + m.size;
    if (m.size > 0) codes.push({ tag: "e", i1: m.a, i2: i, j1: m.b, j2: j });
  }
  return codes;
}

/** groupedOpCodes cuts the steps into hunks with up to n lines of context around each change. */
function groupedOpCodes(input: OpCode[], n: number): OpCode[][] {
  if (n < 0) n = 3;
  const codes = input.length === 0 ? [{ tag: "e" as const, i1: 0, i2: 1, j1: 0, j2: 1 }] : input.map((c) => ({ ...c }));
  const first = codes[0]!;
  if (first.tag === "e") {
    first.i1 = Math.max(first.i1, first.i2 - n);
    first.j1 = Math.max(first.j1, first.j2 - n);
  }
  const last = codes[codes.length - 1]!;
  if (last.tag === "e") {
    last.i2 = Math.min(last.i2, last.i1 + n);
    last.j2 = Math.min(last.j2, last.j1 + n);
  }
  const groups: OpCode[][] = [];
  let group: OpCode[] = [];
  for (const c of codes) {
    let { i1, j1 } = c;
    if (c.tag === "e" && c.i2 - c.i1 > 2 * n) {
      group.push({ tag: "e", i1, i2: Math.min(c.i2, i1 + n), j1, j2: Math.min(c.j2, j1 + n) });
      groups.push(group);
      group = [];
      i1 = Math.max(i1, c.i2 - n);
      j1 = Math.max(j1, c.j2 - n);
    }
    group.push({ tag: c.tag, i1, i2: c.i2, j1, j2: c.j2 });
  }
  if (group.length > 0 && !(group.length === 1 && group[0]!.tag === "e")) groups.push(group);
  return groups;
}
