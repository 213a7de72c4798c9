import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { inject } from "vitest";
import { openDatabase, type Database } from "../db/client";
import { withDatabaseName } from "./services";

export type TestDatabaseKind = "pglite" | "postgres";

/** The database kinds a suite parameterised over drivers should run against. */
export const DATABASE_KINDS: readonly TestDatabaseKind[] = ["pglite", "postgres"];

/**
 * Opens a fresh, migrated database for one test file: PGlite cloned from the run's template dump, or
 * a new PostgreSQL database created from the run's template. Fails loudly when PostgreSQL was opted out.
 */
export async function openTestDatabase(kind: TestDatabaseKind): Promise<Database & { url?: string }> {
  if (kind === "pglite") {
    const file = inject("pgliteTemplateFile");
    return openDatabase({ loadDataDir: new Blob([readFileSync(file)]) });
  }
  const adminUrl = inject("databaseUrl");
  const template = inject("pgTemplate");
  if (!adminUrl || !template) {
    throw new Error("This suite needs PostgreSQL: TEST_DATABASE_URL=none was set, so it cannot run.");
  }
  const name = `rb_t_${inject("runId")}_${randomBytes(4).toString("hex")}`;
  const { default: postgres } = await import("postgres");
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database "${name}" template "${template}"`);
  } finally {
    await admin.end({ timeout: 5 });
  }
  const url = withDatabaseName(adminUrl, name);
  const db = await openDatabase({ url, poolSize: 5 });
  return Object.assign(db, { url });
}

/**
 * Creates a new, empty PostgreSQL database named for this run (`rb_<label>_<runId>_…`, dropped with the
 * run's others at teardown) and returns its URL; fails loudly when PostgreSQL was opted out.
 */
export async function createEmptyPostgresDatabase(label = "t"): Promise<string> {
  const adminUrl = inject("databaseUrl");
  if (!adminUrl)
    throw new Error("This suite needs PostgreSQL: TEST_DATABASE_URL=none was set, so it cannot run.");
  const name = `rb_${label}_${inject("runId")}_${randomBytes(4).toString("hex")}`;
  const { default: postgres } = await import("postgres");
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database "${name}"`);
  } finally {
    await admin.end({ timeout: 5 });
  }
  return withDatabaseName(adminUrl, name);
}

/**
 * Opens a new, EMPTY (unmigrated) database for migration tests: PGlite in memory, or a new PostgreSQL
 * database (dropped with the run's others at teardown).
 */
export async function openEmptyTestDatabase(
  kind: TestDatabaseKind,
  migrationsFolder: string,
): Promise<Database & { url?: string }> {
  if (kind === "pglite") return openDatabase({ migrationsFolder });
  const url = await createEmptyPostgresDatabase();
  return Object.assign(await openDatabase({ url, poolSize: 3, migrationsFolder }), { url });
}

/** A Redis URL and a key prefix unique to this test file; fails loudly when Redis was opted out. */
export function testRedis(): { url: string; prefix: string } {
  const url = inject("redisUrl");
  if (!url) throw new Error("This suite needs Redis: TEST_REDIS_URL=none was set, so it cannot run.");
  return { url, prefix: `rbt:${inject("runId")}:${randomBytes(4).toString("hex")}:` };
}
