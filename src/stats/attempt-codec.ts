import type { AttemptRecord } from "../db/schema/request-logs";
import { ATTEMPT_OUTCOMES, type LoggedAttemptOutcome } from "../core/vocabulary/status-classes";

/**
 * How a request log's attempts are stored: one positional array per attempt instead of an object,
 * and no provider id when it is the row's own provider (the usual single attempt). In jsonb that is
 * ~100-140 bytes less per request (the keys and the repeated UUID), about a fifth of a log row.
 * The gateway, metrics and the live stream keep using `AttemptRecord` objects in memory; only the
 * log insert compacts and only readers of stored rows expand. Rows stored before as objects still read.
 */

/** [providerId or null (= the row's provider), provider, status, errorCode, startMs, connectMs, firstByteMs, endMs, ms, outcome] */
export type StoredAttempt = [
  string | null,
  string,
  number | null,
  string | null,
  number,
  number | null,
  number | null,
  number,
  number,
  LoggedAttemptOutcome,
];

/** The stored form of a row's attempts. */
export function compactAttempts(
  attempts: readonly AttemptRecord[],
  rowProviderId: string | null,
): StoredAttempt[] {
  return attempts.map((a) => [
    a.providerId === rowProviderId ? null : a.providerId,
    a.provider,
    a.status ?? null,
    a.errorCode ?? null,
    a.startMs,
    a.connectMs ?? null,
    a.firstByteMs ?? null,
    a.endMs,
    a.ms,
    a.outcome,
  ]);
}

const OUTCOMES: ReadonlySet<string> = new Set(ATTEMPT_OUTCOMES);

function expandOne(value: unknown, rowProviderId: string | null): AttemptRecord | null {
  if (!Array.isArray(value)) {
    // Stored before compaction (or already an object): taken as it is.
    return typeof value === "object" && value !== null ? (value as AttemptRecord) : null;
  }
  const [providerId, provider, status, errorCode, startMs, connectMs, firstByteMs, endMs, ms, outcome] =
    value as unknown[];
  const id = typeof providerId === "string" ? providerId : rowProviderId;
  if (id === null || typeof outcome !== "string" || !OUTCOMES.has(outcome)) return null;
  const record: AttemptRecord = {
    providerId: id,
    provider: typeof provider === "string" ? provider : "",
    startMs: Number(startMs),
    endMs: Number(endMs),
    ms: Number(ms),
    outcome: outcome as LoggedAttemptOutcome,
  };
  if (typeof status === "number") record.status = status;
  if (typeof errorCode === "string") record.errorCode = errorCode;
  if (typeof connectMs === "number") record.connectMs = connectMs;
  if (typeof firstByteMs === "number") record.firstByteMs = firstByteMs;
  return record;
}

/** A stored row's attempts as records (both the compact and the older object form). */
export function expandAttempts(stored: unknown, rowProviderId: string | null): AttemptRecord[] {
  if (!Array.isArray(stored)) return [];
  const out: AttemptRecord[] = [];
  for (const value of stored) {
    const record = expandOne(value, rowProviderId);
    if (record !== null) out.push(record);
  }
  return out;
}
