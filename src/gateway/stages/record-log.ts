import type { NewRequestLogRow } from "../../db/schema/request-logs";
import { collectCapturedBodies } from "../../stats/body-capture";
import type { GatewayRuntime, ProxyContext } from "../gateway-types";
import { extractRequestModel } from "../usage/extract-usage";

const MAX_PATH = 2_048;
/** A UTF-16 surrogate not part of a pair (JSON.parse of an upstream's "\ud800" can produce one). */
const LONE_SURROGATE = /\p{Cs}/gu;

/** PostgreSQL text cannot hold NUL; long values are cut so one odd request cannot bloat the table. */
function cleanText(text: string, max: number): string {
  const cut = text.length > max ? text.slice(0, max) : text;
  return cut.indexOf("\u0000") === -1 ? cut : cut.replaceAll("\u0000", "");
}

/** Queues the request's log row (never blocks; the writer batches it to the database). */
export function recordLog(ctx: ProxyContext, rt: GatewayRuntime): void {
  const usage = ctx.usage;
  if (usage?.anomalies !== undefined) {
    rt.logger.warn(
      { requestId: ctx.requestId, providerId: ctx.provider?.id, anomalies: usage.anomalies.slice(0, 8) },
      "upstream reported token counts out of range; dropped from the log row",
    );
  }
  let model = usage?.model;
  if (model === undefined && ctx.body.length > 0) {
    model = extractRequestModel(ctx.body, rt.options.usageBodyLimitBytes);
  }
  const row: NewRequestLogRow = {
    id: ctx.requestId,
    createdAt: ctx.createdAt,
    groupId: ctx.group?.id ?? null,
    groupSlug: ctx.groupSlug === null ? null : cleanText(ctx.groupSlug, 200),
    providerId: ctx.provider?.id ?? null,
    keyId: ctx.key?.id ?? null,
    method: cleanText(ctx.method, 32),
    path: cleanText(ctx.path, MAX_PATH),
    status: ctx.status,
    totalMs: Math.round(performance.now() - ctx.t0),
    ttfbMs: ctx.ttfbMs === null ? null : Math.round(ctx.ttfbMs),
    attempts: ctx.attempts,
    errorCode: ctx.errorCode,
    bytesIn: ctx.bytesIn,
    bytesOut: ctx.bytesOut,
    // The log insert sends rows as JSON, where PostgreSQL refuses a lone surrogate: make it U+FFFD.
    model: model === undefined ? null : cleanText(model, 200).replace(LONE_SURROGATE, "\ufffd"),
    inputTokens: usage?.inputTokens ?? null,
    outputTokens: usage?.outputTokens ?? null,
    clientIp: ctx.clientIp,
    streamed: ctx.streamed,
  };
  const group = ctx.group;
  if (group?.captureBodies) {
    rt.logWriter.write(row, collectCapturedBodies(ctx.body, ctx.responseCapture, group.captureMaxBytes));
  } else rt.logWriter.write(row);
}
