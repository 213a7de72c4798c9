// Bundles the custom server (gateway + admin API + Next host) into dist/*.mjs. Dependencies stay
// external (node_modules ships), which avoids esbuild's "Dynamic require of node:assert" trap.
import { build } from "esbuild";

await build({
  entryPoints: { server: "server.ts", gateway: "gateway.ts" },
  outdir: "dist",
  outExtension: { ".js": ".mjs" },
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  packages: "external",
  sourcemap: true,
  logLevel: "warning",
});
console.log("built dist/server.mjs and dist/gateway.mjs");
