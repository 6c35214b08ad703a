/**
 * Helpers for the ported Go vectors: Go string literals as bytes, and a way to catch what a call
 * throws or rejects with.
 */

/**
 * goBytes turns the text of a Go interpreted string literal (without its quotes) into its bytes:
 * `\xNN`, `\uNNNN`, `\n`, `\t`, `\r`, `\"`, `\\` and octal `\NNN` escapes, other characters as UTF-8.
 */
export function goBytes(literal: string): Buffer {
  const out: number[] = [];
  for (let i = 0; i < literal.length; i++) {
    const c = literal[i]!;
    if (c !== "\\") {
      out.push(...Buffer.from(c));
      continue;
    }
    const e = literal[++i];
    if (e === "x") {
      out.push(parseInt(literal.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (e === "u") {
      out.push(...Buffer.from(String.fromCodePoint(parseInt(literal.slice(i + 1, i + 5), 16))));
      i += 4;
    } else if (e !== undefined && e >= "0" && e <= "7") {
      out.push(parseInt(literal.slice(i, i + 3), 8));
      i += 2;
    } else {
      const simple: Record<string, number> = { n: 10, t: 9, r: 13, '"': 34, "\\": 92, a: 7, b: 8, f: 12, v: 11 };
      const b = simple[e ?? ""];
      if (b === undefined) throw new Error(`goBytes: unknown escape \\${e}`);
      out.push(b);
    }
  }
  return Buffer.from(out);
}

/** caught returns what `f` throws (or its promise rejects with), or undefined. */
export async function caught(f: () => unknown): Promise<unknown> {
  try {
    await f();
  } catch (err) {
    return err;
  }
  return undefined;
}

/** caughtSync returns what `f` throws, or undefined. */
export function caughtSync(f: () => unknown): unknown {
  try {
    f();
  } catch (err) {
    return err;
  }
  return undefined;
}
