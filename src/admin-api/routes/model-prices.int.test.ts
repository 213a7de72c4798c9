import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { modelPriceImportResultSchema, modelPriceSchema } from "@/contracts/model-prices";
import { apiKeySchema, createdApiKeySchema } from "@/contracts/api-keys";
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
});
