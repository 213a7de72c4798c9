import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { configDocumentSchema, importResultSchema } from "@/contracts/config-document";
import { groupDetailSchema } from "@/contracts/groups";
import { providerSchema } from "@/contracts/providers";
import { startAdminTestServer, type AdminTestServer } from "@/testing/admin-api-test-server";

/** Provider caps and the group rate limit through the admin API, config documents and CSV. */

let t: AdminTestServer;

beforeAll(async () => {
  t = await startAdminTestServer("pglite");
});
afterAll(async () => {
  await t?.close();
});

describe("caps in the admin API", () => {
  it("creates, updates and clears provider caps; refuses non-positive ones", async () => {
    const created = (
      await t.call("POST", "/providers", {
        json: { name: "capped", baseUrl: "http://127.0.0.1:9", rateLimitPerMinute: 600, maxConcurrency: 8 },
      })
    ).as(providerSchema);
    expect(created).toMatchObject({ rateLimitPerMinute: 600, maxConcurrency: 8 });
    const plain = (
      await t.call("POST", "/providers", { json: { name: "plain", baseUrl: "http://127.0.0.1:9" } })
    ).as(providerSchema);
    expect(plain).toMatchObject({ rateLimitPerMinute: null, maxConcurrency: null });

    const updated = (
      await t.call("PUT", `/providers/${created.id}`, {
        json: { maxConcurrency: null, rateLimitPerMinute: 60 },
      })
    ).as(providerSchema);
    expect(updated).toMatchObject({ rateLimitPerMinute: 60, maxConcurrency: null });

    for (const bad of [{ maxConcurrency: 0 }, { rateLimitPerMinute: -1 }, { rateLimitPerMinute: 1.5 }]) {
      (await t.call("PUT", `/providers/${created.id}`, { json: bad })).error(400, "VALIDATION_FAILED");
    }
  });

  it("sets a group's rate limit", async () => {
    const group = (
      await t.call("POST", "/groups", { json: { slug: "limited", name: "Limited", rateLimitPerMinute: 120 } })
    ).as(groupDetailSchema);
    expect(group.rateLimitPerMinute).toBe(120);
    const cleared = (await t.call("PUT", `/groups/${group.id}`, { json: { rateLimitPerMinute: null } })).as(
      groupDetailSchema,
    );
    expect(cleared.rateLimitPerMinute).toBeNull();
    (await t.call("PUT", `/groups/${group.id}`, { json: { rateLimitPerMinute: 0 } })).error(
      400,
      "VALIDATION_FAILED",
    );
  });

  it("exports caps in the config document and imports changes to them", async () => {
    const doc = (await t.call("GET", "/config/export")).as(configDocumentSchema);
    expect(doc.providers.find((p) => p.name === "capped")).toMatchObject({
      rateLimitPerMinute: 60,
      maxConcurrency: null,
    });
    const same = (await t.call("POST", "/config/import", { json: doc })).as(importResultSchema);
    expect(same.diff.providers.updated).toEqual([]);

    const changed = {
      ...doc,
      providers: doc.providers.map((p) => (p.name === "plain" ? { ...p, maxConcurrency: 4 } : p)),
      groups: doc.groups.map((g) => (g.slug === "limited" ? { ...g, rateLimitPerMinute: 30 } : g)),
    };
    const applied = (await t.call("POST", "/config/import", { json: changed })).as(importResultSchema);
    expect(applied.diff.providers.updated).toEqual(["plain"]);
    expect(applied.diff.groups.updated).toEqual(["limited"]);
    const after = (await t.call("GET", "/config/export")).as(configDocumentSchema);
    expect(after.providers.find((p) => p.name === "plain")?.maxConcurrency).toBe(4);
    expect(after.groups.find((g) => g.slug === "limited")?.rateLimitPerMinute).toBe(30);
  });

  it("carries caps in the providers CSV (empty = no cap)", async () => {
    const csv = await t.call("GET", "/providers/export.csv");
    const [header, ...lines] = csv.text.trim().split("\r\n");
    expect(header).toContain("rateLimitPerMinute,maxConcurrency");
    expect(lines.find((l) => l.startsWith("capped,"))).toContain(",60,,");

    const edited = csv.text.replace(/^capped,(.*?),60,,/m, "capped,$1,,12,");
    const result = (
      await t.call("POST", "/providers/import.csv", { raw: edited, contentType: "text/csv" })
    ).as(importResultSchema);
    expect(result.diff.providers.updated).toEqual(["capped"]);
    const list = (await t.call("GET", "/providers")).as(z.object({ items: z.array(providerSchema) }));
    const capped = list.items.find((p) => p.name === "capped");
    expect(capped).toMatchObject({ rateLimitPerMinute: null, maxConcurrency: 12 });

    const bad = edited.replace(/^capped,(.*?),,12,/m, "capped,$1,many,12,");
    const refused = await t.call("POST", "/providers/import.csv", { raw: bad, contentType: "text/csv" });
    expect(refused.status).toBe(422);
    expect(refused.text).toContain("rateLimitPerMinute");
  });
});
