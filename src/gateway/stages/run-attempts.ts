import { selectProvider, type BalancerMember } from "../../core/balancing/select";
import { AppError, type ErrorCode } from "../../core/errors/catalogue";
import { chooseRetryDelayMs } from "../../core/retry/backoff";
import { describeAttempts, sendGatewayError, type AttemptSummary } from "../gateway-errors";
import type { GatewayRuntime, ProxyContext } from "../gateway-types";
import type { SnapshotMember } from "../snapshot/snapshot-types";
import { discardFailedAttempt, forwardAttempt, type FailedAttempt } from "./forward-attempt";
import { streamResponse } from "./stream-response";

/**
 * The attempt loop: pick a provider, forward, and on a failure before the first byte pick another
 * (never one that already failed this request while others remain) after a full-jitter backoff,
 * within max attempts, the retry budget and the request's deadline.
 *
 * When every attempt failed: if the last one got a retryable upstream STATUS (e.g. 503 with a body),
 * that response is passed through as is — the client sees the upstream's own error, Retry-After and
 * all, like most proxies do. Transport and stream failures get the unified gateway error body listing
 * every attempt (504 for timeouts, 503 for overload, else 502).
 */

/** Builds the selector's view of the group's members for this pick. */
function balancerMembers(ctx: ProxyContext, rt: GatewayRuntime): BalancerMember[] {
  const { members } = ctx.group!;
  const { health, inFlight } = rt;
  const out: BalancerMember[] = new Array(members.length);
  for (let i = 0; i < members.length; i++) {
    const m = members[i]!;
    const id = m.provider.id;
    out[i] = {
      id,
      priority: m.priority,
      weight: health.effectiveWeight(id, m.weight),
      inFlight: inFlight.get(id) ?? 0,
      available: health.isAvailable(id),
    };
  }
  return out;
}

/** Picks a member, avoiding `excluded` while any other member is eligible. */
function pickMember(
  ctx: ProxyContext,
  rt: GatewayRuntime,
  excluded: ReadonlySet<string> | undefined,
): SnapshotMember | null {
  const group = ctx.group!;
  const members = balancerMembers(ctx, rt);
  const options = {
    excluded,
    strategyFor: group.strategyFor,
    random: rt.random,
    affinityKey: ctx.clientIp ?? undefined,
  };
  let picked = selectProvider(members, options);
  if (picked === undefined && excluded !== undefined && excluded.size > 0) {
    picked = selectProvider(members, { ...options, excluded: undefined });
  }
  return picked === undefined ? null : (group.membersById.get(picked.id) ?? null);
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
  let member = pickMember(ctx, rt, undefined);
  if (member === null) throw new AppError("NO_PROVIDER_AVAILABLE");
  let excluded: Set<string> | undefined;
  let retrying = false;
  let budgetRefused = false;
  for (let n = 0; ; n++) {
    const result = await forwardAttempt(ctx, rt, member.provider);
    if (retrying) rt.retryBudget?.retryFinished();
    retrying = false;
    if (result.kind === "commit") {
      await streamResponse(ctx, rt, result, null);
      return;
    }
    if (!result.retry || ctx.clientClosed) return finishFailed(ctx, rt, result, false);
    (excluded ??= new Set()).add(member.provider.id);
    const remaining = ctx.deadline - performance.now();
    const next = n + 1 < group.maxAttempts && remaining > 1 ? pickMember(ctx, rt, excluded) : null;
    if (next === null) return finishFailed(ctx, rt, result, false);
    if (rt.retryBudget !== null && !rt.retryBudget.tryAcquireRetry()) {
      budgetRefused = true;
      return finishFailed(ctx, rt, result, budgetRefused);
    }
    retrying = true;
    const delay = chooseRetryDelayMs({
      retryIndex: n,
      backoff: { baseMs: rt.options.backoffBaseMs, capMs: rt.options.backoffCapMs },
      random: rt.random,
      retryAfterMs: result.retryAfterMs,
      remainingMs: remaining,
    });
    discardFailedAttempt(rt, result);
    await sleep(ctx, delay.delayMs);
    if (ctx.clientClosed || ctx.deadline - performance.now() <= 0) {
      rt.retryBudget?.retryFinished();
      return finishFailed(ctx, rt, { ...result, response: null }, false);
    }
    member = next;
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
  const code = finalErrorCode(ctx, last);
  if (last.response !== null) {
    await streamResponse(
      ctx,
      rt,
      {
        kind: "commit",
        provider: last.provider,
        record: last.record,
        response: last.response,
        iterator: null,
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
  return last.code ?? "UPSTREAM_STATUS";
}
