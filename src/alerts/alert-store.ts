/**
 * The scheduler's database side: load what the evaluator needs, then write what it decided — states,
 * incidents and their outbox deliveries — in one transaction.
 */
import { and, eq } from "drizzle-orm";
import type { AlertNotification, AlertRuleSpec, AlertState } from "@/core/alerts/types";
import type { Db } from "@/db/client";
import {
  alertChannels,
  alertDeliveries,
  alertIncidents,
  alertRuleChannels,
  alertRules,
  alertStates,
  groups,
} from "@/db/schema";
import type { Logger } from "@/observability/logger";
import { readStoredCondition } from "./alert-rule-service";
import type { AlertMessage } from "./channels";

export interface EvaluationInputs {
  readonly rules: AlertRuleSpec[];
  readonly states: AlertState[];
  readonly groupNames: Map<string, string>;
}

const ms = (date: Date | null) => (date === null ? null : date.getTime());
const date = (value: number | null) => (value === null ? null : new Date(value));

/** Loads rules (skipping any whose stored condition no longer validates), states and group names. */
export async function loadEvaluationInputs(db: Db, logger: Logger): Promise<EvaluationInputs> {
  const rows = await db.select().from(alertRules);
  const rules: AlertRuleSpec[] = [];
  for (const row of rows) {
    const condition = readStoredCondition(row);
    if (condition === null) {
      logger.warn({ ruleId: row.id }, "alert rule skipped: its stored condition does not validate");
      continue;
    }
    rules.push({
      id: row.id,
      name: row.name,
      severity: row.severity,
      enabled: row.enabled,
      // A tenant quota rule watches its own tenant: the stored condition does not repeat it.
      condition: condition.type === "quota_used" ? { ...condition, tenantId: row.tenantId } : condition,
      forMs: row.forMs,
      cooldownMs: row.cooldownMs,
    });
  }
  const states = (await db.select().from(alertStates)).map((row) => ({
    ruleId: row.ruleId,
    subjectKey: row.subjectKey,
    subjectName: row.subjectName,
    pendingSince: ms(row.pendingSince),
    firingSince: ms(row.firingSince),
    lastResolvedAt: ms(row.lastResolvedAt),
  }));
  const groupRows = await db.select({ id: groups.id, name: groups.name }).from(groups);
  return { rules, states, groupNames: new Map(groupRows.map((g) => [g.id, g.name])) };
}

const stateKey = (s: { ruleId: string; subjectKey: string }) => `${s.ruleId}\u0000${s.subjectKey}`;

function messageOf(notification: AlertNotification, incidentId: number): AlertMessage {
  return {
    event: notification.kind,
    incidentId,
    rule: {
      id: notification.ruleId,
      name: notification.ruleName,
      type: notification.ruleType,
      severity: notification.severity,
    },
    subject: { key: notification.subjectKey, name: notification.subjectName },
    summary: notification.summary,
    value: notification.value,
    threshold: notification.threshold,
    firedAt: new Date(notification.firedAt).toISOString(),
    resolvedAt: notification.resolvedAt === null ? null : new Date(notification.resolvedAt).toISOString(),
    reason: notification.reason,
  };
}

export interface SaveResult {
  /** Notifications that opened or closed an incident (a lost race on the open-incident index skips one). */
  readonly announced: number;
  readonly deliveriesQueued: number;
}

/**
 * Writes the new states (changed ones upserted, dropped ones deleted), opens or closes incidents,
 * and queues one pending delivery per enabled channel of the rule.
 */
export async function saveEvaluation(
  db: Db,
  previous: readonly AlertState[],
  next: readonly AlertState[],
  notifications: readonly AlertNotification[],
  now: number,
  maxAttempts: number,
): Promise<SaveResult> {
  return db.transaction(async (tx) => {
    // Rules deleted since the evaluation started are skipped; the share lock holds off new deletions.
    const ruleTenants = new Map(
      (
        await tx.select({ id: alertRules.id, tenantId: alertRules.tenantId }).from(alertRules).for("share")
      ).map((row) => [row.id, row.tenantId]),
    );
    const live = { has: (id: string) => ruleTenants.has(id) };
    const before = new Map(previous.map((s) => [stateKey(s), s]));
    const after = new Set(next.map(stateKey));
    for (const state of previous) {
      if (after.has(stateKey(state)) || !live.has(state.ruleId)) continue;
      await tx
        .delete(alertStates)
        .where(and(eq(alertStates.ruleId, state.ruleId), eq(alertStates.subjectKey, state.subjectKey)));
    }
    for (const state of next) {
      if (!live.has(state.ruleId)) continue;
      if (JSON.stringify(before.get(stateKey(state))) === JSON.stringify(state)) continue;
      const values = {
        subjectName: state.subjectName,
        pendingSince: date(state.pendingSince),
        firingSince: date(state.firingSince),
        lastResolvedAt: date(state.lastResolvedAt),
      };
      await tx
        .insert(alertStates)
        .values({ ruleId: state.ruleId, subjectKey: state.subjectKey, ...values })
        .onConflictDoUpdate({ target: [alertStates.ruleId, alertStates.subjectKey], set: values });
    }

    let announced = 0;
    let deliveriesQueued = 0;
    for (const notification of notifications) {
      if (!live.has(notification.ruleId)) continue;
      const incidentId = await recordIncident(tx, notification, ruleTenants.get(notification.ruleId)!);
      if (incidentId === null) continue;
      announced++;
      const channels = await tx
        .select({ id: alertChannels.id, name: alertChannels.name, type: alertChannels.type })
        .from(alertRuleChannels)
        .innerJoin(alertChannels, eq(alertChannels.id, alertRuleChannels.channelId))
        .where(and(eq(alertRuleChannels.ruleId, notification.ruleId), eq(alertChannels.enabled, true)));
      if (channels.length === 0) continue;
      const payload = { ...messageOf(notification, incidentId) };
      await tx.insert(alertDeliveries).values(
        channels.map((channel) => ({
          incidentId,
          channelId: channel.id,
          channelName: channel.name,
          channelType: channel.type,
          event: notification.kind,
          status: "pending" as const,
          payload,
          maxAttempts,
          nextAttemptAt: new Date(now),
          createdAt: new Date(now),
        })),
      );
      deliveriesQueued += channels.length;
    }
    return { announced, deliveriesQueued };
  });
}

/** Opens (firing) or closes (resolved) the incident; null when there was nothing to open or close. */
async function recordIncident(tx: Db, n: AlertNotification, tenantId: string): Promise<number | null> {
  if (n.kind === "firing") {
    const [opened] = await tx
      .insert(alertIncidents)
      .values({
        tenantId,
        ruleId: n.ruleId,
        ruleName: n.ruleName,
        ruleType: n.ruleType,
        severity: n.severity,
        subjectKey: n.subjectKey,
        subjectName: n.subjectName,
        status: "firing",
        summary: n.summary,
        value: n.value,
        threshold: n.threshold,
        firedAt: new Date(n.firedAt),
      })
      .onConflictDoNothing()
      .returning({ id: alertIncidents.id });
    return opened?.id ?? null;
  }
  const [closed] = await tx
    .update(alertIncidents)
    .set({
      status: "resolved",
      resolvedAt: date(n.resolvedAt),
      resolveSummary: n.summary,
      resolveReason: n.reason,
    })
    .where(
      and(
        eq(alertIncidents.ruleId, n.ruleId),
        eq(alertIncidents.subjectKey, n.subjectKey),
        eq(alertIncidents.status, "firing"),
      ),
    )
    .returning({ id: alertIncidents.id });
  return closed?.id ?? null;
}
