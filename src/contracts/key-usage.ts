import { z } from "zod";
import { timestampSchema } from "./common";
import { quotaSchema } from "./quota";

/** A key's usage in one calendar window (a quota day or month in QUOTA_TIME_ZONE). */
export const usageWindowSchema = z.object({
  /** Local date of the window: `YYYY-MM-DD` (day) or `YYYY-MM` (month). */
  id: z.string(),
  startsAt: timestampSchema,
  /** When the window's quotas reset (the next local midnight / first of the month). */
  resetsAt: timestampSchema,
  /** Requests the quota counts (refusals before admission are not counted). */
  requests: z.number(),
  /** Input (cached included) + output tokens. */
  tokens: z.number(),
  /** USD, micro-dollar precision; unpriced models add nothing. */
  costUsd: z.number(),
});
export type UsageWindow = z.infer<typeof usageWindowSchema>;

/** GET /api-keys/{id}/usage: this day's and month's usage beside the key's quota. */
export const keyUsageSchema = z.object({
  keyId: z.uuid(),
  /** IANA zone the windows are aligned to (QUOTA_TIME_ZONE). */
  timeZone: z.string(),
  quota: quotaSchema.nullable(),
  day: usageWindowSchema,
  month: usageWindowSchema,
});
export type KeyUsage = z.infer<typeof keyUsageSchema>;
