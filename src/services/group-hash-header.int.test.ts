import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGatewayHarness, type GatewayHarness } from "../testing/gateway-harness";
import { createGroupService } from "./group-service";

// The group's ip_hash header as the admin API takes it (the gateway side: gateway-ip-hash.int.test.ts).

let h: GatewayHarness;
const by = { actor: { id: null, name: "test", role: "admin" as const, via: "token" as const }, ip: null };

beforeAll(async () => {
  h = await startGatewayHarness();
});

afterAll(async () => {
  await h?.close();
});

describe("group hashHeader", () => {
  it("the admin service lower-cases the header name, refuses an invalid one, and clears it with null", async () => {
    const groups = createGroupService(h.serviceContext());
    const created = await groups.create(by, { slug: "hash-admin", name: "hash admin", strategy: "ip_hash" });
    expect(created.hashHeader).toBeNull();
    const updated = await groups.update(by, created.id, { hashHeader: "X-User-Id" });
    expect(updated.hashHeader).toBe("x-user-id");
    await expect(groups.update(by, created.id, { hashHeader: "bad header\r\n" })).rejects.toMatchObject({
      code: "VALIDATION_FAILED",
    });
    expect((await groups.update(by, created.id, { hashHeader: null })).hashHeader).toBeNull();
  });
});
