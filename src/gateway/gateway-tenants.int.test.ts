import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tenants } from "../db/schema";
import { DEFAULT_TENANT_ID } from "../core/vocabulary/tenants";
import { CHAT_BODY, startGatewayHarness, type GatewayHarness } from "../testing/gateway-harness";
import { startMockUpstream, type MockUpstream } from "../testing/mock-upstream";

/**
 * Two tenants with a group of the same slug: `/api/proxy/{slug}` resolves the slug inside the tenant
 * of the presented key, and a disabled tenant's keys are refused before anything else happens.
 */
let h: GatewayHarness;
let upDefault: MockUpstream;
let upOther: MockUpstream;
let keyDefault: string;
let keyOther: string;
let otherTenantId: string;

beforeAll(async () => {
  h = await startGatewayHarness();
  upDefault = await startMockUpstream();
  upOther = await startMockUpstream();
  const [t] = await h.db.insert(tenants).values({ name: "Other", slug: "other" }).returning();
  otherTenantId = t!.id;
  for (const [tenantId, up] of [
    [DEFAULT_TENANT_ID, upDefault],
    [otherTenantId, upOther],
  ] as const) {
    const p = await h.addProvider({ baseUrl: up.url, tenantId });
    const g = await h.addGroup({ slug: "claude", tenantId });
    await h.addMember(g.id, p.id);
  }
  keyDefault = (await h.addKey()).key;
  keyOther = (await h.addKey({ tenantId: otherTenantId })).key;
  await h.reload();
});

/** POSTs the chat body to `/api/proxy/{slug}/v1/chat/completions` with `key`; the body is left unread. */
function send(key: string, slug: string): Promise<Response> {
  return fetch(h.proxyUrl(slug, "/v1/chat/completions"), {
    method: "POST",
    headers: { "x-api-key": key, "content-type": "application/json" },
    body: JSON.stringify(CHAT_BODY),
    signal: AbortSignal.timeout(10_000),
  });
}

afterAll(async () => {
  await h?.close();
  await upDefault?.close();
  await upOther?.close();
});

describe("tenants on the data plane", () => {
  it("routes the same slug to each key's own tenant and logs the tenant", async () => {
    const a = await send(keyDefault, "claude");
    const b = await send(keyOther, "claude");
    await Promise.all([a.arrayBuffer(), b.arrayBuffer()]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect([upDefault.requestCount, upOther.requestCount]).toEqual([1, 1]);
    const logs = await h.requestLogs();
    const byId = new Map(logs.map((r) => [r.id, r.tenantId]));
    expect(byId.get(a.headers.get("x-request-id")!)).toBe(DEFAULT_TENANT_ID);
    expect(byId.get(b.headers.get("x-request-id")!)).toBe(otherTenantId);
  });

  it("a slug only another tenant has is unknown (404 GROUP_UNKNOWN)", async () => {
    const p = await h.addProvider({ baseUrl: upOther.url, tenantId: otherTenantId });
    const g = await h.addGroup({ slug: "only-other", tenantId: otherTenantId });
    await h.addMember(g.id, p.id);
    await h.reload();
    const res = await send(keyDefault, "only-other");
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("GROUP_UNKNOWN");
  });

  it("a disabled tenant's keys answer 403 TENANT_DISABLED; enabled again, they work", async () => {
    await h.db.update(tenants).set({ enabled: false }).where(eq(tenants.id, otherTenantId));
    await h.reload();
    const before = upOther.requestCount;
    const refused = await send(keyOther, "claude");
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("TENANT_DISABLED");
    expect(upOther.requestCount).toBe(before);
    const other = await send(keyDefault, "claude");
    await other.arrayBuffer();
    expect(other.status).toBe(200);
    await h.db.update(tenants).set({ enabled: true }).where(eq(tenants.id, otherTenantId));
    await h.reload();
    const ok = await send(keyOther, "claude");
    await ok.arrayBuffer();
    expect(ok.status).toBe(200);
  });
});
