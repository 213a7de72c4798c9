import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { openPage, type ErrorLog } from "./browser-helpers";
import { ensureBuild, launchBrowser, startServer, type RunningServer } from "./harness";

/** `/docs/api`: Redoc, served from our own origin, renders the generated OpenAPI document. */
let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  await ensureBuild();
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe("API reference page", () => {
  it("renders every tag of the document with no console error and no request off our origin", async () => {
    const context = await browser.newContext();
    const errors: ErrorLog = [];
    const page = await openPage(context, errors);
    const foreign: string[] = [];
    page.on("request", (request) => {
      const url = request.url();
      if (!url.startsWith(server.url) && !url.startsWith("data:") && !url.startsWith("blob:"))
        foreign.push(url);
    });
    await page.goto(`${server.url}/docs/api`);
    // Redoc renders operation summaries as headings once the document is loaded and parsed.
    await page
      .getByRole("heading", { name: /Create a provider/ })
      .first()
      .waitFor({ timeout: 60_000 });
    await expect(page.getByText("Proxy a POST request", { exact: false }).first()).toBeTruthy();
    expect(errors).toEqual([]);
    expect(foreign).toEqual([]);
    await context.close();
  }, 120_000);
});
