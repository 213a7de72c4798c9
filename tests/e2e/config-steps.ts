import { expect } from "vitest";
import { expectRefusal, saveScreenshot } from "./browser-helpers";
import type { ConsoleFlow } from "./flow";

/** Console steps that change configuration: provider toggle and delete guard, import, language and theme. */

/** A provider is switched off and on; deleting one still in a group is refused, naming the group. */
export async function toggleAndGuardDelete(flow: ConsoleFlow): Promise<void> {
  const { page, base } = flow;
  await page.goto(`${base}/providers`);
  const row = page.getByRole("row").filter({ hasText: "provider-a" });
  const toggle = row.getByRole("switch", { name: "Enable provider-a" });
  await toggle.click();
  await page.getByText("provider-a disabled.").waitFor();
  await toggle.click();
  await page.getByText("provider-a enabled.").waitFor();
  expect(await toggle.getAttribute("aria-checked")).toBe("true");

  await row.getByRole("button", { name: "More actions" }).click();
  await page.getByRole("menuitem", { name: "Delete" }).click();
  const dialog = page.getByRole("alertdialog");
  await expectRefusal(
    page,
    flow.errors,
    { method: "DELETE", path: /^\/api\/admin\/providers\/[^/]+$/, status: 409 },
    () => dialog.getByRole("button", { name: "Delete provider" }).click(),
  );
  await dialog.getByText("provider-a is still in use").waitFor();
  await dialog.getByRole("link", { name: /Main pool/ }).waitFor();
  await saveScreenshot(page, "flow-provider-in-use");
  await dialog.getByRole("button", { name: "Close" }).click();
  await dialog.waitFor({ state: "detached" });
}

/** An import with an error shows its path; a valid one shows its diff and applies. */
export async function importWithErrorThenDiff(flow: ConsoleFlow): Promise<void> {
  const { page, base } = flow;
  await page.goto(`${base}/import-export`);
  const input = page.getByTestId("import-file-input");
  const bad = { version: 1, providers: [{ name: "broken", baseUrl: "ftp://example.com" }] };
  await expectRefusal(
    page,
    flow.errors,
    { method: "POST", path: "/api/admin/config/import", status: 422 },
    () =>
      input.setInputFiles({
        name: "bad.json",
        mimeType: "application/json",
        buffer: Buffer.from(JSON.stringify(bad)),
      }),
  );
  const problems = page.getByTestId("import-errors");
  await problems.waitFor();
  expect(await problems.textContent()).toContain("providers[0].baseUrl");
  await saveScreenshot(page, "flow-import-errors");

  const good = { version: 1, providers: [{ name: "imported-c", baseUrl: "http://127.0.0.1:9/v1" }] };
  await input.setInputFiles({
    name: "good.json",
    mimeType: "application/json",
    buffer: Buffer.from(JSON.stringify(good)),
  });
  const diff = page.getByTestId("import-diff");
  await diff.waitFor();
  expect(await diff.textContent()).toContain("imported-c");
  await saveScreenshot(page, "flow-import-diff");
  await page.getByRole("button", { name: "Apply import" }).click();
  await page.getByText("Import applied.", { exact: true }).waitFor();

  await page.goto(`${base}/providers`);
  await page.getByRole("button", { name: "imported-c", exact: true }).waitFor();
}

/** 简体中文 and dark theme, then back to English and the system theme (remembered across pages). */
export async function switchLanguageAndTheme(flow: ConsoleFlow): Promise<void> {
  const { page, base } = flow;
  await page.goto(`${base}/`);
  await page.getByRole("button", { name: "Language" }).click();
  await page.getByRole("menuitemradio", { name: "简体中文" }).click();
  await page.getByRole("heading", { name: "仪表盘" }).waitFor();
  expect(await page.locator("html").getAttribute("lang")).toBe("zh-CN");
  await page.goto(`${base}/groups/${flow.groupId}`);
  await page.getByText("路由设置").waitFor();
  await saveScreenshot(page, "flow-group-detail-zh");

  await page.getByRole("button", { name: "切换主题" }).click();
  await page.getByRole("menuitemradio", { name: "深色" }).click();
  await expect.poll(() => page.locator("html").getAttribute("class")).toContain("dark");

  await page.getByRole("button", { name: "切换主题" }).click();
  // Back to following the system, so later contexts render in their own color scheme.
  await page.getByRole("menuitemradio", { name: "跟随系统" }).click();
  await expect.poll(() => page.locator("html").getAttribute("class")).not.toContain("dark");
  await page.getByRole("button", { name: "语言" }).click();
  await page.getByRole("menuitemradio", { name: "English" }).click();
  await page.getByText("Routing settings").waitFor();
  expect(await page.locator("html").getAttribute("lang")).toBe("en");
}

/**
 * "Test connection" from the row menu and from the edit dialog reaches the saved provider's upstream
 * with its credential and reports the answer; the credential itself never reaches the page.
 */
export async function testConnections(flow: ConsoleFlow): Promise<void> {
  const { page, base, upstreams } = flow;
  const before = upstreams[0]!.requests.length;
  await page.goto(`${base}/providers`);
  const row = page.getByRole("row").filter({ hasText: "provider-a" });
  await row.getByRole("button", { name: "More actions" }).click();
  await page.getByRole("menuitem", { name: "Test connection" }).click();
  await page.getByText(/^Connected to provider-a: HTTP 200 in \d+ ms\.$/).waitFor();
  const probe = upstreams[0]!.requests.slice(before).find((r) => r.method === "GET");
  expect(probe?.headers.authorization).toBe("Bearer upstream-secret-provider-a");
  expect(await page.content()).not.toContain("upstream-secret-provider-a");

  const beforeB = upstreams[1]!.requests.length;
  await page.getByRole("button", { name: "provider-b", exact: true }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByRole("button", { name: "Test connection" }).click();
  await page.getByText(/^Connected to provider-b: HTTP 200 in \d+ ms\.$/).waitFor();
  const probeB = upstreams[1]!.requests.slice(beforeB).find((r) => r.method === "GET");
  expect(probeB?.headers.authorization).toBe("Bearer upstream-secret-provider-b");
  await saveScreenshot(page, "flow-provider-test-connection");
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await dialog.waitFor({ state: "detached" });
}
