import { selectProvider, type BalancerMember } from "../../core/balancing/select";
import { AppError, type ErrorCode } from "../../core/errors/catalogue";
import { chooseRetryDelayMs } from "../../core/retry/backoff";
import { describeAttempts, sendGatewayError, type AttemptSummary } from "../gateway-errors";
import type { GatewayRuntime, MemberAvailability, ProxyContext } from "../gateway-types";
import type { SnapshotGroup, SnapshotMember } from "../snapshot/snapshot-types";
import { discardFailedAttempt, forwardAttempt, type FailedAttempt } from "./forward-attempt";
import { acquireProviderCaps, hasProviderCaps, releaseProviderCaps } from "./provider-caps";
import { streamResponse } from "./stream-response";

/**
 * The attempt loop: pick a provider, forward, and on a failure before the first byte pick another
 * (never one that already failed this request while others remain) after a full-jitter backoff,
 * within max attempts, the retry budget and the request's deadline. Providers the health layer has
 * out of service are not eligible; a provider at its rate or concurrency cap is skipped without
 * spending an attempt; when every eligible provider is at its cap the answer is 429
 * PROVIDERS_AT_CAPACITY with a Retry-After.
 *
 * When every attempt failed: if the last one got a retryable upstream STATUS (e.g. 503 with a body),
 * that response is passed through as is — the client sees the upstream's own error, Retry-After and
 * all, like most proxies do. Transport and stream failures get the unified gateway error body listing
 * every attempt (504 for timeouts, 503 for overload, else 502).
 */

/** Builds the selector's view of the group's members for this pick. */
function balancerMembers(
  ctx: ProxyContext,
  rt: GatewayRuntime,
  view: readonly MemberAvailability[] | null,
): BalancerMember[] {
  const { members } = ctx.group!;
  const { inFlight } = rt;
  const out: BalancerMember[] = new Array(members.length);
  for (let i = 0; i < members.length; i++) {
    const m = members[i]!;
    const id = m.provider.id;
    const health = view === null ? undefined : view[i];
    out[i] = {
      id,
      priority: m.priority,
      weight: health === undefined ? m.weight : m.weight * health.weightFactor,
      inFlight: inFlight.get(id) ?? 0,
      available: health === undefined || health.available,
    };
  }
  return out;
}

/** Picks a member, never one in `skipped`, avoiding `excluded` while any other member is eligible. */
function pickMember(
  ctx: ProxyContext,
  rt: GatewayRuntime,
  members: readonly BalancerMember[],
  excluded: ReadonlySet<string> | undefined,
  skipped: ReadonlySet<string> | undefined,
): SnapshotMember | null {
  const group = ctx.group!;
  let avoid = excluded;
  if (skipped !== undefined) avoid = excluded === undefined ? skipped : new Set([...excluded, ...skipped]);
  const options = {
    excluded: avoid,
    strategyFor: group.strategyFor,
    random: rt.random,
    affinityKey: ctx.clientIp ?? undefined,
  };
  let picked = selectProvider(members, options);
  if (picked === undefined && excluded !== undefined && excluded.size > 0) {
    picked = selectProvider(members, { ...options, excluded: skipped });
  }
  return picked === undefined ? null : (group.membersById.get(picked.id) ?? null);
}

type Choice = SnapshotMember | number | null;

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
 * Chooses the member for the next attempt: health decides who is eligible and at what weight; a
 * provider at its cap, or whose half-open trial another request claimed first, is skipped without
 * spending an attempt. Returns null when no member is eligible, or the ms until a capped provider may
 * have room when every eligible one is at its cap. Synchronous (no promise, no store call) unless
 * the pick has a cap or is a trial.
 */
function chooseMember(
  ctx: ProxyContext,
  rt: GatewayRuntime,
  excluded: ReadonlySet<string> | undefined,
): Choice | Promise<Choice> {
  const group = ctx.group!;
  const view = rt.health.viewGroup(group);
  const members = balancerMembers(ctx, rt, view);
  const member = pickMember(ctx, rt, members, excluded, undefined);
  if (member === null || !needsGate(member, view, group)) return member;
  return chooseGated(ctx, rt, excluded, view, members, member);
}

/** The slow path of chooseMember: caps and trial claims, skipping to another member when refused. */
async function chooseGated(
  ctx: ProxyContext,
  rt: GatewayRuntime,
  excluded: ReadonlySet<string> | undefined,
  view: readonly MemberAvailability[] | null,
  members: readonly BalancerMember[],
  firstPick: SnapshotMember,
): Promise<Choice> {
  const group = ctx.group!;
  let skipped: Set<string> | undefined;
  let capRetryMs = Number.POSITIVE_INFINITY;
  for (let member: SnapshotMember | null = firstPick; member !== null;) {
    const provider = member.provider;
    let usable = true;
    if (hasProviderCaps(provider)) {
      const waitMs = await acquireProviderCaps(ctx, rt, provider);
      if (waitMs > 0) {
        capRetryMs = Math.min(capRetryMs, waitMs);
        usable = false;
      }
    }
    if (usable && isTrialPick(member, view, group)) {
      if (!(await claimTrial(ctx, rt, provider.id))) {
        releaseProviderCaps(ctx, rt);
        usable = false;
      }
    }
    if (usable) return member;
    (skipped ??= new Set()).add(provider.id);
    member = pickMember(ctx, rt, members, excluded, skipped);
  }
  return capRetryMs === Number.POSITIVE_INFINITY ? null : capRetryMs;
}

async function claimTrial(ctx: ProxyContext, rt: GatewayRuntime, providerId: string): Promise<boolean> {
  try {
    const claimed = rt.health.claimTrial(providerId);
    return typeof claimed === "boolean" ? claimed : await claimed;
  } catch (err) {
    rt.logger.error(
      { requestId: ctx.requestId, providerId, err: (err as Error).message },
      "health trial claim failed",
    );
    return false;
  }
}

function onWake(ctx: ProxyContext): void {
  ctx.wake?.();
}

/** Sleeps `ms`, returning early when the client leaves or the deadline passes (both call ctx.wake). */
function sleep(ctx: ProxyContext, ms: number): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(onWake, ms, ctx);
    ctx.wake = () => {
      clearTimeout(timer);
      ctx.wake = null;
      resolve();
    };
  });
}

/** Runs attempts until one is committed to the client or the request gives up. */
export async function runAttempts(ctx: ProxyContext, rt: GatewayRuntime): Promise<void> {
  const group = ctx.group!;
  rt.retryBudget?.recordRequest();
  const choice = chooseMember(ctx, rt, undefined);
  const first = choice instanceof Promise ? await choice : choice;
  if (first === null) throw new AppError("NO_PROVIDER_AVAILABLE");
  if (typeof first === "number") {
    ctx.errorHeaders = { ...ctx.errorHeaders, "retry-after": String(Math.max(1, Math.ceil(first / 1000))) };
    throw new AppError("PROVIDERS_AT_CAPACITY");
  }
  let member = first;
  let excluded: Set<string> | undefined;
  for (let n = 0; ; n++) {
    const result = await forwardRetryAware(ctx, rt, member, n > 0);
    if (result.kind === "commit") {
      await streamResponse(ctx, rt, result, null);
      return;
    }
    // The failed attempt no longer occupies its provider's concurrency cap.
    releaseProviderCaps(ctx, rt);
    if (!result.retry || ctx.clientClosed) return finishFailed(ctx, rt, result, false);
    (excluded ??= new Set()).add(member.provider.id);
    const remaining = ctx.deadline - performance.now();
    if (n + 1 >= group.maxAttempts || remaining <= 1) return finishFailed(ctx, rt, result, false);
    if (rt.retryBudget !== null && !rt.retryBudget.tryAcquireRetry()) {
      return finishFailed(ctx, rt, result, true);
    }
    const delay = chooseRetryDelayMs({
      retryIndex: n,
      backoff: { baseMs: rt.options.backoffBaseMs, capMs: rt.options.backoffCapMs },
      random: rt.random,
      retryAfterMs: result.retryAfterMs,
      remainingMs: remaining,
    });
    discardFailedAttempt(rt, result);
    await sleep(ctx, delay.delayMs);
    const gone = ctx.clientClosed || ctx.deadline - performance.now() <= 0;
    const next = gone ? null : await chooseMember(ctx, rt, excluded);
    if (next === null || typeof next === "number") {
      rt.retryBudget?.settleRetry("unused");
      return finishFailed(ctx, rt, { ...result, response: null }, false);
    }
    member = next;
  }
}

/**
 * One attempt; when it is a retry (held from the budget), settles the retry by its outcome: a
 * committed answer below 500 gives the unit back, anything else spends it.
 */
async function forwardRetryAware(
  ctx: ProxyContext,
  rt: GatewayRuntime,
  member: { readonly provider: Parameters<typeof forwardAttempt>[2] },
  isRetry: boolean,
): Promise<Awaited<ReturnType<typeof forwardAttempt>>> {
  if (!isRetry || rt.retryBudget === null) return forwardAttempt(ctx, rt, member.provider);
  let result: Awaited<ReturnType<typeof forwardAttempt>> | undefined;
  try {
    result = await forwardAttempt(ctx, rt, member.provider);
    return result;
  } finally {
    const ok = result?.kind === "commit" && result.response.status < 500;
    rt.retryBudget.settleRetry(result === undefined ? "unused" : ok ? "succeeded" : "failed");
  }
}

/** The client-facing answer when no attempt was committed. */
async function finishFailed(
  ctx: ProxyContext,
  rt: GatewayRuntime,
  last: FailedAttempt,
  budgetRefused: boolean,
): Promise<void> {
  if (ctx.clientClosed || last.code === "CLIENT_CLOSED") {
    if (last.response !== null) discardFailedAttempt(rt, last);
    ctx.provider = last.provider;
    return;
  }
  // A refused retry is recorded as such (metrics and alerts count it), whatever the last failure was.
  const code = budgetRefused ? "RETRY_BUDGET_EXHAUSTED" : finalErrorCode(ctx, last);
  if (last.response !== null) {
    await streamResponse(
      ctx,
      rt,
      {
        kind: "commit",
        provider: last.provider,
        record: last.record,
        response: last.response,
        held: null,
        watcher: null,
        controller: last.controller,
      },
      code,
    );
    return;
  }
  const details: AttemptSummary[] = ctx.attempts.map((a) => ({
    provider: a.provider,
    ...(a.status !== undefined ? { status: a.status } : {}),
    ...(a.errorCode !== undefined ? { error: a.errorCode } : {}),
    ms: Math.round(a.ms),
  }));
  const prefix = budgetRefused ? "Retry budget exhausted. " : "";
  const message = `${prefix}Every upstream attempt failed: ${describeAttempts(details)}`;
  ctx.provider = last.provider;
  ctx.errorCode = code;
  const headers: Record<string, string> = {
    ...ctx.rateHeaders,
    "x-proxy-attempts": String(ctx.attempts.length),
  };
  ctx.status = sendGatewayError(ctx.res, code, ctx.requestId, headers, message, details);
  ctx.ttfbMs = null;
}

/** Maps the last failure to the gateway's answer: timeouts 504, overload 503, the rest 502. */
function finalErrorCode(ctx: ProxyContext, last: FailedAttempt): ErrorCode {
  if (ctx.abortReason === "total" || ctx.deadline - performance.now() <= 0) return "UPSTREAM_TIMEOUT";
  if (last.status !== null) {
    const s = last.status;
    return s === 429 || s === 503 || s === 529 ? "UPSTREAM_OVERLOADED" : "UPSTREAM_STATUS";
  }
  if (last.overloaded) return "UPSTREAM_OVERLOADED";
  // The attempts list still says OUTBOUND_BLOCKED; to the client it is a 502, not its own fault.
  if (last.code === "OUTBOUND_BLOCKED") return "UPSTREAM_CONNECT_FAILED";
  return last.code ?? "UPSTREAM_STATUS";
}
