/**
 * client_golang 1.14, prometheus/testutil/testutil_test.go: TestScrapeAndCompare,
 * TestScrapeAndCompareFetchingFail and TestScrapeAndCompareBadStatusCode, against a real HTTP
 * server on 127.0.0.1.
 *
 * The file's other tests (TestToFloat64, TestCollectAndCompare, TestCollectAndCompareNoLabel,
 * TestCollectAndCompareHistogram, TestNoMetricFilter, TestMetricNotFound, TestCollectAndCount)
 * and lint_test.go (TestCollectAndLintGood, TestCollectAndLintBad) were ported before, with
 * Go's expected texts, in spec/testutil/testutil.spec.ts; they are not repeated here.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

import { afterEach, describe, expect, it } from "vitest";

import { CompareError, scrapeAndCompare, TestutilError } from "../../lib/testutil/index.js";

const expected = `
		# HELP some_total A value that represents a counter.
		# TYPE some_total counter

		some_total{ label1 = "value1" } 1
	`;

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/** serve starts a server answering every request with `status` and `body` + "\n" (Fprintln). */
async function serve(status: number, body: string): Promise<string> {
  server = createServer((_req, res) => {
    res.writeHead(status, { "Content-Type": "text/plain; charset=utf-8" });
    res.end(`${body}\n`);
  });
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe("testutil_test.go", () => {
  it("TestScrapeAndCompare", async () => {
    const url = await serve(200, expected);
    await expect(scrapeAndCompare(url, expected, "some_total")).resolves.toBeUndefined();
  });

  it("TestScrapeAndCompare, and a difference is a CompareError with the diff", async () => {
    const url = await serve(200, expected.replace("} 1", "} 2"));
    const err = await scrapeAndCompare(url, expected, "some_total").then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(CompareError);
    expect((err as Error).message).toContain('+some_total{label1="value1"} 2');
  });

  it("TestScrapeAndCompareFetchingFail", async () => {
    const err = await scrapeAndCompare("some_url", "some expectation", "some_total").then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(TestutilError);
    expect((err as Error).message.startsWith("scraping metrics failed")).toBe(true);
  });

  it("TestScrapeAndCompareBadStatusCode", async () => {
    const url = await serve(502, expected);
    const err = await scrapeAndCompare(url, expected, "some_total").then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(TestutilError);
    expect((err as Error).message).toBe("the scraping target returned a status code other than 200: 502");
  });
});
