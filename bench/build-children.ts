import path from "node:path";
import { build } from "esbuild";

/**
 * Bundles the benchmark's child processes with esbuild the way scripts/build-server.mjs bundles the
 * server (ESM, node20, dependencies external), so the bare proxy and the gateway run as plain node
 * code, as they ship. Under tsx every function created at run time also goes through esbuild's
 * `__name` helper (keepNames), a per-closure cost production code does not pay.
 */

/** The child scripts, by the name run.ts spawns them under. */
export const CHILD_SCRIPTS = ["mock-process", "bare-proxy", "gateway-process"] as const;
export type ChildScript = (typeof CHILD_SCRIPTS)[number];

/** Builds every child into `outDir`; returns the script path to spawn for each, relative to bench/. */
export async function buildBenchChildren(outDir: string): Promise<Record<ChildScript, string>> {
  const benchDir = import.meta.dirname;
  await build({
    entryPoints: Object.fromEntries(CHILD_SCRIPTS.map((name) => [name, path.join(benchDir, `${name}.ts`)])),
    outdir: outDir,
    outExtension: { ".js": ".mjs" },
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    logLevel: "warning",
  });
  const out = {} as Record<ChildScript, string>;
  for (const name of CHILD_SCRIPTS) out[name] = path.relative(benchDir, path.join(outDir, `${name}.mjs`));
  return out;
}

/** The TypeScript sources themselves (run under tsx). */
export function sourceChildScripts(): Record<ChildScript, string> {
  const out = {} as Record<ChildScript, string>;
  for (const name of CHILD_SCRIPTS) out[name] = `${name}.ts`;
  return out;
}
