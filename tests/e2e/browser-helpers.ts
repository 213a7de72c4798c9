import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { ROOT } from "./harness";

/** Where page screenshots go (git-ignored). */
export const SCREENSHOTS = path.join(ROOT, "screenshots");
const AXE_SCRIPT = createRequire(import.meta.url).resolve("axe-core/axe.min.js");

/** Console errors and uncaught page errors, with the page URL they happened on. */
export type ErrorLog = string[];

/** Opens a page that records every console error and uncaught exception into `errors`. */
export async function openPage(context: BrowserContext, errors: ErrorLog): Promise<Page> {
  const page = await context.newPage();
  page.on("console", (message) => {
    if (message.type() !== "error") return;
    // Failed loads name the resource in their location, not in the text.
    const source = message.location().url;
    const resource = source && source !== page.url() ? ` <${source}>` : "";
    errors.push(`[console] ${page.url()}: ${message.text()}${resource}`);
  });
  page.on("pageerror", (error) => errors.push(`[pageerror] ${page.url()}: ${error.message}`));
  return page;
}

/** Signs in through the form and waits for the dashboard. */
export async function signIn(page: Page, base: string, username: string, password: string): Promise<void> {
  await page.goto(`${base}/sign-in`);
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(`${base}/`);
  await page.getByRole("heading", { name: "Dashboard" }).waitFor();
}

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[] }[];
}

/** Runs axe-core on the page; returns the serious and critical violations, described. */
export async function findA11yProblems(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: AXE_SCRIPT });
  const violations = await page.evaluate(async () => {
    const axe = (
      window as unknown as { axe: { run: (context: Document) => Promise<{ violations: unknown[] }> } }
    ).axe;
    return (await axe.run(document)).violations;
  });
  return (violations as AxeViolation[])
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map(
      (v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => JSON.stringify(n.target)).join(", ")}`,
    );
}

/** Saves a full-page screenshot as screenshots/<name>.png. */
export async function saveScreenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  // caret "initial": hiding the caret injects a style that can race React's hydration of an autofocused input.
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true, caret: "initial" });
}

/** Waits until no skeleton placeholder is left on the page (data has arrived). */
export async function waitForContent(page: Page): Promise<void> {
  await page.waitForFunction(
    () => document.querySelectorAll('[data-slot="skeleton"]').length === 0,
    undefined,
    {
      timeout: 15_000,
    },
  );
}

/** Drags `source` onto `target` with small pointer steps (dnd-kit needs real pointer moves). */
export async function dragTo(
  page: Page,
  source: { x: number; y: number },
  target: { x: number; y: number },
): Promise<void> {
  await page.mouse.move(source.x, source.y);
  await page.mouse.down();
  await page.mouse.move(source.x, source.y - 6, { steps: 3 });
  await page.mouse.move(target.x, target.y, { steps: 12 });
  await page.mouse.up();
}

/**
 * Runs `action`, which makes the console send a request the server refuses ON PURPOSE (a wrong
 * password, an invalid import, a guarded delete), and asserts that exact refusal: method, path and
 * status. Chrome logs every 4xx answer as a console error naming the resource; that one line — and
 * only it — is taken out of `errors`. Any other console error stays and fails the suite.
 */
export async function expectRefusal(
  page: Page,
  errors: ErrorLog,
  refusal: { method: string; path: string | RegExp; status: number },
  action: () => Promise<void>,
): Promise<void> {
  const matches = (url: string) => {
    const { pathname } = new URL(url);
    return typeof refusal.path === "string" ? pathname === refusal.path : refusal.path.test(pathname);
  };
  const answered = page.waitForResponse(
    (r) => r.request().method() === refusal.method && matches(r.url()) && r.status() === refusal.status,
    { timeout: 15_000 },
  );
  await action();
  const response = await answered;
  const line = (entry: string) =>
    entry.includes(`status of ${refusal.status}`) && entry.includes(`<${response.url()}>`);
  // The console message may come a moment after the response.
  const deadline = Date.now() + 5_000;
  while (!errors.some(line) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  const index = errors.findIndex(line);
  if (index >= 0) errors.splice(index, 1);
}
