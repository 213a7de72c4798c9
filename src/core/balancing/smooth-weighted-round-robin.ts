import { readWeight, sumWeights } from "./candidate-utils";
import type { Candidate, Strategy, StrategyFactory } from "./types";

/**
 * nginx's smooth weighted round-robin. Each pick adds every candidate's weight to its `current`, picks
 * the largest `current` (first in list order on ties, like nginx) and subtracts the total weight from
 * the winner. Starting from all-zero state with a fixed candidate set this guarantees:
 *  - the sequence repeats every Σweights picks, each candidate appearing exactly `weight` times, so
 *    every window of Σweights consecutive picks is an exact share;
 *  - no candidate ever runs ahead of its share: after k picks, count(i) ≤ ceil(k × wᵢ / Σw).
 *    (Proof: the winner's current is ≥ Σw/n > 0 before the subtraction, so current > −Σw always, and
 *    currentᵢ = k·wᵢ − Σw·countᵢ.)
 *
 * Changing candidate lists: state is keyed by id. A candidate absent from a pick (excluded after a
 * failure, briefly unavailable) keeps its `current` frozen, as nginx does for a peer that is down; a
 * pick over a subset preserves Σcurrent, so when the full set returns the rotation continues where it
 * left off instead of restarting. New ids start at 0. State of an id not seen for STALE_AFTER_PICKS
 * picks is dropped at the next sweep (so after at most twice that; it restarts at 0 if it comes back),
 * so deleted providers do not leak memory.
 */

/** Absence (in picks) after which a candidate's state is forgotten; swept every this many picks. */
export const STALE_AFTER_PICKS = 4096;

interface PeerState {
  current: number;
  lastSeen: number;
}

/** Creates a smooth weighted round-robin strategy with fresh state. */
export const createSmoothWeightedRoundRobin: StrategyFactory = (): Strategy => {
  const states = new Map<string, PeerState>();
  let picks = 0;

  const forgetStale = (): void => {
    for (const [id, state] of states) {
      if (picks - state.lastSeen >= STALE_AFTER_PICKS) states.delete(id);
    }
  };

  return {
    name: "weighted_round_robin",
    pick(candidates: readonly Candidate[]): Candidate | undefined {
      if (candidates.length === 0) return undefined;
      picks += 1;
      let total = sumWeights(candidates);
      // No usable weight at all: rotate evenly rather than refuse.
      const uniform = total === 0;
      if (uniform) total = candidates.length;

      let best: Candidate | undefined;
      let bestState: PeerState | undefined;
      for (const candidate of candidates) {
        let state = states.get(candidate.id);
        if (state === undefined) {
          state = { current: 0, lastSeen: picks };
          states.set(candidate.id, state);
        }
        state.lastSeen = picks;
        const weight = uniform ? 1 : readWeight(candidate);
        if (weight === 0) continue;
        state.current += weight;
        if (bestState === undefined || state.current > bestState.current) {
          best = candidate;
          bestState = state;
        }
      }
      if (bestState !== undefined) bestState.current -= total;
      if (picks % STALE_AFTER_PICKS === 0) forgetStale();
      return best;
    },
  };
};
