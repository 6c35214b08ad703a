/**
 * Label columns sent once (lib/cluster/columns.ts): the worker's numbering, the primary's held
 * columns, and the merge of families sent by number, through JSON as node:cluster sends them.
 */
import { describe, expect, it } from "vitest";
import { mergeAnswers, RuleBook, toWire, type WireFamily, WireFormatError } from "../../lib/cluster/index.js";
import { HeldColumns, SentColumns } from "../../lib/cluster/columns.js";
import { metricFamiliesToText } from "../../lib/expfmt/index.js";
import type { MetricFamily } from "../../lib/model/index.js";

const counter = (name: string, series: [string, number][]): MetricFamily => ({
  name,
  help: "h",
  type: "counter",
  metric: series.map(([path, value]) => ({ label: [{ name: "path", value: path }], counter: { value } })),
});

/** One worker's answer to a request that says the primary holds `known`, as it arrives (JSON). */
function answer(sent: SentColumns, families: MetricFamily[], known: Record<string, number>): WireFamily[] {
  const wires = toWire(families);
  sent.number(wires, known);
  return JSON.parse(JSON.stringify(wires)) as WireFamily[];
}

describe("label columns sent once", () => {
  it("sends a column whole until the primary holds it, then by number, and whole again when it changes", () => {
    const sent = new SentColumns();
    const held = new HeldColumns();
    const first = answer(sent, [counter("a_total", [["/", 1]])], held.known(1));
    expect(first[0]!.labels).toBe('{path="/"}');
    expect(held.take(1, first)).toEqual(new Map());
    expect(held.known(1)).toEqual({ a_total: first[0]!.labelsId });

    const second = answer(sent, [counter("a_total", [["/", 2]])], held.known(1));
    expect(second[0]).not.toHaveProperty("labels");
    expect(second[0]!.labelsId).toBe(first[0]!.labelsId);
    expect(held.take(1, second)).toEqual(new Map([["a_total", '{path="/"}']]));

    const third = answer(sent, [counter("a_total", [["/", 2], ["/x", 1]])], held.known(1));
    expect(third[0]!.labels).toBe('{path="/"}\n{path="/x"}');
    expect(third[0]!.labelsId).not.toBe(first[0]!.labelsId);
    held.take(1, third);
    expect(held.known(1)).toEqual({ a_total: third[0]!.labelsId });
    // A family the worker no longer has is forgotten on both sides.
    const fourth = answer(sent, [counter("b_total", [["/", 1]])], held.known(1));
    held.take(1, fourth);
    expect(held.known(1)).toEqual({ b_total: fourth[0]!.labelsId });
    expect(answer(sent, [counter("a_total", [["/", 2], ["/x", 1]])], { a_total: third[0]!.labelsId! })[0]!.labels).toBe('{path="/"}\n{path="/x"}');
    // Another worker's columns are its own; a worker that is gone is forgotten.
    expect(held.known(2)).toEqual({});
    held.keepOnly(new Set([2]));
    expect(held.known(1)).toEqual({});
  });

  it("numbers a family cut in chunks once, and leaves the column out of every chunk", () => {
    const sent = new SentColumns();
    const held = new HeldColumns();
    const big = counter("c_total", Array.from({ length: 2500 }, (_, i): [string, number] => [`/${String(i).padStart(4, "0")}`, 1]));
    const first = answer(sent, [big], held.known(1));
    expect(first.map((w) => w.part)).toEqual([0, 1, 2]);
    expect(new Set(first.map((w) => w.labelsId)).size).toBe(1);
    held.take(1, first);
    const second = answer(sent, [big], held.known(1));
    expect(second.every((w) => w.labels === undefined && w.labelsId === first[0]!.labelsId)).toBe(true);
    expect(held.take(1, second).get("c_total")).toBe(first.map((w) => w.labels).join("\n"));
  });

  it("merges families sent by number like those sent whole", async () => {
    const rules = new RuleBook();
    const families = (n: number) => [counter("a_total", [["/", n], ["/x", 2 * n]])];
    const sent = [new SentColumns(), new SentColumns()];
    const held = new HeldColumns();
    const scrape = async (n: number) => {
      const answers = [1, 2].map((workerId) => {
        const wires = answer(sent[workerId - 1]!, families(n * workerId), held.known(workerId));
        return { workerId, families: wires, columns: held.take(workerId, wires) };
      });
      const { families: merged, errors } = await mergeAnswers(answers, { rules, workerLabel: "worker", rows: true });
      expect(errors).toEqual([]);
      return { text: metricFamiliesToText(merged), byNumber: answers.every((a) => a.columns.size === 1) };
    };
    expect(await scrape(1)).toEqual({ text: '# HELP a_total h\n# TYPE a_total counter\na_total{path="/"} 3\na_total{path="/x"} 6\n', byNumber: false });
    expect(await scrape(2)).toEqual({ text: '# HELP a_total h\n# TYPE a_total counter\na_total{path="/"} 6\na_total{path="/x"} 12\n', byNumber: true });
  });

  it("reports a family sent by a number the primary does not hold, or with chunks that disagree, as a WireFormatError", async () => {
    const sent = new SentColumns();
    const whole = answer(sent, [counter("a_total", [["/", 1]])], {});
    const byNumber = answer(sent, [counter("a_total", [["/", 1]]), counter("b_total", [["/", 1]])], { a_total: whole[0]!.labelsId! });
    expect(byNumber[0]).not.toHaveProperty("labels");
    const big = answer(new SentColumns(), [counter("c_total", Array.from({ length: 1500 }, (_, i): [string, number] => [`/${i}`, 1]))], {});
    const mixed = [big[0]!, { ...big[1]!, labels: undefined }];
    // Worker 1 answers by number, but the primary holds nothing of it (a number of an old column, say).
    const { families, errors } = await mergeAnswers([{ workerId: 1, families: [...byNumber, ...mixed] }], { rules: new RuleBook(), workerLabel: "worker" });
    expect(errors.map((e) => [e.constructor, e.message])).toEqual([
      [WireFormatError, `worker 1: metric family a_total: label column ${whole[0]!.labelsId} was sent by number, and the primary does not hold it`],
      [WireFormatError, "worker 1: metric family c_total: chunks disagree on their label column"],
    ]);
    expect(families.map((f) => f.name)).toEqual(["b_total"]);
  });
});
