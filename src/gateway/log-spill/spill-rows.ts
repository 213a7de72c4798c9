/**
 * Request-log rows as a spill record's payload: one JSON array per batch. JSON turns Dates into ISO
 * strings; the reader turns the table's timestamp columns back into Dates (derived from the schema,
 * so a new timestamp column round-trips without a change here).
 */
import { getTableColumns } from "drizzle-orm";
import { requestLogs, type NewRequestLogRow } from "../../db/schema/request-logs";

let dateKeys: readonly string[] | null = null;

/** The row properties that hold Dates (computed once, on first use: nothing runs at import). */
function dateKeysOfRows(): readonly string[] {
  dateKeys ??= Object.entries(getTableColumns(requestLogs))
    .filter(([, column]) => column.dataType === "date")
    .map(([key]) => key);
  return dateKeys;
}

/** Serialises a batch of rows. */
export function encodeRows(rows: readonly NewRequestLogRow[]): Buffer {
  return Buffer.from(JSON.stringify(rows), "utf8");
}

/** Reads a batch back; throws on a payload that is not an array of row objects. */
export function decodeRows(payload: Buffer): NewRequestLogRow[] {
  const parsed: unknown = JSON.parse(payload.toString("utf8"));
  if (!Array.isArray(parsed)) throw new TypeError("spill payload is not an array of rows");
  const keys = dateKeysOfRows();
  return parsed.map((value: unknown) => {
    if (typeof value !== "object" || value === null)
      throw new TypeError("spill payload holds a non-object row");
    const row = value as Record<string, unknown>;
    for (const key of keys) {
      const text = row[key];
      if (typeof text === "string") row[key] = new Date(text);
    }
    return row as unknown as NewRequestLogRow;
  });
}
