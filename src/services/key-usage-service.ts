import type { KeyUsage, UsageWindow } from "@/contracts/key-usage";
import { microsToUsd } from "@/core/cost/money";
import { quotaWindowsAt, type CalendarWindow } from "@/core/quota/calendar-window";
import { sumKeyUsage } from "@/stats/key-usage-query";
import type { ApiKeyService } from "./api-key-service";
import type { ServiceContext } from "./service-context";

export interface KeyUsageService {
  /** A key's requests, tokens and cost this quota day and month, beside its quota (API_KEY_NOT_FOUND otherwise). */
  get(keyId: string): Promise<KeyUsage>;
}

/** The per-key usage page's read: the key is looked up in the acting tenant first (isolation). */
export function createKeyUsageService(ctx: ServiceContext, apiKeys: ApiKeyService): KeyUsageService {
  // The current minute is included: the bound is the end of this minute (as the dashboard's spend).
  const windowUsage = async (keyId: string, window: CalendarWindow, nowMs: number): Promise<UsageWindow> => {
    const end = Math.floor(nowMs / 60_000) * 60_000 + 60_000;
    const totals = await sumKeyUsage(ctx.db, ctx.tenantId, keyId, window.startMs, end);
    return {
      id: window.id,
      startsAt: new Date(window.startMs).toISOString(),
      resetsAt: new Date(window.resetMs).toISOString(),
      requests: totals.requests,
      tokens: totals.tokens,
      costUsd: microsToUsd(totals.costMicros),
    };
  };
  return {
    async get(keyId) {
      const key = await apiKeys.get(keyId);
      const nowMs = ctx.now().getTime();
      const windows = quotaWindowsAt(nowMs, ctx.timeZone);
      const [day, month] = await Promise.all([
        windowUsage(key.id, windows.day, nowMs),
        windowUsage(key.id, windows.month, nowMs),
      ]);
      return { keyId: key.id, timeZone: ctx.timeZone, quota: key.quota, day, month };
    },
  };
}
