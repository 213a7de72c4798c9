import type { BrowserContext, Page } from "playwright-core";
import { expect } from "vitest";
import { findA11yProblems, saveScreenshot, waitForContent } from "./browser-helpers";

/**
 * The tenant flow's steps (issue 14): prices and their import, a tenant with an owner, a token and a
 * quota, the owner's key with a monthly cost quota spent by real proxied requests, and a system
 * administrator switching between tenants.
 */

export const OWNER = { username: "owner-a", password: "owner-password-1" } as const;
/** $1,000 / $2,000 per million tokens: the mock's 11 input + 7 output tokens cost $0.025 a request. */
export const PRICE_FILE = {
  sample_spec: { input_cost_per_token: 0, litellm_provider: "one of …", mode: "one of …" },
  "mock-model": { input_cost_per_token: 1e-3, output_cost_per_token: 2e-3, litellm_provider: "mock" },
  "dall-e-3": { output_cost_per_image: 0.04, litellm_provider: "openai", mode: "image_generation" },
};

/** A system administrator's console in one tenant, and the gateway it serves. */
export interface TenantFlow {
  readonly base: string;
  readonly admin: Page;
  /** The mock upstream the tenant's provider points at. */
  readonly upstreamUrl: string;
  tenantId: string;
  ownerKey: string;
  keyId: string;
}

/** Reloads the current page, runs axe on it and saves its screenshot; answers the serious problems. */
export async function auditPage(page: Page, name: string): Promise<string[]> {
  // A fresh load: a toast fading out mid-audit reads as a contrast failure.
  await page.reload();
  await waitForContent(page);
  await saveScreenshot(page, name);
  return (await findA11yProblems(page)).map((problem) => `${name}: ${problem}`);
}

/** A bad file is refused with a message; LiteLLM's file adds its priced model and skips the rest. */
export async function importPrices(flow: TenantFlow): Promise<void> {
  const { admin: page, base } = flow;
  await page.goto(`${base}/model-prices`);
  await page.getByRole("heading", { name: "Model prices" }).waitFor();
  const picker = page.getByTestId("price-file");
  await picker.setInputFiles({ name: "prices.txt", mimeType: "text/plain", buffer: Buffer.from("not json") });
  await page.getByText("prices.txt is not a JSON file.").waitFor();
  await picker.setInputFiles({ name: "list.json", mimeType: "application/json", buffer: Buffer.from("[1]") });
  await page.getByText(/list\.json is not a LiteLLM price file/).waitFor();
  await picker.setInputFiles({
    name: "model_prices_and_context_window.json",
    mimeType: "application/json",
    buffer: Buffer.from(JSON.stringify(PRICE_FILE)),
  });
  await expect
    .poll(() => page.getByTestId("import-result").textContent())
    .toContain("model_prices_and_context_window.json: 1 added, 0 updated, 1 skipped.");
  expect(await page.getByTestId("import-result").textContent()).toContain("dall-e-3");
  const row = page.getByTestId("model-price-row").filter({ hasText: "mock-model" });
  await row.waitFor();
  expect(await row.textContent()).toContain("$1,000.00");

  // A price by hand: added, edited, then deleted.
  await page.getByRole("button", { name: "Add price" }).first().click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel(/^Model/).fill("claude-*");
  await dialog.getByLabel(/^Input/).fill("3");
  await dialog.getByLabel(/^Output/).fill("-1");
  await dialog.getByRole("button", { name: "Create" }).click();
  await dialog.getByText("Enter a price from 0 to 1,000,000 with at most 6 decimals.").waitFor();
  await dialog.getByLabel(/^Output/).fill("15");
  await dialog.getByRole("button", { name: "Create" }).click();
  await dialog.waitFor({ state: "detached" });
  const claude = page.getByTestId("model-price-row").filter({ hasText: "claude-*" });
  await claude.getByRole("button", { name: "More actions" }).click();
  await page.getByRole("menuitem", { name: "Delete" }).click();
  await page.getByRole("alertdialog").getByRole("button", { name: "Delete" }).click();
  await claude.waitFor({ state: "detached" });
}

/** Creates the owner's console account (Settings), then the tenant with the owner, a token and a quota. */
export async function createTenantWithOwner(flow: TenantFlow): Promise<void> {
  const { admin: page, base } = flow;
  await page.goto(`${base}/settings`);
  await page.getByRole("button", { name: "Add user" }).click();
  const userDialog = page.getByRole("dialog");
  await userDialog.getByLabel("Username").fill(OWNER.username);
  await userDialog.getByLabel(/^Password\*?$/).fill(OWNER.password);
  await userDialog.getByRole("button", { name: "Add user" }).click();
  await page.getByTestId("user-row").filter({ hasText: OWNER.username }).waitFor();

  // A single-tenant install shows no tenant picker; the system administrator has the Tenants page.
  expect(await page.getByTestId("tenant-switch").count()).toBe(0);
  await page.getByRole("link", { name: "Tenants" }).click();
  await page.getByRole("heading", { name: "Tenants" }).waitFor();
  await page.getByTestId("tenant-row").filter({ hasText: "Default" }).waitFor();
  await page.getByRole("button", { name: "New tenant" }).first().click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel(/^Name/).fill("Team A");
  expect(await dialog.getByLabel(/^Slug/).inputValue()).toBe("team-a");
  await dialog.getByRole("button", { name: "Create" }).click();
  await dialog.waitFor({ state: "detached" });
  await page.getByRole("link", { name: "Team A" }).click();
  await page.waitForURL(/\/tenants\/[0-9a-f-]{36}$/);
  flow.tenantId = page.url().split("/").pop() ?? "";
  await page.getByRole("heading", { name: "Team A" }).waitFor();

  await page.getByRole("button", { name: "Add member" }).click();
  const member = page.getByRole("dialog");
  await member.getByRole("combobox", { name: /^User/ }).click();
  await page.getByRole("option", { name: OWNER.username }).click();
  await member.getByRole("button", { name: "Add", exact: true }).click();
  await member.waitFor({ state: "detached" });
  const ownerRow = page.getByTestId("tenant-member-row").filter({ hasText: OWNER.username });
  expect(await ownerRow.textContent()).toContain("Owner");

  // An admin token: shown once and copied, listed masked, then revoked.
  await page.getByRole("button", { name: "New token" }).click();
  const tokenDialog = page.getByRole("dialog");
  await tokenDialog.getByLabel(/^Name/).fill("terraform");
  await tokenDialog.getByRole("button", { name: "Create" }).click();
  const shown = page.getByTestId("created-token");
  await shown.waitFor();
  const token = (await shown.textContent())?.trim() ?? "";
  expect(token).toMatch(/^rbt-/);
  await page.getByRole("button", { name: "Copy token" }).click();
  await page.getByText("Token copied to the clipboard.").waitFor();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(token);
  await page.getByRole("button", { name: "Done" }).click();
  const tokenRow = page.getByTestId("tenant-token-row").filter({ hasText: "terraform" });
  await tokenRow.waitFor();
  expect(await tokenRow.textContent()).not.toContain(token);
  const asToken = await fetch(`${base}/api/admin/providers`, {
    headers: { authorization: `Bearer ${token}` },
  });
  expect(asToken.status).toBe(200);
  await page.getByRole("button", { name: "Revoke token terraform" }).click();
  await page.getByRole("alertdialog").getByRole("button", { name: "Revoke token" }).click();
  await tokenRow.waitFor({ state: "detached" });
  const revoked = await fetch(`${base}/api/admin/providers`, {
    headers: { authorization: `Bearer ${token}` },
  });
  expect(revoked.status).toBe(401);

  // The tenant's own quota (all its keys together).
  const quota = page.getByTestId("quota-form");
  await quota.getByLabel("Requests per day").fill("1000");
  await quota.getByRole("button", { name: "Save quota" }).click();
  await page.getByText("Quota saved.").waitFor();
  await page.reload();
  await page.getByTestId("quota-form").getByLabel("Requests per day").waitFor();
  expect(await page.getByTestId("quota-form").getByLabel("Requests per day").inputValue()).toBe("1000");
}

/** The owner's console in a new browser context, signed in. */
export async function ownerSignsIn(context: BrowserContext, page: Page, base: string): Promise<void> {
  await page.goto(`${base}/sign-in`);
  await page.getByLabel("Username").fill(OWNER.username);
  await page.getByLabel("Password", { exact: true }).fill(OWNER.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(`${base}/`);
  await page.getByRole("heading", { name: "Dashboard" }).waitFor();
  expect(context).toBeTruthy();
}

/** Builds the owner's provider and group through the admin API with the owner's own session. */
export async function buildOwnerRouting(context: BrowserContext, flow: TenantFlow): Promise<void> {
  const { base, upstreamUrl } = flow;
  const post = async (path: string, data: unknown) => {
    const response = await context.request.post(`${base}/api/admin${path}`, {
      headers: { origin: base },
      data,
    });
    expect(response.status(), await response.text()).toBe(201);
    return (await response.json()) as { id: string };
  };
  const provider = await post("/providers", {
    name: "team-upstream",
    baseUrl: upstreamUrl,
    apiKey: "team-secret",
  });
  const group = await post("/groups", { slug: "team-pool", name: "Team pool" });
  await post(`/groups/${group.id}/providers`, { providerId: provider.id });
}

/** The owner generates a key in the console (shown once), keeping it for the gateway calls. */
export async function ownerGeneratesKey(page: Page, flow: TenantFlow): Promise<void> {
  await page.goto(`${flow.base}/api-keys`);
  await page.getByRole("button", { name: "Generate key" }).first().click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel(/^Name\*?$/).fill("team-key");
  await dialog.getByRole("button", { name: "Generate key" }).click();
  const shown = page.getByTestId("created-key");
  await shown.waitFor();
  flow.ownerKey = (await shown.textContent())?.trim() ?? "";
  await page.getByRole("button", { name: "I have saved the key" }).click();
  await shown.waitFor({ state: "detached" });
}

/** One chat completion through the gateway with the owner's key; answers the status. */
export async function proxyOnce(flow: TenantFlow): Promise<{ status: number; code: string | null }> {
  const response = await fetch(`${flow.base}/api/proxy/team-pool/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${flow.ownerKey}`, "content-type": "application/json" },
    body: JSON.stringify({ model: "mock-model", messages: [{ role: "user", content: "hello" }] }),
  });
  const body = (await response.json()) as { error?: { code?: string } };
  return { status: response.status, code: body.error?.code ?? null };
}

/** The owner sets the key's monthly cost quota on its usage page, spends it, and sees the spend. */
export async function ownerSpendsQuota(page: Page, flow: TenantFlow): Promise<void> {
  const { base } = flow;
  await page.goto(`${base}/api-keys`);
  await page.getByRole("link", { name: "team-key" }).click();
  await page.waitForURL(/\/api-keys\/[0-9a-f-]{36}$/);
  flow.keyId = page.url().split("/").pop() ?? "";
  await page.getByRole("heading", { name: "Usage of team-key" }).waitFor();
  const quota = page.getByTestId("quota-form");
  await quota.getByLabel("Cost per month (USD)").fill("0.0x");
  await quota.getByRole("button", { name: "Save quota" }).click();
  await quota.getByText("Enter an amount in USD with at most 6 decimals, or leave it empty.").waitFor();
  await quota.getByLabel("Cost per month (USD)").fill("0.05");
  await quota.getByRole("button", { name: "Save quota" }).click();
  await page.getByText("Quota saved.").waitFor();
  await expect.poll(() => page.getByTestId("usage-month-cost").textContent()).toContain("$0.00 / $0.05");

  // Two requests at $0.025 spend the quota; the next one is refused.
  for (let i = 0; i < 2; i++) expect(await proxyOnce(flow)).toEqual({ status: 200, code: null });
  await expect
    .poll(
      async () => {
        await page.reload();
        return page.getByTestId("usage-month-cost-used").textContent();
      },
      { timeout: 20_000, interval: 500 },
    )
    .toBe("$0.05");
  expect(await page.getByTestId("usage-day-requests-used").textContent()).toBe("2");
  expect(await page.getByTestId("usage-day-tokens-used").textContent()).toBe("36");
  expect(await page.getByRole("progressbar", { name: /^Cost/ }).getAttribute("aria-valuenow")).toBe("100");
  expect(await proxyOnce(flow)).toEqual({ status: 429, code: "QUOTA_EXCEEDED" });
}
