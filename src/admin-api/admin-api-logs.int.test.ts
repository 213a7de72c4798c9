import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { groupDetailSchema } from "@/contracts/groups";
import { logDetailSchema, logsPageSchema, type LogSummary, type LogsPage } from "@/contracts/logs";
import { providerStatsSchema, statsOverviewSchema } from "@/contracts/stats";
import { createSeededRandom, drawInt } from "@/core/random/seeded";
import type { AttemptRecord, NewRequestLogRow } from "@/db/schema";
import { requestCaptures } from "@/db/schema";
import { createLogWriter } from "@/gateway/log-writer";
import { toCaptureRow, type PendingCapture } from "@/stats/capture-row";
import { createLogger } from "@/observability/logger";
import { parseCsv } from "@/http/csv";
import { STATUS_CLASSES } from "@/core/vocabulary/status-classes";
import { statusClassOf } from "@/stats/status-class";
import { startAdminTestServer, type AdminTestServer } from "@/testing/admin-api-test-server";

/**
 * The logs and stats endpoints over HTTP (PostgreSQL): filters and cursor paging against the same
 * filters applied to the seeded rows, the attempt timeline, streamed CSV/JSON exports, roles, errors.
 */

let server: AdminTestServer;
const rows: NewRequestLogRow[] = [];
const PROVIDERS = [randomUUID(), randomUUID(), randomUUID()];
const GROUPS = [randomUUID(), randomUUID()];
const KEYS = [randomUUID(), randomUUID()];
const MODELS = ["claude-x", "gpt-y", null];
const BASE = Date.UTC(2026, 0, 15, 8);
const TIMELINE: AttemptRecord[] = [
  {
    providerId: PROVIDERS[0]!,
    provider: "p0",
    errorCode: "UPSTREAM_CONNECT_FAILED",
    startMs: 0.4,
    endMs: 2.5,
    ms: 2.1,
    outcome: "failure",
  },
  {
    providerId: PROVIDERS[1]!,
    provider: "p1",
    status: 200,
    startMs: 30,
    connectMs: 31.2,
    firstByteMs: 80,
    endMs: 95.5,
    ms: 65.5,
    outcome: "success",
  },
];

function seed(n: number): NewRequestLogRow[] {
  const random = createSeededRandom(3);
  return Array.from({ length: n }, (_, i) => {
    const roll = random();
    const status = roll < 0.7 ? 200 : roll < 0.8 ? 429 : roll < 0.92 ? 502 : roll < 0.96 ? 200 : 304;
    const errorCode =
      status === 429
        ? "RATE_LIMITED"
        : status === 502
          ? "UPSTREAM_STATUS"
          : roll >= 0.92 && roll < 0.96
            ? "UPSTREAM_IDLE_TIMEOUT"
            : null;
    return {
      // Several rows share a millisecond: the cursor must order them by id.
      id: `log-${String(i).padStart(5, "0")}`,
      createdAt: new Date(BASE + Math.floor(i / 3) * 1_000),
      groupId: GROUPS[drawInt(random, 2)]!,
      groupSlug: "g",
      providerId: PROVIDERS[drawInt(random, 3)]!,
      keyId: KEYS[drawInt(random, 2)]!,
      method: "POST",
      path: "/v1/messages",
      status,
      totalMs: 10 + drawInt(random, 500),
      ttfbMs: 5,
      attempts: i === 7 ? TIMELINE : [],
      errorCode,
      model: MODELS[drawInt(random, 3)] ?? null,
      inputTokens: 3,
      outputTokens: 4,
      streamed: random() < 0.5,
      clientIp: "127.0.0.1",
    };
  });
}

beforeAll(async () => {
  server = await startAdminTestServer("postgres");
  rows.push(...seed(2_500));
  const w = createLogWriter({ db: server.database.db, logger: createLogger("silent") });
  for (const r of rows) w.write(r);
  expect(await w.flush()).toBe(0);
  await w.close();
  const log7 = rows.find((r) => r.id === "log-00007")!;
  const pending: PendingCapture = {
    requestId: log7.id,
    createdAt: log7.createdAt,
    method: "POST",
    path: log7.path,
    query: "",
    headers: { "content-type": "application/json" },
    body: Buffer.from('{"password":"pw-123456789"}'),
    maxBytes: 1_048_576,
    attempts: [],
    gatewayKey: null,
  };
  await server.database.db.insert(requestCaptures).values(await toCaptureRow(pending, []));
}, 60_000);

afterAll(async () => {
  await server?.close();
});

const newestFirst = (a: NewRequestLogRow, b: NewRequestLogRow) =>
  b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

async function pageThrough(query: string, as: "admin" | "viewer" = "admin"): Promise<LogSummary[]> {
  const out: LogSummary[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 100; i++) {
    const sep = query === "" ? "" : "&";
    const path: string = `/logs?limit=200${sep}${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
    const page: LogsPage = (await server.call("GET", path, { as })).as(logsPageSchema);
    out.push(...page.items);
    cursor = page.nextCursor;
    if (cursor === null) return out;
  }
  throw new Error("too many pages");
}

describe("GET /logs", () => {
  it("pages through every row newest first with an opaque cursor, no duplicates or gaps", async () => {
    const all = await pageThrough("", "viewer");
    expect(all.map((r) => r.id)).toEqual([...rows].sort(newestFirst).map((r) => r.id));
  });

  it("applies each filter exactly like the same filter over the rows", async () => {
    const cases: [string, (r: NewRequestLogRow) => boolean][] = [
      [`providerId=${PROVIDERS[1]}`, (r) => r.providerId === PROVIDERS[1]],
      [`groupId=${GROUPS[0]}&keyId=${KEYS[1]}`, (r) => r.groupId === GROUPS[0] && r.keyId === KEYS[1]],
      ["errorCode=UPSTREAM_STATUS", (r) => r.errorCode === "UPSTREAM_STATUS"],
      ["model=claude-x&streamed=true", (r) => r.model === "claude-x" && r.streamed === true],
      [
        `from=${BASE + 100_000}&to=${new Date(BASE + 200_000).toISOString()}`,
        (r) => r.createdAt.getTime() >= BASE + 100_000 && r.createdAt.getTime() < BASE + 200_000,
      ],
    ];
    for (const c of STATUS_CLASSES) {
      cases.push([`statusClass=${c}`, (r) => statusClassOf(r.status, r.errorCode) === c]);
    }
    for (const [query, keep] of cases) {
      const got = await pageThrough(query);
      const expected = rows
        .filter(keep)
        .sort(newestFirst)
        .map((r) => r.id);
      expect(expected.length).toBeGreaterThan(0);
      expect(got.map((r) => r.id)).toEqual(expected);
    }
  });

  it("refuses a limit over 200, a forged cursor and unknown parameters", async () => {
    (await server.call("GET", "/logs?limit=201")).error(400, "INVALID_QUERY");
    (await server.call("GET", "/logs?cursor=bm90LWEtY3Vyc29y")).error(400, "INVALID_QUERY");
    (await server.call("GET", "/logs?statusClass=6xx")).error(400, "INVALID_QUERY");
    (await server.call("GET", "/logs?color=red")).error(400, "INVALID_QUERY");
    (await server.call("GET", "/logs", { as: "none" })).error(401, "UNAUTHENTICATED");
  });
});

describe("GET /logs/{id}", () => {
  it("shows the attempt timeline and the captured (redacted) body", async () => {
    const detail = (await server.call("GET", "/logs/log-00007", { as: "viewer" })).as(logDetailSchema);
    expect(detail.attemptCount).toBe(2);
    expect(detail.attempts).toEqual([
      {
        providerId: PROVIDERS[0],
        provider: "p0",
        status: null,
        errorCode: "UPSTREAM_CONNECT_FAILED",
        startMs: 0.4,
        connectMs: null,
        firstByteMs: null,
        endMs: 2.5,
        durationMs: 2.1,
        outcome: "failure",
      },
      {
        providerId: PROVIDERS[1],
        provider: "p1",
        status: 200,
        errorCode: null,
        startMs: 30,
        connectMs: 31.2,
        firstByteMs: 80,
        endMs: 95.5,
        durationMs: 65.5,
        outcome: "success",
      },
    ]);
    expect(detail.bodies?.request).toEqual({
      text: '{"password":"[REDACTED]"}',
      bytes: 27,
      truncated: false,
    });
    expect(detail.bodies?.response).toBeNull();
    (await server.call("GET", "/logs/no-such-request")).error(404, "LOG_NOT_FOUND");
  });
});

describe("GET /logs/export", () => {
  it("streams every matching row as CSV, page by page", async () => {
    const res = await server.call("GET", `/logs/export?format=csv&providerId=${PROVIDERS[2]}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/csv");
    expect(res.headers.get("content-disposition")).toMatch(
      /attachment; filename="request-logs-\d{8}T\d{6}Z\.csv"/,
    );
    expect(res.headers.get("content-length")).toBeNull();
    expect(res.headers.get("transfer-encoding")).toBe("chunked");
    const parsed = parseCsv(res.text);
    if (!parsed.ok) throw new Error(parsed.message);
    const [header, ...records] = parsed.records;
    expect(header!.fields.slice(0, 3)).toEqual(["id", "created_at", "group_id"]);
    const expected = rows.filter((r) => r.providerId === PROVIDERS[2]).sort(newestFirst);
    expect(expected.length).toBeGreaterThan(0);
    expect(records.map((r) => r.fields[0])).toEqual(expected.map((r) => r.id));
  });

  it("streams all 2,500 rows (several pages) as one valid JSON array", async () => {
    const res = await server.call("GET", "/logs/export?format=json", { as: "viewer" });
    expect(res.headers.get("content-type")).toContain("application/json");
    const items = JSON.parse(res.text) as LogSummary[];
    expect(items.map((r) => r.id)).toEqual([...rows].sort(newestFirst).map((r) => r.id));
    expect(items[0]).toMatchObject({ statusClass: expect.any(String), attemptCount: expect.any(Number) });
    const empty = await server.call("GET", "/logs/export?format=json&model=none-such");
    expect(JSON.parse(empty.text)).toEqual([]);
    (await server.call("GET", "/logs/export?format=xml")).error(400, "INVALID_QUERY");
  });
});

describe("stats endpoints", () => {
  const range = `from=${BASE - 60_000}&to=${BASE + 3_600_000}`;

  it("answers the overview from the rollups, for viewers too", async () => {
    const o = (await server.call("GET", `/stats/overview?${range}&bucket=5m`, { as: "viewer" })).as(
      statsOverviewSchema,
    );
    expect(o.totals.requests).toBe(rows.length);
    expect(o.series.reduce((s, p) => s + p.requests, 0)).toBe(rows.length);
    expect(o.totals.errorsByCode.RATE_LIMITED).toBe(
      rows.filter((r) => r.errorCode === "RATE_LIMITED").length,
    );
    (await server.call("GET", "/stats/overview?bucket=3m")).error(400, "INVALID_QUERY");
    (await server.call("GET", "/stats/overview?from=later")).error(400, "INVALID_QUERY");
  });

  it("provider detail and CSV/JSON downloads", async () => {
    const d = (await server.call("GET", `/stats/providers/${PROVIDERS[0]}?${range}`)).as(providerStatsSchema);
    expect(d.totals.requests).toBe(rows.filter((r) => r.providerId === PROVIDERS[0]).length);
    const csv = await server.call("GET", `/stats/providers/${PROVIDERS[0]}?${range}&bucket=15m&format=csv`);
    expect(csv.headers.get("content-disposition")).toContain("stats-provider-");
    const parsed = parseCsv(csv.text);
    if (!parsed.ok) throw new Error(parsed.message);
    expect(parsed.records.length).toBe(1 + 5);
    const json = await server.call("GET", `/stats/overview?${range}&format=json`);
    expect(json.headers.get("content-disposition")).toContain(".json");
    expect(statsOverviewSchema.parse(JSON.parse(json.text)).totals.requests).toBe(rows.length);
    (await server.call("GET", `/stats/providers/${randomUUID()}`)).error(404, "PROVIDER_NOT_FOUND");
  });
});

describe("group capture settings", () => {
  it("are off by default and can be turned on with a mode, sample rate and size cap", async () => {
    const created = (await server.call("POST", "/groups", { json: { slug: "dbg", name: "Debug" } })).as(
      groupDetailSchema,
    );
    expect(created).toMatchObject({ capture: "off", captureSampleRate: 1, captureMaxBytes: 1_048_576 });
    const updated = (
      await server.call("PUT", `/groups/${created.id}`, {
        json: { capture: "all", captureSampleRate: 0.25, captureMaxBytes: 2048 },
      })
    ).as(groupDetailSchema);
    expect(updated).toMatchObject({ capture: "all", captureSampleRate: 0.25, captureMaxBytes: 2048 });
    (
      await server.call("PUT", `/groups/${created.id}`, { json: { captureMaxBytes: 100 * 1024 * 1024 } })
    ).error(400, "VALIDATION_FAILED");
    (await server.call("PUT", `/groups/${created.id}`, { json: { capture: "some" } })).error(
      400,
      "VALIDATION_FAILED",
    );
    (await server.call("PUT", `/groups/${created.id}`, { json: { captureSampleRate: 2 } })).error(
      400,
      "VALIDATION_FAILED",
    );
  });
});
