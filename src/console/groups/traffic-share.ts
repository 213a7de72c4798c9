import type { Member, Group } from "@/contracts/groups";
import { strategyUsesWeights } from "@/core/vocabulary/balancing";

/** How a member takes part in routing right now. */
export type MemberRole =
  /** In the tier that receives traffic, with `share` of it. */
  | "active"
  /** Weight 0: used only when no member with weight > 0 is available. */
  | "standby"
  /** Weight > 0 but in a worse priority tier: used when the better tiers are unavailable. */
  | "failover"
  /** The membership or the provider is switched off. */
  | "off";

export interface MemberShare {
  providerId: string;
  role: MemberRole;
  /** Fraction (0-1) of the group's traffic while every member is healthy; 0 unless active. */
  share: number;
}

/**
 * The share of traffic each member would get with every provider healthy, following the gateway's
 * rules: only the best priority tier holding an enabled member with weight > 0 is used, split by
 * effective weight (or evenly for weightless strategies); weight-0 members are standbys, used evenly
 * among the best standby tier only when no member has weight > 0.
 */
export function computeTrafficShares(
  members: readonly Pick<
    Member,
    "providerId" | "priority" | "effectiveWeight" | "enabled" | "providerEnabled"
  >[],
  strategy: Group["strategy"],
): MemberShare[] {
  const on = members.filter((m) => m.enabled && m.providerEnabled);
  const weighted = on.filter((m) => m.effectiveWeight > 0);
  const pool = weighted.length > 0 ? weighted : on;
  const bestTier = pool.reduce((best, m) => Math.min(best, m.priority), Number.POSITIVE_INFINITY);
  const chosen = pool.filter((m) => m.priority === bestTier);
  const useWeights = weighted.length > 0 && strategyUsesWeights(strategy);
  const total = chosen.reduce((sum, m) => sum + (useWeights ? m.effectiveWeight : 1), 0);
  const chosenIds = new Set(chosen.map((m) => m.providerId));

  return members.map((m) => {
    if (!m.enabled || !m.providerEnabled) return { providerId: m.providerId, role: "off", share: 0 };
    if (chosenIds.has(m.providerId)) {
      const weight = useWeights ? m.effectiveWeight : 1;
      return { providerId: m.providerId, role: "active", share: total > 0 ? weight / total : 0 };
    }
    return { providerId: m.providerId, role: m.effectiveWeight > 0 ? "failover" : "standby", share: 0 };
  });
}

/** Sorts members as the API lists them: priority tier (preferred first), then provider name. */
export function sortMembers<T extends Pick<Member, "priority" | "providerName">>(members: readonly T[]): T[] {
  return [...members].sort((a, b) => a.priority - b.priority || a.providerName.localeCompare(b.providerName));
}

/**
 * Priorities after dragging `movedId` to a new place in `order` (every member, top first). The list
 * order becomes the failover order: the moved member gets a tier of its own at its new place, while
 * neighbours that shared a tier before and were not moved keep sharing it. Tiers are numbered 0, 10,
 * 20… so a member can later be put between two tiers by hand.
 */
export function prioritiesForOrder(
  order: readonly Pick<Member, "providerId" | "priority">[],
  movedId: string,
): { providerId: string; priority: number }[] {
  let tier = 0;
  return order.map((member, index) => {
    const previous = order[index - 1];
    if (previous) {
      const sameTier =
        member.providerId !== movedId &&
        previous.providerId !== movedId &&
        previous.priority === member.priority;
      if (!sameTier) tier += 1;
    }
    return { providerId: member.providerId, priority: tier * 10 };
  });
}
