import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { tenantSchema, tenantTokenCreatedSchema } from "@/contracts/tenants";
import {
  startAdminTestServer,
  TEST_ADMIN_TOKEN,
  USER_COOKIE_PREFIX,
  type AdminTestServer,
} from "@/testing/admin-api-test-server";

/**
 * `X-Roundabout-Tenant` as an attacker writes it (issue 11 spirit): percent-encoded, in another case,
 * in Unicode look-alikes sent as raw UTF-8 bytes, padded with whitespace, sent twice, carrying another
 * tenant's slug. A tenant user or a tenant token never acts in a tenant it does not belong to — the
 * answer is its own tenant's data or 404 TENANT_NOT_FOUND — and a system administrator only reaches a
 * tenant by its exact slug.
 */

const idShape = z.object({ id: z.string() });
let t: AdminTestServer;
let cookie: string;
let tenantToken: string;
let groupOfA: string;
let groupOfB: string;

/** UTF-8 bytes of `text` as the latin1 string node writes byte for byte into a header. */
const rawUtf8 = (text: string) => Buffer.from(text, "utf8").toString("latin1");

/** One GET /groups with exactly these header lines (arrays: repeated lines), over node:http. */
function listGroups(headers: Record<string, string | string[]>): Promise<{ status: number; text: string }> {
  const url = new URL(`${t.origin}/api/admin/groups`);
  return new Promise((resolve, reject) => {
    const req = request(url, { method: "GET", headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
    });
    req.on("error", reject);
    req.end();
  });
}

/** Spellings of tenant B's slug (`bee`) that are not `bee`, plus tricks that carry it. */
const DISGUISES: readonly (string | string[])[] = [
  "%62ee",
  "%62%65%65",
  "BEE",
  "Bee",
  rawUtf8("ｂｅｅ"), // fullwidth
  rawUtf8("bée"),
  rawUtf8("bee\u200b"), // zero-width space
  rawUtf8("\u0432ee"), // Cyrillic ve
  "b ee",
  "bee,ay",
  "ay,bee",
  "bee;ay",
  "ay bee",
  ["ay", "bee"],
  ["bee", "ay"],
  ["bee", "bee"],
  ["", "bee"],
];

beforeAll(async () => {
  t = await startAdminTestServer("pglite");
  const inTenant = (slug: string) => ({ headers: { "x-roundabout-tenant": slug } });
  const a = (await t.call("POST", "/tenants", { json: { name: "A", slug: "ay" } })).as(tenantSchema);
  (await t.call("POST", "/tenants", { json: { name: "B", slug: "bee" } })).as(tenantSchema);
  groupOfA = (
    await t.call("POST", "/groups", { ...inTenant("ay"), json: { slug: "group-of-a", name: "A" } })
  ).as(idShape).id;
  groupOfB = (
    await t.call("POST", "/groups", { ...inTenant("bee"), json: { slug: "group-of-b", name: "B" } })
  ).as(idShape).id;
  const user = (
    await t.call("POST", "/users", {
      json: { username: "owner-a", password: "owner-a-password", role: "viewer" },
    })
  ).as(idShape);
  expect(
    (await t.call("POST", `/tenants/${a.id}/members`, { json: { userId: user.id, role: "owner" } })).status,
  ).toBe(200);
  cookie = `${USER_COOKIE_PREFIX}${user.id}`;
  tenantToken = (
    await t.call("POST", `/tenants/${a.id}/tokens`, { json: { name: "automation", role: "admin" } })
  ).as(tenantTokenCreatedSchema).token;
});

afterAll(async () => {
  await t?.close();
});

describe("X-Roundabout-Tenant under attack", () => {
  it("a tenant user never switches to another tenant, however the header is spelled or repeated", async () => {
    // The plain slug of a tenant it is not a member of: 404, as if it did not exist.
    expect((await listGroups({ cookie, "x-roundabout-tenant": "bee" })).status).toBe(404);
    for (const value of [...DISGUISES, " bee ", "\tbee"]) {
      const answer = await listGroups({ cookie, "x-roundabout-tenant": value });
      expect(answer.text, JSON.stringify(value)).not.toContain(groupOfB);
      expect([200, 404], JSON.stringify(value)).toContain(answer.status);
      if (answer.status === 404) expect(answer.text).toContain("TENANT_NOT_FOUND");
      else expect(answer.text).toContain(groupOfA);
    }
    // Its own tenant, padded: the same tenant (whitespace around a header value is not part of it).
    expect((await listGroups({ cookie, "x-roundabout-tenant": "  ay\t" })).text).toContain(groupOfA);
  });

  it("a tenant token ignores the header: always its own tenant", async () => {
    for (const value of ["bee", " bee ", ...DISGUISES]) {
      const answer = await listGroups({
        authorization: `Bearer ${tenantToken}`,
        "x-roundabout-tenant": value,
      });
      expect(answer.status, JSON.stringify(value)).toBe(200);
      expect(answer.text).toContain(groupOfA);
      expect(answer.text).not.toContain(groupOfB);
    }
  });

  it("a system administrator reaches a tenant by its exact slug only", async () => {
    const admin = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };
    expect((await listGroups({ ...admin, "x-roundabout-tenant": "bee" })).text).toContain(groupOfB);
    expect((await listGroups({ ...admin, "x-roundabout-tenant": " bee\t" })).text).toContain(groupOfB);
    for (const value of DISGUISES) {
      const answer = await listGroups({ ...admin, "x-roundabout-tenant": value });
      expect(answer.status, JSON.stringify(value)).toBe(404);
      expect(answer.text).toContain("TENANT_NOT_FOUND");
    }
  });
});
