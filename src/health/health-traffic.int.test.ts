import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGatewayHarness, type GatewayHarness } from "../testing/gateway-harness";
import { startMockUpstream, type MockUpstream } from "../testing/mock-upstream";

/**
 * Passive health, ejection, half-open trial and slow start, live in the gateway: real mock upstreams,
 * real HTTP through the gateway, traffic shares measured at the upstreams.
 */

const POLICY = {
  consecutiveFailures: 3,
  baseEjectionMs: 1_500,
  maxEjectionMs: 10_000,
  slowStartMs: 2_000,
  slowStartFloor: 0.1,
};

let h: GatewayHarness;
const ups: Record<"a" | "b" | "c", MockUpstream> = {} as Record<"a" | "b" | "c", MockUpstream>;
let key: string;

beforeAll(async () => {
  h = await startGatewayHarness({
    healthLayer: { policy: POLICY, checkIntervalMs: 0 },
    // Health decides here; the retry budget (3 retries/s at this traffic) is tested on its own.
    gatewayOptions: { backoffBaseMs: 2, backoffCapMs: 10, retryBudget: false },
  });
  for (const name of ["a", "b", "c"] as const) ups[name] = await startMockUpstream({ record: false });
  key = (await h.addKey()).key;
});

afterAll(async () => {
  await h?.close();
  for (const up of Object.values(ups)) await up?.close();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function call(slug: string): Promise<Response> {
  const res = await fetch(h.proxyUrl(slug, "/v1/chat/completions"), {
    method: "POST",
    headers: { "x-api-key": key, "content-type": "application/json" },
    body: JSON.stringify({ model: "m", messages: [{ role: "user", content: "hi" }] }),
  });
  await res.arrayBuffer();
  return res;
}

/** Sends `n` requests one after another; returns how many each upstream received meanwhile. */
async function sendSequential(slug: string, n: number): Promise<Record<"a" | "b" | "c", number>> {
  const before = { a: ups.a.requestCount, b: ups.b.requestCount, c: ups.c.requestCount };
  for (let i = 0; i < n; i++) expect((await call(slug)).status).toBe(200);
  return {
    a: ups.a.requestCount - before.a,
    b: ups.b.requestCount - before.b,
    c: ups.c.requestCount - before.c,
  };
}

async function threeProviderGroup() {
  const g = await h.addGroup({ maxAttempts: 3 });
  const ids: Record<"a" | "b" | "c", string> = { a: "", b: "", c: "" };
  for (const name of ["a", "b", "c"] as const) {
    const p = await h.addProvider({ name: `${g.slug}-${name}`, baseUrl: ups[name].url });
    ids[name] = p.id;
    await h.addMember(g.id, p.id);
  }
  await h.reload();
  return { slug: g.slug, ids };
}

describe("a provider failing, ejected, trialled and ramped back in", () => {
  it("shifts traffic away, sends one trial at a time, then ramps the share back up", async () => {
    const { slug, ids } = await threeProviderGroup();

    const healthy = await sendSequential(slug, 60);
    expect(healthy).toEqual({ a: 20, b: 20, c: 20 });

    // B answers 503: each request it gets fails over (clients still see 200) until the third
    // consecutive failure ejects it; from then on it receives nothing.
    await ups.b.setBehaviour({ mode: "status", status: 503 });
    const failing = await sendSequential(slug, 60);
    expect(failing.b).toBe(POLICY.consecutiveFailures);
    expect(failing.a + failing.c).toBe(60);
    expect(Math.abs(failing.a - failing.c)).toBeLessThanOrEqual(2);
    const ejected = h.health!.snapshot([ids.b])[0]!;
    expect(ejected).toMatchObject({ state: "ejected", reason: "consecutive_failures", ejections: 1 });
    expect(ejected.lastError).toMatchObject({ status: 503 });
    expect(ejected.ejectedUntil).not.toBeNull();

    // B recovers but answers slowly. Once its ejection ends, a burst finds it due for a trial: while
    // that trial runs, B gets no other request.
    await ups.b.setBehaviour({ delayMs: 2_000 });
    await sleep(Math.max(0, ejected.ejectedUntil! - Date.now()) + 20);
    const beforeTrial = ups.b.requestCount;
    const burst = Promise.all(Array.from({ length: 40 }, () => call(slug)));
    const deadline = Date.now() + 1_500;
    while (ups.b.requestCount === beforeTrial && Date.now() < deadline) await sleep(5);
    expect(ups.b.requestCount - beforeTrial).toBe(1);
    const during = await Promise.all(Array.from({ length: 30 }, () => call(slug)));
    expect(during.every((r) => r.status === 200)).toBe(true);
    expect(ups.b.requestCount - beforeTrial).toBe(1);
    expect((await burst).every((r) => r.status === 200)).toBe(true);
    // Back in service. Its 2 s trial is far slower than A and C, but one slow answer is not reported
    // as `degraded`: that takes a slow latency lasting degradedEnterMs.
    const back = h.health!.snapshot([ids.b])[0]!;
    expect(back).toMatchObject({ state: "healthy", reason: null, ejectedUntil: null });
    expect(back.latencyEwmaMs).toBeGreaterThan(h.health!.registry.policy.degradedLatencyFloorMs);
    expect(back.weightFactor).toBeLessThan(0.5);

    // Slow start: B's share grows from about floor-weight to a full third over slowStartMs.
    await ups.b.setBehaviour({});
    const early = await sendSequential(slug, 40);
    await sleep(2_100);
    const late = await sendSequential(slug, 60);
    expect(early.b / 40).toBeLessThan(0.2);
    // Full weight again: a third, give or take the rotation state carried over from the ramp.
    expect(Math.abs(late.b - 20)).toBeLessThanOrEqual(2);
    expect(h.logLines.join("\n")).toMatch(/"to":"ejected".*provider health changed/);
  });
});

describe("client errors never count against a provider", () => {
  it("a storm of 400/404/413/422 ejects nothing and leaves every provider healthy", async () => {
    const { slug, ids } = await threeProviderGroup();
    for (const status of [400, 404, 413, 422]) {
      for (const up of Object.values(ups)) await up.setBehaviour({ mode: "status", status });
      for (let i = 0; i < 15; i++) expect((await call(slug)).status).toBe(status);
    }
    for (const up of Object.values(ups)) await up.setBehaviour({});
    const snapshot = h.health!.snapshot(Object.values(ids));
    for (const entry of snapshot) {
      expect(entry).toMatchObject({ state: "healthy", ejections: 0, consecutiveFailures: 0, volume: 0 });
    }
    expect(await sendSequential(slug, 30)).toEqual({ a: 10, b: 10, c: 10 });
  });
});

describe("an upstream rejecting the provider's credential", () => {
  it("takes it out with reason auth after one 401, with no retry storm on it", async () => {
    const { slug, ids } = await threeProviderGroup();
    await ups.a.setBehaviour({ mode: "status", status: 401 });
    const before = ups.a.requestCount;
    const served = await sendSequential(slug, 30);
    expect(ups.a.requestCount - before).toBe(1);
    expect(served.b + served.c).toBe(30);
    expect(h.health!.snapshot([ids.a])[0]).toMatchObject({ state: "unhealthy", reason: "auth" });
    await ups.a.setBehaviour({});
  });
});

describe("group rules: at most half ejected, panic instead of refusing", () => {
  it("ejects at most half of a failing group; the rest keeps receiving traffic", async () => {
    const extra = await startMockUpstream({ record: false, behaviour: { mode: "status", status: 503 } });
    try {
      const g = await h.addGroup({ maxAttempts: 1 });
      const ids: string[] = [];
      for (const url of [ups.a.url, ups.b.url, ups.c.url, extra.url]) {
        const p = await h.addProvider({ name: `${g.slug}-${ids.length}`, baseUrl: url });
        ids.push(p.id);
        await h.addMember(g.id, p.id);
      }
      await h.reload();
      for (const up of [ups.a, ups.b, ups.c]) await up.setBehaviour({ mode: "status", status: 503 });
      for (let i = 0; i < 40; i++) expect((await call(g.slug)).status).toBe(503);
      const states = h.health!.snapshot(ids).map((s) => s.state);
      expect(states.filter((s) => s === "ejected")).toHaveLength(2);
      expect(states.filter((s) => s === "unhealthy")).toHaveLength(2);
    } finally {
      for (const up of [ups.a, ups.b, ups.c]) await up.setBehaviour({});
      await extra.close();
    }
  });

  it("with every member out, tries the one that failed least recently (panic) instead of refusing", async () => {
    const g = await h.addGroup({ maxAttempts: 2 });
    const x = await h.addProvider({ name: `${g.slug}-x`, baseUrl: ups.a.url });
    const y = await h.addProvider({ name: `${g.slug}-y`, baseUrl: ups.b.url });
    await h.addMember(g.id, x.id);
    await h.addMember(g.id, y.id);
    await h.reload();
    await ups.a.setBehaviour({ mode: "status", status: 503 });
    for (let i = 0; i < 6; i++) expect((await call(g.slug)).status).toBe(200);
    expect(h.health!.snapshot([x.id])[0]?.state).toBe("ejected");
    // Y's credential is now refused: out too (never a panic pick). X answers again.
    await ups.b.setBehaviour({ mode: "status", status: 401 });
    await ups.a.setBehaviour({});
    // The 401 takes Y out; its retry finds nobody in service and goes to X in panic mode.
    const first = await call(g.slug);
    expect(first.status).toBe(200);
    expect(first.headers.get("x-proxy-attempts")).toBe("2");
    expect(h.health!.snapshot([y.id])[0]).toMatchObject({ state: "unhealthy", reason: "auth" });
    const res = await call(g.slug);
    expect(res.status).toBe(200);
    expect(res.headers.get("x-proxy-provider")).toBe(`${g.slug}-x`);
    expect(res.headers.get("x-proxy-attempts")).toBe("1");
    const view = h.health!.evaluate([x.id, y.id]);
    expect(view.panic).toBe(true);
    await ups.b.setBehaviour({});
  });
});
