import type { IncomingHttpHeaders } from "node:http";
import type { Dispatcher } from "undici";
import { parseRetryAfterMs } from "../../core/retry/backoff";
import {
  classifyAttempt,
  type AttemptErrorCode,
  type AttemptHealth,
  type AttemptOutcome,
} from "../../core/retry/classify";
import type { AttemptRecord } from "../../db/schema/request-logs";
import { buildUpstreamHeaders } from "../forward-headers";
import type { GatewayRuntime, ProxyContext } from "../gateway-types";
import type { SnapshotProvider } from "../snapshot/snapshot-types";
import { unwatchConnect, watchConnect } from "../upstream/connect-timing";
import { acquireInFlight, releaseInFlight } from "../upstream/in-flight";
import { mapUpstreamError } from "../upstream/map-upstream-error";
import { UpstreamExchange } from "../upstream/upstream-exchange";
import { isOverloadedErrorEvent } from "../usage/classify-sse-event";
import { createSseWatcher, type SseWatcher } from "../usage/sse-watcher";

/**
 * One upstream attempt, up to the point where the gateway decides: stream it to the client (commit),
 * or fail it (and maybe try another provider). Nothing reaches the client here. For a 200
 * text/event-stream response the head is held until the first content event, so an error event or
 * an early end can still fail over. The exchange runs on undici's dispatch handler API (see
 * UpstreamExchange); the exchange is also the attempt's abort handle (`controller`).
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
  readonly provider: SnapshotProvider;
  readonly record: AttemptRecord;
  readonly response: UpstreamResponse;
  /** Chunks read while holding the head back (already seen by the watcher). */
  readonly held: Buffer[] | null;
  readonly watcher: SseWatcher | null;
  readonly controller: UpstreamExchange;
}

/** An attempt that failed before anything reached the client. */
export interface FailedAttempt {
  readonly kind: "failed";
  readonly provider: SnapshotProvider;
  readonly record: AttemptRecord;
  /** Transport/stream failure code; null when the failure is a retryable status. */
  readonly code: AttemptErrorCode | null;
  readonly status: number | null;
  /** The retryable-status response, body unread: passed through if it is the last, else discarded. */
  readonly response: UpstreamResponse | null;
  readonly retryAfterMs: number | undefined;
  /** The upstream said it is overloaded (error event of that kind). */
  readonly overloaded: boolean;
  readonly retry: boolean;
  /** Aborts the attempt's upstream exchange (its unread response, if any). */
  readonly controller: UpstreamExchange;
}

export type AttemptResult = CommittedAttempt | FailedAttempt;

/** Bytes of a failed attempt's body read (and dropped) to keep its connection; more closes it. */
const DISCARD_LIMIT_BYTES = 128 * 1024;

/** Offset in ms (0.1 ms resolution) since the request started. */
export function offsetMs(ctx: ProxyContext, at: number = performance.now()): number {
  return Math.round((at - ctx.t0) * 10) / 10;
}

function onFirstByteTimeout(ctx: ProxyContext): void {
  ctx.abortReason = "first_byte";
  ctx.attemptController?.abort();
}

function isEventStream(headers: IncomingHttpHeaders): boolean {
  const type = headers["content-type"];
  return typeof type === "string" && type.startsWith("text/event-stream");
}

/** Feeds one attempt's outcome to the health hooks; a throwing hook is logged, never propagated. */
export function reportAttempt(
  rt: GatewayRuntime,
  ctx: ProxyContext,
  providerId: string,
  outcome: AttemptOutcome,
  latencyMs: number,
  health: AttemptHealth,
): void {
  try {
    rt.health.onAttemptOutcome(providerId, outcome, latencyMs, health);
  } catch (err) {
    rt.logger.error({ requestId: ctx.requestId, err: (err as Error).message }, "health hook failed");
  }
}

/** Reports a resolved attempt with its time to the response head (or to its failure). */
function report(
  rt: GatewayRuntime,
  ctx: ProxyContext,
  p: SnapshotProvider,
  outcome: AttemptOutcome,
  health: AttemptHealth,
  record: AttemptRecord,
): void {
  reportAttempt(rt, ctx, p.id, outcome, (record.firstByteMs ?? record.endMs) - record.startMs, health);
}

function endAttempt(rt: GatewayRuntime, ctx: ProxyContext, p: SnapshotProvider): void {
  releaseInFlight(rt, p.id);
  ctx.attemptController = null;
}

function failWithCode(
  rt: GatewayRuntime,
  ctx: ProxyContext,
  provider: SnapshotProvider,
  record: AttemptRecord,
  controller: UpstreamExchange,
  code: AttemptErrorCode,
  overloaded = false,
): FailedAttempt {
  controller.abort();
  record.endMs = offsetMs(ctx);
  record.ms = Math.round((record.endMs - record.startMs) * 10) / 10;
  record.errorCode = code;
  record.outcome = code === "CLIENT_CLOSED" ? "aborted" : "failure";
  endAttempt(rt, ctx, provider);
  const outcome: AttemptOutcome = { kind: "error", code };
  const { health, retry } = classifyAttempt(outcome, ctx.group!.retryOn);
  report(rt, ctx, provider, outcome, health, record);
  return {
    kind: "failed",
    provider,
    record,
    code,
    status: null,
    response: null,
    retryAfterMs: undefined,
    overloaded,
    retry,
    controller,
  };
}

/** Sends the request to `provider` and resolves once the attempt is committed or failed. */
export async function forwardAttempt(
  ctx: ProxyContext,
  rt: GatewayRuntime,
  provider: SnapshotProvider,
): Promise<AttemptResult> {
  const group = ctx.group!;
  const start = performance.now();
  const record: AttemptRecord = {
    providerId: provider.id,
    provider: provider.name,
    startMs: offsetMs(ctx, start),
    endMs: 0,
    ms: 0,
    outcome: "failure",
  };
  ctx.attempts.push(record);
  const controller = new UpstreamExchange();
  ctx.attemptController = controller;
  ctx.abortReason = null;
  acquireInFlight(rt, provider.id);
  // The client may have left between two stages; from here on its close aborts `controller`.
  if (ctx.clientClosed) return failWithCode(rt, ctx, provider, record, controller, "CLIENT_CLOSED");
  // The total deadline has its own timer; this one only when the first-byte limit comes sooner.
  const timer =
    group.firstByteTimeoutMs < ctx.deadline - start
      ? setTimeout(onFirstByteTimeout, group.firstByteTimeoutMs, ctx)
      : null;

  let response: UpstreamResponse;
  watchConnect(ctx.requestId, record, ctx.t0);
  try {
    rt.pools.get(provider.origin, group.connectTimeoutMs).dispatch(
      {
        path: provider.basePath + ctx.path + ctx.query,
        method: ctx.method as Dispatcher.HttpMethod,
        headers: buildUpstreamHeaders(ctx.req.headers, provider, ctx.requestId),
        body: ctx.body.length > 0 ? ctx.body : null,
        headersTimeout: group.firstByteTimeoutMs + 1_000,
        bodyTimeout: group.idleTimeoutMs,
      },
      controller,
    );
    const head = await controller.waitHead();
    response = { status: head.status, headers: head.headers, body: controller };
  } catch (err) {
    if (timer !== null) clearTimeout(timer);
    return failWithCode(rt, ctx, provider, record, controller, mapUpstreamError(ctx, err));
  } finally {
    unwatchConnect(ctx.requestId);
  }
  record.firstByteMs = offsetMs(ctx);
  record.status = response.status;
  const outcome: AttemptOutcome = { kind: "status", status: response.status };
  const classification = classifyAttempt(outcome, group.retryOn);

  if (classification.retry || !isEventStream(response.headers) || response.status >= 300) {
    if (timer !== null) clearTimeout(timer);
    report(rt, ctx, provider, outcome, classification.health, record);
    if (!classification.retry) {
      return { kind: "commit", provider, record, response, held: null, watcher: null, controller };
    }
    record.endMs = record.firstByteMs;
    record.ms = Math.round((record.endMs - record.startMs) * 10) / 10;
    // In-flight stays counted until the body is discarded or passed through (see discardFailedAttempt).
    ctx.attemptController = null;
    const retryAfter = response.headers["retry-after"];
    return {
      kind: "failed",
      provider,
      record,
      code: null,
      status: response.status,
      response,
      retryAfterMs: parseRetryAfterMs(typeof retryAfter === "string" ? retryAfter : undefined, Date.now()),
      overloaded: false,
      retry: true,
      controller,
    };
  }
  return holdEventStream(ctx, rt, provider, record, controller, response, timer);
}

/** Reads an SSE response until its first content event; an error event or early end fails over. */
async function holdEventStream(
  ctx: ProxyContext,
  rt: GatewayRuntime,
  provider: SnapshotProvider,
  record: AttemptRecord,
  controller: UpstreamExchange,
  response: UpstreamResponse,
  timer: NodeJS.Timeout | null,
): Promise<AttemptResult> {
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
        failure = mapUpstreamError(ctx, err);
        resolve();
      },
    });
  });
  if (timer !== null) clearTimeout(timer);
  if (watcher.error !== null && !watcher.sawContent) {
    return failWithCode(
      rt,
      ctx,
      provider,
      record,
      controller,
      "UPSTREAM_STREAM_ERROR",
      isOverloadedErrorEvent(watcher.error),
    );
  }
  if (failure !== null) return failWithCode(rt, ctx, provider, record, controller, failure);
  watcher.holding = false;
  const outcome: AttemptOutcome = { kind: "status", status: response.status };
  report(rt, ctx, provider, outcome, classifyAttempt(outcome, ctx.group!.retryOn).health, record);
  return { kind: "commit", provider, record, response, held, watcher, controller };
}

/** Discards a failed attempt's unread response (so its connection is freed) and its in-flight count. */
export function discardFailedAttempt(rt: GatewayRuntime, attempt: FailedAttempt): void {
  if (attempt.response === null) return;
  releaseInFlight(rt, attempt.provider.id);
  attempt.response.body.discard(DISCARD_LIMIT_BYTES);
}
