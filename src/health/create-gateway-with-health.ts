/**
 * The one way a process builds its data plane: the gateway with the health layer plugged in, and the
 * active health checker. Used by the runtime (both roles) and by the benchmark, so both run the same
 * wiring. Each routing snapshot also tells which providers were deleted since the last one: their
 * health is forgotten here and (shared mode) their keys leave the store.
 */
import type { HealthPolicyOverrides } from "../core/health/policy";
import { createGateway, type Gateway, type GatewayDeps } from "../gateway/create-gateway";
import type { RoutingSnapshot } from "../gateway/snapshot/snapshot-types";
import { createActiveChecker, type ActiveChecker } from "./active-checker";
import { createGatewayHealth, type GatewayHealth } from "./gateway-health";

export interface HealthSettings {
  /** Health policy overrides (thresholds, ejection times, slow start...). */
  readonly policy?: HealthPolicyOverrides;
  /** Share health with other instances through the store (default: when the store is Redis). */
  readonly shared?: boolean;
  /** Shared mode: write-and-reread period, ms (default 200). */
  readonly syncIntervalMs?: number;
  /** Period of active health-check rounds, ms (env HEALTH_CHECK_INTERVAL_MS; 0 = none). */
  readonly checkIntervalMs?: number;
  /** One active check's time limit, ms (default 5 s). */
  readonly checkTimeoutMs?: number;
  /** Clock of the health layer (tests). */
  readonly now?: () => number;
}

export interface GatewayWithHealthDeps extends Omit<GatewayDeps, "health" | "onSnapshot"> {
  readonly health?: HealthSettings;
}

export interface GatewayWithHealth {
  readonly gateway: Gateway;
  readonly health: GatewayHealth;
  readonly checker: ActiveChecker;
  /** Loads the first routing snapshot, then starts health sharing and the periodic checks. */
  ready(): Promise<void>;
  /** Stops checks, drains and closes the gateway, then hands queued health changes to the store. */
  close(): Promise<void>;
}

const DEFAULT_CHECK_INTERVAL_MS = 30_000;

/** Every provider routed by some group of the snapshot. */
function routedProviderIds(snapshot: RoutingSnapshot): Set<string> {
  const ids = new Set<string>();
  for (const group of snapshot.groupsBySlug.values()) {
    for (const member of group.members) ids.add(member.provider.id);
  }
  return ids;
}

/** Creates the gateway with health wiring; call ready() before serving. */
export function createGatewayWithHealth(deps: GatewayWithHealthDeps): GatewayWithHealth {
  const settings = deps.health ?? {};
  const health = createGatewayHealth({
    store: deps.store,
    logger: deps.logger,
    policy: settings.policy,
    shared: settings.shared,
    syncIntervalMs: settings.syncIntervalMs,
    now: settings.now,
  });
  // Providers of the previous snapshot, and deleted ones whose shared state could not be dropped yet.
  let existing: ReadonlySet<string> = new Set<string>();
  let undropped = new Set<string>();
  const onSnapshot = (snapshot: RoutingSnapshot) => {
    const gone = new Set<string>(undropped);
    for (const id of [...existing, ...health.followed()]) if (!snapshot.providerIds.has(id)) gone.add(id);
    existing = snapshot.providerIds;
    health.follow(routedProviderIds(snapshot));
    if (gone.size === 0) return;
    undropped = new Set();
    health.forget(gone).catch((err: unknown) => {
      for (const id of gone) undropped.add(id);
      deps.logger.warn(
        { err: err instanceof Error ? err.message : String(err), providers: gone.size },
        "shared health of deleted providers not dropped yet; retried at the next config reload",
      );
    });
  };
  const gateway = createGateway({ ...deps, health: health.hooks, onSnapshot });
  const checker = createActiveChecker({
    store: deps.store,
    logger: deps.logger,
    health,
    snapshots: gateway.snapshots,
    intervalMs: settings.checkIntervalMs ?? DEFAULT_CHECK_INTERVAL_MS,
    timeoutMs: settings.checkTimeoutMs,
    outbound: deps.outbound,
  });
  return {
    gateway,
    health,
    checker,
    async ready() {
      await gateway.ready();
      await health.start();
      checker.start();
    },
    async close() {
      await checker.close();
      await gateway.close();
      await health.close();
    },
  };
}
