import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RequestLogRow } from "../db/schema";
import { startGatewayHarness, type GatewayHarness } from "../testing/gateway-harness";
import { startMockUpstream, type MockUpstream } from "../testing/mock-upstream";

let h: GatewayHarness;
let up: MockUpstream;
let slug: string;
let key: string;

beforeAll(async () => {
  h = await startGatewayHarness();
  up = await startMockUpstream();
  ({ slug, key } = await h.addRoute({ baseUrl: up.url, apiKey: "prov-secret" }));
});

afterAll(async () => {
  await h?.close();
  await up?.close();
});

function send(path: string, body: Record<string, unknown>) {
  return fetch(h.proxyUrl(slug, path), {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

async function rowOf(res: Response): Promise<RequestLogRow> {
  const id = res.headers.get("x-request-id");
  const row = (await h.requestLogs()).find((r) => r.id === id);
  if (!row) throw new Error("no log row");
  return row;
}

describe("streaming", () => {
  it("delivers each SSE event on its own as the upstream sends it (no bunching)", async () => {
    await up.setBehaviour({ chunkDelayMs: 120, chunks: 5, text: "abcdefghij" });
    try {
      const res = await send("/v1/messages", { model: "claude", stream: true, max_tokens: 9 });
      expect(res.headers.get("content-type")).toContain("text/event-stream");
      const reader = res.body!.getReader();
      const decoder = new TextDecoder();
      const reads: string[] = [];
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        reads.push(decoder.decode(value));
      }
      const deltaReads = reads.filter((r) => r.includes("content_block_delta"));
      expect(deltaReads).toHaveLength(5);
      for (const r of deltaReads) expect(r.match(/content_block_delta/g)).toHaveLength(2);
      expect(reads.join("")).toContain("message_stop");
    } finally {
      await up.setBehaviour({});
    }
  });

  it("parses Anthropic SSE usage (message_start + message_delta) and model", async () => {
    await up.setBehaviour({ inputTokens: 21, outputTokens: 34, model: "claude-mock" });
    try {
      const res = await send("/v1/messages", { model: "asked", stream: true, max_tokens: 9 });
      await res.text();
      const row = await rowOf(res);
      expect(row).toMatchObject({ streamed: true, model: "claude-mock", inputTokens: 21, outputTokens: 34 });
      expect(row.bytesOut).toBeGreaterThan(100);
      expect(row.bytesIn).toBe(
        Buffer.byteLength(JSON.stringify({ model: "asked", stream: true, max_tokens: 9 })),
      );
      expect(row.ttfbMs).not.toBeNull();
      expect(row.path).toBe("/v1/messages");
    } finally {
      await up.setBehaviour({});
    }
  });

  it("parses the OpenAI final usage chunk (stream_options.include_usage)", async () => {
    await up.setBehaviour({ inputTokens: 5, outputTokens: 8, model: "gpt-mock" });
    try {
      const res = await send("/v1/chat/completions?debug=secret-token", {
        model: "asked",
        stream: true,
        stream_options: { include_usage: true },
      });
      expect(await res.text()).toContain("[DONE]");
      const row = await rowOf(res);
      expect(row).toMatchObject({ streamed: true, model: "gpt-mock", inputTokens: 5, outputTokens: 8 });
      expect(row.path).toBe("/v1/chat/completions");
    } finally {
      await up.setBehaviour({});
    }
  });

  it("logs no tokens for an OpenAI stream without usage, but still the model", async () => {
    const res = await send("/v1/chat/completions", { model: "asked", stream: true });
    await res.text();
    const row = await rowOf(res);
    expect(row).toMatchObject({ model: "mock-model", inputTokens: null, outputTokens: null });
  });

  it("parses JSON usage for both APIs", async () => {
    await up.setBehaviour({ inputTokens: 3, outputTokens: 4 });
    try {
      for (const path of ["/v1/messages", "/v1/chat/completions"]) {
        const res = await send(path, { model: "asked", messages: [] });
        await res.json();
        expect(await rowOf(res)).toMatchObject({
          streamed: false,
          model: "mock-model",
          inputTokens: 3,
          outputTokens: 4,
        });
      }
    } finally {
      await up.setBehaviour({});
    }
  });

  it("falls back to the request's model when the response names none", async () => {
    await up.setBehaviour({ mode: "status", status: 422, body: '{"error":{"message":"nope"}}' });
    try {
      const res = await send("/v1/chat/completions", { model: "from-request", messages: [] });
      expect(res.status).toBe(422);
      await res.text();
      expect(await rowOf(res)).toMatchObject({ model: "from-request", inputTokens: null, status: 422 });
    } finally {
      await up.setBehaviour({});
    }
  });
});
