/**
 * Health shared by every instance through the state store (Redis).
 *
 * The shared truth is one JSON document per provider — the pure ProviderHealthState of
 * core/health/provider-health.ts — under the store key `health:{providerId}`. Each instance keeps a
 * local copy in its registry for the hot path (no store call per request):
 *  - what it observes or decides (attempt outcomes, ejections by the group rules, trials, operator
 *    ejects and restores) is applied to the local copy at once and queued as ops;
 *  - every `intervalMs` (and at once for a change of availability) the queued ops are replayed onto
 *    the shared document with compare-and-set, so every instance's outcomes add up in one state and
 *    an op that no longer applies (provider already ejected elsewhere) is a no-op;
 *  - after each write and every `intervalMs`, the shared document (plus ops still queued) replaces the
 *    local copy;
 *  - a write that changes availability is announced on the `health` channel; the others re-read that
 *    provider within milliseconds. After a lost subscription, everything is re-read.
 * The half-open trial is claimed on the shared document itself, so one trial runs at a time across
 * every instance. When the store is unreachable, each instance goes on with its local judgement and
 * keeps (a bounded number of) queued ops for later. A deleted provider's keys are dropped by every
 * instance that notices the deletion (idempotent); its later ops are ignored so none writes it back.
 */
import { applyHealthOp, changesAvailability, type HealthOp } from "../core/health/health-ops";
import type { HealthRegistry } from "../core/health/health-registry";
import { createHealthState, type ProviderHealthState } from "../core/health/provider-health";
import type { Logger } from "../observability/logger";
import type { StateStore, Unsubscribe } from "../store/types";

/** Channel on which changes of a provider's availability are announced to every instance. */
export const HEALTH_CHANNEL = "health";

/** Store key of a provider's shared health document. */
export function buildHealthKey(providerId: string): string {
  return `health:${providerId}`;
}

/** Store key of the provider state last stored as a transition (see shared-transitions.ts). */
export function buildReportedStateKey(providerId: string): string {
  return `health-reported:${providerId}`;
}

/** Ops kept per provider while the store is unreachable; older outcomes are dropped beyond this. */
const MAX_QUEUED_OPS = 1_000;
/** Compare-and-set rounds before a contended write is left for the next sync. */
const MAX_CAS_ROUNDS = 10;
const WARN_INTERVAL_MS = 10_000;

export interface SharedHealthSyncOptions {
  readonly store: StateStore;
  readonly registry: HealthRegistry;
  readonly logger: Logger;
  /** Period of the write-and-reread cycle, ms. */
  readonly intervalMs: number;
  /** Providers whose shared state this instance follows. */
  readonly knownIds: () => Iterable<string>;
  /** Distinguishes this instance's announcements from the others'. */
  readonly instanceId: string;
}

export interface SharedHealthSync {
  /** Queues an op already applied locally; `urgent` writes it now instead of at the next cycle. */
  queue(providerId: string, op: HealthOp, urgent: boolean): void;
  /** Applies `op` (after what is queued) to the shared state now; false when it did not apply. Throws when the store fails. */
  commit(providerId: string, op: HealthOp): Promise<boolean>;
  /** Writes every queued op, then re-reads every followed provider. */
  sync(): Promise<void>;
  /** Deletes the shared keys of deleted providers (after any write in flight) and ignores their ops from now on. */
  drop(providerIds: readonly string[]): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

/** Creates the sync (nothing runs until start()). */
export function createSharedHealthSync(options: SharedHealthSyncOptions): SharedHealthSync {
  const { store, registry, logger } = options;
  const policy = registry.policy;
  const pending = new Map<string, HealthOp[]>();
  const chains = new Map<string, Promise<unknown>>();
  // Deleted providers (ids are never reused): a late outcome must not write their state back.
  const dropped = new Set<string>();
  let timer: NodeJS.Timeout | null = null;
  let unsubscribe: Unsubscribe | null = null;
  let closed = false;
  let lastWarnAt = 0;

  const keyOf = buildHealthKey;

  const warn = (err: unknown, what: string) => {
    const t = Date.now();
    if (t - lastWarnAt < WARN_INTERVAL_MS) return;
    lastWarnAt = t;
    logger.warn(
      { err: err instanceof Error ? err.message : String(err), what },
      "shared health unavailable; this instance judges providers on its own traffic meanwhile",
    );
  };

  /** Runs `work` after every earlier call for the same provider (no two CAS loops race in-process). */
  const serial = <T>(providerId: string, work: () => Promise<T>): Promise<T> => {
    const previous = chains.get(providerId) ?? Promise.resolve();
    const next = previous.then(work, work);
    const settled = next.catch(() => undefined);
    chains.set(providerId, settled);
    void settled.then(() => {
      if (chains.get(providerId) === settled) chains.delete(providerId);
    });
    return next;
  };

  const replay = (state: ProviderHealthState, ops: readonly HealthOp[]): ProviderHealthState => {
    let next = state;
    for (const op of ops) next = applyHealthOp(next, op, policy);
    return next;
  };

  /** The shared document plus what this instance has not written yet becomes the local copy. */
  const adopt = (providerId: string, shared: ProviderHealthState) => {
    registry.writeState(providerId, replay(shared, pending.get(providerId) ?? []));
  };

  const parse = (providerId: string, raw: string | null): ProviderHealthState => {
    if (raw === null) return createHealthState();
    try {
      const value = JSON.parse(raw) as ProviderHealthState;
      if (
        value !== null &&
        (value.mode === "active" || value.mode === "out") &&
        Array.isArray(value.window)
      ) {
        return value;
      }
    } catch {
      // fall through: a corrupt document is replaced by a fresh state
    }
    logger.error({ providerId }, "shared health state unreadable; starting that provider afresh");
    return createHealthState();
  };

  const announce = (providerId: string) => {
    store
      .publish(HEALTH_CHANNEL, JSON.stringify({ id: providerId, from: options.instanceId }))
      .catch((err: unknown) => warn(err, "announce"));
  };

  /** Replays the queued ops (and `extra`) onto the shared document; resolves whether `extra` applied. */
  const write = (providerId: string, extra: HealthOp | null): Promise<boolean> =>
    serial(providerId, async () => {
      if (dropped.has(providerId)) return false;
      const batch = pending.get(providerId) ?? [];
      pending.delete(providerId);
      try {
        for (let round = 0; round < MAX_CAS_ROUNDS; round++) {
          const raw = await store.get(keyOf(providerId));
          const base = parse(providerId, raw);
          const afterBatch = replay(base, batch);
          const next = extra === null ? afterBatch : applyHealthOp(afterBatch, extra, policy);
          const applied = extra === null || next !== afterBatch;
          if (next === base) {
            adopt(providerId, base);
            return applied;
          }
          if (await store.compareAndSet(keyOf(providerId), raw, JSON.stringify(next))) {
            adopt(providerId, next);
            if (changesAvailability(base, next)) announce(providerId);
            return applied;
          }
        }
        throw new Error("shared health state kept changing under this write");
      } catch (err) {
        requeue(providerId, batch);
        throw err;
      }
    });

  /** Puts a failed batch back in front of what was queued meanwhile, within the bound. */
  const requeue = (providerId: string, batch: readonly HealthOp[]) => {
    if (batch.length === 0) return;
    const merged = [...batch, ...(pending.get(providerId) ?? [])];
    pending.set(providerId, merged.length > MAX_QUEUED_OPS ? trimOps(merged) : merged);
  };

  const reread = (providerId: string): Promise<void> =>
    serial(providerId, async () => {
      const raw = await store.get(keyOf(providerId));
      if (!dropped.has(providerId)) adopt(providerId, parse(providerId, raw));
    });

  const sync = async (): Promise<void> => {
    const writes = [...pending.keys()].map((id) => write(id, null));
    await Promise.all(writes);
    await Promise.all([...options.knownIds()].map((id) => reread(id)));
  };

  const cycle = () => {
    timer = null;
    if (closed) return;
    sync()
      .catch((err: unknown) => warn(err, "sync"))
      .finally(() => {
        if (closed) return;
        timer = setTimeout(cycle, options.intervalMs);
        timer.unref();
      });
  };

  const onMessage = (message: string) => {
    let id: unknown;
    let from: unknown;
    try {
      ({ id, from } = JSON.parse(message) as { id?: unknown; from?: unknown });
    } catch {
      return;
    }
    if (typeof id !== "string" || from === options.instanceId) return;
    reread(id).catch((err: unknown) => warn(err, "reread"));
  };

  const rereadAll = () => {
    Promise.all([...options.knownIds()].map((id) => reread(id))).catch((err: unknown) =>
      warn(err, "reread after resubscribe"),
    );
  };

  return {
    queue(providerId, op, urgent) {
      if (dropped.has(providerId)) return;
      const list = pending.get(providerId);
      if (list === undefined) pending.set(providerId, [op]);
      else if (list.length >= MAX_QUEUED_OPS) pending.set(providerId, trimOps([...list, op]));
      else list.push(op);
      if (urgent && !closed) write(providerId, null).catch((err: unknown) => warn(err, "write"));
    },
    commit: (providerId, op) => write(providerId, op),
    sync,
    async drop(providerIds) {
      await Promise.all(
        providerIds.map((id) => {
          dropped.add(id);
          pending.delete(id);
          return serial(id, () => store.del(buildHealthKey(id), buildReportedStateKey(id)));
        }),
      );
    },
    async start() {
      unsubscribe = await store.subscribe(HEALTH_CHANNEL, onMessage, { onResubscribed: rereadAll });
      await sync().catch((err: unknown) => warn(err, "first sync"));
      timer = setTimeout(cycle, options.intervalMs);
      timer.unref();
    },
    async close() {
      closed = true;
      if (timer !== null) clearTimeout(timer);
      timer = null;
      if (unsubscribe !== null) await unsubscribe().catch(() => undefined);
      unsubscribe = null;
      // Last chance to hand this instance's observations to the others.
      await Promise.all([...pending.keys()].map((id) => write(id, null).catch(() => undefined)));
    },
  };
}

/** Keeps every decision op and the newest outcomes, within the bound. */
function trimOps(ops: readonly HealthOp[]): HealthOp[] {
  const excess = ops.length - MAX_QUEUED_OPS;
  let dropped = 0;
  return ops.filter((op) => {
    if (dropped >= excess || (op.kind !== "outcome" && op.kind !== "check")) return true;
    dropped += 1;
    return false;
  });
}
