import { z } from "zod";

const count = z.int().min(1).max(1_000_000_000_000).nullable().optional();

/**
 * A quota on a gateway key (or tenant): any of these limits, null or absent = unlimited. Days and
 * months are calendar windows in QUOTA_TIME_ZONE. Tokens = input (cached included) + output.
 */
export const quotaSchema = z.strictObject({
  requestsPerDay: count,
  tokensPerDay: count,
  tokensPerMonth: count,
  /** USD, micro-dollar precision. */
  costPerMonthUsd: z.number().min(0).max(1_000_000_000).nullable().optional(),
});
export type Quota = z.infer<typeof quotaSchema>;
