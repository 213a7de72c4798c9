import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGatewayHarness, type GatewayHarness } from "../testing/gateway-harness";
import { startMockUpstream, type MockUpstream } from "../testing/mock-upstream";

let h: GatewayHarness;
let up: MockUpstream;
let slug: string;

beforeAll(async () => {
  h = await startGatewayHarness();
  up = await startMockUpstream();
  const p = await h.addProvider({ baseUrl: up.url });
  const g = await h.addGroup();
  slug = g.slug;
  await h.addMember(g.id, p.id);
  await h.reload();
});

afterAll(async () => {
  await h?.close();
  await up?.close();
});

const call = (key: string) => fetch(h.proxyUrl(slug, "/v1/models"), { headers: { "x-api-key": key } });

describe("per-key limits", () => {
  it("rate limit: X-RateLimit-* on successes, then 429 RATE_LIMITED with Retry-After", async () => {
    const { key } = await h.addKey({ rateLimitPerMinute: 3 });
    await h.reload();
    for (let i = 0; i < 3; i++) {
      const res = await call(key);
      await res.arrayBuffer();
      expect(res.status).toBe(200);
      expect(res.headers.get("x-ratelimit-limit")).toBe("3");
      expect(res.headers.get("x-ratelimit-remaining")).toBe(String(2 - i));
      expect(Number(res.headers.get("x-ratelimit-reset"))).toBeGreaterThan(0);
    }
    const before = up.requestCount;
    const limited = await call(key);
    expect(limited.status).toBe(429);
    const body = (await limited.json()) as { error: { code: string; type: string } };
    expect(body.error).toMatchObject({ code: "RATE_LIMITED", type: "rate_limit_error" });
    const retryAfter = Number(limited.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(limited.headers.get("x-ratelimit-remaining")).toBe("0");
    expect(up.requestCount).toBe(before);
    const row = (await h.requestLogs()).find((r) => r.id === limited.headers.get("x-request-id"));
    expect(row).toMatchObject({ status: 429, errorCode: "RATE_LIMITED", attempts: [] });
  });

  it("concurrency limit: 429 CONCURRENCY_LIMITED while the slots are held, released afterwards", async () => {
    const { key } = await h.addKey({ maxConcurrency: 2 });
    await h.reload();
    await up.setBehaviour({ delayMs: 400 });
    try {
      const slow = [call(key), call(key)];
      await new Promise((r) => setTimeout(r, 150));
      const refused = await call(key);
      expect(refused.status).toBe(429);
      expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("CONCURRENCY_LIMITED");
      for (const res of await Promise.all(slow)) {
        expect(res.status).toBe(200);
        await res.arrayBuffer();
      }
    } finally {
      await up.setBehaviour({});
    }
    // Slots are released asynchronously right after each response.
    let status = 0;
    for (let i = 0; i < 20 && status !== 200; i++) {
      const res = await call(key);
      await res.arrayBuffer();
      status = res.status;
    }
    expect(status).toBe(200);
  });

  it("a client still sending its body holds no concurrency slot", async () => {
    const { key } = await h.addKey({ maxConcurrency: 1 });
    await h.reload();
    const { hostname, port } = new URL(h.url);
    const slow = connect(Number(port), hostname);
    slow.on("error", () => undefined);
    slow.write(
      `POST /api/proxy/${slug}/v1/chat/completions HTTP/1.1\r\nhost: gw\r\nx-api-key: ${key}\r\n` +
        "content-type: application/json\r\ncontent-length: 100\r\n\r\n{",
    );
    try {
      await new Promise((r) => setTimeout(r, 300));
      // The trickling request has passed authentication and rate limits; its body is still missing.
      const res = await call(key);
      await res.arrayBuffer();
      expect(res.status).toBe(200);
    } finally {
      slow.destroy();
    }
  });

  it("keys without limits never touch the state store", async () => {
    const { key } = await h.addKey();
    await h.reload();
    const entries = h.memoryStore!.entryCount();
    for (let i = 0; i < 5; i++) {
      const res = await call(key);
      await res.arrayBuffer();
      expect(res.status).toBe(200);
      expect(res.headers.get("x-ratelimit-limit")).toBeNull();
    }
    expect(h.memoryStore!.entryCount()).toBe(entries);
  });
});
