import { createTierStrategies, type TierRef } from "../../core/balancing/select";
import type { Strategy } from "../../core/balancing/types";
import type { Db } from "../../db/client";
import type { StrategyName } from "../../core/vocabulary/balancing";
import type { Logger } from "../../observability/logger";
import { CONFIG_CHANNEL, type StateStore, type Unsubscribe } from "../../store/types";
import { buildSnapshot, type OpenCredential } from "./build-snapshot";
import type { RoutingSnapshot } from "./snapshot-types";

/**
 * Holds the current routing snapshot and replaces it whole: when CONFIG_CHANNEL announces a change
 * (bursts coalesced into one reload), after the store re-subscribed (messages may have been missed),
 * and periodically as a fallback. A failed reload keeps the previous snapshot. Strategy instances live
 * here, per group, so round-robin state survives swaps while the group's strategy is unchanged.
 */

export interface SnapshotHolderOptions {
  readonly db: Db;
  readonly store: StateStore;
  readonly openCredential: OpenCredential;
  readonly logger: Logger;
  /** Periodic full reload (default 30 s; 0 disables). */
  readonly reloadIntervalMs?: number;
  /** Window in which change announcements are merged into one reload (default 20 ms). */
  readonly coalesceMs?: number;
  /** Called after every swap (e.g. to close pools of removed origins). */
  readonly onSwap?: (snapshot: RoutingSnapshot) => void;
}

export interface SnapshotHolder {
  /** The current snapshot; null until the first load succeeded. */
  current(): RoutingSnapshot | null;
  /** Resolves with a snapshot once one was loaded (waits for the first load). */
  whenReady(): Promise<RoutingSnapshot>;
  /** First load (throws if it fails), then subscribes and starts the periodic reload. */
  start(): Promise<void>;
  /** Reloads now; resolves after a reload that started after this call finished. */
  reload(): Promise<void>;
  close(): Promise<void>;
}

interface StrategyEntry {
  readonly name: StrategyName;
  readonly strategyFor: (tier: TierRef) => Strategy;
}

/** Creates the holder (nothing runs until start()). */
export function createSnapshotHolder(options: SnapshotHolderOptions): SnapshotHolder {
  const { logger } = options;
  const reloadIntervalMs = options.reloadIntervalMs ?? 30_000;
  const coalesceMs = options.coalesceMs ?? 20;
  let snapshot: RoutingSnapshot | null = null;
  let version = 0;
  let strategies = new Map<string, StrategyEntry>();
  let loading: Promise<void> | null = null;
  let again = false;
  let coalesceTimer: NodeJS.Timeout | null = null;
  let interval: NodeJS.Timeout | null = null;
  let unsubscribe: Unsubscribe | null = null;
  let closed = false;
  let readyResolve: ((s: RoutingSnapshot) => void) | null = null;
  const ready = new Promise<RoutingSnapshot>((resolve) => {
    readyResolve = resolve;
  });

  const loadOnce = async (): Promise<void> => {
    const next = new Map<string, StrategyEntry>();
    const built = await buildSnapshot({
      db: options.db,
      openCredential: options.openCredential,
      logger,
      version: version + 1,
      now: Date.now(),
      strategiesFor(groupId, name) {
        const old = strategies.get(groupId);
        const entry =
          old !== undefined && old.name === name ? old : { name, strategyFor: createTierStrategies(name) };
        next.set(groupId, entry);
        return entry.strategyFor;
      },
    });
    if (closed) return;
    version = built.version;
    strategies = next;
    snapshot = built;
    readyResolve?.(built);
    readyResolve = null;
    options.onSwap?.(built);
  };

  /** Runs a reload; a request arriving during one schedules exactly one more afterwards. */
  const run = (): Promise<void> => {
    if (loading !== null) {
      again = true;
      return loading.then(() => loading ?? undefined);
    }
    loading = loadOnce()
      .catch((err: unknown) => {
        logger.error({ err: errorMessage(err) }, "routing snapshot reload failed; keeping the previous one");
      })
      .finally(() => {
        loading = null;
        if (again && !closed) {
          again = false;
          void run();
        }
      });
    return loading;
  };

  const requestReload = () => {
    if (closed || coalesceTimer !== null) return;
    coalesceTimer = setTimeout(() => {
      coalesceTimer = null;
      void run();
    }, coalesceMs);
    coalesceTimer.unref();
  };

  return {
    current: () => snapshot,
    whenReady: () => (snapshot !== null ? Promise.resolve(snapshot) : ready),
    async start() {
      await loadOnce();
      unsubscribe = await options.store.subscribe(CONFIG_CHANNEL, requestReload, {
        onResubscribed: requestReload,
      });
      if (reloadIntervalMs > 0) {
        interval = setInterval(() => void run(), reloadIntervalMs);
        interval.unref();
      }
    },
    reload: () => run(),
    async close() {
      closed = true;
      if (coalesceTimer !== null) clearTimeout(coalesceTimer);
      if (interval !== null) clearInterval(interval);
      coalesceTimer = null;
      interval = null;
      if (unsubscribe !== null) await unsubscribe().catch(() => undefined);
      unsubscribe = null;
      if (loading !== null) await loading;
    },
  };
}

function errorMessage(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.split("\n")[0]!.slice(0, 300);
}
