import { z } from "zod";

const countsSchema = z.object({ total: z.number(), enabled: z.number(), disabled: z.number() });

/** GET /overview: how much is configured, and how much traffic the last 24 hours carried. */
export const overviewSchema = z.object({
  providers: countsSchema,
  groups: countsSchema,
  apiKeys: countsSchema,
  /** Client requests logged in the last 24 hours; `failed` answered with a status of 400 or more. */
  requests: z.object({ last24h: z.number(), failedLast24h: z.number() }),
  /** Cost of the priced requests (USD) since today's and this month's start in `timeZone` (QUOTA_TIME_ZONE). */
  spend: z.object({ todayUsd: z.number(), monthUsd: z.number(), timeZone: z.string() }),
});
export type Overview = z.infer<typeof overviewSchema>;
