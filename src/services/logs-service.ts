import { microsToUsd } from "@/core/cost/money";
import { and, eq } from "drizzle-orm";
import {
  logsExportQuerySchema,
  logsQuerySchema,
  type AttemptView,
  type LogDetail,
  type LogSummary,
  type LogsPage,
} from "@/contracts/logs";
import { AppError } from "@/core/errors/catalogue";
import { finalAttempt, type CapturedBody, type CapturePayload } from "@/core/debug/capture-payload";
import { apiKeys, providers, requestCaptures, requestLogs, type AttemptRecord } from "@/db/schema";
import { readCapturePayload } from "@/stats/capture-row";
import {
  exportContentType,
  exportFilename,
  renderRecords,
  streamText,
  type CsvValue,
  type ExportFile,
} from "@/stats/export-stream";
import {
  decodeCursor,
  encodeCursor,
  iterateLogPages,
  selectLogPage,
  type LogSummaryRow,
  logIdCondition,
} from "@/stats/log-query";
import { expandAttempts } from "@/stats/attempt-codec";
import { statusClassOf } from "@/stats/status-class";
import { parseInput, type ServiceContext } from "./service-context";

export interface LogsService {
  /** One page of request logs, newest first, filtered; `nextCursor` continues with older rows. */
  list(query: unknown): Promise<LogsPage>;
  /** One request with its attempt timeline and captured bodies; LOG_NOT_FOUND when missing. */
  get(id: string): Promise<LogDetail>;
  /** Every matching row as a streamed CSV or JSON download (read page by page). */
  export(query: unknown): ExportFile;
}

export interface LogsServiceOptions {
  /** Rows read per query while exporting (default 1000). */
  readonly exportPageSize?: number;
}

function toSummary(row: LogSummaryRow): LogSummary {
  return {
    id: row.id,
    createdAt: row.createdAt.toISOString(),
    groupId: row.groupId,
    groupSlug: row.groupSlug,
    providerId: row.providerId,
    providerName: row.providerName,
    keyId: row.keyId,
    keyName: row.keyName,
    method: row.method,
    path: row.path,
    status: row.status,
    statusClass: statusClassOf(row.status, row.errorCode),
    errorCode: row.errorCode,
    totalMs: row.totalMs,
    ttfbMs: row.ttfbMs,
    attemptCount: row.attemptCount,
    model: row.model,
    inputTokens: row.inputTokens,
    outputTokens: row.outputTokens,
    cacheReadTokens: row.cacheReadTokens,
    cacheWriteTokens: row.cacheWriteTokens,
    costUsd: row.costMicros === null ? null : microsToUsd(Number(row.costMicros)),
    bytesIn: Number(row.bytesIn),
    bytesOut: Number(row.bytesOut),
    streamed: row.streamed,
    clientIp: row.clientIp,
    source: row.source,
    replayOf: row.replayOf,
  };
}

type BodyView = NonNullable<LogDetail["bodies"]>["request"];

function bodyView(body: CapturedBody | null | undefined): BodyView {
  if (body === null || body === undefined || body.text === null) return null;
  return { text: body.text, bytes: body.bytes, truncated: body.truncated };
}

/** The request body and the final answer's body of a capture. */
function bodiesOf(payload: CapturePayload): LogDetail["bodies"] {
  return { request: bodyView(payload.request.body), response: bodyView(finalAttempt(payload)?.body) };
}

/** A stored attempt as the API shows it. */
export function toAttemptView(a: AttemptRecord): AttemptView {
  return {
    providerId: a.providerId,
    provider: a.provider,
    status: a.status ?? null,
    errorCode: a.errorCode ?? null,
    startMs: a.startMs,
    connectMs: a.connectMs ?? null,
    firstByteMs: a.firstByteMs ?? null,
    endMs: a.endMs,
    durationMs: a.ms,
    outcome: a.outcome,
  };
}

const EXPORT_COLUMNS: readonly { name: string; value: (s: LogSummary) => CsvValue }[] = [
  { name: "id", value: (s) => s.id },
  { name: "created_at", value: (s) => s.createdAt },
  { name: "group_id", value: (s) => s.groupId },
  { name: "group_slug", value: (s) => s.groupSlug },
  { name: "provider_id", value: (s) => s.providerId },
  { name: "provider_name", value: (s) => s.providerName },
  { name: "key_id", value: (s) => s.keyId },
  { name: "key_name", value: (s) => s.keyName },
  { name: "method", value: (s) => s.method },
  { name: "path", value: (s) => s.path },
  { name: "status", value: (s) => s.status },
  { name: "status_class", value: (s) => s.statusClass },
  { name: "error_code", value: (s) => s.errorCode },
  { name: "total_ms", value: (s) => s.totalMs },
  { name: "ttfb_ms", value: (s) => s.ttfbMs },
  { name: "attempts", value: (s) => s.attemptCount },
  { name: "model", value: (s) => s.model },
  { name: "input_tokens", value: (s) => s.inputTokens },
  { name: "output_tokens", value: (s) => s.outputTokens },
  { name: "cache_read_tokens", value: (s) => s.cacheReadTokens },
  { name: "cache_write_tokens", value: (s) => s.cacheWriteTokens },
  { name: "cost_usd", value: (s) => s.costUsd },
  { name: "bytes_in", value: (s) => s.bytesIn },
  { name: "bytes_out", value: (s) => s.bytesOut },
  { name: "streamed", value: (s) => s.streamed },
  { name: "client_ip", value: (s) => s.clientIp },
];

async function* summaries(pages: AsyncIterable<LogSummaryRow[]>): AsyncGenerator<LogSummary[]> {
  for await (const page of pages) yield page.map(toSummary);
}

/** Reads request logs (written by the gateway's log writer). */
export function createLogsService(ctx: ServiceContext, options: LogsServiceOptions = {}): LogsService {
  const { db } = ctx;
  const exportPageSize = options.exportPageSize ?? 1_000;
  return {
    async list(query) {
      const { cursor, limit, ...filter } = parseInput(logsQuerySchema, query, "INVALID_QUERY");
      const after = cursor === undefined ? null : decodeCursor(cursor);
      if (cursor !== undefined && after === null) {
        throw new AppError("INVALID_QUERY", "cursor: must be a cursor returned by a previous page", {
          issues: [{ path: "cursor", message: "must be a cursor returned by a previous page" }],
        });
      }
      // One extra row tells whether another page exists without a count query.
      const rows = await selectLogPage(db, { ...filter, tenantId: ctx.tenantId }, after, limit + 1);
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      return {
        items: page.map(toSummary),
        nextCursor: rows.length > limit && last ? encodeCursor({ at: last.position, id: last.id }) : null,
      };
    },

    async get(id) {
      if (id.length === 0 || id.length > 200) throw new AppError("LOG_NOT_FOUND");
      const [row] = await db
        .select({
          log: requestLogs,
          providerName: providers.name,
          keyName: apiKeys.name,
          capture: requestCaptures,
        })
        .from(requestLogs)
        .leftJoin(providers, eq(providers.id, requestLogs.providerId))
        .leftJoin(apiKeys, eq(apiKeys.id, requestLogs.keyId))
        .leftJoin(requestCaptures, eq(requestCaptures.requestId, requestLogs.id))
        .where(and(logIdCondition(id), ctx.owned(requestLogs)));
      if (row === undefined) throw new AppError("LOG_NOT_FOUND");
      const { log } = row;
      const payload = row.capture === null ? null : await readCapturePayload(row.capture);
      const summary = toSummary({
        ...log,
        position: "",
        providerName: row.providerName,
        keyName: row.keyName,
        attemptCount: log.attempts.length,
      });
      return {
        ...summary,
        attempts: expandAttempts(log.attempts, log.providerId).map(toAttemptView),
        bodies: payload === null ? null : bodiesOf(payload),
        capture: payload === null ? null : { request: payload.request, attempts: [...payload.attempts] },
      };
    },

    export(query) {
      const { format, ...filter } = parseInput(logsExportQuerySchema, query, "INVALID_QUERY");
      const pages = summaries(iterateLogPages(db, { ...filter, tenantId: ctx.tenantId }, exportPageSize));
      return {
        filename: exportFilename("request-logs", format, ctx.now()),
        contentType: exportContentType(format),
        body: streamText(renderRecords(pages, format, EXPORT_COLUMNS, (s) => s)),
      };
    },
  };
}
