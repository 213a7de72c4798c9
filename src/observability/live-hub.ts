import type { HealthTransition, ProviderHealthSnapshot } from "../core/health/health-registry";
import type { NewRequestLogRow } from "../db/schema/request-logs";
import { isSuccessClass } from "../core/vocabulary/status-classes";
import { statusClassOf } from "../stats/status-class";
import type { HealthSource } from "./observed-row";

/**
 * The live view behind `GET /api/admin/health/stream`: health transitions as they happen and, once a
 * second while someone listens, the traffic of the last interval (from the same request-log rows the
 * metrics count). Recent events stay in a ring buffer with increasing ids, so a client that
 * reconnects with Last-Event-ID gets exactly what it missed — or a full snapshot when that is gone.
 */

export interface TrafficCounts {
  readonly requests: number;
  /** Requests per second over the interval. */
  readonly rate: number;
  /** Share of 2xx/3xx answers; null when there was no request. */
  readonly successRate: number | null;
}

export interface TrafficSample {
  readonly at: number;
  /** Length of the interval the counts cover, ms. */
  readonly intervalMs: number;
  readonly totals: TrafficCounts & { readonly inFlight: number };
  /** By group slug (requests that matched no group are only in the totals). */
  readonly groups: readonly (TrafficCounts & { readonly group: string })[];
  /** By provider that answered, plus every provider with requests in flight. */
  readonly providers: readonly (TrafficCounts & {
    readonly providerId: string;
    readonly provider: string;
    readonly inFlight: number;
  })[];
}

export type LiveEvent =
  | { readonly id: number; readonly type: "health"; readonly data: HealthTransition }
  | { readonly id: number; readonly type: "traffic"; readonly data: TrafficSample };

export interface LiveSnapshot {
  /** Id of the newest event: resume after it. */
  readonly lastId: number;
  readonly at: number;
  readonly health: readonly ProviderHealthSnapshot[];
  /** The newest traffic sample, if any was taken. */
  readonly traffic: TrafficSample | null;
}

export interface LiveHubOptions {
  /** Clock in ms (default Date.now). */
  readonly now?: () => number;
  /** Traffic sample period, ms (default 1000). */
  readonly intervalMs?: number;
  /** Events kept for Last-Event-ID replay (default 500). */
  readonly bufferSize?: number;
}

export interface LiveSources {
  readonly health?: HealthSource;
  /** Requests in flight per provider id (gateway.inFlight). */
  readonly inFlight?: ReadonlyMap<string, number>;
}

export interface LiveHub {
  /** Counts one request-log row into the current interval. */
  observeRequest(row: NewRequestLogRow): void;
  /** Connects health and in-flight sources; returns a function that disconnects them. */
  attach(sources: LiveSources): () => void;
  /**
   * Listens to new events (the sampling timer runs only while someone listens); `onEnd` is called if
   * the hub closes first (shutdown), so open streams can finish.
   */
  subscribe(listener: (event: LiveEvent) => void, onEnd?: () => void): () => void;
  /** Events after `lastId`, or null when some of them are no longer kept (send a snapshot instead). */
  since(lastId: number): LiveEvent[] | null;
  snapshot(): LiveSnapshot;
  /** Current subscribers (open streams). */
  listenerCount(): number;
  /** Stops the timer and drops every listener. */
  close(): void;
}

interface Tally {
  requests: number;
  success: number;
}

/** Creates the live hub; no timer runs until the first subscriber. */
export function createLiveHub(options: LiveHubOptions = {}): LiveHub {
  const now = options.now ?? Date.now;
  const intervalMs = options.intervalMs ?? 1_000;
  const capacity = options.bufferSize ?? 500;
  const ring: LiveEvent[] = [];
  const listeners = new Set<(event: LiveEvent) => void>();
  const enders = new Map<(event: LiveEvent) => void, () => void>();
  let nextId = 1;
  let sources: LiveSources = {};
  let detachHealth: (() => void) | null = null;
  let timer: NodeJS.Timeout | null = null;
  let lastTraffic: TrafficSample | null = null;

  let sampleStart = now();
  const totals: Tally = { requests: 0, success: 0 };
  const groups = new Map<string, Tally>();
  const providers = new Map<string, Tally & { name: string }>();
  const names = new Map<string, string>();

  const publish = (event: LiveEvent) => {
    ring.push(event);
    if (ring.length > capacity) ring.splice(0, ring.length - capacity);
    for (const listener of listeners) listener(event);
  };

  const resetCounts = () => {
    sampleStart = now();
    totals.requests = 0;
    totals.success = 0;
    groups.clear();
    providers.clear();
  };

  const sample = () => {
    const at = now();
    const span = Math.max(1, at - sampleStart);
    const counts = (t: Tally): TrafficCounts => ({
      requests: t.requests,
      rate: (t.requests * 1000) / span,
      successRate: t.requests === 0 ? null : t.success / t.requests,
    });
    const inFlight = sources.inFlight;
    let inFlightTotal = 0;
    for (const n of inFlight?.values() ?? []) inFlightTotal += n;
    const byProvider = new Map(providers);
    for (const [id, n] of inFlight ?? []) {
      if (n > 0 && !byProvider.has(id))
        byProvider.set(id, { requests: 0, success: 0, name: names.get(id) ?? "" });
    }
    const data: TrafficSample = {
      at,
      intervalMs: span,
      totals: { ...counts(totals), inFlight: inFlightTotal },
      groups: [...groups].map(([group, t]) => ({ group, ...counts(t) })),
      providers: [...byProvider].map(([providerId, t]) => ({
        providerId,
        provider: t.name,
        ...counts(t),
        inFlight: inFlight?.get(providerId) ?? 0,
      })),
    };
    resetCounts();
    lastTraffic = data;
    publish({ id: nextId++, type: "traffic", data });
  };

  const startTimer = () => {
    if (timer !== null) return;
    resetCounts();
    timer = setInterval(sample, intervalMs);
    timer.unref();
  };

  const stopTimer = () => {
    if (timer === null) return;
    clearInterval(timer);
    timer = null;
  };

  const tally = (t: Tally, ok: boolean) => {
    t.requests++;
    if (ok) t.success++;
  };

  return {
    observeRequest(row) {
      if (timer === null) return; // nobody listens: nothing to sample
      // The statistics' rule, so live tiles and the Statistics page agree: a 200 that failed afterwards
      // (a stream cut mid-way) is not a success.
      const ok = isSuccessClass(statusClassOf(row.status, row.errorCode));
      tally(totals, ok);
      if (row.groupId !== null && row.groupId !== undefined && row.groupSlug) {
        let g = groups.get(row.groupSlug);
        if (g === undefined) groups.set(row.groupSlug, (g = { requests: 0, success: 0 }));
        tally(g, ok);
      }
      const providerId = row.providerId;
      if (providerId !== null && providerId !== undefined) {
        const name =
          row.attempts?.find((a) => a.providerId === providerId)?.provider ?? names.get(providerId) ?? "";
        names.set(providerId, name);
        let p = providers.get(providerId);
        if (p === undefined) providers.set(providerId, (p = { requests: 0, success: 0, name }));
        tally(p, ok);
      }
    },
    attach(next) {
      detachHealth?.();
      sources = next;
      detachHealth =
        next.health?.onTransition((data) => publish({ id: nextId++, type: "health", data })) ?? null;
      return () => {
        if (sources !== next) return;
        detachHealth?.();
        detachHealth = null;
        sources = {};
      };
    },
    subscribe(listener, onEnd) {
      listeners.add(listener);
      if (onEnd !== undefined) enders.set(listener, onEnd);
      startTimer();
      return () => {
        listeners.delete(listener);
        enders.delete(listener);
        if (listeners.size === 0) stopTimer();
      };
    },
    since(lastId) {
      const newest = nextId - 1;
      if (!Number.isSafeInteger(lastId) || lastId < 0 || lastId > newest) return null;
      if (lastId === newest) return [];
      const oldest = ring[0]?.id ?? nextId;
      // Events lastId+1 .. oldest-1 were dropped from the ring: the client cannot be caught up.
      if (lastId + 1 < oldest) return null;
      return ring.slice(lastId + 1 - oldest);
    },
    snapshot: () => ({
      lastId: nextId - 1,
      at: now(),
      health: sources.health?.snapshot() ?? [],
      traffic: lastTraffic,
    }),
    listenerCount: () => listeners.size,
    close() {
      stopTimer();
      const ending = [...enders.values()];
      listeners.clear();
      enders.clear();
      for (const end of ending) end();
      detachHealth?.();
      detachHealth = null;
    },
  };
}
