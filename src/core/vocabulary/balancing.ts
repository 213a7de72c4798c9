/**
 * Balancing and retry names. Strategy names are defined by the strategy table in
 * `core/balancing/registry.ts` (the one place a strategy is registered) and re-exported here.
 */
export {
  DEFAULT_STRATEGY,
  STRATEGY_NAMES,
  isStrategyName,
  strategyUsesWeights,
  type StrategyName,
} from "../balancing/registry";

/** Upstream statuses that make the gateway try another provider, for a group that names none. */
export const DEFAULT_RETRY_STATUSES: readonly number[] = [429, 500, 502, 503, 504, 529];
