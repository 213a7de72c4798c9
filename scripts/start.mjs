// `npm start` (console + admin API + gateway) and `npm run start:gateway` (the data plane alone):
// build when needed, then run the production server in this process.
import { spawnSync } from "node:child_process";
import cluster from "node:cluster";
import { buildIsStale } from "./build-state.mjs";

const entry = process.argv[2] === "gateway" ? "gateway" : "server";
process.env.NEXT_TELEMETRY_DISABLED ??= "1";
// WORKERS > 1 forks this script again for each worker: the primary already built.
if (cluster.isPrimary && buildIsStale()) {
  console.log("Building Roundabout (first start or sources changed; about a minute)…");
  const result = spawnSync("npm", ["run", "build"], { stdio: "inherit", env: process.env });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
process.env.NODE_ENV ??= "production";
await import(entry === "gateway" ? "../dist/gateway.mjs" : "../dist/server.mjs");
