// `npm run db:studio`: Drizzle Studio (drizzle-kit, a development dependency) on PostgreSQL when
// DATABASE_URL is set, else on the embedded database — refused while a server holds that folder.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
if (!process.env.DATABASE_URL) {
  const dir = path.resolve(process.env.DATA_DIR || "./data", "pglite");
  if (!existsSync(path.join(dir, "PG_VERSION"))) {
    console.error(`There is no embedded database in ${dir}: set DATA_DIR, or DATABASE_URL for PostgreSQL.`);
    process.exit(1);
  }
  if (existsSync(path.join(dir, "postmaster.pid")) && !process.argv.includes("--force")) {
    console.error(
      `The embedded database in ${dir} is open (postmaster.pid exists): stop Roundabout first — PGlite serves ` +
        "one process per folder. If it is stopped (it crashed or was killed), run again with -- --force.",
    );
    process.exit(1);
  }
}
const extra = process.argv.slice(2).filter((arg) => arg !== "--force");
const result = spawnSync(
  "npx",
  ["drizzle-kit", "studio", "--config", path.join(root, "drizzle-studio.config.ts"), ...extra],
  { stdio: "inherit", cwd: root },
);
process.exit(result.status ?? 1);
