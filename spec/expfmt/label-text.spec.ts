/**
 * The text format's label rules (lib/expfmt/label-text.ts) against a simple reference on random
 * label sets, and every path that renders labels against each other: renderLabels, the byte
 * writer of escaped values, a vec's stored label entries (rows, written by the byte encoder), the
 * const-metric rows, plain client_model data through the string encoder and OpenMetrics; and the
 * way back (parseLabelsText, a vec's label pairs).
 */
import { describe, expect, it } from "vitest";
import {
  escapeLabelValue,
  metricFamiliesToOpenMetrics,
  parseLabelsText,
  renderLabels,
  rowLabelsText,
  textByteChunks,
  textChunks,
  unescapeLabelValue,
  writeEscapedLabelValue,
} from "../../lib/expfmt/index.js";
import { isRowsFamily, type LabelPair, type RowsFamily } from "../../lib/model/index.js";
import * as prom from "../../lib/prometheus/index.js";
import { Prng } from "../support/prng.js";

/** Characters that matter to the rules: escapes, quotes, separators, multi-byte, surrogate pairs. */
const alphabet = ["a", "z", "0", "\\", '"', "\n", "n", "{", "}", ",", "=", " ", "é", "日", "😀", "\uFEFF", "\t", "\u007f", "\uE000"];

function randomValue(prng: Prng): string {
  let s = "";
  for (let i = prng.int(8); i > 0; i--) s += alphabet[prng.int(alphabet.length)]!;
  return s;
}

/** reference renders label pairs character by character, as the text format's spec says. */
function reference(pairs: readonly LabelPair[]): string {
  if (pairs.length === 0) return "";
  const parts = pairs.map((p) => {
    let v = "";
    for (const ch of p.value) v += ch === "\\" ? "\\\\" : ch === '"' ? '\\"' : ch === "\n" ? "\\n" : ch;
    return `${p.name}="${v}"`;
  });
  return `{${parts.join(",")}}`;
}

function randomPairs(prng: Prng, names: readonly string[]): LabelPair[] {
  return names.map((name) => ({ name, value: randomValue(prng) }));
}

const seeds = Array.from({ length: 12 }, (_, i) => i * 7919 + 1);

describe("the label rules against a reference", () => {
  it.each(seeds)("seed %i: render, escape, write, parse and unescape agree", (seed) => {
    const prng = new Prng(seed);
    for (let i = 0; i < 200; i++) {
      const names = ["a", "b_c", "zz"].slice(0, prng.int(4));
      const pairs = randomPairs(prng, names);
      const text = reference(pairs);
      expect(renderLabels(pairs)).toBe(text);
      expect(parseLabelsText(text)).toEqual(pairs);
      for (const { value } of pairs) {
        expect(unescapeLabelValue(escapeLabelValue(value))).toBe(value);
        const bytes = Buffer.alloc(6 * value.length + 8);
        const end = writeEscapedLabelValue(bytes, 0, value);
        expect(bytes.subarray(0, end).toString()).toBe(escapeLabelValue(value));
      }
    }
  });
});

describe("every path that writes labels writes the same text", () => {
  it.each(seeds)("seed %i: vec rows, const rows, plain data, OpenMetrics", async (seed) => {
    const prng = new Prng(seed);
    const variable = ["path", "b", "code"];
    const constLabels = { a: randomValue(prng), zone: randomValue(prng) };
    const vec = prom.newGaugeVec({ name: "v", help: "h", constLabels }, variable);
    const desc = prom.newDesc("c", "h", variable, constLabels);
    const sets = new Map<string, string[]>();
    for (let i = 0; i < 60; i++) {
      const values = variable.map(() => randomValue(prng));
      sets.set(JSON.stringify(values), values);
    }
    for (const values of sets.values()) vec.withLabelValues(...values).set(1);
    const reg = prom.newRegistry();
    reg.mustRegister(vec, {
      describe: (ch) => void ch.send(desc),
      collect: (ch) => {
        for (const values of sets.values()) ch.send(prom.mustNewConstMetric(desc, prom.GaugeValue, 1, ...values));
      },
    });
    const plain = await reg.gather();
    const expected = (name: string) =>
      plain
        .find((f) => f.name === name)!
        .metric.map((m) => `${name}${reference(m.label)} 1`)
        .sort();
    for (const family of plain) {
      for (const m of family.metric) {
        const values = variable.map((n) => m.label.find((p) => p.name === n)!.value);
        expect(sets.has(JSON.stringify(values))).toBe(true); // the way back from the stored entries
        expect(m.label.map((p) => p.name)).toEqual(["a", "b", "code", "path", "zone"]);
      }
    }
    const { families, done } = await reg.transactionalGatherer().gather();
    try {
      for (const family of families) {
        expect(isRowsFamily(family)).toBe(true);
        const rows = family as RowsFamily;
        const fromRows = Array.from({ length: rows.length }, (_, r) => `${rows.name}${rowLabelsText(rows, r)} 1`);
        expect([...fromRows].sort()).toEqual(expected(rows.name));
        const bytes = Buffer.concat([...textByteChunks([family])]).toString().split("\n").slice(2, -1);
        expect(bytes).toEqual(fromRows);
        const strings = [...textChunks([family])].join("").split("\n").slice(2, -1);
        expect(strings).toEqual(fromRows);
        const om = metricFamiliesToOpenMetrics([family]).split("\n").slice(2, -2);
        expect(om).toEqual(fromRows.map((l) => `${l}.0`));
      }
      const plainLines = [...textChunks(plain)].join("").split("\n").filter((l) => !l.startsWith("#") && l !== "");
      expect(plainLines.sort()).toEqual([...expected("c"), ...expected("v")].sort());
    } finally {
      done();
    }
  });
});
