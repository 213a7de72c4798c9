import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGatewayHarness, type GatewayHarness } from "../testing/gateway-harness";
import { startMockUpstream, type MockUpstream } from "../testing/mock-upstream";

// ip_hash through the real gateway: the hashed value is the group's `hashHeader` when the request
// carries it, else the client address; the same value always lands on the same provider.

let h: GatewayHarness;
let up: MockUpstream;
let key: string;

beforeAll(async () => {
  h = await startGatewayHarness();
  up = await startMockUpstream();
  key = (await h.addKey()).key;
});

afterAll(async () => {
  await h?.close();
  await up?.close();
});

async function servedBy(slug: string, headers: Record<string, string> = {}): Promise<string> {
  const res = await fetch(h.proxyUrl(slug, "/v1/models"), { headers: { "x-api-key": key, ...headers } });
  await res.arrayBuffer();
  expect(res.status).toBe(200);
  return res.headers.get("x-proxy-provider") ?? "?";
}

async function ipHashGroup(hashHeader: string | null) {
  const g = await h.addGroup({ strategy: "ip_hash", hashHeader });
  for (const name of ["a", "b", "c", "d"]) {
    const p = await h.addProvider({ name: `${g.slug}-${name}`, baseUrl: up.url });
    await h.addMember(g.id, p.id);
  }
  await h.reload();
  return g;
}

describe("ip_hash with a hash header", () => {
  it("one header value always reaches the same provider; many values spread over every provider", async () => {
    const g = await ipHashGroup("x-user-id");
    for (const user of ["alice", "bob", "carol"]) {
      const first = await servedBy(g.slug, { "x-user-id": user });
      for (let i = 0; i < 10; i++) expect(await servedBy(g.slug, { "x-user-id": user })).toBe(first);
    }
    const counts: Record<string, number> = {};
    for (let i = 0; i < 200; i++) {
      const name = await servedBy(g.slug, { "x-user-id": `user-${i}` });
      counts[name] = (counts[name] ?? 0) + 1;
    }
    expect(Object.keys(counts).sort()).toEqual(["a", "b", "c", "d"].map((n) => `${g.slug}-${n}`));
    // Rendezvous hashing over equal weights: each of 4 providers gets roughly a quarter.
    for (const n of Object.values(counts)) expect(n).toBeGreaterThanOrEqual(20);
  });

  it("without the header (or without a hash header) the client address decides: one loopback client, one provider", async () => {
    const withHeader = await ipHashGroup("x-user-id");
    const plain = await ipHashGroup(null);
    for (const g of [withHeader, plain]) {
      const first = await servedBy(g.slug);
      for (let i = 0; i < 10; i++) expect(await servedBy(g.slug)).toBe(first);
    }
    // A group without a hash header ignores the header entirely.
    const first = await servedBy(plain.slug, { "x-user-id": "u-1" });
    const seen = new Set<string>();
    for (let i = 0; i < 40; i++) seen.add(await servedBy(plain.slug, { "x-user-id": `u-${i}` }));
    expect([...seen]).toEqual([first]);
  });
});
