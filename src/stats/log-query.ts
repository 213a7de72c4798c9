import { and, eq, gte, lt, sql, type SQL } from "drizzle-orm";
import type { Db } from "../db/client";
import { apiKeys } from "../db/schema/api-keys";
import { providers } from "../db/schema/providers";
import { requestLogs } from "../db/schema/request-logs";
import { uuidV7Time } from "@/core/ids/uuid-v7";
import type { LogSource } from "@/core/vocabulary/capture";
import type { StatusClass } from "@/core/vocabulary/status-classes";

/**
 * Keyset pages of request logs, newest first, over the (created_at, id) primary key: a page costs the same
 * whichever page it is, and the cursor survives rows being added or deleted meanwhile.
 */

export interface LogFilter {
  /** The acting tenant: only its rows (the services always set it). */
  readonly tenantId?: string;
  readonly from?: number;
  readonly to?: number;
  readonly groupId?: string;
  readonly providerId?: string;
  readonly keyId?: string;
  readonly statusClass?: StatusClass;
  readonly errorCode?: string;
  readonly model?: string;
  readonly streamed?: boolean;
  readonly requestId?: string;
  /** Path prefix. */
  readonly path?: string;
  readonly status?: number;
  /** Default `client`: replays are shown only when asked for. */
  readonly source?: LogSource | "all";
  readonly replayOf?: string;
}

/** `%`, `_` and `\` taken literally in a LIKE pattern. */
function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Position after the last row of a page: its created_at (µs text from the database) and id. */
export interface LogPosition {
  readonly at: string;
  readonly id: string;
}

function statusClassCondition(statusClass: StatusClass): SQL {
  const s = requestLogs.status;
  const e = requestLogs.errorCode;
  switch (statusClass) {
    case "2xx":
      return sql`(${s} between 200 and 299 and ${e} is null)`;
    case "3xx":
      return sql`(${s} between 300 and 399 and ${e} is null)`;
    case "4xx":
      return sql`(${s} between 400 and 499)`;
    case "5xx":
      return sql`(${s} between 500 and 599)`;
    case "err":
      return sql`((${s} between 200 and 399 and ${e} is not null) or ${s} < 200 or ${s} > 599)`;
  }
}

/** The WHERE conditions of a filter (and of the position to continue after). */
export function logConditions(f: LogFilter, after: LogPosition | null): SQL | undefined {
  const c: SQL[] = [];
  if (f.tenantId !== undefined) c.push(eq(requestLogs.tenantId, f.tenantId));
  if (f.from !== undefined) c.push(gte(requestLogs.createdAt, new Date(f.from)));
  if (f.to !== undefined) c.push(lt(requestLogs.createdAt, new Date(f.to)));
  if (f.groupId !== undefined) c.push(eq(requestLogs.groupId, f.groupId));
  if (f.providerId !== undefined) c.push(eq(requestLogs.providerId, f.providerId));
  if (f.keyId !== undefined) c.push(eq(requestLogs.keyId, f.keyId));
  if (f.statusClass !== undefined) c.push(statusClassCondition(f.statusClass));
  if (f.errorCode !== undefined) c.push(eq(requestLogs.errorCode, f.errorCode));
  if (f.model !== undefined) c.push(eq(requestLogs.model, f.model));
  if (f.streamed !== undefined) c.push(eq(requestLogs.streamed, f.streamed));
  if (f.requestId !== undefined) c.push(eq(requestLogs.id, f.requestId));
  if (f.path !== undefined) c.push(sql`${requestLogs.path} like ${escapeLike(f.path) + "%"}`);
  if (f.status !== undefined) c.push(eq(requestLogs.status, f.status));
  if (f.replayOf !== undefined) c.push(eq(requestLogs.replayOf, f.replayOf));
  // A replay-of filter or an exact id finds replays whatever the source filter says.
  const source = f.source ?? (f.replayOf !== undefined || f.requestId !== undefined ? "all" : "client");
  if (source !== "all") c.push(eq(requestLogs.source, source));
  if (after !== null) {
    c.push(sql`(${requestLogs.createdAt}, ${requestLogs.id}) < (${after.at}::timestamptz, ${after.id})`);
  }
  return c.length > 0 ? and(...c) : undefined;
}

// Served by the primary key (created_at, id) scanned backwards, which yields DESC NULLS FIRST; both
// columns are NOT NULL, and any other NULLS order would make the planner sort every page.
const NEWEST_FIRST = [sql`${requestLogs.createdAt} desc`, sql`${requestLogs.id} desc`] as const;

/** created_at at full (µs) precision, so a cursor never skips rows created in the same millisecond. */
const positionText = sql<string>`to_char(${requestLogs.createdAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

const summaryColumns = {
  id: requestLogs.id,
  createdAt: requestLogs.createdAt,
  position: positionText,
  groupId: requestLogs.groupId,
  groupSlug: requestLogs.groupSlug,
  providerId: requestLogs.providerId,
  providerName: providers.name,
  keyId: requestLogs.keyId,
  keyName: apiKeys.name,
  method: requestLogs.method,
  path: requestLogs.path,
  status: requestLogs.status,
  errorCode: requestLogs.errorCode,
  totalMs: requestLogs.totalMs,
  ttfbMs: requestLogs.ttfbMs,
  attemptCount: sql<number>`jsonb_array_length(${requestLogs.attempts})`.mapWith(Number),
  model: requestLogs.model,
  inputTokens: requestLogs.inputTokens,
  outputTokens: requestLogs.outputTokens,
  cacheReadTokens: requestLogs.cacheReadTokens,
  cacheWriteTokens: requestLogs.cacheWriteTokens,
  costMicros: requestLogs.costMicros,
  bytesIn: requestLogs.bytesIn,
  bytesOut: requestLogs.bytesOut,
  streamed: requestLogs.streamed,
  clientIp: requestLogs.clientIp,
  source: requestLogs.source,
  replayOf: requestLogs.replayOf,
};

export type LogSummaryRow = Awaited<ReturnType<typeof selectLogPage>>[number];

/** Up to `limit` rows matching `filter` after `after`, newest first. */
export async function selectLogPage(db: Db, filter: LogFilter, after: LogPosition | null, limit: number) {
  return db
    .select(summaryColumns)
    .from(requestLogs)
    .leftJoin(providers, eq(providers.id, requestLogs.providerId))
    .leftJoin(apiKeys, eq(apiKeys.id, requestLogs.keyId))
    .where(logConditions(filter, after))
    .orderBy(...NEWEST_FIRST)
    .limit(limit);
}

/** Every matching row, page by page (for exports); only one page is in memory at a time. */
export async function* iterateLogPages(
  db: Db,
  filter: LogFilter,
  pageSize: number,
): AsyncGenerator<LogSummaryRow[]> {
  let after: LogPosition | null = null;
  for (;;) {
    const page = await selectLogPage(db, filter, after, pageSize);
    if (page.length > 0) yield page;
    if (page.length < pageSize) return;
    const last = page[page.length - 1]!;
    after = { at: last.position, id: last.id };
  }
}

/** How far a log's created_at may be from the time in its UUIDv7 id (both are taken together). */
const ID_TIME_SLACK_MS = 60_000;

/**
 * The condition finding one log by its request id. A UUIDv7 id (every id the gateway makes) carries
 * its creation time, which bounds created_at: the lookup reads one day partition's primary key over
 * two minutes. Other ids (UUIDv4 from before, tests) are searched without that bound.
 */
export function logIdCondition(id: string): SQL {
  const at = uuidV7Time(id);
  if (at === null) return eq(requestLogs.id, id);
  return and(
    gte(requestLogs.createdAt, new Date(at - ID_TIME_SLACK_MS)),
    lt(requestLogs.createdAt, new Date(at + ID_TIME_SLACK_MS)),
    eq(requestLogs.id, id),
  )!;
}

/** Opaque cursor text for a position. */
export function encodeCursor(position: LogPosition): string {
  return Buffer.from(JSON.stringify([position.at, position.id]), "utf8").toString("base64url");
}

/** The position of a cursor, or null when it is not one this API produced. */
export function decodeCursor(cursor: string): LogPosition | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (!Array.isArray(value) || value.length !== 2) return null;
    const [at, id] = value as unknown[];
    if (typeof at !== "string" || typeof id !== "string") return null;
    if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/.test(at) || id.length === 0 || id.length > 200)
      return null;
    return { at, id };
  } catch {
    return null;
  }
}
