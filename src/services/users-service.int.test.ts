import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "@/contracts/actor";
import { createAuth, type AppAuth } from "@/auth/auth";
import { isAppError, type ErrorCode } from "@/core/errors/catalogue";
import type { Database } from "@/db/client";
import { account, auditLog, session, user } from "@/db/schema";
import { createMemoryStore, type MemoryStateStore } from "@/store/memory-store";
import { openTestDatabase } from "@/testing/test-database";
import { createUsersService, type UsersService } from "./users-service";

const SECRET = "test-auth-secret-test-auth-secret-0123456789";
const TOKEN_ACTOR: Actor = { id: null, name: "admin-token", role: "admin", via: "token" };
const BY = { actor: TOKEN_ACTOR, ip: "127.0.0.1" };

async function expectCode(promise: Promise<unknown>, code: ErrorCode): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    expect(isAppError(err) ? err.code : err).toBe(code);
    return isAppError(err) ? err.details : undefined;
  }
  throw new Error(`expected ${code}`);
}

async function passwordHashOf(database: Database, userId: string): Promise<string | null> {
  const [row] = await database.db
    .select({ hash: account.password })
    .from(account)
    .where(eq(account.userId, userId));
  return row?.hash ?? null;
}

async function addSession(database: Database, userId: string, token: string): Promise<void> {
  await database.db.insert(session).values({
    id: `s-${token}`,
    token,
    userId,
    expiresAt: new Date(Date.now() + 3600_000),
  });
}

describe("users service (pglite)", () => {
  let database: Database;
  let store: MemoryStateStore;
  let auth: AppAuth;
  let users: UsersService;

  beforeAll(async () => {
    database = await openTestDatabase("pglite");
    store = createMemoryStore();
    auth = createAuth({ db: database.db, secret: SECRET, store });
    users = createUsersService({
      db: database.db,
      passwords: auth,
      now: () => Date.parse("2030-01-02T03:04:05Z"),
    });
  });

  afterAll(async () => {
    await store.close();
    await database?.close();
  });

  it("creates users without exposing secrets, normalising the username", async () => {
    const created = await users.create(BY, {
      username: "Grace.Hopper",
      email: "Grace@Example.com",
      password: "grace-password-1",
      role: "admin",
    });
    expect(created).toEqual({
      id: expect.stringMatching(/^[A-Za-z0-9_-]{32}$/),
      username: "grace.hopper",
      displayUsername: "Grace.Hopper",
      email: "grace@example.com",
      role: "admin",
      createdAt: "2030-01-02T03:04:05.000Z",
      updatedAt: "2030-01-02T03:04:05.000Z",
    });
    const hash = await passwordHashOf(database, created.id);
    expect(hash).toBeTruthy();
    expect(hash).not.toContain("grace-password-1");
    expect(await auth.verifyPassword(hash ?? "", "grace-password-1")).toBe(true);
    expect(await users.get(created.id)).toEqual(created);
    const listed = JSON.stringify(await users.list());
    expect(listed).not.toContain(hash ?? "<none>");
    expect(listed).not.toContain("grace-password-1");

    const [audit] = await database.db.select().from(auditLog).where(eq(auditLog.entityId, created.id));
    expect(audit).toMatchObject({
      action: "user.create",
      entityType: "user",
      actorName: "admin-token",
      ip: "127.0.0.1",
    });
    expect(JSON.stringify(audit)).not.toContain("grace-password-1");
  });

  it("shows no e-mail for a user created without one", async () => {
    const created = await users.create(BY, {
      username: "noemail",
      password: "noemail-password",
      role: "viewer",
    });
    expect(created.email).toBeNull();
    expect((await users.list()).find((u) => u.id === created.id)?.email).toBeNull();
  });

  it("refuses duplicate usernames (any case) and e-mail addresses", async () => {
    await users.create(BY, {
      username: "dup",
      email: "dup@example.com",
      password: "dup-password-1",
      role: "viewer",
    });
    await expectCode(
      users.create(BY, { username: "DUP", password: "dup-password-1", role: "viewer" }),
      "USERNAME_TAKEN",
    );
    await expectCode(
      users.create(BY, {
        username: "dup2",
        email: "DUP@example.com",
        password: "dup-password-1",
        role: "viewer",
      }),
      "EMAIL_TAKEN",
    );
  });

  it("validates input strictly", async () => {
    const cases: unknown[] = [
      { username: "ab", password: "long-enough-1", role: "viewer" },
      { username: "has space", password: "long-enough-1", role: "viewer" },
      { username: "okname", password: "short", role: "viewer" },
      { username: "okname", password: "long-enough-1", role: "owner" },
      { username: "okname", password: "long-enough-1", role: "viewer", extra: true },
      { username: "okname", email: "not-an-email", password: "long-enough-1", role: "viewer" },
      null,
    ];
    for (const input of cases) await expectCode(users.create(BY, input), "VALIDATION_FAILED");
    const details = (await expectCode(
      users.create(BY, { username: "okname", password: "short", role: "viewer" }),
      "VALIDATION_FAILED",
    )) as { issues: { path: string; message: string }[] };
    expect(details.issues).toEqual([{ path: "password", message: "must be at least 8 characters" }]);
    expect(JSON.stringify(details)).not.toContain("short");
  });

  it("reports unknown and malformed ids as USER_NOT_FOUND", async () => {
    await expectCode(users.get("does-not-exist"), "USER_NOT_FOUND");
    await expectCode(users.get("bad id with spaces"), "USER_NOT_FOUND");
    await expectCode(users.updateRole(BY, "does-not-exist", { role: "admin" }), "USER_NOT_FOUND");
    await expectCode(
      users.resetPassword(BY, "does-not-exist", { password: "whatever-123" }),
      "USER_NOT_FOUND",
    );
    await expectCode(users.remove(BY, "does-not-exist"), "USER_NOT_FOUND");
  });

  it("never demotes or deletes the last admin", async () => {
    const admins = (await users.list()).filter((u) => u.role === "admin");
    expect(admins).toHaveLength(1);
    const [last] = admins;
    await expectCode(users.updateRole(BY, last?.id ?? "", { role: "viewer" }), "LAST_ADMIN");
    await expectCode(users.remove(BY, last?.id ?? ""), "LAST_ADMIN");
    expect((await users.get(last?.id ?? "")).role).toBe("admin");

    const second = await users.create(BY, {
      username: "second-admin",
      password: "second-password",
      role: "admin",
    });
    const demoted = await users.updateRole(BY, last?.id ?? "", { role: "viewer" });
    expect(demoted.role).toBe("viewer");
    await expectCode(users.remove(BY, second.id), "LAST_ADMIN");
    await users.updateRole(BY, last?.id ?? "", { role: "admin" });
    await users.remove(BY, second.id);
    await expectCode(users.get(second.id), "USER_NOT_FOUND");
  });

  it("deletes a user with their account and sessions", async () => {
    const doomed = await users.create(BY, {
      username: "doomed",
      password: "doomed-password",
      role: "viewer",
    });
    await addSession(database, doomed.id, "doomed-token");
    await users.remove(BY, doomed.id);
    expect(await database.db.select().from(session).where(eq(session.userId, doomed.id))).toHaveLength(0);
    expect(await database.db.select().from(account).where(eq(account.userId, doomed.id))).toHaveLength(0);
    expect(await database.db.select().from(user).where(eq(user.id, doomed.id))).toHaveLength(0);
  });

  it("resets a password and signs the user out everywhere", async () => {
    const target = await users.create(BY, {
      username: "resetme",
      password: "old-password-1",
      role: "viewer",
    });
    await addSession(database, target.id, "resetme-1");
    await addSession(database, target.id, "resetme-2");
    await users.resetPassword(BY, target.id, { password: "new-password-1" });
    const hash = await passwordHashOf(database, target.id);
    expect(await auth.verifyPassword(hash ?? "", "new-password-1")).toBe(true);
    expect(await auth.verifyPassword(hash ?? "", "old-password-1")).toBe(false);
    expect(await database.db.select().from(session).where(eq(session.userId, target.id))).toHaveLength(0);
    await expectCode(users.resetPassword(BY, target.id, { password: "short" }), "VALIDATION_FAILED");
  });

  it("lets a signed-in user change their own password with the current one", async () => {
    const me = await users.create(BY, {
      username: "selfchange",
      password: "current-password",
      role: "viewer",
    });
    const asMe = {
      actor: { id: me.id, name: "selfchange", role: "viewer" as const, via: "session" as const },
      ip: null,
    };
    await addSession(database, me.id, "selfchange-1");

    await expectCode(
      users.changeOwnPassword(asMe, { currentPassword: "wrong-password", newPassword: "next-password-1" }),
      "INVALID_CURRENT_PASSWORD",
    );
    expect(await database.db.select().from(session).where(eq(session.userId, me.id))).toHaveLength(1);
    await expectCode(
      users.changeOwnPassword(asMe, { currentPassword: "current-password", newPassword: "short" }),
      "VALIDATION_FAILED",
    );
    await expectCode(
      users.changeOwnPassword(BY, { currentPassword: "current-password", newPassword: "next-password-1" }),
      "FORBIDDEN",
    );

    await users.changeOwnPassword(asMe, {
      currentPassword: "current-password",
      newPassword: "next-password-1",
    });
    const hash = await passwordHashOf(database, me.id);
    expect(await auth.verifyPassword(hash ?? "", "next-password-1")).toBe(true);
    expect(await database.db.select().from(session).where(eq(session.userId, me.id))).toHaveLength(0);
    const audits = await database.db.select().from(auditLog).where(eq(auditLog.entityId, me.id));
    expect(audits.map((a) => a.action)).toContain("user.password.change");
    expect(JSON.stringify(audits)).not.toMatch(/current-password|next-password-1/);
  });

  it("throttles own password changes like sign-in: attempts counted before the check, concurrent ones too", async () => {
    const throttled = createUsersService({
      db: database.db,
      passwords: auth,
      store: createMemoryStore(),
      passwordAttempts: { max: 3, windowMs: 60_000 },
    });
    const me = await users.create(BY, { username: "guessed", password: "current-password", role: "viewer" });
    const asMe = {
      actor: { id: me.id, name: "guessed", role: "viewer" as const, via: "session" as const },
      ip: null,
    };
    const outcomes = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        throttled
          .changeOwnPassword(asMe, { currentPassword: `wrong-password-${i}`, newPassword: "next-password-1" })
          .then(
            () => "changed",
            (err: unknown) => (err as { code?: string }).code,
          ),
      ),
    );
    expect(outcomes.filter((c) => c === "INVALID_CURRENT_PASSWORD").length).toBeLessThanOrEqual(3);
    expect(outcomes.filter((c) => c === "TOO_MANY_LOGIN_ATTEMPTS").length).toBeGreaterThanOrEqual(7);
    await expectCode(
      throttled.changeOwnPassword(asMe, {
        currentPassword: "current-password",
        newPassword: "next-password-1",
      }),
      "TOO_MANY_LOGIN_ATTEMPTS",
    );
    const hash = await passwordHashOf(database, me.id);
    expect(await auth.verifyPassword(hash ?? "", "current-password")).toBe(true);
  });
});

describe("users service (postgres)", () => {
  let database: Database;
  let store: MemoryStateStore;

  beforeAll(async () => {
    database = await openTestDatabase("postgres");
    store = createMemoryStore();
  });

  afterAll(async () => {
    await store.close();
    await database?.close();
  });

  it("lets only one of two concurrent demotions of the last two admins through", async () => {
    const auth = createAuth({ db: database.db, secret: SECRET, store });
    const users = createUsersService({ db: database.db, passwords: auth });
    const a = await users.create(BY, { username: "admin-a", password: "admin-a-password", role: "admin" });
    const b = await users.create(BY, { username: "admin-b", password: "admin-b-password", role: "admin" });
    const results = await Promise.allSettled([
      users.updateRole(BY, a.id, { role: "viewer" }),
      users.updateRole(BY, b.id, { role: "viewer" }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const rejected = results.find((r) => r.status === "rejected");
    expect(rejected && isAppError(rejected.reason) ? rejected.reason.code : rejected).toBe("LAST_ADMIN");
    expect((await users.list()).filter((u) => u.role === "admin")).toHaveLength(1);
  });
});
