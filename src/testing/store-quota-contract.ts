import { expect, it } from "vitest";
import type { StateStore } from "@/store/types";

/**
 * The quota part of the StateStore contract (store-contract.ts registers it for every store): the
 * atomic check-and-admit of `checkQuota` under a burst, and how `chargeCounters` / `raiseCounters`
 * add up and expire. Kept apart so the contract file stays readable.
 */

/** Registers the quota cases inside the caller's `describe` (it owns opening and closing stores). */
export function registerQuotaContract(
  open: () => Promise<StateStore>,
  advance: (ms: number) => Promise<void>,
  uniqueKey: (label: string) => string,
): void {
  it("checks quotas atomically: exactly the limit of a burst passes; charges and floors add up", async () => {
    const s = await open();
    const [req, tok, cost] = [uniqueKey("q-req"), uniqueKey("q-tok"), uniqueKey("q-cost")];
    const counters = [
      { key: req, limit: 30, admit: 1, ttlMs: 60_000 },
      { key: tok, limit: 1_000, admit: 0, ttlMs: 60_000 },
    ];
    const results = await Promise.all(Array.from({ length: 100 }, () => s.checkQuota(counters)));
    const allowed = results.filter((r) => r.allowed);
    expect(allowed).toHaveLength(30);
    expect(allowed.map((r) => r.used[0]).sort((x, y) => x! - y!)).toEqual(
      Array.from({ length: 30 }, (_, i) => i + 1),
    );
    for (const r of results.filter((x) => !x.allowed)) expect(r.used).toEqual([30, 0]);
    expect(await s.get(req)).toBe("30");

    // A tokens counter at its limit refuses, and the refused check adds nothing anywhere.
    const other = { key: cost, limit: 5, admit: 1, ttlMs: 60_000 };
    await s.chargeCounters([{ key: tok, amount: 1_000, ttlMs: 60_000 }]);
    expect(await s.checkQuota([other, counters[1]!])).toEqual({ allowed: false, used: [0, 1_000] });
    expect(await s.get(cost)).toBeNull();

    // Charges add; floors only raise; a counter expires after its TTL.
    await s.chargeCounters([
      { key: cost, amount: 7, ttlMs: 300 },
      { key: cost, amount: 5, ttlMs: 300 },
    ]);
    expect(await s.get(cost)).toBe("12");
    await s.raiseCounters([
      { key: cost, amount: 10, ttlMs: 300 },
      { key: tok, amount: 5_000, ttlMs: 60_000 },
    ]);
    expect(await s.get(cost)).toBe("12");
    expect(await s.get(tok)).toBe("5000");
    await advance(350);
    expect(await s.get(cost)).toBeNull();
    expect(await s.checkQuota([])).toEqual({ allowed: true, used: [] });
  });
}
