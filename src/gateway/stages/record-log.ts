import type { NewRequestLogRow } from "../../db/schema/request-logs";
import { keepsCapture } from "../capture/capture-session";
import type { OutcomeRecorder } from "../context/outcome-recorder";
import type { KnownFacts } from "../context/request-facts";
import type { GatewayRuntime } from "../gateway-types";
import { extractRequestModel } from "../usage/extract-usage";
import { presentedKey } from "./authenticate-key";
import { tokenUsageOf, usageCostMicros } from "../usage/usage-cost";
import { pathnameOf } from "./parse-route";

const MAX_PATH = 2_048;
/** A UTF-16 surrogate not part of a pair (JSON.parse of an upstream's "\ud800" can produce one). */
const LONE_SURROGATE = /\p{Cs}/gu;

/** PostgreSQL text cannot hold NUL; long values are cut so one odd request cannot bloat the table. */
function cleanText(text: string, max: number): string {
  const cut = text.length > max ? text.slice(0, max) : text;
  return cut.indexOf("\u0000") === -1 ? cut : cut.replaceAll("\u0000", "");
}

/**
 * Queues the request's log row (never blocks; the writer batches it to the database): the facts the
 * stages established before it ended (a refused request has only some) and the recorded outcome.
 * Returns the row (the quota is charged from its tokens and cost).
 */
export function recordLog(rt: GatewayRuntime, known: KnownFacts, outcome: OutcomeRecorder): NewRequestLogRow {
  const { route, body, group } = known;
  const usage = outcome.usage;
  if (usage?.anomalies !== undefined) {
    rt.logger.warn(
      {
        requestId: known.requestId,
        providerId: outcome.provider?.id,
        anomalies: usage.anomalies.slice(0, 8),
      },
      "upstream reported token counts out of range; dropped from the log row",
    );
  }
  // The client's name first: with an alias the response names the upstream's model.
  let model = known.model?.model ?? usage?.model;
  if (model === undefined && body.length > 0) {
    model = extractRequestModel(body, rt.options.usageBodyLimitBytes);
  }
  const ttfbMs = outcome.ttfbMs;
  const loggedModel = model === undefined ? null : cleanText(model, 200).replace(LONE_SURROGATE, "\ufffd");
  const costMicros = usageCostMicros(rt.snapshots.current()?.priceBook, loggedModel, tokenUsageOf(usage));
  const row: NewRequestLogRow = {
    id: known.requestId,
    createdAt: known.createdAt,
    // A request refused before its key was known belongs to no tenant in particular: the default one.
    ...(known.key === null ? null : { tenantId: known.key.tenantId }),
    groupId: group?.id ?? null,
    groupSlug: route === null ? null : cleanText(route.groupSlug, 200),
    providerId: outcome.provider?.id ?? null,
    keyId: known.key?.id ?? null,
    method: cleanText(known.method, 32),
    // A request refused before its route was known logs the URL's whole path.
    path: cleanText(route === null ? pathnameOf(known.req.url ?? "/") : route.path, MAX_PATH),
    status: outcome.status,
    totalMs: Math.round(performance.now() - known.t0),
    ttfbMs: ttfbMs === null ? null : Math.round(ttfbMs),
    attempts: outcome.attempts,
    errorCode: outcome.errorCode,
    // The body is kept whole once read (it is replayed on failover), so its length is what came in.
    bytesIn: body.length,
    bytesOut: outcome.bytesOut,
    // The log insert sends rows as JSON, where PostgreSQL refuses a lone surrogate: make it U+FFFD.
    model: loggedModel,
    inputTokens: usage?.inputTokens ?? null,
    outputTokens: usage?.outputTokens ?? null,
    cacheReadTokens: usage?.cacheReadTokens ?? null,
    upstreamModel: outcome.upstreamModel === null ? null : cleanText(outcome.upstreamModel, 200),
    affinity: outcome.affinity,
    cacheWriteTokens: usage?.cacheWriteTokens ?? null,
    costMicros,
    clientIp: known.clientIp,
    streamed: outcome.streamed,
    // Only the replay entry sets it: nothing a client sends can mark its row as a replay.
    ...(known.replay === null ? null : { source: "replay" as const, replayOf: known.replay.of }),
  };
  rt.logWriter.write(row);
  const capture = outcome.capture;
  if (capture !== null && route !== null && keepsCapture(capture, outcome.status, outcome.errorCode)) {
    rt.captureWriter.write({
      requestId: known.requestId,
      createdAt: known.createdAt,
      method: row.method,
      path: route.path,
      query: route.query,
      headers: known.req.headers,
      body,
      maxBytes: capture.maxBytes,
      attempts: capture.attempts,
      gatewayKey: presentedKey(known.req.headers),
    });
  }
  return row;
}
