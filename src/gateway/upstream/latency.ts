import { createPeakEwma, observePeakEwma, readPeakEwma } from "../../core/balancing/peak-ewma";
import type { PeakEwma } from "../../core/balancing/peak-ewma";
import type { GatewayRuntime } from "../gateway-types";

/** One provider's latency as this instance sees it. */
export interface LatencyState {
  /** Peak EWMA of answered attempts; null before the first. */
  ewma: PeakEwma | null;
  /** Attempts sent and not answered yet. */
  pending: number;
  /** Sum of their start times (performance.now()), for their mean age. */
  pendingStartSum: number;
}

/**
 * This instance's latency estimate per provider (peak EWMA of the time from attempt start to the
 * response head, or to the failure), read by latency-aware strategies (p2c_ewma). Per instance on
 * purpose: it measures the path from here, and costs no store round trip.
 */

/** Attempts sent to `providerId` and not answered yet: count and sum of their start times. */
function pendingOf(rt: GatewayRuntime, providerId: string): LatencyState {
  let state = rt.latency.get(providerId);
  if (state === undefined) {
    state = { ewma: null, pending: 0, pendingStartSum: 0 };
    rt.latency.set(providerId, state);
  }
  return state;
}

/** An attempt to `providerId` started at `startedAt` (performance.now()). */
export function startPending(rt: GatewayRuntime, providerId: string, startedAt: number): void {
  const state = pendingOf(rt, providerId);
  state.pending++;
  state.pendingStartSum += startedAt;
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
  if (state.pending > 0) {
    state.pending--;
    state.pendingStartSum = state.pending === 0 ? 0 : state.pendingStartSum - startedAt;
  }
  if (!Number.isFinite(latencyMs) || latencyMs < 0) return;
  const now = performance.now();
  if (state.ewma === null) state.ewma = createPeakEwma(latencyMs, now);
  else observePeakEwma(state.ewma, latencyMs, now);
}

/**
 * The provider's current estimate in ms: its peak EWMA, raised to the mean age of its unanswered
 * attempts (a provider holding requests longer than its estimate is at least that slow now, before
 * any of them returns to be measured); undefined before its first attempt.
 */
export function readLatency(rt: GatewayRuntime, providerId: string, now: number): number | undefined {
  const state = rt.latency.get(providerId);
  if (state === undefined) return undefined;
  const ewma = state.ewma === null ? undefined : readPeakEwma(state.ewma, now);
  if (state.pending === 0) return ewma;
  const meanAge = now - state.pendingStartSum / state.pending;
  return ewma === undefined ? (meanAge > 0 ? meanAge : undefined) : Math.max(ewma, meanAge);
}
