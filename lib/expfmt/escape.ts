/**
 * The two escaping rules of the text format (prometheus/common expfmt's `writeEscapedString`):
 * HELP text escapes backslash and newline; label values also escape the double quote (that one
 * lives with the other label rules in label-text.ts).
 *
 * @module
 */

/** escapeHelp escapes backslash and newline, as HELP lines do. */
export function escapeHelp(s: string): string {
  if (!/[\\\n]/.test(s)) return s;
  return s.replace(/[\\\n]/g, (c) => (c === "\\" ? "\\\\" : "\\n"));
}

export { escapeLabelValue } from "./label-text.js";
