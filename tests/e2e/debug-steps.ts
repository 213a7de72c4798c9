import type { Page } from "playwright-core";
import { expect } from "vitest";
import { findA11yProblems, saveScreenshot, waitForContent } from "./browser-helpers";
import type { ConsoleFlow } from "./flow";

/**
 * The debugging steps of the console flow (issue 15): a failed request is captured, replayed from
 * its log detail to another provider with an edited header, compared with its original, found again
 * with the new filters, picked with another row for "Compare", and copied as curl.
 */

/** Waits until every finite animation (a sheet sliding in, a dialog fading) has finished. */
async function settle(page: Page): Promise<void> {
  await page.evaluate(() =>
    Promise.all(
      document
        .getAnimations()
        .filter((animation) => animation.effect?.getComputedTiming().iterations !== Infinity)
        .map((animation) => animation.finished),
    ),
  );
}

/** Applies a text filter of the log filter bar (Enter applies it). */
async function typeFilter(page: Page, name: string, value: string): Promise<void> {
  const field = page.getByRole("textbox", { name, exact: true });
  await field.fill(value);
  await field.press("Enter");
}

/** Sends one request that provider-b (first in line) refuses with 400, captured because it failed. */
async function sendFailingRequest(flow: ConsoleFlow): Promise<void> {
  const { page, base, upstreams } = flow;
  const update = await page.request.put(`${base}/api/admin/groups/${flow.groupId}`, {
    headers: { origin: base },
    data: { capture: "errors" },
  });
  expect(update.status()).toBe(200);
  // A client error: no failover, no health penalty, and captured by the "errors" mode.
  upstreams[1]!.queueBehaviour({ mode: "status", status: 400 });
  const response = await fetch(`${base}/api/proxy/main-pool/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${flow.gatewayKey}`, "content-type": "application/json" },
    body: JSON.stringify({ model: "mock-model", messages: [{ role: "user", content: "replay me" }] }),
  });
  expect(response.status).toBe(400);
  await response.arrayBuffer();
}

/**
 * The failed request is replayed from its log detail to provider-a (invalid JSON in the header editor
 * is explained first), its answer shows live, and "Compare with original" opens the diff.
 */
export async function replayFailedRequestAndDiff(flow: ConsoleFlow): Promise<void> {
  const { page, base, upstreams } = flow;
  await sendFailingRequest(flow);
  await page.goto(`${base}/logs`);
  const rows = page.getByTestId("log-row");
  await typeFilter(page, "Status code", "400");
  await expect.poll(() => rows.count(), { timeout: 15_000, interval: 500 }).toBe(1);
  await rows.first().getByRole("button").click();
  const sheet = page.getByRole("dialog").filter({ has: page.getByTestId("log-detail") });
  await sheet.getByTestId("log-detail").waitFor();
  expect(await sheet.getByTestId("log-detail").textContent()).toContain("provider-b");
  await sheet.getByRole("button", { name: "Replay" }).click();

  const replay = page.getByRole("dialog", { name: "Replay this request" });
  await replay.waitFor();
  expect(await replay.getByLabel("Body (JSON)").inputValue()).toContain("replay me");
  await replay.getByRole("combobox", { name: "Send to" }).click();
  await page.getByRole("option", { name: "Provider: provider-a" }).click();
  const headers = replay.getByLabel(/^Extra or replaced headers/);
  await headers.fill('{"x-debug-run": 1');
  await replay.getByRole("button", { name: "Send replay" }).click();
  await replay.getByText(/Not valid JSON at line 1/).waitFor();
  await headers.fill('{"x-debug-run": "e2e"}');
  const before = upstreams[0]!.requestCount;
  await replay.getByRole("button", { name: "Send replay" }).click();
  const status = replay.getByTestId("replay-status");
  await expect.poll(() => status.textContent(), { timeout: 15_000 }).toBe("200");
  await replay.getByRole("link", { name: "Compare with original" }).waitFor();
  // It went to provider-a alone, with its own credential injected and the edited header.
  expect(upstreams[0]!.requestCount).toBe(before + 1);
  const sent = upstreams[0]!.requests.at(-1)!;
  expect(sent.body).toContain("replay me");
  expect(sent.headers["x-debug-run"]).toBe("e2e");
  expect(JSON.stringify(sent.headers)).toContain("upstream-secret-provider-a");
  expect(JSON.stringify(sent.headers)).not.toContain(flow.gatewayKey);
  expect(await replay.getByTestId("replay-output").textContent()).toContain("Hello from the mock upstream.");
  await settle(page);
  expect(await findA11yProblems(page)).toEqual([]);
  await saveScreenshot(page, "flow-log-replay");

  await replay.getByRole("link", { name: "Compare with original" }).click();
  await page.waitForURL(/\/logs\/diff\?a=[^&]+&b=/);
  flow.diffPath = new URL(page.url()).pathname + new URL(page.url()).search;
  await checkDiffPage(page);
}

/** The diff of the failed original (A) and its replay (B): status, provider, body and header changes. */
async function checkDiffPage(page: Page): Promise<void> {
  const diff = page.getByTestId("log-diff");
  await diff.waitFor();
  const summary = page.getByTestId("diff-summary");
  const text = (await summary.textContent()) ?? "";
  expect(text).toMatch(/A.*Original.*B.*Replay/);
  expect(text).toContain("400");
  expect(text).toContain("200");
  expect(text).toContain("provider-b");
  expect(text).toContain("provider-a");
  const response = page.getByTestId("diff-response");
  await response.getByTestId("json-changes").waitFor();
  expect(await response.getByTestId("json-changes").textContent()).toMatch(/\/(error|choices)/);
  // The request section shows the header the replay added.
  const request = page.getByTestId("diff-request");
  expect(await request.getByTestId("header-diff").textContent()).toContain("x-debug-run");
  await waitForContent(page);
  expect(await findA11yProblems(page)).toEqual([]);
  await saveScreenshot(page, "flow-log-diff");
}

/**
 * The filter bar finds the replay (source, key), two rows picked with their checkboxes open the same
 * diff, and "Copy as curl" copies a gateway command with the key placeholder, never the key.
 */
export async function findPickAndCopy(flow: ConsoleFlow): Promise<void> {
  const { page, base } = flow;
  await page.goto(`${base}/logs`);
  const rows = page.getByTestId("log-row");
  await expect.poll(() => rows.count(), { timeout: 15_000, interval: 500 }).toBeGreaterThan(1);
  await waitForContent(page);
  // Every original request so far (earlier steps send some too); replays are left out by default.
  const originals = await rows.count();
  await page.getByRole("combobox", { name: "Source" }).click();
  await page.getByRole("option", { name: "Replays", exact: true }).click();
  await expect.poll(() => rows.count()).toBe(1);
  expect(await rows.first().textContent()).toContain("Replay");
  // Originals only again, then one key: every request of the flow was sent with it.
  await page.getByRole("combobox", { name: "Source" }).click();
  await page.getByRole("option", { name: "Original requests" }).click();
  await page.getByRole("combobox", { name: "API key" }).click();
  await page.getByRole("option", { name: "e2e-client" }).click();
  await expect.poll(() => rows.count()).toBe(originals);
  await page.getByRole("combobox", { name: "API key" }).click();
  await page.getByRole("option", { name: "Any key" }).click();

  // Every source: the replay and its failed original are the two newest rows; pick both.
  await page.getByRole("combobox", { name: "Source" }).click();
  await page.getByRole("option", { name: "Originals and replays" }).click();
  await expect.poll(() => rows.count()).toBe(originals + 1);
  await rows.nth(0).getByRole("checkbox").click();
  await rows.nth(1).getByRole("checkbox").click();
  await page.getByRole("link", { name: "Compare", exact: true }).click();
  await page.waitForURL(/\/logs\/diff\?a=/);
  expect(new URL(page.url()).search).toBe(new URL(`${base}${flow.diffPath}`).search);
  await checkDiffPage(page);

  await page.goto(`${base}/logs`);
  await typeFilter(page, "Status code", "400");
  await expect.poll(() => rows.count(), { timeout: 15_000, interval: 500 }).toBe(1);
  await rows.first().getByRole("button").click();
  const sheet = page.getByRole("dialog");
  await sheet.getByRole("button", { name: "Copy as curl" }).click();
  await page.getByRole("menuitem", { name: /To the gateway/ }).click();
  await page.getByText(/curl command copied/).waitFor();
  const command = await page.evaluate(() => navigator.clipboard.readText());
  expect(command).toContain("$ROUNDABOUT_KEY");
  expect(command).toContain("/api/proxy/main-pool/v1/chat/completions");
  expect(command).not.toContain(flow.gatewayKey);
  await page.keyboard.press("Escape");
  await sheet.waitFor({ state: "detached" });
}
