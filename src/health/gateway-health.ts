/**
 * The health layer of a running gateway: the pure health registry (core/health) behind the gateway's
 * HealthHooks, plus manual eject/restore, active-check results and — with a Redis store — health
 * shared by every instance (shared-health-sync.ts).
 *
 * Hot path: selection asks viewGroup once per pick. The group's evaluation (ejection share, panic,
 * slow-start factors) is cached per routing-snapshot group until the registry's availability version
 * changes or a time-driven change is due (an ejection ending, a trial timing out, the slow-start ramp
 * moving on, at most every RAMP_REFRESH_MS). Successful outcomes do not invalidate it, so steady
 * traffic re-evaluates nothing; the store is never called per request.
 */
import { randomUUID } from "node:crypto";
import type {
  HealthTransition,
  HealthRegistry,
  GroupHealthView,
  ProviderHealthSnapshot,
} from "../core/health/health-registry";
import { createHealthRegistry } from "../core/health/health-registry";
import { changesAvailability, type HealthOp } from "../core/health/health-ops";
import type { HealthPolicyOverrides } from "../core/health/policy";
import {
  beginTrial,
  type AttemptOutcome as HealthOutcome,
  type ProviderHealthState,
} from "../core/health/provider-health";
import type { AttemptHealth, AttemptOutcome } from "../core/retry/classify";
import type { HealthHooks, MemberAvailability } from "../gateway/gateway-types";
import type { SnapshotGroup } from "../gateway/snapshot/snapshot-types";
import type { Logger } from "../observability/logger";
import type { StateStore } from "../store/types";
import { createSharedHealthSync, type SharedHealthSync } from "./shared-health-sync";
import { createSharedTransitionFilter, type TransitionSink } from "./shared-transitions";

/** While a slow-start ramp or panic is in progress, a cached group view is rebuilt this often. */
const RAMP_REFRESH_MS = 100;
/** No cached group view lives longer than this. */
const MAX_VIEW_MS = 1_000;
const DEFAULT_SYNC_INTERVAL_MS = 200;

export interface GatewayHealthOptions {
  readonly store: StateStore;
  readonly logger: Logger;
  /** Health policy overrides (validated; defaults fill the rest). */
  readonly policy?: HealthPolicyOverrides;
  /** Clock, ms since the epoch (default Date.now). */
  readonly now?: () => number;
  /** Share health with other instances through the store (default: when the store is Redis). */
  readonly shared?: boolean;
  /** Shared mode: period of the write-and-reread cycle, ms (default 200). */
  readonly syncIntervalMs?: number;
}

export interface GatewayHealth {
  /** Passed to createGateway. */
  readonly hooks: HealthHooks;
  readonly registry: HealthRegistry;
  /** Whether health is shared with other instances. */
  readonly shared: boolean;
  readonly instanceId: string;
  /** Feeds one active check's outcome (see core/health/health-ops.ts for what a pass may do). */
  recordCheck(providerId: string, outcome: HealthOutcome): void;
  /** Takes a provider out of service by hand until `until` (epoch ms) or, with null, until restored. */
  eject(providerId: string, until: number | null): Promise<void>;
  /** Puts a provider back into service by hand (slow start applies). */
  restore(providerId: string): Promise<void>;
  /** Follows these providers' shared state (every member of the routing snapshot). */
  follow(providerIds: Iterable<string>): void;
  /** Providers followed so far (routed ones and any provider asked about). */
  followed(): ReadonlySet<string>;
  /** Drops deleted providers: their state here and, when shared, their keys in the store (idempotent). */
  forget(providerIds: Iterable<string>): Promise<void>;
  /**
   * Subscribes to provider state changes to store: each change once across every instance sharing
   * health (the registry's own onTransition fires on each of them); every change when not shared.
   */
  onTransition(listener: TransitionSink): () => void;
  /** Evaluates a group now (ejection share, panic) for reports. */
  evaluate(memberIds: readonly string[]): GroupHealthView;
  /** The admin view of the given providers (or every known one). */
  snapshot(providerIds?: readonly string[]): ProviderHealthSnapshot[];
  /** Shared mode: writes what is queued and re-reads the shared state now; no-op otherwise. */
  sync(): Promise<void>;
  /** Starts sharing (subscription and cycle); no-op for a single instance. */
  start(): Promise<void>;
  /** Stops sharing after handing queued observations to the store. */
  close(): Promise<void>;
}

interface CachedView {
  readonly version: number;
  readonly validUntil: number;
  readonly view: readonly MemberAvailability[];
}

/** Creates the health layer; pass `hooks` to createGateway and call start() once it is ready. */
export function createGatewayHealth(options: GatewayHealthOptions): GatewayHealth {
  const now = options.now ?? Date.now;
  const registry = createHealthRegistry({ policy: options.policy, now });
  const { policy } = registry;
  const { logger } = options;
  const instanceId = randomUUID();
  const known = new Set<string>();
  const views = new WeakMap<SnapshotGroup, CachedView>();
  const shared = options.shared ?? options.store.kind === "redis";
  let syncing: SharedHealthSync | null = null;
  if (shared) {
    syncing = createSharedHealthSync({
      store: options.store,
      registry,
      logger,
      intervalMs: options.syncIntervalMs ?? DEFAULT_SYNC_INTERVAL_MS,
      knownIds: () => known,
      instanceId,
    });
  }

  const transitionListeners = new Set<TransitionSink>();
  let transitionsAttached = false;
  const emitTransition: TransitionSink = (event) => {
    for (const listener of transitionListeners) listener(event);
  };

  registry.onTransition((event: HealthTransition) => {
    const level = event.to === "healthy" || event.to === "degraded" ? "info" : "warn";
    logger[level](
      { providerId: event.providerId, from: event.from, to: event.to, reason: event.reason },
      "provider health changed",
    );
  });

  /** Shared mode: queues an op already applied here, written at once when it changed who is available. */
  const queueApplied = (
    sync: SharedHealthSync,
    providerId: string,
    previous: ProviderHealthState,
    op: HealthOp,
  ) => {
    sync.queue(providerId, op, changesAvailability(previous, registry.readState(providerId)));
  };

  const evaluate = (memberIds: readonly string[]): GroupHealthView => {
    for (const id of memberIds) known.add(id);
    const result = registry.evaluateGroup(memberIds);
    const at = now();
    for (const { id, trigger } of result.ejected) syncing?.queue(id, { kind: "eject", at, trigger }, true);
    return result;
  };

  /** When the cached view of `ids` must be rebuilt even if nothing is recorded meanwhile. */
  const computeValidUntil = (ids: readonly string[], panic: boolean, t: number): number => {
    let until = t + (panic ? RAMP_REFRESH_MS : MAX_VIEW_MS);
    for (const id of ids) {
      const s = registry.readState(id);
      if (s.mode === "out") {
        if (s.outUntil !== null && s.outUntil > t) until = Math.min(until, s.outUntil);
        if (s.trialStartedAt !== null) until = Math.min(until, s.trialStartedAt + policy.trialTimeoutMs);
      } else if (s.returnedAt !== null && t - s.returnedAt < policy.slowStartMs) {
        until = Math.min(until, t + RAMP_REFRESH_MS);
      }
    }
    return until;
  };

  const viewGroup = (group: SnapshotGroup): readonly MemberAvailability[] => {
    const t = now();
    const cached = views.get(group);
    if (cached !== undefined && cached.version === registry.version() && t < cached.validUntil) {
      return cached.view;
    }
    const ids = group.members.map((m) => m.provider.id);
    const result = evaluate(ids);
    views.set(group, {
      version: registry.version(),
      validUntil: computeValidUntil(ids, result.panic, t),
      view: result.members,
    });
    return result.members;
  };

  const claimTrial = (providerId: string): boolean | Promise<boolean> => {
    if (syncing === null) return registry.tryBeginTrial(providerId);
    const at = now();
    // Cheap local refusal first: a trial already running here needs no store round trip.
    if (beginTrial(registry.readState(providerId), at, policy) === null) return false;
    const shared = syncing;
    return shared.commit(providerId, { kind: "trial", at }).catch((err: unknown) => {
      logger.warn({ providerId, err: (err as Error).message }, "shared trial claim failed; claiming locally");
      const claimed = registry.tryBeginTrial(providerId);
      if (claimed) shared.queue(providerId, { kind: "trial", at }, false);
      return claimed;
    });
  };

  const onAttemptOutcome = (
    providerId: string,
    outcome: AttemptOutcome,
    latencyMs: number,
    health: AttemptHealth,
  ): void => {
    const previous = registry.readState(providerId);
    // A neutral outcome only matters when it frees a trial.
    if (health === "neutral" && previous.trialStartedAt === null) return;
    const recorded = toHealthOutcome(outcome, latencyMs, health);
    registry.record(providerId, recorded);
    if (syncing !== null) {
      queueApplied(syncing, providerId, previous, { kind: "outcome", at: now(), outcome: recorded });
    }
  };

  /** Applies an operator's change here and, in shared mode, to the shared state before returning. */
  const decide = async (providerId: string, op: HealthOp, applyLocally: () => void) => {
    applyLocally();
    known.add(providerId);
    if (syncing === null) return;
    try {
      await syncing.commit(providerId, op);
    } catch (err) {
      logger.warn(
        { providerId, err: (err as Error).message },
        "shared health unavailable; the change applies here and reaches other instances once it answers",
      );
      syncing.queue(providerId, op, false);
    }
  };

  return {
    hooks: { viewGroup, claimTrial, onAttemptOutcome },
    registry,
    shared,
    instanceId,
    recordCheck(providerId, outcome) {
      const previous = registry.readState(providerId);
      registry.recordCheck(providerId, outcome);
      if (syncing !== null)
        queueApplied(syncing, providerId, previous, { kind: "check", at: now(), outcome });
    },
    eject: (providerId, until) =>
      decide(providerId, { kind: "manual_eject", at: now(), until }, () =>
        registry.eject(providerId, until ?? undefined),
      ),
    restore: (providerId) =>
      decide(providerId, { kind: "restore", at: now() }, () => registry.restore(providerId)),
    follow(providerIds) {
      for (const id of providerIds) known.add(id);
    },
    followed: () => known,
    async forget(providerIds) {
      const ids = [...providerIds];
      for (const id of ids) {
        known.delete(id);
        registry.forget(id);
      }
      if (syncing !== null && ids.length > 0) await syncing.drop(ids);
    },
    onTransition(listener) {
      transitionListeners.add(listener);
      if (!transitionsAttached) {
        // Attached on first use: without a listener, shared mode makes no store calls for transitions.
        transitionsAttached = true;
        registry.onTransition(
          syncing === null ? emitTransition : createSharedTransitionFilter(options.store, emitTransition),
        );
      }
      return () => {
        transitionListeners.delete(listener);
      };
    },
    evaluate,
    snapshot: (providerIds) => registry.snapshot(providerIds),
    sync: () => syncing?.sync() ?? Promise.resolve(),
    start: () => syncing?.start() ?? Promise.resolve(),
    close: () => syncing?.close() ?? Promise.resolve(),
  };
}

/** The registry's view of one attempt: status or error code, and latency only for a success. */
function toHealthOutcome(outcome: AttemptOutcome, latencyMs: number, health: AttemptHealth): HealthOutcome {
  const latency =
    health === "success" && Number.isFinite(latencyMs) && latencyMs >= 0 ? latencyMs : undefined;
  if (outcome.kind === "status") return { health, status: outcome.status, latencyMs: latency };
  return { health, code: outcome.code, latencyMs: latency };
}
