import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { tenantSchema, tenantTokenCreatedSchema } from "@/contracts/tenants";
import { DEFAULT_TENANT_ID } from "@/core/vocabulary/tenants";
import {
  startAdminTestServer,
  USER_COOKIE_PREFIX,
  type AdminTestServer,
  type ApiAnswer,
} from "@/testing/admin-api-test-server";
import { ADMIN_ROUTES } from "./routes";
import type { RouteDefinition } from "./route-types";

/**
 * The tenant isolation contract, generated from the route table (a new route is covered without
 * touching this file): every admin route is called by tenant A's admin token with tenant B's ids —
 * nothing of B is readable (no answer carries its ids or names) and nothing is writable (B's rows are
 * unchanged afterwards, whatever A's calls did in A). Routes with an id answer 404 (system routes 403).
 */
const MARK = "zzbee";
const idShape = z.object({ id: z.string() });

describe("tenant isolation over every admin route (PostgreSQL)", () => {
  let t: AdminTestServer;
  let tokenA: string;
  const b: Record<string, string> = {};

  const asAdminIn = (slug: string) => ({ headers: { "x-roundabout-tenant": slug } });
  const created = (answer: ApiAnswer) => {
    expect(answer.status, answer.text).toBeLessThan(300);
    return answer.as(idShape).id;
  };

  /** Tenant B's state as its system administrator sees it: everything a write could have changed. */
  async function stateOfB(): Promise<string> {
    const parts: string[] = [];
    for (const path of [
      "/config/export?includeSecrets=true",
      "/alerts/rules",
      "/alerts/channels",
      "/providers",
    ]) {
      const res = await t.call("GET", path, asAdminIn("bee"));
      expect(res.status, path).toBe(200);
      parts.push(res.text.replace(/"exportedAt":"[^"]*"/, ""));
    }
    const rows = await t.database.db.execute(
      sql`select count(*)::int as n from request_logs where tenant_id = ${b.tenant!}::uuid`,
    );
    parts.push(JSON.stringify(rows));
    return parts.join("\n");
  }

  beforeAll(async () => {
    t = await startAdminTestServer("postgres");
    const tenantB = (await t.call("POST", "/tenants", { json: { name: `B ${MARK}`, slug: "bee" } })).as(
      tenantSchema,
    );
    const tenantA = (await t.call("POST", "/tenants", { json: { name: "A", slug: "ay" } })).as(tenantSchema);
    b.tenant = tenantB.id;
    const inB = asAdminIn("bee");
    b.provider = created(
      await t.call("POST", "/providers", {
        ...inB,
        json: { name: `p-${MARK}`, baseUrl: "http://127.0.0.1:9", apiKey: `sk-${MARK}` },
      }),
    );
    b.group = created(
      await t.call("POST", "/groups", { ...inB, json: { slug: `g-${MARK}`, name: `G ${MARK}` } }),
    );
    expect(
      (await t.call("POST", `/groups/${b.group}/providers`, { ...inB, json: { providerId: b.provider } }))
        .status,
    ).toBe(201);
    b.key = created(
      await t.call("POST", "/api-keys", { ...inB, json: { name: `k-${MARK}`, groupId: b.group } }),
    );
    b.channel = created(
      await t.call("POST", "/alerts/channels", {
        ...inB,
        json: { name: `c-${MARK}`, config: { type: "webhook", url: "http://127.0.0.1:9/hook" } },
      }),
    );
    b.rule = created(
      await t.call("POST", "/alerts/rules", {
        ...inB,
        json: {
          name: `r-${MARK}`,
          condition: {
            type: "group_success_rate",
            groupId: b.group,
            minSuccessRatePercent: 90,
            windowMs: 60_000,
          },
          channelIds: [b.channel],
        },
      }),
    );
    b.log = `req-${MARK}`;
    await t.database.db
      .execute(sql`insert into request_logs (id, created_at, tenant_id, group_id, provider_id, key_id, group_slug, method, path, status, total_ms)
      values (${b.log}, now(), ${b.tenant}::uuid, ${b.group}::uuid, ${b.provider}::uuid, ${b.key}::uuid, ${`g-${MARK}`}, 'POST', '/v1/x', 200, 5)`);
    const token = await t.call("POST", `/tenants/${tenantA.id}/tokens`, {
      json: { name: "automation", role: "admin" },
    });
    expect(token.status).toBe(201);
    tokenA = token.as(tenantTokenCreatedSchema).token;
    // Tenant A has things of its own too, so lists are not trivially empty.
    created(
      await t.call("POST", "/providers", {
        as: { token: tokenA },
        json: { name: "own", baseUrl: "http://127.0.0.1:9" },
      }),
    );
  });

  afterAll(async () => {
    await t?.close();
  });

  /** Tenant B's id for a route parameter, by the route's resource. */
  function paramFor(route: RouteDefinition, name: string): string {
    const p = route.pattern;
    if (name === "providerId") return b.provider!;
    if (p.startsWith("/providers") || p.startsWith("/stats/providers")) return b.provider!;
    if (p.startsWith("/groups")) return b.group!;
    if (p.startsWith("/api-keys")) return b.key!;
    if (p.startsWith("/alerts/rules")) return b.rule!;
    if (p.startsWith("/alerts/channels")) return b.channel!;
    if (p.startsWith("/logs")) return b.log!;
    if (p.startsWith("/tenants")) return b.tenant!;
    return "00000000-0000-4000-8000-00000000dead";
  }

  /** The query parameters worth sending: the required ones, and the ones that widen what a call does. */
  function queryFor(route: RouteDefinition): string {
    const values: Record<string, string> = {
      userId: "someone",
      tokenId: DEFAULT_TENANT_ID,
      prune: "true",
      includeSecrets: "true",
    };
    const keys = Object.keys(route.doc?.query?.shape ?? {}).filter((k) => k in values);
    return keys.length === 0 ? "" : `?${keys.map((k) => `${k}=${values[k]}`).join("&")}`;
  }

  /** A valid body, so a refusal comes from the lookup of B's id and not from validation. */
  function bodyFor(route: RouteDefinition): unknown {
    const byRoute: Record<string, unknown> = {
      "POST /groups/:id/providers": { providerId: b.provider },
      "PUT /groups/:id/providers/order": { order: [{ providerId: b.provider, priority: 0 }] },
      "POST /providers/:id/eject": { reason: "isolation test" },
      "POST /logs/:id/replay": { target: { providerId: b.provider } },
    };
    return byRoute[`${route.method} ${route.pattern}`] ?? route.doc?.example ?? {};
  }

  async function callAsA(route: RouteDefinition): Promise<ApiAnswer> {
    const path = route.pattern.replace(/:(\w+)/g, (_, name: string) => paramFor(route, name));
    const query = queryFor(route);
    const base = { as: { token: tokenA } } as const;
    if (route.doc?.bodyMediaType === "text/csv") {
      return t.call(route.method, `${path}${query}`, {
        ...base,
        raw: "name,baseUrl\n",
        contentType: "text/csv",
      });
    }
    if (route.method === "GET" || route.method === "DELETE")
      return t.call(route.method, `${path}${query}`, base);
    if (route.pattern === "/config/import") {
      const own = await t.call("GET", "/config/export", base);
      return t.call("POST", "/config/import?prune=true", { ...base, json: own.body });
    }
    return t.call(route.method, `${path}${query}`, { ...base, json: bodyFor(route) });
  }

  it("tenant A's token reads nothing of tenant B and changes nothing of it, on every route", async () => {
    const before = await stateOfB();
    const secrets = [MARK, ...Object.values(b)];
    const failures: string[] = [];
    for (const route of ADMIN_ROUTES) {
      if (route.pattern === "/health/stream") {
        // An endless event stream: a system route, refused before it opens.
        const res = await t.call("GET", route.pattern, { as: { token: tokenA } });
        if (res.status !== 403) failures.push(`${route.method} ${route.pattern}: ${res.status}`);
        continue;
      }
      const res = await callAsA(route);
      const name = `${route.method} ${route.pattern} -> ${res.status}`;
      const leaked = secrets.filter((s) => res.text.includes(s));
      if (leaked.length > 0) failures.push(`${name} leaked ${leaked.join(", ")}`);
      if (route.system === true) {
        if (res.status !== 403) failures.push(`${name}: a system route must answer 403`);
      } else if (route.pattern.includes(":")) {
        if (res.status !== 404)
          failures.push(`${name}: another tenant's id must answer 404 (${res.text.slice(0, 120)})`);
      } else if (res.status >= 500) {
        failures.push(`${name}: ${res.text.slice(0, 200)}`);
      }
    }
    expect(failures).toEqual([]);
    expect(await stateOfB()).toBe(before);
  }, 120_000);

  it("the same slug may exist in both tenants, and A's acting tenant cannot be switched by header", async () => {
    const inA = { as: { token: tokenA } } as const;
    expect(
      (await t.call("POST", "/groups", { ...inA, json: { slug: `g-${MARK}`, name: "mine" } })).status,
    ).toBe(201);
    const listed = await t.call("GET", "/groups", { ...inA, headers: { "x-roundabout-tenant": "bee" } });
    expect(listed.text).not.toContain(b.group!);
  });

  it("a system administrator names the tenant with X-Roundabout-Tenant; an unknown slug is 404", async () => {
    const inB = await t.call("GET", "/groups", asAdminIn("bee"));
    expect(inB.text).toContain(b.group!);
    const inDefault = await t.call("GET", "/groups");
    expect(inDefault.text).not.toContain(b.group!);
    (await t.call("GET", "/groups", asAdminIn("nope"))).error(404, "TENANT_NOT_FOUND");
  });

  it("a tenant user acts in its member tenants only: switches by header, role from membership", async () => {
    const user = await t.call("POST", "/users", {
      json: { username: "owner-a", password: "owner-a-password", role: "viewer" },
    });
    const userId = user.as(idShape).id;
    const tenants = (await t.call("GET", "/tenants")).as(z.object({ items: z.array(tenantSchema) })).items;
    const ay = tenants.find((x) => x.slug === "ay")!;
    expect(
      (await t.call("POST", `/tenants/${ay.id}/members`, { json: { userId, role: "owner" } })).status,
    ).toBe(200);
    const session = { headers: { cookie: `${USER_COOKIE_PREFIX}${userId}` } };
    const me = await t.call("GET", "/me", { as: "none", ...session });
    expect(me.body).toMatchObject({
      role: "admin",
      tenant: { id: ay.id, system: false },
      tenants: [{ slug: "ay" }],
    });
    // An owner writes in its tenant…
    expect(
      (
        await t.call("POST", "/providers", {
          as: "none",
          ...session,
          json: { name: "by-owner", baseUrl: "http://127.0.0.1:9" },
        })
      ).status,
    ).toBe(201);
    // …cannot name a tenant it is not a member of (404, as if it did not exist), nor manage tenants or users.
    (
      await t.call("GET", "/groups", {
        as: "none",
        headers: { ...session.headers, "x-roundabout-tenant": "bee" },
      })
    ).error(404, "TENANT_NOT_FOUND");
    (await t.call("GET", "/tenants", { as: "none", ...session })).error(403, "FORBIDDEN");
    (await t.call("GET", "/users", { as: "none", ...session })).error(403, "FORBIDDEN");
    expect((await t.call("GET", `/providers/${b.provider}`, { as: "none", ...session })).status).toBe(404);
  });
});
