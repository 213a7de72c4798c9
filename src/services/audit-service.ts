import { and, desc, eq, lt, type SQL } from "drizzle-orm";
import { auditQuerySchema, type AuditPage } from "@/contracts/audit";
import { auditLog } from "@/db/schema";
import { parseInput, type ServiceContext } from "./service-context";

export interface AuditService {
  /** One page of the audit log, newest first; `nextCursor` continues with older entries. */
  list(query: unknown): Promise<AuditPage>;
}

/** Reads the audit log (rows are written by the other services, inside their transactions). */
export function createAuditService(ctx: ServiceContext): AuditService {
  return {
    async list(query) {
      const q = parseInput(auditQuerySchema, query, "INVALID_QUERY");
      const filters: SQL[] = [ctx.owned(auditLog)];
      if (q.cursor) filters.push(lt(auditLog.id, Number(q.cursor)));
      if (q.entityType) filters.push(eq(auditLog.entityType, q.entityType));
      if (q.entityId) filters.push(eq(auditLog.entityId, q.entityId));
      // One extra row tells whether another page exists without a count query.
      const rows = await ctx.db
        .select()
        .from(auditLog)
        .where(and(...filters))
        .orderBy(desc(auditLog.id))
        .limit(q.limit + 1);
      const page = rows.slice(0, q.limit);
      const last = page[page.length - 1];
      return {
        items: page.map((row) => ({
          id: row.id,
          at: row.at.toISOString(),
          actor: { id: row.actorId, name: row.actorName },
          action: row.action,
          entityType: row.entityType,
          entityId: row.entityId,
          summary: row.summary,
          changes: row.changes,
          ip: row.ip,
        })),
        nextCursor: rows.length > q.limit && last ? String(last.id) : null,
      };
    },
  };
}
