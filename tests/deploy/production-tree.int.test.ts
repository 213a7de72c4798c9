import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import {
  chmodSync,
  chownSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createEmptyPostgresDatabase } from "@/testing/test-database";
import { ensureBuild, freePort } from "../e2e/harness";

/**
 * The image without a container tool: the tree the Dockerfile's final stage holds, assembled from its
 * own lines — the production install as the deps stage runs it (scripts/install-production.mjs), every `COPY --from=build` path from a
 * production build, `.next/cache` removed — then started with the stage's ENV and CMD, as an
 * unprivileged user when the suite runs as root (the image's `USER node`), and probed with the
 * HEALTHCHECK command itself. The operator commands' bundle runs there too (no tsx in that tree).
 */

const root = path.join(import.meta.dirname, "../..");
const dockerfile = readFileSync(path.join(root, "Dockerfile"), "utf8");
const finalStage = dockerfile.split(/^FROM /m).at(-1)!;
const NOBODY = 65_534;

const work = mkdtempSync(path.join(os.tmpdir(), "rb-image-"));
const app = path.join(work, "app");
const data = path.join(work, "data");
let server: ChildProcess | null = null;
const output: string[] = [];

afterAll(async () => {
  if (server && server.exitCode === null) {
    const exited = new Promise((resolve) => server!.once("exit", resolve));
    server.kill("SIGTERM");
    await exited;
  }
  rmSync(work, { recursive: true, force: true });
}, 300_000);

/** `ENV A=1 B=2` lines of the final stage. */
function stageEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [, line] of finalStage.matchAll(/^ENV (.+)$/gm)) {
    for (const pair of line!.split(/\s+/)) {
      const [name, value] = pair.split("=");
      env[name!] = value!;
    }
  }
  return env;
}

/** The JSON array after `CMD` (the last one is the stage's command; HEALTHCHECK's comes first). */
function execForms(keyword: "CMD"): string[][] {
  return [...finalStage.matchAll(new RegExp(`${keyword} (\\[.*\\])\\s*$`, "gm"))].map(
    (m) => JSON.parse(m[1]!) as string[],
  );
}

/** The child's whole environment: the stage's variables and PATH, nothing inherited from the suite. */
function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  return { ...env, NODE_ENV: env.NODE_ENV as NodeJS.ProcessEnv["NODE_ENV"], PATH: process.env.PATH ?? "" };
}

/** Runs as the image's non-root user when we can (root), else as ourselves. */
const asUser = process.getuid?.() === 0 ? { uid: NOBODY, gid: NOBODY } : {};

function run(command: string[], env: Record<string, string>, timeout = 60_000) {
  return spawnSync(command[0]!, command.slice(1), {
    cwd: app,
    env: childEnv(env),
    encoding: "utf8",
    timeout,
    ...asUser,
  });
}

describe("the Docker image's tree, without Docker", { timeout: 900_000 }, () => {
  it("holds the build and production dependencies only, starts with the image's CMD, passes its HEALTHCHECK", async () => {
    await ensureBuild();

    // deps stage: package.json, package-lock.json, patches, the install script; then its RUN line.
    const depsStage = dockerfile.split(/^FROM /m).find((stage) => /^node:20-slim AS deps/.test(stage))!;
    const [, installArgs] = /^RUN node scripts\/install-production\.mjs (.*?) &&/m.exec(depsStage)!;
    const deps = path.join(work, "deps");
    mkdirSync(path.join(deps, "scripts"), { recursive: true });
    for (const file of ["package.json", "package-lock.json", "patches", "scripts/install-production.mjs"]) {
      cpSync(path.join(root, file), path.join(deps, file), { recursive: true });
    }
    const install = spawnSync(
      "node",
      ["scripts/install-production.mjs", ...installArgs!.split(/\s+/), "--prefer-offline"],
      { cwd: deps, encoding: "utf8", timeout: 600_000 },
    );
    expect(install.status, install.stderr.slice(-2000)).toBe(0);
    // The script puts package.json back as it found it.
    expect(readFileSync(path.join(deps, "package.json"), "utf8")).toBe(
      readFileSync(path.join(root, "package.json"), "utf8"),
    );

    // final stage: node_modules from deps, then every COPY --from=build path.
    mkdirSync(app);
    cpSync(path.join(deps, "node_modules"), path.join(app, "node_modules"), { recursive: true });
    const copies = [...finalStage.matchAll(/^COPY --from=build \/app\/(\S+) \.\/(\S+)$/gm)];
    expect(copies.length).toBeGreaterThanOrEqual(5);
    for (const [, from, to] of copies)
      cpSync(path.join(root, from!), path.join(app, to!), { recursive: true });
    expect(finalStage).toMatch(/rm -rf \.next\/cache/);
    rmSync(path.join(app, ".next/cache"), { recursive: true, force: true });

    expect(readdirSync(app).sort()).toEqual(["node_modules", ...copies.map(([, , to]) => to!)].sort());
    expect(existsSync(path.join(app, "src")), "no sources in the image").toBe(false);
    // No dev tool — including vitest and drizzle-kit (optional peers of better-auth, "devOptional" in
    // the lock, which plain `npm ci --omit=dev` keeps) and what they pull in (tsx, esbuild, vite).
    const devTools = ["typescript", "eslint", "playwright-core", "autocannon", "vitest", "drizzle-kit"];
    for (const dev of [...devTools, "tsx", "esbuild", "vite", "@vitest/runner", "@types/node"]) {
      expect(existsSync(path.join(app, "node_modules", dev)), `${dev} is a dev tool`).toBe(false);
    }
    for (const runtime of ["next", "@electric-sql/pglite", "@opentelemetry/sdk-trace", "redoc"]) {
      expect(existsSync(path.join(app, "node_modules", runtime)), runtime).toBe(true);
    }
    expect(readdirSync(path.join(app, "dist"))).toEqual(
      expect.arrayContaining([
        "server.mjs",
        "gateway.mjs",
        "ops.mjs",
        "pglite-worker.mjs",
        "pglite-create.mjs",
      ]),
    );

    // USER node: the tree readable, only the data volume writable.
    chmodSync(work, 0o755);
    mkdirSync(data);
    if (asUser.uid !== undefined) chownSync(data, NOBODY, NOBODY);
    expect(finalStage).toMatch(/^USER node$/m);

    const port = await freePort();
    const env = { ...stageEnv(), HOST: "127.0.0.1", PORT: String(port), DATA_DIR: data, LOG_LEVEL: "warn" };
    expect(env).toMatchObject({ NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" });
    const [healthcheck, cmd] = execForms("CMD");
    expect(cmd).toEqual(["node", "dist/server.mjs"]);
    const child = spawn(cmd![0]!, cmd!.slice(1), {
      cwd: app,
      env: childEnv(env),
      stdio: ["ignore", "pipe", "pipe"],
      ...asUser,
    });
    server = child;
    child.stdout?.on("data", (c: Buffer) => output.push(c.toString()));
    child.stderr?.on("data", (c: Buffer) => output.push(c.toString()));

    let ready = false;
    for (const deadline = Date.now() + 180_000; Date.now() < deadline && child.exitCode === null;) {
      const probe = run(healthcheck!, env, 10_000);
      if (probe.status === 0) {
        ready = true;
        break;
      }
      await new Promise((r) => setTimeout(r, 1_000));
    }
    expect(ready, output.join("").slice(-3000)).toBe(true);
    const page = await fetch(`http://127.0.0.1:${port}/sign-in`);
    expect(page.status).toBe(200);
    expect(output.join("")).toMatch(/password:/);

    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    await exited;

    // The operator commands from the bundle, in the same tree and as the same user.
    const backup = run(["node", "dist/ops.mjs", "backup", path.join(data, "backup")], env);
    expect(backup.status, backup.stderr).toBe(0);
    expect(readdirSync(path.join(data, "backup")).sort()).toEqual(
      ["database.pglite.tar.gz", "manifest.json", "secret.key"].sort(),
    );
    // …and the move to PostgreSQL (its own test is src/ops/migrate-db.int.test.ts).
    const target = await createEmptyPostgresDatabase("image");
    const migrated = run(["node", "dist/ops.mjs", "migrate-db", "--to", target], env, 120_000);
    expect(migrated.status, migrated.stderr).toBe(0);
    expect(migrated.stdout).toMatch(/^user: 1 rows/m);
  });
});
