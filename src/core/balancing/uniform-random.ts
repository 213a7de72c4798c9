import type { Candidate, PickContext, Strategy, StrategyFactory } from "./types";

/** Uniform random: every candidate equally likely, weights ignored. (Scratch: proves the recipe.) */
export const createUniformRandom: StrategyFactory = (): Strategy => ({
  name: "uniform_random",
  pick(candidates: readonly Candidate[], context: PickContext): Candidate | undefined {
    if (candidates.length === 0) return undefined;
    return candidates[Math.min(candidates.length - 1, Math.floor(context.random() * candidates.length))];
  },
});
