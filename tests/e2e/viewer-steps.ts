import { expect } from "vitest";
import { openPage, signIn, waitForContent } from "./browser-helpers";
import { DESKTOP, type ConsoleFlow } from "./flow";

const VIEWER = { username: "watcher", password: "viewer-password-1" };
const NEW_VIEWER_PASSWORD = "viewer-password-2";
const WRITE_BUTTONS =
  /^(Add provider|New group|Generate key|Add user|Delete|Apply import|Save|Edit|Eject|Restore|Add rule|Add channel|Send test|Test connection)$/;
// Row menus: "More actions", or "Actions for <rule>" on the alert rules.
const ROW_MENUS = /^(More actions|Actions for )/;

/**
 * The admin adds a viewer; the viewer sees every page with no write control, the API refuses a forced
 * write, and the viewer changes their own password and signs out.
 */
export async function viewerChangesNothing(flow: ConsoleFlow): Promise<void> {
  const { page, base, browser, errors } = flow;
  await page.goto(`${base}/settings`);
  await page.getByRole("button", { name: "Add user" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Username").fill(VIEWER.username);
  await dialog.getByLabel(/^Password\*?$/).fill(VIEWER.password);
  await dialog.getByRole("button", { name: "Add user" }).click();
  await page.getByTestId("user-row").filter({ hasText: VIEWER.username }).waitFor();

  const context = await browser.newContext({ viewport: DESKTOP, locale: "en-US" });
  const viewer = await openPage(context, errors);
  await signIn(viewer, base, VIEWER.username, VIEWER.password);
  for (const path of [
    "/providers",
    "/groups",
    `/groups/${flow.groupId}`,
    "/api-keys",
    "/import-export",
    "/settings",
    "/statistics",
    "/logs",
    "/health",
    "/alerts",
  ]) {
    await viewer.goto(`${base}${path}`);
    await waitForContent(viewer);
    expect(await viewer.getByRole("button", { name: WRITE_BUTTONS }).count(), path).toBe(0);
    expect(await viewer.getByRole("button", { name: /^Drag / }).count(), path).toBe(0);
    expect(await viewer.getByRole("button", { name: ROW_MENUS }).count(), path).toBe(0);
    for (const toggle of await viewer.getByRole("switch").all())
      expect(await toggle.isDisabled(), path).toBe(true);
  }
  // The API refuses a write even when the page is bypassed.
  const forced = await context.request.post(`${base}/api/admin/providers`, {
    headers: { origin: base },
    data: { name: "sneaky", baseUrl: "http://127.0.0.1:9" },
  });
  expect(forced.status()).toBe(403);
  expect(((await forced.json()) as { error: { code: string } }).error.code).toBe("FORBIDDEN");

  // Any role may change its own password; it ends every session, so the viewer signs in again.
  await viewer.getByRole("button", { name: /Account menu/ }).click();
  await viewer.getByRole("menuitem", { name: "Change password" }).click();
  const change = viewer.getByRole("dialog");
  await change.getByLabel("Current password").fill(VIEWER.password);
  await change.getByLabel("New password", { exact: true }).fill(NEW_VIEWER_PASSWORD);
  await change.getByLabel("Repeat new password").fill(NEW_VIEWER_PASSWORD);
  await change.getByRole("button", { name: "Change password" }).click();
  await viewer.waitForURL(/\/sign-in/);
  await signIn(viewer, base, VIEWER.username, NEW_VIEWER_PASSWORD);
  await viewer.getByRole("button", { name: /Account menu/ }).click();
  await viewer.getByRole("menuitem", { name: "Sign out" }).click();
  await viewer.waitForURL(/\/sign-in/);
  // Signed out for real: the console sends the visitor back to sign-in.
  await viewer.goto(`${base}/providers`);
  await viewer.waitForURL(/\/sign-in\?next=/);
  await context.close();
}
