/**
 * The landing page's cardinality section: the largest metric families of the current exposition,
 * by series, as `demo-exporter lint --extended` (and `promtool check metrics --extended`) would
 * count them. A series explosion shows on the first page anyone opens.
 *
 * Not in node_exporter or exporter-toolkit: our addition. Rendering it gathers once, as a scrape
 * does, so collectors with side effects see a collect (the demo collector counts it in
 * `demo_total`); a gather that fails in part shows the families it did gather, and says so.
 *
 * @module
 */

import { GatherError, type Gatherer } from "../prometheus/index.js";
import { type CardinalityTable, cardinalityTable, formatFixed2 } from "../testutil/cardinality.js";

/** LandingCardinalityOptions tune the section. */
export interface LandingCardinalityOptions {
  /** How many families the table lists, largest first. Default 10. */
  top?: number;
}

/**
 * landingCardinality gathers from `gatherer` and renders the cardinality section of the landing
 * page (an HTML fragment); it never rejects: a failed gather is shown in the section.
 * @example
 * ```ts
 * const html = await landingCardinality(registry, { top: 5 });
 * ```
 */
export async function landingCardinality(gatherer: Gatherer, options: LandingCardinalityOptions = {}): Promise<string> {
  const top = options.top ?? 10;
  try {
    return cardinalitySection(cardinalityTable(await gatherer.gather()), top);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (err instanceof GatherError) return cardinalitySection(cardinalityTable(err.families), top, message);
    return `      <h2>Series per metric family</h2>\n      <p>Not available: the gather failed: ${escapeHTML(message)}</p>\n`;
  }
}

/**
 * cardinalitySection renders the first `top` rows of `table` as an HTML table with promtool's
 * columns (Metric, Cardinality, Percentage) and its Total row; `gatherError`, when given, is
 * shown above it.
 */
export function cardinalitySection(table: CardinalityTable, top: number, gatherError?: string): string {
  const rows = table.families
    .slice(0, top)
    .map((f) => `<tr><td><code>${escapeHTML(f.name)}</code></td><td>${f.cardinality}</td><td>${formatFixed2(f.fraction * 100)}%</td></tr>`);
  const more = table.families.length - rows.length;
  const indent = "\n          ";
  return `      <h2>Series per metric family</h2>
      ${gatherError === undefined ? "" : `<p>The gather failed in part (${escapeHTML(gatherError)}); these are the families it gathered.</p>\n      `}<p>The largest families of the exposition, as <code>demo-exporter lint --extended</code> counts them: ${table.total} series in ${table.families.length} ${table.families.length === 1 ? "family" : "families"}${more > 0 ? `, the ${rows.length} largest shown` : ""}.</p>
      <table>
        <thead><tr><th>Metric</th><th>Cardinality</th><th>Percentage</th></tr></thead>
        <tbody>${rows.map((r) => indent + r).join("")}
        </tbody>
        <tfoot><tr><td>Total</td><td>${table.total}</td><td>100%</td></tr></tfoot>
      </table>
`;
}

/** escapeHTML escapes text for HTML content. */
function escapeHTML(s: string): string {
  const entities: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
  return s.replace(/[&<>"']/g, (c) => entities[c] ?? c);
}
