import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "./client";
import { executeRows } from "./execute-rows";

/** The error `opening` rejects with (the test fails when it opens instead). */
async function failureOf(opening: Promise<Database>): Promise<Error> {
  const database = await opening.catch((err: unknown) => err);
  if (!(database instanceof Error)) {
    await (database as Database).close();
    throw new Error("expected the database not to open");
  }
  return database;
}

/** A new embedded data folder is created by pglite-create.mjs in a process of its own, then opened. */
describe("creating an embedded data folder", () => {
  const root = mkdtempSync(path.join(tmpdir(), "rb-pglite-create-"));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("creates and migrates a folder that does not exist yet, and finds its rows again after a reopen", async () => {
    const dataDir = path.join(root, "nested", "pglite");
    const first = await openDatabase({ dataDir });
    try {
      expect(existsSync(path.join(dataDir, "PG_VERSION"))).toBe(true);
      // The creating process applied the schema already; migrate() finds nothing left to do.
      const tables = await executeRows<{ name: string }>(
        first.db,
        sql`select to_regclass('public.request_logs')::text as name`,
      );
      expect(tables).toEqual([{ name: "request_logs" }]);
      await first.migrate();
      await first.db.execute(sql`create table kept (v text)`);
      await first.db.execute(sql`insert into kept values ('still here')`);
    } finally {
      await first.close();
    }
    const again = await openDatabase({ dataDir });
    try {
      const rows = await executeRows<{ v: string }>(again.db, sql`select v from kept`);
      expect(rows).toEqual([{ v: "still here" }]);
    } finally {
      await again.close();
    }
  }, 60_000);

  it("answers a folder it cannot create with a clear error naming the folder, and no crash", async () => {
    const blocker = path.join(root, "a-file");
    writeFileSync(blocker, "not a folder");
    const dataDir = path.join(blocker, "pglite");
    const error = await failureOf(openDatabase({ dataDir }));
    expect(error.message).toMatch(/^Could not create the embedded database in /);
    expect(error.message).toContain(dataDir);
    expect(error.message).toContain("ENOTDIR");
  }, 60_000);

  it("clears what an interrupted first start left beside the folder, and fills an empty folder", async () => {
    const dataDir = path.join(root, "interrupted", "pglite");
    mkdirSync(dataDir, { recursive: true });
    mkdirSync(`${dataDir}.creating/base`, { recursive: true });
    writeFileSync(`${dataDir}.creating/PG_VERSION`, "half made");
    const database = await openDatabase({ dataDir });
    try {
      const rows = await executeRows<{ one: number }>(database.db, sql`select 1 as one`);
      expect(rows).toEqual([{ one: 1 }]);
      expect(readFileSync(path.join(dataDir, "PG_VERSION"), "utf8")).not.toBe("half made");
      expect(existsSync(`${dataDir}.creating`)).toBe(false);
    } finally {
      await database.close();
    }
  }, 60_000);

  it("refuses a folder that holds files but no database, or a file, and leaves them as they were", async () => {
    const dataDir = path.join(root, "occupied");
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(path.join(dataDir, "notes.txt"), "mine");
    const error = await failureOf(openDatabase({ dataDir }));
    expect(error.message).toBe(
      `Could not create the embedded database in ${dataDir}: something else is there (a file, or a folder with files but no PG_VERSION); move it away or empty it.`,
    );
    expect(readFileSync(path.join(dataDir, "notes.txt"), "utf8")).toBe("mine");
    expect(existsSync(`${dataDir}.creating`)).toBe(false);

    const aFile = path.join(root, "a-plain-file");
    writeFileSync(aFile, "also mine");
    const fileError = await failureOf(openDatabase({ dataDir: aFile }));
    expect(fileError.message).toMatch(/^Could not create the embedded database in .*something else is there/);
    expect(readFileSync(aFile, "utf8")).toBe("also mine");
  }, 60_000);
});
