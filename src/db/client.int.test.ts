import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { DATABASE_KINDS, openTestDatabase } from "../testing/test-database";
import type { Database } from "./client";
import { groupProviders, groups, providers } from "./schema";

describe.each(DATABASE_KINDS)("database driver contract (%s)", (kind) => {
  let database: Database;
  beforeAll(async () => {
    database = await openTestDatabase(kind);
  });
  afterAll(async () => {
    await database?.close();
  });

  it("round-trips rows with defaults, jsonb and timestamps", async () => {
    const [row] = await database.db
      .insert(providers)
      .values({ name: "p1", baseUrl: "http://127.0.0.1:1", headers: { "x-a": "1" } })
      .returning();
    expect(row).toMatchObject({
      name: "p1",
      weight: 1,
      enabled: true,
      authStyle: "bearer",
      headers: { "x-a": "1" },
    });
    expect(row!.createdAt).toBeInstanceOf(Date);
  });

  it("enforces uniqueness and the restrict/cascade rules of memberships", async () => {
    await expect(database.db.insert(providers).values({ name: "p1", baseUrl: "http://x" })).rejects.toThrow();
    const [p] = await database.db.select().from(providers).where(eq(providers.name, "p1"));
    const [g] = await database.db.insert(groups).values({ slug: "g1", name: "G1" }).returning();
    await database.db.insert(groupProviders).values({ groupId: g!.id, providerId: p!.id });
    await expect(database.db.delete(providers).where(eq(providers.id, p!.id))).rejects.toThrow();
    await database.db.delete(groups).where(eq(groups.id, g!.id));
    expect(await database.db.select().from(groupProviders)).toHaveLength(0);
  });

  it("rolls back a failed transaction whole", async () => {
    await expect(
      database.db.transaction(async (tx) => {
        await tx.insert(groups).values({ slug: "tx1", name: "T" });
        await tx.insert(groups).values({ slug: "tx1", name: "T again" });
      }),
    ).rejects.toThrow();
    expect(await database.db.select().from(groups).where(eq(groups.slug, "tx1"))).toHaveLength(0);
  });
});
