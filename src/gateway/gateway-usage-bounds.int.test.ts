import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGatewayHarness, type GatewayHarness } from "../testing/gateway-harness";
import { startMockUpstream, type MockUpstream } from "../testing/mock-upstream";

/** Absurd token counts from an upstream: dropped with a warning, the response and the log row intact. */

let h: GatewayHarness;
let up: MockUpstream;
let slug: string;
let key: string;

beforeAll(async () => {
  h = await startGatewayHarness();
  up = await startMockUpstream();
  ({ slug, key } = await h.addRoute({ baseUrl: up.url }));
});

afterAll(async () => {
  await h?.close();
  await up?.close();
});

describe("usage bounds through the gateway", () => {
  it.each([
    ["JSON", false],
    ["SSE", true],
  ])(
    "%s: 1e20 and negative counts are dropped, warned about, and the log row is still written",
    async (_kind, stream) => {
      await up.setBehaviour({ inputTokens: 1e20, outputTokens: -5 });
      try {
        const res = await fetch(h.proxyUrl(slug, "/v1/chat/completions"), {
          method: "POST",
          headers: { "x-api-key": key, "content-type": "application/json" },
          body: JSON.stringify({
            model: "m",
            stream,
            stream_options: { include_usage: stream },
            messages: [],
          }),
        });
        expect(res.status).toBe(200);
        // The client gets the upstream's bytes untouched.
        expect(await res.text()).toContain("100000000000000000000");
        const id = res.headers.get("x-request-id");
        const row = (await h.requestLogs()).find((r) => r.id === id);
        expect(row).toMatchObject({ status: 200, inputTokens: null, outputTokens: null });
        const warning = h.logLines.find((l) => l.includes(id!) && l.includes("out of range"));
        expect(warning).toContain("prompt_tokens=100000000000000000000");
      } finally {
        await up.setBehaviour({});
      }
    },
  );
});
