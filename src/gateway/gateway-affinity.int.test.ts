import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../observability/logger";
import { createRedisStore } from "../store/redis-store";
import type { StateStore } from "../store/types";
import { startGatewayHarness, type GatewayHarness } from "../testing/gateway-harness";
import { loopbackOutboundPolicy } from "../testing/loopback-outbound";
import { startMockUpstream, type MockUpstream } from "../testing/mock-upstream";
import { startGatewayOnlyServer, type GatewayOnlyServer } from "../testing/start-gateway-only";
import { testRedis } from "../testing/test-database";
import { createGateway, type Gateway } from "./create-gateway";
import type { MemberAvailability } from "./gateway-types";
import type { SnapshotGroup } from "./snapshot/snapshot-types";

/**
 * Session affinity (issue 16): a session sticks to its provider across two gateway instances sharing
 * Redis (and on one instance with the memory store), moves when its provider is ejected, and new
 * sessions are spread by the strategy.
 */

const ups: MockUpstream[] = [];
/** Providers the fake health layer of instance A has out of service. */
const ejected = new Set<string>();

function viewGroup(group: SnapshotGroup): readonly MemberAvailability[] | null {
  if (ejected.size === 0) return null;
  return group.members.map((m) => ({
    available: !ejected.has(m.provider.id),
    trial: false,
    weightFactor: 1,
  }));
}

beforeAll(async () => {
  for (let i = 0; i < 3; i++) ups.push(await startMockUpstream({ record: false }));
});

afterAll(async () => {
  await Promise.all(ups.map((u) => u.close()));
});

async function seedGroup(h: GatewayHarness) {
  const g = await h.addGroup({ affinity: { enabled: true, ttlSeconds: 60 } });
  const ids: Record<string, string> = {};
  for (const up of ups) {
    const p = await h.addProvider({ baseUrl: up.url });
    ids[p.name] = p.id;
    await h.addMember(g.id, p.id);
  }
  const { key } = await h.addKey();
  await h.reload();
  return { slug: g.slug, key, ids };
}

async function send(base: string, slug: string, key: string, session: string | null, body?: object) {
  const headers: Record<string, string> = {
    authorization: `Bearer ${key}`,
    "content-type": "application/json",
  };
  if (session !== null) headers["x-session-id"] = session;
  const res = await fetch(`${base}/api/proxy/${slug}/v1/chat/completions`, {
    method: "POST",
    headers,
    body: JSON.stringify(body ?? { model: "m", messages: [{ role: "user", content: "hi" }] }),
  });
  await res.arrayBuffer();
  expect(res.status).toBe(200);
  return res.headers.get("x-proxy-provider")!;
}

describe("session affinity on one instance (memory store)", () => {
  let h: GatewayHarness;
  beforeAll(async () => {
    h = await startGatewayHarness({ gatewayOptions: { retryBudget: false } });
  });
  afterAll(async () => h?.close());

  it("keeps each session on one provider, spreads sessions by the strategy, and logs hits", async () => {
    const g = await seedGroup(h);
    const first = new Map<string, string>();
    for (let turn = 0; turn < 3; turn++) {
      for (let s = 0; s < 12; s++) {
        const provider = await send(h.url, g.slug, g.key, `s${s}`);
        if (turn === 0) first.set(`s${s}`, provider);
        else expect(provider).toBe(first.get(`s${s}`));
      }
    }
    const perProvider = new Map<string, number>();
    for (const p of first.values()) perProvider.set(p, (perProvider.get(p) ?? 0) + 1);
    expect([...perProvider.values()]).toEqual([4, 4, 4]);
    const rows = (await h.requestLogs()).filter((r) => r.groupSlug === g.slug);
    expect(rows.filter((r) => r.affinity === "miss")).toHaveLength(12);
    expect(rows.filter((r) => r.affinity === "hit")).toHaveLength(24);
  });

  it("derives the session from the body when no header is sent (same conversation, later turns)", async () => {
    const g = await seedGroup(h);
    const system = "You are terse.";
    const turn1 = {
      model: "m",
      messages: [
        { role: "system", content: system },
        { role: "user", content: "q" },
      ],
    };
    const turn2 = {
      ...turn1,
      messages: [...turn1.messages, { role: "assistant", content: "a" }, { role: "user", content: "q2" }],
    };
    const p1 = await send(h.url, g.slug, g.key, null, turn1);
    for (let i = 0; i < 4; i++) expect(await send(h.url, g.slug, g.key, null, turn2)).toBe(p1);
  });
});

describe("session affinity across two instances sharing Redis", () => {
  let a: GatewayHarness;
  let storeB: StateStore;
  let gatewayB: Gateway;
  let serverB: GatewayOnlyServer;

  beforeAll(async () => {
    const redis = testRedis();
    a = await startGatewayHarness({
      store: await createRedisStore({ url: redis.url, prefix: redis.prefix }),
      health: { viewGroup },
      gatewayOptions: { retryBudget: false },
    });
    storeB = await createRedisStore({ url: redis.url, prefix: redis.prefix });
    gatewayB = createGateway({
      db: a.db,
      store: storeB,
      logger: createLogger("silent"),
      openCredential: (sealed, id) => a.secretBox.open(sealed, id),
      outbound: loopbackOutboundPolicy(),
      options: { reloadIntervalMs: 0, retryBudget: false },
    });
    await gatewayB.ready();
    serverB = await startGatewayOnlyServer({ gateway: gatewayB, port: 0, host: "127.0.0.1" });
  });

  afterAll(async () => {
    await serverB?.close();
    await gatewayB?.close();
    await storeB?.close();
    await a?.close();
  });

  it("sticks across instances and moves when the provider is ejected", async () => {
    const g = await seedGroup(a);
    await gatewayB.reload();
    const sessions = Array.from({ length: 9 }, (_, i) => `conv-${i}`);
    const home = new Map<string, string>();
    for (const s of sessions) home.set(s, await send(a.url, g.slug, g.key, s));
    for (let turn = 0; turn < 2; turn++) {
      for (const s of sessions) {
        expect(await send(serverB.url, g.slug, g.key, s)).toBe(home.get(s));
        expect(await send(a.url, g.slug, g.key, s)).toBe(home.get(s));
      }
    }
    // Instance A's health layer ejects conv-0's provider: the session moves, then sticks to its new home.
    const moved = sessions[0]!;
    ejected.add(g.ids[home.get(moved)!]!);
    try {
      const next = await send(a.url, g.slug, g.key, moved);
      expect(next).not.toBe(home.get(moved));
      expect(await send(serverB.url, g.slug, g.key, moved)).toBe(next);
      const rows = await a.requestLogs();
      expect(rows.some((r) => r.groupSlug === g.slug && r.affinity === "moved")).toBe(true);
    } finally {
      ejected.clear();
    }
  });
});
