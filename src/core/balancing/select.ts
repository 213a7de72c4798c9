import { AppError } from "../errors/catalogue";
import { isStrategyName, STRATEGIES, type StrategyName } from "./registry";
import type { Candidate, Strategy, StrategyFactory } from "./types";

/**
 * Priority tiers on top of a strategy. Only the best (lowest priority number) tier holding an
 * available, non-excluded member with weight > 0 is offered to the strategy; a worse tier is used only
 * when every member of the better tiers is unavailable, excluded or a standby. Weight-0 members are
 * standbys: they are used — as weight 1 among themselves, still best priority first — only when no
 * member with weight > 0 is eligible anywhere. A weight that is not a positive finite number counts as
 * standby too, so a bad value never silently takes traffic.
 */

/** A group member as the selector sees it (built by the gateway from config + health state). */
export interface BalancerMember {
  readonly id: string;
  /** Lower number = preferred tier. */
  readonly priority: number;
  /** Effective weight (override + slow start); 0 = standby. */
  readonly weight: number;
  readonly inFlight: number;
  /** Latency estimate (ms) for strategies that balance on it; absent otherwise. */
  readonly latencyMs?: number;
  /** False while the health tracker has the provider out (circuit open, disabled...). */
  readonly available: boolean;
}

/** Identifies the pool a pick was made from; each one has its own strategy state. */
export interface TierRef {
  readonly priority: number;
  /** True for the weight-0 standby pool of that priority. */
  readonly standby: boolean;
}

export interface SelectOptions {
  /** Members that already failed this request. */
  readonly excluded?: ReadonlySet<string>;
  /** The strategy instance for a tier; must return the same instance for equal tiers (see createTierStrategies). */
  readonly strategyFor: (tier: TierRef) => Strategy;
  readonly random: () => number;
  readonly affinityKey?: string;
}

export interface Selection {
  readonly id: string;
  readonly tier: TierRef;
}

/** Returns true for a weight that earns regular traffic. */
function isActiveWeight(weight: number): boolean {
  return weight > 0 && Number.isFinite(weight);
}

/** Chooses one member by priority tier and strategy; undefined when no member is eligible. */
export function selectProvider(
  members: readonly BalancerMember[],
  options: SelectOptions,
): Selection | undefined {
  const excluded = options.excluded;
  let bestActive = Number.POSITIVE_INFINITY;
  let bestStandby = Number.POSITIVE_INFINITY;
  for (const member of members) {
    if (!member.available || excluded?.has(member.id)) continue;
    if (isActiveWeight(member.weight)) {
      if (member.priority < bestActive) bestActive = member.priority;
    } else if (member.priority < bestStandby) {
      bestStandby = member.priority;
    }
  }

  const standby = bestActive === Number.POSITIVE_INFINITY;
  const priority = standby ? bestStandby : bestActive;
  if (priority === Number.POSITIVE_INFINITY) return undefined;

  const candidates: Candidate[] = [];
  for (const member of members) {
    if (member.priority !== priority || !member.available || excluded?.has(member.id)) continue;
    if (isActiveWeight(member.weight) === standby) continue;
    candidates.push(standby ? { id: member.id, weight: 1, inFlight: member.inFlight } : member);
  }

  const tier: TierRef = { priority, standby };
  const context =
    options.affinityKey === undefined
      ? { random: options.random }
      : { random: options.random, affinityKey: options.affinityKey };
  const chosen = options.strategyFor(tier).pick(candidates, context);
  return chosen === undefined ? undefined : { id: chosen.id, tier };
}

/** Returns the factory of the named strategy; an unknown name (bad stored config) throws INTERNAL_ERROR. */
export function getStrategyFactory(name: StrategyName): StrategyFactory {
  if (!isStrategyName(name)) {
    throw new AppError("INTERNAL_ERROR", `Unknown balancing strategy "${String(name)}".`);
  }
  return STRATEGIES[name].create;
}

/** Creates a fresh instance (fresh state) of the named strategy. */
export function createStrategy(name: StrategyName): Strategy {
  return getStrategyFactory(name)();
}

/** Returns a `strategyFor` that lazily keeps one strategy instance (own state) per tier. */
export function createTierStrategies(strategy: StrategyName | StrategyFactory): (tier: TierRef) => Strategy {
  const factory = typeof strategy === "function" ? strategy : getStrategyFactory(strategy);
  const byTier = new Map<string, Strategy>();
  return (tier) => {
    const key = `${tier.standby ? "s" : "a"}:${tier.priority}`;
    let instance = byTier.get(key);
    if (instance === undefined) {
      instance = factory();
      byTier.set(key, instance);
    }
    return instance;
  };
}
