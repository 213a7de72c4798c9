// Runs an operator command (src/ops): from the sources with tsx in a development checkout, from the
// bundle (dist/ops.mjs) in a production install (`npm ci --omit=dev` has no tsx).
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const args = process.argv.slice(2);

function tsxCli() {
  try {
    return createRequire(path.join(root, "package.json")).resolve("tsx/cli");
  } catch {
    return null;
  }
}

const tsx = tsxCli();
if (tsx) {
  const result = spawnSync(process.execPath, [tsx, path.join(root, "ops.ts"), ...args], { stdio: "inherit" });
  process.exit(result.status ?? 1);
} else if (existsSync(path.join(root, "dist/ops.mjs"))) {
  process.argv = [process.argv[0], path.join(root, "dist/ops.mjs"), ...args];
  await import("../dist/ops.mjs");
} else {
  console.error("Neither tsx (dev dependencies) nor dist/ops.mjs (npm run build) is here.");
  process.exit(1);
}
