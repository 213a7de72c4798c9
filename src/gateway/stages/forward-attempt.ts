import type { IncomingHttpHeaders } from "node:http";
import type { Dispatcher } from "undici";
import { parseRetryAfterMs } from "../../core/retry/backoff";
import {
  classifyAttempt,
  type AttemptErrorCode,
  type AttemptHealth,
  type AttemptOutcome,
} from "../../core/retry/classify";
import { rewriteRequestModel } from "../../core/routing/rewrite-model";
import type { AttemptRecord } from "../../db/schema/request-logs";
import type { AttemptState, MemberPick } from "../context/attempt-state";
import type { OutcomeRecorder } from "../context/outcome-recorder";
import type { RequestFacts, RequestSignals } from "../context/request-facts";
import { buildUpstreamHeaders } from "../forward-headers";
import { captureAttempt, captureData, captureHead, captureHeld } from "../capture/capture-session";
import type { GatewayRuntime } from "../gateway-types";
import { unwatchConnect, watchConnect } from "../upstream/connect-timing";
import { acquireInFlight, releaseInFlight } from "../upstream/in-flight";
import { observeLatency, startPending } from "../upstream/latency";
import { mapUpstreamError } from "../upstream/map-upstream-error";
import { UpstreamExchange } from "../upstream/upstream-exchange";
import { isOverloadedErrorEvent } from "../usage/classify-sse-event";
import { createSseWatcher, type SseWatcher } from "../usage/sse-watcher";
import { epochMs } from "../context/clock";

/**
 * One upstream attempt, up to the point where the gateway decides: stream it to the client (commit),
 * or fail it (and maybe try another provider). Nothing reaches the client here. For a 200
 * text/event-stream response the head is held until the first content event, so an error event or
 * an early end can still fail over. The exchange runs on undici's dispatch handler API (see
 * UpstreamExchange); the exchange is also the attempt's abort handle (`controller`).
 * startAttempt creates the attempt's state from the pick; forwardAttempt runs it to its result.
 */

export interface UpstreamResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  /** The exchange the body is read from (queued until a consumer attaches). */
  readonly body: UpstreamExchange;
}

/** An attempt whose response goes to the client. */
export interface CommittedAttempt {
  readonly kind: "commit";
  readonly attempt: AttemptState;
  readonly response: UpstreamResponse;
  /** Chunks read while holding the head back (already seen by the watcher). */
  readonly held: Buffer[] | null;
  readonly watcher: SseWatcher | null;
}

/** An attempt that failed before anything reached the client. */
export interface FailedAttempt {
  readonly kind: "failed";
  /** Its controller aborts the upstream exchange (its unread response, if any). */
  readonly attempt: AttemptState;
  /** Transport/stream failure code; null when the failure is a retryable status. */
  readonly code: AttemptErrorCode | null;
  readonly status: number | null;
  /** The retryable-status response, body unread: passed through if it is the last, else discarded. */
  readonly response: UpstreamResponse | null;
  readonly retryAfterMs: number | undefined;
  /** The upstream said it is overloaded (error event of that kind). */
  readonly overloaded: boolean;
  readonly retry: boolean;
}

export type AttemptResult = CommittedAttempt | FailedAttempt;

/** Bytes of a failed attempt's body read (and dropped) to keep its connection; more closes it. */
const DISCARD_LIMIT_BYTES = 128 * 1024;

/** Offset in ms (0.1 ms resolution) since the request started at `t0`. */
export function offsetMs(t0: number, at: number = performance.now()): number {
  return Math.round((at - t0) * 10) / 10;
}

function onFirstByteTimeout(signals: RequestSignals): void {
  signals.abortReason = "first_byte";
  signals.attemptController?.abort();
}

function isEventStream(headers: IncomingHttpHeaders): boolean {
  const type = headers["content-type"];
  return typeof type === "string" && type.startsWith("text/event-stream");
}

/** Feeds one attempt's outcome to the health hooks; a throwing hook is logged, never propagated. */
export function reportAttempt(
  rt: GatewayRuntime,
  requestId: string,
  providerId: string,
  outcome: AttemptOutcome,
  latencyMs: number,
  health: AttemptHealth,
): void {
  try {
    rt.health.onAttemptOutcome(providerId, outcome, latencyMs, health);
  } catch (err) {
    rt.logger.error({ requestId, err: (err as Error).message }, "health hook failed");
  }
}

/** Reports a resolved attempt with its time to the response head (or to its failure). */
function report(
  rt: GatewayRuntime,
  facts: RequestFacts,
  attempt: AttemptState,
  outcome: AttemptOutcome,
  health: AttemptHealth,
): void {
  const { record } = attempt;
  const latencyMs = (record.firstByteMs ?? record.endMs) - record.startMs;
  observeLatency(rt, attempt.provider.id, attempt.startedAt, latencyMs);
  reportAttempt(rt, facts.requestId, attempt.provider.id, outcome, latencyMs, health);
}

function failWithCode(
  rt: GatewayRuntime,
  facts: RequestFacts,
  signals: RequestSignals,
  attempt: AttemptState,
  code: AttemptErrorCode,
  overloaded = false,
): FailedAttempt {
  const { record } = attempt;
  attempt.controller.abort();
  record.endMs = offsetMs(facts.t0);
  record.ms = Math.round((record.endMs - record.startMs) * 10) / 10;
  record.errorCode = code;
  record.outcome = code === "CLIENT_CLOSED" ? "aborted" : "failure";
  releaseInFlight(rt, attempt.provider.id);
  signals.attemptController = null;
  const outcome: AttemptOutcome = { kind: "error", code };
  const { health, retry } = classifyAttempt(outcome, facts.group.retryOn);
  report(rt, facts, attempt, outcome, health);
  return {
    kind: "failed",
    attempt,
    code,
    status: null,
    response: null,
    retryAfterMs: undefined,
    overloaded,
    retry,
  };
}

/**
 * Starts an attempt to the picked member: its log record (appended to the outcome's attempts), its
 * exchange (from now on the client's close or a timer aborts it), its in-flight count. Synchronous, so
 * the caller owns the pick's provider slot through the attempt from here on.
 */
export function startAttempt(
  rt: GatewayRuntime,
  facts: RequestFacts,
  signals: RequestSignals,
  outcome: OutcomeRecorder,
  pick: MemberPick,
): AttemptState {
  const provider = pick.member.provider;
  const startedAt = performance.now();
  const record: AttemptRecord = {
    providerId: provider.id,
    provider: provider.name,
    startMs: offsetMs(facts.t0, startedAt),
    endMs: 0,
    ms: 0,
    outcome: "failure",
  };
  outcome.attempts.push(record);
  const controller = new UpstreamExchange();
  signals.attemptController = controller;
  signals.abortReason = null;
  acquireInFlight(rt, provider.id);
  startPending(rt, provider.id, startedAt);
  const { body, path } = upstreamRequest(facts, outcome, pick);
  const capture = outcome.capture === null ? null : captureAttempt(outcome.capture, provider);
  return { provider, startedAt, record, controller, body, path, slot: pick.slot, capture };
}

/** The body and path for the picked member: aliased when its map renames the request's model. */
function upstreamRequest(
  facts: RequestFacts,
  outcome: OutcomeRecorder,
  pick: MemberPick,
): { body: Uint8Array; path: string } {
  const model = facts.model;
  const map = pick.member.modelMap;
  if (model === null || map === null) {
    outcome.upstreamModel = null;
    return { body: facts.body, path: facts.route.path };
  }
  const rewritten = rewriteRequestModel(facts.body, facts.route.path, model, map);
  outcome.upstreamModel = rewritten.upstreamModel === model.model ? null : rewritten.upstreamModel;
  return { body: rewritten.body, path: rewritten.path };
}

/** Sends the request for a started attempt and resolves once the attempt is committed or failed. */
export async function forwardAttempt(
  rt: GatewayRuntime,
  facts: RequestFacts,
  signals: RequestSignals,
  attempt: AttemptState,
): Promise<AttemptResult> {
  const { group, route } = facts;
  const { provider, record, controller } = attempt;
  // The client may have left between two stages; from here on its close aborts `controller`.
  if (signals.clientClosed) return failWithCode(rt, facts, signals, attempt, "CLIENT_CLOSED");
  // The total deadline has its own timer; this one only when the first-byte limit comes sooner.
  const timer =
    group.firstByteTimeoutMs < facts.deadline - attempt.startedAt
      ? setTimeout(onFirstByteTimeout, group.firstByteTimeoutMs, signals)
      : null;

  let response: UpstreamResponse;
  watchConnect(facts.requestId, record, facts.t0);
  try {
    rt.pools.get(provider.origin, group.connectTimeoutMs).dispatch(
      {
        path: provider.basePath + attempt.path + route.query,
        method: route.method as Dispatcher.HttpMethod,
        headers: buildUpstreamHeaders(facts.req.headers, provider, facts.requestId),
        body: attempt.body.length > 0 ? attempt.body : null,
        headersTimeout: group.firstByteTimeoutMs + 1_000,
        bodyTimeout: group.idleTimeoutMs,
      },
      controller,
    );
    const head = await controller.waitHead();
    response = { status: head.status, headers: head.headers, body: controller };
  } catch (err) {
    if (timer !== null) clearTimeout(timer);
    return failWithCode(rt, facts, signals, attempt, mapUpstreamError(signals, err));
  } finally {
    unwatchConnect(facts.requestId);
  }
  record.firstByteMs = offsetMs(facts.t0);
  record.status = response.status;
  if (attempt.capture !== null) captureHead(attempt.capture, response.status, response.headers);
  const headOutcome: AttemptOutcome = { kind: "status", status: response.status };
  const classification = classifyAttempt(headOutcome, group.retryOn);

  if (classification.retry || !isEventStream(response.headers) || response.status >= 300) {
    if (timer !== null) clearTimeout(timer);
    report(rt, facts, attempt, headOutcome, classification.health);
    if (!classification.retry) {
      return { kind: "commit", attempt, response, held: null, watcher: null };
    }
    record.endMs = record.firstByteMs;
    record.ms = Math.round((record.endMs - record.startMs) * 10) / 10;
    // In-flight stays counted until the body is discarded or passed through (see discardFailedAttempt).
    signals.attemptController = null;
    const retryAfter = response.headers["retry-after"];
    return {
      kind: "failed",
      attempt,
      code: null,
      status: response.status,
      response,
      retryAfterMs: parseRetryAfterMs(typeof retryAfter === "string" ? retryAfter : undefined, epochMs()),
      overloaded: false,
      retry: true,
    };
  }
  return holdEventStream(rt, facts, signals, attempt, response, timer);
}

/** Reads an SSE response until its first content event; an error event or early end fails over. */
async function holdEventStream(
  rt: GatewayRuntime,
  facts: RequestFacts,
  signals: RequestSignals,
  attempt: AttemptState,
  response: UpstreamResponse,
  timer: NodeJS.Timeout | null,
): Promise<AttemptResult> {
  const { controller } = attempt;
  const watcher = createSseWatcher();
  const held: Buffer[] = [];
  let failure: AttemptErrorCode | null = null;
  await new Promise<void>((resolve) => {
    let heldBytes = 0;
    controller.consume({
      onData(chunk) {
        held.push(chunk);
        heldBytes += chunk.length;
        watcher.scanner.push(chunk);
        const decided =
          watcher.error !== null ||
          watcher.sawContent ||
          heldBytes >= rt.options.maxHeldBytes ||
          !watcher.scanner.active;
        if (decided) {
          // Later chunks queue in the exchange until the response is streamed (or discarded).
          controller.consume(null);
          resolve();
        }
        return true;
      },
      onEnd() {
        watcher.scanner.end();
        if (!watcher.sawContent && watcher.error === null) failure = "UPSTREAM_STREAM_ERROR";
        resolve();
      },
      onError(err) {
        failure = mapUpstreamError(signals, err);
        resolve();
      },
    });
  });
  if (timer !== null) clearTimeout(timer);
  if (attempt.capture !== null && (failure !== null || watcher.error !== null) && !watcher.sawContent) {
    captureHeld(attempt.capture, held);
  }
  if (watcher.error !== null && !watcher.sawContent) {
    const overloaded = isOverloadedErrorEvent(watcher.error);
    return failWithCode(rt, facts, signals, attempt, "UPSTREAM_STREAM_ERROR", overloaded);
  }
  if (failure !== null) return failWithCode(rt, facts, signals, attempt, failure);
  watcher.holding = false;
  const outcome: AttemptOutcome = { kind: "status", status: response.status };
  report(rt, facts, attempt, outcome, classifyAttempt(outcome, facts.group.retryOn).health);
  return { kind: "commit", attempt, response, held, watcher };
}

/** Discards a failed attempt's unread response (so its connection is freed) and its in-flight count. */
export function discardFailedAttempt(rt: GatewayRuntime, failed: FailedAttempt): void {
  if (failed.response === null) return;
  releaseInFlight(rt, failed.attempt.provider.id);
  const capture = failed.attempt.capture;
  failed.response.body.discard(
    DISCARD_LIMIT_BYTES,
    capture === null ? undefined : (chunk) => captureData(capture, chunk),
  );
}
