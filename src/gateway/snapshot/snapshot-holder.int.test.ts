import { randomBytes } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../db/client";
import { apiKeys, groupProviders, groups, providers } from "../../db/schema";
import { createLogger } from "../../observability/logger";
import { createSecretBox, keyIdOf } from "../../security/secret-box";
import { createMemoryStore } from "../../store/memory-store";
import { CONFIG_CHANNEL } from "../../store/types";
import { openTestDatabase } from "../../testing/test-database";
import { DEFAULT_TENANT_ID } from "../../core/vocabulary/tenants";
import { createSnapshotHolder, type SnapshotHolder } from "./snapshot-holder";
import { groupSlugKey } from "./snapshot-types";

const MAIN = groupSlugKey(DEFAULT_TENANT_ID, "main");

let database: Database;
const lines: string[] = [];
const logger = createLogger("debug", { write: (l: string) => void lines.push(l) });
const key = randomBytes(32);
const box = createSecretBox({ keys: [{ id: keyIdOf(key), key }], activeKeyId: keyIdOf(key) });
const store = createMemoryStore();
let holder: SnapshotHolder;
let groupId: string;

beforeAll(async () => {
  database = await openTestDatabase("pglite");
  const db = database.db;
  const [g] = await db
    .insert(groups)
    .values({ slug: "main", name: "main", strategy: "round_robin" })
    .returning();
  groupId = g!.id;
  const mk = async (name: string, weight: number, extra: Partial<typeof providers.$inferInsert> = {}) => {
    const [p] = await db
      .insert(providers)
      .values({ name, baseUrl: `http://127.0.0.1:9/${name}/`, weight, headers: { "X-Team": name }, ...extra })
      .returning();
    return p!;
  };
  const a = await mk("a", 2);
  const b = await mk("b", 7);
  const off = await mk("off", 1, { enabled: false });
  const broken = await mk("broken", 1);
  await db
    .update(providers)
    .set({ apiKeyCipher: box.seal("sk-a-secret", a.id) })
    .where(eq(providers.id, a.id));
  // Sealed for another row: the associated data does not match, so it must not open.
  await db
    .update(providers)
    .set({ apiKeyCipher: box.seal("sk-x", a.id) })
    .where(eq(providers.id, broken.id));
  await db.insert(groupProviders).values([
    { groupId, providerId: b.id, priority: 1 },
    { groupId, providerId: a.id, priority: 0, weight: 5 },
    { groupId, providerId: off.id, priority: 0 },
    { groupId, providerId: broken.id, priority: 0 },
  ]);
  await db.insert(apiKeys).values([
    { name: "k1", keyDigest: "d1", keyPrefix: "sk-", keyLast4: "1111", rateLimitPerMinute: 0 },
    { name: "k2", keyDigest: "d2", keyPrefix: "sk-", keyLast4: "2222", enabled: false },
  ]);
  holder = createSnapshotHolder({
    db,
    store,
    logger,
    openCredential: (sealed, id) => box.open(sealed, id),
    reloadIntervalMs: 0,
    coalesceMs: 30,
  });
  await holder.start();
});

afterAll(async () => {
  await holder?.close();
  await store.close();
  await database?.close();
});

describe("routing snapshot", () => {
  it("holds enabled groups with enabled, usable members sorted by priority, and enabled keys", () => {
    const s = holder.current()!;
    expect(Object.isFrozen(s)).toBe(true);
    const g = s.groupsBySlug.get(MAIN)!;
    expect(g.strategyName).toBe("round_robin");
    expect(g.members.map((m) => [m.provider.name, m.priority, m.weight])).toEqual([
      ["a", 0, 5],
      ["b", 1, 7],
    ]);
    const a = g.members[0]!.provider;
    expect(a).toMatchObject({ credential: "sk-a-secret", basePath: "/a", origin: "http://127.0.0.1:9" });
    expect(a.headers).toEqual({ "x-team": "a" });
    expect([...s.keysByDigest.keys()]).toEqual(["d1"]);
    expect(s.keysByDigest.get("d1")?.rateLimitPerMinute).toBeNull();
    const log = lines.find((l) => l.includes("could not be decrypted"))!;
    expect(log).toContain("authentication_failed");
    expect(log).not.toContain("sk-x");
  });

  it("coalesces a burst of change announcements into few reloads and keeps strategy instances", async () => {
    const before = holder.current()!;
    const strategyFor = before.groupsBySlug.get(MAIN)!.strategyFor;
    for (let i = 0; i < 25; i++) await store.publish(CONFIG_CHANNEL, String(i));
    for (let i = 0; i < 100 && holder.current() === before; i++) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 100));
    const after = holder.current()!;
    expect(after.version - before.version).toBeGreaterThanOrEqual(1);
    expect(after.version - before.version).toBeLessThanOrEqual(2);
    expect(after.groupsBySlug.get(MAIN)!.strategyFor).toBe(strategyFor);
  });

  it("gives a group a fresh strategy when its strategy changes", async () => {
    const before = holder.current()!.groupsBySlug.get(MAIN)!;
    await database.db.update(groups).set({ strategy: "weighted_random" }).where(eq(groups.id, groupId));
    await holder.reload();
    const after = holder.current()!.groupsBySlug.get(MAIN)!;
    expect(after.strategyName).toBe("weighted_random");
    expect(after.strategyFor).not.toBe(before.strategyFor);
  });

  it("keeps the previous snapshot when a reload fails, and logs it", async () => {
    const before = holder.current()!;
    await database.db.execute(sql`alter table groups rename to groups_away`);
    try {
      await holder.reload();
    } finally {
      await database.db.execute(sql`alter table groups_away rename to groups`);
    }
    expect(holder.current()).toBe(before);
    expect(lines.some((l) => l.includes("reload failed; keeping the previous one"))).toBe(true);
  });
});
