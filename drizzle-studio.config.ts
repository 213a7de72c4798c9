// `npm run db:studio` (scripts/db-studio.mjs): Drizzle Studio on the configured database — PostgreSQL
// when DATABASE_URL is set, else the embedded PGlite folder in DATA_DIR (the server must be stopped:
// PGlite is one process per folder). Migrations keep using drizzle.config.ts.
import path from "node:path";
import { defineConfig } from "drizzle-kit";

const url = process.env.DATABASE_URL;
const pgliteDir = path.resolve(process.env.DATA_DIR || "./data", "pglite");

export default defineConfig({
  dialect: "postgresql",
  schema: "./src/db/schema/index.ts",
  out: "./drizzle",
  ...(url ? { dbCredentials: { url } } : { driver: "pglite", dbCredentials: { url: pgliteDir } }),
});
