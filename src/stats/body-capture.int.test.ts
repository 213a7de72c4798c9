import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { groups, requestBodies } from "@/db/schema";
import type { AdminServices } from "@/services/admin-services";
import { createLogsService } from "@/services/logs-service";
import { startGatewayHarness, type GatewayHarness } from "@/testing/gateway-harness";
import { startMockUpstream, type MockUpstream } from "@/testing/mock-upstream";

/** Body capture through the real gateway (PGlite): off by default, size-capped and redacted when on. */

let h: GatewayHarness;
let up: MockUpstream;
let services: Pick<AdminServices, "logs">;
let key = "";
const SECRET = "sk-live-0123456789abcdefghijklmnop";

async function post(slug: string, body: Record<string, unknown>): Promise<string> {
  const res = await fetch(h.proxyUrl(slug, "/v1/messages"), {
    method: "POST",
    headers: { "x-api-key": key, "content-type": "application/json" },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  await res.text();
  expect(res.status).toBe(200);
  return res.headers.get("x-request-id")!;
}

beforeAll(async () => {
  h = await startGatewayHarness();
  up = await startMockUpstream({ behaviour: { text: "Hello from upstream" } });
  services = { logs: createLogsService(h.serviceContext()) };
  const p = await h.addProvider({ baseUrl: up.url });
  const capture = await h.addGroup({ slug: "capture" });
  const plain = await h.addGroup({ slug: "plain" });
  await h.addMember(capture.id, p.id);
  await h.addMember(plain.id, p.id);
  await h.db
    .update(groups)
    .set({ captureBodies: true, captureMaxBytes: 300 })
    .where(eq(groups.id, capture.id));
  key = (await h.addKey()).key;
  await h.reload();
});

afterAll(async () => {
  await h?.close();
  await up?.close();
});

describe("body capture", () => {
  it("is off by default: no body is stored for a plain group", async () => {
    const id = await post("plain", { model: "m", api_key: SECRET, messages: [] });
    await h.gateway.logWriter.flush();
    expect(await h.db.select().from(requestBodies).where(eq(requestBodies.requestId, id))).toEqual([]);
    expect((await services.logs.get(id)).bodies).toBeNull();
  });

  it("stores the first captureMaxBytes of request and response, redacted, shown in the log detail", async () => {
    const body = {
      model: "m",
      max_tokens: 5,
      metadata: { apiKey: "plain-credential-value", note: `key ${SECRET}` },
      messages: [{ role: "user", content: "x".repeat(1_000) }],
    };
    const id = await post("capture", body);
    await h.gateway.logWriter.flush();
    const detail = await services.logs.get(id);
    const request = detail.bodies!.request!;
    expect(request.bytes).toBe(Buffer.byteLength(JSON.stringify(body)));
    expect(request.truncated).toBe(true);
    expect(request.text).toContain('"model":"m"');
    expect(request.text).not.toContain("plain-credential-value");
    expect(request.text).not.toContain(SECRET);
    expect(request.text.length).toBeLessThan(400);
    const response = detail.bodies!.response!;
    expect(response.truncated).toBe(false);
    expect(response.text).toContain("Hello from upstream");
    expect(response.bytes).toBe(detail.bytesOut);
  });

  it("captures a streamed (SSE) response too", async () => {
    const id = await post("capture", { model: "m", stream: true, messages: [] });
    await h.gateway.logWriter.flush();
    const detail = await services.logs.get(id);
    expect(detail.streamed).toBe(true);
    expect(detail.bodies!.response!.text).toContain("event: message_start");
  });
});
