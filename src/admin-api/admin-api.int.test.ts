import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { apiKeySchema, createdApiKeySchema } from "@/contracts/api-keys";
import { auditPageSchema } from "@/contracts/audit";
import { overviewSchema } from "@/contracts/overview";
import { providerSchema } from "@/contracts/providers";
import { apiKeys, providers } from "@/db/schema";
import { digestGatewayKey } from "@/security/gateway-key";
import { DATABASE_KINDS } from "@/testing/test-database";
import {
  startAdminTestServer,
  TEST_ADMIN_TOKEN,
  type AdminTestServer,
} from "@/testing/admin-api-test-server";

const providerList = z.object({ items: z.array(providerSchema) });
const apiKeyList = z.object({ items: z.array(apiKeySchema) });
const issuesOf = (details: unknown) =>
  z.object({ issues: z.array(z.object({ path: z.string(), message: z.string() })) }).parse(details).issues;
const UPSTREAM_SECRET = "sk-upstream-secret-0123456789abcd";
const MAX_BODY = 64 * 1024;

describe.each(DATABASE_KINDS)("admin API on %s", (kind) => {
  let t: AdminTestServer;
  let seq = 0;
  const unique = (prefix: string) => `${prefix}-${++seq}`;

  beforeAll(async () => {
    t = await startAdminTestServer(kind, { maxBodyBytes: MAX_BODY });
  });
  afterAll(async () => {
    await t?.close();
  });

  async function createProvider(fields: Record<string, unknown> = {}) {
    const res = await t.call("POST", "/providers", {
      json: { name: unique("prov"), baseUrl: "http://127.0.0.1:9/v1", ...fields },
    });
    expect(res.status).toBe(201);
    return res.as(providerSchema);
  }

  describe("authentication and roles", () => {
    it("answers 401 without a token or with a wrong one, and writes nothing", async () => {
      await t.expectNothingWritten(async () => {
        const missing = await t.call("GET", "/providers", { as: "none" });
        missing.error(401, "UNAUTHENTICATED");
        expect(missing.headers.get("www-authenticate")).toMatch(/^Bearer/);
        const wrong = await t.call("POST", "/providers", {
          as: { token: "not-the-admin-token-at-all" },
          json: { name: "x", baseUrl: "http://127.0.0.1:9" },
        });
        wrong.error(401, "UNAUTHENTICATED");
      });
    });

    it("lets a viewer read but answers 403 to every write", async () => {
      const provider = await createProvider();
      const list = await t.call("GET", "/providers", { as: "viewer" });
      expect(list.status).toBe(200);
      expect(list.as(providerList).items.map((p) => p.id)).toContain(provider.id);
      await t.expectNothingWritten(async () => {
        const writes: [string, string, unknown][] = [
          ["POST", "/providers", { name: unique("v"), baseUrl: "http://127.0.0.1:9" }],
          ["PUT", `/providers/${provider.id}`, { weight: 5 }],
          ["PATCH", `/providers/${provider.id}/toggle`, undefined],
          ["DELETE", `/providers/${provider.id}`, undefined],
          ["POST", "/groups", { slug: unique("g"), name: "g" }],
          ["POST", "/api-keys", { name: "k" }],
          ["POST", "/config/import", { version: 1 }],
        ];
        for (const [method, path, json] of writes) {
          (await t.call(method, path, { as: "viewer", json })).error(403, "FORBIDDEN");
        }
        (await t.call("GET", "/config/export?includeSecrets=true", { as: "viewer" })).error(403, "FORBIDDEN");
        (await t.call("GET", "/providers/export.csv?includeSecrets=true", { as: "viewer" })).error(
          403,
          "FORBIDDEN",
        );
      });
    });
  });

  describe("HTTP errors", () => {
    it("answers 404 ROUTE_NOT_FOUND for unknown routes and 405 with Allow for wrong methods", async () => {
      (await t.call("GET", "/nope")).error(404, "ROUTE_NOT_FOUND");
      (await t.call("GET", "/providers/a/b/c")).error(404, "ROUTE_NOT_FOUND");
      const wrong = await t.call("DELETE", "/providers");
      wrong.error(405, "METHOD_NOT_ALLOWED");
      expect(wrong.headers.get("allow")?.split(", ").sort()).toEqual(["GET", "POST"]);
    });

    it("rejects malformed JSON, non-JSON bodies, wrong types and unknown fields without writing", async () => {
      await t.expectNothingWritten(async () => {
        (await t.call("POST", "/providers", { raw: '{"name": "x",' })).error(400, "INVALID_JSON");
        (await t.call("POST", "/providers", { raw: "", contentType: "application/json" })).error(
          400,
          "INVALID_JSON",
        );
        (
          await t.call("POST", "/providers", {
            raw: "name=x",
            contentType: "application/x-www-form-urlencoded",
          })
        ).error(415, "UNSUPPORTED_MEDIA_TYPE");
        const types = await t.call("POST", "/providers", {
          json: { name: 42, baseUrl: "http://127.0.0.1:9", weight: "1" },
        });
        const typeIssues = issuesOf(types.error(400, "VALIDATION_FAILED").details);
        expect(typeIssues.map((i) => i.path).sort()).toEqual(["name", "weight"]);
        const unknown = await t.call("POST", "/providers", {
          json: { name: unique("p"), baseUrl: "http://127.0.0.1:9", colour: "red" },
        });
        expect(issuesOf(unknown.error(400, "VALIDATION_FAILED").details)[0]?.message).toMatch(/colour/);
      });
    });

    it("answers 413 for a body over the limit, declared or streamed", async () => {
      await t.expectNothingWritten(async () => {
        const big = JSON.stringify({
          name: "big",
          baseUrl: "http://127.0.0.1:9",
          description: "x".repeat(MAX_BODY),
        });
        (await t.call("POST", "/providers", { raw: big })).error(413, "BODY_TOO_LARGE");
        // Chunked upload without Content-Length: refused while streaming.
        const chunk = new TextEncoder().encode("x".repeat(16 * 1024));
        let sent = 0;
        const stream = new ReadableStream<Uint8Array>({
          pull(controller) {
            if (sent++ < 8) controller.enqueue(chunk);
            else controller.close();
          },
        });
        const response = await fetch(`${t.origin}/api/admin/providers`, {
          method: "POST",
          headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, "content-type": "application/json" },
          body: stream,
          duplex: "half",
          signal: AbortSignal.timeout(15_000),
        } as RequestInit & { duplex: "half" });
        expect(response.status).toBe(413);
        expect(((await response.json()) as { error: { code: string } }).error.code).toBe("BODY_TOO_LARGE");
      });
    });
  });

  describe("providers", () => {
    it("creates a provider with a sealed credential that no answer ever shows", async () => {
      const before = await t.counts();
      const res = await t.call("POST", "/providers", {
        json: {
          name: unique("anthropic"),
          baseUrl: "https://127.0.0.1:8443/prefix/",
          apiKey: UPSTREAM_SECRET,
        },
      });
      expect(res.status).toBe(201);
      const created = res.as(providerSchema);
      expect(res.headers.get("location")).toBe(`/api/admin/providers/${created.id}`);
      expect(created).toMatchObject({
        baseUrl: "https://127.0.0.1:8443/prefix",
        authStyle: "bearer",
        weight: 1,
        enabled: true,
        healthCheckPath: null,
        headers: {},
        description: "",
        hasApiKey: true,
        apiKeyMasked: "••••abcd",
      });
      expect(res.text).not.toContain(UPSTREAM_SECRET);
      expect(await t.counts()).toEqual({
        ...before,
        providers: before.providers + 1,
        audit: before.audit + 1,
      });

      const [row] = await t.database.db.select().from(providers).where(eq(providers.id, created.id));
      expect(row?.apiKeyCipher).toBeTruthy();
      expect(row?.apiKeyCipher).not.toContain(UPSTREAM_SECRET);
      expect(t.secretBox.open(row!.apiKeyCipher!, created.id)).toBe(UPSTREAM_SECRET);
      expect(() => t.secretBox.open(row!.apiKeyCipher!, "another-row")).toThrow();

      for (const path of [
        `/providers/${created.id}`,
        "/providers",
        "/audit",
        "/config/export",
        "/providers/export.csv",
      ]) {
        const read = await t.call("GET", path, { as: "viewer" });
        expect(read.status).toBe(200);
        expect(read.text).not.toContain(UPSTREAM_SECRET);
      }
    });

    it("updates partially: no apiKey keeps the credential, null clears it", async () => {
      const p = await createProvider({ apiKey: UPSTREAM_SECRET, weight: 3 });
      const kept = await t.call("PUT", `/providers/${p.id}`, { json: { description: "edited" } });
      expect(kept.as(providerSchema)).toMatchObject({ description: "edited", weight: 3, hasApiKey: true });
      const replaced = await t.call("PUT", `/providers/${p.id}`, { json: { apiKey: "short" } });
      expect(replaced.as(providerSchema)).toMatchObject({ hasApiKey: true, apiKeyMasked: "••••" });
      const cleared = await t.call("PUT", `/providers/${p.id}`, {
        json: { apiKey: null, authStyle: "none" },
      });
      expect(cleared.as(providerSchema)).toMatchObject({
        hasApiKey: false,
        apiKeyMasked: null,
        authStyle: "none",
      });
      const [row] = await t.database.db.select().from(providers).where(eq(providers.id, p.id));
      expect(row?.apiKeyCipher).toBeNull();
    });

    it("refuses duplicate names (409), bad base URLs and credential headers (400) without writing", async () => {
      const p = await createProvider();
      const other = await createProvider();
      await t.expectNothingWritten(async () => {
        const dup = await t.call("POST", "/providers", {
          json: { name: p.name, baseUrl: "http://127.0.0.1:9" },
        });
        dup.error(409, "PROVIDER_NAME_TAKEN");
        (await t.call("PUT", `/providers/${other.id}`, { json: { name: p.name } })).error(
          409,
          "PROVIDER_NAME_TAKEN",
        );
        for (const baseUrl of [
          "ftp://127.0.0.1/x",
          "javascript:alert(1)",
          "127.0.0.1:9",
          "http://u:pw@127.0.0.1/",
        ]) {
          const bad = await t.call("POST", "/providers", { json: { name: unique("u"), baseUrl } });
          expect(issuesOf(bad.error(400, "VALIDATION_FAILED").details)[0]?.path).toBe("baseUrl");
        }
        const header = await t.call("POST", "/providers", {
          json: {
            name: unique("h"),
            baseUrl: "http://127.0.0.1:9",
            headers: { Authorization: "Bearer x", Connection: "close" },
          },
        });
        const headerIssues = issuesOf(header.error(400, "VALIDATION_FAILED").details);
        expect(headerIssues.map((i) => i.path)).toEqual(["headers.Authorization", "headers.Connection"]);
        expect(headerIssues[0]?.message).toMatch(/apiKey/);
      });
    });

    it("maps a race of two creates with one name to one 201 and one 409", async () => {
      const name = unique("race");
      const body = { json: { name, baseUrl: "http://127.0.0.1:9" } };
      const results = await Promise.all([
        t.call("POST", "/providers", body),
        t.call("POST", "/providers", body),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
      expect(results.find((r) => r.status === 409)?.error(409, "PROVIDER_NAME_TAKEN")).toBeTruthy();
    });

    it("toggles, answers 404 for unknown ids, and deletes", async () => {
      const p = await createProvider();
      expect((await t.call("PATCH", `/providers/${p.id}/toggle`)).as(providerSchema).enabled).toBe(false);
      expect((await t.call("PATCH", `/providers/${p.id}/toggle`)).as(providerSchema).enabled).toBe(true);
      const set = await t.call("PATCH", `/providers/${p.id}/toggle`, { json: { enabled: true } });
      expect(set.as(providerSchema).enabled).toBe(true);
      (await t.call("GET", "/providers/00000000-0000-4000-8000-000000000000")).error(
        404,
        "PROVIDER_NOT_FOUND",
      );
      (await t.call("GET", "/providers/not-a-uuid")).error(404, "PROVIDER_NOT_FOUND");
      expect((await t.call("DELETE", `/providers/${p.id}`)).status).toBe(204);
      (await t.call("GET", `/providers/${p.id}`)).error(404, "PROVIDER_NOT_FOUND");
    });
  });

  describe("API keys", () => {
    it("answers the full key once; lists and reads show only the mask", async () => {
      const res = await t.call("POST", "/api-keys", {
        json: { name: unique("key"), rateLimitPerMinute: 60, expiresAt: "2031-01-02T03:04:05Z", note: "ci" },
      });
      expect(res.status).toBe(201);
      const created = res.as(createdApiKeySchema);
      expect(created.key).toMatch(/^sk-[A-Za-z0-9_-]{43}$/);
      expect(created.keyMasked).toBe(`${created.key.slice(0, 7)}…${created.key.slice(-4)}`);
      expect(created).toMatchObject({
        groupId: null,
        rateLimitPerMinute: 60,
        expiresAt: "2031-01-02T03:04:05.000Z",
      });
      const [row] = await t.database.db.select().from(apiKeys).where(eq(apiKeys.id, created.id));
      expect(row?.keyDigest).toBe(digestGatewayKey(created.key));

      for (const path of ["/api-keys", `/api-keys/${created.id}`, "/audit", "/config/export"]) {
        const read = await t.call("GET", path);
        expect(read.text).not.toContain(created.key);
        expect(read.text).not.toContain(row!.keyDigest);
      }
      expect((await t.call("GET", "/api-keys")).as(apiKeyList).items.map((k) => k.id)).toContain(created.id);

      const updated = await t.call("PUT", `/api-keys/${created.id}`, {
        json: { enabled: false, expiresAt: null },
      });
      expect(updated.as(apiKeySchema)).toMatchObject({ enabled: false, expiresAt: null, note: "ci" });
      expect((await t.call("DELETE", `/api-keys/${created.id}`)).status).toBe(204);
      (await t.call("GET", `/api-keys/${created.id}`)).error(404, "API_KEY_NOT_FOUND");
    });

    it("refuses a key scoped to a missing group without writing", async () => {
      await t.expectNothingWritten(async () => {
        const res = await t.call("POST", "/api-keys", {
          json: { name: "scoped", groupId: "00000000-0000-4000-8000-000000000001" },
        });
        res.error(404, "GROUP_NOT_FOUND");
        (await t.call("POST", "/api-keys", { json: { name: "k", expiresAt: "tomorrow" } })).error(
          400,
          "VALIDATION_FAILED",
        );
      });
    });
  });

  describe("audit, overview and announcements", () => {
    it("appends exactly one audit row per write, by the token actor, paged newest first", async () => {
      const before = await t.counts();
      const p = await createProvider();
      await t.call("PUT", `/providers/${p.id}`, { json: { weight: 7 } });
      await t.call("DELETE", `/providers/${p.id}`);
      expect((await t.counts()).audit).toBe(before.audit + 3);

      const first = (await t.call("GET", "/audit?limit=2", { as: "viewer" })).as(auditPageSchema);
      expect(first.items.map((e) => e.action)).toEqual(["provider.delete", "provider.update"]);
      expect(first.items[1]).toMatchObject({
        actor: { id: null, name: "admin-token" },
        entityType: "provider",
        entityId: p.id,
        changes: { weight: { from: 1, to: 7 } },
      });
      expect(first.items[0]?.ip).toMatch(/127\.0\.0\.1/);
      expect(first.nextCursor).not.toBeNull();
      const second = (await t.call("GET", `/audit?limit=2&cursor=${first.nextCursor}`)).as(auditPageSchema);
      expect(second.items[0]?.action).toBe("provider.create");
      expect(second.items[0]!.id).toBeLessThan(first.items[1]!.id);
      (await t.call("GET", "/audit?limit=0")).error(400, "INVALID_QUERY");
    });

    it("counts providers, groups and keys by state", async () => {
      const before = (await t.call("GET", "/overview")).as(overviewSchema);
      await createProvider({ enabled: false });
      const after = (await t.call("GET", "/overview", { as: "viewer" })).as(overviewSchema);
      expect(after.providers).toEqual({
        total: before.providers.total + 1,
        enabled: before.providers.enabled,
        disabled: before.providers.disabled + 1,
      });
      const [dbCount] = [await t.counts()];
      expect(after.providers.total).toBe(dbCount.providers);
      expect(after.groups.total).toBe(dbCount.groups);
      expect(after.apiKeys.total).toBe(dbCount.apiKeys);
    });

    it("announces every committed write on the config channel", async () => {
      const start = t.events.length;
      const p = await createProvider();
      await t.call("PUT", `/providers/${p.id}`, { json: { weight: 2 } });
      const events = (await t.waitForEvents(start + 2)).slice(start);
      expect(events.map((e) => [e.kind, e.id])).toEqual([
        ["provider", p.id],
        ["provider", p.id],
      ]);
      expect(events.every((e) => typeof e.at === "number")).toBe(true);
    });
  });
});
