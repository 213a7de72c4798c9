import type { BrowserContext, Page } from "playwright-core";
import { findA11yProblems, openPage, saveScreenshot, waitForContent } from "./browser-helpers";
import { DESKTOP, PHONE, type ConsoleFlow } from "./flow";

type StorageState = Awaited<ReturnType<BrowserContext["storageState"]>>;

/** Every console page with its screenshot name; tabs are visited inside their page. */
function consolePages({
  groupId,
  diffPath,
}: ConsoleFlow): readonly { path: string; name: string; tabs?: readonly string[] }[] {
  return [
    { path: "/", name: "dashboard" },
    { path: "/providers", name: "providers" },
    { path: "/groups", name: "groups" },
    { path: `/groups/${groupId}`, name: "group-detail" },
    { path: "/api-keys", name: "api-keys" },
    { path: "/import-export", name: "import-export" },
    { path: "/settings", name: "settings", tabs: ["Audit log"] },
    { path: "/statistics", name: "statistics" },
    { path: "/logs", name: "logs" },
    { path: diffPath, name: "logs-diff" },
    { path: "/health", name: "health" },
    { path: "/alerts", name: "alerts", tabs: ["Channels", "History"] },
    { path: "/model-prices", name: "model-prices" },
    { path: "/tenants", name: "tenants" },
  ];
}

/** Screenshot of the page (and axe on desktop), appended to `problems` as "where: what". */
async function capture(page: Page, shot: string, where: string, audit: boolean, problems: string[]) {
  await waitForContent(page);
  await saveScreenshot(page, shot);
  if (audit) problems.push(...(await findA11yProblems(page)).map((p) => `${where}: ${p}`));
}

/**
 * Visits every page (and the sign-in page signed out) at desktop and phone width in light and dark,
 * saving screenshots; answers the serious accessibility problems axe found on desktop.
 */
export async function tourEveryPage(flow: ConsoleFlow, state: StorageState): Promise<string[]> {
  const { browser, base, errors } = flow;
  const problems: string[] = [];
  for (const [size, viewport] of [
    ["desktop", DESKTOP],
    ["phone", PHONE],
  ] as const) {
    const audit = size === "desktop";
    for (const scheme of ["light", "dark"] as const) {
      const context = await browser.newContext({
        viewport,
        colorScheme: scheme,
        locale: "en-US",
        storageState: state,
      });
      const page = await openPage(context, errors);
      for (const { path, name, tabs } of consolePages(flow)) {
        await page.goto(`${base}${path}`);
        await capture(page, `${name}-${size}-${scheme}`, `${path} ${scheme}`, audit, problems);
        for (const tab of tabs ?? []) {
          await page.getByRole("tab", { name: tab }).click();
          // Only the active tab's panel is mounted: wait for it, not just for any skeleton-free page.
          await page.getByRole("tabpanel", { name: tab }).waitFor();
          const slug = tab.toLowerCase().replace(/ log$/, "");
          await capture(
            page,
            `${name}-${slug}-${size}-${scheme}`,
            `${path} ${tab} ${scheme}`,
            audit,
            problems,
          );
        }
      }
      await context.close();

      const signedOut = await browser.newContext({ viewport, colorScheme: scheme, locale: "en-US" });
      const signInPage = await openPage(signedOut, errors);
      await signInPage.goto(`${base}/sign-in`);
      await signInPage.getByRole("button", { name: "Sign in" }).waitFor();
      await capture(signInPage, `sign-in-${size}-${scheme}`, `/sign-in ${scheme}`, audit, problems);
      await signedOut.close();
    }
  }
  return problems;
}
