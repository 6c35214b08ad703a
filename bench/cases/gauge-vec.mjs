// Case: a GaugeVec with two labels, N series, scraped (gather + text encoding to bytes).
// Run by bench/run.mjs as `node --expose-gc bench/cases/gauge-vec.mjs --size=N [--quick]`.

import { gaugeData } from "../lib/data.mjs";
import { runEncodeCase } from "../lib/encode-driver.mjs";
import { gaugeImpls } from "../lib/gauge-impls.mjs";
import { caseArgs, emit } from "../lib/measure.mjs";
import * as ours from "../lib/ours.mjs";

const { size: n, quick } = caseArgs();
const impls = gaugeImpls(gaugeData(n), ours.scrape);
emit(await runEncodeCase({ case: "GaugeVec, 2 labels", n, series: n, quick, impls }));
