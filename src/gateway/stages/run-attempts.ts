import { AppError, type ErrorCode } from "../../core/errors/catalogue";
import { chooseRetryDelayMs } from "../../core/retry/backoff";
import type { AttemptState, MemberPick } from "../context/attempt-state";
import type { OutcomeRecorder } from "../context/outcome-recorder";
import type { RequestFacts, RequestSignals } from "../context/request-facts";
import { describeAttempts, GatewayRefusal, type AttemptSummary } from "../gateway-errors";
import type { GatewayRuntime } from "../gateway-types";
import { chooseMember, type Choice } from "./choose-member";
import {
  discardFailedAttempt,
  forwardAttempt,
  startAttempt,
  type CommittedAttempt,
  type FailedAttempt,
} from "./forward-attempt";
import { releaseProviderSlot } from "./provider-caps";
import { rememberAffinity } from "./session-affinity";
import { streamResponse } from "./stream-response";

/**
 * The attempt loop: pick a member (chooseMember), forward, and on a failure before the first byte pick
 * another (never one that already failed this request while others remain) after a full-jitter
 * backoff, within max attempts, the retry budget and the request's deadline (retryStop). Providers
 * the health layer has out of service, or a member filter rules out, are not eligible; a provider at
 * its rate or concurrency cap is skipped without spending an attempt; when every eligible provider is
 * at its cap the answer is 429 PROVIDERS_AT_CAPACITY with a Retry-After.
 *
 * When every attempt failed: if the last one got a retryable upstream STATUS (e.g. 503 with a body),
 * that response is passed through as is — the client sees the upstream's own error, Retry-After and
 * all, like most proxies do. Transport and stream failures get the unified gateway error body listing
 * every attempt (504 for timeouts, 503 for overload, else 502).
 */

/** Why the loop stops after a failed attempt: its last failure is final, or the budget refused a retry. */
type RetryStop = "final" | "budget";

/** Runs attempts until one is committed to the client or the request gives up. */
export async function runAttempts(
  rt: GatewayRuntime,
  facts: RequestFacts,
  signals: RequestSignals,
  outcome: OutcomeRecorder,
): Promise<void> {
  rt.retryBudget?.recordRequest();
  const choice = chooseMember(rt, facts, undefined);
  // Awaited only when the pick needed the store (caps) or a trial claim: no promise on the fast path.
  let pick = checkFirstPick(choice instanceof Promise ? await choice : choice);
  let excluded: Set<string> | undefined;
  // The attempt holding a provider slot until the request ends (the committed one keeps it while streaming).
  let current: AttemptState | null = null;
  try {
    for (let n = 0; ; n++) {
      current = startAttempt(rt, facts, signals, outcome, pick);
      const result = await forwardRetryAware(rt, facts, signals, current, n > 0);
      if (result.kind === "commit") {
        if (facts.affinity !== null) {
          rememberAffinity(rt, facts.requestId, facts.affinity, result.attempt.provider.id, outcome);
        }
        return await streamResponse(rt, facts, signals, outcome, result, null);
      }
      // The failed attempt no longer occupies its provider's concurrency cap.
      releaseAttemptSlot(rt, facts, current);
      (excluded ??= new Set()).add(current.provider.id);
      const remainingMs = facts.deadline - performance.now();
      const stop = retryStop(rt, facts, signals, result, n, remainingMs);
      if (stop !== null) return await finishFailed(rt, facts, signals, outcome, result, stop === "budget");
      const delay = chooseRetryDelayMs({
        retryIndex: n,
        backoff: { baseMs: rt.options.backoffBaseMs, capMs: rt.options.backoffCapMs },
        random: rt.random,
        retryAfterMs: result.retryAfterMs,
        remainingMs,
      });
      discardFailedAttempt(rt, result);
      await sleep(signals, delay.delayMs);
      const gone = signals.clientClosed || facts.deadline - performance.now() <= 0;
      const next = gone ? null : await chooseMember(rt, facts, excluded);
      if (next === null || typeof next === "number") {
        rt.retryBudget?.settleRetry("unused");
        return await finishFailed(rt, facts, signals, outcome, { ...result, response: null }, false);
      }
      pick = next;
    }
  } finally {
    if (current !== null) releaseAttemptSlot(rt, facts, current);
  }
}

/** The first member; refuses NO_PROVIDER_AVAILABLE, or PROVIDERS_AT_CAPACITY when all are capped. */
function checkFirstPick(first: Choice): MemberPick {
  if (first === null) throw new AppError("NO_PROVIDER_AVAILABLE");
  if (typeof first === "number") {
    const retryAfter = String(Math.max(1, Math.ceil(first / 1000)));
    throw new GatewayRefusal("PROVIDERS_AT_CAPACITY", { "retry-after": retryAfter });
  }
  return first;
}

/**
 * Whether a failed attempt ends the request: its failure is not retryable, the client left, the
 * group's max attempts or the deadline is reached ("final"), or the retry budget is spent ("budget").
 * Null: try another member. A refused budget is recorded as such (metrics and alerts count it).
 */
function retryStop(
  rt: GatewayRuntime,
  facts: RequestFacts,
  signals: RequestSignals,
  failed: FailedAttempt,
  n: number,
  remainingMs: number,
): RetryStop | null {
  if (!failed.retry || signals.clientClosed) return "final";
  if (n + 1 >= facts.group.maxAttempts || remainingMs <= 1) return "final";
  if (rt.retryBudget !== null && !rt.retryBudget.tryAcquireRetry()) return "budget";
  return null;
}

function releaseAttemptSlot(rt: GatewayRuntime, facts: RequestFacts, attempt: AttemptState): void {
  const slot = attempt.slot;
  if (slot === null) return;
  attempt.slot = null;
  releaseProviderSlot(rt, facts.requestId, slot);
}

function onWake(signals: RequestSignals): void {
  signals.wake?.();
}

/** Sleeps `ms`, returning early when the client leaves or the deadline passes (both call wake). */
function sleep(signals: RequestSignals, ms: number): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(onWake, ms, signals);
    signals.wake = () => {
      clearTimeout(timer);
      signals.wake = null;
      resolve();
    };
  });
}

/**
 * One attempt; when it is a retry (held from the budget), settles the retry by its outcome: a
 * committed answer below 500 gives the unit back, anything else spends it.
 */
async function forwardRetryAware(
  rt: GatewayRuntime,
  facts: RequestFacts,
  signals: RequestSignals,
  attempt: AttemptState,
  isRetry: boolean,
): Promise<CommittedAttempt | FailedAttempt> {
  const budget = rt.retryBudget;
  if (!isRetry || budget === null) return forwardAttempt(rt, facts, signals, attempt);
  let result: CommittedAttempt | FailedAttempt | undefined;
  try {
    result = await forwardAttempt(rt, facts, signals, attempt);
    return result;
  } finally {
    const ok = result?.kind === "commit" && result.response.status < 500;
    budget.settleRetry(result === undefined ? "unused" : ok ? "succeeded" : "failed");
  }
}

/** The client-facing answer when no attempt was committed. */
async function finishFailed(
  rt: GatewayRuntime,
  facts: RequestFacts,
  signals: RequestSignals,
  outcome: OutcomeRecorder,
  last: FailedAttempt,
  budgetRefused: boolean,
): Promise<void> {
  if (signals.clientClosed || last.code === "CLIENT_CLOSED") {
    if (last.response !== null) discardFailedAttempt(rt, last);
    outcome.recordProvider(last.attempt.provider);
    return;
  }
  // A refused retry is recorded as such (metrics and alerts count it), whatever the last failure was.
  const code = budgetRefused ? "RETRY_BUDGET_EXHAUSTED" : finalErrorCode(facts, signals, last);
  if (last.response !== null) {
    const committed: CommittedAttempt = {
      kind: "commit",
      attempt: last.attempt,
      response: last.response,
      held: null,
      watcher: null,
    };
    await streamResponse(rt, facts, signals, outcome, committed, code);
    return;
  }
  const details: AttemptSummary[] = outcome.attempts.map((a) => ({
    provider: a.provider,
    ...(a.status !== undefined ? { status: a.status } : {}),
    ...(a.errorCode !== undefined ? { error: a.errorCode } : {}),
    ms: Math.round(a.ms),
  }));
  const prefix = budgetRefused ? "Retry budget exhausted. " : "";
  const message = `${prefix}Every upstream attempt failed: ${describeAttempts(details)}`;
  outcome.recordProvider(last.attempt.provider);
  const headers: Record<string, string> = {
    ...facts.rateHeaders,
    "x-proxy-attempts": String(outcome.attempts.length),
  };
  outcome.sendError(facts.res, code, facts.requestId, headers, message, details);
}

/** Maps the last failure to the gateway's answer: timeouts 504, overload 503, the rest 502. */
function finalErrorCode(facts: RequestFacts, signals: RequestSignals, last: FailedAttempt): ErrorCode {
  if (signals.abortReason === "total" || facts.deadline - performance.now() <= 0) return "UPSTREAM_TIMEOUT";
  if (last.status !== null) {
    const s = last.status;
    return s === 429 || s === 503 || s === 529 ? "UPSTREAM_OVERLOADED" : "UPSTREAM_STATUS";
  }
  if (last.overloaded) return "UPSTREAM_OVERLOADED";
  // The attempts list still says OUTBOUND_BLOCKED; to the client it is a 502, not its own fault.
  if (last.code === "OUTBOUND_BLOCKED") return "UPSTREAM_CONNECT_FAILED";
  return last.code ?? "UPSTREAM_STATUS";
}
