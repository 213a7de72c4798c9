/**
 * Runs alert evaluation on a schedule on exactly one instance: each tick renews (or tries to take)
 * a lease on the state store, and only the holder evaluates, writes incidents and sends deliveries.
 * The lease outlives a tick, so the same instance keeps the job until it stops or stalls.
 */
import { evaluateAlerts } from "@/core/alerts/evaluate";
import type { AlertNotification, AlertSignals } from "@/core/alerts/types";
import type { OutboundPolicy } from "@/core/outbound/allow-list";
import type { Db } from "@/db/client";
import type { Logger } from "@/observability/logger";
import type { CredentialSealer } from "@/services/service-context";
import type { Lease, StateStore } from "@/store/types";
import { loadEvaluationInputs, saveEvaluation } from "./alert-store";
import { DEFAULT_SENDERS, type AlertChannelSenders } from "./channels";
import { DEFAULT_DELIVERY_OPTIONS, runDueDeliveries, type DeliveryOptions } from "./deliveries";
import { readSignals } from "./read-signals";

export const ALERT_LOCK_NAME = "alerts:evaluator";

export interface AlertSchedulerOptions {
  readonly db: Db;
  readonly store: StateStore;
  readonly sealer: CredentialSealer;
  readonly logger: Logger;
  readonly signals: AlertSignals;
  /** Time between ticks (default 15 s). */
  readonly intervalMs?: number;
  /** Clock in ms (evaluation time, signing timestamps, retry schedule). */
  readonly now?: () => number;
  /** Lease length; the default (3 ticks, at least 30 s) lets another instance take over after a crash. */
  readonly lockTtlMs?: number;
  readonly senders?: AlertChannelSenders;
  /** Where channels may connect (OUTBOUND_ALLOW); default: internal addresses refused. */
  readonly outbound?: OutboundPolicy;
  readonly delivery?: Partial<DeliveryOptions>;
  /** Deliveries attempted per tick at most (default 50); the rest wait for the next tick. */
  readonly deliveriesPerTick?: number;
}

export interface AlertTickReport {
  /** False when another instance holds the lease (or the store was unreachable). */
  readonly evaluated: boolean;
  readonly notifications: readonly AlertNotification[];
  readonly deliveriesQueued: number;
  readonly deliveriesAttempted: number;
}

export interface AlertScheduler {
  /** Starts ticking every `intervalMs` (the first tick right away). Idempotent. */
  start(): void;
  /** Stops ticking, waits for a running tick, and releases the lease. */
  stop(): Promise<void>;
  /** One tick: take or renew the lease, evaluate, persist, deliver what is due. */
  evaluateOnce(): Promise<AlertTickReport>;
}

const IDLE: AlertTickReport = {
  evaluated: false,
  notifications: [],
  deliveriesQueued: 0,
  deliveriesAttempted: 0,
};

/** Creates the alert scheduler; nothing runs until `start()` or `evaluateOnce()`. */
export function createAlertScheduler(options: AlertSchedulerOptions): AlertScheduler {
  const intervalMs = options.intervalMs ?? 15_000;
  const now = options.now ?? Date.now;
  const lockTtlMs = options.lockTtlMs ?? Math.max(3 * intervalMs, 30_000);
  const deliveryOptions = { ...DEFAULT_DELIVERY_OPTIONS, ...options.delivery };
  const deliveryDeps = {
    db: options.db,
    sealer: options.sealer,
    senders: options.senders ?? DEFAULT_SENDERS,
    logger: options.logger,
    now,
    options: deliveryOptions,
    outbound: options.outbound,
  };
  const { logger } = options;
  let lease: Lease | null = null;
  let timer: ReturnType<typeof setInterval> | null = null;
  let running: Promise<AlertTickReport> | null = null;
  let stopped = false;

  async function lead(): Promise<boolean> {
    if (lease !== null) {
      if (await lease.renew(lockTtlMs)) return true;
      logger.warn("alert evaluator lease lost; another instance may have taken over");
      lease = null;
    }
    lease = await options.store.acquireLock(ALERT_LOCK_NAME, lockTtlMs);
    if (lease !== null) logger.info("this instance now evaluates alerts");
    return lease !== null;
  }

  async function tick(): Promise<AlertTickReport> {
    try {
      if (!(await lead())) return IDLE;
    } catch (err) {
      logger.warn(
        { errName: (err as Error)?.name },
        "alert evaluator lease check failed; skipping this tick",
      );
      return IDLE;
    }
    const at = now();
    const inputs = await loadEvaluationInputs(options.db, logger);
    const readings = await readSignals(options.signals, inputs.rules, inputs.groupNames, at, logger);
    const result = evaluateAlerts({ rules: inputs.rules, readings, states: inputs.states, now: at });
    const saved = await saveEvaluation(
      options.db,
      inputs.states,
      result.states,
      result.notifications,
      at,
      deliveryOptions.maxAttempts,
    );
    for (const n of result.notifications) {
      logger.info(
        { ruleId: n.ruleId, subject: n.subjectKey, kind: n.kind, severity: n.severity },
        `alert ${n.kind}`,
      );
    }
    // Deliveries may take a while (timeouts): keep the lease fresh before sending.
    if (lease !== null && !(await lease.renew(lockTtlMs))) {
      lease = null;
      return {
        evaluated: true,
        notifications: result.notifications,
        deliveriesQueued: saved.deliveriesQueued,
        deliveriesAttempted: 0,
      };
    }
    const attempted = await runDueDeliveries(deliveryDeps, options.deliveriesPerTick ?? 50);
    return {
      evaluated: true,
      notifications: result.notifications,
      deliveriesQueued: saved.deliveriesQueued,
      deliveriesAttempted: attempted,
    };
  }

  async function evaluateOnce(): Promise<AlertTickReport> {
    // Ticks never overlap: a caller arriving during a tick waits for it and gets its report.
    if (running !== null) return running;
    running = tick().finally(() => {
      running = null;
    });
    return running;
  }

  const scheduled = () => {
    void evaluateOnce().catch((err: unknown) => {
      logger.error(
        { errName: (err as Error)?.name, stack: (err as Error)?.stack?.split("\n").slice(0, 6).join("\n") },
        "alert evaluation failed",
      );
    });
  };

  return {
    start() {
      if (timer !== null || stopped) return;
      timer = setInterval(scheduled, intervalMs);
      timer.unref();
      scheduled();
    },
    async stop() {
      stopped = true;
      if (timer !== null) clearInterval(timer);
      timer = null;
      if (running !== null) await running.catch(() => undefined);
      if (lease !== null) await lease.release().catch(() => undefined);
      lease = null;
    },
    evaluateOnce,
  };
}
