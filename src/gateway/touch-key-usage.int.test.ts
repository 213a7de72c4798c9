import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiKeys } from "../db/schema";
import { startGatewayHarness, type GatewayHarness } from "../testing/gateway-harness";
import { startMockUpstream, type MockUpstream } from "../testing/mock-upstream";

let h: GatewayHarness;
let up: MockUpstream;

beforeAll(async () => {
  h = await startGatewayHarness();
  up = await startMockUpstream();
});

afterAll(async () => {
  await h?.close();
  await up?.close();
});

const lastUsed = async (id: string) =>
  (await h.db.select({ t: apiKeys.lastUsedAt }).from(apiKeys).where(eq(apiKeys.id, id)))[0]?.t ?? null;

describe("API key last use", () => {
  it("is set from the request log batch for the key that was used, and only moves forward", async () => {
    const p = await h.addProvider({ baseUrl: up.url });
    const g = await h.addGroup();
    await h.addMember(g.id, p.id);
    const used = await h.addKey();
    const idle = await h.addKey();
    await h.reload();

    const before = Date.now();
    for (let i = 0; i < 3; i++) {
      const res = await fetch(h.proxyUrl(g.slug, "/v1/models"), { headers: { "x-api-key": used.key } });
      expect(res.status).toBe(200);
      await res.text();
    }
    await h.gateway.logWriter.flush();
    const first = await lastUsed(used.id);
    expect(first).toBeInstanceOf(Date);
    expect(first!.getTime()).toBeGreaterThanOrEqual(before - 5);
    expect(first!.getTime()).toBeLessThanOrEqual(Date.now());
    expect(await lastUsed(idle.id)).toBeNull();

    const res = await fetch(h.proxyUrl(g.slug, "/v1/models"), { headers: { "x-api-key": used.key } });
    await res.text();
    await h.gateway.logWriter.flush();
    expect((await lastUsed(used.id))!.getTime()).toBeGreaterThanOrEqual(first!.getTime());
  });
});
