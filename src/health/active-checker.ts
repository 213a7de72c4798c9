/**
 * Active health checks: a GET of each routed provider's `healthCheckPath` (appended to its base path,
 * sent with its credential and extra headers), fed to the health layer as check outcomes. Periodic
 * rounds run on exactly one instance — the one holding the `health-checks` store lock, renewed every
 * round and taken over by another instance within 3 intervals if its holder dies. `runRound()` runs
 * one round on demand (the cron endpoint), lock or not.
 *
 * The probe itself (request, classification, error codes) is probe-provider.ts, shared with the
 * admin "test connection". A check's result is classified like an attempt (2xx/3xx pass, 401/403
 * auth, 429/5xx/transport failure, other 4xx says nothing). What a result may change is decided in
 * core/health/health-ops.ts: a pass only stands in for a due half-open trial, so checks alone never
 * bring back a provider that keeps failing real traffic, and never lift an `auth` block (only a real
 * success does).
 */
import type { AttemptHealth } from "../core/retry/classify";
import type { AttemptOutcome as HealthOutcome } from "../core/health/provider-health";
import type { SnapshotHolder } from "../gateway/snapshot/snapshot-holder";
import type { SnapshotProvider } from "../gateway/snapshot/snapshot-types";
import type { Logger } from "../observability/logger";
import type { Lease, StateStore } from "../store/types";
import type { GatewayHealth } from "./gateway-health";
import { probeProvider } from "./probe-provider";
import type { OutboundPolicy } from "../core/outbound/allow-list";

const LOCK_NAME = "health-checks";
const DEFAULT_TIMEOUT_MS = 5_000;
const PARALLEL_CHECKS = 8;

export interface CheckResult {
  readonly providerId: string;
  readonly provider: string;
  readonly outcome: AttemptHealth;
  readonly status: number | null;
  /** Catalogue code of a transport failure. */
  readonly error: string | null;
  readonly ms: number;
}

export interface CheckRound {
  /** Epoch ms. */
  readonly startedAt: number;
  readonly results: readonly CheckResult[];
}

export interface ActiveCheckerOptions {
  readonly store: StateStore;
  readonly logger: Logger;
  readonly health: GatewayHealth;
  readonly snapshots: Pick<SnapshotHolder, "current">;
  /** Period of the rounds, ms; 0 disables them (runRound still works). */
  readonly intervalMs: number;
  /** One check's time limit, ms (default 5 s, never more than the interval). */
  readonly timeoutMs?: number;
  /** Where probes may connect (OUTBOUND_ALLOW); default: internal addresses refused. */
  readonly outbound?: OutboundPolicy;
}

export interface ActiveChecker {
  /** Runs one round now over every routed provider that has a health-check path. */
  runRound(): Promise<CheckRound>;
  /** Starts the periodic rounds (on whichever instance holds the lock). */
  start(): void;
  close(): Promise<void>;
}

/** Creates the checker (nothing runs until start() or runRound()). */
export function createActiveChecker(options: ActiveCheckerOptions): ActiveChecker {
  const { store, logger, health, intervalMs } = options;
  const timeoutMs = Math.max(100, Math.min(options.timeoutMs ?? DEFAULT_TIMEOUT_MS, intervalMs || Infinity));
  const lockTtlMs = Math.max(1_000, intervalMs * 3);
  let timer: NodeJS.Timeout | null = null;
  let lease: Lease | null = null;
  let running: Promise<unknown> | null = null;
  let closed = false;

  const checkOne = async (provider: SnapshotProvider, path: string): Promise<CheckResult> => {
    const probe = await probeProvider(provider, path, timeoutMs, options.outbound);
    const outcome: HealthOutcome =
      probe.error !== null
        ? { health: "failure", code: probe.error }
        : {
            health: probe.outcome,
            status: probe.status ?? undefined,
            latencyMs: probe.outcome === "success" ? (probe.headersMs ?? undefined) : undefined,
          };
    health.recordCheck(provider.id, outcome);
    return {
      providerId: provider.id,
      provider: provider.name,
      outcome: probe.outcome,
      status: probe.status,
      error: probe.error,
      ms: probe.ms,
    };
  };

  const runRound = async (): Promise<CheckRound> => {
    const startedAt = Date.now();
    const snapshot = options.snapshots.current();
    const targets = new Map<string, { provider: SnapshotProvider; path: string }>();
    for (const group of snapshot?.groupsBySlug.values() ?? []) {
      for (const member of group.members) {
        const path = member.provider.healthCheckPath;
        if (path !== null) targets.set(member.provider.id, { provider: member.provider, path });
      }
    }
    const queue = [...targets.values()];
    const results: CheckResult[] = [];
    const worker = async () => {
      for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
        results.push(await checkOne(next.provider, next.path));
      }
    };
    await Promise.all(Array.from({ length: Math.min(PARALLEL_CHECKS, queue.length) }, worker));
    results.sort((a, b) => a.provider.localeCompare(b.provider));
    const failed = results.filter((r) => r.outcome !== "success" && r.outcome !== "neutral").length;
    logger.debug({ checked: results.length, failed }, "health check round done");
    return { startedAt, results };
  };

  /** Holds (or takes) the lock; only its holder runs the periodic round. */
  const holdLock = async (): Promise<boolean> => {
    if (lease !== null && !(await lease.renew(lockTtlMs))) lease = null;
    lease ??= await store.acquireLock(LOCK_NAME, lockTtlMs);
    return lease !== null;
  };

  const tick = () => {
    timer = null;
    if (closed) return;
    running = holdLock()
      .then((held) => (held ? runRound() : null))
      .catch((err: unknown) => logger.warn({ err: (err as Error).message }, "health check round failed"))
      .finally(() => {
        running = null;
        if (closed) return;
        timer = setTimeout(tick, intervalMs);
        timer.unref();
      });
  };

  return {
    runRound,
    start() {
      if (intervalMs <= 0 || timer !== null || closed) return;
      timer = setTimeout(tick, intervalMs);
      timer.unref();
    },
    async close() {
      closed = true;
      if (timer !== null) clearTimeout(timer);
      timer = null;
      if (running !== null) await running;
      if (lease !== null) await lease.release().catch(() => undefined);
      lease = null;
    },
  };
}
