import { readFileSync } from "node:fs";
import { expect } from "vitest";
import { statsCacheSchema, statsCostsSchema } from "@/contracts/stats";
import { saveScreenshot, waitForContent } from "./browser-helpers";
import type { ConsoleFlow } from "./flow";

/**
 * Cost and cache on the Statistics page (issues 14 and 16): a price for the mock model, two answers
 * that report cached prompt tokens, then the cost table by model (and its CSV download), by provider,
 * and the cache-read share of the group — each figure as the API computes it.
 */

/** An OpenAI chat completion whose usage says 800 of its 1,000 prompt tokens came from the cache. */
const CACHED_ANSWER = JSON.stringify({
  id: "chatcmpl-cached",
  object: "chat.completion",
  model: "mock-model",
  choices: [{ index: 0, message: { role: "assistant", content: "cached" }, finish_reason: "stop" }],
  usage: {
    prompt_tokens: 1000,
    completion_tokens: 100,
    total_tokens: 1100,
    prompt_tokens_details: { cached_tokens: 800 },
  },
});

const usd = (value: number) =>
  new Intl.NumberFormat("en-US", {
    style: "currency",
    currency: "USD",
    minimumFractionDigits: 2,
    maximumFractionDigits: value !== 0 && Math.abs(value) < 1 ? 6 : 2,
  }).format(value);
const percent = (ratio: number) =>
  new Intl.NumberFormat("en-US", { style: "percent", maximumFractionDigits: 1 }).format(ratio);

export async function checkCostAndCache(flow: ConsoleFlow): Promise<void> {
  const { page, base, upstreams } = flow;
  const price = await page.request.post(`${base}/api/admin/model-prices`, {
    headers: { origin: base },
    data: {
      model: "mock-model",
      inputPerMTok: 2,
      outputPerMTok: 10,
      cacheReadPerMTok: 0.5,
      cacheWritePerMTok: null,
    },
  });
  expect(price.status()).toBe(201);
  for (let i = 0; i < 2; i++) {
    // provider-b is first in line: it answers both.
    upstreams[1]!.queueBehaviour({
      mode: "status",
      status: 200,
      body: CACHED_ANSWER,
      contentType: "application/json",
    });
    const response = await fetch(`${base}/api/proxy/main-pool/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${flow.gatewayKey}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "mock-model", messages: [{ role: "user", content: `cached ${i}` }] }),
    });
    expect(response.status).toBe(200);
    await response.arrayBuffer();
  }

  // What the API says (the console must show the same figures).
  const api = async <T>(path: string, parse: (body: unknown) => T) => {
    const answer = await page.request.get(`${base}/api/admin${path}`);
    expect(answer.status()).toBe(200);
    return parse(await answer.json());
  };
  let costs = await api("/stats/costs?by=model", (b) => statsCostsSchema.parse(b));
  await expect
    .poll(
      async () => {
        costs = await api("/stats/costs?by=model", (b) => statsCostsSchema.parse(b));
        return costs.items.find((e) => e.name === "mock-model")?.requests;
      },
      { timeout: 15_000, interval: 500 },
    )
    .toBe(5);
  const model = costs.items.find((e) => e.name === "mock-model")!;
  expect(model.costUsd).toBeGreaterThan(0);

  await page.goto(`${base}/statistics`);
  await waitForContent(page);
  const table = page.getByRole("table", { name: "Cost" });
  const row = table.getByRole("row").filter({ hasText: "mock-model" });
  await expect
    .poll(async () => (await row.textContent()) ?? "", { timeout: 15_000 })
    .toContain(usd(model.costUsd));
  expect(await row.textContent()).toMatch(/mock-model\s*5/);

  // The CSV of the same table: header, then the model's row with its exact cost.
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: "Cost CSV" }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^stats-costs-by-model-\d{8}T\d{6}Z\.csv$/);
  const csv = readFileSync((await download.path())!, "utf8").split("\r\n");
  expect(csv[0]).toBe(
    "id,name,detail,requests,errors,input_tokens,output_tokens,cache_read_tokens,cache_write_tokens,cost_usd,cost_share,unpriced_requests",
  );
  expect(csv.find((line) => line.startsWith("mock-model,"))).toContain(`,${model.costUsd},`);

  // By provider: provider-b carried every request.
  await page
    .getByRole("group", { name: "Split the cost by" })
    .getByRole("button", { name: "Provider" })
    .click();
  await table.getByRole("row").filter({ hasText: "provider-b" }).waitFor();

  // Cache: 1,600 of the group's input tokens were read from the cache.
  const cache = await api("/stats/cache", (b) => statsCacheSchema.parse(b));
  const group = cache.groups.find((g) => g.name === "main-pool")!;
  expect(group.tokens.cacheRead).toBe(1600);
  const groupRow = page.getByTestId("stats-cache-groups").getByRole("row").filter({ hasText: "main-pool" });
  await expect
    .poll(async () => (await groupRow.textContent()) ?? "")
    .toContain(percent(group.cacheReadShare!));
  expect(await page.getByTestId("stats-cache-totals").textContent()).toContain(
    percent(cache.totals.cacheReadShare!),
  );
  await saveScreenshot(page, "flow-statistics-cost-cache");
}
