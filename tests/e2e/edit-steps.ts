import type { Page } from "playwright-core";
import { expect } from "vitest";
import { findA11yProblems, saveScreenshot, waitForContent } from "./browser-helpers";
import type { ConsoleFlow } from "./flow";

/**
 * The console edits every routing field the API has (issues 15 and 16): a provider's caps and models,
 * a group's rate limit, capture mode and session affinity, a membership's models and aliases, a key's
 * capture override and allowed models; each survives a reload. Then a provider's page draws its
 * health history (the ejection of the health step) and lists its groups.
 */

async function openProviderDialog(page: Page, base: string, name: string) {
  await page.goto(`${base}/providers`);
  await page.getByRole("button", { name, exact: true }).click();
  const dialog = page.getByRole("dialog");
  await dialog.waitFor();
  return dialog;
}

/** provider-a gets a rate cap, a concurrency cap and a model list; the dialog shows them after a reload. */
export async function editProviderCaps(flow: ConsoleFlow): Promise<void> {
  const { page, base } = flow;
  let dialog = await openProviderDialog(page, base, "provider-a");
  await dialog.getByLabel("Requests per minute").fill("600");
  await dialog.getByLabel("Concurrent requests").fill("8");
  await dialog.getByLabel("Models served").fill("mock-*\nclaude-sonnet-*");
  await dialog.getByRole("button", { name: "Save" }).click();
  await page.getByText("Provider provider-a saved.").waitFor();
  await dialog.waitFor({ state: "detached" });

  await page.reload();
  dialog = await openProviderDialog(page, base, "provider-a");
  expect(await dialog.getByLabel("Requests per minute").inputValue()).toBe("600");
  expect(await dialog.getByLabel("Concurrent requests").inputValue()).toBe("8");
  expect(await dialog.getByLabel("Models served").inputValue()).toBe("mock-*\nclaude-sonnet-*");
  await saveScreenshot(page, "flow-provider-caps");
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await dialog.waitFor({ state: "detached" });
}

/** The group's rate limit, capture mode and affinity are saved from its settings card. */
export async function editGroupCaptureAndAffinity(flow: ConsoleFlow): Promise<void> {
  const { page, base } = flow;
  const groupPage = `${base}/groups/${flow.groupId}`;
  await page.goto(groupPage);
  await waitForContent(page);
  await page.getByLabel("Group requests per minute").fill("1000");
  await page.getByRole("combobox", { name: "Request capture" }).click();
  await page.getByRole("option", { name: "Errors only" }).click();
  await page.getByLabel("Largest captured body (KiB)").fill("256");
  await page.getByRole("switch", { name: "Session affinity" }).click();
  await page.getByLabel("Session header").fill("X-Conversation-Id");
  await page.getByLabel("Stickiness (seconds)").fill("600");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await page.getByText("Settings saved.").waitFor();

  await page.reload();
  await waitForContent(page);
  expect(await page.getByLabel("Group requests per minute").inputValue()).toBe("1000");
  expect(await page.getByRole("combobox", { name: "Request capture" }).textContent()).toContain(
    "Errors only",
  );
  expect(await page.getByLabel("Largest captured body (KiB)").inputValue()).toBe("256");
  expect(await page.getByRole("switch", { name: "Session affinity" }).getAttribute("aria-checked")).toBe(
    "true",
  );
  expect(await page.getByLabel("Session header").inputValue()).toBe("x-conversation-id");
  expect(await page.getByLabel("Stickiness (seconds)").inputValue()).toBe("600");
  await saveScreenshot(page, "flow-group-capture-affinity");
}

/** provider-b's membership serves mock-* and maps a client model name onto mock-model. */
export async function editMembershipModels(flow: ConsoleFlow): Promise<void> {
  const { page, base } = flow;
  await page.goto(`${base}/groups/${flow.groupId}`);
  await waitForContent(page);
  await page.getByRole("button", { name: "Edit provider-b in this group" }).click();
  let dialog = page.getByRole("dialog");
  await dialog.getByLabel("Models served in this group").fill("mock-*");
  await dialog.getByRole("button", { name: "Add alias" }).click();
  await dialog.getByLabel("Client model 1").fill("client-model");
  await dialog.getByLabel("Upstream model 1").fill("mock-model");
  await dialog.getByRole("button", { name: "Save" }).click();
  await page.getByText("provider-b updated.").waitFor();
  await dialog.waitFor({ state: "detached" });

  await page.reload();
  const row = page.locator('[data-testid=member-row][data-provider="provider-b"]');
  await row.waitFor();
  expect(await row.getByTestId("member-models").textContent()).toBe("mock-*");
  expect(await row.getByTestId("member-aliases").textContent()).toBe("Aliases: 1");
  await page.getByRole("button", { name: "Edit provider-b in this group" }).click();
  dialog = page.getByRole("dialog");
  expect(await dialog.getByLabel("Models served in this group").inputValue()).toBe("mock-*");
  expect(await dialog.getByLabel("Client model 1").inputValue()).toBe("client-model");
  expect(await dialog.getByLabel("Upstream model 1").inputValue()).toBe("mock-model");
  await saveScreenshot(page, "flow-member-models");
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await dialog.waitFor({ state: "detached" });
}

async function openKeyDialog(page: Page, base: string) {
  await page.goto(`${base}/api-keys`);
  const row = page.getByTestId("api-key-row").filter({ hasText: "e2e-client" });
  await row.getByRole("button", { name: "More actions" }).click();
  await page.getByRole("menuitem", { name: "Edit" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.waitFor();
  return dialog;
}

/** The key may call only mock-* models and captures its failed requests; the gateway applies both. */
export async function editKeyModels(flow: ConsoleFlow): Promise<void> {
  const { page, base } = flow;
  let dialog = await openKeyDialog(page, base);
  await dialog.getByRole("combobox", { name: "Request capture" }).click();
  await page.getByRole("option", { name: "Errors only" }).click();
  await dialog.getByLabel("Allowed models").fill("mock-*\nclient-model");
  await dialog.getByRole("button", { name: "Save" }).click();
  await page.getByText("Key e2e-client saved.").waitFor();
  await dialog.waitFor({ state: "detached" });

  await page.reload();
  dialog = await openKeyDialog(page, base);
  expect(await dialog.getByRole("combobox", { name: "Request capture" }).textContent()).toContain(
    "Errors only",
  );
  expect(await dialog.getByLabel("Allowed models").inputValue()).toBe("mock-*\nclient-model");
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await dialog.waitFor({ state: "detached" });

  // The gateway follows: an allowed model passes, another one is refused.
  const send = (model: string) =>
    fetch(`${base}/api/proxy/main-pool/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${flow.gatewayKey}`, "content-type": "application/json" },
      body: JSON.stringify({ model, messages: [{ role: "user", content: "hi" }] }),
    }).then(async (response) => ({ status: response.status, body: await response.text() }));
  await expect.poll(async () => (await send("not-allowed-model")).status, { timeout: 10_000 }).toBe(403);
  expect((await send("not-allowed-model")).body).toContain("MODEL_NOT_ALLOWED");
  expect((await send("client-model")).status).toBe(200);
}

/** provider-a's page: the ejection of the health step in its history, its group, its caps. */
export async function seeProviderHealthHistory(flow: ConsoleFlow): Promise<void> {
  const { page, base } = flow;
  await page.goto(`${base}/providers`);
  await page.getByRole("link", { name: "Details of provider-a" }).click();
  await page.waitForURL(/\/providers\/[0-9a-f-]{36}$/);
  const history = page.getByTestId("health-history");
  await history.getByTestId("health-band").locator('[data-state="ejected"]').waitFor();
  expect(await history.getByTestId("health-transitions").textContent()).toContain("Ejected");
  expect(await page.getByTestId("provider-facts").textContent()).toContain("600 requests/min cap");
  const membership = page.getByTestId("membership-row").filter({ hasText: "Main pool" });
  await membership.waitFor();
  await page.getByTestId("recent-errors").waitFor();
  await waitForContent(page);
  await saveScreenshot(page, "flow-provider-detail");
  expect(await findA11yProblems(page)).toEqual([]);
  // The health page links to the same page.
  await page.goto(`${base}/health`);
  await page
    .locator('[data-testid=health-row][data-provider="provider-a"]')
    .getByRole("link", { name: "provider-a" })
    .click();
  await page.getByTestId("health-history").waitFor();
}
