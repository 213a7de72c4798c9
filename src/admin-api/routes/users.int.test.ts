import { randomBytes } from "node:crypto";
import { DEFAULT_TENANT_ID } from "@/core/vocabulary/tenants";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAuth } from "@/auth/auth";
import type { Actor } from "@/contracts/actor";
import type { Database } from "@/db/client";
import { createLogger } from "@/observability/logger";
import { createSecretBox } from "@/security/secret-box";
import type { UsersService } from "@/services/users-service";
import { createMemoryStore, type MemoryStateStore } from "@/store/memory-store";
import { createTestAdminServices, type TestAdminServices } from "@/testing/test-admin-services";
import { openTestDatabase } from "@/testing/test-database";
import { compileRoutes, type RouteTable } from "../route-table";
import type { RouteContext } from "../route-types";
import { userRoutes } from "./users";

const ADMIN: Actor = { id: null, name: "admin-token", role: "admin", via: "token" };

describe("user routes", () => {
  let database: Database;
  let store: MemoryStateStore;
  let registry: TestAdminServices;
  let users: UsersService;
  let table: RouteTable;

  /** Runs one route the way the router does after authentication (JSON body read by the context). */
  async function call(method: string, path: string, actor: Actor, body?: unknown): Promise<Response> {
    const found = table.match(method, path);
    if (found.kind !== "match") throw new Error(`no route for ${method} ${path}`);
    const url = new URL(`http://127.0.0.1/api/admin${path}`);
    const request = new Request(
      url,
      body === undefined ? { method } : { method, body: JSON.stringify(body) },
    );
    const ctx: RouteContext = {
      request,
      url,
      params: found.params,
      actor,
      by: { actor, ip: null },
      services: registry.services,
      tenant: { id: DEFAULT_TENANT_ID, role: actor.role, system: true, memberships: [] },
      readJson: async () => (await request.json()) as unknown,
      readOptionalJson: async () => (body === undefined ? undefined : ((await request.json()) as unknown)),
      readText: async () => request.text(),
      queryFlag: (_name, fallback) => fallback,
    };
    return found.route.handler(ctx);
  }

  beforeAll(async () => {
    database = await openTestDatabase("pglite");
    store = createMemoryStore();
    const auth = createAuth({
      db: database.db,
      secret: "test-auth-secret-test-auth-secret-0123456789",
      store,
    });
    registry = createTestAdminServices({
      db: database.db,
      store,
      sealer: createSecretBox({ keys: [{ id: "test", key: randomBytes(32) }], activeKeyId: "test" }),
      logger: createLogger("silent"),
      passwords: auth,
    });
    users = registry.services.users;
    table = compileRoutes(userRoutes);
  });

  afterAll(async () => {
    await registry?.close();
    await store.close();
    await database?.close();
  });

  it("requires the admin role for /users and any role for /me", () => {
    for (const route of userRoutes) {
      expect(route.role).toBe(route.pattern.startsWith("/me") ? "viewer" : "admin");
    }
  });

  it("creates, lists, changes and deletes users without ever returning a password", async () => {
    const created = await call("POST", "/users", ADMIN, {
      username: "routed",
      password: "routed-password-1",
      role: "admin",
    });
    expect(created.status).toBe(201);
    const user = (await created.json()) as { id: string; role: string };
    expect(created.headers.get("location")).toBe(`/api/admin/users/${user.id}`);

    const viewer = (await (
      await call("POST", "/users", ADMIN, {
        username: "routed-viewer",
        password: "routed-password-2",
        role: "viewer",
      })
    ).json()) as { id: string };

    const list = await call("GET", "/users", ADMIN);
    const text = await list.text();
    expect(list.status).toBe(200);
    expect(text).not.toMatch(/routed-password|scrypt|"password"/);
    expect((JSON.parse(text) as { items: unknown[] }).items).toHaveLength(2);

    const promoted = await call("PATCH", `/users/${viewer.id}/role`, ADMIN, { role: "admin" });
    expect(((await promoted.json()) as { role: string }).role).toBe("admin");
    expect(
      (await call("POST", `/users/${viewer.id}/password`, ADMIN, { password: "routed-password-3" })).status,
    ).toBe(204);
    expect((await call("DELETE", `/users/${viewer.id}`, ADMIN)).status).toBe(204);
    await expect(call("DELETE", `/users/${user.id}`, ADMIN)).rejects.toMatchObject({ code: "LAST_ADMIN" });
    await expect(call("GET", `/users/${viewer.id}`, ADMIN)).rejects.toMatchObject({ code: "USER_NOT_FOUND" });
  });

  it("answers /me with the caller and lets a session user change their password", async () => {
    const me = await users.create(
      { actor: ADMIN, ip: null },
      { username: "selfie", password: "selfie-password", role: "viewer" },
    );
    const actor: Actor = { id: me.id, name: "selfie", role: "viewer", via: "session" };
    expect(await (await call("GET", "/me", actor)).json()).toMatchObject({
      id: me.id,
      name: "selfie",
      role: "viewer",
      via: "session",
      tenant: { id: DEFAULT_TENANT_ID, system: true },
      tenants: [{ id: DEFAULT_TENANT_ID, slug: "default", name: "Default" }],
    });
    const changed = await call("POST", "/me/password", actor, {
      currentPassword: "selfie-password",
      newPassword: "selfie-password-2",
    });
    expect(changed.status).toBe(204);
    await expect(
      call("POST", "/me/password", actor, {
        currentPassword: "selfie-password",
        newPassword: "selfie-password-3",
      }),
    ).rejects.toMatchObject({ code: "INVALID_CURRENT_PASSWORD" });
  });
});
