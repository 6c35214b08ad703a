/**
 * client_golang 1.14, prometheus/desc_test.go: TestNewDescInvalidLabelValues.
 *
 * Go's invalid label value is the byte "\xFF"; a JavaScript string cannot hold a byte that is not
 * UTF-8 ("\xFF" in JavaScript is "ÿ", valid), so its counterpart here is a lone surrogate, which
 * has no UTF-8 form (docs/conformance.md, "Deliberate differences").
 */
import { expect, it } from "vitest";

import { InvalidLabelValueError, newDesc } from "../../lib/prometheus/index.js";

it("desc_test.go TestNewDescInvalidLabelValues: a const label value that is not UTF-8", () => {
  const desc = newDesc("sample_label", "sample label", null, { a: "\ud800" });
  expect(desc.err).toBeInstanceOf(InvalidLabelValueError);
  expect(desc.err?.message).toBe('label value "\\ud800" is not valid UTF-8');
});
