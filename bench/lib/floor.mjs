// The floor: a hand-rolled text encoder that does the least work an exposition can cost.
//
// For each series, the text `name{label="value",...} ` is rendered and escaped once, into a Buffer.
// A scrape then only copies those prefixes into one reused output Buffer and writes each value's
// text after its prefix. No registry, no checks, no sorting, no intermediate objects: the
// practical lower bound for "series in memory → exposition bytes" in Node.js.

/** labelText renders `{a="x",b="y"}` (label values escaped as the text format requires). */
export function labelText(names, values, extra = "") {
  const parts = names.map((name, i) => `${name}="${escapeLabelValue(values[i])}"`);
  if (extra !== "") parts.push(extra);
  return parts.length === 0 ? "" : `{${parts.join(",")}}`;
}

function escapeLabelValue(s) {
  return s.replace(/[\\\n"]/g, (c) => (c === "\\" ? "\\\\" : c === "\n" ? "\\n" : '\\"'));
}

/** header renders the HELP and TYPE lines of a family. */
export function header(name, help, type) {
  return `# HELP ${name} ${help.replace(/\\/g, "\\\\").replace(/\n/g, "\\n")}\n# TYPE ${name} ${type}\n`;
}

/**
 * valueText writes a sample value. In the range the benchmark data uses (finite, non-negative,
 * below 1e6) this is exactly the text format's float formatting.
 */
function valueText(v) {
  return v === 0 ? "0" : String(v);
}

/**
 * FloorEncoder writes `header`, then for every line i: `prefixes[i]`, the text of `valueAt(i)`,
 * and a newline. Lines are whatever the caller makes them: one per series for a gauge, several
 * per label set for a histogram.
 */
export class FloorEncoder {
  #header;
  #prefixes;
  #buffer;

  /** @param {string} headerText @param {string[]} prefixTexts, each ending in a space */
  constructor(headerText, prefixTexts) {
    this.#header = Buffer.from(headerText);
    this.#prefixes = prefixTexts.map((p) => Buffer.from(p));
    let size = this.#header.length;
    for (const p of this.#prefixes) size += p.length + 25; // a double's text is at most 24 bytes
    this.#buffer = Buffer.allocUnsafe(size);
  }

  /** lines is the number of sample lines written per scrape. */
  get lines() {
    return this.#prefixes.length;
  }

  /**
   * encode writes the exposition into the reused buffer and returns a view of it (valid until the
   * next call). `valueAt(i)` gives the value of line i.
   */
  encode(valueAt) {
    const buf = this.#buffer;
    buf.set(this.#header, 0);
    let off = this.#header.length;
    const prefixes = this.#prefixes;
    for (let i = 0; i < prefixes.length; i++) {
      // TypedArray#set and a byte loop beat Buffer#copy and Buffer#latin1Write for short pieces:
      // no call into C++ per piece.
      const prefix = prefixes[i];
      buf.set(prefix, off);
      off += prefix.length;
      const text = valueText(valueAt(i));
      for (let j = 0; j < text.length; j++) buf[off++] = text.charCodeAt(j);
      buf[off++] = 10; // "\n"
    }
    return buf.subarray(0, off);
  }
}
