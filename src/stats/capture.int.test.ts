import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiKeys, groups, requestCaptures } from "@/db/schema";
import { createLogsService, type LogsService } from "@/services/logs-service";
import { readCapturePayload } from "@/stats/capture-row";
import { startGatewayHarness, type GatewayHarness } from "@/testing/gateway-harness";
import { startMockUpstream, type MockUpstream } from "@/testing/mock-upstream";

/**
 * Request capture through the real gateway (PGlite): modes, key override, truncation, SSE, failed
 * attempts, and a canary for every redaction class — none of the secrets may reach the table.
 */

let h: GatewayHarness;
let failing: MockUpstream;
let healthy: MockUpstream;
let logs: LogsService;
let key = "";
let keyId = "";

const CANARY = {
  providerKeyA: "canary-provider-a-credential-0001",
  providerKeyB: "canary-provider-b-credential-0002",
  providerHeader: "canary-provider-header-value-0003",
  cookie: "canary-cookie-value-0004",
  password: "canary-password-value-0005",
  operator: "canary-operator-listed-0006",
  token: "canary-token-field-0007",
};

async function setGroup(slug: string, fields: Partial<typeof groups.$inferInsert>): Promise<void> {
  await h.db.update(groups).set(fields).where(eq(groups.slug, slug));
  await h.reload();
}

async function send(
  slug: string,
  body: unknown,
  extraHeaders: Record<string, string> = {},
): Promise<{ id: string; status: number; text: string }> {
  const res = await fetch(h.proxyUrl(slug, "/v1/messages?beta=true"), {
    method: "POST",
    headers: { "x-api-key": key, "content-type": "application/json", ...extraHeaders },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  return { id: res.headers.get("x-request-id")!, status: res.status, text };
}

async function storedRows() {
  await h.gateway.logWriter.flush();
  await h.gateway.captureWriter.flush();
  return h.db.select().from(requestCaptures);
}

beforeAll(async () => {
  h = await startGatewayHarness({ gatewayOptions: { captureRedactNames: ["x-operator-field"] } });
  failing = await startMockUpstream({
    behaviour: {
      mode: "status",
      status: 503,
      body: JSON.stringify({
        error: { message: `upstream saw ${CANARY.providerKeyA} and ${CANARY.providerHeader}` },
      }),
      headers: { "set-cookie": `sid=${CANARY.cookie}`, "x-echo": CANARY.providerKeyA },
    },
  });
  healthy = await startMockUpstream({ behaviour: { text: "Hello from upstream" } });
  const a = await h.addProvider({
    name: "failing",
    baseUrl: failing.url,
    apiKey: CANARY.providerKeyA,
    headers: { "x-extra-credential": CANARY.providerHeader },
  });
  const b = await h.addProvider({ name: "healthy", baseUrl: healthy.url, apiKey: CANARY.providerKeyB });
  for (const slug of ["cap-errors", "cap-all", "cap-off"]) {
    const g = await h.addGroup({ slug, retryOn: [503] });
    await h.addMember(g.id, a.id, { priority: slug === "cap-errors" ? 0 : 5 });
    await h.addMember(g.id, b.id, { priority: 1 });
  }
  ({ key, id: keyId } = await h.addKey());
  logs = createLogsService(h.serviceContext());
  await setGroup("cap-errors", { capture: "errors" });
  await setGroup("cap-all", { capture: "all", captureMaxBytes: 300 });
});

afterAll(async () => {
  await h?.close();
  await failing?.close();
  await healthy?.close();
});

describe("request capture", () => {
  it("stores nothing for a group with capture off", async () => {
    const { id } = await send("cap-off", { model: "m", messages: [] });
    const rows = await storedRows();
    expect(rows.find((r) => r.requestId === id)).toBeUndefined();
    expect((await logs.get(id)).capture).toBeNull();
  });

  it("errors mode keeps a retried request with both attempts, and no secret of any class", async () => {
    const body = {
      model: "m",
      password: CANARY.password,
      nested: { access_token: CANARY.token, "x-operator-field": CANARY.operator },
      note: `my gateway key is ${key}`,
      messages: [{ role: "user", content: "y".repeat(20_000) }],
    };
    const res = await send("cap-errors", body, {
      cookie: `session=${CANARY.cookie}`,
      "x-operator-field": CANARY.operator,
    });
    expect(res.status).toBe(200);
    const rows = await storedRows();
    const row = rows.find((r) => r.requestId === res.id)!;
    expect(row).toBeDefined();
    // Large enough to be stored deflated.
    expect(row.compressed).toBe(true);
    const payload = await readCapturePayload(row);
    const text = JSON.stringify(payload);
    for (const secret of [...Object.values(CANARY), key]) expect(text).not.toContain(secret);
    expect(payload.request.path).toBe("/v1/messages");
    expect(payload.request.query).toBe("?beta=true");
    expect(payload.request.headers.cookie).toBe("[REDACTED]");
    expect(payload.request.headers["x-api-key"]).toBe("[REDACTED]");
    expect(payload.request.headers["x-operator-field"]).toBe("[REDACTED]");
    expect(payload.attempts.map((a) => [a.provider, a.status])).toEqual([
      ["failing", 503],
      ["healthy", 200],
    ]);
    expect(payload.attempts[0]!.headers!["set-cookie"]).toBe("[REDACTED]");
    expect(payload.attempts[0]!.body!.text).toContain("upstream saw [REDACTED] and [REDACTED]");
    expect(payload.attempts[1]!.body!.text).toContain("Hello from upstream");
    // Every stored row, raw: not one canary anywhere in the table.
    for (const stored of await storedRows()) {
      const raw = JSON.stringify(await readCapturePayload(stored));
      for (const secret of [...Object.values(CANARY), key]) expect(raw).not.toContain(secret);
    }
  });

  it("errors mode skips a request that succeeded at once", async () => {
    await failing.setBehaviour({ text: "fine" });
    const { id, status } = await send("cap-errors", { model: "m", messages: [] });
    expect(status).toBe(200);
    expect((await storedRows()).find((r) => r.requestId === id)).toBeUndefined();
    await failing.setBehaviour({
      mode: "status",
      status: 503,
      body: JSON.stringify({ error: { message: `upstream saw ${CANARY.providerKeyA}` } }),
    });
  });

  it("all mode truncates bodies at captureMaxBytes and says so, with the full size", async () => {
    const body = { model: "m", messages: [{ role: "user", content: "z".repeat(2_000) }] };
    const { id } = await send("cap-all", body);
    await storedRows();
    const detail = await logs.get(id);
    expect(detail.capture!.request.body.truncated).toBe(true);
    expect(detail.capture!.request.body.bytes).toBe(Buffer.byteLength(JSON.stringify(body)));
    expect(detail.bodies!.request!.text.length).toBeLessThanOrEqual(400);
    expect(detail.bodies!.response!.text).toContain("Hello from upstream");
  });

  it("captures a streamed answer as its raw event stream", async () => {
    const { id } = await send("cap-all", { model: "m", stream: true, messages: [] });
    await storedRows();
    await setGroup("cap-all", { captureMaxBytes: 1_048_576 });
    const { id: full } = await send("cap-all", { model: "m", stream: true, messages: [] });
    await storedRows();
    expect((await logs.get(id)).streamed).toBe(true);
    const detail = await logs.get(full);
    expect(detail.capture!.attempts[0]!.body!.text).toContain("event: message_start");
    expect(detail.capture!.attempts[0]!.body!.text).toContain("event: message_stop");
    expect(detail.capture!.attempts[0]!.body!.truncated).toBe(false);
  });

  it("a key's mode overrides its group's; sample rate 0 captures nothing", async () => {
    await h.db.update(apiKeys).set({ capture: "all" }).where(eq(apiKeys.id, keyId));
    await h.reload();
    const { id } = await send("cap-off", { model: "m", messages: [] });
    expect((await storedRows()).find((r) => r.requestId === id)).toBeDefined();
    await h.db.update(apiKeys).set({ capture: null }).where(eq(apiKeys.id, keyId));
    await setGroup("cap-all", { captureSampleRate: 0 });
    const { id: skipped } = await send("cap-all", { model: "m", messages: [] });
    expect((await storedRows()).find((r) => r.requestId === skipped)).toBeUndefined();
    expect(h.gateway.captureWriter.stats().dropped).toBe(0);
  });
});
