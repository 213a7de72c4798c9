import type { Browser, Page } from "playwright-core";
import { expect } from "vitest";
import type { MockUpstream } from "@/testing/mock-upstream";
import type { ErrorLog } from "./browser-helpers";

/**
 * What the ordered console steps share: the admin's page, the server's URL, the mock upstreams, the
 * browser (for other users' contexts), the console error log, and what earlier steps created.
 */
export interface ConsoleFlow {
  readonly page: Page;
  readonly base: string;
  readonly browser: Browser;
  readonly upstreams: readonly MockUpstream[];
  readonly errors: ErrorLog;
  groupId: string;
  gatewayKey: string;
  /** The diff page of a replay and its original (path and query), once the debug steps ran. */
  diffPath: string;
}

export const DESKTOP = { width: 1360, height: 900 } as const;
export const PHONE = { width: 390, height: 844 } as const;

/**
 * A signed-out visit to a console page (its first API call) and a wrong password are answered 401 on
 * purpose, and Chrome logs each as a console error: drop those (a few at most) right after the step
 * that provoked them; anything else stays in the log.
 */
export function forgiveSignedOut401s(errors: ErrorLog): void {
  const expected = errors.filter((line) => /status of 401/.test(line));
  // A signed-out /providers makes four calls (me — the tenant switcher asks which tenants exist —,
  // providers, health, health stream); plus a wrong password, or the one call a password change ends.
  expect(expected.length).toBeLessThanOrEqual(6);
  errors.splice(0, errors.length, ...errors.filter((line) => !expected.includes(line)));
}
