// Case: the path the README shows, a GaugeVec with two labels, N series: `gather()` (plain
// client_model data, one object per series) and `metricFamiliesToText` (one string), as bytes.
// Run by bench/run.mjs as `node --expose-gc bench/cases/string-path.mjs --size=N [--quick]`.

import { gaugeData } from "../lib/data.mjs";
import { runEncodeCase } from "../lib/encode-driver.mjs";
import { gaugeImpls } from "../lib/gauge-impls.mjs";
import { caseArgs, emit } from "../lib/measure.mjs";
import * as ours from "../lib/ours.mjs";

const { size: n, quick } = caseArgs();
const impls = gaugeImpls(gaugeData(n), ours.scrapeText);
emit(await runEncodeCase({ case: "GaugeVec via gather() and metricFamiliesToText", n, series: n, quick, impls }));
