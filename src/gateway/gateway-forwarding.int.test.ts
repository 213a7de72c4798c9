import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGatewayHarness, type GatewayHarness } from "../testing/gateway-harness";
import { startMockUpstream, type MockUpstream } from "../testing/mock-upstream";

let h: GatewayHarness;
let up: MockUpstream;
let slug: string;
let groupId: string;
let key: string;

beforeAll(async () => {
  h = await startGatewayHarness();
  up = await startMockUpstream();
  const p = await h.addProvider({
    name: "alpha",
    baseUrl: `${up.url}/prefix/`,
    apiKey: "prov-secret-1",
    headers: { "X-Extra": "extra-value", "anthropic-version": "2023-06-01" },
  });
  const g = await h.addGroup();
  slug = g.slug;
  groupId = g.id;
  await h.addMember(g.id, p.id);
  key = (await h.addKey()).key;
  await h.reload();
});

afterAll(async () => {
  await h?.close();
  await up?.close();
});

function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(h.proxyUrl(slug, path), {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
}

interface ErrorBody {
  type: string;
  error: { type: string; code: string; message: string; request_id: string };
}

describe("forwarding", () => {
  it("keeps the base URL's path prefix and passes path, query and body through", async () => {
    const payload = { model: "gpt-x", messages: [{ role: "user", content: "hi" }] };
    const res = await post("/v1/chat/completions?alpha=1&beta=two", payload);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { usage: { prompt_tokens: number }; model: string };
    expect(body.usage.prompt_tokens).toBe(11);
    const seen = up.requests.at(-1)!;
    expect(seen.method).toBe("POST");
    expect(seen.path).toBe("/prefix/v1/chat/completions");
    expect(seen.query).toBe("?alpha=1&beta=two");
    expect(JSON.parse(seen.body)).toEqual(payload);
  });

  it("passes every method and API path through", async () => {
    const models = await fetch(h.proxyUrl(slug, "/v1/models"), { headers: { "x-api-key": key } });
    expect(models.status).toBe(200);
    expect(((await models.json()) as { data: { id: string }[] }).data[0]?.id).toBe("mock-model");
    expect(up.requests.at(-1)).toMatchObject({ method: "GET", path: "/prefix/v1/models", body: "" });

    const count = await post("/v1/messages/count_tokens", { model: "claude", messages: [] });
    expect(await count.json()).toEqual({ input_tokens: 11 });

    const msg = await post("/v1/messages", { model: "claude", max_tokens: 5, messages: [] });
    expect(((await msg.json()) as { type: string }).type).toBe("message");

    for (const method of ["PUT", "PATCH", "DELETE"]) {
      const res = await fetch(h.proxyUrl(slug, "/v1/files/abc"), { method, headers: { "x-api-key": key } });
      expect(res.status).toBe(200);
      expect(up.requests.at(-1)).toMatchObject({ method, path: "/prefix/v1/files/abc" });
    }
  });

  it("strips hop-by-hop, credentials and spoofable headers, and injects the provider's", async () => {
    const res = await new Promise<{ status: number; headers: Record<string, unknown> }>((resolve, reject) => {
      const req = httpRequest(
        h.proxyUrl(slug, "/v1/chat/completions"),
        {
          method: "POST",
          headers: {
            authorization: `Bearer ${key}`,
            "x-api-key": key,
            cookie: "session=abc",
            "content-type": "application/json",
            connection: "keep-alive, x-drop-me",
            "x-drop-me": "1",
            "keep-alive": "timeout=5",
            te: "trailers",
            "proxy-authorization": "Basic xyz",
            "x-forwarded-for": "6.6.6.6",
            "x-forwarded-host": "evil",
            forwarded: "for=6.6.6.6",
            "x-real-ip": "6.6.6.6",
            "x-proxy-provider": "spoof",
            "x-request-id": "client-chosen",
            "x-custom": "kept",
            "user-agent": "test-agent",
          },
        },
        (r) => {
          r.resume();
          r.on("end", () => resolve({ status: r.statusCode ?? 0, headers: r.headers }));
        },
      );
      req.on("error", reject);
      req.end(JSON.stringify({ model: "m", messages: [] }));
    });
    expect(res.status).toBe(200);
    const seen = up.requests.at(-1)!.headers;
    for (const name of [
      "cookie",
      "x-drop-me",
      "keep-alive",
      "te",
      "proxy-authorization",
      "x-forwarded-for",
      "x-forwarded-host",
      "forwarded",
      "x-real-ip",
      "x-proxy-provider",
    ]) {
      expect(seen[name], name).toBeUndefined();
    }
    expect(seen.authorization).toBe("Bearer prov-secret-1");
    expect(seen["x-api-key"]).toBeUndefined();
    expect(seen["x-request-id"]).toBe(res.headers["x-request-id"]);
    expect(seen["x-request-id"]).not.toBe("client-chosen");
    expect(seen["x-custom"]).toBe("kept");
    expect(seen["user-agent"]).toBe("test-agent");
    expect(seen["x-extra"]).toBe("extra-value");
    expect(seen.host).toBe(`127.0.0.1:${up.port}`);

    expect(res.headers["x-proxy-provider"]).toBe("alpha");
    expect(res.headers["x-proxy-provider-id"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers["x-proxy-attempts"]).toBe("1");
    expect(Number(res.headers["x-proxy-response-time"])).toBeGreaterThanOrEqual(0);
    expect(res.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("filters the upstream's hop-by-hop and x-proxy-* response headers", async () => {
    await up.setBehaviour({
      headers: { "x-proxy-provider": "upstream-spoof", "x-request-id": "up-123", "x-up": "yes" },
    });
    try {
      const res = await post("/v1/chat/completions", { model: "m", messages: [] });
      await res.arrayBuffer();
      expect(res.headers.get("x-proxy-provider")).toBe("alpha");
      expect(res.headers.get("x-upstream-request-id")).toBe("up-123");
      expect(res.headers.get("x-request-id")).not.toBe("up-123");
      expect(res.headers.get("x-up")).toBe("yes");
    } finally {
      await up.setBehaviour({});
    }
  });

  it("sends the credential per auth style (x-api-key, none)", async () => {
    const up2 = await startMockUpstream();
    try {
      const px = await h.addProvider({ baseUrl: up2.url, apiKey: "xk-secret", authStyle: "x-api-key" });
      const pn = await h.addProvider({ baseUrl: up2.url, apiKey: "unused-secret", authStyle: "none" });
      const gx = await h.addGroup();
      const gn = await h.addGroup();
      await h.addMember(gx.id, px.id);
      await h.addMember(gn.id, pn.id);
      await h.reload();
      for (const [g, expected] of [
        [gx.slug, { "x-api-key": "xk-secret", authorization: undefined }],
        [gn.slug, { "x-api-key": undefined, authorization: undefined }],
      ] as const) {
        const res = await fetch(h.proxyUrl(g, "/v1/models"), { headers: { authorization: `Bearer ${key}` } });
        expect(res.status).toBe(200);
        const seen = up2.requests.at(-1)!.headers;
        expect(seen["x-api-key"]).toBe(expected["x-api-key"]);
        expect(seen.authorization).toBe(expected.authorization);
      }
    } finally {
      await up2.close();
    }
  });

  it("passes a 400 through untouched with exactly one attempt", async () => {
    const body = '{"error":{"message":"bad request from upstream","type":"invalid_request_error"}}';
    await up.setBehaviour({ mode: "status", status: 400, body });
    try {
      const before = up.requestCount;
      const res = await post("/v1/chat/completions", { model: "m" });
      expect(res.status).toBe(400);
      expect(await res.text()).toBe(body);
      expect(res.headers.get("x-proxy-attempts")).toBe("1");
      expect(up.requestCount - before).toBe(1);
      const id = res.headers.get("x-request-id");
      const row = (await h.requestLogs()).find((r) => r.id === id)!;
      expect(row.status).toBe(400);
      expect(row.attempts).toHaveLength(1);
      expect(row.attempts[0]?.outcome).toBe("client_error");
    } finally {
      await up.setBehaviour({});
    }
  });
});

describe("gateway-produced errors", () => {
  async function expectError(res: Response, status: number, code: string, type: string) {
    expect(res.status).toBe(status);
    expect(res.headers.get("content-type")).toContain("application/json");
    const body = (await res.json()) as ErrorBody;
    expect(body.type).toBe("error");
    expect(body.error.code).toBe(code);
    expect(body.error.type).toBe(type);
    expect(body.error.request_id).toBe(res.headers.get("x-request-id"));
    expect(typeof body.error.message).toBe("string");
  }

  it("401 for a missing, unknown, disabled or expired key", async () => {
    const url = h.proxyUrl(slug, "/v1/models");
    await expectError(await fetch(url), 401, "GATEWAY_KEY_MISSING", "authentication_error");
    await expectError(
      await fetch(url, { headers: { authorization: "Bearer sk-unknown" } }),
      401,
      "GATEWAY_KEY_INVALID",
      "authentication_error",
    );
    const disabled = await h.addKey({ enabled: false });
    const expired = await h.addKey({ expiresAt: new Date(Date.now() - 1000) });
    await h.reload();
    for (const k of [disabled.key, expired.key]) {
      await expectError(
        await fetch(url, { headers: { "x-api-key": k } }),
        401,
        "GATEWAY_KEY_INVALID",
        "authentication_error",
      );
    }
  });

  it("403 for a key scoped to another group; scoped key works on its own group", async () => {
    const other = await h.addGroup();
    const scoped = await h.addKey({ groupId: other.id });
    const own = await h.addKey({ groupId });
    await h.reload();
    await expectError(
      await fetch(h.proxyUrl(slug, "/v1/models"), { headers: { "x-api-key": scoped.key } }),
      403,
      "GATEWAY_KEY_SCOPE",
      "permission_error",
    );
    const ok = await fetch(h.proxyUrl(slug, "/v1/models"), { headers: { "x-api-key": own.key } });
    expect(ok.status).toBe(200);
  });

  it("404 for an unknown or disabled group", async () => {
    const disabled = await h.addGroup({ enabled: false });
    await h.reload();
    for (const s of ["no-such-group", disabled.slug]) {
      await expectError(
        await fetch(h.proxyUrl(s, "/v1/models"), { headers: { "x-api-key": key } }),
        404,
        "GROUP_UNKNOWN",
        "not_found_error",
      );
    }
  });

  it("413 for a body over the limit (declared or streamed)", async () => {
    const small = await startGatewayHarness({ gatewayOptions: { maxBodyBytes: 1024 } });
    try {
      const p = await small.addProvider({ baseUrl: up.url });
      const g = await small.addGroup();
      await small.addMember(g.id, p.id);
      const k = (await small.addKey()).key;
      await small.reload();
      const before = up.requestCount;
      const res = await fetch(small.proxyUrl(g.slug, "/v1/chat/completions"), {
        method: "POST",
        headers: { "x-api-key": k, "content-type": "application/json" },
        body: "x".repeat(4096),
      });
      await expectError(res, 413, "BODY_TOO_LARGE", "request_too_large");
      const chunked = await fetch(small.proxyUrl(g.slug, "/v1/chat/completions"), {
        method: "POST",
        headers: { "x-api-key": k },
        body: new Blob(["y".repeat(4096)]).stream(),
        duplex: "half",
      } as RequestInit);
      await expectError(chunked, 413, "BODY_TOO_LARGE", "request_too_large");
      expect(up.requestCount).toBe(before);
      const fits = await fetch(small.proxyUrl(g.slug, "/v1/chat/completions"), {
        method: "POST",
        headers: { "x-api-key": k, "content-type": "application/json" },
        body: JSON.stringify({ model: "m", messages: [] }),
      });
      expect(fits.status).toBe(200);
    } finally {
      await small.close();
    }
  });

  it("the gateway-only server answers its liveness probe", async () => {
    const res = await fetch(`${h.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
  });

  it("404 ROUTE_NOT_FOUND outside /api/proxy/ and 400 for dot segments (more in gateway-path-confinement)", async () => {
    await expectError(await fetch(`${h.url}/nope`), 404, "ROUTE_NOT_FOUND", "not_found_error");
    const res = await new Promise<number>((resolve, reject) => {
      const { hostname, port } = new URL(h.url);
      const req = httpRequest(
        { hostname, port, path: `/api/proxy/${slug}/v1/../../admin`, headers: { "x-api-key": key } },
        (r) => {
          r.resume();
          resolve(r.statusCode ?? 0);
        },
      );
      req.on("error", reject);
      req.end();
    });
    expect(res).toBe(400);
  });

  it("503 NO_PROVIDER_AVAILABLE for a group without members", async () => {
    const empty = await h.addGroup();
    await h.reload();
    await expectError(
      await fetch(h.proxyUrl(empty.slug, "/v1/models"), { headers: { "x-api-key": key } }),
      503,
      "NO_PROVIDER_AVAILABLE",
      "overloaded_error",
    );
  });
});
