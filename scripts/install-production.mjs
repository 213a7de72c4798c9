// The production install: `npm ci --omit=dev` from the lock, with the dev tools really gone.
//
// Why not `npm ci --omit=dev` alone: better-auth declares drizzle-kit and vitest as OPTIONAL PEER
// dependencies. Both are also our dev dependencies, so the lock marks them (and what they pull in:
// tsx, esbuild, vite, rolldown, lightningcss…) "devOptional" — dev AND optional — and npm omits a
// devOptional package only when both `dev` and `optional` are omitted. `--omit=optional` would also
// drop real optional dependencies (next's native SWC and sharp binaries). With the devDependencies
// taken out of package.json for the duration of the install, nothing in the tree wants them except an
// optional peer, which npm never installs on its own: the same locked versions, without the dev tools.
// package.json is put back afterwards (a checkout stays clean). Used by the Dockerfile's deps stage and
// docs/deployment.md; tests/deploy/production-tree.int.test.ts checks the result.
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

const file = path.resolve(process.cwd(), "package.json");
const original = readFileSync(file, "utf8");
const manifest = JSON.parse(original);
delete manifest.devDependencies;

const restore = () => writeFileSync(file, original);
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    restore();
    process.exit(130);
  });
}

writeFileSync(file, `${JSON.stringify(manifest, null, 2)}\n`);
let status = 1;
try {
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const result = spawnSync(npm, ["ci", "--omit=dev", ...process.argv.slice(2)], { stdio: "inherit" });
  if (result.error) console.error(`npm ci failed to start: ${result.error.message}`);
  status = result.status ?? 1;
} finally {
  restore();
}
process.exit(status);
