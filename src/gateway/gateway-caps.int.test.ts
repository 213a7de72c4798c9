import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGatewayHarness, type GatewayHarness, type ProviderSeed } from "../testing/gateway-harness";
import { startMockUpstream, type MockUpstream } from "../testing/mock-upstream";

/**
 * Per-provider caps (requests per minute, requests in flight) and the per-group rate limit, through
 * real HTTP. A provider at its cap is skipped without spending an attempt and without counting as
 * a failure; the group limit answers 429 GROUP_RATE_LIMITED.
 */

let h: GatewayHarness;
let first: MockUpstream;
let second: MockUpstream;
let key: string;

beforeAll(async () => {
  h = await startGatewayHarness({ healthLayer: { checkIntervalMs: 0 } });
  first = await startMockUpstream({ record: false });
  second = await startMockUpstream({ record: false });
  key = (await h.addKey()).key;
});

afterAll(async () => {
  await h?.close();
  await first?.close();
  await second?.close();
});

async function call(slug: string): Promise<Response> {
  const res = await fetch(h.proxyUrl(slug, "/v1/models"), { headers: { "x-api-key": key } });
  await res.arrayBuffer();
  return res;
}

/** "capped" (tier 0, with `caps`) in front of "spare" (tier 1, no caps). */
async function cappedGroup(caps: Partial<ProviderSeed>, spare = true, groupLimit: number | null = null) {
  const g = await h.addGroup({ rateLimitPerMinute: groupLimit });
  const capped = await h.addProvider({ name: `${g.slug}-capped`, baseUrl: first.url, ...caps });
  await h.addMember(g.id, capped.id, { priority: 0 });
  if (spare) {
    const other = await h.addProvider({ name: `${g.slug}-spare`, baseUrl: second.url });
    await h.addMember(g.id, other.id, { priority: 1 });
  }
  await h.reload();
  return { slug: g.slug, cappedId: capped.id, name: (n: string) => `${g.slug}-${n}` };
}

describe("provider caps", () => {
  it("a provider at its concurrency cap is skipped for the next one, without spending an attempt", async () => {
    const g = await cappedGroup({ maxConcurrency: 1 });
    await first.setBehaviour({ delayMs: 500 });
    try {
      const slow = call(g.slug);
      await new Promise((resolve) => setTimeout(resolve, 150));
      const skipped = await call(g.slug);
      expect(skipped.status).toBe(200);
      expect(skipped.headers.get("x-proxy-provider")).toBe(g.name("spare"));
      expect(skipped.headers.get("x-proxy-attempts")).toBe("1");
      const held = await slow;
      expect(held.headers.get("x-proxy-provider")).toBe(g.name("capped"));
    } finally {
      await first.setBehaviour({});
    }
    // The slot was given back: the preferred provider serves again.
    let provider: string | null = null;
    for (let i = 0; i < 20 && provider !== g.name("capped"); i++) {
      provider = (await call(g.slug)).headers.get("x-proxy-provider");
    }
    expect(provider).toBe(g.name("capped"));
    // Being skipped is not a failure.
    expect(h.health!.snapshot([g.cappedId])[0]).toMatchObject({ state: "healthy", consecutiveFailures: 0 });
  });

  it("a provider at its per-minute cap is skipped until its window has room", async () => {
    const g = await cappedGroup({ rateLimitPerMinute: 2 });
    const served: (string | null)[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await call(g.slug);
      expect(res.status).toBe(200);
      expect(res.headers.get("x-proxy-attempts")).toBe("1");
      served.push(res.headers.get("x-proxy-provider"));
    }
    expect(served).toEqual([g.name("capped"), g.name("capped"), g.name("spare"), g.name("spare")]);
    const rows = await h.requestLogs();
    const mine = rows.filter((r) => r.groupSlug === g.slug);
    expect(mine.every((r) => r.attempts.length === 1)).toBe(true);
  });

  it("answers 429 PROVIDERS_AT_CAPACITY with Retry-After when every provider is at its cap", async () => {
    const g = await cappedGroup({ rateLimitPerMinute: 1 }, false);
    expect((await call(g.slug)).status).toBe(200);
    const refused = await fetch(h.proxyUrl(g.slug, "/v1/models"), { headers: { "x-api-key": key } });
    expect(refused.status).toBe(429);
    const body = (await refused.json()) as { error: { code: string; type: string } };
    expect(body.error).toMatchObject({ code: "PROVIDERS_AT_CAPACITY", type: "rate_limit_error" });
    const retryAfter = Number(refused.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
  });
});

describe("group rate limit", () => {
  it("lets the group's limit through, then answers 429 GROUP_RATE_LIMITED with the headers", async () => {
    const g = await cappedGroup({}, false, 3);
    for (let i = 0; i < 3; i++) {
      const res = await call(g.slug);
      expect(res.status).toBe(200);
      expect(res.headers.get("x-ratelimit-limit")).toBe("3");
      expect(res.headers.get("x-ratelimit-remaining")).toBe(String(2 - i));
    }
    const refused = await fetch(h.proxyUrl(g.slug, "/v1/models"), { headers: { "x-api-key": key } });
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("GROUP_RATE_LIMITED");
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(refused.headers.get("x-ratelimit-remaining")).toBe("0");
  });

  it("is exact under a concurrent burst", async () => {
    const g = await cappedGroup({}, false, 10);
    const statuses = (await Promise.all(Array.from({ length: 40 }, () => call(g.slug)))).map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(30);
  });
});

describe("no caps, no store", () => {
  it("providers, groups and keys without limits never touch the state store", async () => {
    const g = await cappedGroup({}, true);
    const entries = h.memoryStore!.entryCount();
    for (let i = 0; i < 10; i++) expect((await call(g.slug)).status).toBe(200);
    expect(h.memoryStore!.entryCount()).toBe(entries);
  });
});
