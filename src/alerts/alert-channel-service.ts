import { asc, eq } from "drizzle-orm";
import {
  alertChannelCreateSchema,
  alertChannelUpdateSchema,
  type AlertChannel,
  type AlertDelivery,
} from "@/contracts/alerts";
import { AppError } from "@/core/errors/catalogue";
import {
  alertChannels,
  alertDeliveries,
  alertRuleChannels,
  alertRules,
  type AlertChannelRow,
} from "@/db/schema";
import { assertChannelTargetAllowed } from "@/services/outbound-save-check";
import { createResourceCrud } from "@/services/resource-crud";
import { parseInput, type ServiceContext, type WriteContext } from "@/services/service-context";
import {
  mergeChannelConfig,
  openChannelConfig,
  replacedSecretFields,
  sealChannelSecrets,
  splitChannelConfig,
  toAlertChannel,
} from "./channel-codec";
import type { AlertMessage } from "./channels";
import { attemptDelivery, toAlertDelivery, type DeliveryDeps } from "./deliveries";

export interface AlertChannelService {
  /** Every channel, by name; secrets masked. */
  list(): Promise<AlertChannel[]>;
  /** One channel; ALERT_CHANNEL_NOT_FOUND when missing. */
  get(id: string): Promise<AlertChannel>;
  /** Creates a channel; its secrets are sealed with the channel id as associated data. */
  create(by: WriteContext, input: unknown): Promise<AlertChannel>;
  /** Partial update; the channel type cannot change. Secrets: absent keeps, null clears, a value replaces. */
  update(by: WriteContext, id: string, input: unknown): Promise<AlertChannel>;
  /** Deletes a channel; refused (ALERT_CHANNEL_IN_USE) while a rule uses it. */
  remove(by: WriteContext, id: string): Promise<void>;
  /** Sends a test notice now (one attempt, also to a disabled channel), records and returns the delivery. */
  test(by: WriteContext, id: string): Promise<AlertDelivery>;
}

/** Alert channel CRUD and "send test": validation, sealed secrets, audit and announcements. */
export function createAlertChannelService(ctx: ServiceContext, delivery: DeliveryDeps): AlertChannelService {
  const { db, sealer } = ctx;
  const crud = createResourceCrud<AlertChannelRow>(ctx, {
    table: alertChannels,
    kind: "alert_channel",
    label: "alert channel",
    notFound: "ALERT_CHANNEL_NOT_FOUND",
    nameTaken: "ALERT_CHANNEL_NAME_TAKEN",
    codes: {
      alert_channels_tenant_name_unique: "ALERT_CHANNEL_NAME_TAKEN",
      alert_rule_channels_channel_id_alert_channels_id_fk: "ALERT_CHANNEL_IN_USE",
    },
  });

  return {
    async list() {
      const rows = await db
        .select()
        .from(alertChannels)
        .where(ctx.owned(alertChannels))
        .orderBy(asc(alertChannels.name));
      return rows.map(toAlertChannel);
    },

    async get(id) {
      return toAlertChannel(await crud.find(db, id, false));
    },

    async create(by, input) {
      const data = parseInput(alertChannelCreateSchema, input);
      await assertChannelTargetAllowed(ctx, data.config);
      return crud.create(
        by,
        data.name,
        async (tx, id, now) => {
          const parts = splitChannelConfig(data.config);
          const [row] = await tx
            .insert(alertChannels)
            .values({
              id,
              tenantId: ctx.tenantId,
              name: data.name,
              type: data.config.type,
              enabled: data.enabled,
              settings: parts.settings,
              secretsCipher: sealChannelSecrets(sealer, id, parts),
              display: parts.display,
              createdAt: now,
              updatedAt: now,
            })
            .returning();
          return toAlertChannel(row!);
        },
        (channel) => `Created ${channel.type} alert channel "${channel.name}"`,
      );
    },

    async update(by, id, input) {
      const data = parseInput(alertChannelUpdateSchema, input);
      if (data.config !== undefined) await assertChannelTargetAllowed(ctx, data.config);
      return crud.update(by, id, data.name, async (tx, current) => {
        let stored = {};
        if (data.config !== undefined) {
          if (data.config.type !== current.type) {
            throw new AppError("VALIDATION_FAILED", undefined, {
              issues: [
                {
                  path: "config.type",
                  message: `must stay "${current.type}"; create a new channel instead`,
                },
              ],
            });
          }
          const parts = splitChannelConfig(
            mergeChannelConfig(openChannelConfig(sealer, current), data.config),
          );
          stored = {
            settings: parts.settings,
            secretsCipher: sealChannelSecrets(sealer, current.id, parts),
            display: parts.display,
          };
        }
        const [row] = await tx
          .update(alertChannels)
          .set({ name: data.name, enabled: data.enabled, ...stored, updatedAt: ctx.now() })
          .where(eq(alertChannels.id, current.id))
          .returning();
        // A replaced secret with the same masked hint still changed: say which, never the value.
        const replaced = data.config ? replacedSecretFields(data.config) : [];
        return {
          before: toAlertChannel(current),
          after: toAlertChannel(row!),
          extraChanges: replaced.length > 0 ? { secretsReplaced: replaced } : undefined,
        };
      });
    },

    async remove(by, id) {
      await crud.remove(by, id, async (tx, current) => {
        const usedBy = await tx
          .select({ id: alertRules.id, name: alertRules.name })
          .from(alertRuleChannels)
          .innerJoin(alertRules, eq(alertRules.id, alertRuleChannels.ruleId))
          .where(eq(alertRuleChannels.channelId, current.id))
          .orderBy(asc(alertRules.name));
        if (usedBy.length > 0) {
          throw new AppError(
            "ALERT_CHANNEL_IN_USE",
            `Alert channel "${current.name}" is used by ${usedBy.length} rule(s); remove it from them first.`,
            { rules: usedBy },
          );
        }
        return { before: toAlertChannel(current) };
      });
    },

    async test(by, id) {
      const channel = await crud.find(db, id, false);
      const now = ctx.now();
      const message: AlertMessage = {
        event: "test",
        incidentId: null,
        rule: { id: null, name: "Test notice", type: "test", severity: "info" },
        subject: { key: "test", name: channel.name },
        summary: `Test notice from Roundabout to channel "${channel.name}", sent by ${by.actor.name}`,
        value: null,
        threshold: null,
        firedAt: now.toISOString(),
        resolvedAt: null,
        reason: null,
      };
      const [pending] = await db
        .insert(alertDeliveries)
        .values({
          incidentId: null,
          channelId: channel.id,
          channelName: channel.name,
          channelType: channel.type,
          event: "test",
          status: "pending",
          payload: { ...message },
          maxAttempts: 1,
          nextAttemptAt: null,
          createdAt: now,
        })
        .returning();
      const done = await attemptDelivery(delivery, pending!);
      await ctx.record(by, {
        action: "alert_channel.test",
        entityType: "alert_channel",
        entityId: channel.id,
        summary: `Sent a test notice to alert channel "${channel.name}": ${done.status}`,
        changes: { deliveryId: done.id, status: done.status, lastError: done.lastError },
      });
      return toAlertDelivery(done);
    },
  };
}
