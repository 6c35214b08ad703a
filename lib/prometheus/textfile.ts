/**
 * Writing what a gatherer gathers to a file, for the textfile collector of the node exporter.
 *
 * Counterpart: `WriteToTextfile` in client_golang's registry.go. Kept in its own file here, as it
 * is the one part of the package that touches the file system.
 *
 * @module
 */

import { randomInt } from "node:crypto";
import { chmod, open, rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

import { metricFamiliesToText } from "../expfmt/index.js";
import type { Gatherer } from "./registry.js";

/**
 * writeToTextfile gathers from `g`, writes the families in the text format to a new temporary
 * file in the directory of `filename`, makes it readable by all (mode 0644) and renames it to
 * `filename`. Readers of `filename` (the node exporter) so see the old content or the new,
 * never a part. The temporary file is removed when anything fails. The node exporter expects
 * the name to end with `.prom`.
 * @throws {GatherError} when gathering fails; nothing is written then.
 * @throws {EncodeError} when a family cannot be written in the text format.
 * @throws the file system's error (`code` `ENOENT`, `EACCES`, ...) when the file cannot be made.
 * @example
 * ```ts
 * await writeToTextfile("/var/lib/node_exporter/textfile/batch.prom", registry);
 * ```
 */
export async function writeToTextfile(filename: string, g: Gatherer): Promise<void> {
  const tmpName = join(dirname(filename), `${basename(filename)}${randomInt(1e9)}`);
  const tmp = await open(tmpName, "wx");
  let renamed = false;
  try {
    try {
      const families = await g.gather();
      await tmp.writeFile(metricFamiliesToText(families), "utf8");
    } finally {
      await tmp.close();
    }
    await chmod(tmpName, 0o644);
    await rename(tmpName, filename);
    renamed = true;
  } finally {
    if (!renamed) await rm(tmpName, { force: true });
  }
}
