/**
 * Basic authentication: parsing the header as Go does, the same bcrypt work for an unknown
 * user as for a wrong password, the cache of outcomes, and the cache's eviction.
 */
import { describe, expect, it } from "vitest";

import { BasicAuthenticator, type Credentials, fakeHash, parseBasicAuth } from "../../lib/web/basic-auth.js";
import { compareHashAndPassword, generateFromPassword } from "../../lib/web/bcrypt.js";
import { AuthCache, cacheSize } from "../../lib/web/cache.js";

const basic = (text: string): string => `Basic ${Buffer.from(text, "utf8").toString("base64")}`;
const creds = (user: string, password: string): Credentials => ({ user: Buffer.from(user), password: Buffer.from(password) });

describe("parseBasicAuth", () => {
  it.each([
    [basic("alice:secret"), "alice", "secret"],
    [basic("alice:sec:ret"), "alice", "sec:ret"],
    [basic(":"), "", ""],
    [basic("ümlaut:pässword"), "ümlaut", "pässword"],
    [`bAsIc ${Buffer.from("a:b").toString("base64")}`, "a", "b"],
  ])("reads %j", (header, user, password) => {
    const parsed = parseBasicAuth(header);
    expect(parsed?.user.toString("utf8")).toBe(user);
    expect(parsed?.password.toString("utf8")).toBe(password);
  });

  it.each([
    [undefined],
    [""],
    ["Basic"],
    [basic("no colon")],
    ["Bearer YWxpY2U6c2VjcmV0"],
    ["Basic YWxpY2U6c2VjcmV0=="], // wrong padding
    ["Basic YWxpY2U6c2VjcmV"], // missing padding
    ["Basic YWxp Y2U6"], // not base64
    [" Basic YWxpY2U6c2VjcmV0"],
  ])("refuses %j", (header) => {
    expect(parseBasicAuth(header)).toBeUndefined();
  });
});

describe("BasicAuthenticator", () => {
  const aliceHash = generateFromPassword("alice-pass", 4);
  const users = new Map([["alice", aliceHash], ["broken", "not-a-hash"]]);

  /** counting returns an authenticator whose bcrypt calls are recorded. */
  function counting(): { auth: BasicAuthenticator; calls: string[] } {
    const calls: string[] = [];
    const auth = new BasicAuthenticator({
      compare: (hash, password) => {
        calls.push(hash);
        return compareHashAndPassword(hash, password);
      },
    });
    return { auth, calls };
  }

  it("lets the right password through and remembers it", async () => {
    const { auth, calls } = counting();
    expect(await auth.authenticate(users, creds("alice", "alice-pass"))).toBe(true);
    expect(await auth.authenticate(users, creds("alice", "alice-pass"))).toBe(true);
    expect(calls).toEqual([aliceHash]);
  });

  it("runs one bcrypt check for a wrong password, and one against the fake hash for an unknown user", async () => {
    const { auth, calls } = counting();
    expect(await auth.authenticate(users, creds("alice", "wrong"))).toBe(false);
    expect(await auth.authenticate(users, creds("mallory", "alice-pass"))).toBe(false);
    expect(calls).toEqual([aliceHash, fakeHash]);
    // Failures are remembered too, as exporter-toolkit does.
    expect(await auth.authenticate(users, creds("alice", "wrong"))).toBe(false);
    expect(await auth.authenticate(users, creds("mallory", "alice-pass"))).toBe(false);
    expect(calls).toHaveLength(2);
  });

  it("never lets the fake hash's own password in", async () => {
    const { auth } = counting();
    expect(await auth.authenticate(users, creds("fakeuser", "fakepassword"))).toBe(false);
    expect(await auth.authenticate(new Map(), creds("", "fakepassword"))).toBe(false);
  });

  it("refuses, without throwing, a user whose hash is malformed", async () => {
    expect(await new BasicAuthenticator().authenticate(users, creds("broken", "anything"))).toBe(false);
  });

  it("follows changed and removed users despite the cache", async () => {
    const { auth } = counting();
    expect(await auth.authenticate(users, creds("alice", "alice-pass"))).toBe(true);
    const rotated = new Map([["alice", generateFromPassword("new-pass", 4)]]);
    expect(await auth.authenticate(rotated, creds("alice", "alice-pass"))).toBe(false);
    expect(await auth.authenticate(rotated, creds("alice", "new-pass"))).toBe(true);
    expect(await auth.authenticate(new Map([["bob", aliceHash]]), creds("alice", "alice-pass"))).toBe(false);
  });

  it("compares user names as UTF-8 bytes", async () => {
    const auth = new BasicAuthenticator();
    const unicode = new Map([["jürgen", aliceHash]]);
    expect(await auth.authenticate(unicode, creds("jürgen", "alice-pass"))).toBe(true);
    expect(await auth.authenticate(unicode, { user: Buffer.from("jürgen", "latin1"), password: Buffer.from("alice-pass") })).toBe(false);
  });

  it("takes about as long for an unknown user as for a wrong password (cost 10)", async () => {
    const auth = new BasicAuthenticator();
    const cost10 = new Map([["carol", "$2y$10$qRTBuFoULoYNA7AQ/F3ck.trZBPyjV64.oA4ZsSBCIWvXuvQlQTuu"]]);
    const time = async (c: Credentials): Promise<number> => {
      const start = performance.now();
      await auth.authenticate(cost10, c);
      return performance.now() - start;
    };
    const median = (xs: number[]): number => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const unknown: number[] = [];
    const wrong: number[] = [];
    for (let i = 0; i < 5; i++) {
      unknown.push(await time(creds(`nobody${i}`, `pass${i}`)));
      wrong.push(await time(creds("carol", `pass${i}`)));
    }
    const ratio = median(unknown) / median(wrong);
    console.info(`unknown user ${median(unknown).toFixed(0)} ms, wrong password ${median(wrong).toFixed(0)} ms`);
    expect(ratio).toBeGreaterThan(0.5);
    expect(ratio).toBeLessThan(2);
  });
});

describe("AuthCache", () => {
  it("holds up to cacheSize results, then evicts size/10 + 1 at random", () => {
    const cache = new AuthCache();
    for (let i = 0; i < cacheSize; i++) cache.set(`k${i}`, i % 2 === 0);
    expect(cache.size).toBe(100);
    expect(cache.get("k0")).toBe(true);
    expect(cache.get("k1")).toBe(false);
    expect(cache.get("nope")).toBeUndefined();
    cache.set("new", true);
    expect(cache.size).toBe(90);
    expect(cache.get("new")).toBe(true);
  });
});
