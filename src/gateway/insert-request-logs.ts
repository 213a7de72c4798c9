import { getTableColumns, getTableName, is, SQL, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { requestLogs, type NewRequestLogRow } from "../db/schema/request-logs";

/**
 * The log writer's batch insert: ONE statement with ONE parameter, the batch as a JSON array, turned
 * into rows by `json_to_recordset`. Drizzle's multi-row VALUES insert binds every column of every row
 * (20 × 500 = 10,000 parameters) and spent ~3× the database's own time building that SQL; here the
 * SQL text is built once from the table definition and the batch costs one `JSON.stringify`.
 * Works the same on PGlite and PostgreSQL.
 *
 * The JSON keys are the rows' own (camelCase) property names, so rows are serialised as they are.
 * JSON.stringify leaves out undefined properties: a column with a default gets it from `coalesce`.
 *
 * On PGlite the parameter goes in as UTF-8 bytes in binary format (json's binary form is its text):
 * given a string, PGlite measures its UTF-8 length in a JavaScript loop over every character, twice
 * per parameter — for a 300 KB batch that cost more gateway CPU than any other step of a request.
 */

type ColumnKey = keyof typeof requestLogs._.columns;

/** PostgreSQL's type oid of `json`. */
const JSON_OID = 114;

/** The slice of PGlite's client API used here (its per-query serializer override). */
interface PgliteClient {
  query(
    text: string,
    params: unknown[],
    options: { serializers: Record<number, (value: unknown) => unknown> },
  ): Promise<unknown>;
}

/** True for a PGlite instance: execProtocolRaw is its own API, postgres.js has nothing of that name. */
function isPgliteClient(client: unknown): client is PgliteClient {
  return (
    typeof client === "object" &&
    client !== null &&
    "execProtocolRaw" in client &&
    "query" in client &&
    typeof client.query === "function"
  );
}

/** The PGlite client behind a drizzle handle, or null for any other driver. */
function pgliteClientOf(db: Db): PgliteClient | null {
  const client: unknown = "$client" in db ? db.$client : undefined;
  return isPgliteClient(client) ? client : null;
}

const passThrough = (value: unknown) => value;
const BINARY_JSON = { serializers: { [JSON_OID]: passThrough } };

/** Quotes an identifier for PostgreSQL (the names come from our schema, never from input). */
function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** A SQL literal of a column's JS default (`[]`, `0`, `false`...), cast to the column's type. */
function defaultLiteral(value: unknown, sqlType: string): string {
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return `'${text.replaceAll("'", "''")}'::${sqlType}`;
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
    const fallback = column.default;
    // Defaults computed by SQL or in JS (drizzle fills those in itself) would silently become NULL.
    if (is(fallback, SQL) || column.defaultFn !== undefined || column.onUpdateFn !== undefined) {
      throw new Error(`request_logs.${column.name}: only constant defaults are supported by the log insert`);
    }
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

/** Creates the batch insert function for `db` (rows are written as given, in one statement). */
export function createRequestLogInsert(db: Db): (rows: readonly NewRequestLogRow[]) => Promise<void> {
  const text = buildInsertText();
  const pglite = pgliteClientOf(db);
  if (pglite !== null) {
    return async (rows) => {
      await pglite.query(text, [Buffer.from(JSON.stringify(rows))], BINARY_JSON);
    };
  }
  const [head, tail] = text.split("$1::json") as [string, string];
  const before = sql.raw(head);
  const after = sql.raw(tail);
  return async (rows) => {
    const statement = sql`${before}${sql.param(JSON.stringify(rows))}::json${after}`;
    await db.execute(statement);
  };
}
