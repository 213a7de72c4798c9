import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { modelPriceImportResultSchema, modelPriceSchema } from "@/contracts/model-prices";
import { apiKeySchema, createdApiKeySchema } from "@/contracts/api-keys";
import { tenantSchema, tenantTokenCreatedSchema } from "@/contracts/tenants";
import { startAdminTestServer, type AdminTestServer } from "@/testing/admin-api-test-server";

/** The price book through the admin API: CRUD, LiteLLM import, and quotas on gateway keys. */

let t: AdminTestServer;

beforeAll(async () => {
  t = await startAdminTestServer("pglite");
});
afterAll(async () => {
  await t?.close();
});

const listSchema = z.object({ items: z.array(modelPriceSchema) });

describe("model prices", () => {
  it("creates, reads, updates and deletes a price; refuses duplicates and bad amounts", async () => {
    const created = (
      await t.call("POST", "/model-prices", {
        json: { model: "claude-sonnet-4-*", inputPerMTok: 3, outputPerMTok: 15, cacheReadPerMTok: 0.3 },
      })
    ).as(modelPriceSchema);
    expect(created).toMatchObject({
      inputPerMTok: 3,
      outputPerMTok: 15,
      cacheReadPerMTok: 0.3,
      cacheWritePerMTok: null,
    });
    (
      await t.call("POST", "/model-prices", {
        json: { model: "claude-sonnet-4-*", inputPerMTok: 1, outputPerMTok: 1 },
      })
    ).error(409, "MODEL_PRICE_EXISTS");
    for (const bad of [{ inputPerMTok: -1 }, { outputPerMTok: "3" }, { model: "" }]) {
      (await t.call("PUT", `/model-prices/${created.id}`, { json: bad })).error(400, "VALIDATION_FAILED");
    }
    const updated = (
      await t.call("PUT", `/model-prices/${created.id}`, { json: { cacheWritePerMTok: 3.75 } })
    ).as(modelPriceSchema);
    expect(updated.cacheWritePerMTok).toBe(3.75);
    expect((await t.call("GET", `/model-prices/${created.id}`)).as(modelPriceSchema).cacheWritePerMTok).toBe(
      3.75,
    );
    await t.call("DELETE", `/model-prices/${created.id}`);
    (await t.call("GET", `/model-prices/${created.id}`)).error(404, "MODEL_PRICE_NOT_FOUND");
    (await t.call("GET", "/model-prices/not-a-uuid")).error(404, "MODEL_PRICE_NOT_FOUND");
  });

  it("imports LiteLLM's price file: adds and updates priced models, skips the rest", async () => {
    (
      await t.call("POST", "/model-prices", { json: { model: "gpt-4o", inputPerMTok: 9, outputPerMTok: 9 } })
    ).as(modelPriceSchema);
    const file = {
      sample_spec: { input_cost_per_token: 0.0, litellm_provider: "one of …", mode: "one of …" },
      "gpt-4o": {
        input_cost_per_token: 2.5e-6,
        output_cost_per_token: 1e-5,
        cache_read_input_token_cost: 1.25e-6,
      },
      "claude-sonnet-4-5": {
        input_cost_per_token: 3e-6,
        output_cost_per_token: 1.5e-5,
        cache_read_input_token_cost: 3e-7,
        cache_creation_input_token_cost: 3.75e-6,
        litellm_provider: "anthropic",
        mode: "chat",
      },
      "dall-e-3": { mode: "image_generation", output_cost_per_image: 0.04 },
    };
    const result = (await t.call("POST", "/model-prices/import", { json: file })).as(
      modelPriceImportResultSchema,
    );
    expect(result).toMatchObject({ created: 1, updated: 1, skipped: 1 });
    const { items } = (await t.call("GET", "/model-prices")).as(listSchema);
    expect(
      items.map((p) => [p.model, p.inputPerMTok, p.outputPerMTok, p.cacheReadPerMTok, p.cacheWritePerMTok]),
    ).toEqual([
      ["claude-sonnet-4-5", 3, 15, 0.3, 3.75],
      ["gpt-4o", 2.5, 10, 1.25, null],
    ]);
  });

  it("an attacker's price file: too big, too deep, too many entries, giant numbers — a stable code, never a 500", async () => {
    const big = await startAdminTestServer("pglite", { maxBodyBytes: 2 * 1024 * 1024 });
    try {
      // Bigger than the body limit (ADMIN_MAX_BODY_BYTES): refused while reading, never parsed.
      const huge = JSON.stringify({ m: { input_cost_per_token: 1e-6, pad: "x".repeat(3 * 1024 * 1024) } });
      (await big.call("POST", "/model-prices/import", { raw: huge })).error(413, "BODY_TOO_LARGE");
      // Deep nesting inside an entry (a few kilobytes): refused before anything walks it.
      const deep = `{"m":{"input_cost_per_token":1e-6,"output_cost_per_token":1e-6,"x":${"[".repeat(50_000)}${"]".repeat(50_000)}}}`;
      const refused = (await big.call("POST", "/model-prices/import", { raw: deep })).error(
        400,
        "INVALID_JSON",
      );
      expect(refused.message).toMatch(/deeper than 64 levels/);
      // 64 levels are fine.
      const ok = `{"m":{"input_cost_per_token":1e-6,"output_cost_per_token":1e-6,"x":${"[".repeat(62)}${"]".repeat(62)}}}`;
      expect((await big.call("POST", "/model-prices/import", { raw: ok })).status).toBe(200);
      // More entries than one import reads.
      const many = Object.fromEntries(Array.from({ length: 20_001 }, (_, i) => [`m${i}`, {}]));
      const tooMany = (await big.call("POST", "/model-prices/import", { json: many })).error(
        400,
        "VALIDATION_FAILED",
      );
      expect(JSON.stringify(tooMany.details)).toMatch(/at most 20000 entries/);
      // Giant numbers: skipped with their reason, in bounded time and memory (they used to throw).
      const giant = (
        await big.call("POST", "/model-prices/import", {
          json: {
            bomb: { input_cost_per_token: "1e999999999", output_cost_per_token: 1e-6 },
            zeros: { input_cost_per_token: "1e-300000000", output_cost_per_token: 1e-6 },
            float: { input_cost_per_token: 1e308, output_cost_per_token: "1e+400" },
          },
        })
      ).as(modelPriceImportResultSchema);
      expect(giant).toMatchObject({ created: 1, skipped: 2 });
      expect(giant.skippedExamples.map((e) => e.reason)).toEqual([
        "a cost is not a number from 0 to 1000 USD per token",
        "a cost is not a number from 0 to 1000 USD per token",
      ]);
    } finally {
      await big.close();
    }
  });
});

describe("quotas on gateway keys", () => {
  it("stores, shows and clears a key's quota; refuses bad limits", async () => {
    const key = (
      await t.call("POST", "/api-keys", {
        json: { name: "team-a", quota: { requestsPerDay: 100, costPerMonthUsd: 12.5 } },
      })
    ).as(createdApiKeySchema);
    expect(key.quota).toEqual({ requestsPerDay: 100, costPerMonthUsd: 12.5 });
    for (const bad of [
      { requestsPerDay: 0 },
      { tokensPerDay: 1.5 },
      { costPerMonthUsd: -1 },
      { perWeek: 1 },
    ]) {
      (await t.call("PUT", `/api-keys/${key.id}`, { json: { quota: bad } })).error(400, "VALIDATION_FAILED");
    }
    const cleared = (await t.call("PUT", `/api-keys/${key.id}`, { json: { quota: null } })).as(apiKeySchema);
    expect(cleared.quota).toBeNull();
  });

  it("only a system administrator changes the shared price book; a tenant admin reads it", async () => {
    const tenant = (await t.call("POST", "/tenants", { json: { name: "Priced", slug: "priced" } })).as(
      tenantSchema,
    );
    const token = (
      await t.call("POST", `/tenants/${tenant.id}/tokens`, { json: { name: "ops", role: "admin" } })
    ).as(tenantTokenCreatedSchema).token;
    const asTenant = { as: { token } } as const;
    const price = (
      await t.call("POST", "/model-prices", {
        json: { model: "shared-model", inputPerMTok: 1, outputPerMTok: 2 },
      })
    ).as(modelPriceSchema);
    const json = { model: "cheap-*", inputPerMTok: 0, outputPerMTok: 0 };
    (await t.call("POST", "/model-prices", { ...asTenant, json })).error(403, "FORBIDDEN");
    (await t.call("PUT", `/model-prices/${price.id}`, { ...asTenant, json: { inputPerMTok: 0 } })).error(
      403,
      "FORBIDDEN",
    );
    (await t.call("DELETE", `/model-prices/${price.id}`, asTenant)).error(403, "FORBIDDEN");
    const file = { "shared-model": { input_cost_per_token: 0, output_cost_per_token: 0 } };
    (await t.call("POST", "/model-prices/import", { ...asTenant, json: file })).error(403, "FORBIDDEN");
    const seen = (await t.call("GET", "/model-prices", asTenant)).as(listSchema).items;
    expect(seen.find((p) => p.id === price.id)).toMatchObject({ inputPerMTok: 1, outputPerMTok: 2 });
    expect(seen.some((p) => p.model === "cheap-*")).toBe(false);
  });
});
