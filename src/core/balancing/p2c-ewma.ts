import { readWeight, sumWeights } from "./candidate-utils";
import type { Candidate, PickContext, Strategy, StrategyFactory } from "./types";

/**
 * Power of two random choices over peak-EWMA latency (Finagle's and Linkerd's "p2c + peak EWMA"):
 * draw two distinct candidates at random in proportion to their weights (so weights and the slow-start
 * ramp, which lowers the effective weight, still hold), and send the request to the one with the lower
 * cost = latency × (in-flight + 1). The first drawn wins ties, so with equal costs the shares are
 * exactly the weights. A slow provider loses every pairing it is in until its estimate decays (see
 * peak-ewma.ts), which is what moves traffic off it within seconds; drawing only two keeps the choice
 * O(n), random enough that many instances do not herd onto the same "best" provider.
 *
 * Latency is per instance (`Candidate.latencyMs`, filled by the gateway from its own observations);
 * a candidate without one yet is costed at the lowest latency known among the candidates, so a new
 * provider gets traffic but its in-flight count still counts.
 */

/** Latency used when no candidate has an estimate yet (only in-flight counts then). */
const NO_LATENCY_MS = 1;

/** Draws one candidate in proportion to weight, skipping `skip` (uniform when no usable weight). */
function drawWeighted(
  candidates: readonly Candidate[],
  total: number,
  random: () => number,
  skip: Candidate | undefined,
): Candidate | undefined {
  const uniform = total <= 0;
  const count = skip === undefined ? candidates.length : candidates.length - 1;
  let remaining = random() * (uniform ? count : total);
  let last: Candidate | undefined;
  for (const candidate of candidates) {
    if (candidate === skip) continue;
    const weight = uniform ? 1 : readWeight(candidate);
    if (weight === 0) continue;
    last = candidate;
    if (remaining < weight) return candidate;
    remaining -= weight;
  }
  return last;
}

/** The lowest positive latency estimate among `candidates`, or NO_LATENCY_MS when none has one. */
function lowestLatency(candidates: readonly Candidate[]): number {
  let lowest = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const latency = candidate.latencyMs;
    if (latency !== undefined && latency > 0 && latency < lowest) lowest = latency;
  }
  return lowest === Number.POSITIVE_INFINITY ? NO_LATENCY_MS : lowest;
}

/** The load cost of a candidate: latency × (in-flight + 1). */
export function p2cCost(candidate: Candidate, fallbackLatencyMs: number): number {
  const latency = candidate.latencyMs;
  const ms = latency !== undefined && latency > 0 && Number.isFinite(latency) ? latency : fallbackLatencyMs;
  const inFlight = Number.isFinite(candidate.inFlight) ? Math.max(0, candidate.inFlight) : 0;
  return ms * (inFlight + 1);
}

/** Creates a p2c_ewma strategy (stateless: the latency estimates come with the candidates). */
export const createP2cEwma: StrategyFactory = (): Strategy => ({
  name: "p2c_ewma",
  pick(candidates: readonly Candidate[], context: PickContext): Candidate | undefined {
    if (candidates.length <= 1) return candidates[0];
    const total = sumWeights(candidates);
    const first = drawWeighted(candidates, total, context.random, undefined);
    if (first === undefined) return candidates[0];
    const secondTotal = total - readWeight(first);
    // Only one candidate with a usable weight: the others are not offered (as in weighted random).
    if (total > 0 && secondTotal <= 0) return first;
    const second = drawWeighted(candidates, secondTotal, context.random, first);
    if (second === undefined) return first;
    const fallback = lowestLatency(candidates);
    return p2cCost(second, fallback) < p2cCost(first, fallback) ? second : first;
  },
});
