import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  startAdminTestServer,
  TEST_ADMIN_TOKEN,
  VIEWER_COOKIE,
  type AdminTestServer,
} from "@/testing/admin-api-test-server";
import {
  CHAT_BODY,
  postToGateway,
  startGatewayHarness,
  type GatewayHarness,
} from "../testing/gateway-harness";
import { startMockUpstream, type MockUpstream } from "../testing/mock-upstream";
import { createObservability, type Observability } from "./create-observability";
import type { LiveSnapshot, TrafficSample } from "./live-hub";

/**
 * `GET /api/admin/health/stream` end to end: the gateway (real health layer) serves traffic on one
 * loopback server, the admin API with the stream route on another, and the test reads the event
 * stream over HTTP like a browser's EventSource would.
 */

interface SseMessage {
  id: string | null;
  event: string;
  data: string;
  /** A comment line (heartbeat) rather than an event. */
  comment: boolean;
}

interface SseClient {
  readonly status: number;
  readonly headers: Headers;
  /** Waits (bounded) for the next message matching `match`; earlier non-matching ones are skipped. */
  next(match: (m: SseMessage) => boolean, timeoutMs?: number): Promise<SseMessage>;
  /** Resolves when the server ends the stream. */
  readonly done: Promise<void>;
  close(): Promise<void>;
}

let h: GatewayHarness;
let admin: AdminTestServer;
let up: MockUpstream;
let obs: Observability;
let providerId: string;
let key: string;

async function openStream(headers: Record<string, string>): Promise<SseClient> {
  const controller = new AbortController();
  const res = await fetch(`${admin.origin}/api/admin/health/stream`, { headers, signal: controller.signal });
  const messages: SseMessage[] = [];
  const wake: { fn: (() => void) | null } = { fn: null };
  let ended = false;
  let markDone!: () => void;
  const done = new Promise<void>((resolve) => (markDone = resolve));
  if (res.body !== null && res.status === 200) {
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    void (async () => {
      let buffer = "";
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          buffer += value;
          let cut: number;
          while ((cut = buffer.indexOf("\n\n")) !== -1) {
            const block = buffer.slice(0, cut);
            buffer = buffer.slice(cut + 2);
            const msg: SseMessage = { id: null, event: "message", data: "", comment: false };
            for (const line of block.split("\n")) {
              if (line.startsWith(":")) msg.comment = true;
              else if (line.startsWith("id: ")) msg.id = line.slice(4);
              else if (line.startsWith("event: ")) msg.event = line.slice(7);
              else if (line.startsWith("data: ")) msg.data += line.slice(6);
              else if (line.startsWith("retry: ")) msg.event = "retry";
            }
            messages.push(msg);
            wake.fn?.();
          }
        }
      } catch {
        // aborted by close()
      } finally {
        ended = true;
        markDone();
        wake.fn?.();
      }
    })();
  }
  return {
    status: res.status,
    headers: res.headers,
    done,
    async next(match, timeoutMs = 2_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const i = messages.findIndex(match);
        if (i !== -1) return messages.splice(0, i + 1)[i]!;
        messages.length = 0;
        const left = deadline - Date.now();
        if (left <= 0 || ended) throw new Error("no matching server-sent event in time");
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          wake.fn = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake.fn = null;
      }
    },
    async close() {
      controller.abort();
      if (res.body !== null && res.status !== 200) await res.body.cancel().catch(() => {});
    },
  };
}

const asAdmin = (extra: Record<string, string> = {}) => ({
  authorization: `Bearer ${TEST_ADMIN_TOKEN}`,
  ...extra,
});

const call = (): Promise<number> => postToGateway(h.proxyUrl("live", "/v1/chat/completions"), key, CHAT_BODY);

async function waitForNoListeners(): Promise<void> {
  const deadline = Date.now() + 3_000;
  while (obs.hub.listenerCount() > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  expect(obs.hub.listenerCount()).toBe(0);
}

beforeAll(async () => {
  obs = createObservability({ hub: { intervalMs: 100 }, stream: { heartbeatMs: 150 } });
  h = await startGatewayHarness({
    healthLayer: { checkIntervalMs: 0 },
    logWriterOptions: { onWrite: obs.onRequestRecorded },
  });
  obs.attach({ health: h.health!.registry, inFlight: h.gateway.inFlight, logWriter: h.gateway.logWriter });
  admin = await startAdminTestServer("pglite", { services: { liveStream: obs.stream } });
  up = await startMockUpstream({ record: false });
  const provider = await h.addProvider({ name: "live-provider", baseUrl: up.url });
  providerId = provider.id;
  const group = await h.addGroup({ slug: "live" });
  await h.addMember(group.id, provider.id);
  key = (await h.addKey()).key;
  await h.reload();
});

afterAll(async () => {
  obs?.close();
  await admin?.close();
  await h?.close();
  await up?.close();
});

describe("GET /api/admin/health/stream", () => {
  it("needs admin-API auth; viewers may read it", async () => {
    const anonymous = await openStream({});
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    await anonymous.close();
    const viewer = await openStream({ cookie: VIEWER_COOKIE });
    expect(viewer.status).toBe(200);
    expect(viewer.headers.get("content-type")).toContain("text/event-stream");
    expect(viewer.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    await viewer.next((m) => m.event === "reset");
    await viewer.close();
    await waitForNoListeners();
  });

  it("starts with a snapshot, pushes an ejection within 1 s, traffic and heartbeats; resumes by id", async () => {
    const stream = await openStream(asAdmin());
    const reset = JSON.parse((await stream.next((m) => m.event === "reset")).data) as LiveSnapshot;
    expect(reset.lastId).toBeGreaterThanOrEqual(0);

    const t0 = Date.now();
    await h.health!.eject(providerId, null);
    const health = await stream.next((m) => m.event === "health", 1_000);
    expect(Date.now() - t0).toBeLessThan(1_000);
    expect(JSON.parse(health.data)).toMatchObject({ providerId, from: "healthy", to: "ejected" });
    const healthId = Number(health.id);
    expect(healthId).toBeGreaterThan(reset.lastId);
    await h.health!.restore(providerId);

    // Three requests: the traffic samples that follow add up to exactly three.
    for (let i = 0; i < 3; i++) expect(await call()).toBe(200);
    let seen = 0;
    const deadline = Date.now() + 3_000;
    while (seen < 3 && Date.now() < deadline) {
      const sample = JSON.parse((await stream.next((m) => m.event === "traffic")).data) as TrafficSample;
      seen += sample.totals.requests;
      if (sample.totals.requests > 0) {
        expect(sample.totals.successRate).toBe(1);
        expect(sample.groups.find((g) => g.group === "live")?.requests).toBe(sample.totals.requests);
        expect(sample.providers.find((p) => p.providerId === providerId)).toMatchObject({
          provider: "live-provider",
          requests: sample.totals.requests,
        });
      }
    }
    expect(seen).toBe(3);
    await stream.next((m) => m.comment);
    await stream.close();
    await waitForNoListeners();

    // Reconnect after the ejection event: everything after it is replayed, in order and without a gap —
    // the restore, and the traffic samples (one may fall before the restore when the machine is slow).
    const resumed = await openStream(asAdmin({ "last-event-id": String(healthId) }));
    let replayed = await resumed.next((m) => m.id !== null);
    expect(replayed.event).not.toBe("reset");
    expect(Number(replayed.id)).toBe(healthId + 1);
    while (replayed.event === "traffic") {
      const next = await resumed.next((m) => m.id !== null);
      expect(Number(next.id)).toBe(Number(replayed.id) + 1);
      replayed = next;
    }
    expect(replayed.event).toBe("health");
    expect(JSON.parse(replayed.data)).toMatchObject({ providerId, from: "ejected", to: "healthy" });
    const after = await resumed.next((m) => m.id !== null);
    expect(Number(after.id)).toBe(Number(replayed.id) + 1);
    await resumed.close();
    await waitForNoListeners();
  });

  it("sends a reset snapshot when the Last-Event-ID is unknown", async () => {
    const stream = await openStream(asAdmin({ "last-event-id": "999999999" }));
    const first = await stream.next((m) => m.id !== null);
    expect(first.event).toBe("reset");
    const snapshot = JSON.parse(first.data) as LiveSnapshot;
    expect(snapshot.health.find((p) => p.providerId === providerId)?.state).toBe("healthy");
    expect(Number(first.id)).toBe(snapshot.lastId);
    await stream.close();
    await waitForNoListeners();
  });

  it("ends open streams when the hub closes (shutdown)", async () => {
    const stream = await openStream(asAdmin());
    await stream.next((m) => m.event === "reset");
    expect(obs.hub.listenerCount()).toBe(1);
    obs.close();
    await Promise.race([
      stream.done,
      new Promise((_, reject) => setTimeout(() => reject(new Error("stream still open")), 2_000)),
    ]);
    expect(obs.hub.listenerCount()).toBe(0);
    await stream.close();
  });
});
