import { and, count, eq, sum } from "drizzle-orm";
import { Pool } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requestLogs } from "../db/schema";
import { startGatewayHarness, type GatewayHarness } from "../testing/gateway-harness";
import { startMockUpstream, type MockUpstream } from "../testing/mock-upstream";

let h: GatewayHarness;
let up: MockUpstream;

beforeAll(async () => {
  h = await startGatewayHarness();
  up = await startMockUpstream({ record: false, behaviour: { inputTokens: 11, outputTokens: "max_tokens" } });
});

afterAll(async () => {
  await h?.close();
  await up?.close();
});

describe("request logs under load", () => {
  it("10,000 requests give 10,000 rows with exact token sums", async () => {
    const p = await h.addProvider({ baseUrl: up.url });
    const g = await h.addGroup();
    await h.addMember(g.id, p.id);
    const { key, id: keyId } = await h.addKey();
    await h.reload();

    const total = 10_000;
    const concurrency = 32;
    const client = new Pool(h.url, { connections: concurrency });
    let next = 0;
    let expectedOutput = 0;
    let ok = 0;
    try {
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (next < total) {
            const i = next++;
            const maxTokens = (i % 50) + 1;
            expectedOutput += maxTokens;
            const stream = i % 2 === 0;
            const res = await client.request({
              path: `/api/proxy/${g.slug}/v1/messages`,
              method: "POST",
              headers: { "x-api-key": key, "content-type": "application/json" },
              body: JSON.stringify({ model: "m", max_tokens: maxTokens, stream, messages: [] }),
            });
            await res.body.text();
            if (res.statusCode === 200) ok++;
          }
        }),
      );
    } finally {
      await client.close();
    }
    expect(ok).toBe(total);
    await h.gateway.logWriter.flush();
    const [agg] = await h.db
      .select({ rows: count(), input: sum(requestLogs.inputTokens), output: sum(requestLogs.outputTokens) })
      .from(requestLogs)
      .where(and(eq(requestLogs.groupId, g.id), eq(requestLogs.keyId, keyId), eq(requestLogs.status, 200)));
    expect(agg?.rows).toBe(total);
    expect(Number(agg?.input)).toBe(11 * total);
    expect(Number(agg?.output)).toBe(expectedOutput);
    const stats = h.gateway.logWriter.stats();
    expect(stats.dropped).toBe(0);
    expect(stats.queued + stats.inFlight).toBe(0);
  }, 120_000);
});
