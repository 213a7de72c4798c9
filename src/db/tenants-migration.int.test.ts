import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, describe, expect, inject, it } from "vitest";
import { DEFAULT_TENANT_ID } from "../core/vocabulary/tenants";
import { buildSnapshot } from "../gateway/snapshot/build-snapshot";
import { authenticateKey, resolveGroup } from "../gateway/stages/authenticate-key";
import { createLogger } from "../observability/logger";
import { digestGatewayKey } from "../security/gateway-key";
import { withDatabaseName } from "../testing/services";
import { executeRows } from "./execute-rows";
import { openDatabase, type Database } from "./client";

/**
 * Upgrading a single-tenant install: a database migrated to the last migration before tenants and
 * filled with one of everything is migrated to the end; every row lands in the `default` tenant and the
 * old proxy URL with the old key still routes (through the real snapshot and key stages).
 */
const FULL = path.resolve(process.cwd(), "drizzle");
const GATEWAY_KEY = "sk-upgrade-test-key-0000000000000000000000";
const TABLES = [
  "providers",
  "groups",
  "api_keys",
  "alert_rules",
  "alert_channels",
  "audit_log",
  "request_logs",
  "stats_rollups",
];

/** A copy of the migrations folder that stops before the first tenants migration. */
function preTenantMigrations(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "rb-pre-tenants-"));
  cpSync(FULL, dir, { recursive: true });
  const journalFile = path.join(dir, "meta", "_journal.json");
  const journal = JSON.parse(readFileSync(journalFile, "utf8")) as { entries: { tag: string }[] };
  const first = journal.entries.findIndex((e) => /tenants_/.test(e.tag));
  expect(first).toBeGreaterThan(0);
  journal.entries = journal.entries.slice(0, first);
  writeFileSync(journalFile, JSON.stringify(journal));
  return dir;
}

/** One row of every tenant-owned table, written with the pre-tenant columns only. */
async function populate(database: Database): Promise<void> {
  const digest = digestGatewayKey(GATEWAY_KEY);
  const statements = `
    insert into providers (id, name, base_url) values ('11111111-1111-4111-8111-111111111111', 'up', 'http://127.0.0.1:9');
    insert into groups (id, slug, name) values ('22222222-2222-4222-8222-222222222222', 'claude', 'Claude');
    insert into group_providers (group_id, provider_id) values ('22222222-2222-4222-8222-222222222222', '11111111-1111-4111-8111-111111111111');
    insert into api_keys (id, name, key_digest, key_prefix, key_last4, group_id)
      values ('33333333-3333-4333-8333-333333333333', 'k', '${digest}', 'sk-upgr', '0000', '22222222-2222-4222-8222-222222222222');
    insert into alert_rules (name, type, condition) values ('r', 'error_rate', '{}'::jsonb);
    insert into alert_channels (name, type, secrets_cipher) values ('c', 'webhook', 'x');
    insert into audit_log (actor_name, action, entity_type) values ('admin', 'provider.create', 'provider');
    insert into request_logs (id, created_at, method, path, status, total_ms) values ('req-1', now(), 'POST', '/v1/messages', 200, 12);
    insert into stats_rollups (grain, bucket, group_id, provider_id, key_id, status_class, requests, latency_sum_ms,
      ttfb_sum_ms, ttfb_count, bytes_in, bytes_out, input_tokens, output_tokens, latency_hist, ttfb_hist)
      values (1, now(), '22222222-2222-4222-8222-222222222222', '11111111-1111-4111-8111-111111111111',
      '33333333-3333-4333-8333-333333333333', '2xx', 1, 12, 5, 1, 10, 20, 0, 0, '{}', '{}');
  `;
  for (const statement of statements.split(";\n")) {
    if (statement.trim() !== "") await database.db.execute(sql.raw(statement));
  }
}

/** Checks the upgraded database: counts kept, everything in the default tenant, the key still routes. */
async function expectUpgraded(database: Database, countsBefore: Record<string, number>): Promise<void> {
  for (const table of TABLES) {
    const rows = await executeRows<{ n: number; other: number }>(
      database.db,
      sql.raw(
        `select count(*)::int as n, count(*) filter (where tenant_id <> '${DEFAULT_TENANT_ID}')::int as other from ${table}`,
      ),
    );
    expect({ table, ...rows[0] }).toEqual({ table, n: countsBefore[table], other: 0 });
  }
  const [tenant] = await executeRows<{ slug: string; enabled: boolean }>(
    database.db,
    sql.raw(`select slug, enabled from tenants where id = '${DEFAULT_TENANT_ID}'`),
  );
  expect(tenant).toEqual({ slug: "default", enabled: true });
  const snapshot = await buildSnapshot({
    db: database.db,
    openCredential: () => "",
    logger: createLogger("silent"),
    strategiesFor: () => () => ({ pick: () => null }) as never,
    version: 1,
    now: Date.now(),
  });
  const key = authenticateKey({ authorization: `Bearer ${GATEWAY_KEY}` }, snapshot, Date.now());
  const group = resolveGroup(snapshot, { groupSlug: "claude", path: "/v1/messages" } as never, key);
  expect(group.id).toBe("22222222-2222-4222-8222-222222222222");
  expect(group.members.map((m) => m.provider.name)).toEqual(["up"]);
}

async function countRows(database: Database): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of TABLES) {
    const [row] = await executeRows<{ n: number }>(
      database.db,
      sql.raw(`select count(*)::int as n from ${table}`),
    );
    counts[table] = row!.n;
  }
  return counts;
}

describe("tenants migration on a populated single-tenant database", () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it("PGlite: every row, URL and key keeps working in the default tenant", async () => {
    const pre = preTenantMigrations();
    cleanups.push(() => rmSync(pre, { recursive: true, force: true }));
    const old = await openDatabase({ migrationsFolder: pre });
    await old.migrate();
    await populate(old);
    const counts = await countRows(old);
    const dump = await old.dump!();
    await old.close();
    const upgraded = await openDatabase({ loadDataDir: dump, migrationsFolder: FULL });
    cleanups.push(() => upgraded.close());
    await upgraded.migrate();
    await expectUpgraded(upgraded, counts);
  }, 60_000);

  it("PostgreSQL: every row, URL and key keeps working in the default tenant", async () => {
    const adminUrl = inject("databaseUrl");
    if (!adminUrl) throw new Error("This suite needs PostgreSQL: TEST_DATABASE_URL=none was set.");
    const pre = preTenantMigrations();
    cleanups.push(() => rmSync(pre, { recursive: true, force: true }));
    const name = `rb_tenants_mig_${randomBytes(4).toString("hex")}`;
    const { default: postgres } = await import("postgres");
    const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database "${name}"`);
    cleanups.push(async () => {
      await admin.unsafe(`drop database if exists "${name}" with (force)`);
      await admin.end({ timeout: 5 });
    });
    const url = withDatabaseName(adminUrl, name);
    const old = await openDatabase({ url, poolSize: 2, migrationsFolder: pre });
    await old.migrate();
    await populate(old);
    const counts = await countRows(old);
    await old.close();
    const upgraded = await openDatabase({ url, poolSize: 2, migrationsFolder: FULL });
    cleanups.push(() => upgraded.close());
    await upgraded.migrate();
    await expectUpgraded(upgraded, counts);
  }, 60_000);
});
