import { and, asc, eq, inArray } from "drizzle-orm";
import {
  alertConditionSchema,
  alertRuleCreateSchema,
  alertRuleUpdateSchema,
  type AlertConditionValue,
  type AlertRule,
} from "@/contracts/alerts";
import type { Issue } from "@/contracts/common";
import { AppError } from "@/core/errors/catalogue";
import type { Db } from "@/db/client";
import {
  alertChannels,
  alertIncidents,
  apiKeys,
  alertRuleChannels,
  alertRules,
  groups,
  providers,
  type AlertRuleRow,
} from "@/db/schema";
import { createResourceCrud } from "@/services/resource-crud";
import { parseInput, type ServiceContext, type WriteContext } from "@/services/service-context";

export interface AlertRuleService {
  /** Every rule, by name. */
  list(): Promise<AlertRule[]>;
  /** One rule; ALERT_RULE_NOT_FOUND when missing. */
  get(id: string): Promise<AlertRule>;
  /** Creates a rule; the group, providers and channels it names must exist. */
  create(by: WriteContext, input: unknown): Promise<AlertRule>;
  /** Partial update; a sent `condition` replaces the old one whole, `channelIds` the old list. */
  update(by: WriteContext, id: string, input: unknown): Promise<AlertRule>;
  /** Deletes a rule; its open incidents are closed (reason `rule_deleted`, no notice sent). */
  remove(by: WriteContext, id: string): Promise<void>;
}

/** Reads a stored condition back; null when it no longer validates (then the rule is skipped). */
export function readStoredCondition(row: AlertRuleRow): AlertConditionValue | null {
  const parsed = alertConditionSchema.safeParse({ ...row.condition, type: row.type });
  return parsed.success ? parsed.data : null;
}

function toAlertRule(row: AlertRuleRow, channelIds: string[]): AlertRule {
  const condition = readStoredCondition(row);
  if (condition === null) throw new Error(`alert rule ${row.id} holds a condition that no longer validates`);
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    enabled: row.enabled,
    severity: row.severity,
    condition,
    forMs: row.forMs,
    cooldownMs: row.cooldownMs,
    channelIds,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

function storedCondition(condition: AlertConditionValue): Record<string, unknown> {
  const { type: _type, ...rest } = condition;
  return rest;
}

/** Alert rule CRUD: validation (also of what a rule names), audit and announcements. */
export function createAlertRuleService(ctx: ServiceContext): AlertRuleService {
  const { db } = ctx;
  const crud = createResourceCrud<AlertRuleRow>(ctx, {
    table: alertRules,
    kind: "alert_rule",
    label: "alert rule",
    notFound: "ALERT_RULE_NOT_FOUND",
    nameTaken: "ALERT_RULE_NAME_TAKEN",
    codes: { alert_rules_tenant_name_unique: "ALERT_RULE_NAME_TAKEN" },
  });

  async function channelIdsOf(tx: Db, ruleIds: string[]): Promise<Map<string, string[]>> {
    const map = new Map<string, string[]>();
    if (ruleIds.length === 0) return map;
    const links = await tx
      .select({
        ruleId: alertRuleChannels.ruleId,
        channelId: alertRuleChannels.channelId,
        name: alertChannels.name,
      })
      .from(alertRuleChannels)
      .innerJoin(alertChannels, eq(alertChannels.id, alertRuleChannels.channelId))
      .where(inArray(alertRuleChannels.ruleId, ruleIds))
      .orderBy(asc(alertChannels.name));
    for (const link of links) map.set(link.ruleId, [...(map.get(link.ruleId) ?? []), link.channelId]);
    return map;
  }

  /** Every id the rule names must exist (locked for share, so it cannot vanish before the commit). */
  async function assertReferences(
    tx: Db,
    condition: AlertConditionValue | undefined,
    channelIds: string[] | undefined,
  ): Promise<void> {
    const issues: Issue[] = [];
    if (channelIds && channelIds.length > 0) {
      const found = await tx
        .select({ id: alertChannels.id })
        .from(alertChannels)
        .where(and(inArray(alertChannels.id, channelIds), ctx.owned(alertChannels)))
        .for("share");
      const known = new Set(found.map((row) => row.id));
      channelIds.forEach((channelId, i) => {
        if (!known.has(channelId))
          issues.push({ path: `channelIds[${i}]`, message: "no alert channel with this id" });
      });
    }
    if (condition && "groupId" in condition) {
      const [group] = await tx
        .select({ id: groups.id })
        .from(groups)
        .where(and(eq(groups.id, condition.groupId), ctx.owned(groups)));
      if (!group) issues.push({ path: "condition.groupId", message: "no group with this id" });
    }
    if (condition?.type === "quota_used" && condition.keyId !== null) {
      const [key] = await tx
        .select({ id: apiKeys.id })
        .from(apiKeys)
        .where(and(eq(apiKeys.id, condition.keyId), ctx.owned(apiKeys)));
      if (!key) issues.push({ path: "condition.keyId", message: "no gateway key with this id" });
    }
    if (condition?.type === "provider_unhealthy" && condition.providerIds) {
      const ids = condition.providerIds;
      const found = await tx
        .select({ id: providers.id })
        .from(providers)
        .where(and(inArray(providers.id, ids), ctx.owned(providers)));
      const known = new Set(found.map((row) => row.id));
      ids.forEach((providerId, i) => {
        if (!known.has(providerId)) {
          issues.push({ path: `condition.providerIds[${i}]`, message: "no provider with this id" });
        }
      });
    }
    if (issues.length > 0) throw new AppError("VALIDATION_FAILED", undefined, { issues });
  }

  async function linkChannels(tx: Db, ruleId: string, channelIds: string[]): Promise<void> {
    await tx.delete(alertRuleChannels).where(eq(alertRuleChannels.ruleId, ruleId));
    if (channelIds.length > 0) {
      await tx.insert(alertRuleChannels).values(channelIds.map((channelId) => ({ ruleId, channelId })));
    }
  }

  return {
    async list() {
      const rows = await db
        .select()
        .from(alertRules)
        .where(ctx.owned(alertRules))
        .orderBy(asc(alertRules.name));
      const channels = await channelIdsOf(
        db,
        rows.map((row) => row.id),
      );
      return rows.map((row) => toAlertRule(row, channels.get(row.id) ?? []));
    },

    async get(id) {
      const row = await crud.find(db, id, false);
      return toAlertRule(row, (await channelIdsOf(db, [row.id])).get(row.id) ?? []);
    },

    async create(by, input) {
      const data = parseInput(alertRuleCreateSchema, input);
      return crud.create(
        by,
        data.name,
        async (tx, id, now) => {
          await assertReferences(tx, data.condition, data.channelIds);
          const [row] = await tx
            .insert(alertRules)
            .values({
              id,
              tenantId: ctx.tenantId,
              name: data.name,
              description: data.description,
              enabled: data.enabled,
              severity: data.severity,
              type: data.condition.type,
              condition: storedCondition(data.condition),
              forMs: data.forMs,
              cooldownMs: data.cooldownMs,
              createdAt: now,
              updatedAt: now,
            })
            .returning();
          await linkChannels(tx, id, data.channelIds);
          return toAlertRule(row!, (await channelIdsOf(tx, [id])).get(id) ?? []);
        },
        (rule) => `Created alert rule "${rule.name}" (${rule.condition.type})`,
      );
    },

    async update(by, id, input) {
      const data = parseInput(alertRuleUpdateSchema, input);
      return crud.update(by, id, data.name, async (tx, current) => {
        await assertReferences(tx, data.condition, data.channelIds);
        const before = toAlertRule(current, (await channelIdsOf(tx, [current.id])).get(current.id) ?? []);
        const { condition, channelIds, ...fields } = data;
        const [row] = await tx
          .update(alertRules)
          .set({
            ...fields,
            ...(condition ? { type: condition.type, condition: storedCondition(condition) } : {}),
            updatedAt: ctx.now(),
          })
          .where(eq(alertRules.id, current.id))
          .returning();
        if (channelIds !== undefined) await linkChannels(tx, current.id, channelIds);
        const after = toAlertRule(row!, (await channelIdsOf(tx, [current.id])).get(current.id) ?? []);
        return { before, after };
      });
    },

    async remove(by, id) {
      await crud.remove(by, id, async (tx, current) => {
        const closed = await tx
          .update(alertIncidents)
          .set({
            status: "resolved",
            resolvedAt: ctx.now(),
            resolveReason: "rule_deleted",
            resolveSummary: `Rule "${current.name}" was deleted`,
          })
          .where(and(eq(alertIncidents.ruleId, current.id), eq(alertIncidents.status, "firing")))
          .returning({ id: alertIncidents.id });
        const before = toAlertRule(current, (await channelIdsOf(tx, [current.id])).get(current.id) ?? []);
        return {
          before,
          note: closed.length > 0 ? ` (closed ${closed.length} open incident(s))` : undefined,
        };
      });
    },
  };
}
