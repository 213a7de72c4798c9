import { sql, type SQL } from "drizzle-orm";
import type { Db } from "@/db/client";
import { executeRows } from "@/db/execute-rows";
import { OpsError } from "./ops-context";

/**
 * Copying whole tables between two databases of the same schema, page by page: rows leave the source
 * as `to_jsonb` text and enter the target through `jsonb_populate_recordset`, so PostgreSQL's own
 * type input/output carries every value (timestamps with their microseconds, numerics, arrays, jsonb)
 * and neither driver's type mapping is involved. Pages follow the primary key (keyset), so each one
 * is an index range scan and only one page is ever in memory.
 */

/** A column of a copied table. */
interface ColumnInfo {
  readonly name: string;
  /** `format_type` of the column: what a key value read back from JSON is cast to. */
  readonly type: string;
  /** Stored generated columns are computed by the target, never inserted. */
  readonly generated: boolean;
  readonly identity: boolean;
  /** The sequence behind an identity or serial column, to move past the copied ids. */
  readonly sequence: string | null;
}

/** A top-level table (a partitioned table is copied through its parent). */
export interface TableInfo {
  readonly name: string;
  readonly columns: readonly ColumnInfo[];
  /** Primary-key columns in key order (the page cursor). */
  readonly key: readonly ColumnInfo[];
}

/** Progress of one table, reported after every page. */
export interface PageProgress {
  readonly table: string;
  readonly copied: number;
  readonly total: number;
}

/** Page sizes: start here, halve when a page's JSON passes the byte budget, grow back when small. */
const FIRST_PAGE_ROWS = 1_000;
const MAX_PAGE_ROWS = 5_000;
const PAGE_BYTE_BUDGET = 8 * 1024 * 1024;

/** The tables of the `public` schema, parents before the tables whose foreign keys point at them. */
export async function listTables(db: Db): Promise<TableInfo[]> {
  const columns = await executeRows<{
    table: string;
    name: string;
    type: string;
    generated: string;
    identity: string;
    sequence: string | null;
    key_position: number | null;
  }>(
    db,
    sql`select c.relname as "table", a.attname as name, format_type(a.atttypid, a.atttypmod) as type,
               a.attgenerated::text as generated, a.attidentity::text as identity,
               pg_get_serial_sequence(quote_ident(c.relname), a.attname) as sequence,
               array_position(i.indkey::int2[], a.attnum) as key_position
        from pg_class c
        join pg_namespace n on n.oid = c.relnamespace and n.nspname = 'public'
        join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
        left join pg_index i on i.indrelid = c.oid and i.indisprimary
        where c.relkind in ('r', 'p') and not c.relispartition
        order by c.relname, a.attnum`,
  );
  const byTable = new Map<string, { columns: ColumnInfo[]; key: [number, ColumnInfo][] }>();
  for (const row of columns) {
    const entry = byTable.get(row.table) ?? { columns: [], key: [] };
    byTable.set(row.table, entry);
    const column: ColumnInfo = {
      name: row.name,
      type: row.type,
      generated: row.generated !== "",
      identity: row.identity !== "",
      sequence: row.sequence,
    };
    entry.columns.push(column);
    if (row.key_position !== null) entry.key.push([Number(row.key_position), column]);
  }
  const tables = [...byTable].map(([name, entry]): TableInfo => {
    if (entry.key.length === 0) {
      throw new OpsError(`Table ${name} has no primary key: it cannot be copied page by page.`);
    }
    return { name, columns: entry.columns, key: entry.key.sort((a, b) => a[0] - b[0]).map(([, c]) => c) };
  });
  return orderByForeignKeys(db, tables);
}

/** Sorts tables so that every table comes after the tables its foreign keys reference. */
async function orderByForeignKeys(db: Db, tables: TableInfo[]): Promise<TableInfo[]> {
  const edges = await executeRows<{ child: string; parent: string }>(
    db,
    sql`select c.relname as child, p.relname as parent
        from pg_constraint k
        join pg_class c on c.oid = k.conrelid and not c.relispartition
        join pg_class p on p.oid = k.confrelid and not p.relispartition
        where k.contype = 'f' and k.connamespace = 'public'::regnamespace and k.conrelid <> k.confrelid`,
  );
  const parents = new Map<string, Set<string>>();
  for (const { child, parent } of edges) {
    const set = parents.get(child) ?? new Set<string>();
    set.add(parent);
    parents.set(child, set);
  }
  const byName = new Map(tables.map((t) => [t.name, t]));
  const ordered: TableInfo[] = [];
  const state = new Map<string, "visiting" | "done">();
  const visit = (name: string): void => {
    if (state.get(name) === "done" || !byName.has(name)) return;
    if (state.get(name) === "visiting") {
      throw new OpsError(`Foreign keys form a cycle through ${name}: no copy order exists.`);
    }
    state.set(name, "visiting");
    for (const parent of parents.get(name) ?? []) visit(parent);
    state.set(name, "done");
    ordered.push(byName.get(name)!);
  };
  for (const table of tables) visit(table.name);
  return ordered;
}

function quoted(name: string): SQL {
  return sql`${sql.identifier(name)}`;
}

function columnList(columns: readonly ColumnInfo[]): SQL {
  return sql.join(
    columns.map((c) => quoted(c.name)),
    sql`, `,
  );
}

/** `where (k1, k2) > (cursor->>'k1'::type1, …)`: the next page after the last row's key. */
function afterCursor(table: TableInfo, cursor: string | null): SQL {
  if (cursor === null) return sql``;
  const values = table.key.map((c) => sql`(${cursor}::jsonb ->> ${c.name})::${sql.raw(c.type)}`);
  return sql`where (${columnList(table.key)}) > (${sql.join(values, sql`, `)})`;
}

/** Rows in `table` (for progress, and to compare both sides when done). */
export async function countRows(db: Db, table: string): Promise<number> {
  const [row] = await executeRows<{ n: number | string }>(
    db,
    sql`select count(*)::bigint as n from ${quoted(table)}`,
  );
  return Number(row?.n ?? 0);
}

/**
 * Copies every row of `table` from `source` into `target` (which has the same schema), one keyset
 * page at a time; returns the number of rows copied.
 */
export async function copyTable(
  source: Db,
  target: Db,
  table: TableInfo,
  total: number,
  onPage: (progress: PageProgress) => void,
): Promise<number> {
  const inserted = table.columns.filter((c) => !c.generated);
  const overriding = inserted.some((c) => c.identity) ? sql`overriding system value` : sql``;
  let cursor: string | null = null;
  let pageRows = FIRST_PAGE_ROWS;
  let copied = 0;
  for (;;) {
    const rows = await executeRows<{ r: string }>(
      source,
      sql`select to_jsonb(t)::text as r from (
            select * from ${quoted(table.name)} ${afterCursor(table, cursor)}
            order by ${columnList(table.key)} limit ${pageRows}) t`,
    );
    if (rows.length === 0) break;
    const page = `[${rows.map((row) => row.r).join(",")}]`;
    await target.execute(
      sql`insert into ${quoted(table.name)} (${columnList(inserted)}) ${overriding}
          select ${columnList(inserted)} from jsonb_populate_recordset(null::${quoted(table.name)}, ${page}::jsonb)`,
    );
    copied += rows.length;
    onPage({ table: table.name, copied, total: Math.max(total, copied) });
    const last = JSON.parse(rows[rows.length - 1]!.r) as Record<string, unknown>;
    cursor = JSON.stringify(Object.fromEntries(table.key.map((c) => [c.name, last[c.name]])));
    if (rows.length < pageRows) break;
    // Wide rows (captured bodies) shrink the page; narrow ones let it grow back.
    if (page.length > PAGE_BYTE_BUDGET) pageRows = Math.max(1, Math.floor(pageRows / 2));
    else if (page.length < PAGE_BYTE_BUDGET / 4) pageRows = Math.min(MAX_PAGE_ROWS, pageRows * 2);
  }
  return copied;
}

/** Moves each sequence of `table` past the highest copied value, so new rows get fresh ids. */
export async function advanceSequences(target: Db, table: TableInfo): Promise<void> {
  for (const column of table.columns) {
    if (!column.sequence) continue;
    await target.execute(
      sql`select setval(${column.sequence}, m) from (select max(${quoted(column.name)}) as m
          from ${quoted(table.name)}) s where m is not null`,
    );
  }
}
