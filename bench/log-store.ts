/**
 * Log-store benchmark (issue 12, "a log store that scales with traffic" and the disk target).
 *
 * 1. Log writer, one instance: sustained insert rate (rows/s, rollups on) into a fresh database, on
 *    PostgreSQL (127.0.0.1, throwaway database) and on embedded PGlite (throwaway folder).
 * 2. Disk per request after that run: where the bytes go (each table's heap and TOAST, each index,
 *    WAL written; PGlite: the data folder and its pg_wal before and after a checkpoint).
 * 3. PostgreSQL only: one UTC day of `--day-rows` rows (default 10M, generated in SQL) with its
 *    rollups; the 24 h dashboard and log queries over it; the old row-by-row retention (5,000-row
 *    DELETEs, timed on a slice and extrapolated) against dropping the day's partitions.
 *
 *   npx tsx bench/log-store.ts [--writer-rows N] [--day-rows N] [--url postgres://…] [--skip-day] [--skip-pglite]
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { sql } from "drizzle-orm";
import postgres from "postgres";
import { z } from "zod";
import { openDatabase, type Database } from "../src/db/client";
import { ensureDayPartitions } from "../src/db/day-partitions";
import { executeRows } from "../src/db/execute-rows";
import type { NewRequestLogRow } from "../src/db/schema";
import { createLogWriter } from "../src/gateway/log-writer";
import { createLogger } from "../src/observability/logger";
import { createSecretBox } from "../src/security/secret-box";
import { createLogsService } from "../src/services/logs-service";
import { createServiceContext } from "../src/services/service-context";
import { createStatsService } from "../src/services/stats-service";
import { createRetentionJob } from "../src/stats/retention-job";
import { createMemoryStore } from "../src/store/memory-store";
import { withDatabaseName } from "../src/testing/services";
import { generateRows, seedTopology, type Topology } from "./log-rows";
import { timeRuns } from "./query-timing";

const argsSchema = z.strictObject({
  "writer-rows": z.coerce.number().int().min(1_000).max(5_000_000).default(200_000),
  "day-rows": z.coerce.number().int().min(10_000).max(50_000_000).default(10_000_000),
  url: z.url({ protocol: /^postgres(ql)?$/ }).default("postgres://postgres@127.0.0.1:5432/postgres"),
  "skip-day": z.boolean().default(false),
  "skip-pglite": z.boolean().default(false),
  /** Requests per second the writer run's timestamps are spread at. */
  rate: z.coerce.number().int().min(1).max(100_000).default(1_000),
});

const DAY = 86_400_000;
const logger = createLogger("silent");
const mb = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MB`;

/**
 * All rows up front, so generating them is not part of the timed insert; their created_at spread as
 * at `rate` requests/s (minute rollups per request depend on it: fewer requests a minute, more rows).
 */
function pregenerate(topology: Topology, total: number, now: number, rate: number): NewRequestLogRow[] {
  const span = Math.ceil((total / rate) * 1000);
  const next = generateRows(topology, total, now - span, span);
  const rows: NewRequestLogRow[] = [];
  for (let chunk = next(); chunk !== null; chunk = next()) rows.push(...chunk);
  return rows;
}

/** Feeds the log writer as fast as it takes rows (queue kept under 20k) and returns rows/s. */
async function writerRate(database: Database, rows: readonly NewRequestLogRow[]): Promise<number> {
  const writer = createLogWriter({ db: database.db, logger, maxQueue: 100_000 });
  const t = performance.now();
  for (let i = 0; i < rows.length; i++) {
    writer.write(rows[i]!);
    if (i % 1000 === 0) while (writer.stats().queued > 20_000) await new Promise((r) => setTimeout(r, 2));
  }
  const left = await writer.flush(600_000);
  const seconds = (performance.now() - t) / 1000;
  await writer.close();
  if (left > 0 || writer.stats().dropped > 0) throw new Error(`writer lost rows (${left} left)`);
  return rows.length / seconds;
}

interface RelationSize {
  readonly name: string;
  readonly bytes: number;
}

/** Heap (+ TOAST, free-space and visibility maps) of each table and the size of each of its indexes. */
async function relationSizes(database: Database): Promise<RelationSize[]> {
  const rows = await executeRows<{ name: string; bytes: string }>(
    database.db,
    sql`with parents as (
          select c.oid, c.relname, c.relkind from pg_class c join pg_namespace n on n.oid = c.relnamespace
          where n.nspname = 'public' and c.relkind in ('r', 'p', 'i', 'I') and not c.relispartition
        )
        select case when p.relkind in ('i', 'I') then '  index ' else 'table ' end || p.relname as name,
          ((select coalesce(sum(case when p.relkind in ('i', 'I') then pg_relation_size(t.relid)
                                     else pg_table_size(t.relid) end), 0)
              from pg_partition_tree(p.oid) t)
           -- A plain table or index has no partition tree on PostgreSQL 15.
           + case when not exists (select 1 from pg_partition_tree(p.oid)) then
               (case when p.relkind in ('i', 'I') then pg_relation_size(p.oid) else pg_table_size(p.oid) end)
             else 0 end)::text as bytes
        from parents p`,
  );
  return rows.map((r) => ({ name: r.name, bytes: Number(r.bytes) })).filter((r) => r.bytes > 0);
}

function printSizes(title: string, sizes: readonly RelationSize[], requests: number): void {
  const total = sizes.reduce((s, r) => s + r.bytes, 0);
  console.log(
    `\n${title}: ${mb(total)} in tables and indexes = ${(total / requests).toFixed(0)} B per request`,
  );
  for (const r of [...sizes].sort((a, b) => b.bytes - a.bytes).slice(0, 16)) {
    console.log(
      `  ${r.name.padEnd(48)} ${mb(r.bytes).padStart(10)}  ${(r.bytes / requests).toFixed(1).padStart(7)} B/req`,
    );
  }
}

/** Bytes under a folder (recursively). */
function folderBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    total += entry.isDirectory() ? folderBytes(p) : statSync(p).size;
  }
  return total;
}

async function postgresWriter(url: string, writerRows: number, rate: number): Promise<void> {
  const database = await openDatabase({ url, poolSize: 4 });
  try {
    await database.migrate();
    await ensureDayPartitions(database.db);
    const now = Date.now();
    const topology = await seedTopology(database.db);
    const rows = pregenerate(topology, writerRows, now, rate);
    const lsn = async () =>
      (await executeRows<{ l: string }>(database.db, sql`select pg_current_wal_lsn()::text as l`))[0]!.l;
    const before = await lsn();
    const rowsPerSecond = await writerRate(database, rows);
    const after = await lsn();
    const wal = await executeRows<{ b: string }>(
      database.db,
      sql`select pg_wal_lsn_diff(${after}::pg_lsn, ${before}::pg_lsn)::text as b`,
    );
    console.log(
      `PostgreSQL log writer: ${writerRows.toLocaleString("en")} rows at ${rowsPerSecond.toFixed(0)} rows/s`,
    );
    await database.db.execute(sql`vacuum analyze`);
    printSizes("PostgreSQL after the writer run", await relationSizes(database), writerRows);
    console.log(
      `  WAL written during the run: ${mb(Number(wal[0]!.b))} = ${(Number(wal[0]!.b) / writerRows).toFixed(0)} B per request (recycled by checkpoints, max_wal_size bounds it)`,
    );
  } finally {
    await database.close();
  }
}

async function pgliteWriter(writerRows: number, rate: number): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "rb-bench-logstore-"));
  const dataDir = path.join(dir, "pglite");
  try {
    const database = await openDatabase({ dataDir });
    await database.migrate();
    await ensureDayPartitions(database.db);
    const topology = await seedTopology(database.db);
    await database.db.execute(sql`checkpoint`);
    const start = folderBytes(dataDir);
    const rows = pregenerate(topology, writerRows, Date.now(), rate);
    const rowsPerSecond = await writerRate(database, rows);
    const grown = folderBytes(dataDir) - start;
    const wal = folderBytes(path.join(dataDir, "pg_wal"));
    console.log(
      `\nPGlite log writer: ${writerRows.toLocaleString("en")} rows at ${rowsPerSecond.toFixed(0)} rows/s`,
    );
    console.log(
      `  data folder grew ${mb(grown)} = ${(grown / writerRows).toFixed(0)} B per request (pg_wal now ${mb(wal)})`,
    );
    printSizes("PGlite after the writer run", await relationSizes(database), writerRows);
    await database.db.execute(sql`checkpoint`);
    const settled = folderBytes(dataDir) - start;
    console.log(
      `  after a checkpoint: folder grew ${mb(settled)} = ${(settled / writerRows).toFixed(0)} B per request (pg_wal ${mb(folderBytes(path.join(dataDir, "pg_wal")))})`,
    );
    await database.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function timeIt(label: string, runs: number, fn: () => Promise<unknown>): Promise<void> {
  const { min, median, max } = await timeRuns(label, "", runs, fn);
  console.log(
    `  ${label.padEnd(52)} median ${median.toFixed(1)} ms (min ${min.toFixed(1)}, max ${max.toFixed(1)})`,
  );
}

/** `n` rows of one UTC day (starting at `dayStart`) in SQL, UUIDv7 ids, over the seeded topology. */
async function fillDay(database: Database, topology: Topology, dayStart: number, n: number): Promise<void> {
  // Array literals as ONE text parameter each (drizzle would spread a JS array into a row).
  const literal = (ids: string[]) => `{${ids.join(",")}}`;
  const groupIds = literal(topology.groups.map((g) => g.id));
  const providerIds = literal(topology.groups.flatMap((g) => g.providers));
  const keyIds = literal(topology.groups.flatMap((g) => g.keys));
  const step = 1_000_000;
  for (let from = 0; from < n; from += step) {
    const to = Math.min(n, from + step) - 1;
    await database.db.execute(sql`insert into request_logs (id, created_at, group_id, group_slug, provider_id,
        key_id, method, path, status, total_ms, ttfb_ms, attempts, error_code, bytes_in, bytes_out, model,
        input_tokens, output_tokens, client_ip, streamed)
      select substr(h, 1, 8) || '-' || substr(h, 9, 4) || '-7' || substr(r, 1, 3) || '-8' || substr(r, 4, 3)
          || '-' || substr(r, 7, 12), t,
        (${groupIds}::uuid[])[1 + i % 4], 'group-' || (i % 4), p.id, (${keyIds}::uuid[])[1 + i % 24], 'POST', '/v1/messages',
        case when i % 50 = 0 then 502 else 200 end, 200 + i % 900, 50 + i % 300,
        jsonb_build_array(jsonb_build_object('providerId', p.id, 'provider', 'p', 'status', 200, 'startMs', 0.5,
          'connectMs', 1.5, 'firstByteMs', 50 + i % 300, 'endMs', 200 + i % 900, 'ms', 200 + i % 900, 'outcome', 'success')),
        case when i % 50 = 0 then 'UPSTREAM_STATUS' end, 200 + i % 4000, 500 + i % 20000, 'claude-sonnet',
        50 + i % 3000, 10 + i % 1500, '127.0.0.1', i % 5 < 3
      from generate_series(${from}::int, ${to}::int) i
      cross join lateral (select ${new Date(dayStart).toISOString()}::timestamptz
        + (i * (86400.0 / ${n})) * interval '1 second' as t) ts
      -- A UUIDv7 id of t, as the gateway makes them.
      cross join lateral (select lpad(to_hex((extract(epoch from ts.t) * 1000)::bigint), 12, '0') as h,
        md5(i::text) as r) v
      cross join lateral (select (${providerIds}::uuid[])[1 + i % 12] as id) p`);
    process.stdout.write(`  day rows: ${(to + 1).toLocaleString("en")}\n`);
  }
  // The day's rollups as the writer would have built them (histograms left empty: same row count and size).
  await database.db.execute(sql`insert into stats_rollups (grain, bucket, group_id, provider_id, key_id,
      status_class, requests, latency_sum_ms, ttfb_sum_ms, ttfb_count, bytes_in, bytes_out, input_tokens,
      output_tokens, error_codes, latency_hist, ttfb_hist)
    select g.grain, case g.grain when 1 then date_trunc('minute', l.created_at) when 60 then date_trunc('hour', l.created_at)
        else ${new Date(dayStart).toISOString()}::timestamptz end,
      l.group_id, l.provider_id, k.kid, case when l.status >= 500 then '5xx' else '2xx' end, count(*), sum(l.total_ms),
      sum(l.ttfb_ms), count(l.ttfb_ms), sum(l.bytes_in), sum(l.bytes_out), sum(l.input_tokens), sum(l.output_tokens),
      '{}'::jsonb, array_fill(0::bigint, array[60]), array_fill(0::bigint, array[60])
    from request_logs l
    cross join (values (1), (60), (1440)) g(grain)
    cross join lateral (values (l.key_id), ('00000000-0000-0000-0000-000000000000'::uuid)) k(kid)
    where l.created_at >= ${new Date(dayStart).toISOString()}::timestamptz
      and l.created_at < ${new Date(dayStart + DAY).toISOString()}::timestamptz
    group by 1, 2, 3, 4, 5, 6`);
}

async function dayOfRows(url: string, n: number): Promise<void> {
  const database = await openDatabase({ url, poolSize: 4 });
  try {
    await database.migrate();
    const now = Date.now();
    const dayStart = Math.floor(now / DAY) * DAY - DAY;
    await ensureDayPartitions(database.db, { now });
    const topology = await seedTopology(database.db);
    console.log(
      `\nPostgreSQL: one day (${new Date(dayStart).toISOString().slice(0, 10)}) of ${n.toLocaleString("en")} rows`,
    );
    let t = performance.now();
    await fillDay(database, topology, dayStart, n);
    await database.db.execute(sql`analyze`);
    console.log(`  generated with rollups in ${((performance.now() - t) / 1000).toFixed(0)} s`);
    printSizes("  sizes", await relationSizes(database), n);

    const box = createSecretBox({ keys: [{ id: "b", key: randomBytes(32) }], activeKeyId: "b" });
    const ctx = createServiceContext({
      db: database.db,
      store: createMemoryStore(),
      sealer: box,
      logger,
      now: () => dayStart + DAY,
    });
    const stats = createStatsService(ctx);
    const logs = createLogsService(ctx);
    const last24h = { from: String(dayStart), to: String(dayStart + DAY) };
    await timeIt("dashboard 24h (auto bucket, hour rollups)", 5, () => stats.overview(last24h));
    await timeIt("dashboard 24h (5m buckets, minute rollups)", 5, () =>
      stats.overview({ ...last24h, bucket: "5m" }),
    );
    await timeIt("dashboard 24h, one group", 5, () =>
      stats.overview({ ...last24h, groupId: topology.groups[1]!.id }),
    );
    await timeIt("logs page 1 (50 newest)", 5, () => logs.list({}));
    await timeIt("logs page 1, errorCode=UPSTREAM_STATUS", 5, () =>
      logs.list({ errorCode: "UPSTREAM_STATUS" }),
    );
    const [middle] = await executeRows<{ id: string }>(
      database.db,
      sql`select id from request_logs where created_at >= ${new Date(dayStart + DAY / 2).toISOString()}::timestamptz
          order by created_at limit 1`,
    );
    await timeIt("one log by request id (UUIDv7)", 5, () => logs.get(middle!.id));

    // The old retention: DELETE of 5,000 rows per statement (ctid batches), timed on a slice.
    const slice = Math.min(500_000, Math.floor(n / 10));
    const part = `request_logs_p${new Date(dayStart).toISOString().slice(0, 10).replaceAll("-", "")}`;
    t = performance.now();
    for (let done = 0; done < slice; done += 5_000) {
      await database.db.execute(
        sql.raw(`delete from ${part} where ctid in (select ctid from ${part}
        where created_at < '${new Date(dayStart + DAY).toISOString()}' limit 5000)`),
      );
    }
    const perRow = (performance.now() - t) / slice;
    console.log(
      `  old retention (5,000-row DELETEs): ${slice.toLocaleString("en")} rows in ${((perRow * slice) / 1000).toFixed(1)} s -> ~${((perRow * n) / 1000).toFixed(0)} s for ${n.toLocaleString("en")} rows, before VACUUM`,
    );

    const job = createRetentionJob({
      db: database.db,
      store: createMemoryStore(),
      logger,
      logRetentionDays: 30,
      rollupRetentionDays: 400,
      alertHistoryRetentionDays: 90,
      now: () => dayStart + DAY + 30 * DAY + 60_000,
    });
    t = performance.now();
    const result = await job.runOnce();
    console.log(
      `  partitioned retention pass: ${(performance.now() - t).toFixed(0)} ms (${JSON.stringify(result)})`,
    );
  } finally {
    await database.close();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      "writer-rows": { type: "string" },
      "day-rows": { type: "string" },
      url: { type: "string" },
      "skip-day": { type: "boolean" },
      "skip-pglite": { type: "boolean" },
      rate: { type: "string" },
    },
    strict: true,
  });
  const options = argsSchema.parse(values);
  const admin = postgres(options.url, { max: 1, onnotice: () => {} });
  const names: string[] = [];
  const fresh = async () => {
    const name = `rb_partition_bench_${randomBytes(4).toString("hex")}`;
    await admin.unsafe(`create database "${name}"`);
    names.push(name);
    return withDatabaseName(options.url, name);
  };
  try {
    console.log(
      `Writer runs: created_at spread at ${options.rate} requests/s over the seeded topology (4 groups, 8 providers, 24 keys)`,
    );
    await postgresWriter(await fresh(), options["writer-rows"], options.rate);
    if (!options["skip-pglite"]) await pgliteWriter(options["writer-rows"], options.rate);
    if (!options["skip-day"]) await dayOfRows(await fresh(), options["day-rows"]);
  } finally {
    for (const name of names) await admin.unsafe(`drop database if exists "${name}" with (force)`);
    await admin.end({ timeout: 5 });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
