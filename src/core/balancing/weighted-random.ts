import { readWeight, sumWeights } from "./candidate-utils";
import type { Candidate, PickContext, Strategy, StrategyFactory } from "./types";

/**
 * Stateless weighted random choice: candidate i is chosen with probability wᵢ / Σw using the injected
 * `context.random`. Candidates without a usable weight are never chosen unless none has one, in which
 * case the choice is uniform.
 */

/** Picks a candidate with probability proportional to its weight (uniform if no usable weight). */
export function pickWeightedRandom(
  candidates: readonly Candidate[],
  random: () => number,
): Candidate | undefined {
  if (candidates.length === 0) return undefined;
  const total = sumWeights(candidates);
  if (total === 0) {
    const index = Math.min(candidates.length - 1, Math.max(0, Math.floor(random() * candidates.length)));
    return candidates[index];
  }
  let remaining = random() * total;
  let lastWeighted: Candidate | undefined;
  for (const candidate of candidates) {
    const weight = readWeight(candidate);
    if (weight === 0) continue;
    lastWeighted = candidate;
    if (remaining < weight) return candidate;
    remaining -= weight;
  }
  // Floating-point rounding can leave `remaining` a hair above zero at the end.
  return lastWeighted;
}

/** Creates a weighted random strategy (it keeps no state). */
export const createWeightedRandom: StrategyFactory = (): Strategy => ({
  name: "weighted_random",
  pick(candidates: readonly Candidate[], context: PickContext): Candidate | undefined {
    return pickWeightedRandom(candidates, context.random);
  },
});
