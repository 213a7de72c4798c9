/**
 * Delivery rows are the outbox of alerting: written in the same transaction as the incident, then
 * attempted — once per due row and tick — until delivered, refused for good, or out of attempts.
 * Each attempt is appended to the row (time, status code, error, duration), so failures stay visible.
 */
import { and, asc, eq, lte } from "drizzle-orm";
import type { AlertChannelConfig, AlertDelivery } from "@/contracts/alerts";
import { EMPTY_OUTBOUND_POLICY, type OutboundPolicy } from "@/core/outbound/allow-list";
import type { Db } from "@/db/client";
import {
  alertChannels,
  alertDeliveries,
  type AlertDeliveryRow,
  type StoredDeliveryAttempt,
} from "@/db/schema";
import type { Logger } from "@/observability/logger";
import type { CredentialSealer } from "@/services/service-context";
import { openChannelConfig } from "./channel-codec";
import { sendWithChannel, type AlertChannelSenders, type AlertMessage, type SendResult } from "./channels";

export interface DeliveryOptions {
  /** Attempts per delivery, the first included. */
  readonly maxAttempts: number;
  /** Wait before the second attempt; doubles each time up to `maxDelayMs`. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** Bound on one attempt (connect, send, answer). */
  readonly timeoutMs: number;
}

export const DEFAULT_DELIVERY_OPTIONS: DeliveryOptions = {
  maxAttempts: 5,
  baseDelayMs: 30_000,
  maxDelayMs: 15 * 60_000,
  timeoutMs: 10_000,
};

const DELIVERY_CONCURRENCY = 4;

export interface DeliveryDeps {
  readonly db: Db;
  readonly sealer: CredentialSealer;
  readonly senders: AlertChannelSenders;
  readonly logger: Logger;
  readonly now: () => number;
  readonly options: DeliveryOptions;
  /** Where channels may connect (OUTBOUND_ALLOW); default: internal addresses refused. */
  readonly outbound?: OutboundPolicy;
}

/** Wait before attempt number `attempt + 1`, after `attempt` failures. */
export function retryDelayMs(options: DeliveryOptions, attempt: number): number {
  return Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** Math.max(0, attempt - 1));
}

/** A delivery row as the API shows it. */
export function toAlertDelivery(row: AlertDeliveryRow): AlertDelivery {
  return {
    id: row.id,
    incidentId: row.incidentId,
    channelId: row.channelId,
    channelName: row.channelName,
    channelType: row.channelType,
    event: row.event,
    status: row.status,
    attempts: row.attempts,
    maxAttempts: row.maxAttempts,
    nextAttemptAt: row.nextAttemptAt?.toISOString() ?? null,
    lastStatusCode: row.lastStatusCode,
    lastError: row.lastError,
    durationMs: row.durationMs,
    attemptLog: row.attemptLog,
    createdAt: row.createdAt.toISOString(),
    deliveredAt: row.deliveredAt?.toISOString() ?? null,
  };
}

/** Sends one delivery once and records the outcome on its row; returns the updated row. */
export async function attemptDelivery(deps: DeliveryDeps, row: AlertDeliveryRow): Promise<AlertDeliveryRow> {
  const started = performance.now();
  const result = await sendOnce(deps, row);
  const durationMs = Math.round(performance.now() - started);
  const now = deps.now();
  const attempts = row.attempts + 1;
  const attempt: StoredDeliveryAttempt = {
    at: new Date(now).toISOString(),
    ok: result.ok,
    statusCode: result.statusCode,
    error: result.ok ? null : result.error,
    durationMs,
  };
  const retry = !result.ok && result.retryable && attempts < row.maxAttempts;
  const [updated] = await deps.db
    .update(alertDeliveries)
    .set({
      attempts,
      attemptLog: [...row.attemptLog, attempt],
      lastStatusCode: result.statusCode,
      lastError: result.ok ? null : result.error,
      durationMs,
      status: result.ok ? "delivered" : retry ? "pending" : "failed",
      nextAttemptAt: retry ? new Date(now + retryDelayMs(deps.options, attempts)) : null,
      deliveredAt: result.ok ? new Date(now) : null,
    })
    .where(eq(alertDeliveries.id, row.id))
    .returning();
  if (!result.ok) {
    deps.logger.warn(
      {
        deliveryId: row.id,
        channelId: row.channelId,
        channelType: row.channelType,
        attempts,
        retry,
        error: result.error,
      },
      "alert delivery attempt failed",
    );
  }
  return updated ?? row;
}

async function sendOnce(deps: DeliveryDeps, row: AlertDeliveryRow): Promise<SendResult> {
  const refuse = (error: string): SendResult => ({ ok: false, statusCode: null, error, retryable: false });
  if (row.channelId === null) return refuse("The channel was deleted.");
  const [channel] = await deps.db.select().from(alertChannels).where(eq(alertChannels.id, row.channelId));
  if (!channel) return refuse("The channel was deleted.");
  if (!channel.enabled && row.event !== "test") return refuse("The channel is disabled.");
  let config: AlertChannelConfig;
  try {
    config = openChannelConfig(deps.sealer, channel);
  } catch {
    // A key rotated away or a tampered row: say so without any detail that could carry key material.
    return refuse("The channel's stored settings cannot be opened (was SECRET_KEY changed?).");
  }
  return sendWithChannel(deps.senders, config, row.payload as unknown as AlertMessage, {
    deliveryId: row.id,
    now: deps.now,
    timeoutMs: deps.options.timeoutMs,
    outbound: deps.outbound ?? EMPTY_OUTBOUND_POLICY,
  });
}

/** Attempts every pending delivery that is due (oldest first, at most `limit`); returns how many. */
export async function runDueDeliveries(deps: DeliveryDeps, limit: number): Promise<number> {
  const due = await deps.db
    .select()
    .from(alertDeliveries)
    .where(
      and(eq(alertDeliveries.status, "pending"), lte(alertDeliveries.nextAttemptAt, new Date(deps.now()))),
    )
    .orderBy(asc(alertDeliveries.id))
    .limit(limit);
  // A few at a time: one dead receiver must not hold up the others, nor open many sockets at once.
  for (let i = 0; i < due.length; i += DELIVERY_CONCURRENCY) {
    await Promise.all(due.slice(i, i + DELIVERY_CONCURRENCY).map((row) => attemptDelivery(deps, row)));
  }
  return due.length;
}
