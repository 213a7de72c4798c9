import { eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db/client";
import { account, user } from "@/db/schema";
import { createMemoryStore, type MemoryStateStore } from "@/store/memory-store";
import { createUsersService } from "@/services/users-service";
import { openTestDatabase } from "@/testing/test-database";
import { createAuth, type AppAuth } from "./auth";
import { DEFAULT_ADMIN_USERNAME, ensureAdminUser, type EnsureAdminOptions } from "./bootstrap-admin";

const SECRET = "test-auth-secret-test-auth-secret-0123456789";

interface Recorder {
  printed: string[];
  logs: { level: string; obj: object; msg: string }[];
  options: Pick<EnsureAdminOptions, "print" | "logger">;
}

function recorder(): Recorder {
  const printed: string[] = [];
  const logs: Recorder["logs"] = [];
  return {
    printed,
    logs,
    options: {
      print: (text) => void printed.push(text),
      logger: {
        info: (obj, msg) => void logs.push({ level: "info", obj, msg }),
        warn: (obj, msg) => void logs.push({ level: "warn", obj, msg }),
      },
    },
  };
}

async function hashOf(database: Database, username: string): Promise<string | null> {
  const [row] = await database.db
    .select({ hash: account.password })
    .from(account)
    .innerJoin(user, eq(user.id, account.userId))
    .where(eq(user.username, username));
  return row?.hash ?? null;
}

describe("ensureAdminUser", () => {
  let store: MemoryStateStore;
  const opened: Database[] = [];

  beforeAll(() => {
    store = createMemoryStore();
  });
  afterEach(async () => {
    for (const db of opened.splice(0)) await db.close();
  });
  afterAll(async () => {
    await store.close();
  });

  async function fresh(): Promise<{ database: Database; auth: AppAuth }> {
    const database = await openTestDatabase("pglite");
    opened.push(database);
    return { database, auth: createAuth({ db: database.db, secret: SECRET, store }) };
  }

  it("creates exactly one admin with a random password printed once, and nothing on restart", async () => {
    const { database, auth } = await fresh();
    const first = recorder();
    const result = await ensureAdminUser({ auth, db: database.db, ...first.options });
    expect(result).toMatchObject({ outcome: "created", username: DEFAULT_ADMIN_USERNAME, generated: true });

    const rows = await database.db.select().from(user);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ username: "admin", role: "admin" });

    expect(first.printed).toHaveLength(1);
    const password = /password: (\S+)/.exec(first.printed[0] ?? "")?.[1] ?? "";
    expect(password.length).toBeGreaterThanOrEqual(20);
    expect(await auth.verifyPassword((await hashOf(database, "admin")) ?? "", password)).toBe(true);
    // The password goes to the console only, never to the JSON logger.
    expect(JSON.stringify(first.logs)).not.toContain(password);

    const second = recorder();
    expect(await ensureAdminUser({ auth, db: database.db, ...second.options })).toEqual({
      outcome: "skipped",
    });
    expect(second.printed).toHaveLength(0);
    expect(await database.db.select().from(user)).toHaveLength(1);
  });

  it("creates no generated admin when users already exist", async () => {
    const { database, auth } = await fresh();
    await ensureAdminUser({
      auth,
      db: database.db,
      adminUsername: "ops",
      adminPassword: "ops-password-1",
      ...recorder().options,
    });
    const rec = recorder();
    expect(await ensureAdminUser({ auth, db: database.db, ...rec.options })).toEqual({ outcome: "skipped" });
    expect(rec.printed).toHaveLength(0);
    expect(await database.db.select().from(user)).toHaveLength(1);
  });

  it("creates the ADMIN_USERNAME user once and never overwrites its password", async () => {
    const { database, auth } = await fresh();
    const rec = recorder();
    const created = await ensureAdminUser({
      auth,
      db: database.db,
      adminUsername: "Ops.Lead",
      adminPassword: "first-password-1",
      ...rec.options,
    });
    expect(created).toMatchObject({ outcome: "created", username: "ops.lead", generated: false });
    expect(rec.printed).toHaveLength(0);
    expect(JSON.stringify(rec.logs)).not.toContain("first-password-1");
    const [row] = await database.db.select().from(user);
    expect(row).toMatchObject({ username: "ops.lead", displayUsername: "Ops.Lead", role: "admin" });

    const again = await ensureAdminUser({
      auth,
      db: database.db,
      adminUsername: "ops.lead",
      adminPassword: "changed-in-env-2",
      ...recorder().options,
    });
    expect(again).toEqual({ outcome: "exists", userId: row?.id, username: "ops.lead" });
    const hash = (await hashOf(database, "ops.lead")) ?? "";
    expect(await auth.verifyPassword(hash, "first-password-1")).toBe(true);
    expect(await auth.verifyPassword(hash, "changed-in-env-2")).toBe(false);
    expect(await database.db.select().from(user)).toHaveLength(1);
  });

  it("leaves an existing non-admin user named by ADMIN_USERNAME unchanged, with a warning", async () => {
    const { database, auth } = await fresh();
    await createUsersService({ db: database.db, passwords: auth }).create(
      { actor: { id: null, name: "t", role: "admin", via: "token" }, ip: null },
      { username: "watcher", password: "watcher-password", role: "viewer" },
    );
    const rec = recorder();
    const result = await ensureAdminUser({
      auth,
      db: database.db,
      adminUsername: "watcher",
      adminPassword: "other-password-1",
      ...rec.options,
    });
    expect(result.outcome).toBe("exists");
    expect(rec.logs.filter((l) => l.level === "warn")).toHaveLength(1);
    const [row] = await database.db.select().from(user).where(eq(user.username, "watcher"));
    expect(row?.role).toBe("viewer");
  });

  it("creates one admin when two instances start at once", async () => {
    const { database, auth } = await fresh();
    const a = recorder();
    const b = recorder();
    const results = await Promise.all([
      ensureAdminUser({ auth, db: database.db, ...a.options }),
      ensureAdminUser({ auth, db: database.db, ...b.options }),
    ]);
    expect(await database.db.select().from(user)).toHaveLength(1);
    expect(results.filter((r) => r.outcome === "created")).toHaveLength(1);
    expect(a.printed.length + b.printed.length).toBe(1);
  });
});
