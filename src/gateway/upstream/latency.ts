import { createPeakEwma, observePeakEwma, readPeakEwma } from "../../core/balancing/peak-ewma";
import type { PeakEwma } from "../../core/balancing/peak-ewma";
import type { GatewayRuntime } from "../gateway-types";

/** One provider's latency as this instance sees it. */
export interface LatencyState {
  /** Peak EWMA of answered attempts; null before the first. */
  ewma: PeakEwma | null;
  /** Start times (performance.now()) of attempts sent and not answered yet, oldest first. */
  pendingStarts: number[];
}

/**
 * This instance's latency estimate per provider (peak EWMA of the time from attempt start to the
 * response head, or to the failure), read by latency-aware strategies (p2c_ewma). Per instance on
 * purpose: it measures the path from here, and costs no store round trip.
 */

/** The provider's latency state (created empty on first use). */
function pendingOf(rt: GatewayRuntime, providerId: string): LatencyState {
  let state = rt.latency.get(providerId);
  if (state === undefined) {
    state = { ewma: null, pendingStarts: [] };
    rt.latency.set(providerId, state);
  }
  return state;
}

/** An attempt to `providerId` started at `startedAt` (performance.now()). */
export function startPending(rt: GatewayRuntime, providerId: string, startedAt: number): void {
  pendingOf(rt, providerId).pendingStarts.push(startedAt);
}

/**
 * The attempt started at `startedAt` got its answer head (or failed) after `latencyMs`: folds the
 * latency into the provider's estimate. Called exactly once per attempt.
 */
export function observeLatency(
  rt: GatewayRuntime,
  providerId: string,
  startedAt: number,
  latencyMs: number,
): void {
  const state = pendingOf(rt, providerId);
  const at = state.pendingStarts.indexOf(startedAt);
  if (at !== -1) state.pendingStarts.splice(at, 1);
  if (!Number.isFinite(latencyMs) || latencyMs < 0) return;
  const now = performance.now();
  if (state.ewma === null) state.ewma = createPeakEwma(latencyMs, now);
  else observePeakEwma(state.ewma, latencyMs, now);
}

/**
 * The provider's current estimate in ms: its peak EWMA, raised to the age of its oldest unanswered
 * attempt (a provider holding a request longer than its estimate is at least that slow now, before
 * the request returns to be measured); undefined before its first attempt.
 */
export function readLatency(rt: GatewayRuntime, providerId: string, now: number): number | undefined {
  const state = rt.latency.get(providerId);
  if (state === undefined) return undefined;
  const ewma = state.ewma === null ? undefined : readPeakEwma(state.ewma, now);
  const oldest = state.pendingStarts[0];
  if (oldest === undefined) return ewma;
  const age = now - oldest;
  return ewma === undefined ? (age > 0 ? age : undefined) : Math.max(ewma, age);
}
