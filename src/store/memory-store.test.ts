import { describe, expect, it } from "vitest";
import { createMemoryStore } from "./memory-store";
import { waitFor } from "@/testing/store-contract";

describe("memory store housekeeping", () => {
  it("sweeps expired entries nobody reads again, so memory stays bounded", async () => {
    let now = 1_000_000;
    const store = createMemoryStore({ now: () => now, sweepIntervalMs: 10 });
    try {
      for (let i = 0; i < 20; i++) {
        await store.set(`v${i}`, "x", { ttlMs: 1000 });
        await store.hitSlidingWindow(`w${i}`, 5, 1000);
        await store.acquireSlot(`s${i}`, 5, 1000);
        await store.acquireLock(`l${i}`, 1000);
      }
      await store.set("forever", "x");
      expect(store.entryCount()).toBe(81);

      now += 999;
      await new Promise((resolve) => setTimeout(resolve, 40));
      expect(store.entryCount()).toBe(81);

      now += 1;
      await waitFor(() => store.entryCount() === 1, "the sweep to drop expired entries");
      expect(await store.get("forever")).toBe("x");
    } finally {
      await store.close();
    }
  });

  it("drops a channel's entry when its last subscriber leaves", async () => {
    const store = createMemoryStore();
    try {
      const off = await store.subscribe("ch", () => {});
      expect(store.entryCount()).toBe(1);
      await off();
      expect(store.entryCount()).toBe(0);
    } finally {
      await store.close();
    }
  });
});
