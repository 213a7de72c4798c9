import { findNextInRotation, readWeight } from "./candidate-utils";
import type { Candidate, Strategy, StrategyFactory } from "./types";

/**
 * Least connections: the candidate with the fewest requests in flight wins; ties go to the higher
 * weight; exact ties (same in-flight count and weight) rotate by id, so several idle providers share
 * sequential traffic instead of the first one taking it all.
 */

/** Reads the in-flight count; NaN ranks last instead of making every comparison false. */
function readInFlight(candidate: Candidate): number {
  const inFlight = candidate.inFlight;
  if (Number.isNaN(inFlight)) return Number.POSITIVE_INFINITY;
  return inFlight;
}

/** Creates a least-connections strategy with fresh state. */
export const createLeastConnections: StrategyFactory = (): Strategy => {
  let lastId: string | undefined;
  return {
    name: "least_connections",
    pick(candidates: readonly Candidate[]): Candidate | undefined {
      const first = candidates[0];
      if (first === undefined) return undefined;
      let bestInFlight = readInFlight(first);
      let bestWeight = readWeight(first);
      let tied: Candidate[] = [first];
      for (let i = 1; i < candidates.length; i++) {
        const candidate = candidates[i]!;
        const inFlight = readInFlight(candidate);
        const weight = readWeight(candidate);
        if (inFlight < bestInFlight || (inFlight === bestInFlight && weight > bestWeight)) {
          bestInFlight = inFlight;
          bestWeight = weight;
          tied = [candidate];
        } else if (inFlight === bestInFlight && weight === bestWeight) {
          tied.push(candidate);
        }
      }
      const chosen = tied.length === 1 ? tied[0] : findNextInRotation(tied, lastId);
      if (chosen !== undefined) lastId = chosen.id;
      return chosen;
    },
  };
};
