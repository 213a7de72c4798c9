import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGatewayHarness, type GatewayHarness } from "../testing/gateway-harness";
import { startMockUpstream, type MockUpstream } from "../testing/mock-upstream";

let h: GatewayHarness;
let up: MockUpstream;
let key: string;

beforeAll(async () => {
  // Failover tests below retry many times a second; the retry budget has its own suite.
  h = await startGatewayHarness({ gatewayOptions: { retryBudget: false } });
  up = await startMockUpstream();
  key = (await h.addKey()).key;
});

afterAll(async () => {
  await h?.close();
  await up?.close();
});

async function callOnce(slug: string): Promise<string> {
  const res = await fetch(h.proxyUrl(slug, "/v1/models"), { headers: { "x-api-key": key } });
  await res.arrayBuffer();
  expect(res.status).toBe(200);
  return res.headers.get("x-proxy-provider") ?? "?";
}

/** Sends `n` requests with `concurrency` in flight and counts the serving provider names. */
async function countProviders(slug: string, n: number, concurrency = 16): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) {
        next++;
        const name = await callOnce(slug);
        counts[name] = (counts[name] ?? 0) + 1;
      }
    }),
  );
  return counts;
}

async function makeGroup(
  members: { name: string; weight?: number; priority?: number; url?: string; memberWeight?: number }[],
  strategy: "weighted_round_robin" | "round_robin" = "weighted_round_robin",
) {
  const g = await h.addGroup({ strategy });
  const ids: Record<string, string> = {};
  for (const m of members) {
    const p = await h.addProvider({
      name: `${g.slug}-${m.name}`,
      baseUrl: m.url ?? up.url,
      weight: m.weight ?? 1,
    });
    ids[m.name] = p.id;
    await h.addMember(g.id, p.id, { priority: m.priority ?? 0, weight: m.memberWeight ?? null });
  }
  await h.reload();
  return { slug: g.slug, id: g.id, ids, name: (n: string) => `${g.slug}-${n}` };
}

describe("balancing", () => {
  it("weights 5:3:2 over 1,000 requests give exactly 500/300/200 (smooth weighted round-robin)", async () => {
    const g = await makeGroup([
      { name: "a", weight: 5 },
      { name: "b", weight: 3 },
      { name: "c", weight: 2 },
    ]);
    const counts = await countProviders(g.slug, 1000);
    expect(counts).toEqual({ [g.name("a")]: 500, [g.name("b")]: 300, [g.name("c")]: 200 });
  });

  it("membership weight overrides the provider weight, and SWRR stays exact across snapshot reloads", async () => {
    const g = await makeGroup([
      { name: "a", weight: 1, memberWeight: 5 },
      { name: "b", weight: 1, memberWeight: 3 },
      { name: "c", weight: 9, memberWeight: 2 },
    ]);
    const counts: Record<string, number> = {};
    for (let i = 0; i < 1000; i++) {
      if (i % 7 === 0) await h.reload();
      const name = await callOnce(g.slug);
      counts[name] = (counts[name] ?? 0) + 1;
    }
    expect(counts).toEqual({ [g.name("a")]: 500, [g.name("b")]: 300, [g.name("c")]: 200 });
  });

  it("uses tier 1 only when tier 0 is down or failed", async () => {
    const tier0 = await startMockUpstream();
    try {
      const g = await makeGroup([
        { name: "primary", priority: 0, url: tier0.url },
        { name: "backup", priority: 1 },
      ]);
      expect(await countProviders(g.slug, 30, 4)).toEqual({ [g.name("primary")]: 30 });

      await tier0.setBehaviour({ mode: "status", status: 503 });
      const res = await fetch(h.proxyUrl(g.slug, "/v1/models"), { headers: { "x-api-key": key } });
      await res.arrayBuffer();
      expect(res.headers.get("x-proxy-provider")).toBe(g.name("backup"));
      expect(res.headers.get("x-proxy-attempts")).toBe("2");

      await tier0.setBehaviour({ mode: "refuse" });
      expect(await countProviders(g.slug, 10, 2)).toEqual({ [g.name("backup")]: 10 });

      await tier0.setBehaviour({});
      expect(await countProviders(g.slug, 10, 2)).toEqual({ [g.name("primary")]: 10 });
    } finally {
      await tier0.close();
    }
  });

  it("a weight-0 member is a standby: used only when every weighted member failed", async () => {
    const main = await startMockUpstream();
    try {
      const g = await makeGroup([
        { name: "main", weight: 1, url: main.url },
        { name: "standby", weight: 0 },
      ]);
      expect(await countProviders(g.slug, 20, 4)).toEqual({ [g.name("main")]: 20 });
      await main.setBehaviour({ mode: "reset" });
      expect(await countProviders(g.slug, 5, 1)).toEqual({ [g.name("standby")]: 5 });
    } finally {
      await main.close();
    }
  });

  it("never chooses a disabled provider or a disabled membership", async () => {
    const g = await h.addGroup();
    const on = await h.addProvider({ name: `${g.slug}-on`, baseUrl: up.url });
    const offProvider = await h.addProvider({ name: `${g.slug}-off`, baseUrl: up.url, enabled: false });
    const offMember = await h.addProvider({ name: `${g.slug}-member-off`, baseUrl: up.url });
    await h.addMember(g.id, on.id);
    await h.addMember(g.id, offProvider.id);
    await h.addMember(g.id, offMember.id, { enabled: false });
    await h.reload();
    expect(await countProviders(g.slug, 40, 8)).toEqual({ [`${g.slug}-on`]: 40 });
  });

  it("picks up a config change published on the store without a restart", async () => {
    const g = await makeGroup([{ name: "first" }], "round_robin");
    expect(await countProviders(g.slug, 4, 1)).toEqual({ [g.name("first")]: 4 });
    const added = await h.addProvider({ name: g.name("added"), baseUrl: up.url });
    await h.addMember(g.id, added.id);
    await h.publishConfigChange();
    let seen: Record<string, number> = {};
    for (let i = 0; i < 50 && !seen[g.name("added")]; i++) {
      await new Promise((r) => setTimeout(r, 40));
      seen = await countProviders(g.slug, 4, 1);
    }
    expect(seen[g.name("added")]).toBeGreaterThan(0);
    expect(seen[g.name("first")]).toBeGreaterThan(0);
  });
});
