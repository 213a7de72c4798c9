import { randomUUID } from "node:crypto";
import { count, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db/client";
import {
  alertDeliveries,
  alertIncidents,
  healthEvents,
  requestCaptures,
  requestLogs,
  statsRollups,
  type NewRequestLogRow,
} from "@/db/schema";
import { createLogWriter } from "@/gateway/log-writer";
import { createLogger } from "@/observability/logger";
import { createMemoryStore } from "@/store/memory-store";
import { openTestDatabase } from "@/testing/test-database";
import { recordHealthTransition } from "./health-events";
import {
  RETENTION_LOCK,
  createRetentionJob,
  startRetentionJob,
  type RetentionJobOptions,
} from "./retention-job";

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 5, 1, 12);
const logger = createLogger("silent");
let database: Database;

const age = (days: number) => new Date(NOW - days * DAY);

/** The job's options with the README defaults (30/400/90 days) and a fixed clock; `overrides` win. */
const jobOptions = (
  store: RetentionJobOptions["store"],
  overrides: Partial<RetentionJobOptions> = {},
): RetentionJobOptions => ({
  db: database.db,
  store,
  logger,
  logRetentionDays: 30,
  rollupRetentionDays: 400,
  alertHistoryRetentionDays: 90,
  now: () => NOW,
  ...overrides,
});

function row(id: string, days: number): NewRequestLogRow {
  return {
    id,
    createdAt: age(days),
    method: "POST",
    path: "/v1/messages",
    status: 200,
    totalMs: 12,
    providerId: randomUUID(),
    attempts: [],
  };
}

beforeAll(async () => {
  database = await openTestDatabase("postgres");
  // Raw rows (and their rollups) at 1, 29, 31 and 500 days of age; a body and a health event each.
  const w = createLogWriter({ db: database.db, logger });
  for (const [id, days] of [
    ["new", 1],
    ["edge", 29],
    ["old", 31],
    ["ancient", 500],
  ] as const) {
    w.write(row(id, days));
    await database.db
      .insert(requestCaptures)
      .values({ requestId: id, createdAt: age(days), payload: "{}", payloadBytes: 2 });
    await recordHealthTransition(database.db, {
      providerId: randomUUID(),
      from: "healthy",
      to: "ejected",
      reason: id,
      at: NOW - days * DAY,
    });
  }
  expect(await w.flush()).toBe(0);
  await w.close();
});

afterAll(async () => {
  await database?.close();
});

const ids = async () =>
  (await database.db.select({ id: requestLogs.id }).from(requestLogs).orderBy(requestLogs.id)).map(
    (r) => r.id,
  );
const rollupsByGrain = async () => {
  const rows = await database.db
    .select({ grain: statsRollups.grain, n: count() })
    .from(statsRollups)
    .groupBy(statsRollups.grain)
    .orderBy(statsRollups.grain);
  return Object.fromEntries(rows.map((r) => [r.grain, Number(r.n)]));
};

describe("retention job", () => {
  it("deletes only what is past its retention, in batches", async () => {
    // Each row has its own rollups, once for its key and once for all keys.
    expect(await rollupsByGrain()).toEqual({ 1: 8, 60: 8, 1440: 8 });
    const store = createMemoryStore();
    const job = createRetentionJob(jobOptions(store, { batchSize: 1 }));
    const result = await job.runOnce();
    expect(result).toEqual({
      requestLogs: 2,
      requestCaptures: 2,
      minuteRollups: 4,
      rollups: 4,
      // One per grain and row: old's and ancient's minute rows, ancient's hour and day rows.
      modelRollups: 4,
      healthEvents: 1,
      alertDeliveries: 0,
      alertIncidents: 0,
      droppedPartitions: 0,
    });
    expect(await ids()).toEqual(["edge", "new"]);
    const bodies = await database.db.select({ id: requestCaptures.requestId }).from(requestCaptures);
    expect(bodies.map((b) => b.id).sort()).toEqual(["edge", "new"]);
    // Minute rollups follow the raw logs; hour and day rollups keep 400 days.
    expect(await rollupsByGrain()).toEqual({ 1: 4, 60: 6, 1440: 6 });
    const events = await database.db.select({ reason: healthEvents.reason }).from(healthEvents);
    expect(events.map((e) => e.reason).sort()).toEqual(["edge", "new", "old"]);
    // Nothing left to do: a second pass deletes nothing.
    expect(await job.runOnce()).toEqual({
      requestLogs: 0,
      requestCaptures: 0,
      minuteRollups: 0,
      rollups: 0,
      modelRollups: 0,
      healthEvents: 0,
      alertDeliveries: 0,
      alertIncidents: 0,
      droppedPartitions: 0,
    });
    await store.close();
  });

  it("deletes resolved alert incidents and their deliveries past retention, never a firing one", async () => {
    /** An incident fired and (unless `resolvedDays` is null) resolved that many days ago, with 2 deliveries. */
    const incident = async (name: string, firedDays: number, resolvedDays: number | null) => {
      const [row] = await database.db
        .insert(alertIncidents)
        .values({
          ruleName: name,
          ruleType: "provider_unhealthy",
          severity: "warning",
          subjectKey: name,
          subjectName: name,
          status: resolvedDays === null ? "firing" : "resolved",
          summary: name,
          firedAt: age(firedDays),
          resolvedAt: resolvedDays === null ? null : age(resolvedDays),
        })
        .returning({ id: alertIncidents.id });
      for (const event of ["firing", "resolved"] as const) {
        await delivery(`${name}:${event}`, firedDays, row!.id, event);
      }
    };
    const delivery = (
      name: string,
      days: number,
      incidentId: number | null,
      event: "firing" | "resolved" | "test",
    ) =>
      database.db.insert(alertDeliveries).values({
        incidentId,
        channelName: name,
        channelType: "webhook",
        event,
        status: "delivered",
        payload: {},
        maxAttempts: 5,
        createdAt: age(days),
      });
    await incident("firing-for-ages", 500, null);
    await incident("resolved-long-ago", 200, 120);
    // Fired long ago but resolved recently: retention counts from the resolution.
    await incident("resolved-lately", 200, 30);
    await delivery("test-old", 100, null, "test");
    await delivery("test-new", 10, null, "test");

    const store = createMemoryStore();
    const job = createRetentionJob(jobOptions(store, { batchSize: 1 }));
    expect(await job.runOnce()).toMatchObject({ alertDeliveries: 3, alertIncidents: 1 });
    const incidents = await database.db.select({ name: alertIncidents.ruleName }).from(alertIncidents);
    expect(incidents.map((i) => i.name).sort()).toEqual(["firing-for-ages", "resolved-lately"]);
    const deliveries = await database.db.select({ name: alertDeliveries.channelName }).from(alertDeliveries);
    expect(deliveries.map((d) => d.name).sort()).toEqual([
      "firing-for-ages:firing",
      "firing-for-ages:resolved",
      "resolved-lately:firing",
      "resolved-lately:resolved",
      "test-new",
    ]);
    // A firing incident stays whatever the retention.
    const strict = createRetentionJob(jobOptions(store, { alertHistoryRetentionDays: 1 }));
    expect(await strict.runOnce()).toMatchObject({ alertDeliveries: 3, alertIncidents: 1 });
    const left = await database.db.select({ name: alertIncidents.ruleName }).from(alertIncidents);
    expect(left.map((i) => i.name)).toEqual(["firing-for-ages"]);
    expect(await database.db.select().from(alertDeliveries)).toHaveLength(2);
    await store.close();
  });

  it("runs on one instance only: while another holds the lock it does nothing", async () => {
    const store = createMemoryStore();
    const held = await store.acquireLock(RETENTION_LOCK, 60_000);
    expect(held).not.toBeNull();
    await database.db.execute(
      sql`update request_logs set created_at = ${age(45).toISOString()}::timestamptz where id = 'edge'`,
    );
    const job = createRetentionJob(jobOptions(store));
    expect(await job.runOnce()).toBeNull();
    expect(await ids()).toEqual(["edge", "new"]);
    await held!.release();
    expect(await job.runOnce()).toMatchObject({ requestLogs: 1 });
    expect(await ids()).toEqual(["new"]);
    await store.close();
  });

  it("the periodic job runs after its initial delay and stops cleanly", async () => {
    const store = createMemoryStore();
    await database.db.execute(
      sql`update request_logs set created_at = ${age(90).toISOString()}::timestamptz`,
    );
    const job = startRetentionJob(jobOptions(store, { initialDelayMs: 10, intervalMs: 60_000 }));
    for (let i = 0; i < 200 && (await ids()).length > 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(await ids()).toEqual([]);
    await job.stop();
    await store.close();
  });
});
