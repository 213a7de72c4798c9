import { getTableColumns, getTableName, is, SQL, sql } from "drizzle-orm";
import { requestLogs, type NewRequestLogRow } from "../db/schema/request-logs";
import { compactAttempts, type StoredAttempt } from "../stats/attempt-codec";

/**
 * The log writer's batch insert, ONE statement per batch in one of two formats:
 *
 * - `json` (PostgreSQL, PGlite on the calling thread): ONE parameter, the batch as a JSON array,
 *   turned into rows by `json_to_recordset`. Drizzle's multi-row VALUES insert binds every column of
 *   every row (20 × 500 = 10,000 parameters) and spent ~3× the database's own time building that SQL;
 *   here the SQL text is built once from the table definition and the batch costs one `JSON.stringify`.
 *   JSON.stringify leaves out undefined properties: a column with a default gets it from `coalesce`.
 * - `copy` (the embedded database's thread, `Database.blobCopy`): `copy request_logs (…) from
 *   '/dev/blob'` with the batch in COPY text format as its one parameter. PGlite's WebAssembly parses
 *   COPY text faster than JSON: 36–38 against 45–47 µs a row on the database thread (this host,
 *   230-row batches, every index in place). Defaults are written into the text from the table
 *   definition.
 *
 * Both work inside the log writer's transaction, so the batch's rollups commit with it.
 */

type ColumnKey = keyof typeof requestLogs._.columns;

/** Quotes an identifier for PostgreSQL (the names come from our schema, never from input). */
function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** A SQL literal of a column's JS default (`[]`, `0`, `false`...), cast to the column's type. */
function defaultLiteral(value: unknown, sqlType: string): string {
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return `'${text.replaceAll("'", "''")}'::${sqlType}`;
}

type LogColumn = (typeof requestLogs._.columns)[ColumnKey];

/** The column's default; throws for one computed by SQL or in JS, which would silently become NULL. */
function constantDefaultOf(column: LogColumn): unknown {
  if (is(column.default, SQL) || column.defaultFn !== undefined || column.onUpdateFn !== undefined) {
    throw new Error(`request_logs.${column.name}: only constant defaults are supported by the log insert`);
  }
  return column.default;
}

/** Builds the statement text for the table's current columns (once per writer). */
function buildInsertText(): string {
  const columns = getTableColumns(requestLogs);
  const targets: string[] = [];
  const values: string[] = [];
  const definitions: string[] = [];
  for (const key of Object.keys(columns) as ColumnKey[]) {
    const column = columns[key];
    const type = column.getSQLType();
    targets.push(ident(column.name));
    definitions.push(`${ident(key)} ${type}`);
    const value = `r.${ident(key)}`;
    const fallback = constantDefaultOf(column);
    values.push(
      fallback === undefined || fallback === null
        ? value
        : `coalesce(${value}, ${defaultLiteral(fallback, type)})`,
    );
  }
  return (
    `insert into ${ident(getTableName(requestLogs))} (${targets.join(", ")}) ` +
    `select ${values.join(", ")} from json_to_recordset($1::json) as r(${definitions.join(", ")})`
  );
}

/** The row as stored: its attempts compacted (stats/attempt-codec.ts). */
function toStoredRow(
  row: NewRequestLogRow,
): Omit<NewRequestLogRow, "attempts"> & { attempts?: NewRequestLogRow["attempts"] | StoredAttempt[] } {
  if (row.attempts === undefined || row.attempts.length === 0) return row;
  return { ...row, attempts: compactAttempts(row.attempts, row.providerId ?? null) };
}

/** Anything that runs a SQL statement: the database handle or a transaction on it. */
export interface SqlExecutor {
  execute(query: SQL): Promise<unknown>;
}

/** How a batch travels to the database (see the top of this file). */
export type LogInsertFormat = "json" | "copy";

/** A batch insert: rows are written as given, in one statement, on the executor given per call. */
export type RequestLogInsert = (executor: SqlExecutor, rows: readonly NewRequestLogRow[]) => Promise<void>;

/**
 * Creates the batch insert. It takes the executor per call so the log writer can run it inside the
 * transaction that also writes the batch's rollups.
 */
export function createRequestLogInsert(format: LogInsertFormat = "json"): RequestLogInsert {
  return format === "copy" ? createCopyInsert() : createJsonInsert();
}

function createJsonInsert(): RequestLogInsert {
  const [head, tail] = buildInsertText().split("$1::json") as [string, string];
  const before = sql.raw(head);
  const after = sql.raw(tail);
  return async (executor, rows) => {
    await executor.execute(sql`${before}${sql.param(JSON.stringify(rows.map(toStoredRow)))}::json${after}`);
  };
}

/** One column as the COPY encoder writes it: its row property, its default text, how a value maps. */
interface CopyColumn {
  readonly key: ColumnKey;
  /** The SQL column name, quoted. */
  readonly name: string;
  /** The column's constant default as COPY text, or `\\N` (NULL) when it has none. */
  readonly absent: string;
  /** The value as COPY text (not null, not undefined). */
  readonly field: (value: unknown) => string;
}

// COPY text format: backslash, tab, newline and carriage return are the only bytes to escape.
const COPY_SPECIAL = /[\\\t\n\r]/;
const COPY_SPECIAL_ALL = /[\\\t\n\r]/g;
const COPY_ESCAPES: Readonly<Record<string, string>> = {
  "\\": "\\\\",
  "\t": "\\t",
  "\n": "\\n",
  "\r": "\\r",
};

/** A value as a COPY text field (the caller has mapped it to its driver form: string, number, boolean). */
function copyField(value: unknown): string {
  const text = typeof value === "string" ? value : String(value);
  return COPY_SPECIAL.test(text) ? text.replace(COPY_SPECIAL_ALL, (c) => COPY_ESCAPES[c]!) : text;
}

/**
 * A value of a column that is not jsonb as COPY text. Strings, numbers and booleans are their own text;
 * the rest (dates) goes through drizzle's mapping of the column (`mapped`: toISOString), as the JSON
 * form's parameters do. A number that is not finite is NULL, as JSON.stringify writes it there.
 */
function plainField(value: unknown, mapped: (value: unknown) => string): string {
  if (typeof value === "string") return copyField(value);
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "\\N";
  if (typeof value === "boolean") return String(value);
  return mapped(value);
}

/** The table's columns in COPY order, each with its default and its driver mapping (once per writer). */
function buildCopyColumns(): CopyColumn[] {
  const columns = getTableColumns(requestLogs);
  return (Object.keys(columns) as ColumnKey[]).map((key) => {
    const column = columns[key];
    const fallback = constantDefaultOf(column);
    const mapped = (value: unknown) => copyField(column.mapToDriverValue(value));
    const field = column.getSQLType() === "jsonb" ? mapped : (value: unknown) => plainField(value, mapped);
    return {
      key,
      name: ident(column.name),
      absent: fallback === undefined || fallback === null ? "\\N" : field(fallback),
      field,
    };
  });
}

function createCopyInsert(): RequestLogInsert {
  const columns = buildCopyColumns();
  // Drizzle writes the parameter's placeholder where it stands: a comment keeps it out of the COPY.
  const statement = sql.raw(
    `copy ${ident(getTableName(requestLogs))} (${columns.map((c) => c.name).join(", ")}) from '/dev/blob' -- rows: `,
  );
  return async (executor, rows) => {
    let text = "";
    for (const row of rows) {
      const stored = toStoredRow(row) as Record<ColumnKey, unknown>;
      let line = "";
      for (let i = 0; i < columns.length; i++) {
        const column = columns[i]!;
        const value = stored[column.key];
        if (i > 0) line += "\t";
        line += value === undefined ? column.absent : value === null ? "\\N" : column.field(value);
      }
      text += line + "\n";
    }
    // The worker reads a blob COPY's one string parameter as its rows (db/pglite-thread-protocol.ts).
    await executor.execute(sql`${statement}${sql.param(text)}`);
  };
}
