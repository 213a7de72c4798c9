import { DEFAULT_TENANT_ID } from "@/core/vocabulary/tenants";
import { randomUUID } from "node:crypto";
import { inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../db/client";
import { requestLogs, type NewRequestLogRow } from "../db/schema";
import { openTestDatabase, type TestDatabaseKind } from "../testing/test-database";
import { expandAttempts } from "../stats/attempt-codec";
import { createRequestLogInsert, type LogInsertFormat } from "./insert-request-logs";

// PostgreSQL takes the JSON form; the embedded database's thread also takes COPY text (the form the
// log writer uses there), and both must store the same rows.
const CASES: readonly [TestDatabaseKind, LogInsertFormat][] = [
  ["postgres", "json"],
  ["pglite", "json"],
  ["pglite", "copy"],
];

describe.each(CASES)("request-log batch insert on %s as %s", (kind, format) => {
  let database: Database;

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    expect(format === "json" || database.blobCopy).toBe(true);
  });

  afterAll(async () => {
    await database?.close();
  });

  const read = (ids: string[]) =>
    database.db.select().from(requestLogs).where(inArray(requestLogs.id, ids)).orderBy(requestLogs.id);

  it("round-trips every column: values, nulls, jsonb attempts, exact timestamps and awkward text", async () => {
    const insertWith = createRequestLogInsert(format);
    const insert = (rows: Parameters<typeof insertWith>[1]) => insertWith(database.db, rows);
    const groupId = randomUUID();
    const providerId = randomUUID();
    const full: NewRequestLogRow = {
      id: "rt-1-full",
      createdAt: new Date("2026-03-04T05:06:07.891Z"),
      groupId,
      groupSlug: "g'1\\\"x",
      providerId,
      keyId: randomUUID(),
      method: "POST",
      path: "/v1/chat/completions\t\n'quoted' \"dq\" \\ é ✓ 😀",
      status: 503,
      totalMs: 1234,
      ttfbMs: 56,
      attempts: [
        {
          providerId,
          provider: 'p\'1 "✓"',
          status: 503,
          startMs: 0.1,
          firstByteMs: 12.3,
          endMs: 12.3,
          ms: 12.2,
          outcome: "failure",
        },
        {
          providerId,
          provider: "p2",
          errorCode: "UPSTREAM_RESET",
          startMs: 40,
          endMs: 41,
          ms: 1,
          outcome: "failure",
        },
      ],
      errorCode: "UPSTREAM_OVERLOADED",
      bytesIn: 5_000_000_000,
      bytesOut: 2,
      model: "m\u00e9",
      inputTokens: 7,
      outputTokens: 0,
      clientIp: "::1",
      streamed: true,
      source: "replay",
      replayOf: "rt-0-original",
    };
    const sparse: NewRequestLogRow = {
      id: "rt-2-sparse",
      createdAt: new Date("2026-03-04T05:06:07.001Z"),
      method: "GET",
      path: "/",
      status: 401,
      totalMs: 0,
      groupId: null,
      ttfbMs: null,
      model: null,
    };
    await insert([full, sparse]);
    const [a, b] = await read([full.id, sparse.id]);
    // Attempts are stored compact (the row's own provider id left out) and expand back exactly.
    expect(a?.attempts[0]).toEqual([null, 'p\'1 "✓"', 503, null, 0.1, null, 12.3, 12.3, 12.2, "failure"]);
    // Columns other features added (tenant, cost, model routing) take their defaults here.
    const added = {
      tenantId: DEFAULT_TENANT_ID,
      upstreamModel: null,
      affinity: null,
      cacheReadTokens: null,
      cacheWriteTokens: null,
      costMicros: null,
    };
    expect({ ...a, attempts: expandAttempts(a?.attempts, a?.providerId ?? null) }).toEqual({
      ...full,
      ...added,
      createdAt: full.createdAt,
    });
    expect(a?.createdAt.getTime()).toBe(full.createdAt.getTime());
    // Columns left out take their defaults; nullable ones are NULL.
    expect(b).toEqual({
      ...sparse,
      ...added,
      groupSlug: null,
      providerId: null,
      keyId: null,
      attempts: [],
      errorCode: null,
      bytesIn: 0,
      bytesOut: 0,
      inputTokens: null,
      outputTokens: null,
      clientIp: null,
      streamed: false,
      source: "client",
      replayOf: null,
      tenantId: DEFAULT_TENANT_ID,
      cacheReadTokens: null,
      cacheWriteTokens: null,
      costMicros: null,
      upstreamModel: null,
      affinity: null,
    });
  });

  it("writes a 500-row batch in one statement", async () => {
    const insertWith = createRequestLogInsert(format);
    const insert = (rows: Parameters<typeof insertWith>[1]) => insertWith(database.db, rows);
    const rows: NewRequestLogRow[] = Array.from({ length: 500 }, (_, i) => ({
      id: `batch-${String(i).padStart(4, "0")}`,
      createdAt: new Date(1_700_000_000_000 + i),
      method: "POST",
      path: `/v1/x/${i}`,
      status: 200,
      totalMs: i,
      attempts: [],
      inputTokens: i,
    }));
    await insert(rows);
    const back = await read(rows.map((r) => r.id));
    expect(back).toHaveLength(500);
    expect(back.map((r) => r.inputTokens)).toEqual(rows.map((r) => r.inputTokens));
    expect(back[499]?.createdAt.getTime()).toBe(1_700_000_000_499);
  });

  it("fails the whole batch with a data-error SQLSTATE (class 22/23) on a bad row", async () => {
    const insertWith = createRequestLogInsert(format);
    const insert = (rows: Parameters<typeof insertWith>[1]) => insertWith(database.db, rows);
    const ok: NewRequestLogRow = {
      id: "bad-ok",
      createdAt: new Date(),
      method: "GET",
      path: "/",
      status: 200,
      totalMs: 1,
    };
    const duplicate = async () =>
      insert([
        { ...ok, id: "bad-dup" },
        { ...ok, id: "bad-dup" },
      ]);
    const nul = async () => insert([{ ...ok, id: "bad-nul", path: "/a\u0000b" }]);
    // Why recordLog replaces lone surrogates in the model name: JSON text cannot carry one. (COPY
    // text is UTF-8 encoded on the way, which writes U+FFFD for it instead.)
    const surrogate = async () => insert([{ ...ok, id: "bad-surrogate", model: "m\ud800" }]);
    const refused = format === "json" ? [duplicate, nul, surrogate] : [duplicate, nul];
    for (const attempt of refused) {
      const err: unknown = await attempt().then(
        () => null,
        (e: unknown) => e,
      );
      const cause = (err as { cause?: { code?: unknown } } | null)?.cause ?? err;
      expect(String((cause as { code?: unknown }).code)).toMatch(/^2[23]/);
    }
    expect(await read(["bad-dup", "bad-nul", "bad-surrogate"])).toEqual([]);
  });

  it("stores a number that is not finite as NULL, in either form", async () => {
    const insertWith = createRequestLogInsert(format);
    await insertWith(database.db, [
      {
        id: "nan-ttfb",
        createdAt: new Date(1_700_000_200_000),
        method: "GET",
        path: "/",
        status: 200,
        totalMs: 1,
        ttfbMs: Number.NaN,
        costMicros: Number.POSITIVE_INFINITY,
      },
    ]);
    const [row] = await read(["nan-ttfb"]);
    expect([row?.ttfbMs, row?.costMicros]).toEqual([null, null]);
  });

  it("keeps text that looks like COPY syntax as it was", async () => {
    const insertWith = createRequestLogInsert(format);
    const tricky = ["\\.", "\\N", "a\\tb", "\\", "line\r\nnext\\", "\t", "\\\\x41"];
    const rows: NewRequestLogRow[] = tricky.map((text, i) => ({
      id: `copy-${i}`,
      createdAt: new Date(1_700_000_100_000 + i),
      method: "GET",
      path: text,
      groupSlug: text,
      status: 200,
      totalMs: i,
    }));
    await insertWith(database.db, rows);
    const back = await read(rows.map((r) => r.id));
    expect(back.map((r) => [r.path, r.groupSlug])).toEqual(tricky.map((t) => [t, t]));
  });
});
