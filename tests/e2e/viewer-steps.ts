import type { Page, Route } from "playwright-core";
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
  await signOutWithStreamInFlight(viewer, base);
  // Signed out for real: the console sends the visitor back to sign-in.
  await viewer.goto(`${base}/providers`);
  await viewer.waitForURL(/\/sign-in\?next=/);
  await context.close();
}

/**
 * Signs in, then signs out while the dashboard's live-stream request is held: the sign-out reaches
 * the server first, the held request next, and only then does the page get the sign-out's answer.
 * Sign-out must drop the stream before ending the session, or that request comes back 401 and the
 * browser logs it (the final "no console errors" check). Holding both makes the race certain.
 */
async function signOutWithStreamInFlight(viewer: Page, base: string): Promise<void> {
  const stream = `${base}/api/admin/health/stream`;
  const held: Route[] = [];
  let sawStream: () => void = () => undefined;
  const streamRequested = new Promise<void>((resolve) => (sawStream = resolve));
  await viewer.route(stream, (route) => {
    held.push(route);
    sawStream();
  });
  await viewer.route(`${base}/api/auth/sign-out`, async (route) => {
    const answer = await route.fetch();
    await Promise.all(held.map(releaseToServer));
    await route.fulfill({ response: answer });
  });
  await signIn(viewer, base, VIEWER.username, NEW_VIEWER_PASSWORD);
  await streamRequested;
  await viewer.getByRole("button", { name: /Account menu/ }).click();
  await viewer.getByRole("menuitem", { name: "Sign out" }).click();
  await viewer.waitForURL(/\/sign-in/);
  await viewer.unrouteAll();
}

/** Lets a held request go on to the server and waits for its answer; one the page dropped stays dropped. */
async function releaseToServer(route: Route): Promise<void> {
  if (route.request().failure() !== null) return;
  try {
    await route.continue();
  } catch {
    return; // dropped meanwhile
  }
  await route
    .request()
    .response()
    .catch(() => null);
}
