import { z } from "zod";

const countsSchema = z.object({ total: z.number(), enabled: z.number(), disabled: z.number() });

/** GET /overview: how much is configured. */
export const overviewSchema = z.object({
  providers: countsSchema,
  groups: countsSchema,
  apiKeys: countsSchema,
});
export type Overview = z.infer<typeof overviewSchema>;
