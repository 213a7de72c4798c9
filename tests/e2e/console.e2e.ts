import type { BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMockUpstream, type MockUpstream } from "@/testing/mock-upstream";
import { openPage } from "./browser-helpers";
import {
  importWithErrorThenDiff,
  switchLanguageAndTheme,
  testConnections,
  toggleAndGuardDelete,
} from "./config-steps";
import { findPickAndCopy, replayFailedRequestAndDiff } from "./debug-steps";
import {
  editGroupCaptureAndAffinity,
  editKeyModels,
  editMembershipModels,
  editProviderCaps,
  seeProviderHealthHistory,
} from "./edit-steps";
import { DESKTOP, type ConsoleFlow } from "./flow";
import { ensureBuild, launchBrowser, startServer, type RunningServer } from "./harness";
import { checkCostAndCache } from "./cost-steps";
import { checkLogs, checkStatistics, configureAlerts, ejectAndRestore } from "./observability-steps";
import { tourEveryPage } from "./page-tour-steps";
import { buildGroupAndReorder, generateAndCopyKey, proxyAndSeeDashboard, signInAsAdmin } from "./setup-steps";
import { viewerChangesNothing } from "./viewer-steps";

/**
 * The console end to end: the real server process (production build), real chromium, mock
 * upstreams on loopback. The steps run in order and build on each other (one configuration); each
 * lives in a *-steps.ts file.
 */

let server: RunningServer;
let upstreams: MockUpstream[] = [];
let admin: BrowserContext;
let flow: ConsoleFlow;

beforeAll(async () => {
  await ensureBuild();
  const [started, browser, ...mocks] = await Promise.all([
    startServer(),
    launchBrowser(),
    startMockUpstream(),
    startMockUpstream(),
  ]);
  server = started;
  upstreams = mocks;
  admin = await browser.newContext({ viewport: DESKTOP, locale: "en-US", colorScheme: "light" });
  await admin.grantPermissions(["clipboard-read", "clipboard-write"], { origin: server.url });
  const errors: string[] = [];
  const page = await openPage(admin, errors);
  flow = {
    page,
    base: server.url,
    browser,
    upstreams,
    errors,
    groupId: "",
    gatewayKey: "",
    diffPath: "/logs/diff",
  };
}, 600_000);

afterAll(async () => {
  await flow?.browser.close();
  await Promise.all([server?.stop(), ...upstreams.map((u) => u.close())]);
});

describe("console", () => {
  it("signs in and shows the dashboard", () => signInAsAdmin(flow), 60_000);
  it(
    "creates providers and a group with two members, then reorders them by drag and drop",
    () => buildGroupAndReorder(flow),
    90_000,
  );
  it("generates a key, shows it once and copies it", () => generateAndCopyKey(flow), 60_000);
  it(
    "proxies real requests with the key and counts them on the dashboard",
    () => proxyAndSeeDashboard(flow),
    60_000,
  );
  it(
    "shows the proxied requests in Statistics, per provider and per key",
    () => checkStatistics(flow.page, flow.base),
    60_000,
  );
  it(
    "lists the requests in Logs and draws one's attempt timeline",
    () => checkLogs(flow.page, flow.base),
    60_000,
  );
  it(
    "prices the model and shows cost by model (with its CSV), by provider, and the cache-read share",
    () => checkCostAndCache(flow),
    60_000,
  );
  it(
    "replays a captured failed request to another provider from its log detail and shows the diff",
    () => replayFailedRequestAndDiff(flow),
    90_000,
  );
  it(
    "finds the replay with the filters, compares two picked rows and copies a request as curl",
    () => findPickAndCopy(flow),
    90_000,
  );
  it(
    "ejects a provider on the Health page and restores it",
    () => ejectAndRestore(flow.page, flow.base),
    60_000,
  );
  it(
    "adds an alert channel, sends it a test and adds a rule that notifies it",
    () => configureAlerts(flow.page, flow.base, upstreams[0]!.url),
    60_000,
  );
  it("tests a provider's connection from its row and from its dialog", () => testConnections(flow), 60_000);
  it(
    "toggles a provider and explains why one in a group cannot be deleted",
    () => toggleAndGuardDelete(flow),
    60_000,
  );
  it(
    "shows an import's validation errors, then a valid import's diff, and applies it",
    () => importWithErrorThenDiff(flow),
    60_000,
  );
  it("switches language and theme", () => switchLanguageAndTheme(flow), 60_000);
  it("edits a provider's caps and models, and they survive a reload", () => editProviderCaps(flow), 60_000);
  it(
    "edits a group's rate limit, capture mode and session affinity",
    () => editGroupCaptureAndAffinity(flow),
    60_000,
  );
  it("edits a membership's models and aliases", () => editMembershipModels(flow), 60_000);
  it(
    "edits a key's capture override and allowed models, which the gateway applies",
    () => editKeyModels(flow),
    60_000,
  );
  it("shows a provider's health history, series and groups", () => seeProviderHealthHistory(flow), 60_000);
  it("lets a viewer look at everything and change nothing", () => viewerChangesNothing(flow), 90_000);
  it(
    "renders every page cleanly on desktop and phone, light and dark, with no serious a11y problems",
    async () => expect(await tourEveryPage(flow, await admin.storageState())).toEqual([]),
    300_000,
  );
  it("logged no console errors on any page", () => {
    // No list of forgiven errors: a refusal a step provokes on purpose is asserted (and taken out) by
    // that step with expectRefusal; anything else logged on any page fails here.
    expect(flow.errors).toEqual([]);
  });
});
