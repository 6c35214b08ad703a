import v8 from "node:v8";
import { newRegistry, newCounterVec, newGaugeVec, newHistogramVec } from "demo-exporter/prometheus";
import { encodeDelimited } from "demo-exporter/expfmt";
const reg = newRegistry();
const c = newCounterVec({ name: "c_total", help: "h" }, ["a", "b"]);
reg.mustRegister(c);
for (let i = 0; i < 10000; i++) c.withLabelValues("path" + (i % 100), "v" + i).add(i);
const fams = await reg.gather();
const plain = fams.map((f) => ({ name: f.name, help: f.help, type: f.type, metric: f.metric.map((m) => ({ label: m.label.map((l) => ({ name: l.name, value: l.value })), counter: { value: m.counter.value } })) }));
function t(label, fn, n = 20) { fn(); const ts = []; let r; for (let i = 0; i < n; i++) { const t0 = performance.now(); r = fn(); ts.push(performance.now() - t0); } ts.sort((a, b) => a - b); console.log(label, ts[n >> 1].toFixed(2), "ms", r?.length ?? ""); return r; }
const ser = t("v8.serialize plain", () => v8.serialize(plain));
t("v8.deserialize plain", () => v8.deserialize(ser));
const js = t("JSON.stringify plain", () => JSON.stringify(plain));
t("JSON.parse plain", () => JSON.parse(js));
const pb = t("protobuf encodeDelimited", () => encodeDelimited(fams));
// columnar
function columnar(fs) { return fs.map((f) => { const n = f.metric.length; const labels = []; const counts = new Uint16Array(n); const nums = new Float64Array(n); f.metric.forEach((m, i) => { counts[i] = m.label.length; for (const l of m.label) labels.push(l.name, l.value); nums[i] = m.counter.value; }); return { name: f.name, help: f.help, type: f.type, labels, counts, nums }; }); }
const col = t("columnar build", () => columnar(plain));
const cser = t("v8.serialize columnar", () => v8.serialize(col));
t("v8.deserialize columnar", () => v8.deserialize(cser));
function columnar64(fs) { return fs.map((f) => { const n = f.metric.length; const labels = []; const nums = new Float64Array(2 * n); f.metric.forEach((m, i) => { nums[2*i] = m.label.length; for (const l of m.label) labels.push(l.name, l.value); nums[2*i+1] = m.counter.value; }); return { name: f.name, help: f.help, type: f.type, labels, numbers: Buffer.from(nums.buffer).toString("base64") }; }); }
const c64 = t("columnar64 build", () => columnar64(plain));
const c64s = t("v8.serialize columnar64", () => v8.serialize(c64));
t("v8.deserialize columnar64", () => v8.deserialize(c64s));
const c64j = t("JSON.stringify columnar64", () => JSON.stringify(c64));
t("JSON.parse columnar64", () => JSON.parse(c64j));
t("decode base64", () => { const b = Buffer.from(c64[0].numbers, "base64"); return new Float64Array(b.buffer, b.byteOffset, b.length / 8); });
