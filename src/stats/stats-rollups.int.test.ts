import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isAppError } from "@/core/errors/catalogue";
import { createSeededRandom, drawInt } from "@/core/random/seeded";
import type { Database } from "@/db/client";
import { providers, type NewRequestLogRow } from "@/db/schema";
import { createLogWriter } from "@/gateway/log-writer";
import { createLogger } from "@/observability/logger";
import { createSecretBox } from "@/security/secret-box";
import type { AdminServices } from "@/services/admin-services";
import { createStatsService } from "@/services/stats-service";
import { createServiceContext } from "@/services/service-context";
import { parseCsv } from "@/http/csv";
import { createMemoryStore } from "@/store/memory-store";
import { openTestDatabase } from "@/testing/test-database";
import { HISTOGRAM_RELATIVE_ERROR, exactQuantile } from "./histogram";
import { statusClassOf } from "./status-class";

/**
 * The statistics service on PostgreSQL over rows written by two concurrent log writers (the way two
 * gateway instances would): every grain gives the same exact totals, series buckets are aligned and
 * hold exactly their rows, and bad queries are refused with INVALID_QUERY.
 */

let database: Database;
let services: Pick<AdminServices, "stats">;
const logger = createLogger("silent");
const rows: NewRequestLogRow[] = [];
// Fixed "now": the data spans the three days before it.
const NOW = Date.UTC(2026, 2, 10, 12, 0, 0);
const START = NOW - 3 * 86_400_000;
const PROVIDERS = [randomUUID(), randomUUID(), randomUUID()];
const GROUPS = [randomUUID(), randomUUID()];
const CODES = ["UPSTREAM_TIMEOUT", "UPSTREAM_STATUS", "RATE_LIMITED"];

function makeRows(n: number): NewRequestLogRow[] {
  const random = createSeededRandom(7);
  return Array.from({ length: n }, (_, i) => {
    const roll = random();
    const status = roll < 0.85 ? 200 : roll < 0.9 ? 429 : roll < 0.97 ? 502 : 200;
    const errorCode =
      status === 429
        ? CODES[2]!
        : status === 502
          ? CODES[drawInt(random, 2)]!
          : roll >= 0.97
            ? "UPSTREAM_IDLE_TIMEOUT"
            : null;
    return {
      id: `r-${i}-${randomBytes(3).toString("hex")}`,
      createdAt: new Date(START + Math.floor(random() * (NOW - START))),
      groupId: GROUPS[drawInt(random, 2)]!,
      providerId: status === 429 ? null : PROVIDERS[drawInt(random, 3)]!,
      keyId: null,
      method: "POST",
      path: "/v1/messages",
      status,
      errorCode,
      totalMs: Math.round(Math.exp(2 + random() * 7)),
      ttfbMs: status === 200 ? Math.round(Math.exp(1 + random() * 5)) : null,
      inputTokens: status === 200 ? drawInt(random, 500) : null,
      outputTokens: status === 200 ? drawInt(random, 900) : null,
      bytesIn: 100 + drawInt(random, 1000),
      bytesOut: drawInt(random, 5000),
      attempts: [],
    };
  });
}

beforeAll(async () => {
  database = await openTestDatabase("postgres");
  const box = createSecretBox({ keys: [{ id: "t", key: randomBytes(32) }], activeKeyId: "t" });
  services = {
    stats: createStatsService(
      createServiceContext({
        db: database.db,
        store: createMemoryStore(),
        sealer: box,
        logger,
        now: () => NOW,
      }),
    ),
  };
  await database.db
    .insert(providers)
    .values({ id: PROVIDERS[0]!, name: "first", baseUrl: "http://127.0.0.1:9" });
  rows.push(...makeRows(6_000));
  // Two writers with small batches upsert overlapping rollup rows at the same time.
  const writers = [0, 1].map(() =>
    createLogWriter({ db: database.db, logger, batchSize: 150, flushIntervalMs: 5 }),
  );
  rows.forEach((row, i) => writers[i % 2]!.write(row));
  const left = await Promise.all(writers.map((w) => w.flush(30_000)));
  expect(left).toEqual([0, 0]);
  for (const w of writers) {
    expect(w.stats()).toMatchObject({ dropped: 0, rejected: 0 });
    await w.close();
  }
}, 60_000);

afterAll(async () => {
  await database?.close();
});

const sum = (values: readonly (number | null | undefined)[]) =>
  values.reduce<number>((s, v) => s + (v ?? 0), 0);
const whole = { from: String(START), to: String(NOW) };

describe("statistics service (PostgreSQL)", () => {
  it("gives the same exact totals at minute, hour and day grain", async () => {
    const errorsByCode: Record<string, number> = {};
    for (const r of rows) if (r.errorCode) errorsByCode[r.errorCode] = (errorsByCode[r.errorCode] ?? 0) + 1;
    const successes = rows.filter((r) =>
      ["2xx", "3xx"].includes(statusClassOf(r.status, r.errorCode)),
    ).length;
    // Every kind is in the scenario: 4xx, 5xx and streams cut after a 200.
    expect(Object.keys(errorsByCode).sort()).toEqual([
      "RATE_LIMITED",
      "UPSTREAM_IDLE_TIMEOUT",
      "UPSTREAM_STATUS",
      "UPSTREAM_TIMEOUT",
    ]);
    for (const bucket of ["30m", "6h", "1d"]) {
      const o = await services.stats.overview({ ...whole, bucket });
      expect(o.totals).toMatchObject({
        requests: rows.length,
        successes,
        errorsByCode,
        tokens: { input: sum(rows.map((r) => r.inputTokens)), output: sum(rows.map((r) => r.outputTokens)) },
        bytes: { in: sum(rows.map((r) => r.bytesIn)), out: sum(rows.map((r) => r.bytesOut)) },
      });
      const p99 = exactQuantile(
        rows.map((r) => r.totalMs),
        0.99,
      )!;
      expect(Math.abs(o.totals.latencyMs.p99! - p99)).toBeLessThanOrEqual(
        p99 * HISTOGRAM_RELATIVE_ERROR + 0.05,
      );
    }
  });

  it("aligns series buckets to UTC and puts exactly their rows in each", async () => {
    const o = await services.stats.overview({ ...whole, bucket: "1h" });
    expect(o.range).toMatchObject({
      from: new Date(START).toISOString(),
      to: new Date(NOW).toISOString(),
      grain: "hour",
    });
    expect(o.series).toHaveLength(72);
    const perHour = new Map<number, number>();
    for (const r of rows) {
      const h = Math.floor(r.createdAt.getTime() / 3_600_000) * 3_600_000;
      perHour.set(h, (perHour.get(h) ?? 0) + 1);
    }
    for (const point of o.series) {
      expect(point.requests).toBe(perHour.get(Date.parse(point.t)) ?? 0);
      expect(point.requestsPerSecond).toBeCloseTo(point.requests / 3600, 3);
    }
  });

  it("defaults to the last 24 h with an automatic bucket, splits per provider and names known ones", async () => {
    const o = await services.stats.overview({});
    expect(o.range).toMatchObject({ bucket: "1h", to: new Date(NOW).toISOString() });
    const inRange = rows.filter((r) => r.createdAt.getTime() >= NOW - 86_400_000);
    expect(o.totals.requests).toBe(inRange.length);
    const first = o.providers.find((p) => p.id === PROVIDERS[0]);
    expect(first?.name).toBe("first");
    expect(first?.requests).toBe(inRange.filter((r) => r.providerId === PROVIDERS[0]).length);
    expect(o.providers.find((p) => p.id === null)?.requests).toBe(
      inRange.filter((r) => r.providerId === null).length,
    );
  });

  it("exports the series as CSV and the split as CSV, streamed", async () => {
    const file = await services.stats.exportOverview({ ...whole, bucket: "6h", format: "csv" });
    expect(file.contentType).toContain("text/csv");
    expect(file.filename).toMatch(/^stats-overview-\d{8}T\d{6}Z\.csv$/);
    const parsed = parseCsv(await new Response(file.body).text());
    if (!parsed.ok) throw new Error(parsed.message);
    expect(parsed.records[0]!.fields.slice(0, 3)).toEqual([
      "bucket_start",
      "requests",
      "requests_per_second",
    ]);
    expect(parsed.records).toHaveLength(1 + 12);
    expect(sum(parsed.records.slice(1).map((r) => Number(r.fields[1])))).toBe(rows.length);

    const split = await services.stats.exportOverview({ ...whole, format: "csv", view: "split" });
    const table = parseCsv(await new Response(split.body).text());
    if (!table.ok) throw new Error(table.message);
    expect(sum(table.records.slice(1).map((r) => Number(r.fields[2])))).toBe(rows.length);

    const json = await services.stats.exportOverview({ ...whole, format: "json" });
    const doc = JSON.parse(await new Response(json.body).text()) as { totals: { requests: number } };
    expect(doc.totals.requests).toBe(rows.length);
  });

  it("provider detail splits per group; an unknown provider is 404", async () => {
    const d = await services.stats.provider(PROVIDERS[1]!, { ...whole, bucket: "1d" });
    const mine = rows.filter((r) => r.providerId === PROVIDERS[1]);
    expect(d.provider.name).toBeNull();
    expect(d.totals.requests).toBe(mine.length);
    expect(sum(d.groups.map((g) => g.requests))).toBe(mine.length);
    await expect(services.stats.provider(randomUUID(), whole)).rejects.toMatchObject({
      code: "PROVIDER_NOT_FOUND",
    });
    await expect(services.stats.provider("nope", whole)).rejects.toMatchObject({
      code: "PROVIDER_NOT_FOUND",
    });
  });

  it("refuses bad queries with INVALID_QUERY", async () => {
    const bad: Record<string, string>[] = [
      { from: String(NOW), to: String(START) },
      { bucket: "2m" },
      { from: "yesterday" },
      { groupId: "not-a-uuid" },
      { unknown: "1" },
      { from: String(START), to: String(NOW), bucket: "1m" },
      { from: "0", to: String(NOW) },
    ];
    for (const query of bad) {
      const err: unknown = await services.stats.overview(query).catch((e: unknown) => e);
      expect(isAppError(err) ? err.code : err).toBe("INVALID_QUERY");
    }
    // ISO timestamps are accepted as well as epoch ms.
    const iso = await services.stats.overview({
      from: new Date(START).toISOString(),
      to: new Date(NOW).toISOString(),
    });
    expect(iso.totals.requests).toBe(rows.length);
  });
});
