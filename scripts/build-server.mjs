// Bundles the custom server (gateway + admin API + Next host) into dist/*.mjs. Dependencies stay
// external (node_modules ships), which avoids esbuild's "Dynamic require of node:assert" trap.
import { copyFileSync } from "node:fs";
import { build } from "esbuild";

await build({
  entryPoints: { server: "server.ts", gateway: "gateway.ts", ops: "ops.ts" },
  outdir: "dist",
  outExtension: { ".js": ".mjs" },
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  packages: "external",
  sourcemap: true,
  // `node dist/server.mjs` is a production start unless told otherwise (the env schema's default,
  // development, would serve the console in Next's dev mode).
  banner: { js: 'process.env.NODE_ENV ??= "production";' },
  logLevel: "warning",
});
// The embedded database's thread and its folder-creating process are plain JavaScript loaded by file
// name beside the bundle (src/db/pglite-thread-client.ts looks for them there).
copyFileSync("src/db/pglite-worker.mjs", "dist/pglite-worker.mjs");
copyFileSync("src/db/pglite-create.mjs", "dist/pglite-create.mjs");
console.log(
  "built dist/server.mjs, dist/gateway.mjs, dist/ops.mjs, dist/pglite-worker.mjs and dist/pglite-create.mjs",
);
