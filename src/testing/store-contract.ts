/**
 * The one behaviour contract both state stores must meet. Test-only module: `store.int.test.ts` runs it
 * against the memory store and against real Redis, so the two cannot drift apart.
 */
import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { isAppError } from "@/core/errors/catalogue";
import type { SlidingWindowResult, StateStore } from "@/store/types";
import { registerQuotaContract } from "./store-quota-contract";

/**
 * Makes a store. Stores made with the same `namespace` share state when the backend is shared
 * (Redis: same key prefix); a different namespace must be fully isolated.
 */
export type MakeStore = (namespace?: string) => Promise<StateStore>;

/** Lets time pass by `ms`: a real sleep by default, or moves a fake clock. */
export type AdvanceTime = (ms: number) => Promise<void>;

export interface StoreContractOptions {
  /** Two stores from `makeStore` with one namespace see each other's state (true for Redis). */
  sharedBackend: boolean;
}

/** Real sleep. */
export const sleep: AdvanceTime = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `cond` every 5 ms; fails after `timeoutMs` of real time. */
export async function waitFor(cond: () => boolean, what: string, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** The catalogue code a promise rejects with, or "resolved"/"not-an-app-error". */
export async function rejectionCode(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return "resolved";
  } catch (err) {
    return isAppError(err) ? err.code : "not-an-app-error";
  }
}

const uniqueKey = (label: string) => `${label}-${randomBytes(6).toString("hex")}`;

/** Registers the contract tests for one store implementation. */
export function runStoreContract(
  name: string,
  makeStore: MakeStore,
  advance: AdvanceTime = sleep,
  options: StoreContractOptions = { sharedBackend: false },
): void {
  describe(`StateStore contract: ${name}`, () => {
    const opened: StateStore[] = [];
    const open = async (namespace?: string) => {
      const store = await makeStore(namespace);
      opened.push(store);
      return store;
    };
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((s) => s.close()));
    });

    it("gets, sets, overwrites and deletes values", async () => {
      const s = await open();
      const [a, b] = [uniqueKey("a"), uniqueKey("b")];
      expect(await s.get(a)).toBeNull();
      expect(await s.set(a, "1")).toBe(true);
      expect(await s.set(b, "x y\nz")).toBe(true);
      expect(await s.get(a)).toBe("1");
      expect(await s.set(a, "2")).toBe(true);
      expect(await s.get(a)).toBe("2");
      expect(await s.get(b)).toBe("x y\nz");
      await s.del(a, uniqueKey("missing"));
      await s.del();
      expect(await s.get(a)).toBeNull();
      expect(await s.get(b)).toBe("x y\nz");
    });

    it("expires values after ttlMs and keeps values without a TTL", async () => {
      const s = await open();
      const [short, forever] = [uniqueKey("short"), uniqueKey("forever")];
      await s.set(short, "v", { ttlMs: 400 });
      await s.set(forever, "v");
      expect(await s.get(short)).toBe("v");
      await advance(450);
      expect(await s.get(short)).toBeNull();
      expect(await s.get(forever)).toBe("v");
    });

    it("getAndTouch reads a value and slides its expiry; a missing or expired value stays missing", async () => {
      const s = await open();
      const [k, missing] = [uniqueKey("touch"), uniqueKey("touch-missing")];
      await s.set(k, "p1", { ttlMs: 400 });
      await advance(250);
      expect(await s.getAndTouch(k, 400)).toBe("p1");
      await advance(250);
      // 500 ms after the write: alive only because the read slid the expiry.
      expect(await s.getAndTouch(k, 400)).toBe("p1");
      expect(await s.getAndTouch(missing, 400)).toBeNull();
      expect(await s.get(missing)).toBeNull();
      await advance(450);
      expect(await s.getAndTouch(k, 400)).toBeNull();
      expect(await rejectionCode(s.getAndTouch(k, 0))).toBe("INTERNAL_ERROR");
    });

    it("writes with onlyIfAbsent only when no live value exists", async () => {
      const s = await open();
      const [k, t] = [uniqueKey("nx"), uniqueKey("nx-ttl")];
      expect(await s.set(k, "first", { onlyIfAbsent: true })).toBe(true);
      expect(await s.set(k, "second", { onlyIfAbsent: true })).toBe(false);
      expect(await s.get(k)).toBe("first");
      expect(await s.set(t, "a", { onlyIfAbsent: true, ttlMs: 300 })).toBe(true);
      expect(await s.set(t, "b", { onlyIfAbsent: true, ttlMs: 300 })).toBe(false);
      await advance(350);
      expect(await s.set(t, "c", { onlyIfAbsent: true })).toBe(true);
      expect(await s.get(t)).toBe("c");
    });

    it("compare-and-set writes only over the expected value, and exactly one of racing writers wins", async () => {
      const s = await open();
      const [k, t] = [uniqueKey("cas"), uniqueKey("cas-ttl")];
      expect(await s.compareAndSet(k, "nope", "x")).toBe(false);
      expect(await s.get(k)).toBeNull();
      expect(await s.compareAndSet(k, null, "v1")).toBe(true);
      expect(await s.compareAndSet(k, null, "v2")).toBe(false);
      expect(await s.compareAndSet(k, "", "v2")).toBe(false);
      expect(await s.compareAndSet(k, "v1", '{"a":"b c"}')).toBe(true);
      expect(await s.get(k)).toBe('{"a":"b c"}');
      const racers = await Promise.all(
        Array.from({ length: 20 }, (_, i) => s.compareAndSet(k, '{"a":"b c"}', `w${i}`)),
      );
      expect(racers.filter(Boolean)).toHaveLength(1);
      expect(await s.compareAndSet(t, null, "a", { ttlMs: 300 })).toBe(true);
      await advance(350);
      expect(await s.get(t)).toBeNull();
      expect(await s.compareAndSet(t, null, "b")).toBe(true);
      expect(await rejectionCode(s.compareAndSet(t, "b", "c", { ttlMs: 0 }))).toBe("INTERNAL_ERROR");
    });

    it("increments atomically and sets the TTL only when the counter is created", async () => {
      const s = await open();
      const [c, d, text] = [uniqueKey("c"), uniqueKey("d"), uniqueKey("text")];
      const results = await Promise.all(Array.from({ length: 50 }, () => s.incr(c)));
      expect(new Set(results).size).toBe(50);
      expect(Math.max(...results)).toBe(50);
      expect(await s.incr(c, 5)).toBe(55);
      expect(await s.incr(c, -10)).toBe(45);
      expect(await s.get(c)).toBe("45");

      expect(await s.incr(d, 1, 400)).toBe(1);
      await advance(150);
      expect(await s.incr(d, 1, 400)).toBe(2);
      await advance(300);
      // Created 450 ms ago with a 400 ms TTL: the second incr did not extend it.
      expect(await s.get(d)).toBeNull();
      expect(await s.incr(d)).toBe(1);

      await s.set(text, "abc");
      expect(await rejectionCode(s.incr(text))).toBe("INTERNAL_ERROR");
      expect(await rejectionCode(s.incr(c, 1.5))).toBe("INTERNAL_ERROR");
    });

    registerQuotaContract(open, advance, uniqueKey);

    it("admits exactly `limit` hits of a concurrent burst, with consistent remaining counts", async () => {
      const s = await open();
      const key = uniqueKey("burst");
      const results = await Promise.all(
        Array.from({ length: 200 }, () => s.hitSlidingWindow(key, 50, 60_000)),
      );
      const allowed = results.filter((r) => r.allowed);
      const refused = results.filter((r) => !r.allowed);
      expect(allowed).toHaveLength(50);
      expect(allowed.map((r) => r.remaining).sort((x, y) => x - y)).toEqual(
        Array.from({ length: 50 }, (_, i) => i),
      );
      for (const r of allowed) expectResultShape(r, 50, 60_000);
      for (const r of refused) {
        expectResultShape(r, 50, 60_000);
        expect(r.remaining).toBe(0);
        expect(r.retryAfterMs).toBeGreaterThan(0);
      }
      // Refused hits are not recorded: the key still holds exactly 50.
      const next = await s.hitSlidingWindow(key, 51, 60_000);
      expect(next).toMatchObject({ allowed: true, remaining: 0 });
    });

    it("slides: refuses with retryAfterMs, admits again once the oldest hit left the window", async () => {
      const s = await open();
      const [key, other] = [uniqueKey("slide"), uniqueKey("other")];
      // Hits 300 ms apart in a 600 ms window, so the second is still inside when the first leaves.
      expect((await s.hitSlidingWindow(key, 2, 600)).allowed).toBe(true);
      await advance(300);
      const second = await s.hitSlidingWindow(key, 2, 600);
      expect(second).toMatchObject({ allowed: true, remaining: 0 });
      const refused = await s.hitSlidingWindow(key, 2, 600);
      expect(refused.allowed).toBe(false);
      expect(refused.retryAfterMs).toBeGreaterThan(0);
      expect(refused.retryAfterMs).toBeLessThanOrEqual(300);
      expect((await s.hitSlidingWindow(other, 2, 600)).allowed).toBe(true);

      await advance(refused.retryAfterMs + 30);
      const again = await s.hitSlidingWindow(key, 2, 600);
      expect(again).toMatchObject({ allowed: true, remaining: 0, retryAfterMs: 0 });
      expect((await s.hitSlidingWindow(key, 2, 600)).allowed).toBe(false);

      await advance(650);
      const fresh = await Promise.all([s.hitSlidingWindow(key, 2, 600), s.hitSlidingWindow(key, 2, 600)]);
      expect(fresh.every((r) => r.allowed)).toBe(true);
      expect(await rejectionCode(s.hitSlidingWindow(key, 0, 600))).toBe("INTERNAL_ERROR");
    });

    it("holds at most `limit` slots under concurrency; release and lease expiry free them", async () => {
      const s = await open();
      const [key, leased] = [uniqueKey("slots"), uniqueKey("leased")];
      const taken = await Promise.all(Array.from({ length: 30 }, () => s.acquireSlot(key, 5, 60_000)));
      const ids = taken.filter((id): id is string => id !== null);
      expect(ids).toHaveLength(5);
      expect(new Set(ids).size).toBe(5);
      expect(await s.countSlots(key)).toBe(5);
      expect(await s.acquireSlot(key, 5, 60_000)).toBeNull();
      await s.releaseSlot(key, ids[0] as string);
      await s.releaseSlot(key, "not-a-slot-id");
      expect(await s.countSlots(key)).toBe(4);
      expect(await s.acquireSlot(key, 5, 60_000)).not.toBeNull();
      expect(await s.acquireSlot(key, 5, 60_000)).toBeNull();

      expect(await s.acquireSlot(leased, 2, 250)).not.toBeNull();
      expect(await s.acquireSlot(leased, 2, 250)).not.toBeNull();
      expect(await s.acquireSlot(leased, 2, 250)).toBeNull();
      await advance(300);
      expect(await s.countSlots(leased)).toBe(0);
      expect(await s.acquireSlot(leased, 2, 250)).not.toBeNull();
      expect(await s.countSlots(leased)).toBe(1);
    });

    it("locks exclusively; renew and release work only for the holder", async () => {
      const s = await open();
      const name = uniqueKey("lock");
      const a = await s.acquireLock(name, 60_000);
      expect(a).not.toBeNull();
      expect(a?.name).toBe(name);
      expect(await s.acquireLock(name, 60_000)).toBeNull();
      expect(await a?.renew(60_000)).toBe(true);
      await a?.release();
      const b = await s.acquireLock(name, 60_000);
      expect(b).not.toBeNull();
      expect(b?.token).not.toBe(a?.token);
      // The former holder can neither release nor renew the new holder's lock.
      await a?.release();
      expect(await a?.renew(60_000)).toBe(false);
      expect(await s.acquireLock(name, 60_000)).toBeNull();
      await b?.release();
      expect(await s.acquireLock(name, 60_000)).not.toBeNull();
    });

    it("lets another holder take an expired lock, and the old holder notices", async () => {
      const s = await open();
      const name = uniqueKey("lock-exp");
      const old = await s.acquireLock(name, 200);
      expect(old).not.toBeNull();
      await advance(250);
      const next = await s.acquireLock(name, 60_000);
      expect(next).not.toBeNull();
      expect(await old?.renew(60_000)).toBe(false);
      await old?.release();
      expect(await s.acquireLock(name, 60_000)).toBeNull();
    });

    it("delivers messages asynchronously, in order, to every subscriber; a throwing handler harms none", async () => {
      const s = await open();
      const channel = uniqueKey("ch");
      const first: string[] = [];
      const second: string[] = [];
      await s.subscribe(channel, () => {
        throw new Error("handler failure (expected in this test)");
      });
      await s.subscribe(channel, (m) => first.push(m));
      await s.subscribe(channel, (m) => second.push(m));
      const pending = s.publish(channel, "m1");
      // The publisher must not have run any handler synchronously.
      expect(first).toEqual([]);
      await pending;
      await s.publish(channel, "m2");
      await s.publish(channel, "m3");
      await waitFor(() => first.length === 3 && second.length === 3, "three messages on both handlers");
      expect(first).toEqual(["m1", "m2", "m3"]);
      expect(second).toEqual(["m1", "m2", "m3"]);
    });

    it("stops delivery after unsubscribe", async () => {
      const s = await open();
      const channel = uniqueKey("ch");
      const gone: string[] = [];
      const kept: string[] = [];
      const unsubscribe = await s.subscribe(channel, (m) => gone.push(m));
      await s.subscribe(channel, (m) => kept.push(m));
      await s.publish(channel, "before");
      await waitFor(() => gone.length === 1 && kept.length === 1, "first message");
      await unsubscribe();
      await unsubscribe();
      await s.publish(channel, "after");
      await waitFor(() => kept.length === 2, "second message on the kept handler");
      expect(gone).toEqual(["before"]);
      expect(kept).toEqual(["before", "after"]);
    });

    it("isolates stores with different key prefixes", async () => {
      const a = await open("iso-a");
      const b = await open("iso-b");
      const key = uniqueKey("same");
      await a.set(key, "from-a");
      expect(await b.get(key)).toBeNull();
      expect(await b.set(key, "from-b", { onlyIfAbsent: true })).toBe(true);
      expect(await a.get(key)).toBe("from-a");
      expect((await a.hitSlidingWindow(key, 1, 60_000)).allowed).toBe(true);
      expect((await b.hitSlidingWindow(key, 1, 60_000)).allowed).toBe(true);
      expect(await a.acquireSlot(key, 1, 60_000)).not.toBeNull();
      expect(await b.countSlots(key)).toBe(0);
      expect(await a.acquireLock(key, 60_000)).not.toBeNull();
      expect(await b.acquireLock(key, 60_000)).not.toBeNull();

      const onA: string[] = [];
      const onB: string[] = [];
      await a.subscribe(key, (m) => onA.push(m));
      await b.subscribe(key, (m) => onB.push(m));
      await a.publish(key, "for-a");
      await b.publish(key, "for-b");
      await waitFor(() => onA.length === 1 && onB.length === 1, "one message per prefix");
      await sleep(30);
      expect(onA).toEqual(["for-a"]);
      expect(onB).toEqual(["for-b"]);
    });

    if (options.sharedBackend) {
      it("shares state and messages between two instances on one backend", async () => {
        const one = await open("shared");
        const two = await open("shared");
        const key = uniqueKey("shared");
        await one.set(key, "v");
        expect(await two.get(key)).toBe("v");
        const hits = await Promise.all(
          Array.from({ length: 40 }, (_, i) => (i % 2 ? one : two).hitSlidingWindow(key, 10, 60_000)),
        );
        expect(hits.filter((r) => r.allowed)).toHaveLength(10);
        const quota = [{ key: uniqueKey("shared-quota"), limit: 25, admit: 1, ttlMs: 60_000 }];
        const checks = await Promise.all(
          Array.from({ length: 80 }, (_, i) => (i % 2 ? one : two).checkQuota(quota)),
        );
        expect(checks.filter((r) => r.allowed)).toHaveLength(25);
        expect(await one.acquireLock(key, 60_000)).not.toBeNull();
        expect(await two.acquireLock(key, 60_000)).toBeNull();

        const onOne: string[] = [];
        const onTwo: string[] = [];
        await one.subscribe(key, (m) => onOne.push(m));
        await two.subscribe(key, (m) => onTwo.push(m));
        await one.publish(key, "hello");
        await waitFor(() => onOne.length === 1 && onTwo.length === 1, "cross-instance delivery");
        expect(onTwo).toEqual(["hello"]);
      });
    }

    it("pings, closes idempotently, and rejects calls after close", async () => {
      const s = await makeStore();
      await s.ping();
      await s.close();
      await s.close();
      expect(await rejectionCode(s.ping())).toBe("STORE_UNAVAILABLE");
      expect(await rejectionCode(s.get(uniqueKey("k")))).toBe("STORE_UNAVAILABLE");
      expect(await rejectionCode(s.publish(uniqueKey("ch"), "m"))).toBe("STORE_UNAVAILABLE");
    });
  });
}

function expectResultShape(r: SlidingWindowResult, limit: number, windowMs: number): void {
  expect(r.limit).toBe(limit);
  expect(r.resetMs).toBeGreaterThan(0);
  expect(r.resetMs).toBeLessThanOrEqual(windowMs);
  if (r.allowed) expect(r.retryAfterMs).toBe(0);
  else expect(r.retryAfterMs).toBeLessThanOrEqual(windowMs);
}
