import type { Browser, Page } from "playwright-core";
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
