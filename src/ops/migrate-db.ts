import path from "node:path";
import { sql } from "drizzle-orm";
import { openDatabase, type Database, type Db } from "@/db/client";
import { DAY_PARTITIONED_TABLES, partitionsOf } from "@/db/day-partitions";
import { executeRows } from "@/db/execute-rows";
import { SECRET_KEY_FILE } from "@/security/master-key";
import { OpsError, openOpsDatabase, opsKeys, opsSecretBox, type OpsEnv, type Print } from "./ops-context";
import { walkSealedValues } from "./sealed-values";
import { advanceSequences, copyTable, countRows, listTables, type PageProgress } from "./table-copy";

/**
 * `npm run migrate-db -- --to postgres://…`: moves everything from the configured database (the
 * embedded one, typically) into a PostgreSQL database — gateway keys (their digests), providers with
 * their sealed credentials, users, sessions, tenants, alerts and all history (request logs, rollups,
 * audit, captures). Row ids are kept, so every sealed value still opens with the same key (its id is
 * the sealing's associated data) and every key, session and link stays valid.
 */

export interface MigrateDbOptions {
  readonly env: OpsEnv;
  /** The PostgreSQL database to fill. */
  readonly to: string;
  /** Replace what the target holds; also opens an embedded database that looks open (see ops-context). */
  readonly force: boolean;
  readonly print: Print;
}

export interface MigrateDbResult {
  readonly rows: Readonly<Record<string, number>>;
  readonly sealedValues: number;
}

/** Rows between two progress lines of one table (plus one line when the table is done). */
const PROGRESS_EVERY_ROWS = 50_000;

/** Copies every table into `to` in one target transaction; verifies counts and sealed values. */
export async function runMigrateDb(options: MigrateDbOptions): Promise<MigrateDbResult> {
  const { env, print } = options;
  const targetUrl = parseTarget(options.to, env);
  // The key ring first: a migration whose credentials nobody can open is no migration.
  const box = opsSecretBox(env);
  const source = await openOpsDatabase(env, options.force);
  try {
    const target = await openDatabase({ url: targetUrl, poolSize: 2 });
    try {
      await assertTargetEmpty(target.db, options.force);
      print(`applying migrations to ${redacted(targetUrl)}`);
      await target.migrate();
      await assertSameMigrations(source.db, target.db);
      const rows = await copyEverything(source, target.db, print);
      const sealed = await walkSealedValues(target.db, box, "verify");
      if (sealed.failures.length > 0) {
        throw new OpsError(
          `${sealed.failures.length} sealed values do not open in the target with the source's key: ` +
            sealed.failures.map((f) => `${f.table} ${f.id} ${f.field}`).join(", "),
        );
      }
      print(`done: ${sealed.opened} sealed values open in the target with the source's key`);
      explainKey(env, targetUrl, print);
      return { rows, sealedValues: sealed.opened };
    } finally {
      await target.close();
    }
  } finally {
    await source.close();
  }
}

function parseTarget(to: string, env: OpsEnv): string {
  let url: URL;
  try {
    url = new URL(to);
  } catch {
    throw new OpsError("--to must be a postgres:// URL naming the target database.");
  }
  if (url.protocol !== "postgres:" && url.protocol !== "postgresql:") {
    throw new OpsError("--to must be a postgres:// URL naming the target database.");
  }
  if (env.DATABASE_URL && sameDatabase(env.DATABASE_URL, to)) {
    throw new OpsError("--to names the database DATABASE_URL already uses: name another database.");
  }
  return to;
}

function sameDatabase(a: string, b: string): boolean {
  const [x, y] = [new URL(a), new URL(b)];
  return x.host === y.host && x.pathname === y.pathname;
}

/** The URL without its password, for output. */
function redacted(url: string): string {
  const shown = new URL(url);
  if (shown.password) shown.password = "***";
  return shown.toString();
}

/** A target that already has tables (a server started on it, an earlier run) is replaced only with --force. */
async function assertTargetEmpty(db: Db, force: boolean): Promise<void> {
  const [row] = await executeRows<{ n: number }>(
    db,
    sql`select count(*)::int as n from information_schema.tables where table_schema in ('public', 'drizzle')`,
  );
  if ((row?.n ?? 0) > 0 && !force) {
    throw new OpsError(
      "The target database is not empty (it has tables): name a new, empty database, or run again with --force " +
        "to replace everything it holds with the source's data.",
    );
  }
}

/** Both sides must be at the same schema: the source at this version's migrations, as the target now is. */
async function assertSameMigrations(source: Db, target: Db): Promise<void> {
  const query = sql`select hash from drizzle.__drizzle_migrations order by created_at, id`;
  const [a, b] = await Promise.all([
    executeRows<{ hash: string }>(source, query),
    executeRows<{ hash: string }>(target, query),
  ]);
  const same = a.length === b.length && a.every((row, i) => row.hash === b[i]!.hash);
  if (!same) {
    throw new OpsError(
      `The source database has ${a.length} migrations, this version of Roundabout ${b.length}: ` +
        (a.length < b.length
          ? "start this version once on the source (it migrates at start), stop it, then run again."
          : "run the migration with the version of Roundabout that last used the source."),
    );
  }
}

/**
 * One target transaction: empty every table (migrations seed a few rows), create the source's day
 * partitions, copy table by table in foreign-key order, move sequences past the copied ids, and
 * compare row counts — anything wrong rolls the whole target back.
 */
async function copyEverything(source: Database, target: Db, print: Print): Promise<Record<string, number>> {
  const tables = await listTables(source.db);
  const rows: Record<string, number> = {};
  const copy = async (from: Db) => {
    await target.transaction(async (tx) => {
      const into = tx as unknown as Db;
      await into.execute(
        sql`truncate table ${sql.join(
          tables.map((t) => sql.identifier(t.name)),
          sql`, `,
        )} restart identity cascade`,
      );
      await createDayPartitions(from, into);
      for (const table of tables) {
        const total = await countRows(from, table.name);
        const started = Date.now();
        let shown = 0;
        const onPage = (p: PageProgress) => {
          if (p.copied - shown < PROGRESS_EVERY_ROWS) return;
          shown = p.copied;
          print(`  ${p.table}: ${p.copied} / ${p.total} rows`);
        };
        const copied = await copyTable(from, into, table, total, onPage);
        await advanceSequences(into, table);
        const landed = await countRows(into, table.name);
        if (landed !== copied) {
          throw new OpsError(
            `${table.name}: ${copied} rows read, ${landed} in the target; nothing was kept.`,
          );
        }
        rows[table.name] = copied;
        print(`${table.name}: ${copied} rows (${((Date.now() - started) / 1000).toFixed(1)} s)`);
      }
    });
  };
  // A PostgreSQL source keeps serving: one read-only snapshot makes the copy consistent. An embedded
  // source is closed to everyone else (the guard), so it cannot change underneath.
  if (source.kind === "postgres") {
    await source.db.transaction((tx) => copy(tx as unknown as Db), {
      isolationLevel: "repeatable read",
      accessMode: "read only",
    });
  } else {
    await copy(source.db);
  }
  return rows;
}

/** The target gets a partition for every day the source has one (else old rows land in `_default`). */
async function createDayPartitions(source: Db, target: Db): Promise<void> {
  for (const table of DAY_PARTITIONED_TABLES) {
    for (const name of await partitionsOf(source, table)) {
      const day = /_p(\d{4})(\d{2})(\d{2})$/.exec(name);
      if (!day) continue;
      await target.execute(
        sql`select rb_ensure_day_partition(${table}::regclass, ${`${day[1]}-${day[2]}-${day[3]}`}::date)`,
      );
    }
  }
}

/** Which key the instances on the target must run with (never printing it). */
function explainKey(env: OpsEnv, targetUrl: string, print: Print): void {
  const keys = opsKeys(env);
  const where = env.SECRET_KEY
    ? "the SECRET_KEY you ran this with"
    : path.join(env.DATA_DIR, SECRET_KEY_FILE);
  print(
    `Start Roundabout with DATABASE_URL=${redacted(targetUrl)} and SECRET_KEY set to ${where} ` +
      "(gateway keys, sessions and credentials depend on it).",
  );
  if (keys.keys.length > 1) {
    print(
      `Some credentials may still be sealed with the previous key: set SECRET_KEY_PREVIOUS too ` +
        `(${env.SECRET_KEY_PREVIOUS ? "as you ran this" : path.join(env.DATA_DIR, SECRET_KEY_FILE)}), then run \`npm run rotate-secret\`.`,
    );
  }
}
