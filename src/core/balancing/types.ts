/**
 * The balancing contract. A strategy chooses one candidate among those the selector already found
 * eligible (right priority tier, enabled, available, not yet failed for this request). Strategies never
 * filter by health themselves; they only distribute.
 */

export interface Candidate {
  /** Stable provider id (state such as round-robin positions is keyed by it). */
  readonly id: string;
  /** Effective weight (> 0) after membership override and slow-start ramp. */
  readonly weight: number;
  /** Requests currently in flight to this provider (least_connections). */
  readonly inFlight: number;
  /** This instance's peak-EWMA latency estimate in ms (p2c_ewma); absent when not measured or not needed. */
  readonly latencyMs?: number;
}

export interface PickContext {
  /** Client address or other affinity key (ip_hash). */
  readonly affinityKey?: string;
  /** Uniform random number in [0, 1). Injected so tests are deterministic. */
  readonly random: () => number;
}

/** A balancing strategy instance; may keep state between picks (one instance per group). */
export interface Strategy {
  readonly name: string;
  /** Picks one of `candidates` (non-empty); returns undefined only for an empty list. */
  pick(candidates: readonly Candidate[], context: PickContext): Candidate | undefined;
}

/** Creates a fresh strategy instance (fresh state). */
export type StrategyFactory = () => Strategy;
