import { createPeakEwma, observePeakEwma, readPeakEwma } from "../../core/balancing/peak-ewma";
import type { GatewayRuntime } from "../gateway-types";

/**
 * This instance's latency estimate per provider (peak EWMA of the time from attempt start to the
 * response head, or to the failure), read by latency-aware strategies (p2c_ewma). Per instance on
 * purpose: it measures the path from here, and costs no store round trip.
 */

/** Folds one attempt's latency into its provider's estimate. */
export function observeLatency(rt: GatewayRuntime, providerId: string, latencyMs: number): void {
  if (!Number.isFinite(latencyMs) || latencyMs < 0) return;
  const now = performance.now();
  const state = rt.latency.get(providerId);
  if (state === undefined) rt.latency.set(providerId, createPeakEwma(latencyMs, now));
  else observePeakEwma(state, latencyMs, now);
}

/** The provider's current estimate in ms; undefined before its first attempt. */
export function readLatency(rt: GatewayRuntime, providerId: string, now: number): number | undefined {
  const state = rt.latency.get(providerId);
  return state === undefined ? undefined : readPeakEwma(state, now);
}
