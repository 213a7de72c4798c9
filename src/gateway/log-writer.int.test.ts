import { count, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../db/client";
import { requestLogs, type NewRequestLogRow } from "../db/schema";
import { createLogger } from "../observability/logger";
import { openTestDatabase } from "../testing/test-database";
import { createLogWriter } from "./log-writer";

let database: Database;
const lines: string[] = [];
const logger = createLogger("debug", { write: (l: string) => void lines.push(l) });

beforeAll(async () => {
  database = await openTestDatabase("postgres");
});

afterAll(async () => {
  await database?.close();
});

let seq = 0;
function row(tag: string): NewRequestLogRow {
  return {
    id: `${tag}-${String(++seq).padStart(6, "0")}`,
    createdAt: new Date(),
    method: "POST",
    path: "/v1/messages",
    status: 200,
    totalMs: 1,
    attempts: [],
  };
}

async function rowsTagged(tag: string): Promise<string[]> {
  const rows = await database.db
    .select({ id: requestLogs.id })
    .from(requestLogs)
    .where(sql`${requestLogs.id} like ${`${tag}-%`}`)
    .orderBy(requestLogs.id);
  return rows.map((r) => r.id);
}

const takeDown = () => database.db.execute(sql`alter table request_logs rename to request_logs_away`);
const bringBack = () => database.db.execute(sql`alter table request_logs_away rename to request_logs`);

describe("log writer", () => {
  it("writes every row in batches, by size and by time", async () => {
    const w = createLogWriter({ db: database.db, logger, batchSize: 100, flushIntervalMs: 30 });
    for (let i = 0; i < 1_050; i++) w.write(row("batch"));
    // No explicit flush: the size trigger and the timer must get everything out.
    for (let i = 0; i < 100 && (await rowsTagged("batch")).length < 1_050; i++) {
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(await rowsTagged("batch")).toHaveLength(1_050);
    expect(w.stats()).toMatchObject({ written: 1_050, dropped: 0, queued: 0 });
    await w.close();
  });

  it("under steady traffic writes full batches or one per interval, not one per row that came in meanwhile", async () => {
    const w = createLogWriter({ db: database.db, logger, batchSize: 200, flushIntervalMs: 100 });
    // ~1 row a millisecond for 600 ms, as a gateway at 1,000 requests/s hands them over.
    const started = Date.now();
    await new Promise<void>((resolve) => {
      const tick = setInterval(() => {
        for (let i = 0; i < 2; i++) w.write(row("steady"));
        if (Date.now() - started >= 600) {
          clearInterval(tick);
          resolve();
        }
      }, 2);
    });
    expect(await w.flush()).toBe(0);
    const { written, batches } = w.stats();
    expect((await rowsTagged("steady")).length).toBe(written);
    // At most one batch per interval plus the full ones and the final flush; a drain that kept writing
    // whatever arrived during the previous insert made one every few milliseconds (100+ here).
    expect(batches).toBeLessThanOrEqual(Math.ceil(600 / 100) + Math.ceil(written / 200) + 3);
    await w.close();
  });

  it("keeps rows while the database is failing and writes them all once it is back", async () => {
    const w = createLogWriter({
      db: database.db,
      logger,
      flushIntervalMs: 10,
      retryBaseMs: 10,
      retryMaxMs: 40,
    });
    await takeDown();
    try {
      for (let i = 0; i < 300; i++) w.write(row("down"));
      for (let i = 0; i < 100 && w.stats().failedInserts < 2; i++)
        await new Promise((r) => setTimeout(r, 10));
      expect(w.stats().failedInserts).toBeGreaterThanOrEqual(2);
      for (let i = 0; i < 500 && w.stats().inFlight > 0; i++) await new Promise((r) => setTimeout(r, 1));
      expect(w.stats()).toMatchObject({ queued: 300, inFlight: 0 });
    } finally {
      await bringBack();
    }
    expect(await w.flush(5_000)).toBe(0);
    expect(await rowsTagged("down")).toHaveLength(300);
    expect(w.stats()).toMatchObject({ written: 300, dropped: 0, rejected: 0 });
    await w.close();
  });

  it("drops the OLDEST rows beyond the bound, counts them and warns at most once per interval", async () => {
    const before = lines.length;
    const w = createLogWriter({
      db: database.db,
      logger,
      maxQueue: 100,
      flushIntervalMs: 10,
      retryBaseMs: 10,
      retryMaxMs: 20,
      warnIntervalMs: 60_000,
    });
    await takeDown();
    const ids: string[] = [];
    try {
      for (let i = 0; i < 250; i++) {
        const r = row("bound");
        ids.push(r.id);
        w.write(r);
        if (i % 50 === 0) await new Promise((res) => setTimeout(res, 15));
      }
      // A failing batch may be out for a moment (the bound can overshoot by one batch until it is
      // put back); wait until it is back in the queue.
      for (let i = 0; i < 500 && w.stats().inFlight > 0; i++) await new Promise((r) => setTimeout(r, 1));
      expect(w.stats()).toMatchObject({ dropped: 150, queued: 100, inFlight: 0 });
    } finally {
      await bringBack();
    }
    await w.flush(5_000);
    expect(await rowsTagged("bound")).toEqual(ids.slice(150));
    const dropWarnings = lines.slice(before).filter((l) => l.includes("dropping the oldest rows"));
    expect(dropWarnings).toHaveLength(1);
    await w.close();
  });

  it("rejects only a row the database refuses as bad data, not its batch", async () => {
    const w = createLogWriter({ db: database.db, logger, batchSize: 50, flushIntervalMs: 10 });
    const dup = row("dup");
    w.write(dup);
    await w.flush();
    for (let i = 0; i < 20; i++) w.write(i === 7 ? { ...dup } : row("dup"));
    await w.flush();
    expect(await rowsTagged("dup")).toHaveLength(20);
    expect(w.stats()).toMatchObject({ rejected: 1, queued: 0 });
    await w.close();
  });

  it("close() drains the queue; rows written after close are counted as dropped", async () => {
    const w = createLogWriter({ db: database.db, logger, flushIntervalMs: 60_000, batchSize: 10_000 });
    for (let i = 0; i < 42; i++) w.write(row("close"));
    await w.close();
    expect(await rowsTagged("close")).toHaveLength(42);
    w.write(row("close"));
    expect(w.stats().dropped).toBe(1);
    const [c] = await database.db.select({ n: count() }).from(requestLogs);
    expect(c?.n).toBeGreaterThan(0);
  });
});
