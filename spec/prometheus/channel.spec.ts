/**
 * Channel: the stand-in for Go's buffered `chan<- Metric`. A buffered send costs no promise, a full
 * buffer makes the producer wait on one shared promise, and the consumer drains in batches.
 */
import { describe, expect, it } from "vitest";
import { Channel, DefaultChannelCapacity } from "../../lib/prometheus/channel.js";
import { ChannelClosedError } from "../../lib/prometheus/errors.js";

/** drain collects every batch the channel yields until it is closed. */
async function drain<T>(ch: Channel<T>): Promise<T[][]> {
  const batches: T[][] = [];
  for await (const batch of ch) batches.push(batch);
  return batches;
}

describe("Channel", () => {
  it("has a default capacity of 4096", () => {
    expect(DefaultChannelCapacity).toBe(4096);
    expect(new Channel<number>().capacity).toBe(4096);
  });

  it.each([0, -1, 1.5, NaN])("rejects a capacity of %s", (capacity) => {
    expect(() => new Channel<number>(capacity)).toThrow(RangeError);
  });

  it("returns undefined, not a promise, from a send while the buffer has room", () => {
    const ch = new Channel<number>(4);
    expect(ch.send(1)).toBeUndefined();
    expect(ch.send(2)).toBeUndefined();
    expect(ch.send(3)).toBeUndefined();
    expect(ch.length).toBe(3);
  });

  it("returns one shared promise from every send once the buffer is full, until it is drained", async () => {
    const ch = new Channel<number>(2);
    expect(ch.send(1)).toBeUndefined();
    const first = ch.send(2);
    expect(first).toBeInstanceOf(Promise);
    const second = ch.send(3);
    expect(second).toBe(first);
    expect(ch.length).toBe(3); // nothing is dropped

    let released = false;
    void first!.then(() => (released = true));
    await Promise.resolve();
    expect(released).toBe(false);

    expect(ch.takeAll()).toEqual([1, 2, 3]);
    await first;
    expect(released).toBe(true);
    expect(ch.send(4)).toBeUndefined();
    const next = ch.send(5);
    expect(next).toBeInstanceOf(Promise);
    expect(next).not.toBe(first);
  });

  it("yields what is buffered as one batch, then waits for more", async () => {
    const ch = new Channel<number>();
    ch.send(1);
    ch.send(2);
    const batches = drain(ch);
    await new Promise((resolve) => setImmediate(resolve));
    ch.send(3);
    await new Promise((resolve) => setImmediate(resolve));
    ch.send(4);
    ch.send(5);
    ch.close();
    expect(await batches).toEqual([[1, 2], [3], [4, 5]]);
  });

  it("ends iteration on close, after the buffered values are taken", async () => {
    const ch = new Channel<string>();
    ch.send("a");
    ch.close();
    expect(ch.closed).toBe(true);
    expect(await drain(ch)).toEqual([["a"]]);
  });

  it("wakes a waiting consumer on close", async () => {
    const ch = new Channel<string>();
    const batches = drain(ch);
    await new Promise((resolve) => setImmediate(resolve));
    ch.close();
    expect(await batches).toEqual([]);
  });

  it("is closed idempotently", () => {
    const ch = new Channel<string>();
    ch.close();
    expect(() => ch.close()).not.toThrow();
  });

  it("throws ChannelClosedError on a send after close, as Go panics", () => {
    const ch = new Channel<number>();
    ch.close();
    let err: unknown;
    try {
      ch.send(1);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ChannelClosedError);
    expect((err as Error).message).toBe("send on closed channel");
    expect(ch.length).toBe(0);
  });

  it("yields single values from items()", async () => {
    const ch = new Channel<number>();
    ch.send(1);
    ch.send(2);
    ch.send(3);
    ch.close();
    const values: number[] = [];
    for await (const v of ch.items()) values.push(v);
    expect(values).toEqual([1, 2, 3]);
  });

  it("takeAll returns an empty array and leaves the buffer alone when nothing is buffered", () => {
    const ch = new Channel<number>();
    expect(ch.takeAll()).toEqual([]);
    ch.send(1);
    expect(ch.takeAll()).toEqual([1]);
    expect(ch.length).toBe(0);
  });

  it("drains 100k synchronous sends in a single batch", async () => {
    const ch = new Channel<number>();
    const batches = drain(ch);
    for (let i = 0; i < 100_000; i++) ch.send(i);
    ch.close();
    const got = await batches;
    expect(got.length).toBe(1);
    expect(got[0]!.length).toBe(100_000);
  });

  it("drains 100k sends of a producer that honours backpressure in few batches (no promise per value)", async () => {
    const ch = new Channel<number>();
    let promisesReturned = 0;
    const produce = async () => {
      for (let i = 0; i < 100_000; i++) {
        const wait = ch.send(i);
        if (wait !== undefined) {
          promisesReturned++;
          await wait;
        }
      }
      ch.close();
    };
    const [batches] = await Promise.all([drain(ch), produce()]);
    const values = batches.flat();
    expect(values.length).toBe(100_000);
    expect(values[0]).toBe(0);
    expect(values[99_999]).toBe(99_999);
    expect(batches.length).toBeLessThan(50);
    expect(promisesReturned).toBeLessThan(50);
    // Each batch but the last is a full buffer: the producer never ran ahead of the capacity.
    expect(Math.max(...batches.map((b) => b.length))).toBeLessThanOrEqual(DefaultChannelCapacity);
  });
});
