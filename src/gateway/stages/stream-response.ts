import type { ErrorCode } from "../../core/errors/catalogue";
import { classifyAttempt } from "../../core/retry/classify";
import { buildClientHeaders } from "../forward-headers";
import { buildStreamErrorFrame } from "../gateway-errors";
import type { GatewayRuntime, ProxyContext } from "../gateway-types";
import { releaseInFlight } from "../upstream/in-flight";
import { mapUpstreamError } from "../upstream/map-upstream-error";
import { captureChunk, createResponseCapture } from "../../stats/body-capture";
import { extractJsonUsage } from "../usage/extract-usage";
import type { CommittedAttempt } from "./forward-attempt";
import { offsetMs, reportAttempt } from "./forward-attempt";

/**
 * Sends the committed upstream response to the client: status and headers at once, then every chunk
 * as it arrives (one write per chunk, no buffering; backpressure from a slow client pauses the
 * upstream). A failure after this point cannot be retried: an SSE stream is closed with an error event
 * in the client's API format, any other body is cut (the client sees a truncated transfer).
 */

function isJson(contentType: unknown): boolean {
  return typeof contentType === "string" && contentType.includes("json");
}

/** Streams `attempt` to the client; `errorCode` marks a passed-through final failure in the log. */
export async function streamResponse(
  ctx: ProxyContext,
  rt: GatewayRuntime,
  attempt: CommittedAttempt,
  errorCode: ErrorCode | null,
): Promise<void> {
  const { res } = ctx;
  const { response, record, watcher, provider } = attempt;
  ctx.provider = provider;
  ctx.attemptController = attempt.controller;
  ctx.status = response.status;
  ctx.errorCode = errorCode;
  ctx.streamed = watcher !== null;
  if (ctx.clientClosed) {
    attempt.controller.abort();
    finishRecord(ctx, rt, attempt, "aborted");
    return;
  }
  res.writeHead(
    response.status,
    buildClientHeaders(
      response.headers,
      {
        requestId: ctx.requestId,
        providerName: provider.headerName,
        providerId: provider.id,
        responseTimeMs: Math.round((record.firstByteMs ?? record.startMs) - record.startMs),
        attempts: ctx.attempts.length,
      },
      ctx.rateHeaders,
    ),
  );
  ctx.ttfbMs = offsetMs(ctx);

  const collect = watcher === null && response.status < 300 && isJson(response.headers["content-type"]);
  let kept: Buffer[] | null = collect ? [] : null;
  let keptBytes = 0;
  const limit = rt.options.usageBodyLimitBytes;
  const group = ctx.group!;
  const capture = group.captureBodies ? createResponseCapture(group.captureMaxBytes) : null;
  if (capture !== null) ctx.responseCapture = capture;
  if (attempt.held !== null) {
    for (const chunk of attempt.held) {
      ctx.bytesOut += chunk.length;
      if (capture !== null) captureChunk(capture, chunk);
      res.write(chunk);
    }
  }
  const exchange = response.body;
  const resume = () => exchange.resume();
  // One write per chunk as it arrives; a full socket buffer pauses the upstream until "drain".
  const failure = await new Promise<Error | null>((resolve) => {
    exchange.consume({
      onData(chunk) {
        ctx.bytesOut += chunk.length;
        if (capture !== null) captureChunk(capture, chunk);
        if (watcher !== null) watcher.scanner.push(chunk);
        else if (kept !== null) {
          keptBytes += chunk.length;
          if (keptBytes <= limit) kept.push(chunk);
          else kept = null;
        }
        if (res.write(chunk)) return true;
        res.once("drain", resume);
        return false;
      },
      onEnd: () => resolve(null),
      onError: resolve,
    });
  });
  const failed = failure !== null;

  if (!failed) {
    res.end();
    if (watcher !== null) {
      watcher.scanner.end();
      ctx.usage = watcher.usage;
    } else if (kept !== null && kept.length > 0) {
      ctx.usage = extractJsonUsage(Buffer.concat(kept).toString("utf8"));
    }
    finishRecord(ctx, rt, attempt, errorCode !== null ? "failure" : outcomeOf(ctx, response.status));
    return;
  }

  const code = mapUpstreamError(ctx, failure);
  if (watcher !== null) ctx.usage = watcher.usage;
  if (code === "CLIENT_CLOSED") {
    attempt.controller.abort();
    finishRecord(ctx, rt, attempt, "aborted");
    return;
  }
  // The upstream broke after bytes reached the client: never replayed, reported and closed.
  ctx.errorCode = code;
  record.errorCode = code;
  attempt.controller.abort();
  if (watcher !== null && !res.destroyed && response.headers["content-length"] === undefined) {
    res.end(buildStreamErrorFrame(ctx.anthropic, code, ctx.requestId));
  } else {
    res.destroy();
  }
  finishRecord(ctx, rt, attempt, "failure");
  reportAttempt(rt, ctx, provider.id, { kind: "error", code }, record.endMs - record.startMs, "failure");
  rt.logger.warn(
    { requestId: ctx.requestId, providerId: provider.id, errorCode: code, bytesOut: ctx.bytesOut },
    "upstream failed after the response started; stream closed with an error",
  );
}

function outcomeOf(ctx: ProxyContext, status: number): "success" | "failure" | "client_error" {
  const health = classifyAttempt({ kind: "status", status }, ctx.group!.retryOn).health;
  return health === "success" ? "success" : health === "neutral" ? "client_error" : "failure";
}

function finishRecord(
  ctx: ProxyContext,
  rt: GatewayRuntime,
  attempt: CommittedAttempt,
  outcome: "success" | "failure" | "client_error" | "aborted",
): void {
  const { record, provider } = attempt;
  record.endMs = offsetMs(ctx);
  record.ms = Math.round((record.endMs - record.startMs) * 10) / 10;
  record.outcome = outcome;
  releaseInFlight(rt, provider.id);
  ctx.attemptController = null;
}
