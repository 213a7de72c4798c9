import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGatewayHarness, type GatewayHarness, type MemberSeed } from "../testing/gateway-harness";
import { startMockUpstream, type MockUpstream } from "../testing/mock-upstream";

/** Model routing (issue 16): serving lists, aliases, key allow-lists, `/v1/models` from config. */

let h: GatewayHarness;
const ups: MockUpstream[] = [];
let key: string;

beforeAll(async () => {
  h = await startGatewayHarness({ gatewayOptions: { retryBudget: false } });
  for (let i = 0; i < 3; i++) ups.push(await startMockUpstream());
  key = (await h.addKey()).key;
});

afterAll(async () => {
  await h?.close();
  await Promise.all(ups.map((u) => u.close()));
});

interface MemberSpec extends MemberSeed {
  up: number;
  providerModels?: string[];
}

async function makeGroup(members: MemberSpec[]) {
  const g = await h.addGroup({ maxAttempts: 3 });
  const names: string[] = [];
  for (const m of members) {
    const p = await h.addProvider({
      name: `${g.slug}-p${names.length}`,
      baseUrl: ups[m.up]!.url,
      ...(m.providerModels ? { models: m.providerModels } : {}),
    });
    names.push(p.name);
    const { up: _u, providerModels: _p, ...seed } = m;
    await h.addMember(g.id, p.id, seed);
  }
  await h.reload();
  return { slug: g.slug, names };
}

async function post(slug: string, body: string, path = "/v1/chat/completions", k = key) {
  const res = await fetch(h.proxyUrl(slug, path), {
    method: "POST",
    headers: { authorization: `Bearer ${k}`, "content-type": "application/json" },
    body,
  });
  return { status: res.status, provider: res.headers.get("x-proxy-provider"), json: await res.json() };
}

const chat = (model: string) =>
  `{"model": ${JSON.stringify(model)}, "messages":[{"role":"user","content":"hi"}], "max_tokens": 5}`;

describe("model routing", () => {
  it("sends a model only to members serving it (names and globs; no list serves all)", async () => {
    const g = await makeGroup([
      { up: 0, models: ["claude-sonnet-*"] },
      { up: 1, models: ["gpt-4.1*"] },
      { up: 2, providerModels: ["gemini-*"] },
    ]);
    for (let i = 0; i < 6; i++) {
      expect((await post(g.slug, chat("claude-sonnet-4"))).provider).toBe(g.names[0]);
      expect((await post(g.slug, chat("gpt-4.1-mini"))).provider).toBe(g.names[1]);
      expect((await post(g.slug, chat("gemini-2.5-pro"))).provider).toBe(g.names[2]);
    }
  });

  it("answers 404 MODEL_NOT_SERVED naming the model and the group", async () => {
    const g = await makeGroup([{ up: 0, models: ["a-*"] }]);
    const res = await post(g.slug, chat("b-1"));
    expect(res.status).toBe(404);
    expect(res.json.error.code).toBe("MODEL_NOT_SERVED");
    expect(res.json.error.message).toContain('"b-1"');
    expect(res.json.error.message).toContain(g.slug);
    expect(ups[0]!.requests.some((r) => r.body.includes('"b-1"'))).toBe(false);
  });

  it("fails over only inside the members serving the model", async () => {
    const g = await makeGroup([
      { up: 0, models: ["m-*"], priority: 0 },
      { up: 1, models: ["other"], priority: 1 },
    ]);
    await ups[0]!.setBehaviour({ mode: "status", status: 503 });
    try {
      const before = ups[1]!.requestCount;
      const res = await post(g.slug, chat("m-1"));
      expect(res.status).toBe(503);
      expect(ups[1]!.requestCount).toBe(before);
    } finally {
      await ups[0]!.setBehaviour({});
    }
  });

  it("rewrites only the model's bytes for an alias and logs both names", async () => {
    const g = await makeGroup([{ up: 1, modelMap: { "claude-sonnet-4": "anthropic/claude-sonnet-4" } }]);
    const body =
      '{ "max_tokens":1.50E+2 ,"model" : "claude-sonnet-4",\n "messages":[{"role":"user","content":"h\\u00e9 🙂"}],"x":{"model":"claude-sonnet-4"}}';
    const res = await post(g.slug, body, "/v1/messages");
    expect(res.status).toBe(200);
    const seen = ups[1]!.requests.at(-1)!;
    expect(seen.body).toBe(body.replace('"claude-sonnet-4",', '"anthropic/claude-sonnet-4",'));
    const [row] = await h.requestLogs();
    expect(row).toMatchObject({ model: "claude-sonnet-4", upstreamModel: "anthropic/claude-sonnet-4" });
  });

  it("refuses a model outside the key's allowed models with 403 MODEL_NOT_ALLOWED", async () => {
    const g = await makeGroup([{ up: 0 }]);
    const limited = (await h.addKey({ allowedModels: ["gpt-4o*"] })).key;
    await h.reload();
    expect((await post(g.slug, chat("gpt-4o-mini"), undefined, limited)).status).toBe(200);
    const refused = await post(g.slug, chat("o3"), undefined, limited);
    expect(refused.status).toBe(403);
    expect(refused.json.error.code).toBe("MODEL_NOT_ALLOWED");
  });

  it("answers GET /v1/models from the configured lists in OpenAI and Anthropic shapes", async () => {
    const g = await makeGroup([
      { up: 0, models: ["claude-sonnet-4", "claude-*"] },
      { up: 1, models: ["gpt-4o"], modelMap: { "alias-x": "real-x" } },
    ]);
    const before = ups[0]!.requestCount + ups[1]!.requestCount;
    const openai = await fetch(h.proxyUrl(g.slug, "/v1/models"), {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(openai.status).toBe(200);
    const list = (await openai.json()) as { object: string; data: { id: string; object: string }[] };
    expect(list.object).toBe("list");
    expect(list.data.map((m) => m.id)).toEqual(["alias-x", "claude-sonnet-4", "gpt-4o"]);
    const anthropic = await fetch(h.proxyUrl(g.slug, "/v1/models"), {
      headers: { "x-api-key": key, "anthropic-version": "2023-06-01" },
    });
    const page = (await anthropic.json()) as { data: { type: string; id: string }[]; has_more: boolean };
    expect(page.has_more).toBe(false);
    expect(page.data[0]).toMatchObject({ type: "model", id: "alias-x" });
    expect(ups[0]!.requestCount + ups[1]!.requestCount).toBe(before);
  });

  it("forwards GET /v1/models when a member has no list", async () => {
    const g = await makeGroup([{ up: 0, models: ["x"] }, { up: 1 }]);
    const res = await fetch(h.proxyUrl(g.slug, "/v1/models"), {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-proxy-provider")).not.toBeNull();
  });
});
