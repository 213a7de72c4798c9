import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
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
  up = await startMockUpstream({
    behaviour: { inputTokens: 13, outputTokens: 17, text: "Hello there, SDK." },
  });
  ({ slug, key } = await h.addRoute({ baseUrl: up.url, apiKey: "prov-secret" }));
});

afterAll(async () => {
  await h?.close();
  await up?.close();
});

async function newestRow(): Promise<RequestLogRow> {
  const rows = await h.requestLogs();
  return rows[0]!;
}

describe("official SDKs pointed at the gateway", () => {
  const openai = () => new OpenAI({ apiKey: key, baseURL: h.proxyUrl(slug, "/v1"), maxRetries: 0 });
  const anthropic = () => new Anthropic({ apiKey: key, baseURL: h.proxyUrl(slug), maxRetries: 0 });

  it("openai: chat completion", async () => {
    const out = await openai().chat.completions.create({
      model: "gpt-x",
      messages: [{ role: "user", content: "hi" }],
    });
    expect(out.choices[0]?.message.content).toBe("Hello there, SDK.");
    expect(out.usage?.prompt_tokens).toBe(13);
    expect(await newestRow()).toMatchObject({
      status: 200,
      inputTokens: 13,
      outputTokens: 17,
      streamed: false,
    });
  });

  it("openai: streaming chat completion with usage", async () => {
    const stream = await openai().chat.completions.create({
      model: "gpt-x",
      messages: [{ role: "user", content: "hi" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = "";
    let usage: number | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? "";
      if (chunk.usage) usage = chunk.usage.completion_tokens;
    }
    expect(text).toBe("Hello there, SDK.");
    expect(usage).toBe(17);
    expect(await newestRow()).toMatchObject({
      status: 200,
      inputTokens: 13,
      outputTokens: 17,
      streamed: true,
    });
  });

  it("openai: model list", async () => {
    const page = await openai().models.list();
    expect(page.data[0]?.id).toBe("mock-model");
  });

  it("openai: a gateway error surfaces as an APIError with our code", async () => {
    const bad = new OpenAI({ apiKey: "sk-wrong", baseURL: h.proxyUrl(slug, "/v1"), maxRetries: 0 });
    const err = await bad.models.list().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(401);
    expect((err as InstanceType<typeof OpenAI.APIError>).code).toBe("GATEWAY_KEY_INVALID");
  });

  it("anthropic: message", async () => {
    const msg = await anthropic().messages.create({
      model: "claude-x",
      max_tokens: 10,
      messages: [{ role: "user", content: "hi" }],
    });
    expect(msg.content[0]).toMatchObject({ type: "text", text: "Hello there, SDK." });
    expect(msg.usage.output_tokens).toBe(17);
    expect(await newestRow()).toMatchObject({
      status: 200,
      inputTokens: 13,
      outputTokens: 17,
      model: "mock-model",
    });
    expect(up.requests.at(-1)?.headers["x-api-key"]).toBeUndefined();
    expect(up.requests.at(-1)?.headers.authorization).toBe("Bearer prov-secret");
  });

  it("anthropic: streaming message", async () => {
    const stream = anthropic().messages.stream({
      model: "claude-x",
      max_tokens: 10,
      messages: [{ role: "user", content: "hi" }],
    });
    let text = "";
    stream.on("text", (t) => {
      text += t;
    });
    const final = await stream.finalMessage();
    expect(text).toBe("Hello there, SDK.");
    expect(final.usage.output_tokens).toBe(17);
    expect(await newestRow()).toMatchObject({
      status: 200,
      inputTokens: 13,
      outputTokens: 17,
      streamed: true,
    });
  });

  it("anthropic: a gateway error surfaces with its type", async () => {
    const bad = new Anthropic({ apiKey: "sk-wrong", baseURL: h.proxyUrl(slug), maxRetries: 0 });
    const err = await bad.messages
      .create({ model: "c", max_tokens: 1, messages: [{ role: "user", content: "x" }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.AuthenticationError);
  });

  it("both SDKs surface a failure after the first byte as an error, after the partial text", async () => {
    await up.setBehaviour({ mode: "fail-mid-stream", failAfterChunks: 1, chunks: 3, text: "abcdefghi" });
    try {
      const a = anthropic().messages.stream({
        model: "c",
        max_tokens: 10,
        messages: [{ role: "user", content: "x" }],
      });
      let aText = "";
      a.on("text", (t) => {
        aText += t;
      });
      const aErr = await a.finalMessage().catch((e: unknown) => e);
      expect(aErr).toBeInstanceOf(Anthropic.APIError);
      expect(String((aErr as Error).message)).toContain("UPSTREAM_RESET");
      expect(aText).toBe("abc");

      const o = await openai().chat.completions.create({
        model: "g",
        messages: [{ role: "user", content: "x" }],
        stream: true,
      });
      let oText = "";
      const oErr = await (async () => {
        for await (const chunk of o) oText += chunk.choices[0]?.delta.content ?? "";
      })().catch((e: unknown) => e);
      expect(oErr).toBeInstanceOf(OpenAI.APIError);
      expect(oText).toBe("abc");
    } finally {
      await up.setBehaviour({ inputTokens: 13, outputTokens: 17, text: "Hello there, SDK." });
    }
  });
});
