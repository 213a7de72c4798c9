import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { and, count, eq, sql, sum } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "../db/client";
import { requestLogs, statsRollups, type NewRequestLogRow } from "../db/schema";
import { createLogger } from "../observability/logger";
import { startPrivatePostgres, type PrivatePostgres } from "../testing/private-postgres";
import { openLogSpill, type LogSpill } from "./log-spill/log-spill";
import { createLogWriter, type LogWriter, type LogWriterOptions } from "./log-writer";

/**
 * A real database outage (a private PostgreSQL stopped and started again) longer than the writer's
 * in-memory queue holds: with a spill, no row is lost and none is written twice — also when the
 * process (here: writer and spill) is closed during the outage and a new one starts on the same folder.
 */

let pg: PrivatePostgres;
let database: Database;
let dataDir: string;
const lines: string[] = [];
const logger = createLogger("debug", { write: (l: string) => void lines.push(l) });
const writers: LogWriter[] = [];
const spills: LogSpill[] = [];

beforeAll(async () => {
  pg = await startPrivatePostgres();
  const migrator = await openDatabase({ url: pg.url, poolSize: 2 });
  await migrator.migrate();
  await migrator.close();
  database = await openDatabase({ url: pg.url, poolSize: 3 });
}, 120_000);

afterAll(async () => {
  await database?.close();
  await pg?.destroy();
});

beforeEach(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), "rb-spill-int-"));
});

afterEach(async () => {
  await pg.start(); // a failed test must not leave the database down for the next one
  for (const w of writers.splice(0)) await w.close(2_000);
  for (const s of spills.splice(0)) await s.close();
  await rm(dataDir, { recursive: true, force: true });
});

async function openSpill(): Promise<LogSpill> {
  const spill = await openLogSpill({ dir: path.join(dataDir, "spill"), logger, segmentBytes: 64 * 1024 });
  spills.push(spill);
  return spill;
}

function openWriter(spill: LogSpill, options: Partial<LogWriterOptions> = {}): LogWriter {
  const writer = createLogWriter({
    db: database.db,
    logger,
    spill,
    batchSize: 50,
    maxQueue: 100,
    flushIntervalMs: 10,
    retryBaseMs: 20,
    retryMaxMs: 200,
    ...options,
  });
  writers.push(writer);
  return writer;
}

let seq = 0;
/** Rows of one test: one gateway key id, so their rollups can be summed apart from other tests'. */
function rowsOf(keyId: string, n: number): NewRequestLogRow[] {
  return Array.from({ length: n }, () => ({
    id: `spill-${String(++seq).padStart(7, "0")}`,
    createdAt: new Date(),
    keyId,
    method: "POST",
    path: "/v1/messages",
    status: 200,
    totalMs: 3,
    attempts: [],
  }));
}

/** The ids stored for this key, and the request count its minute rollups add up to. */
async function storedFor(keyId: string): Promise<{ ids: string[]; rolledUp: number }> {
  const rows = await database.db
    .select({ id: requestLogs.id })
    .from(requestLogs)
    .where(eq(requestLogs.keyId, keyId))
    .orderBy(requestLogs.id);
  const [rollup] = await database.db
    .select({ n: sum(statsRollups.requests) })
    .from(statsRollups)
    .where(and(eq(statsRollups.keyId, keyId), eq(statsRollups.grain, 1)));
  return { ids: rows.map((r) => r.id), rolledUp: Number(rollup?.n ?? 0) };
}

async function waitUntil(cond: () => Promise<boolean> | boolean, what: string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("request-log writer with a spill, across a real database outage", () => {
  it("loses no row when the outage outlasts the in-memory queue, and writes each exactly once", async () => {
    const keyId = randomUUID();
    const spill = await openSpill();
    const writer = openWriter(spill);
    const before = rowsOf(keyId, 40);
    for (const r of before) writer.write(r);
    expect(await writer.flush(5_000)).toBe(0);

    await pg.stop();
    // Ten times what the queue holds, arriving over a while: inserts fail, the queue overflows.
    const during = rowsOf(keyId, 1_000);
    for (let i = 0; i < during.length; i++) {
      writer.write(during[i]!);
      if (i % 100 === 99) await pause(30);
    }
    await waitUntil(
      () => writer.stats().queued <= 100 && (writer.stats().spill?.rows ?? 0) >= 900,
      "the spill",
    );
    expect(writer.stats()).toMatchObject({ dropped: 0 });
    expect(writer.stats().failedInserts).toBeGreaterThan(0);

    await pg.start();
    const after = rowsOf(keyId, 30);
    for (const r of after) writer.write(r);
    await waitUntil(async () => (await storedFor(keyId)).ids.length >= 1_070, "every row in the table");
    await waitUntil(() => writer.stats().spill?.rows === 0 && writer.stats().queued === 0, "an empty spill");
    expect(await writer.flush(5_000)).toBe(0);

    const stored = await storedFor(keyId);
    expect(stored.ids).toEqual([...before, ...during, ...after].map((r) => r.id).sort());
    // The statistics count every row once: no batch was rolled up twice.
    expect(stored.rolledUp).toBe(1_070);
    const stats = writer.stats();
    expect(stats).toMatchObject({ dropped: 0, rejected: 0, written: 1_070 });
    expect(stats.spill?.appendedRows).toBeGreaterThanOrEqual(900);
    expect(stats.spill?.replayedRows).toBe(stats.spill?.appendedRows);
    expect(stats.spill).toMatchObject({ records: 0, bytes: 0, refusedRows: 0, corruptRecords: 0 });
  }, 90_000);

  it("replays rows spilled before a restart once, in the next process on the same folder", async () => {
    const keyId = randomUUID();
    await pg.stop();
    const first = openWriter(await openSpill());
    const rows = rowsOf(keyId, 300);
    for (let i = 0; i < rows.length; i++) {
      first.write(rows[i]!);
      if (i % 50 === 49) await pause(30);
    }
    // Shut down during the outage: what is still queued goes to the spill, not away.
    await first.close(5_000);
    expect(first.stats()).toMatchObject({ dropped: 0, queued: 0 });
    expect(first.stats().spill?.rows).toBe(300);
    writers.splice(0);
    for (const s of spills.splice(0)) await s.close();

    await pg.start();
    expect((await storedFor(keyId)).ids).toEqual([]);
    const secondSpill = await openSpill();
    expect(secondSpill.stats()).toMatchObject({ records: expect.any(Number), rows: 300 });
    // No traffic at all: the new writer replays on its own.
    const second = openWriter(secondSpill);
    await waitUntil(() => second.stats().spill?.rows === 0, "the replay");
    const stored = await storedFor(keyId);
    expect(stored.ids).toEqual(rows.map((r) => r.id).sort());
    expect(stored.rolledUp).toBe(300);
    expect(second.stats()).toMatchObject({ written: 300, rejected: 0, dropped: 0 });

    await second.close();
    for (const s of spills.splice(0)) await s.close();
    writers.splice(0);
    const third = await openSpill();
    expect(third.stats()).toMatchObject({ records: 0, rows: 0 });
    const [total] = await database.db
      .select({ n: count() })
      .from(requestLogs)
      .where(sql`${requestLogs.keyId} = ${keyId}`);
    expect(total?.n).toBe(300);
  }, 90_000);
});
