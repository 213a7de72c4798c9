import { AppError } from "@/core/errors/catalogue";
import { STRATEGIES, type StrategyName } from "@/db/schema/groups";
import { createIpHash } from "./ip-hash";
import { createLeastConnections } from "./least-connections";
import { createRoundRobin } from "./round-robin";
import { createSmoothWeightedRoundRobin } from "./smooth-weighted-round-robin";
import type { Strategy, StrategyFactory } from "./types";
import { createWeightedRandom } from "./weighted-random";

/** Every strategy name a group can use, mapped to the factory that makes a fresh instance of it. */
export const STRATEGY_FACTORIES: Readonly<Record<StrategyName, StrategyFactory>> = {
  weighted_round_robin: createSmoothWeightedRoundRobin,
  round_robin: createRoundRobin,
  weighted_random: createWeightedRandom,
  least_connections: createLeastConnections,
  ip_hash: createIpHash,
};

/** Returns true when `value` is a known strategy name. */
export function isStrategyName(value: string): value is StrategyName {
  return (STRATEGIES as readonly string[]).includes(value);
}

/** Returns the factory of the named strategy; an unknown name (bad stored config) throws INTERNAL_ERROR. */
export function getStrategyFactory(name: StrategyName): StrategyFactory {
  if (!isStrategyName(name)) {
    throw new AppError("INTERNAL_ERROR", `Unknown balancing strategy "${String(name)}".`);
  }
  return STRATEGY_FACTORIES[name];
}

/** Creates a fresh instance (fresh state) of the named strategy. */
export function createStrategy(name: StrategyName): Strategy {
  return getStrategyFactory(name)();
}
