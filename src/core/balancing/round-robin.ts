import { findNextInRotation } from "./candidate-utils";
import type { Candidate, Strategy, StrategyFactory } from "./types";

/**
 * Plain rotation that ignores weights. The rotation order is the candidates' ids (not their list
 * positions), so a candidate missing from one pick — e.g. excluded because it already failed this
 * request — does not shift everyone else's turn: the next pick goes to the id after the last one.
 */

/** Creates a round-robin strategy with fresh state. */
export const createRoundRobin: StrategyFactory = (): Strategy => {
  let lastId: string | undefined;
  return {
    name: "round_robin",
    pick(candidates: readonly Candidate[]): Candidate | undefined {
      const chosen = findNextInRotation(candidates, lastId);
      if (chosen !== undefined) lastId = chosen.id;
      return chosen;
    },
  };
};
