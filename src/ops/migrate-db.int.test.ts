import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, describe, expect, inject, it } from "vitest";
import { openDatabase } from "@/db/client";
import { partitionsOf } from "@/db/day-partitions";
import { executeRows } from "@/db/execute-rows";
import { startMockUpstream, type MockUpstream } from "@/testing/mock-upstream";
import { callAdminApi } from "@/testing/process-setups";
import { startTestProcess } from "@/testing/runtime-test-support";
import { withDatabaseName } from "@/testing/services";
import { createEmptyPostgresDatabase } from "@/testing/test-database";
import { runOpsCli } from "./cli";

/**
 * Embedded → PostgreSQL as an operator moves: a server on an embedded data folder gets a provider with
 * a credential, a group, a gateway key and traffic (plus a request logged ten days ago, in its own day
 * partition); it stops; `migrate-db --to` copies everything into a fresh PostgreSQL database; a server
 * started there with the embedded key file's key proxies with the OLD gateway key, sends the OLD
 * credential upstream, and lists the old requests beside the new one.
 */

const CREDENTIAL = `cred-${randomBytes(12).toString("hex")}`;
const TOKEN = `admin-${randomBytes(12).toString("hex")}`;
const tmp = mkdtempSync(path.join(os.tmpdir(), "rb-migrate-"));
let upstream: MockUpstream | null = null;

afterAll(async () => {
  await upstream?.close();
  rmSync(tmp, { recursive: true, force: true });
});

async function ops(argv: string[], env: Record<string, string>) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runOpsCli(
    argv,
    { NODE_ENV: "test", ...env },
    {
      print: (line) => out.push(line),
      error: (line) => err.push(line),
      readStdin: async () => null,
      appVersion: "test",
    },
  );
  return { code, out: out.join("\n"), err: err.join("\n") };
}

async function proxyChat(baseUrl: string, key: string): Promise<number> {
  const res = await fetch(`${baseUrl}/api/proxy/main/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify({ model: "mock-model", messages: [{ role: "user", content: "hi" }] }),
  });
  await res.arrayBuffer();
  return res.status;
}

async function logCount(baseUrl: string): Promise<number> {
  const page = await callAdminApi(baseUrl, TOKEN, "GET", "/logs?limit=50");
  expect(page.status, page.text).toBe(200);
  return (page.json as { items: unknown[] }).items.length;
}

/** Seeds the embedded folder through the real admin API and sends one request; returns the key. */
async function seedEmbedded(dataDir: string, upstreamUrl: string): Promise<string> {
  const proc = await startTestProcess({ DATA_DIR: dataDir, ADMIN_TOKEN: TOKEN, LOG_LEVEL: "silent" });
  try {
    const post = async (route: string, body: unknown) => {
      const res = await callAdminApi(proc.url, TOKEN, "POST", route, body);
      expect(res.status, `${route}: ${res.text}`).toBe(201);
      return res.json as { id: string; key?: string };
    };
    const provider = await post("/providers", {
      name: "up",
      baseUrl: `${upstreamUrl}/v1`,
      apiKey: CREDENTIAL,
      authStyle: "bearer",
    });
    const group = await post("/groups", { slug: "main", name: "Main" });
    await post(`/groups/${group.id}/providers`, { providerId: provider.id });
    const key = (await post("/api-keys", { name: "k" })).key!;
    expect(await proxyChat(proc.url, key)).toBe(200);
    return key;
  } finally {
    await proc.stop();
  }
}

/** A request logged ten days ago, in that day's partition (history older than the default window). */
async function backdateOneLog(dataDir: string): Promise<string> {
  const day = new Date(Date.now() - 10 * 86_400_000).toISOString().slice(0, 10);
  const db = await openDatabase({ dataDir: path.join(dataDir, "pglite") });
  try {
    await db.db.execute(sql`select rb_ensure_day_partition('request_logs'::regclass, ${day}::date)`);
    const cols = await executeRows<{ name: string }>(
      db.db,
      sql`select column_name as name from information_schema.columns
          where table_name = 'request_logs' and column_name not in ('id', 'created_at')`,
    );
    const list = sql.join(
      cols.map((c) => sql.identifier(c.name)),
      sql`, `,
    );
    await db.db.execute(
      sql`insert into request_logs (id, created_at, ${list})
          select gen_random_uuid(), ${`${day}T12:00:00Z`}::timestamptz, ${list} from request_logs limit 1`,
    );
  } finally {
    await db.close();
  }
  return `request_logs_p${day.replaceAll("-", "")}`;
}

describe("npm run migrate-db: embedded -> PostgreSQL", { timeout: 180_000 }, () => {
  it("keeps gateway keys, sealed credentials and history; refuses a non-empty target unless --force", async () => {
    upstream = await startMockUpstream();
    const dataDir = mkdtempSync(path.join(tmp, "embedded-"));
    const key = await seedEmbedded(dataDir, upstream.url);
    const oldPartition = await backdateOneLog(dataDir);
    const target = await createEmptyPostgresDatabase("migrate");

    const noTarget = await ops(["migrate-db"], { DATA_DIR: dataDir });
    expect(noTarget.code).toBe(1);
    expect(noTarget.err).toMatch(/--to/);

    const migrated = await ops(["migrate-db", "--to", target], { DATA_DIR: dataDir });
    expect(migrated.code, migrated.err).toBe(0);
    expect(migrated.out).toMatch(/^api_keys: 1 rows/m);
    expect(migrated.out).toMatch(/^providers: 1 rows/m);
    expect(migrated.out).toMatch(/^request_logs: 2 rows/m);
    expect(migrated.out).toMatch(/^audit_log: [1-9]\d* rows/m);
    expect(migrated.out).toMatch(/1 sealed values open in the target/);
    expect(migrated.out).toMatch(/SECRET_KEY set to .*secret\.key/);
    const secret = readFileSync(path.join(dataDir, "secret.key"), "utf8").trim();
    expect(migrated.out + migrated.err).not.toContain(secret);
    expect(migrated.out + migrated.err).not.toContain(CREDENTIAL);

    // The target now has data: a second run is refused, --force replaces it (same result).
    const again = await ops(["migrate-db", "--to", target], { DATA_DIR: dataDir });
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/not empty.*--force/);
    const forced = await ops(["migrate-db", "--to", target, "--force"], { DATA_DIR: dataDir });
    expect(forced.code, forced.err).toBe(0);
    expect(forced.out).toMatch(/^request_logs: 2 rows/m);

    const check = await openDatabase({ url: target, poolSize: 2 });
    try {
      expect(await partitionsOf(check.db, "request_logs")).toContain(oldPartition);
      const [old] = await executeRows<{ n: number }>(
        check.db,
        sql`select count(*)::int as n from ${sql.identifier(oldPartition)}`,
      );
      expect(old?.n).toBe(1);
    } finally {
      await check.close();
    }

    upstream.requests.length = 0;
    const proc = await startTestProcess({
      DATABASE_URL: target,
      SECRET_KEY: secret,
      ADMIN_TOKEN: TOKEN,
      LOG_LEVEL: "silent",
    });
    try {
      expect(await logCount(proc.url)).toBe(2);
      expect(await proxyChat(proc.url, key)).toBe(200);
      expect(upstream.requests.at(-1)?.headers.authorization).toBe(`Bearer ${CREDENTIAL}`);
      // The new request is logged beside the old ones (the log writer flushes in batches).
      const deadline = Date.now() + 10_000;
      while ((await logCount(proc.url)) < 3 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 200));
      expect(await logCount(proc.url)).toBe(3);
      const audit = await callAdminApi(proc.url, TOKEN, "GET", "/audit");
      expect(audit.text).toMatch(/api_key/);
      // A new admin write gets a fresh audit id (the identity sequence moved past the copied ids).
      const created = await callAdminApi(proc.url, TOKEN, "POST", "/groups", {
        slug: "after",
        name: "After",
      });
      expect(created.status, created.text).toBe(201);
    } finally {
      await proc.stop();
    }
  });

  it("refuses a target that is not a postgres:// URL, and the database it already uses", async () => {
    const dataDir = mkdtempSync(path.join(tmp, "refuse-"));
    const wrong = await ops(["migrate-db", "--to", "mysql://x/y"], { DATA_DIR: dataDir });
    expect(wrong.code).toBe(1);
    expect(wrong.err).toMatch(/postgres:\/\//);
    const url = withDatabaseName(inject("databaseUrl")!, "whatever");
    const same = await ops(["migrate-db", "--to", url], { DATABASE_URL: url, SECRET_KEY: "x".repeat(44) });
    expect(same.code).toBe(1);
    expect(same.err).toMatch(/already uses/);
  });
});
