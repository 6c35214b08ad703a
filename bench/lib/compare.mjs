// Checking that implementations wrote the same exposition before any of them is timed.
//
// The strictest level that holds is reported:
//   "bytes"       byte-identical output;
//   "label order" identical once the label pairs inside each sample's braces are sorted (prom-client
//                 writes a histogram's `le` label first, client_golang sorts it among the others);
//   "line set"    identical as sets of lines (same samples, different order).
// Anything else is a failure: the case stops and no figure is reported.

/** sortLabelsInLine rewrites `name{b="2",a="1"} v` as `name{a="1",b="2"} v`. */
function sortLabelsInLine(line) {
  if (line.startsWith("#")) return line;
  const open = line.indexOf("{");
  if (open < 0) return line;
  const close = line.lastIndexOf("}");
  // Split on the commas between pairs: a comma right after a closing, unescaped quote.
  const pairs = line.slice(open + 1, close).match(/[^=,]+="(?:[^"\\]|\\.)*"/g) ?? [];
  pairs.sort();
  return `${line.slice(0, open)}{${pairs.join(",")}}${line.slice(close + 1)}`;
}

/** firstDifference returns the first line that differs between two texts, for the error message. */
function firstDifference(a, b) {
  const la = a.split("\n");
  const lb = b.split("\n");
  for (let i = 0; i < Math.max(la.length, lb.length); i++) {
    if (la[i] !== lb[i]) return `line ${i + 1}:\n    ${JSON.stringify(la[i])}\n    ${JSON.stringify(lb[i])}`;
  }
  return "(no differing line)";
}

/**
 * compareOutputs compares every output with the reference one (the first) and returns the
 * weakest level that held across all of them, or throws with the first difference.
 * @param {Record<string, Buffer>} outputs implementation name → exposition bytes
 */
export function compareOutputs(outputs) {
  const [[refName, ref], ...others] = Object.entries(outputs);
  const levels = ["bytes", "label order", "line set"];
  let weakest = 0;
  const refText = ref.toString("utf8");
  const normalize = (text) => text.split("\n").map(sortLabelsInLine);
  const refLines = normalize(refText);
  const refSet = [...refLines].sort().join("\n");
  for (const [name, out] of others) {
    if (out.equals(ref)) continue;
    const text = out.toString("utf8");
    const lines = normalize(text);
    let level;
    if (lines.join("\n") === refLines.join("\n")) level = 1;
    else if ([...lines].sort().join("\n") === refSet) level = 2;
    else {
      throw new Error(
        `outputs differ: ${name} (${out.length} bytes) vs ${refName} (${ref.length} bytes), first difference at ${firstDifference(text, refText)}`,
      );
    }
    weakest = Math.max(weakest, level);
  }
  // RegExp's last-match info (`RegExp.lastMatch`) keeps the last subject alive: a slice of the
  // whole exposition text. Match something small, or the text is counted in the next heap figure.
  /x/.exec("x");
  return levels[weakest];
}
