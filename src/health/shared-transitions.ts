/**
 * With health shared through Redis, every instance's registry sees each provider state change — the
 * one that made it, every other one when it adopts the shared state, and each of them again for
 * changes that come with time (failures leaving the window) — so storing every registry transition
 * would store each change once per instance. Instead the last stored state of each provider lives in
 * the store beside its shared health (`health-reported:{id}`), and an instance stores a transition
 * only when it moves that value with compare-and-set: each change is stored once, by whichever
 * instance got there first, and the stored `from` always continues the stored history.
 *
 * Per provider, only the newest transition of this instance is claimed: one that was superseded while
 * a claim was in flight (e.g. `unhealthy` followed at once by `ejected`) is dropped rather than stored
 * out of order after another instance already stored the newer state.
 */
import type { HealthTransition } from "../core/health/health-registry";
import { HEALTH_STATES, type HealthStateName } from "../core/vocabulary/health";
import type { StateStore } from "../store/types";
import { buildReportedStateKey } from "./shared-health-sync";

const STATE_NAMES: ReadonlySet<string> = new Set(HEALTH_STATES);
/** Compare-and-set rounds before a contended claim is left to the instances racing for it. */
const MAX_CLAIM_ROUNDS = 5;

export type TransitionSink = (event: HealthTransition) => void;

/**
 * Returns a registry listener that hands each provider state change to `emit` once across every
 * instance sharing `store`. While the store is unreachable, every transition is emitted as seen here
 * (each instance then judges on its own, so its transitions are its own).
 */
export function createSharedTransitionFilter(store: StateStore, emit: TransitionSink): TransitionSink {
  const latest = new Map<string, HealthTransition>();
  const draining = new Set<string>();

  /** The event to store (its `from` continuing the stored history), or null when it is not ours to store. */
  const claim = async (event: HealthTransition): Promise<HealthTransition | null> => {
    const key = buildReportedStateKey(event.providerId);
    try {
      for (let round = 0; round < MAX_CLAIM_ROUNDS; round++) {
        const raw = await store.get(key);
        const stored = raw !== null && STATE_NAMES.has(raw) ? (raw as HealthStateName) : "healthy";
        if (stored === event.to || latest.has(event.providerId)) return null;
        if (await store.compareAndSet(key, raw, event.to)) return { ...event, from: stored };
      }
      return null;
    } catch {
      return event;
    }
  };

  const drain = async (providerId: string): Promise<void> => {
    try {
      for (let event = latest.get(providerId); event !== undefined; event = latest.get(providerId)) {
        latest.delete(providerId);
        const stored = await claim(event);
        if (stored !== null) emit(stored);
      }
    } finally {
      draining.delete(providerId);
    }
  };

  return (event) => {
    latest.set(event.providerId, event);
    if (draining.has(event.providerId)) return;
    draining.add(event.providerId);
    void drain(event.providerId);
  };
}
