import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMockUpstream, type MockUpstream } from "@/testing/mock-upstream";
import { openPage, signIn, type ErrorLog } from "./browser-helpers";
import { DESKTOP } from "./flow";
import { ADMIN, ensureBuild, launchBrowser, startServer, type RunningServer } from "./harness";
import {
  auditPage,
  buildOwnerRouting,
  createTenantWithOwner,
  importPrices,
  ownerGeneratesKey,
  ownerSignsIn,
  ownerSpendsQuota,
  type TenantFlow,
} from "./tenant-steps";

/**
 * Tenants, prices and quotas in the console (issue 14's browser suite): the real server process, real
 * chromium, a mock upstream reporting token usage. A system administrator prices the mock's model and
 * creates a tenant with an owner; the owner sees only its tenant, sets its key's monthly cost quota,
 * spends it through the gateway and sees the spend; the administrator switches between tenants.
 */

let server: RunningServer;
let upstream: MockUpstream;
let browser: Browser;
let adminContext: BrowserContext;
let ownerContext: BrowserContext;
let owner: Page;
let flow: TenantFlow;
const errors: ErrorLog = [];
const a11y: string[] = [];

beforeAll(async () => {
  await ensureBuild();
  [server, browser, upstream] = await Promise.all([startServer(), launchBrowser(), startMockUpstream()]);
  adminContext = await browser.newContext({ viewport: DESKTOP, locale: "en-US", colorScheme: "light" });
  await adminContext.grantPermissions(["clipboard-read", "clipboard-write"], { origin: server.url });
  const admin = await openPage(adminContext, errors);
  flow = { base: server.url, admin, upstreamUrl: upstream.url, tenantId: "", ownerKey: "", keyId: "" };
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await Promise.all([server?.stop(), upstream?.close()]);
});

describe("tenants, prices and quotas in the console", () => {
  it("a system administrator imports prices from a LiteLLM file and edits the price list", async () => {
    await signIn(flow.admin, flow.base, ADMIN.username, ADMIN.password);
    // Something of the default tenant that a tenant's owner must never see.
    const own = await adminContext.request.post(`${flow.base}/api/admin/providers`, {
      headers: { origin: flow.base },
      data: { name: "default-only", baseUrl: upstream.url },
    });
    expect(own.status()).toBe(201);
    await importPrices(flow);
    a11y.push(...(await auditPage(flow.admin, "model-prices-desktop-light")));
  }, 90_000);

  it("creates a tenant with an owner, an admin token (shown once, revoked) and a tenant quota", async () => {
    await createTenantWithOwner(flow);
    a11y.push(...(await auditPage(flow.admin, "tenant-detail-desktop-light")));
    await flow.admin.goto(`${flow.base}/tenants`);
    a11y.push(...(await auditPage(flow.admin, "tenants-desktop-light")));
  }, 90_000);

  it("the owner sees only its tenant, sets its key's monthly cost quota, spends it and sees the spend", async () => {
    ownerContext = await browser.newContext({ viewport: DESKTOP, locale: "en-US", colorScheme: "dark" });
    owner = await openPage(ownerContext, errors);
    await ownerSignsIn(ownerContext, owner, flow.base);
    // One tenant: no picker, no Tenants page; the default tenant's provider is not there.
    expect(await owner.getByTestId("tenant-switch").count()).toBe(0);
    expect(await owner.getByRole("link", { name: "Tenants" }).count()).toBe(0);
    // Console users are managed by system administrators: the owner reads its tenant's audit log only.
    await owner.goto(`${flow.base}/settings`);
    await owner.getByText("Managing users needs the admin role. You can read the audit log.").waitFor();
    expect(await owner.getByRole("tab", { name: "Users" }).count()).toBe(0);
    await owner.goto(`${flow.base}/providers`);
    await owner.getByText("No providers yet").waitFor();
    expect(await owner.getByText("default-only").count()).toBe(0);

    await buildOwnerRouting(ownerContext, flow);
    await ownerGeneratesKey(owner, flow);
    await ownerSpendsQuota(owner, flow);
    a11y.push(...(await auditPage(owner, "key-usage-desktop-dark")));
    // Prices are shared by every tenant: the owner reads them, only a system administrator edits.
    await owner.goto(`${flow.base}/model-prices`);
    await owner.getByTestId("model-price-row").filter({ hasText: "mock-model" }).waitFor();
    expect(await owner.getByRole("button", { name: "Add price" }).count()).toBe(0);
  }, 120_000);

  it("a system administrator switches to the tenant, sees its key and spend, and switches back", async () => {
    const { admin, base } = flow;
    await admin.goto(`${base}/api-keys`);
    await admin.getByRole("heading", { name: "API keys", exact: true }).waitFor();
    expect(await admin.getByTestId("api-key-row").filter({ hasText: "team-key" }).count()).toBe(0);
    await admin.getByTestId("tenant-switch").click();
    await admin.getByRole("menuitemradio", { name: "Team A" }).click();
    await admin.getByTestId("api-key-row").filter({ hasText: "team-key" }).waitFor();
    expect(await admin.getByTestId("tenant-switch").textContent()).toContain("Team A");
    await admin.goto(`${base}/api-keys/${flow.keyId}`);
    await expect.poll(() => admin.getByTestId("usage-month-cost-used").textContent()).toBe("$0.05");
    // Remembered across pages; switching back shows the default tenant again.
    await admin.goto(`${base}/api-keys`);
    await admin.getByTestId("api-key-row").filter({ hasText: "team-key" }).waitFor();
    await admin.getByTestId("tenant-switch").click();
    await admin.getByRole("menuitemradio", { name: "Default" }).click();
    await expect.poll(() => admin.getByTestId("tenant-switch").textContent()).toContain("Default");
    await admin.getByRole("heading", { name: "API keys", exact: true }).waitFor();
    await admin.getByText("No API keys yet").waitFor();
    await admin.goto(`${base}/providers`);
    await admin.getByText("default-only", { exact: true }).waitFor();
  }, 60_000);

  it("renders the new pages with no serious accessibility problem and logs no console error", () => {
    expect({ a11y, errors }).toEqual({ a11y: [], errors: [] });
  });
});
