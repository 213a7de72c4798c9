import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGatewayHarness, type GatewayHarness } from "../testing/gateway-harness";
import { startMockUpstream, type MockUpstream } from "../testing/mock-upstream";

let h: GatewayHarness;
let a: MockUpstream;
let b: MockUpstream;

const PROVIDER_SECRET_A = "prov-canary-AAAA-7f3e9b";
const PROVIDER_SECRET_B = "prov-canary-BBBB-1c2d3e";

beforeAll(async () => {
  h = await startGatewayHarness({ gatewayOptions: { backoffBaseMs: 1, backoffCapMs: 5 } });
  a = await startMockUpstream();
  b = await startMockUpstream();
});

afterAll(async () => {
  await h?.close();
  await a?.close();
  await b?.close();
});

describe("secrets", () => {
  it("the upstream sees exactly the provider's credential; a canary client key is never seen or echoed", async () => {
    const g = await h.addGroup();
    const pa = await h.addProvider({ baseUrl: a.url, apiKey: PROVIDER_SECRET_A, authStyle: "x-api-key" });
    const pb = await h.addProvider({ baseUrl: b.url, apiKey: PROVIDER_SECRET_B });
    await h.addMember(g.id, pa.id, { priority: 0 });
    await h.addMember(g.id, pb.id, { priority: 1 });
    const canary = await h.addKey({ rateLimitPerMinute: 8 });
    await h.reload();

    const seen: string[] = [];
    const send = async (init: { path: string; headers: Record<string, string>; body?: unknown }) => {
      const res = await fetch(h.proxyUrl(g.slug, init.path), {
        method: init.body === undefined ? "GET" : "POST",
        headers: { "content-type": "application/json", ...init.headers },
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
      });
      seen.push(JSON.stringify([...res.headers]), await res.text());
      return res.status;
    };
    const both = { authorization: `Bearer ${canary.key}`, "x-api-key": canary.key };
    const chat = { model: "m", messages: [{ role: "user", content: "hi" }] };

    expect(await send({ path: "/v1/chat/completions", headers: both, body: chat })).toBe(200);
    expect(await send({ path: "/v1/models", headers: { "x-api-key": canary.key } })).toBe(200);
    await a.setBehaviour({ mode: "status", status: 503 });
    expect(await send({ path: "/v1/chat/completions", headers: both, body: chat })).toBe(200);
    await a.setBehaviour({ mode: "fail-mid-stream", failAfterChunks: 1 });
    expect(await send({ path: "/v1/messages", headers: both, body: { ...chat, stream: true } })).toBe(200);
    await a.setBehaviour({ mode: "reset" });
    await b.setBehaviour({ mode: "refuse" });
    expect(await send({ path: "/v1/chat/completions", headers: both, body: chat })).toBe(502);
    await a.setBehaviour({});
    await b.setBehaviour({});
    // An unknown key that looks like the canary, and the rate limit kicking in.
    expect(await send({ path: "/v1/models", headers: { authorization: `Bearer ${canary.key}x` } })).toBe(401);
    let status = 0;
    for (let i = 0; i < 10 && status !== 429; i++) status = await send({ path: "/v1/models", headers: both });
    expect(status).toBe(429);

    const upstreamRequests = [...a.requests, ...b.requests];
    expect(upstreamRequests.length).toBeGreaterThan(4);
    for (const r of upstreamRequests) {
      const dump = JSON.stringify(r);
      expect(dump).not.toContain(canary.key);
      const credentials = [r.headers.authorization, r.headers["x-api-key"]].filter((v) => v !== undefined);
      expect(credentials).toHaveLength(1);
      if (r.headers["x-api-key"] !== undefined) expect(r.headers["x-api-key"]).toBe(PROVIDER_SECRET_A);
      else expect(r.headers.authorization).toBe(`Bearer ${PROVIDER_SECRET_B}`);
    }

    const rows = JSON.stringify(await h.requestLogs());
    const responses = seen.join("\n");
    const logs = h.logLines.join("\n");
    expect(h.logLines.length).toBeGreaterThan(0);
    for (const secret of [canary.key, PROVIDER_SECRET_A, PROVIDER_SECRET_B]) {
      expect(rows).not.toContain(secret);
      expect(responses).not.toContain(secret);
      expect(logs).not.toContain(secret);
    }
  });
});
