import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGatewayHarness, type GatewayHarness } from "../testing/gateway-harness";
import { startMockUpstream, type MockUpstream } from "../testing/mock-upstream";

/** p2c_ewma (issue 16): traffic moves off a provider that turns slow, within seconds. */

let h: GatewayHarness;
const ups: MockUpstream[] = [];

beforeAll(async () => {
  h = await startGatewayHarness({ gatewayOptions: { retryBudget: false } });
  for (let i = 0; i < 3; i++) ups.push(await startMockUpstream({ record: false }));
});

afterAll(async () => {
  await h?.close();
  await Promise.all(ups.map((u) => u.close()));
});

describe("p2c_ewma", () => {
  it("shifts traffic away from a provider with 300 ms added latency within seconds", async () => {
    const g = await h.addGroup({ strategy: "p2c_ewma" });
    for (const up of ups) {
      const p = await h.addProvider({ baseUrl: up.url });
      await h.addMember(g.id, p.id);
    }
    const { key } = await h.addKey();
    await h.reload();
    await ups[2]!.setBehaviour({ delayMs: 300 });
    const url = h.proxyUrl(g.slug, "/v1/models");
    const started = Date.now();
    const before = ups.map((u) => u.requestCount);
    let next = 0;
    const total = 240;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (next < total) {
          next++;
          const res = await fetch(url, { headers: { authorization: `Bearer ${key}` } });
          await res.arrayBuffer();
          expect(res.status).toBe(200);
        }
      }),
    );
    const elapsedS = (Date.now() - started) / 1000;
    const counts = ups.map((u, i) => u.requestCount - before[i]!);
    // Weighted round-robin would send a third (80) to the slow one; p2c_ewma only probes it.
    expect(counts[2]!).toBeLessThan(total / 6);
    expect(elapsedS).toBeLessThan(30);
  });
});
