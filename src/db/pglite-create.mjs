// Creates an embedded database folder (PGlite's initdb) in a process of its own, then exits.
// Creating a cluster makes PGlite's thread allocate ~750 MB at its peak; glibc keeps most of that in
// its malloc arenas after it is freed, so a server that created its folder in-process rested ~100 MB
// above one that reopened it. Memory of a process that exits goes back to the system.
//
// `node pglite-create.mjs <dataDir> <settings as a JSON array> [migrationsFolder]`: exit code 0 once
// the folder is created (and migrated, when a migrations folder is given: applying the schema to an
// empty cluster is the other big allocation of a first start) and closed cleanly. Plain JavaScript
// beside pglite-worker.mjs, for the same reason (no TypeScript loader under tsx/vitest or in dist/).
import { mkdirSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";

const [dataDir, settingsJson, migrationsFolder] = process.argv.slice(2);
if (!dataDir || !settingsJson) {
  process.stderr.write("usage: node pglite-create.mjs <dataDir> <settings JSON array> [migrationsFolder]\n");
  process.exit(2);
}
try {
  const settings = JSON.parse(settingsJson);
  mkdirSync(dataDir, { recursive: true });
  const startParams = [...PGlite.defaultStartParams, ...settings.flatMap((s) => ["-c", s])];
  const pg = await PGlite.create({ dataDir, startParams });
  if (migrationsFolder) {
    const { drizzle } = await import("drizzle-orm/pglite");
    const { migrate } = await import("drizzle-orm/pglite/migrator");
    await migrate(drizzle(pg), { migrationsFolder });
  }
  await pg.close();
} catch (err) {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
