import { selectProvider, type BalancerMember } from "../../core/balancing/select";
import type { MemberPick } from "../context/attempt-state";
import type { RequestFacts } from "../context/request-facts";
import type { GatewayRuntime, MemberAvailability } from "../gateway-types";
import type { SnapshotGroup, SnapshotMember } from "../snapshot/snapshot-types";
import { MEMBER_FILTERS, passesMemberFilters } from "./member-filters";
import { readLatency } from "../upstream/latency";
import { acquireProviderCaps, hasProviderCaps, releaseProviderSlot, type HeldSlot } from "./provider-caps";

/**
 * Chooses the member for the next attempt: the member filters and health decide who is eligible and
 * at what weight, the group's strategy picks among them; a provider at its cap, or whose half-open
 * trial another request claimed first, is skipped without spending an attempt.
 */

/** The pick, null when no member is eligible, or the ms until a capped provider may have room. */
export type Choice = MemberPick | number | null;

/** Builds the selector's view of the group's members for this pick. */
function balancerMembers(
  rt: GatewayRuntime,
  facts: RequestFacts,
  view: readonly MemberAvailability[] | null,
): BalancerMember[] {
  const { members } = facts.group;
  const { inFlight } = rt;
  const filtered = MEMBER_FILTERS.length > 0;
  const now = facts.group.usesLatency ? performance.now() : 0;
  const out: BalancerMember[] = new Array(members.length);
  for (let i = 0; i < members.length; i++) {
    const m = members[i]!;
    const id = m.provider.id;
    const health = view === null ? undefined : view[i];
    const member: BalancerMember = {
      id,
      priority: m.priority,
      weight: health === undefined ? m.weight : m.weight * health.weightFactor,
      inFlight: inFlight.get(id) ?? 0,
      available: (health === undefined || health.available) && (!filtered || passesMemberFilters(m, facts)),
    };
    const latencyMs = facts.group.usesLatency ? readLatency(rt, id, now) : undefined;
    out[i] = latencyMs === undefined ? member : { ...member, latencyMs };
  }
  return out;
}

/**
 * What ip_hash hashes: the group's header when the request carries it (prefixed, so a header value
 * can never collide with an address), else the client address `TRUST_PROXY` decided.
 */
function hashKeyOf(facts: RequestFacts): string | undefined {
  const header = facts.group.hashHeader;
  if (header !== null) {
    const raw = facts.req.headers[header];
    const value = Array.isArray(raw) ? raw[0] : raw;
    if (value !== undefined && value !== "") return `h:${value}`;
  }
  return facts.clientIp ?? undefined;
}

/** Picks a member, never one in `skipped`, avoiding `excluded` while any other member is eligible. */
function pickMember(
  rt: GatewayRuntime,
  facts: RequestFacts,
  members: readonly BalancerMember[],
  excluded: ReadonlySet<string> | undefined,
  skipped: ReadonlySet<string> | undefined,
): SnapshotMember | null {
  const group = facts.group;
  let avoid = excluded;
  if (skipped !== undefined) avoid = excluded === undefined ? skipped : new Set([...excluded, ...skipped]);
  const options = {
    excluded: avoid,
    strategyFor: group.strategyFor,
    random: rt.random,
    affinityKey: hashKeyOf(facts),
  };
  let picked = selectProvider(members, options);
  if (picked === undefined && excluded !== undefined && excluded.size > 0) {
    picked = selectProvider(members, { ...options, excluded: skipped });
  }
  return picked === undefined ? null : (group.membersById.get(picked.id) ?? null);
}

/**
 * The session's sticky member for the first pick, when it may take the request: eligible (health,
 * member filters), not a standby, and in the best tier that has an eligible member. Null: let the
 * strategy place the request (the session then moves).
 */
function stickyMember(facts: RequestFacts, members: readonly BalancerMember[]): SnapshotMember | null {
  const stuckId = facts.affinity?.stuckProviderId;
  if (stuckId === null || stuckId === undefined) return null;
  let stuck: BalancerMember | undefined;
  let bestPriority = Number.POSITIVE_INFINITY;
  for (const m of members) {
    if (!m.available || !(m.weight > 0)) continue;
    if (m.priority < bestPriority) bestPriority = m.priority;
    if (m.id === stuckId) stuck = m;
  }
  if (stuck === undefined || stuck.priority > bestPriority) return null;
  return facts.group.membersById.get(stuckId) ?? null;
}

/** True when the view offers `member` only as its provider's half-open trial (to be claimed first). */
function isTrialPick(
  member: SnapshotMember,
  view: readonly MemberAvailability[] | null,
  group: SnapshotGroup,
): boolean {
  return view !== null && view[group.members.indexOf(member)]?.trial === true;
}

/** True when the member needs a store call (caps) or a trial claim before it can be used. */
function needsGate(member: SnapshotMember, view: readonly MemberAvailability[] | null, group: SnapshotGroup) {
  return hasProviderCaps(member.provider) || isTrialPick(member, view, group);
}

/**
 * Chooses the member for the next attempt, never one in `excluded` while another is eligible.
 * Synchronous (no promise, no store call) unless the pick has a cap or is a trial.
 */
export function chooseMember(
  rt: GatewayRuntime,
  facts: RequestFacts,
  excluded: ReadonlySet<string> | undefined,
): Choice | Promise<Choice> {
  const group = facts.group;
  const view = rt.health.viewGroup(group);
  const members = balancerMembers(rt, facts, view);
  const sticky = excluded === undefined ? stickyMember(facts, members) : null;
  const member = sticky ?? pickMember(rt, facts, members, excluded, undefined);
  if (member === null) return null;
  if (!needsGate(member, view, group)) return { member, slot: null };
  return chooseGated(rt, facts, excluded, view, members, member);
}

/** The slow path of chooseMember: caps and trial claims, skipping to another member when refused. */
async function chooseGated(
  rt: GatewayRuntime,
  facts: RequestFacts,
  excluded: ReadonlySet<string> | undefined,
  view: readonly MemberAvailability[] | null,
  members: readonly BalancerMember[],
  firstPick: SnapshotMember,
): Promise<Choice> {
  const { group, requestId } = facts;
  let skipped: Set<string> | undefined;
  let capRetryMs = Number.POSITIVE_INFINITY;
  for (let member: SnapshotMember | null = firstPick; member !== null;) {
    const provider = member.provider;
    let usable = true;
    let slot: HeldSlot | null = null;
    if (hasProviderCaps(provider)) {
      const grant = await acquireProviderCaps(rt, requestId, provider, group.totalTimeoutMs);
      if (typeof grant === "number") {
        capRetryMs = Math.min(capRetryMs, grant);
        usable = false;
      } else slot = grant;
    }
    if (usable && isTrialPick(member, view, group)) {
      if (!(await claimTrial(rt, requestId, provider.id))) {
        releaseProviderSlot(rt, requestId, slot);
        usable = false;
      }
    }
    if (usable) return { member, slot };
    (skipped ??= new Set()).add(provider.id);
    member = pickMember(rt, facts, members, excluded, skipped);
  }
  return capRetryMs === Number.POSITIVE_INFINITY ? null : capRetryMs;
}

async function claimTrial(rt: GatewayRuntime, requestId: string, providerId: string): Promise<boolean> {
  try {
    const claimed = rt.health.claimTrial(providerId);
    return typeof claimed === "boolean" ? claimed : await claimed;
  } catch (err) {
    rt.logger.error({ requestId, providerId, err: (err as Error).message }, "health trial claim failed");
    return false;
  }
}
