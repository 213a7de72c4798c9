import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "@/contracts/actor";
import type { Database } from "@/db/client";
import { account, session, user } from "@/db/schema";
import { createUsersService, type UsersService } from "@/services/users-service";
import { createMemoryStore, type MemoryStateStore } from "@/store/memory-store";
import { DATABASE_KINDS, openTestDatabase } from "@/testing/test-database";
import { createAuth, SESSION_COOKIE_NAME, type AppAuth, type CreateAuthOptions } from "./auth";
import { request, sessionCookieOf, startAuthServer, type TestServer } from "@/testing/auth-test-helpers";
import { CLIENT_IP_HEADER } from "./node-handler";

const SECRET = "test-auth-secret-test-auth-secret-0123456789";
const ADMIN_ACTOR: Actor = { id: null, name: "test", role: "admin", via: "token" };
const BY = { actor: ADMIN_ACTOR, ip: null };
const PASSWORDS = { alice: "alice-password-1", victor: "victor-password-1", carol: "carol-password-1" };

describe.each(DATABASE_KINDS)("console sign-in on %s", (kind) => {
  let database: Database;
  const stores: MemoryStateStore[] = [];
  const servers: TestServer[] = [];
  let app: AppAuth;
  let server: TestServer;
  let users: UsersService;
  let aliceId: string;
  let victorId: string;

  /** A fresh auth instance (own store, own server) over the same database. */
  async function startApp(
    overrides: Partial<CreateAuthOptions> = {},
  ): Promise<{ app: AppAuth; server: TestServer }> {
    const store = createMemoryStore();
    stores.push(store);
    const built = createAuth({
      db: database.db,
      secret: SECRET,
      store,
      // Generous per-IP limit so the per-account tests are not cut short by it; its own test tightens it.
      signInRateLimit: { window: 60, max: 1000 },
      ...overrides,
    });
    const started = await startAuthServer(built);
    servers.push(started);
    return { app: built, server: started };
  }

  const signIn = (srv: TestServer, body: Record<string, unknown>, localAddress?: string) =>
    request(srv, "/api/auth/sign-in/username", { body, localAddress });

  const asRequest = (cookie: string, init: { method?: string; origin?: string } = {}) =>
    new Request(`${server.origin}/api/admin/overview`, {
      method: init.method ?? "GET",
      headers: { cookie, ...(init.origin ? { origin: init.origin } : {}) },
    });

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    ({ app, server } = await startApp());
    users = createUsersService({ db: database.db, passwords: app });
    aliceId = (
      await users.create(BY, {
        username: "Alice",
        email: "alice@example.com",
        password: PASSWORDS.alice,
        role: "admin",
      })
    ).id;
    victorId = (await users.create(BY, { username: "victor", password: PASSWORDS.victor, role: "viewer" }))
      .id;
    await users.create(BY, { username: "carol", password: PASSWORDS.carol, role: "viewer" });
  });

  afterAll(async () => {
    for (const srv of servers) await srv.close();
    for (const store of stores) await store.close();
    await database?.close();
  });

  it("signs in by username over HTTP, sets the session cookie and resolves it to the admin actor", async () => {
    const res = await signIn(server, { username: "alice", password: PASSWORDS.alice });
    expect(res.status).toBe(200);
    const cookie = sessionCookieOf(res);
    expect(cookie?.startsWith(`${SESSION_COOKIE_NAME}=`)).toBe(true);
    const setCookie = (res.headers["set-cookie"] ?? []).join("\n");
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);

    const actor = await app.resolveSession(asRequest(cookie ?? ""));
    expect(actor).toEqual({ id: aliceId, name: "Alice", role: "admin", via: "session" });
  });

  it("never returns the password or its hash", async () => {
    const [stored] = await database.db
      .select({ hash: account.password })
      .from(account)
      .where(eq(account.userId, aliceId));
    expect(stored?.hash).toBeTruthy();
    const res = await signIn(server, { username: "alice", password: PASSWORDS.alice });
    expect(res.status).toBe(200);
    expect(res.text).not.toContain(PASSWORDS.alice);
    expect(res.text).not.toContain(stored?.hash ?? "<none>");
    expect(JSON.stringify(res.json().user)).not.toMatch(/password/i);
    const listed = JSON.stringify(await users.list());
    expect(listed).not.toContain(stored?.hash ?? "<none>");
    expect(listed).not.toMatch(/password/i);
  });

  it("accepts the username in any case and the e-mail address", async () => {
    expect((await signIn(server, { username: "ALICE", password: PASSWORDS.alice })).status).toBe(200);
    const byEmail = await request(server, "/api/auth/sign-in/email", {
      body: { email: "alice@example.com", password: PASSWORDS.alice },
    });
    expect(byEmail.status).toBe(200);
    expect(sessionCookieOf(byEmail)).not.toBeNull();
  });

  it("refuses a wrong password and an unknown user alike, without a session cookie", async () => {
    const wrong = await signIn(server, { username: "alice", password: "not-the-password" });
    const unknown = await signIn(server, { username: "nobody", password: "not-the-password" });
    for (const res of [wrong, unknown]) {
      expect(res.status).toBe(401);
      expect(sessionCookieOf(res)).toBeNull();
    }
    expect(wrong.json().code).toBe(unknown.json().code);
  });

  it("resolves a viewer as a viewer", async () => {
    const res = await signIn(server, { username: "victor", password: PASSWORDS.victor });
    expect(res.status).toBe(200);
    const actor = await app.resolveSession(asRequest(sessionCookieOf(res) ?? ""));
    expect(actor).toEqual({ id: victorId, name: "victor", role: "viewer", via: "session" });
  });

  it("resolves nothing without a cookie or with a forged one", async () => {
    expect(await app.resolveSession(new Request(`${server.origin}/api/admin/overview`))).toBeNull();
    expect(await app.resolveSession(asRequest(`${SESSION_COOKIE_NAME}=forged.signature`))).toBeNull();
  });

  it("accepts cookie-authenticated writes only from the same or a trusted origin", async () => {
    const cookie =
      sessionCookieOf(await signIn(server, { username: "alice", password: PASSWORDS.alice })) ?? "";
    expect(
      await app.resolveSession(asRequest(cookie, { method: "POST", origin: server.origin })),
    ).not.toBeNull();
    expect(
      await app.resolveSession(asRequest(cookie, { method: "POST", origin: "http://evil.example" })),
    ).toBeNull();
    expect(await app.resolveSession(asRequest(cookie, { method: "DELETE" }))).toBeNull();
    const trusted = await startApp({ trustedOrigins: ["http://console.example:3001"] });
    const viaTrusted = new Request(`${server.origin}/api/admin/overview`, {
      method: "POST",
      headers: { cookie, origin: "http://console.example:3001" },
    });
    expect(await trusted.app.resolveSession(viaTrusted)).not.toBeNull();
  });

  it("signs out: the cookie stops working and the session row is gone", async () => {
    const cookie =
      sessionCookieOf(await signIn(server, { username: "victor", password: PASSWORDS.victor })) ?? "";
    expect(await app.resolveSession(asRequest(cookie))).not.toBeNull();

    // better-auth checks the Origin of cookie-carrying POSTs: a foreign one is refused.
    const forged = await request(server, "/api/auth/sign-out", {
      body: {},
      headers: { cookie, origin: "http://evil.example" },
    });
    expect(forged.status).toBe(403);
    expect(await app.resolveSession(asRequest(cookie))).not.toBeNull();

    const out = await request(server, "/api/auth/sign-out", {
      body: {},
      headers: { cookie, origin: server.origin },
    });
    expect(out.status).toBe(200);
    expect(await app.resolveSession(asRequest(cookie))).toBeNull();
    const token = decodeURIComponent(cookie.split("=")[1] ?? "").split(".")[0] ?? "";
    expect(await database.db.select().from(session).where(eq(session.token, token))).toHaveLength(0);
  });

  it("revokes every session of a user when an admin resets the password", async () => {
    const cookie =
      sessionCookieOf(await signIn(server, { username: "victor", password: PASSWORDS.victor })) ?? "";
    expect(await app.resolveSession(asRequest(cookie))).not.toBeNull();
    await users.resetPassword(BY, victorId, { password: "victor-password-2" });
    expect(await app.resolveSession(asRequest(cookie))).toBeNull();
    expect((await signIn(server, { username: "victor", password: PASSWORDS.victor })).status).toBe(401);
    expect((await signIn(server, { username: "victor", password: "victor-password-2" })).status).toBe(200);
    await users.resetPassword(BY, victorId, { password: PASSWORDS.victor });
  });

  it("follows role changes at once (no cached role in the cookie)", async () => {
    const cookie =
      sessionCookieOf(await signIn(server, { username: "victor", password: PASSWORDS.victor })) ?? "";
    await users.updateRole(BY, victorId, { role: "admin" });
    expect((await app.resolveSession(asRequest(cookie)))?.role).toBe("admin");
    await users.updateRole(BY, victorId, { role: "viewer" });
    expect((await app.resolveSession(asRequest(cookie)))?.role).toBe("viewer");
  });

  it("refuses public sign-up over HTTP and through the server API", async () => {
    const before = await database.db.select({ id: user.id }).from(user);
    const res = await request(server, "/api/auth/sign-up/email", {
      body: {
        name: "mallory",
        email: "mallory@example.com",
        password: "mallory-password-1",
        username: "mallory",
      },
    });
    expect(res.status).toBe(404);
    expect(sessionCookieOf(res)).toBeNull();
    await expect(
      app.auth.api.signUpEmail({
        body: { name: "mallory", email: "mallory@example.com", password: "mallory-password-1" },
      }),
    ).rejects.toMatchObject({ statusCode: 400 });
    expect(await database.db.select({ id: user.id }).from(user)).toHaveLength(before.length);
  });

  it("does not let a user change their own profile or role through better-auth", async () => {
    const cookie =
      sessionCookieOf(await signIn(server, { username: "victor", password: PASSWORDS.victor })) ?? "";
    const res = await request(server, "/api/auth/update-user", {
      body: { role: "admin", name: "x" },
      headers: { cookie, origin: server.origin },
    });
    expect(res.status).toBe(404);
    expect((await app.resolveSession(asRequest(cookie)))?.role).toBe("viewer");
  });

  it("locks an account after 5 failures, whatever the client address, without affecting others", async () => {
    for (let i = 0; i < 5; i++) {
      const res = await signIn(server, { username: "carol", password: `wrong-${i}` }, `127.0.0.${10 + i}`);
      expect(res.status).toBe(401);
    }
    const locked = await signIn(server, { username: "carol", password: PASSWORDS.carol }, "127.0.0.20");
    expect(locked.status).toBe(429);
    expect(locked.json().code).toBe("TOO_MANY_LOGIN_ATTEMPTS");
    expect(Number(locked.headers["retry-after"])).toBeGreaterThan(0);
    expect(Number(locked.headers["retry-after"])).toBeLessThanOrEqual(15 * 60);
    expect(sessionCookieOf(locked)).toBeNull();
    // The same account through its e-mail form is locked too (placeholder address of a user without one).
    const [carol] = await database.db
      .select({ email: user.email })
      .from(user)
      .where(eq(user.username, "carol"));
    const viaEmail = await request(server, "/api/auth/sign-in/email", {
      body: { email: carol?.email, password: PASSWORDS.carol },
    });
    expect(viaEmail.status).toBe(429);
    expect((await signIn(server, { username: "alice", password: PASSWORDS.alice })).status).toBe(200);
  });

  it("holds the lockout under concurrent attempts: of 20 parallel wrong passwords at most 5 are evaluated", async () => {
    const { server: srv } = await startApp({ lockout: { maxFailures: 5, windowMs: 60_000 } });
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        signIn(srv, { username: "victor", password: `wrong-${i}` }, `127.0.0.${30 + i}`),
      ),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(5);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(15);
    expect(statuses.every((s) => s === 401 || s === 429)).toBe(true);
    expect((await signIn(srv, { username: "victor", password: PASSWORDS.victor })).status).toBe(429);
  });

  it("locks unknown usernames the same way (no account enumeration)", async () => {
    for (let i = 0; i < 5; i++) {
      expect((await signIn(server, { username: "ghost", password: `wrong-${i}` })).status).toBe(401);
    }
    const res = await signIn(server, { username: "ghost", password: "wrong" });
    expect(res.status).toBe(429);
    expect(res.json().code).toBe("TOO_MANY_LOGIN_ATTEMPTS");
  });

  it("forgets failures after a successful sign-in and unlocks when the window passes", async () => {
    // A hand-moved clock: under load three scrypt checks can outlast a short real window.
    let clock = Date.now();
    const store = createMemoryStore({ now: () => clock });
    stores.push(store);
    const { server: srv } = await startApp({ store, lockout: { maxFailures: 3, windowMs: 60_000 } });
    const fail = () => signIn(srv, { username: "alice", password: "wrong-password" });
    expect((await fail()).status).toBe(401);
    expect((await fail()).status).toBe(401);
    expect((await signIn(srv, { username: "alice", password: PASSWORDS.alice })).status).toBe(200);
    expect((await fail()).status).toBe(401);
    expect((await fail()).status).toBe(401);
    expect((await fail()).status).toBe(401);
    expect((await signIn(srv, { username: "alice", password: PASSWORDS.alice })).status).toBe(429);
    clock += 60_001;
    expect((await signIn(srv, { username: "alice", password: PASSWORDS.alice })).status).toBe(200);
  });

  it("limits sign-in attempts per client address from the socket, not from a forged header", async () => {
    const { server: srv } = await startApp({ signInRateLimit: { window: 60, max: 3 } });
    const attempt = (address: string, headers: Record<string, string> = {}) =>
      request(srv, "/api/auth/sign-in/username", {
        body: { username: "nobody-here", password: "x-password" },
        localAddress: address,
        headers,
      });
    for (let i = 0; i < 3; i++) expect((await attempt("127.0.0.2")).status).toBe(401);
    expect((await attempt("127.0.0.2")).status).toBe(429);
    expect(
      (await attempt("127.0.0.2", { [CLIENT_IP_HEADER]: "10.9.8.7", "x-forwarded-for": "10.9.8.7" })).status,
    ).toBe(429);
    expect((await attempt("127.0.0.3")).status).toBe(401);
  });

  it("routes better-auth's log lines to the given logger without passwords", async () => {
    const lines: string[] = [];
    const record = (level: string) => (obj: object, msg: string) =>
      void lines.push(`${level} ${JSON.stringify(obj)} ${msg}`);
    const { server: srv } = await startApp({ logger: { warn: record("warn"), error: record("error") } });
    expect((await signIn(srv, { username: "alice", password: "a-wrong-password-123" })).status).toBe(401);
    const forged = await request(srv, "/api/auth/sign-out", {
      body: {},
      headers: { cookie: `${SESSION_COOKIE_NAME}=x.y`, origin: "http://evil.example" },
    });
    expect(forged.status).toBe(403);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.join("\n")).not.toContain("a-wrong-password-123");
    // No baseURL (PUBLIC_URL unset) is a supported setup: the origin comes from each request, without
    // a warning at every start.
    expect(lines.join("\n")).not.toContain("Base URL is not set");
  });

  it("refuses oversized bodies before reading them", async () => {
    const res = await request(server, "/api/auth/sign-in/username", { rawBody: "x".repeat(70 * 1024) });
    expect(res.status).toBe(413);
    expect(res.json().code).toBe("BODY_TOO_LARGE");
  });
});
