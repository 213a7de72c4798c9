import { and, asc, desc, eq, inArray, lt, type SQL } from "drizzle-orm";
import { alertHistoryQuerySchema, type AlertHistoryPage, type AlertIncident } from "@/contracts/alerts";
import type { Db } from "@/db/client";
import { alertDeliveries, alertIncidents, type AlertIncidentRow } from "@/db/schema";
import { DEFAULT_TENANT_ID } from "@/core/vocabulary/tenants";
import { parseInput } from "@/services/service-context";
import { toAlertDelivery } from "./deliveries";

export interface AlertHistoryService {
  /** One page of incidents with their deliveries, newest first; `nextCursor` continues with older ones. */
  list(query: unknown): Promise<AlertHistoryPage>;
}

function toIncident(row: AlertIncidentRow): Omit<AlertIncident, "deliveries"> {
  return {
    id: row.id,
    ruleId: row.ruleId,
    ruleName: row.ruleName,
    ruleType: row.ruleType as AlertIncident["ruleType"],
    severity: row.severity as AlertIncident["severity"],
    subjectKey: row.subjectKey,
    subjectName: row.subjectName,
    status: row.status,
    summary: row.summary,
    resolveSummary: row.resolveSummary,
    resolveReason: row.resolveReason,
    value: row.value,
    threshold: row.threshold,
    firedAt: row.firedAt.toISOString(),
    resolvedAt: row.resolvedAt?.toISOString() ?? null,
  };
}

/**
 * Reads incident history (written by the scheduler) of `tenantId`: an incident carries its rule's
 * tenant, so it stays in that tenant's history after the rule is deleted.
 */
export function createAlertHistoryService(db: Db, tenantId: string = DEFAULT_TENANT_ID): AlertHistoryService {
  return {
    async list(query) {
      const q = parseInput(alertHistoryQuerySchema, query, "INVALID_QUERY");
      const filters: SQL[] = [eq(alertIncidents.tenantId, tenantId)];
      if (q.cursor) filters.push(lt(alertIncidents.id, Number(q.cursor)));
      if (q.status) filters.push(eq(alertIncidents.status, q.status));
      if (q.ruleId) filters.push(eq(alertIncidents.ruleId, q.ruleId));
      // One extra row tells whether another page exists without a count query.
      const rows = await db
        .select()
        .from(alertIncidents)
        .where(and(...filters))
        .orderBy(desc(alertIncidents.id))
        .limit(q.limit + 1);
      const page = rows.slice(0, q.limit);
      const ids = page.map((row) => row.id);
      const deliveries =
        ids.length === 0
          ? []
          : await db
              .select()
              .from(alertDeliveries)
              .where(inArray(alertDeliveries.incidentId, ids))
              .orderBy(asc(alertDeliveries.id));
      const last = page[page.length - 1];
      return {
        items: page.map((row) => ({
          ...toIncident(row),
          deliveries: deliveries.filter((d) => d.incidentId === row.id).map(toAlertDelivery),
        })),
        nextCursor: rows.length > q.limit && last ? String(last.id) : null,
      };
    },
  };
}
