import type { Page } from "playwright-core";
import { expect } from "vitest";
import { dragTo, expectRefusal, saveScreenshot } from "./browser-helpers";
import type { ConsoleFlow } from "./flow";
import { ADMIN } from "./harness";

/**
 * The first steps of the console flow: sign in, build a group of two providers reordered by drag and
 * drop, generate a key, and send real proxied requests with it.
 */

/**
 * A signed-out visit goes to sign-in (making no admin API call on the way) and back; a wrong
 * password is refused with a message (that refusal is the one error the step expects).
 */
export async function signInAsAdmin(flow: ConsoleFlow): Promise<void> {
  const { page, base } = flow;
  await page.goto(`${base}/providers`);
  await page.waitForURL(/\/sign-in\?next=%2Fproviders/);
  await page.getByLabel("Username").fill(ADMIN.username);
  await page.getByLabel("Password", { exact: true }).fill("wrong-password");
  await expectRefusal(
    page,
    flow.errors,
    { method: "POST", path: "/api/auth/sign-in/username", status: 401 },
    () => page.getByRole("button", { name: "Sign in" }).click(),
  );
  await page.getByText("Wrong username or password.").waitFor();
  await page.getByLabel("Password", { exact: true }).fill(ADMIN.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(`${base}/providers`);
  await page.getByRole("heading", { name: "Providers" }).waitFor();
}

async function addProvider(page: Page, name: string, baseUrl: string): Promise<void> {
  await page.getByRole("button", { name: "Add provider" }).first().click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel(/^Name\*?$/).fill(name);
  await dialog.getByLabel("Base URL").fill(baseUrl);
  await dialog.getByLabel("Credential", { exact: true }).fill(`upstream-secret-${name}`);
  await dialog.getByRole("button", { name: "Create" }).click();
  await dialog.waitFor({ state: "detached" });
  await page.getByRole("button", { name, exact: true }).waitFor();
}

async function addMember(page: Page, providerName: string): Promise<void> {
  await page.getByRole("button", { name: "Add provider" }).first().click();
  const dialog = page.getByRole("dialog");
  await dialog.getByRole("combobox").click();
  await page.getByRole("option", { name: new RegExp(providerName) }).click();
  await dialog.getByRole("button", { name: "Add", exact: true }).click();
  await dialog.waitFor({ state: "detached" });
  await page.locator(`[data-testid=member-row][data-provider="${providerName}"]`).waitFor();
}

async function memberOrder(page: Page): Promise<string[]> {
  return page
    .locator("[data-testid=member-row]")
    .evaluateAll((rows) => rows.map((row) => row.getAttribute("data-provider") ?? ""));
}

/** Two providers, a group with both, provider-b dragged above provider-a (saved, survives a reload). */
export async function buildGroupAndReorder(flow: ConsoleFlow): Promise<void> {
  const { page, base, upstreams } = flow;
  await addProvider(page, "provider-a", upstreams[0]!.url);
  await addProvider(page, "provider-b", upstreams[1]!.url);

  await page.goto(`${base}/groups`);
  await page.getByRole("button", { name: "New group" }).first().click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel(/^Name\*?$/).fill("Main pool");
  expect(await dialog.getByLabel("Slug").inputValue()).toBe("main-pool");
  await dialog.getByRole("button", { name: "Create" }).click();
  await page.waitForURL(/\/groups\/[0-9a-f-]{36}$/);
  flow.groupId = page.url().split("/").pop() ?? "";

  await addMember(page, "provider-a");
  await addMember(page, "provider-b");
  expect(await memberOrder(page)).toEqual(["provider-a", "provider-b"]);
  await expect
    .poll(() => page.locator("[data-testid=member-share]:visible").allTextContents())
    .toEqual(["50%", "50%"]);

  const handle = page.getByRole("button", { name: "Drag provider-b to reorder" });
  const target = page.getByRole("button", { name: "Drag provider-a to reorder" });
  const from = (await handle.boundingBox())!;
  const to = (await target.boundingBox())!;
  await dragTo(
    page,
    { x: from.x + from.width / 2, y: from.y + from.height / 2 },
    { x: to.x + to.width / 2, y: to.y + 2 },
  );
  await page.getByText("Order saved.").waitFor();
  expect(await memberOrder(page)).toEqual(["provider-b", "provider-a"]);
  await expect
    .poll(() => page.locator("[data-testid=member-share]:visible").allTextContents())
    .toEqual(["100%", "Failover"]);

  // The order is stored: a reload shows it.
  await page.reload();
  await page.locator("[data-testid=member-row]").first().waitFor();
  expect(await memberOrder(page)).toEqual(["provider-b", "provider-a"]);
}

/** The new key is shown once, copied to the clipboard, and only its mask stays in the list. */
export async function generateAndCopyKey(flow: ConsoleFlow): Promise<void> {
  const { page, base } = flow;
  await page.goto(`${base}/api-keys`);
  await page.getByRole("button", { name: "Generate key" }).first().click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel(/^Name\*?$/).fill("e2e-client");
  await dialog.getByRole("button", { name: "Generate key" }).click();
  const shown = page.getByTestId("created-key");
  await shown.waitFor();
  flow.gatewayKey = (await shown.textContent())?.trim() ?? "";
  expect(flow.gatewayKey.length).toBeGreaterThan(20);
  await saveScreenshot(page, "flow-api-key-created");
  await page.getByRole("button", { name: "Copy key" }).click();
  await page.getByText("Key copied to the clipboard.").waitFor();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(flow.gatewayKey);
  await page.getByRole("button", { name: "Done" }).click();
  await shown.waitFor({ state: "detached" });
  const row = page.getByTestId("api-key-row").filter({ hasText: "e2e-client" });
  await row.waitFor();
  expect(await row.textContent()).not.toContain(flow.gatewayKey);
}

/** Three real requests through the gateway with the new key, then counted on the dashboard. */
export async function proxyAndSeeDashboard(flow: ConsoleFlow): Promise<void> {
  const { page, base, upstreams } = flow;
  for (let i = 0; i < 3; i++) {
    const response = await fetch(`${base}/api/proxy/main-pool/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${flow.gatewayKey}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "mock-model", messages: [{ role: "user", content: `hello ${i}` }] }),
    });
    expect(response.status).toBe(200);
    await response.arrayBuffer();
  }
  // provider-b was dragged into the first tier alone, so it took every request.
  expect([upstreams[0]!.requestCount, upstreams[1]!.requestCount]).toEqual([0, 3]);

  await expect
    .poll(
      async () => {
        await page.goto(`${base}/`);
        return page.getByTestId("requests-count").textContent();
      },
      { timeout: 15_000, interval: 500 },
    )
    .toBe("3");
}
