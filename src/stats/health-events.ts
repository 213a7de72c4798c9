import { and, desc, eq, gte, lt } from "drizzle-orm";
import type { Db } from "../db/client";
import { healthEvents, type HealthEventRow } from "../db/schema/rollups";
import type { Logger } from "../observability/logger";

/**
 * Provider health transitions, kept for the provider statistics page. The health layer's
 * `onTransition` (src/health/gateway-health.ts: each change once across instances sharing health)
 * hands events to a recorder; writes are fire-and-forget (a failed write is logged, never thrown into
 * the registry).
 */

/** What is stored of one transition (the shape of the health registry's `HealthTransition`). */
export interface HealthTransitionEvent {
  readonly providerId: string;
  readonly from: string;
  readonly to: string;
  readonly reason: string | null;
  /** Epoch ms. */
  readonly at: number;
}

/** Stores one transition. */
export async function recordHealthTransition(
  db: Db,
  event: HealthTransitionEvent,
  instance: string | null = null,
): Promise<void> {
  await db.insert(healthEvents).values({
    at: new Date(event.at),
    providerId: event.providerId,
    fromState: event.from,
    toState: event.to,
    reason: event.reason,
    instance,
  });
}

export interface HealthTransitionRecorderOptions {
  readonly db: Db;
  readonly logger: Logger;
  /** Names this gateway instance in the stored events (e.g. hostname:pid). */
  readonly instance?: string;
}

/** A listener for `registry.onTransition(...)` that stores every transition without blocking. */
export function createHealthTransitionRecorder(
  options: HealthTransitionRecorderOptions,
): (event: HealthTransitionEvent) => void {
  return (event) => {
    recordHealthTransition(options.db, event, options.instance ?? null).catch((err: unknown) => {
      options.logger.warn(
        { providerId: event.providerId, errName: err instanceof Error ? err.name : typeof err },
        "health transition could not be stored",
      );
    });
  };
}

/** Transitions of one provider in [from, to), newest first. */
export async function listHealthTransitions(
  db: Db,
  providerId: string,
  from: Date,
  to: Date,
  limit = 500,
): Promise<HealthEventRow[]> {
  return db
    .select()
    .from(healthEvents)
    .where(and(eq(healthEvents.providerId, providerId), gte(healthEvents.at, from), lt(healthEvents.at, to)))
    .orderBy(desc(healthEvents.at), desc(healthEvents.id))
    .limit(limit);
}
