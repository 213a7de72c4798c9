import { sql } from "drizzle-orm";
import type { NewRequestLogRow } from "../db/schema/request-logs";
import type { SqlExecutor } from "./insert-request-logs";

/**
 * Sets `api_keys.last_used_at` from a batch of request-log rows, in the batch's own transaction: one
 * statement per batch, never a database write on the request path. Only moves the time forward.
 */
export async function touchKeyUsage(executor: SqlExecutor, rows: readonly NewRequestLogRow[]): Promise<void> {
  const latest = new Map<string, number>();
  for (const row of rows) {
    if (!row.keyId) continue;
    const t = row.createdAt.getTime();
    if ((latest.get(row.keyId) ?? -Infinity) < t) latest.set(row.keyId, t);
  }
  if (latest.size === 0) return;
  const payload = JSON.stringify([...latest].map(([id, t]) => ({ id, t: new Date(t).toISOString() })));
  await executor.execute(sql`
    update api_keys as k set last_used_at = v.t
    from (
      select (x->>'id')::uuid as id, (x->>'t')::timestamptz as t from json_array_elements(${payload}::json) as x
    ) as v
    where k.id = v.id and (k.last_used_at is null or k.last_used_at < v.t)`);
}
