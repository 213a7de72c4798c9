import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { createdApiKeySchema } from "@/contracts/api-keys";
import { groupDetailSchema, groupSchema } from "@/contracts/groups";
import { providerSchema } from "@/contracts/providers";
import { DATABASE_KINDS } from "@/testing/test-database";
import { startAdminTestServer, type AdminTestServer } from "@/testing/admin-api-test-server";

const groupList = z.object({ items: z.array(groupSchema) });
const detailsWith =
  <S extends z.ZodType>(schema: S) =>
  (details: unknown) =>
    schema.parse(details);

describe.each(DATABASE_KINDS)("admin API groups on %s", (kind) => {
  let t: AdminTestServer;
  let seq = 0;
  const unique = (prefix: string) => `${prefix}-${++seq}`;

  beforeAll(async () => {
    t = await startAdminTestServer(kind);
  });
  afterAll(async () => {
    await t?.close();
  });

  async function createProvider(weight = 1) {
    const res = await t.call("POST", "/providers", {
      json: { name: unique("prov"), baseUrl: "http://127.0.0.1:9", weight },
    });
    expect(res.status).toBe(201);
    return res.as(providerSchema);
  }

  async function createGroup(fields: Record<string, unknown> = {}) {
    const res = await t.call("POST", "/groups", { json: { slug: unique("grp"), name: "Group", ...fields } });
    expect(res.status).toBe(201);
    return res.as(groupDetailSchema);
  }

  it("creates a group with the documented defaults and lists it", async () => {
    const group = await createGroup({ retryOn: [503, 429, 503] });
    expect(group).toMatchObject({
      strategy: "weighted_round_robin",
      maxAttempts: 3,
      retryOn: [429, 503],
      connectTimeoutMs: 5_000,
      firstByteTimeoutMs: 60_000,
      idleTimeoutMs: 120_000,
      totalTimeoutMs: 600_000,
      enabled: true,
      memberCount: 0,
      providers: [],
    });
    const defaults = await createGroup();
    expect(defaults.retryOn).toEqual([429, 500, 502, 503, 504, 529]);
    const list = (await t.call("GET", "/groups", { as: "viewer" })).as(groupList);
    expect(list.items.map((g) => g.slug)).toEqual(expect.arrayContaining([group.slug, defaults.slug]));
  });

  it("refuses duplicate slugs (409) and invalid fields (400) without writing", async () => {
    const group = await createGroup();
    const other = await createGroup();
    await t.expectNothingWritten(async () => {
      (await t.call("POST", "/groups", { json: { slug: group.slug, name: "dup" } })).error(
        409,
        "GROUP_SLUG_TAKEN",
      );
      (await t.call("PUT", `/groups/${other.id}`, { json: { slug: group.slug } })).error(
        409,
        "GROUP_SLUG_TAKEN",
      );
      for (const json of [
        { slug: "Bad Slug", name: "x" },
        { slug: "-x", name: "x" },
        { slug: unique("ok"), name: "x", maxAttempts: 11 },
        { slug: unique("ok"), name: "x", retryOn: [99] },
        { slug: unique("ok"), name: "x", strategy: "fastest" },
        { slug: unique("ok"), name: "x", connectTimeoutMs: 9_000, totalTimeoutMs: 5_000 },
      ]) {
        (await t.call("POST", "/groups", { json })).error(400, "VALIDATION_FAILED");
      }
      // Cross-field rules also hold against the stored values on a partial update.
      const res = await t.call("PUT", `/groups/${group.id}`, { json: { totalTimeoutMs: 1_000 } });
      const issues = res.error(400, "VALIDATION_FAILED").details;
      expect(JSON.stringify(issues)).toContain("connectTimeoutMs");
    });
  });

  it("manages memberships: effective weights, overrides, order and removal", async () => {
    const [a, b, c] = [await createProvider(5), await createProvider(2), await createProvider(1)];
    const group = await createGroup({ strategy: "round_robin" });
    const add = (providerId: string, extra: Record<string, unknown> = {}) =>
      t.call("POST", `/groups/${group.id}/providers`, { json: { providerId, ...extra } });
    expect((await add(a.id)).status).toBe(201);
    expect((await add(b.id, { priority: 1, weight: 9 })).status).toBe(201);
    const added = await add(c.id, { priority: 2, enabled: false });
    const detail = added.as(groupDetailSchema);
    expect(
      detail.providers.map((m) => [m.providerName, m.priority, m.weight, m.effectiveWeight, m.enabled]),
    ).toEqual([
      [a.name, 0, null, 5, true],
      [b.name, 1, 9, 9, true],
      [c.name, 2, null, 1, false],
    ]);

    const updated = await t.call("PUT", `/groups/${group.id}/providers/${a.id}`, { json: { weight: 0 } });
    expect(updated.as(groupDetailSchema).providers[0]).toMatchObject({
      providerId: a.id,
      effectiveWeight: 0,
    });

    const ordered = await t.call("PUT", `/groups/${group.id}/providers/order`, {
      json: {
        order: [
          { providerId: c.id, priority: 0 },
          { providerId: a.id, priority: 1 },
          { providerId: b.id, priority: 2 },
        ],
      },
    });
    expect(ordered.as(groupDetailSchema).providers.map((m) => m.providerId)).toEqual([c.id, a.id, b.id]);

    expect((await t.call("DELETE", `/groups/${group.id}/providers/${b.id}`)).status).toBe(204);
    const read = (await t.call("GET", `/groups/${group.id}`, { as: "viewer" })).as(groupDetailSchema);
    expect(read.providers.map((m) => m.providerId)).toEqual([c.id, a.id]);
    expect(read.memberCount).toBe(2);
    (await t.call("DELETE", `/groups/${group.id}/providers/${b.id}`)).error(404, "MEMBER_NOT_FOUND");
  });

  it("refuses memberships to missing providers, duplicates and partial orders without writing", async () => {
    const p = await createProvider();
    const q = await createProvider();
    const group = await createGroup();
    expect(
      (await t.call("POST", `/groups/${group.id}/providers`, { json: { providerId: p.id } })).status,
    ).toBe(201);
    expect(
      (await t.call("POST", `/groups/${group.id}/providers`, { json: { providerId: q.id } })).status,
    ).toBe(201);
    await t.expectNothingWritten(async () => {
      const missing = await t.call("POST", `/groups/${group.id}/providers`, {
        json: { providerId: "00000000-0000-4000-8000-00000000000a" },
      });
      missing.error(404, "PROVIDER_NOT_FOUND");
      const dup = await t.call("POST", `/groups/${group.id}/providers`, { json: { providerId: p.id } });
      dup.error(409, "MEMBER_EXISTS");
      const noGroup = await t.call("POST", "/groups/00000000-0000-4000-8000-00000000000b/providers", {
        json: { providerId: p.id },
      });
      noGroup.error(404, "GROUP_NOT_FOUND");
      const partial = await t.call("PUT", `/groups/${group.id}/providers/order`, {
        json: { order: [{ providerId: p.id, priority: 3 }] },
      });
      const mismatch = detailsWith(z.object({ missing: z.array(z.string()), unknown: z.array(z.string()) }));
      expect(mismatch(partial.error(409, "MEMBER_ORDER_MISMATCH").details)).toEqual({
        missing: [q.id],
        unknown: [],
      });
      const twice = await t.call("PUT", `/groups/${group.id}/providers/order`, {
        json: {
          order: [
            { providerId: p.id, priority: 1 },
            { providerId: p.id, priority: 2 },
          ],
        },
      });
      twice.error(400, "VALIDATION_FAILED");
    });
  });

  it("refuses to delete a provider still in a group (409 with the groups), then allows it", async () => {
    const p = await createProvider();
    const g1 = await createGroup();
    const g2 = await createGroup();
    for (const g of [g1, g2])
      await t.call("POST", `/groups/${g.id}/providers`, { json: { providerId: p.id } });
    await t.expectNothingWritten(async () => {
      const res = await t.call("DELETE", `/providers/${p.id}`);
      const details = z
        .object({ groups: z.array(z.object({ id: z.string(), slug: z.string() })) })
        .parse(res.error(409, "PROVIDER_IN_USE").details);
      expect(details.groups.map((g) => g.slug).sort()).toEqual([g1.slug, g2.slug].sort());
    });
    // Deleting a group removes its memberships (no cascade to the provider itself).
    expect((await t.call("DELETE", `/groups/${g1.id}`)).status).toBe(204);
    expect((await t.call("DELETE", `/groups/${g2.id}/providers/${p.id}`)).status).toBe(204);
    expect((await t.call("DELETE", `/providers/${p.id}`)).status).toBe(204);
  });

  it("refuses to delete a group with scoped API keys (409 GROUP_HAS_KEYS)", async () => {
    const group = await createGroup();
    const key = (await t.call("POST", "/api-keys", { json: { name: unique("k"), groupId: group.id } })).as(
      createdApiKeySchema,
    );
    await t.expectNothingWritten(async () => {
      const res = await t.call("DELETE", `/groups/${group.id}`);
      expect(JSON.stringify(res.error(409, "GROUP_HAS_KEYS").details)).toContain(key.id);
    });
    await t.call("PUT", `/api-keys/${key.id}`, { json: { groupId: null } });
    expect((await t.call("DELETE", `/groups/${group.id}`)).status).toBe(204);
  });

  it("audits and announces membership changes as changes of the group", async () => {
    const p = await createProvider();
    const group = await createGroup();
    const before = await t.counts();
    const start = t.events.length;
    await t.call("POST", `/groups/${group.id}/providers`, { json: { providerId: p.id } });
    expect(await t.counts()).toEqual({ ...before, members: before.members + 1, audit: before.audit + 1 });
    const events = (await t.waitForEvents(start + 1)).slice(start);
    expect(events.map((e) => [e.kind, e.id])).toEqual([["group", group.id]]);
  });
});
