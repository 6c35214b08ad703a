/**
 * bcrypt on a worker thread: the compiled worker (dist/lib/web/bcrypt-worker.js) answers as
 * compareHashAndPassword does, the event loop keeps turning during a long comparison, equal
 * comparisons share one run, and the number waiting is bounded.
 */
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { generateFromPassword } from "../../lib/web/bcrypt.js";
import { BcryptBusyError, BcryptWorker, MaxPendingComparisons } from "../../lib/web/bcrypt-thread.js";
import { assertBuilt, repoRoot } from "../support/cli.js";

const workerURL = pathToFileURL(join(repoRoot, "dist", "lib", "web", "bcrypt-worker.js"));
const pw = (s: string) => Buffer.from(s);

describe("BcryptWorker", () => {
  let cost12: string;
  beforeAll(() => {
    assertBuilt();
    cost12 = generateFromPassword("right", 12);
  });

  it("compares on the worker thread as compareHashAndPassword does", async () => {
    const worker = new BcryptWorker(workerURL);
    expect(worker.onThread).toBe(true);
    const cost4 = generateFromPassword("right", 4);
    expect(await worker.compare("a", cost4, pw("right"))).toBe(true);
    expect(await worker.compare("b", cost4, pw("wrong"))).toBe(false);
    expect(await worker.compare("c", "not-a-hash", pw("right"))).toBe(false);
    expect(worker.pending).toBe(0);
  });

  it("keeps the event loop turning while a cost-12 comparison runs", async () => {
    const worker = new BcryptWorker(workerURL);
    let last = performance.now();
    let maxGap = 0;
    const timer = setInterval(() => {
      const now = performance.now();
      maxGap = Math.max(maxGap, now - last);
      last = now;
    }, 5);
    const started = performance.now();
    try {
      expect(await worker.compare("k", cost12, pw("wrong"))).toBe(false);
    } finally {
      clearInterval(timer);
    }
    const took = performance.now() - started;
    console.info(`cost-12 comparison ${took.toFixed(0)} ms on the worker; longest timer gap meanwhile ${maxGap.toFixed(0)} ms`);
    // On the event loop, the gap would be the whole comparison; a generous bound below it.
    expect(maxGap).toBeLessThan(took / 2);
  });

  it("runs comparisons of the same key once, and refuses more than MaxPendingComparisons waiting", async () => {
    const worker = new BcryptWorker(workerURL);
    const cost4 = generateFromPassword("right", 4);
    const first = worker.compare("same", cost4, pw("right"));
    expect(worker.compare("same", cost4, pw("right"))).toBe(first);
    const waiting = [first];
    for (let i = 1; i < MaxPendingComparisons; i++) waiting.push(worker.compare(`k${i}`, cost4, pw("wrong")));
    expect(worker.pending).toBe(MaxPendingComparisons);
    await expect(worker.compare("one too many", cost4, pw("right"))).rejects.toBeInstanceOf(BcryptBusyError);
    const results = await Promise.all(waiting);
    expect(results[0]).toBe(true);
    expect(results.slice(1).every((r) => r === false)).toBe(true);
    expect(worker.pending).toBe(0);
    expect(await worker.compare("room again", cost4, pw("right"))).toBe(true);
  });

  it("without its compiled worker file, compares on the calling thread", async () => {
    const worker = new BcryptWorker(new URL("file:///nonexistent/bcrypt-worker.js"));
    expect(worker.onThread).toBe(false);
    expect(await worker.compare("a", generateFromPassword("x", 4), pw("x"))).toBe(true);
  });
});
