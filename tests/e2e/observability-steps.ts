import { expect } from "vitest";
import type { Page } from "playwright-core";
import { saveScreenshot, waitForContent } from "./browser-helpers";

/**
 * The observability steps of the console flow (statistics, logs, health, alerts), run by
 * console.e2e.ts after the proxied requests, on the admin's page.
 */

/** Waits until every running animation (a sheet sliding in, a dialog fading out) has finished. */
async function settle(page: Page): Promise<void> {
  await page.evaluate(() =>
    Promise.all(
      document
        .getAnimations()
        // Endless ones (skeleton pulse, spinners) never finish.
        .filter((animation) => animation.effect?.getComputedTiming().iterations !== Infinity)
        .map((animation) => animation.finished),
    ),
  );
}

/** Statistics counts the proxied requests (3, all successful, all on provider-b). */
export async function checkStatistics(page: Page, base: string): Promise<void> {
  await page.goto(`${base}/statistics`);
  const cards = page.getByTestId("stats-cards");
  await expect
    .poll(async () => (await cards.textContent()) ?? "", { timeout: 15_000, interval: 500 })
    .toMatch(/Requests3/);
  await expect.poll(() => cards.textContent()).toContain("100%");
  const split = page.getByTestId("stats-providers");
  await split.getByRole("row").filter({ hasText: "provider-b" }).waitFor();
  // Per key: the three requests all came with the key generated earlier.
  const keys = page.getByRole("table", { name: "By key" });
  await expect
    .poll(async () => (await keys.getByRole("row").filter({ hasText: "e2e-client" }).textContent()) ?? "")
    .toMatch(/e2e-client.*3/);
  await page.getByRole("button", { name: "1 h", exact: true }).click();
  await expect
    .poll(() => page.getByRole("button", { name: "1 h", exact: true }).getAttribute("aria-pressed"))
    .toBe("true");
  await waitForContent(page);
  expect(await cards.textContent()).toMatch(/Requests3/);
}

/** Logs lists the requests, filters them, and draws one's attempt timeline in the drawer. */
export async function checkLogs(page: Page, base: string): Promise<void> {
  await page.goto(`${base}/logs`);
  const rows = page.getByTestId("log-row");
  await expect.poll(() => rows.count(), { timeout: 15_000, interval: 500 }).toBe(3);
  await page.getByRole("combobox", { name: "Status" }).click();
  await page.getByRole("option", { name: "5xx" }).click();
  await page.getByText("No requests logged").waitFor();
  await page.getByRole("button", { name: "Clear filters" }).click();
  await expect.poll(() => rows.count()).toBe(3);
  await rows.first().getByRole("button").click();
  const sheet = page.getByRole("dialog");
  const timeline = sheet.getByTestId("attempt-timeline");
  await timeline.waitFor();
  expect(await timeline.textContent()).toContain("provider-b");
  expect(await timeline.textContent()).toContain("Success");
  expect(await sheet.getByTestId("log-detail").textContent()).toContain("mock-model");
  await settle(page);
  await saveScreenshot(page, "flow-log-timeline");
  await page.keyboard.press("Escape");
  await sheet.waitFor({ state: "detached" });
}

/** Health ejects provider-a with a reason and a countdown (the Providers table shows it too), then restores it. */
export async function ejectAndRestore(page: Page, base: string): Promise<void> {
  await page.goto(`${base}/health`);
  const row = page.locator('[data-testid=health-row][data-provider="provider-a"]');
  await row.waitFor();
  await row.getByRole("button", { name: "Eject" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByRole("button", { name: "Eject" }).click();
  await dialog.getByText("Say why").waitFor();
  await dialog.getByLabel(/^Reason/).fill("e2e maintenance window");
  await dialog.getByRole("button", { name: "Eject" }).click();
  await page.getByText("provider-a ejected.").waitFor();
  await row.locator('[data-state="ejected"]').waitFor();
  expect(await row.getByTestId("eject-countdown").textContent()).toMatch(/Back in 1[45]:\d\d/);
  await dialog.waitFor({ state: "detached" });
  await settle(page);
  await saveScreenshot(page, "flow-health-ejected");
  // The Providers table carries the same state as a badge on each row.
  await page.goto(`${base}/providers`);
  const providerRow = (name: string) => page.getByRole("row").filter({ hasText: name });
  await providerRow("provider-a").locator('[data-state="ejected"]').waitFor();
  await providerRow("provider-b").locator('[data-state="healthy"]').waitFor();
  await page.goto(`${base}/health`);
  await row.waitFor();
  await row.getByRole("button", { name: "Restore" }).click();
  const confirm = page.getByRole("alertdialog");
  await confirm.getByRole("button", { name: "Restore" }).click();
  await page.getByText("provider-a restored.").waitFor();
  await expect.poll(() => row.locator("[data-state]").getAttribute("data-state")).not.toBe("ejected");
}

/** Alerts: a webhook channel (write-only URL) gets a test notice; a rule that notifies it is created. */
export async function configureAlerts(page: Page, base: string, hookBase: string): Promise<void> {
  await page.goto(`${base}/alerts`);
  await page.getByRole("tab", { name: "Channels" }).click();
  await page.getByRole("button", { name: "Add channel" }).first().click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel(/^Name/).fill("Ops hook");
  await dialog.getByLabel(/^Webhook URL/).fill(`${hookBase}/hooks/ops?token=e2e-secret-token`);
  await dialog.getByRole("button", { name: "Create" }).click();
  await page.getByText("Channel Ops hook added.").waitFor();
  const channels = page.getByTestId("alert-channels");
  // Write-only: the token never comes back.
  expect(await channels.textContent()).not.toContain("e2e-secret-token");
  await channels.getByRole("button", { name: "Send test" }).click();
  await page.getByText(/Test notice (delivered to|to) Ops hook/).waitFor();

  await page.getByRole("tab", { name: "Rules" }).click();
  await page.getByRole("button", { name: "Add rule" }).first().click();
  const rule = page.getByRole("dialog");
  await rule.getByLabel(/^Name/).fill("Main pool success");
  await rule.getByRole("combobox", { name: "Watches" }).click();
  await page.getByRole("option", { name: "Group success rate" }).click();
  await rule.getByRole("button", { name: "Create" }).click();
  await rule.getByText("Required.").first().waitFor();
  await rule.getByRole("combobox", { name: /^Group/ }).click();
  await page.getByRole("option", { name: "Main pool" }).click();
  await rule.getByRole("checkbox", { name: "Ops hook" }).click();
  await rule.getByRole("button", { name: "Create" }).click();
  await page.getByText("Rule Main pool success created.").waitFor();
  const rules = page.getByTestId("alert-rules");
  expect(await rules.textContent()).toContain("Main pool: success below 95% over 5 min");

  await page.getByRole("tab", { name: "History" }).click();
  await page.getByTestId("alert-history").or(page.getByText("Nothing has fired")).first().waitFor();
}
