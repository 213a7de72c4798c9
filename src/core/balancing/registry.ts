import { createIpHash } from "./ip-hash";
import { createLeastConnections } from "./least-connections";
import { createP2cEwma } from "./p2c-ewma";
import { createRoundRobin } from "./round-robin";
import { createSmoothWeightedRoundRobin } from "./smooth-weighted-round-robin";
import type { StrategyFactory } from "./types";
import { createWeightedRandom } from "./weighted-random";

/** What the rest of the system knows about a balancing strategy besides its name. */
export interface StrategyDefinition {
  /** Makes a fresh instance (fresh state). */
  readonly create: StrategyFactory;
  /**
   * True when the strategy spreads traffic by weight; false when it ignores weights (or reads them
   * only to break ties), so the active members share traffic evenly. The console's share preview
   * follows it.
   */
  readonly usesWeights: boolean;
  /** True when the strategy reads `Candidate.latencyMs`, so the gateway fills it in (else it does not bother). */
  readonly usesLatency?: boolean;
}

/**
 * Every balancing strategy a group can use, by the name stored in `groups.strategy`. A strategy name
 * is defined here and nowhere else: the database column, the admin API contract and the console
 * derive their lists from this table (through `@/core/vocabulary/balancing`). The order is the
 * console's order. See README.md in this folder for adding one.
 */
export const STRATEGIES = {
  weighted_round_robin: { create: createSmoothWeightedRoundRobin, usesWeights: true },
  round_robin: { create: createRoundRobin, usesWeights: false },
  weighted_random: { create: createWeightedRandom, usesWeights: true },
  least_connections: { create: createLeastConnections, usesWeights: false },
  ip_hash: { create: createIpHash, usesWeights: true },
  p2c_ewma: { create: createP2cEwma, usesWeights: true, usesLatency: true },
} as const satisfies Record<string, StrategyDefinition>;

export type StrategyName = keyof typeof STRATEGIES;

/** Every strategy name, in table order. */
export const STRATEGY_NAMES = Object.keys(STRATEGIES) as [StrategyName, ...StrategyName[]];

/** The strategy of a group created without one. */
export const DEFAULT_STRATEGY = "weighted_round_robin" satisfies StrategyName;

/** Returns true when `value` is a known strategy name. */
export function isStrategyName(value: string): value is StrategyName {
  return Object.hasOwn(STRATEGIES, value);
}

/** True when `strategy` spreads traffic by weight (otherwise every active member gets an equal share). */
export function strategyUsesWeights(strategy: StrategyName): boolean {
  return STRATEGIES[strategy].usesWeights;
}

/** True when `strategy` balances on latency estimates (the gateway then measures and passes them). */
export function strategyUsesLatency(strategy: StrategyName): boolean {
  const definition: StrategyDefinition = STRATEGIES[strategy];
  return definition.usesLatency === true;
}
