import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { RequestLogRow } from "../db/schema";
import { startGatewayHarness, type GatewayHarness, type GroupSeed } from "../testing/gateway-harness";
import { startMockUpstream, type MockBehaviour, type MockUpstream } from "../testing/mock-upstream";

let h: GatewayHarness;
let bad: MockUpstream;
let good: MockUpstream;
let key: string;

beforeAll(async () => {
  // These tests fail over many times a second: the instance-wide retry budget (3/s at low traffic)
  // has its own suite (gateway-resilience.int.test.ts), so it is off here.
  h = await startGatewayHarness({
    gatewayOptions: { backoffBaseMs: 5, backoffCapMs: 50, retryBudget: false },
  });
  bad = await startMockUpstream();
  good = await startMockUpstream();
  key = (await h.addKey()).key;
});

afterEach(async () => {
  await bad.setBehaviour({});
  await good.setBehaviour({});
});

afterAll(async () => {
  await h?.close();
  await bad?.close();
  await good?.close();
});

/** A group where "bad" is tried first (tier 0) and "good" second (tier 1). */
async function pairGroup(seed: GroupSeed = {}) {
  const g = await h.addGroup(seed);
  const b = await h.addProvider({ name: `${g.slug}-bad`, baseUrl: bad.url });
  const o = await h.addProvider({ name: `${g.slug}-good`, baseUrl: good.url });
  await h.addMember(g.id, b.id, { priority: 0 });
  await h.addMember(g.id, o.id, { priority: 1 });
  await h.reload();
  return g.slug;
}

function chat(slug: string, body: Record<string, unknown> = {}, path = "/v1/chat/completions") {
  return fetch(h.proxyUrl(slug, path), {
    method: "POST",
    headers: { "x-api-key": key, "content-type": "application/json" },
    body: JSON.stringify({ model: "req-model", messages: [{ role: "user", content: "hi" }], ...body }),
  });
}

async function logRow(res: Response): Promise<RequestLogRow> {
  const id = res.headers.get("x-request-id");
  for (let i = 0; i < 50; i++) {
    const row = (await h.requestLogs()).find((r) => r.id === id);
    if (row) return row;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`no log row for ${id}`);
}

describe("failover before the first byte", () => {
  const cases: [string, MockBehaviour, string | number, GroupSeed?][] = [
    ["refused connection", { mode: "refuse" }, "UPSTREAM_CONNECT_FAILED"],
    ["reset", { mode: "reset" }, "UPSTREAM_RESET"],
    ["503", { mode: "status", status: 503 }, 503],
    ["timeout (no answer)", { mode: "hang" }, "UPSTREAM_FIRST_BYTE_TIMEOUT", { firstByteTimeoutMs: 300 }],
    ["slow first byte", { delayMs: 2_000 }, "UPSTREAM_FIRST_BYTE_TIMEOUT", { firstByteTimeoutMs: 300 }],
  ];
  for (const [name, behaviour, first, seed] of cases) {
    it(`fails over on ${name}`, async () => {
      const slug = await pairGroup(seed);
      await bad.setBehaviour(behaviour);
      const res = await chat(slug);
      expect(res.status).toBe(200);
      expect(((await res.json()) as { object: string }).object).toBe("chat.completion");
      expect(res.headers.get("x-proxy-provider")).toBe(`${slug}-good`);
      expect(res.headers.get("x-proxy-attempts")).toBe("2");
      const row = await logRow(res);
      expect(row.status).toBe(200);
      expect(row.attempts).toHaveLength(2);
      const [a0, a1] = row.attempts;
      if (typeof first === "number") expect(a0?.status).toBe(first);
      else expect(a0?.errorCode).toBe(first);
      expect(a0?.outcome).toBe("failure");
      expect(a1?.outcome).toBe("success");
      expect(row.providerId).toBe(a1?.providerId);
    });
  }

  it("fails over on an error event inside a 200 stream (Anthropic and OpenAI)", async () => {
    const slug = await pairGroup();
    await bad.setBehaviour({ mode: "sse-error-before-content" });
    for (const path of ["/v1/messages", "/v1/chat/completions"]) {
      const res = await chat(slug, { stream: true, max_tokens: 10 }, path);
      expect(res.status).toBe(200);
      const text = await res.text();
      expect(text).not.toContain("overloaded");
      expect(text).not.toContain("error");
      expect(text).toContain("Hello");
      const row = await logRow(res);
      expect(row.attempts.map((a) => a.errorCode ?? a.status)).toEqual(["UPSTREAM_STREAM_ERROR", 200]);
      expect(row.streamed).toBe(true);
    }
  });

  it("fails over when a stream ends before its first content event", async () => {
    const slug = await pairGroup();
    await bad.setBehaviour({ mode: "sse-end-before-content" });
    const res = await chat(slug, { stream: true, max_tokens: 10 }, "/v1/messages");
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("message_stop");
    expect(res.headers.get("x-proxy-provider")).toBe(`${slug}-good`);
  });

  it("fails over when a stream sends no content event within the first-byte timeout", async () => {
    const slug = await pairGroup({ firstByteTimeoutMs: 300 });
    await bad.setBehaviour({ chunkDelayMs: 1_000 });
    const res = await chat(slug, { stream: true, max_tokens: 10 }, "/v1/messages");
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("message_stop");
    const row = await logRow(res);
    expect(row.attempts[0]?.errorCode).toBe("UPSTREAM_FIRST_BYTE_TIMEOUT");
  });

  it("never retries a provider that already failed while another remains", async () => {
    const g = await h.addGroup({ maxAttempts: 3, strategy: "round_robin" });
    const b = await h.addProvider({ name: `${g.slug}-bad`, baseUrl: bad.url });
    const o = await h.addProvider({ name: `${g.slug}-good`, baseUrl: good.url });
    await h.addMember(g.id, b.id);
    await h.addMember(g.id, o.id);
    await h.reload();
    await bad.setBehaviour({ mode: "status", status: 500 });
    await good.setBehaviour({ mode: "status", status: 502 });
    const res = await chat(g.slug);
    const row = await logRow(res);
    const ids = row.attempts.map((a) => a.providerId);
    expect(ids).toHaveLength(3);
    expect(ids[0]).not.toBe(ids[1]);
  });
});

describe("when every attempt fails", () => {
  it("answers the unified error listing each attempt: 502 for connect errors", async () => {
    const slug = await pairGroup({ maxAttempts: 2 });
    await bad.setBehaviour({ mode: "refuse" });
    await good.setBehaviour({ mode: "reset" });
    const res = await chat(slug);
    expect(res.status).toBe(502);
    const body = (await res.json()) as {
      type: string;
      error: { code: string; type: string; message: string; details: { provider: string; error: string }[] };
    };
    expect(body.type).toBe("error");
    expect(body.error.code).toBe("UPSTREAM_RESET");
    expect(body.error.details.map((d) => d.provider)).toEqual([`${slug}-bad`, `${slug}-good`]);
    expect(body.error.details.map((d) => d.error)).toEqual(["UPSTREAM_CONNECT_FAILED", "UPSTREAM_RESET"]);
    expect(body.error.message).toContain(`${slug}-bad`);
    const row = await logRow(res);
    expect(row.status).toBe(502);
    expect(row.errorCode).toBe("UPSTREAM_RESET");
  });

  it("answers 504 when the last failure was a timeout", async () => {
    const slug = await pairGroup({ firstByteTimeoutMs: 200 });
    await bad.setBehaviour({ mode: "hang" });
    await good.setBehaviour({ mode: "hang" });
    const res = await chat(slug);
    expect(res.status).toBe(504);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe(
      "UPSTREAM_FIRST_BYTE_TIMEOUT",
    );
  });

  it("answers 503 when the last failure was an overloaded stream error", async () => {
    const slug = await pairGroup();
    await bad.setBehaviour({ mode: "sse-error-before-content" });
    await good.setBehaviour({ mode: "sse-error-before-content" });
    const res = await chat(slug, { stream: true }, "/v1/messages");
    expect(res.status).toBe(503);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("UPSTREAM_OVERLOADED");
  });

  it("passes the last retryable upstream status through (body and Retry-After)", async () => {
    const slug = await pairGroup({ maxAttempts: 2 });
    await bad.setBehaviour({ mode: "status", status: 503 });
    await good.setBehaviour({ mode: "status", status: 529, body: '{"final":true}', retryAfter: "7" });
    const res = await chat(slug);
    expect(res.status).toBe(529);
    expect(await res.text()).toBe('{"final":true}');
    expect(res.headers.get("retry-after")).toBe("7");
    expect(res.headers.get("x-proxy-attempts")).toBe("2");
    const row = await logRow(res);
    expect(row.status).toBe(529);
    expect(row.errorCode).toBe("UPSTREAM_OVERLOADED");
  });

  it("stops at the group's total deadline", async () => {
    const slug = await pairGroup({ totalTimeoutMs: 400, firstByteTimeoutMs: 5_000 });
    await bad.setBehaviour({ mode: "hang" });
    const before = good.requestCount;
    const res = await chat(slug);
    expect(res.status).toBe(504);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("UPSTREAM_TIMEOUT");
    expect(good.requestCount).toBe(before);
  });
});

describe("after the first byte", () => {
  it("never fails over: the client gets the partial stream and an Anthropic error event", async () => {
    const slug = await pairGroup();
    await bad.setBehaviour({ mode: "fail-mid-stream", failAfterChunks: 1, chunks: 3 });
    const before = good.requestCount;
    const res = await chat(slug, { stream: true, max_tokens: 10 }, "/v1/messages");
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toContain("content_block_delta");
    expect(text).not.toContain("message_stop");
    expect(text).toMatch(
      /event: error\ndata: \{"type":"error","error":\{"type":"api_error","code":"UPSTREAM_RESET"/,
    );
    expect(good.requestCount).toBe(before);
    const row = await logRow(res);
    expect(row.attempts).toHaveLength(1);
    expect(row.errorCode).toBe("UPSTREAM_RESET");
  });

  it("ends an OpenAI stream with a data: {error} event", async () => {
    const slug = await pairGroup();
    await bad.setBehaviour({ mode: "fail-mid-stream", failAfterChunks: 2, chunks: 4 });
    const res = await chat(slug, { stream: true });
    const text = await res.text();
    expect(text).toContain('"content":"');
    expect(text).not.toContain("[DONE]");
    expect(text).toMatch(/data: \{"error":\{"type":"api_error","code":"UPSTREAM_RESET"/);
  });

  it("closes with an idle-timeout error event when the stream stalls", async () => {
    const slug = await pairGroup({ idleTimeoutMs: 200 });
    await bad.setBehaviour({ chunkDelayMs: 600 });
    const res = await chat(slug, { stream: true });
    const text = await res.text();
    expect(text).toMatch(/data: \{"error":\{"type":"timeout_error","code":"UPSTREAM_IDLE_TIMEOUT"/);
  });
});

async function within<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function waitFor(check: () => boolean | Promise<boolean>, ms = 2_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 10));
  }
}

function abortableChat(slug: string, signal: AbortSignal) {
  return fetch(h.proxyUrl(slug, "/v1/chat/completions"), {
    method: "POST",
    headers: { "x-api-key": key, "content-type": "application/json" },
    body: JSON.stringify({ model: "m", messages: [] }),
    signal,
  }).catch(() => null);
}

describe("client abort", () => {
  it("reaches the upstream within 1 s while waiting for its answer, and is logged as 499", async () => {
    const slug = await pairGroup();
    await bad.setBehaviour({ mode: "hang" });
    const before = bad.requestCount;
    const aborted = new Promise<void>((resolve) => bad.onAbort(() => resolve()));
    const controller = new AbortController();
    const pending = abortableChat(slug, controller.signal);
    await waitFor(() => bad.requestCount > before);
    controller.abort();
    await within(aborted, 1_000, "the upstream saw no abort within 1 s");
    await pending;
    await waitFor(async () => (await h.requestLogs()).some((r) => r.groupSlug === slug && r.status === 499));
    const row = (await h.requestLogs()).find((r) => r.groupSlug === slug)!;
    expect(row.errorCode).toBe("CLIENT_CLOSED");
    expect(row.attempts[0]?.outcome).toBe("aborted");
  });

  it("reaches the upstream within 1 s in the middle of a stream", async () => {
    const slug = await pairGroup();
    await bad.setBehaviour({ chunkDelayMs: 200, chunks: 50 });
    const aborted = new Promise<void>((resolve) => bad.onAbort(() => resolve()));
    const controller = new AbortController();
    const res = await fetch(h.proxyUrl(slug, "/v1/chat/completions"), {
      method: "POST",
      headers: { "x-api-key": key, "content-type": "application/json" },
      body: JSON.stringify({ model: "m", messages: [], stream: true }),
      signal: controller.signal,
    });
    const reader = res.body!.getReader();
    await reader.read();
    controller.abort();
    await within(aborted, 1_000, "the upstream saw no abort within 1 s");
  });

  it("cuts a backoff sleep short: no further attempt, logged as 499 at once", async () => {
    const slow = await startGatewayHarness({ gatewayOptions: { backoffBaseMs: 5, backoffCapMs: 10_000 } });
    try {
      const g = await slow.addGroup();
      const b = await slow.addProvider({ baseUrl: bad.url });
      const o = await slow.addProvider({ baseUrl: good.url });
      await slow.addMember(g.id, b.id, { priority: 0 });
      await slow.addMember(g.id, o.id, { priority: 1 });
      const k = (await slow.addKey()).key;
      await slow.reload();
      await bad.setBehaviour({ mode: "status", status: 503, retryAfter: "5" });
      const goodBefore = good.requestCount;
      const badBefore = bad.requestCount;
      const controller = new AbortController();
      const pending = fetch(slow.proxyUrl(g.slug, "/v1/models"), {
        headers: { "x-api-key": k },
        signal: controller.signal,
      }).catch(() => null);
      await waitFor(() => bad.requestCount > badBefore);
      await new Promise((r) => setTimeout(r, 50));
      controller.abort();
      await pending;
      // The gateway honours Retry-After: 5 s; the row appears well before that only if the sleep woke.
      await within(
        waitFor(async () => (await slow.requestLogs()).some((r) => r.status === 499), 4_000),
        1_500,
        "the backoff sleep was not interrupted",
      );
      expect(good.requestCount).toBe(goodBefore);
    } finally {
      await slow.close();
    }
  });
});
