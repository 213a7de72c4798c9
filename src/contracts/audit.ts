import { z } from "zod";
import { timestampSchema } from "./common";

/** GET /audit query: newest first, `cursor` is the `nextCursor` of the previous page (opaque). */
export const auditQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z
    .string()
    .regex(/^[1-9]\d{0,15}$/, "must be a cursor returned by a previous page")
    .optional(),
  entityType: z.string().max(50).optional(),
  entityId: z.string().max(100).optional(),
});
export type AuditQuery = z.input<typeof auditQuerySchema>;

export const auditEntrySchema = z.object({
  id: z.number(),
  at: timestampSchema,
  actor: z.object({ id: z.string().nullable(), name: z.string() }),
  /** e.g. `provider.update`, `group.member.add`, `config.import`. */
  action: z.string(),
  entityType: z.string(),
  entityId: z.string().nullable(),
  summary: z.string(),
  /** What changed; credentials appear masked only. */
  changes: z.record(z.string(), z.unknown()).nullable(),
  ip: z.string().nullable(),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

export const auditPageSchema = z.object({
  items: z.array(auditEntrySchema),
  /** Pass as `cursor` to get the next (older) page; null on the last page. */
  nextCursor: z.string().nullable(),
});
export type AuditPage = z.infer<typeof auditPageSchema>;
