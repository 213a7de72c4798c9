/**
 * Peak-EWMA latency, as Finagle and Linkerd balance on it: an observation above the current value
 * replaces it at once (a latency spike counts immediately), one below pulls it down with an
 * exponential weight over the time since the last observation; reading it decays it toward zero with
 * the same time constant, so a provider that stopped getting traffic because it was slow is offered
 * a request again after a while and measured afresh. Pure data: the clock is passed in.
 */

/** One provider's peak-EWMA state (mutable, owned by the tracker that keeps it). */
export interface PeakEwma {
  /** Latency estimate in ms at `stamp`. */
  value: number;
  /** Clock (ms) of the last observation. */
  stamp: number;
}

/** Time constant of the decay: the weight of the past halves about every 0.7 × this. */
export const PEAK_EWMA_DECAY_MS = 10_000;

/** A fresh estimate starting at the first observation. */
export function createPeakEwma(latencyMs: number, now: number): PeakEwma {
  return { value: Math.max(0, latencyMs), stamp: now };
}

/** Folds one observed latency into `state` (in place). */
export function observePeakEwma(
  state: PeakEwma,
  latencyMs: number,
  now: number,
  decayMs = PEAK_EWMA_DECAY_MS,
): void {
  const rtt = Number.isFinite(latencyMs) ? Math.max(0, latencyMs) : state.value;
  const elapsed = Math.max(0, now - state.stamp);
  state.stamp = Math.max(state.stamp, now);
  if (rtt > state.value) {
    state.value = rtt;
    return;
  }
  const w = Math.exp(-elapsed / decayMs);
  state.value = state.value * w + rtt * (1 - w);
}

/** The estimate at `now`: the stored value decayed toward zero for the time since its observation. */
export function readPeakEwma(state: PeakEwma, now: number, decayMs = PEAK_EWMA_DECAY_MS): number {
  const elapsed = now - state.stamp;
  return elapsed <= 0 ? state.value : state.value * Math.exp(-elapsed / decayMs);
}
