/**
 * Where the test suites find PostgreSQL and Redis. Unset variables default to the services these
 * machines run on loopback; "none" opts out explicitly (the suites that need it then fail with a
 * message saying so — they never pass silently).
 */
export const DEFAULT_TEST_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/postgres";
export const DEFAULT_TEST_REDIS_URL = "redis://127.0.0.1:6379";

/** The admin database URL for tests (template and per-file databases are created through it). */
export function testDatabaseUrl(): string | null {
  const v = process.env.TEST_DATABASE_URL;
  if (v === "none") return null;
  return v && v.trim() !== "" ? v : DEFAULT_TEST_DATABASE_URL;
}

/** The Redis URL for tests. */
export function testRedisUrl(): string | null {
  const v = process.env.TEST_REDIS_URL;
  if (v === "none") return null;
  return v && v.trim() !== "" ? v : DEFAULT_TEST_REDIS_URL;
}

/** Replaces the database name of a postgres URL. */
export function withDatabaseName(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}
