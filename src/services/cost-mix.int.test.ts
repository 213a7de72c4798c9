import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { modelPrices } from "@/db/schema";
import { createOverviewService } from "./overview-service";
import { startGatewayHarness, type GatewayHarness } from "@/testing/gateway-harness";
import { startMockUpstream, type MockUpstream } from "@/testing/mock-upstream";

/**
 * The cost of a scripted mix of OpenAI and Anthropic responses, JSON and SSE, with cache tokens:
 * each log row and the sums (rollups → dashboard spend) equal the figures computed by hand, to the
 * micro-dollar.
 */

let h: GatewayHarness;
let up: MockUpstream;
let slug: string;
let key: string;

const sse = (events: [string | null, unknown][]) =>
  events
    .map(
      ([name, data]) =>
        `${name ? `event: ${name}\n` : ""}data: ${typeof data === "string" ? data : JSON.stringify(data)}\n\n`,
    )
    .join("");

/** Body, content type and the hand-computed cost in micro-dollars (null = unpriced). */
const SCRIPT: { name: string; body: string; contentType: string; micros: number | null }[] = [
  {
    // gpt-4o: 176 uncached × $2.50 + 1,024 cached × $1.25 + 300 out × $10 (per MTok)
    // = 440 + 1,280 + 3,000 = 4,720 µ$
    name: "OpenAI JSON",
    contentType: "application/json",
    body: JSON.stringify({
      model: "gpt-4o",
      choices: [{ message: { role: "assistant", content: "ok" } }],
      usage: { prompt_tokens: 1200, completion_tokens: 300, prompt_tokens_details: { cached_tokens: 1024 } },
    }),
    micros: 4_720,
  },
  {
    // gpt-4o: 128 × 2.50 + 1,920 × 1.25 + 77 × 10 = 320 + 2,400 + 770 = 3,490 µ$
    name: "OpenAI SSE",
    contentType: "text/event-stream",
    body: sse([
      [null, { model: "gpt-4o", choices: [{ delta: { content: "hi" } }], usage: null }],
      [
        null,
        {
          model: "gpt-4o",
          choices: [],
          usage: {
            prompt_tokens: 2048,
            completion_tokens: 77,
            prompt_tokens_details: { cached_tokens: 1920 },
          },
        },
      ],
      [null, "[DONE]"],
    ]),
    micros: 3_490,
  },
  {
    // claude-sonnet-4-5: 7 × $3 + 100 written × $3.75 + 2,000 read × $0.30 + 40 out × $15
    // = 21 + 375 + 600 + 600 = 1,596 µ$
    name: "Anthropic JSON",
    contentType: "application/json",
    body: JSON.stringify({
      type: "message",
      model: "claude-sonnet-4-5",
      content: [{ type: "text", text: "ok" }],
      usage: {
        input_tokens: 7,
        cache_creation_input_tokens: 100,
        cache_read_input_tokens: 2000,
        output_tokens: 40,
      },
    }),
    micros: 1_596,
  },
  {
    // claude-sonnet-4-5: 13 × 3 + 5,000 read × 0.30 + 333 out × 15 = 39 + 1,500 + 4,995 = 6,534 µ$
    name: "Anthropic SSE",
    contentType: "text/event-stream",
    body: sse([
      [
        "message_start",
        {
          type: "message_start",
          message: {
            model: "claude-sonnet-4-5",
            usage: {
              input_tokens: 13,
              cache_creation_input_tokens: 0,
              cache_read_input_tokens: 5000,
              output_tokens: 1,
            },
          },
        },
      ],
      ["content_block_delta", { type: "content_block_delta", delta: { type: "text_delta", text: "hi" } }],
      ["message_delta", { type: "message_delta", usage: { output_tokens: 333 } }],
      ["message_stop", { type: "message_stop" }],
    ]),
    micros: 6_534,
  },
  {
    // gpt-4o: 3 × 2.50 + 1 × 10 = 17.5 µ$ → 18 (half up, once per request)
    name: "OpenAI JSON, fractional",
    contentType: "application/json",
    body: JSON.stringify({ model: "gpt-4o", choices: [], usage: { prompt_tokens: 3, completion_tokens: 1 } }),
    micros: 18,
  },
  {
    name: "unpriced model",
    contentType: "application/json",
    body: JSON.stringify({
      model: "llama-3",
      choices: [],
      usage: { prompt_tokens: 50, completion_tokens: 5 },
    }),
    micros: null,
  },
];

beforeAll(async () => {
  h = await startGatewayHarness();
  up = await startMockUpstream();
  ({ slug, key } = await h.addRoute({ baseUrl: up.url }));
  await h.db.insert(modelPrices).values([
    {
      model: "gpt-4o",
      inputPerMTokMicros: 2_500_000,
      outputPerMTokMicros: 10_000_000,
      cacheReadPerMTokMicros: 1_250_000,
      cacheWritePerMTokMicros: null,
    },
    {
      model: "claude-sonnet-4-*",
      inputPerMTokMicros: 3_000_000,
      outputPerMTokMicros: 15_000_000,
      cacheReadPerMTokMicros: 300_000,
      cacheWritePerMTokMicros: 3_750_000,
    },
  ]);
  await h.reload();
});

afterAll(async () => {
  await h?.close();
  await up?.close();
});

describe("cost of a scripted mix of responses", () => {
  it("prices every row and sums to the hand-computed figure to the micro-dollar", async () => {
    const ids = new Map<string, (typeof SCRIPT)[number]>();
    for (const step of SCRIPT) {
      up.queueBehaviour({ mode: "status", status: 200, body: step.body, contentType: step.contentType });
      const res = await fetch(h.proxyUrl(slug, "/v1/chat/completions"), {
        method: "POST",
        headers: { "x-api-key": key, "content-type": "application/json" },
        body: JSON.stringify({ model: "client-name", messages: [] }),
      });
      expect(res.status, step.name).toBe(200);
      await res.text();
      ids.set(res.headers.get("x-request-id")!, step);
    }
    const rows = (await h.requestLogs()).filter((r) => ids.has(r.id));
    expect(rows).toHaveLength(SCRIPT.length);
    for (const row of rows) {
      const step = ids.get(row.id)!;
      expect(row.costMicros === null ? null : Number(row.costMicros), step.name).toBe(step.micros);
    }
    const byName = new Map(rows.map((r) => [ids.get(r.id)!.name, r]));
    expect(byName.get("Anthropic SSE")).toMatchObject({
      inputTokens: 5013,
      cacheReadTokens: 5000,
      outputTokens: 333,
    });
    expect(byName.get("OpenAI JSON")).toMatchObject({
      inputTokens: 1200,
      cacheReadTokens: 1024,
      cacheWriteTokens: null,
    });

    const total = SCRIPT.reduce((sum, s) => sum + (s.micros ?? 0), 0);
    expect(total).toBe(16_358);
    const overview = await createOverviewService(h.serviceContext()).get();
    expect(overview.spend).toEqual({ todayUsd: 0.016358, monthUsd: 0.016358, timeZone: "UTC" });
  });
});
