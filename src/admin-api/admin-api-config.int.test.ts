import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { createdApiKeySchema } from "@/contracts/api-keys";
import { configDocumentSchema, importResultSchema, type ConfigDocument } from "@/contracts/config-document";
import { groupDetailSchema } from "@/contracts/groups";
import { providerSchema } from "@/contracts/providers";
import { eq } from "drizzle-orm";
import { DEFAULT_TENANT_ID } from "@/core/vocabulary/tenants";
import { apiKeys, auditLog, groups, providers, tenants } from "@/db/schema";
import { parseCsv } from "@/http/csv";
import { DATABASE_KINDS } from "@/testing/test-database";
import { startAdminTestServer, type AdminTestServer } from "@/testing/admin-api-test-server";

const SECRET = "sk-upstream-config-secret-9876wxyz";
const issueList = z.object({ issues: z.array(z.object({ path: z.string(), message: z.string() })) });
const providerList = z.object({ items: z.array(providerSchema) });

describe.each(DATABASE_KINDS)("admin API config import/export on %s", (kind) => {
  let t: AdminTestServer;
  let seed: { a: string; b: string; group: string; key: string };

  beforeAll(async () => {
    // Room for the large-document test (the production default is larger still).
    t = await startAdminTestServer(kind, { maxBodyBytes: 2 * 1024 * 1024 });
  });
  afterAll(async () => {
    await t?.close();
  });

  // Every test starts from the same small configuration: providers a (with a credential) and b,
  // group g1 = [a priority 0, b priority 1 weight 5], key k1 scoped to g1.
  beforeEach(async () => {
    const db = t.database.db;
    await db.delete(apiKeys);
    await db.delete(groups);
    await db.delete(providers);
    await db.delete(auditLog);
    const a = (
      await t.call("POST", "/providers", {
        json: { name: "a", baseUrl: "http://127.0.0.1:9/a", apiKey: SECRET },
      })
    ).as(providerSchema);
    const b = (
      await t.call("POST", "/providers", { json: { name: "b", baseUrl: "http://127.0.0.1:9/b" } })
    ).as(providerSchema);
    const g = (await t.call("POST", "/groups", { json: { slug: "g1", name: "G1" } })).as(groupDetailSchema);
    await t.call("POST", `/groups/${g.id}/providers`, { json: { providerId: a.id } });
    await t.call("POST", `/groups/${g.id}/providers`, { json: { providerId: b.id, priority: 1, weight: 5 } });
    const key = (await t.call("POST", "/api-keys", { json: { name: "k1", groupId: g.id } })).as(
      createdApiKeySchema,
    );
    seed = { a: a.id, b: b.id, group: g.id, key: key.id };
  });

  async function exportDocument(): Promise<ConfigDocument> {
    const res = await t.call("GET", "/config/export", { as: "viewer" });
    expect(res.status).toBe(200);
    return res.as(configDocumentSchema);
  }

  async function expectNothingApplied(act: () => Promise<void>) {
    const before = await t.counts();
    const exported = await exportDocument();
    const eventsBefore = t.events.length;
    await act();
    expect(await t.counts()).toEqual(before);
    expect({ ...(await exportDocument()), exportedAt: "" }).toEqual({ ...exported, exportedAt: "" });
    await new Promise((r) => setTimeout(r, 20));
    expect(t.events.length).toBe(eventsBefore);
  }

  it("exports one version-1 document without credentials unless an admin asks", async () => {
    const doc = await exportDocument();
    expect(doc.version).toBe(1);
    expect(doc.providers.map((p) => [p.name, p.apiKey])).toEqual([
      ["a", undefined],
      ["b", undefined],
    ]);
    expect(doc.groups).toEqual([
      expect.objectContaining({
        slug: "g1",
        providers: [
          { provider: "a", priority: 0, weight: null, enabled: true, models: [], modelMap: {} },
          { provider: "b", priority: 1, weight: 5, enabled: true, models: [], modelMap: {} },
        ],
      }),
    ]);
    expect(doc.apiKeys).toEqual([expect.objectContaining({ id: seed.key, name: "k1", group: "g1" })]);

    const before = await t.counts();
    const withSecrets = (await t.call("GET", "/config/export?includeSecrets=true")).as(configDocumentSchema);
    expect(withSecrets.providers.map((p) => p.apiKey)).toEqual([SECRET, null]);
    // Reading secrets is audited (but is not a config change, so nothing is announced).
    expect((await t.counts()).audit).toBe(before.audit + 1);
    (await t.call("GET", "/config/export?includeSecrets=maybe")).error(400, "INVALID_QUERY");
  });

  it("re-imports its own export as all unchanged, keeping credentials", async () => {
    const doc = await exportDocument();
    const res = await t.call("POST", "/config/import", { json: doc });
    const result = res.as(importResultSchema);
    expect(result).toMatchObject({ dryRun: false, prune: false, applied: true });
    expect(result.diff.providers).toEqual({ created: [], updated: [], unchanged: ["a", "b"], deleted: [] });
    expect(result.diff.groups).toEqual({ created: [], updated: [], unchanged: ["g1"], deleted: [] });
    expect(result.diff.apiKeys).toEqual({ updated: [], unchanged: ["k1"], skipped: [] });
    const a = (await t.call("GET", `/providers/${seed.a}`)).as(providerSchema);
    expect(a.hasApiKey).toBe(true);
    const secrets = (await t.call("GET", "/config/export?includeSecrets=true")).as(configDocumentSchema);
    const again = (await t.call("POST", "/config/import", { json: secrets })).as(importResultSchema);
    expect(again.diff.providers.unchanged).toEqual(["a", "b"]);
  });

  it("carries key quotas and capture and the tenant's quota; only a system administrator changes the tenant's", async () => {
    const db = t.database.db;
    await db.update(tenants).set({ quota: null }).where(eq(tenants.id, DEFAULT_TENANT_ID));
    await t.call("PUT", `/api-keys/${seed.key}`, {
      json: { quota: { tokensPerDay: 500 }, capture: "errors" },
    });
    await t.call("PUT", `/tenants/${DEFAULT_TENANT_ID}`, { json: { quota: { requestsPerDay: 1000 } } });
    const doc = await exportDocument();
    expect(doc.apiKeys[0]).toMatchObject({ quota: { tokensPerDay: 500 }, capture: "errors" });
    expect(doc.tenantQuota).toEqual({ requestsPerDay: 1000 });
    const same = (await t.call("POST", "/config/import", { json: doc })).as(importResultSchema);
    expect(same.diff.apiKeys.unchanged).toEqual(["k1"]);
    expect(same.diff.tenantQuota).toBeUndefined();

    const changed = {
      ...doc,
      apiKeys: [{ ...doc.apiKeys[0]!, quota: { costPerMonthUsd: 12.5 }, capture: null }],
      tenantQuota: { requestsPerDay: 2000, tokensPerMonth: 1_000_000 },
    };
    const applied = (await t.call("POST", "/config/import", { json: changed })).as(importResultSchema);
    expect(applied.diff.apiKeys.updated).toEqual(["k1"]);
    expect(applied.diff.tenantQuota).toBe("updated");
    const after = await exportDocument();
    expect(after.apiKeys[0]).toMatchObject({ quota: { costPerMonthUsd: 12.5 }, capture: null });
    expect(after.tenantQuota).toEqual({ requestsPerDay: 2000, tokensPerMonth: 1_000_000 });

    // A document from before quotas (no quota, capture or tenantQuota) leaves them as they are.
    const old = {
      ...after,
      apiKeys: after.apiKeys.map(({ quota: _q, capture: _c, ...rest }) => rest),
      tenantQuota: undefined,
    };
    const kept = (await t.call("POST", "/config/import", { json: old })).as(importResultSchema);
    expect(kept.diff.apiKeys.unchanged).toEqual(["k1"]);
    expect(kept.diff.tenantQuota).toBeUndefined();
    expect((await exportDocument()).tenantQuota).toEqual({ requestsPerDay: 2000, tokensPerMonth: 1_000_000 });

    // A tenant's own admin token: its export re-imports, but it may not raise its own budget.
    const tenant = (
      await t.call("POST", "/tenants", { json: { name: "Other", slug: `cfg-${Date.now().toString(36)}` } })
    ).as(z.object({ id: z.string() }));
    await t.call("PUT", `/tenants/${tenant.id}`, { json: { quota: { requestsPerDay: 10 } } });
    const token = (
      await t.call("POST", `/tenants/${tenant.id}/tokens`, { json: { name: "ci", role: "admin" } })
    ).as(z.object({ token: z.string() }));
    const as = { token: token.token };
    const own = (await t.call("GET", "/config/export", { as })).as(configDocumentSchema);
    expect(own.tenantQuota).toEqual({ requestsPerDay: 10 });
    expect((await t.call("POST", "/config/import", { json: own, as })).status).toBe(200);
    const raised = await t.call("POST", "/config/import", { json: { ...own, tenantQuota: null }, as });
    const issues = raised.error(422, "IMPORT_INVALID").details;
    expect(issueList.parse(issues).issues.map((i) => i.path)).toEqual(["tenantQuota"]);
    await db.update(tenants).set({ quota: null }).where(eq(tenants.id, DEFAULT_TENANT_ID));
  });

  it("answers the diff on a dry run without applying, then applies it in one audited write", async () => {
    const doc = await exportDocument();
    doc.providers[1]!.weight = 4;
    doc.providers.push({ ...doc.providers[1]!, name: "c", apiKey: "sk-new-credential-for-c-1234" });
    doc.groups.push({
      ...doc.groups[0]!,
      slug: "g2",
      providers: [{ provider: "c", priority: 0, weight: null, enabled: true, models: [], modelMap: {} }],
    });
    doc.apiKeys = [
      { ...doc.apiKeys[0]!, note: "imported" },
      { ...doc.apiKeys[0]!, id: undefined, name: "nobody" },
    ];
    const expected = {
      providers: { created: ["c"], updated: ["b"], unchanged: ["a"], deleted: [] },
      groups: { created: ["g2"], updated: [], unchanged: ["g1"], deleted: [] },
      apiKeys: { updated: ["k1"], unchanged: [], skipped: ["nobody"] },
    };
    await expectNothingApplied(async () => {
      const dry = (await t.call("POST", "/config/import?dryRun=true", { json: doc })).as(importResultSchema);
      expect(dry).toEqual({ dryRun: true, prune: false, applied: false, diff: expected });
    });

    const before = await t.counts();
    const start = t.events.length;
    const applied = (await t.call("POST", "/config/import?dryRun=false", { json: doc })).as(
      importResultSchema,
    );
    expect(applied.diff).toEqual(expected);
    expect(await t.counts()).toEqual({
      ...before,
      providers: 3,
      groups: 2,
      members: 3,
      audit: before.audit + 1,
    });
    expect((await t.waitForEvents(start + 1)).slice(start).map((e) => e.kind)).toEqual(["config"]);
    const after = await exportDocument();
    expect(after.providers.find((p) => p.name === "b")?.weight).toBe(4);
    expect(after.apiKeys[0]?.note).toBe("imported");
    const c = (await t.call("GET", "/providers")).as(providerList).items.find((p) => p.name === "c");
    expect(c).toMatchObject({ hasApiKey: true, apiKeyMasked: "••••1234" });
  });

  it("imports a body too large for one JSON.parse (parsed in slices) the same way", async () => {
    const doc = await exportDocument();
    // ~1,500 providers with long notes-like paths: well past the paced parser's 256 KB threshold.
    for (let i = 0; i < 1_500; i++) {
      doc.providers.push({
        ...doc.providers[1]!,
        name: `bulk-${i}`,
        baseUrl: `http://127.0.0.1:9/${"p".repeat(150)}/${i}`,
      });
    }
    const text = JSON.stringify(doc, null, 2);
    expect(text.length).toBeGreaterThan(256 * 1024);
    const applied = (await t.call("POST", "/config/import", { raw: text })).as(importResultSchema);
    expect(applied.diff.providers.created).toHaveLength(1_500);
    expect(applied.diff.providers.unchanged).toEqual(["a", "b"]);
    expect((await t.counts()).providers).toBe(1_502);
    await expectNothingApplied(async () => {
      const broken = `${text.slice(0, -1)}]`;
      (await t.call("POST", "/config/import", { raw: broken })).error(400, "INVALID_JSON");
    });
  });

  it("prunes what the document leaves out only when asked, and replaces memberships", async () => {
    const doc = await exportDocument();
    doc.providers = doc.providers.filter((p) => p.name === "a");
    doc.groups[0]!.providers = [
      { provider: "a", priority: 0, weight: 2, enabled: true, models: [], modelMap: {} },
    ];
    const plain = (await t.call("POST", "/config/import?dryRun=true", { json: doc })).as(importResultSchema);
    expect(plain.diff.providers.deleted).toEqual([]);
    const pruned = (await t.call("POST", "/config/import?prune=true", { json: doc })).as(importResultSchema);
    expect(pruned.diff.providers).toEqual({ created: [], updated: [], unchanged: ["a"], deleted: ["b"] });
    expect(pruned.diff.groups.updated).toEqual(["g1"]);
    const g1 = (await t.call("GET", `/groups/${seed.group}`)).as(groupDetailSchema);
    expect(g1.providers.map((m) => [m.providerName, m.weight])).toEqual([["a", 2]]);
    expect((await t.counts()).providers).toBe(1);
  });

  it("reports every problem with its path and applies nothing (IMPORT_INVALID)", async () => {
    const doc = await exportDocument();
    doc.groups[0]!.providers.push({
      provider: "x",
      priority: 0,
      weight: null,
      enabled: true,
      models: [],
      modelMap: {},
    });
    doc.groups.push({ ...doc.groups[0]!, providers: [] });
    doc.apiKeys[0]!.group = "missing-group";
    doc.providers.push({ ...doc.providers[0]!, name: "fresh" });
    await expectNothingApplied(async () => {
      const res = await t.call("POST", "/config/import", { json: doc });
      const { issues } = issueList.parse(res.error(422, "IMPORT_INVALID").details);
      expect(issues.map((i) => `${i.path}: ${i.message}`)).toEqual([
        'groups[0].providers[2].provider: unknown provider "x"',
        'groups[1].slug: duplicate group slug "g1" (first at groups[0])',
        'apiKeys[0].group: unknown group "missing-group"',
      ]);
      const typed = await t.call("POST", "/config/import", {
        json: { version: 1, providers: [{ name: "p", baseUrl: "ftp://x", weight: "1", extra: true }] },
      });
      const paths = issueList.parse(typed.error(422, "IMPORT_INVALID").details).issues.map((i) => i.path);
      expect(paths.sort()).toEqual(["providers[0]", "providers[0].baseUrl", "providers[0].weight"]);
      (await t.call("POST", "/config/import", { json: { version: 2 } })).error(422, "IMPORT_INVALID");
      (await t.call("POST", "/config/import", { raw: "{nope" })).error(400, "INVALID_JSON");
      const prune = await t.call("POST", "/config/import?prune=true", { json: { version: 1 } });
      expect(JSON.stringify(prune.error(422, "IMPORT_INVALID").details)).toContain(
        'group \\"g1\\" would be pruned',
      );
    });
  });

  it("exports providers as RFC 4180 CSV and imports them back with the same rules", async () => {
    await t.call("PUT", `/providers/${seed.b}`, {
      json: {
        description: 'has, comma "quotes"\r\nand a line break',
        headers: { "anthropic-version": "2023-06-01" },
      },
    });
    const res = await t.call("GET", "/providers/export.csv", { as: "viewer" });
    expect(res.headers.get("content-type")).toMatch(/^text\/csv/);
    expect(res.text).not.toContain(SECRET);
    expect(res.text).toContain('"has, comma ""quotes""\r\nand a line break"');
    const parsed = parseCsv(res.text);
    expect(parsed.ok && parsed.records.map((r) => r.fields[0])).toEqual(["name", "a", "b"]);
    const withKey = await t.call("GET", "/providers/export.csv?includeSecrets=true");
    expect(withKey.text.split("\r\n")[0]).toMatch(/,apiKey$/);
    expect(withKey.text).toContain(SECRET);

    const same = await t.call("POST", "/providers/import.csv", { raw: res.text, contentType: "text/csv" });
    expect(same.as(importResultSchema).diff.providers.unchanged).toEqual(["a", "b"]);

    const csv =
      "name,baseUrl,weight,enabled\r\nb,http://127.0.0.1:9/b,3,false\r\nd,https://127.0.0.1:9/d,,\r\n";
    await expectNothingApplied(async () => {
      const dry = await t.call("POST", "/providers/import.csv?dryRun=true", {
        raw: csv,
        contentType: "text/csv",
      });
      expect(dry.as(importResultSchema).diff.providers).toEqual({
        created: ["d"],
        updated: ["b"],
        unchanged: [],
        deleted: [],
      });
    });
    const applied = await t.call("POST", "/providers/import.csv", { raw: csv, contentType: "text/csv" });
    expect(applied.as(importResultSchema).applied).toBe(true);
    const list = (await t.call("GET", "/providers")).as(providerList).items;
    expect(list.map((p) => [p.name, p.weight, p.enabled])).toEqual([
      ["a", 1, true],
      ["b", 3, false],
      ["d", 1, true],
    ]);
  });

  it("refuses bad CSV with line-numbered problems and applies nothing", async () => {
    await expectNothingApplied(async () => {
      const bad =
        "name,baseUrl,weight\r\nok,http://127.0.0.1:9,1\r\nbad,ftp://x,-1\r\nb,http://127.0.0.1:9,x\r\n";
      const res = await t.call("POST", "/providers/import.csv", { raw: bad, contentType: "text/csv" });
      const { issues } = issueList.parse(res.error(422, "IMPORT_INVALID").details);
      expect(issues.map((i) => i.path).sort()).toEqual(["line 3.baseUrl", "line 3.weight", "line 4.weight"]);
      const column = await t.call("POST", "/providers/import.csv", {
        raw: "name,url\r\n",
        contentType: "text/csv",
      });
      expect(JSON.stringify(column.error(422, "IMPORT_INVALID").details)).toContain(
        'unknown column \\"url\\"',
      );
      const quote = await t.call("POST", "/providers/import.csv", {
        raw: 'name,baseUrl\r\n"a,b\r\n',
        contentType: "text/csv",
      });
      quote.error(422, "IMPORT_INVALID");
      const pruneInUse = await t.call("POST", "/providers/import.csv?prune=true", {
        raw: "name,baseUrl\r\na,http://127.0.0.1:9/a\r\n",
        contentType: "text/csv",
      });
      expect(JSON.stringify(pruneInUse.error(422, "IMPORT_INVALID").details)).toContain(
        "member of group(s) g1",
      );
      (await t.call("POST", "/providers/import.csv", { json: { name: "a" } })).error(
        415,
        "UNSUPPORTED_MEDIA_TYPE",
      );
    });
  });
});
