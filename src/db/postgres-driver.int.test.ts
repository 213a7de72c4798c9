import { afterAll, describe, expect, it } from "vitest";
import { inject } from "vitest";

/**
 * postgres.js 3.4.9 threw `TypeError: Cannot read properties of null (reading 'write')` from a
 * setImmediate when a query was written to a connection whose socket had just closed
 * (porsager/postgres#1154, #1208): an uncaught exception that no caller can catch, seen here under a
 * PostgreSQL outage drill. `patches/postgres+3.4.9.patch` (applied by `npm ci` through patch-package)
 * guards the write; this test replays the failure against the real server.
 */
describe("postgres.js driver (patched)", () => {
  const url = inject("databaseUrl");
  const clients: { end(o: { timeout: number }): Promise<void> }[] = [];
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.end({ timeout: 1 })));
  });

  it("fails a query on a connection whose backend died, without an uncaught exception", async () => {
    if (!url) throw new Error("This suite needs PostgreSQL: TEST_DATABASE_URL=none was set.");
    const { default: postgres } = await import("postgres");
    const sql = postgres(url, { max: 2, onnotice: () => {} });
    clients.push(sql);
    const uncaught: unknown[] = [];
    const onUncaught = (err: unknown) => uncaught.push(err);
    process.on("uncaughtException", onUncaught);
    try {
      const reserved = await sql.reserve();
      const [row] = await reserved<{ pid: number }[]>`select pg_backend_pid() as pid`;
      await sql`select pg_terminate_backend(${row!.pid})`;
      // The first queries meet the dead socket; the next one is the write that used to throw.
      const first = await Promise.allSettled([reserved`select 1`, reserved`select 2`]);
      expect(first.map((r) => r.status)).toEqual(["rejected", "rejected"]);
      await new Promise((resolve) => setTimeout(resolve, 100));
      const next = await Promise.race([
        reserved`select 3`.then(
          () => "resolved",
          (err: { code?: string }) => err.code ?? "rejected",
        ),
        new Promise((resolve) => setTimeout(resolve, 5_000, "hung")),
      ]);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(uncaught).toEqual([]);
      expect(next).toBe("CONNECTION_CLOSED");
      // The pool itself is unharmed: a fresh connection answers.
      const [ok] = await sql<{ one: number }[]>`select 1 as one`;
      expect(ok!.one).toBe(1);
    } finally {
      process.off("uncaughtException", onUncaught);
    }
  });
});
