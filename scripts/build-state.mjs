// Decides whether the production build is missing or older than the sources, so `npm start` on a
// fresh clone (or after a pull) builds first instead of serving something stale.
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";

const SOURCE_ROOTS = [
  "app",
  "src",
  "drizzle",
  "public",
  "server.ts",
  "gateway.ts",
  "next.config.ts",
  "package-lock.json",
];
const OUTPUTS = [
  ".next/BUILD_ID",
  "dist/server.mjs",
  "dist/gateway.mjs",
  "dist/pglite-worker.mjs",
  "dist/pglite-create.mjs",
];

function newestMtime(entry) {
  if (!existsSync(entry)) return 0;
  const stat = statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const name of readdirSync(entry)) {
    if (name === "node_modules" || name.startsWith(".")) continue;
    newest = Math.max(newest, newestMtime(path.join(entry, name)));
  }
  return newest;
}

/** True when any build output is missing or older than the newest source file. */
export function buildIsStale(root = process.cwd()) {
  const outputs = OUTPUTS.map((o) => path.join(root, o));
  if (outputs.some((o) => !existsSync(o))) return true;
  const built = Math.min(...outputs.map((o) => statSync(o).mtimeMs));
  const sources = Math.max(...SOURCE_ROOTS.map((s) => newestMtime(path.join(root, s))));
  return sources > built;
}
