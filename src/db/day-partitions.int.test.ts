import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "@/observability/logger";
import { createRetentionJob } from "@/stats/retention-job";
import { upsertRollups } from "@/stats/rollup-write";
import { aggregateRollups } from "@/stats/rollup-aggregate";
import { createMemoryStore } from "@/store/memory-store";
import { DATABASE_KINDS, openEmptyTestDatabase } from "@/testing/test-database";
import type { Database } from "./client";
import { dropDayPartitionsBefore, ensureDayPartitions, partitionsOf } from "./day-partitions";
import { executeRows } from "./execute-rows";

/**
 * The partitioning migration on a POPULATED database (migrated up to just before it, then filled),
 * on both drivers; then the day-partition functions and the retention job on the result.
 */

const FULL = path.resolve(process.cwd(), "drizzle");
const DAY = 86_400_000;
const HISTOGRAM = sql.raw("array_fill(0::bigint, array[60])");

/** A copy of the migrations folder whose journal stops before the partitioning migrations. */
function migrationsBeforePartitioning(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "rb-partition-mig-"));
  cpSync(FULL, dir, { recursive: true });
  const journalFile = path.join(dir, "meta", "_journal.json");
  const journal = JSON.parse(readFileSync(journalFile, "utf8")) as { entries: { tag: string }[] };
  const first = journal.entries.findIndex((e) => e.tag.endsWith("_partition_keys"));
  expect(first).toBeGreaterThan(0);
  journal.entries = journal.entries.slice(0, first);
  writeFileSync(journalFile, JSON.stringify(journal));
  return dir;
}

async function fill(database: Database): Promise<void> {
  const logs: [string, string][] = [
    ["a1", "2026-06-01T00:00:00Z"],
    ["a2", "2026-06-01T10:00:00Z"],
    ["a3", "2026-06-01T23:59:59.999Z"],
    ["b1", "2026-06-02T08:00:00Z"],
    ["b2", "2026-06-02T09:00:00Z"],
    ["old", "2025-01-01T12:00:00Z"],
  ];
  for (const [id, at] of logs) {
    await database.db.execute(sql`insert into request_logs (id, created_at, method, path, status, total_ms)
      values (${id}, ${at}::timestamptz, 'POST', '/v1/x', 200, 5)`);
  }
  for (const [id, at] of logs.slice(0, 2)) {
    await database.db.execute(sql`insert into request_bodies (request_id, created_at, request_body)
      values (${id}, ${at}::timestamptz, '{}')`);
  }
  const nil = "00000000-0000-0000-0000-000000000000";
  for (const [grain, at] of [
    [1, "2026-06-01T10:00:00Z"],
    [1, "2026-06-02T08:00:00Z"],
    [60, "2026-06-01T10:00:00Z"],
    [1440, "2026-06-01T00:00:00Z"],
  ] as const) {
    await database.db.execute(sql`insert into stats_rollups (grain, bucket, group_id, provider_id, key_id,
        status_class, requests, latency_sum_ms, ttfb_sum_ms, ttfb_count, bytes_in, bytes_out, input_tokens,
        output_tokens, latency_hist, ttfb_hist)
      values (${grain}, ${at}::timestamptz, ${nil}, ${nil}, ${nil}, '2xx', 1, 5, 0, 0, 0, 0, 0, 0,
        ${HISTOGRAM}, ${HISTOGRAM})`);
  }
}

const countOf = async (database: Database, table: string) =>
  Number(
    (await executeRows<{ n: string }>(database.db, sql.raw(`select count(*) as n from ${table}`)))[0]!.n,
  );

describe.each(DATABASE_KINDS)("day partitions (%s)", (kind) => {
  let database: Database;
  let partialFolder: string;

  beforeAll(async () => {
    partialFolder = migrationsBeforePartitioning();
    const before = await openEmptyTestDatabase(kind, partialFolder);
    await before.migrate();
    await fill(before);
    if (kind === "pglite") {
      const dump = await before.dump!();
      await before.close();
      const { openDatabase } = await import("./client");
      database = await openDatabase({ loadDataDir: dump, migrationsFolder: FULL });
    } else {
      await before.close();
      const { openDatabase } = await import("./client");
      database = await openDatabase({ url: before.url!, poolSize: 3, migrationsFolder: FULL });
    }
    await database.migrate();
  }, 120_000);

  afterAll(async () => {
    await database?.close();
    rmSync(partialFolder, { recursive: true, force: true });
  });

  it("the migration turns the populated tables into day partitions, keeping rows, keys and indexes", async () => {
    const kinds = await executeRows<{ relname: string; relkind: string }>(
      database.db,
      sql`select relname, relkind from pg_class where relname in
          ('request_logs', 'stats_rollups', 'stats_rollups_minute') order by relname`,
    );
    // request_bodies was partitioned too, then replaced by request_captures (debug_capture migration).
    expect(kinds.map((k) => `${k.relname}:${k.relkind}`)).toEqual([
      "request_logs:p",
      "stats_rollups:p",
      "stats_rollups_minute:p",
    ]);
    expect(await partitionsOf(database.db, "request_logs")).toEqual([
      "request_logs_default",
      "request_logs_p20250101",
      "request_logs_p20260601",
      "request_logs_p20260602",
    ]);
    expect(await partitionsOf(database.db, "stats_rollups")).toEqual([
      "stats_rollups_coarse",
      "stats_rollups_minute",
    ]);
    expect(await partitionsOf(database.db, "stats_rollups_minute")).toEqual([
      "stats_rollups_minute_default",
      "stats_rollups_minute_p20260601",
      "stats_rollups_minute_p20260602",
    ]);
    expect(await countOf(database, "request_logs")).toBe(6);
    expect(await countOf(database, "request_logs_p20260601")).toBe(3);
    expect(await countOf(database, "request_logs_default")).toBe(0);
    // The bodies moved into captures, joined with their logs.
    expect(await countOf(database, "request_captures")).toBe(2);
    const moved = await executeRows<{ path: string; text: string }>(
      database.db,
      sql`select payload::jsonb #>> '{request,path}' as path, payload::jsonb #>> '{request,body,text}' as text
          from request_captures where request_id = 'a1'`,
    );
    expect(moved).toEqual([{ path: "/v1/x", text: "{}" }]);
    expect(await countOf(database, "stats_rollups")).toBe(4);
    expect(await countOf(database, "stats_rollups_coarse")).toBe(2);
    // The parents keep the index and key names the drizzle snapshot knows.
    const indexes = await executeRows<{ name: string }>(
      database.db,
      sql`select indexrelid::regclass::text as name from pg_index
          where indrelid in ('request_logs'::regclass, 'stats_rollups'::regclass)
          order by 1`,
    );
    expect(indexes.map((i) => i.name)).toEqual(
      expect.arrayContaining([
        "request_logs_created_at_id_pk",
        "request_logs_provider_idx",
        "request_logs_error_idx",
        "request_logs_tenant_idx",
        "stats_rollups_pk",
        "stats_rollups_provider_idx",
      ]),
    );
    const leftovers = await executeRows<{ name: string }>(
      database.db,
      sql`select relname as name from pg_class where relname like '%unpartitioned%' or relname like '%\_old'
          union all select proname from pg_proc where proname = 'rb_begin_partitioned'`,
    );
    expect(leftovers).toEqual([]);
  });

  it("creates days ahead once, moves a day's rows out of the default partition, keeps keys unique", async () => {
    const now = Date.parse("2026-06-02T12:00:00Z");
    expect(await ensureDayPartitions(database.db, { now, daysAhead: 2 })).toBeGreaterThan(0);
    expect(await ensureDayPartitions(database.db, { now, daysAhead: 2 })).toBe(0);
    expect(await partitionsOf(database.db, "request_logs")).toContain("request_logs_p20260604");
    // A row of a day without a partition lands in the default one...
    await database.db.execute(sql`insert into request_logs (id, created_at, method, path, status, total_ms)
      values ('late', '2026-07-01T05:00:00Z', 'GET', '/', 200, 1)`);
    expect(await countOf(database, "request_logs_default")).toBe(1);
    // ...and moves to its own when that day's partition is created.
    await ensureDayPartitions(database.db, { now: Date.parse("2026-07-01T00:00:00Z"), daysAhead: 0 });
    expect(await countOf(database, "request_logs_default")).toBe(0);
    expect(await countOf(database, "request_logs_p20260701")).toBe(1);
    await expect(
      database.db.execute(sql`insert into request_logs (id, created_at, method, path, status, total_ms)
        values ('late', '2026-07-01T05:00:00Z', 'GET', '/', 200, 1)`),
    ).rejects.toThrow();
  });

  it("rollup upserts add up across the grain and day partitions", async () => {
    const row = {
      id: "r1",
      createdAt: new Date("2026-06-03T10:00:30Z"),
      method: "POST",
      path: "/v1/x",
      status: 200,
      totalMs: 7,
      attempts: [],
    };
    await upsertRollups(database.db, aggregateRollups([row]));
    await upsertRollups(database.db, aggregateRollups([row]));
    const rows = await executeRows<{ grain: number; requests: string }>(
      database.db,
      sql`select grain, sum(requests)::text as requests from stats_rollups
          where bucket >= '2026-06-03T00:00:00Z' and key_id = '00000000-0000-0000-0000-000000000000'
          group by grain order by grain`,
    );
    expect(rows.map((r) => [Number(r.grain), Number(r.requests)])).toEqual([
      [1, 2],
      [60, 2],
      [1440, 2],
    ]);
    expect(await countOf(database, "stats_rollups_minute_p20260603")).toBeGreaterThan(0);
  });

  it("drops whole days past a cutoff", async () => {
    expect(await dropDayPartitionsBefore(database.db, "request_logs", new Date("2026-06-02T00:00:00Z"))).toBe(
      2,
    );
    const parts = await partitionsOf(database.db, "request_logs");
    expect(parts).not.toContain("request_logs_p20260601");
    expect(parts).toContain("request_logs_p20260602");
    expect(await countOf(database, "request_logs")).toBe(3);
  });

  it("retention drops past days whole and deletes the boundary day's older rows", async () => {
    const store = createMemoryStore();
    // 30 days of retention seen from 2026-07-02 06:00: the cutoff falls inside 2026-06-02.
    const now = Date.parse("2026-06-02T06:00:00Z") + 30 * DAY;
    const job = createRetentionJob({
      db: database.db,
      store,
      logger: createLogger("silent"),
      logRetentionDays: 30,
      rollupRetentionDays: 400,
      alertHistoryRetentionDays: 90,
      now: () => now,
    });
    const result = await job.runOnce();
    // b1 (08:00) and b2 (09:00) are after the 06:00 cutoff; day 2026-06-01's minute rollups go whole.
    expect(result).toMatchObject({ requestLogs: 0, minuteRollups: 0 });
    expect(result!.droppedPartitions).toBeGreaterThan(0);
    const later = createRetentionJob({
      db: database.db,
      store,
      logger: createLogger("silent"),
      logRetentionDays: 30,
      rollupRetentionDays: 400,
      alertHistoryRetentionDays: 90,
      now: () => now + 2.5 * 3_600_000,
    });
    // 08:30 cutoff: b1 goes row by row, b2 stays with its day's partition.
    expect(await later.runOnce()).toMatchObject({ requestLogs: 1, droppedPartitions: 0 });
    const ids = await executeRows<{ id: string }>(database.db, sql`select id from request_logs order by id`);
    expect(ids.map((r) => r.id)).toEqual(["b2", "late"]);
    expect(await partitionsOf(database.db, "stats_rollups_minute")).not.toContain(
      "stats_rollups_minute_p20260601",
    );
    await store.close();
  });
});
