import type { ErrorCode } from "../../core/errors/catalogue";
import { classifyAttempt } from "../../core/retry/classify";
import type { OutcomeRecorder } from "../context/outcome-recorder";
import type { RequestFacts, RequestSignals } from "../context/request-facts";
import { buildClientHeaders } from "../forward-headers";
import { buildStreamErrorFrame } from "../gateway-errors";
import type { GatewayRuntime } from "../gateway-types";
import { releaseInFlight } from "../upstream/in-flight";
import { mapUpstreamError } from "../upstream/map-upstream-error";
import { captureData } from "../capture/capture-session";
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

/** Streams `committed` to the client; `errorCode` marks a passed-through final failure in the log. */
export async function streamResponse(
  rt: GatewayRuntime,
  facts: RequestFacts,
  signals: RequestSignals,
  outcome: OutcomeRecorder,
  committed: CommittedAttempt,
  errorCode: ErrorCode | null,
): Promise<void> {
  const { res } = facts;
  const { response, watcher, attempt } = committed;
  const { record, provider, controller } = attempt;
  signals.attemptController = controller;
  outcome.recordCommit(provider, response.status, errorCode, watcher !== null);
  if (signals.clientClosed) {
    controller.abort();
    finishRecord(rt, facts, signals, committed, "aborted");
    return;
  }
  res.writeHead(
    response.status,
    buildClientHeaders(
      response.headers,
      {
        requestId: facts.requestId,
        providerName: provider.headerName,
        providerId: provider.id,
        responseTimeMs: Math.round((record.firstByteMs ?? record.startMs) - record.startMs),
        attempts: outcome.attempts.length,
      },
      facts.rateHeaders,
    ),
  );
  outcome.ttfbMs = offsetMs(facts.t0);

  const collect = watcher === null && response.status < 300 && isJson(response.headers["content-type"]);
  let kept: Buffer[] | null = collect ? [] : null;
  let keptBytes = 0;
  const limit = rt.options.usageBodyLimitBytes;
  const capture = attempt.capture;
  if (committed.held !== null) {
    for (const chunk of committed.held) {
      outcome.bytesOut += chunk.length;
      if (capture !== null) captureData(capture, chunk);
      res.write(chunk);
    }
  }
  const exchange = response.body;
  const resume = () => exchange.resume();
  // One write per chunk as it arrives; a full socket buffer pauses the upstream until "drain".
  const failure = await new Promise<Error | null>((resolve) => {
    exchange.consume({
      onData(chunk) {
        outcome.bytesOut += chunk.length;
        if (capture !== null) captureData(capture, chunk);
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
      outcome.usage = watcher.usage;
    } else if (kept !== null && kept.length > 0) {
      outcome.usage = extractJsonUsage(Buffer.concat(kept).toString("utf8"));
    }
    const recordOutcome = errorCode !== null ? "failure" : outcomeOf(facts, response.status);
    finishRecord(rt, facts, signals, committed, recordOutcome);
    return;
  }

  const code = mapUpstreamError(signals, failure);
  if (watcher !== null) outcome.usage = watcher.usage;
  if (code === "CLIENT_CLOSED") {
    controller.abort();
    finishRecord(rt, facts, signals, committed, "aborted");
    return;
  }
  // The upstream broke after bytes reached the client: never replayed, reported and closed.
  outcome.recordBrokenStream(code);
  record.errorCode = code;
  controller.abort();
  if (watcher !== null && !res.destroyed && response.headers["content-length"] === undefined) {
    res.end(buildStreamErrorFrame(facts.route.anthropic, code, facts.requestId));
  } else {
    res.destroy();
  }
  finishRecord(rt, facts, signals, committed, "failure");
  const latencyMs = record.endMs - record.startMs;
  reportAttempt(rt, facts.requestId, provider.id, { kind: "error", code }, latencyMs, "failure");
  rt.logger.warn(
    { requestId: facts.requestId, providerId: provider.id, errorCode: code, bytesOut: outcome.bytesOut },
    "upstream failed after the response started; stream closed with an error",
  );
}

function outcomeOf(facts: RequestFacts, status: number): "success" | "failure" | "client_error" {
  const health = classifyAttempt({ kind: "status", status }, facts.group.retryOn).health;
  return health === "success" ? "success" : health === "neutral" ? "client_error" : "failure";
}

function finishRecord(
  rt: GatewayRuntime,
  facts: RequestFacts,
  signals: RequestSignals,
  committed: CommittedAttempt,
  outcome: "success" | "failure" | "client_error" | "aborted",
): void {
  const { record, provider } = committed.attempt;
  record.endMs = offsetMs(facts.t0);
  record.ms = Math.round((record.endMs - record.startMs) * 10) / 10;
  record.outcome = outcome;
  releaseInFlight(rt, provider.id);
  signals.attemptController = null;
}
