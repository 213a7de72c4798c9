import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { LOOPBACK_OUTBOUND_ALLOW } from "../../src/testing/loopback-outbound";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { chromium, type Browser } from "playwright-core";
import { pathToFileURL } from "node:url";

/** The repository root (this file is tests/e2e/harness.ts). */
export const ROOT = path.resolve(import.meta.dirname, "../..");
export const CHROMIUM = "/usr/bin/chromium";
export const ADMIN = { username: "admin", password: "admin-password-1" } as const;

const CHROMIUM_FLAGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/**
 * Builds the production bundle when it is missing or older than the sources (same rule as
 * `npm start`). `E2E_SERVER=dev` skips it: the suite then runs against `tsx server.ts` in dev mode.
 */
export async function ensureBuild(): Promise<void> {
  if (process.env.E2E_SERVER === "dev") return;
  // The same staleness rule as `npm start` (a plain .mjs script, so loaded by URL and typed here).
  const buildState = pathToFileURL(path.join(ROOT, "scripts/build-state.mjs")).href;
  const { buildIsStale } = (await import(buildState)) as { buildIsStale: (root: string) => boolean };
  if (!buildIsStale(ROOT)) return;
  const result = spawnSync("npm", ["run", "build"], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" },
    encoding: "utf8",
    timeout: 600_000,
  });
  if (result.status !== 0) {
    throw new Error(
      `npm run build failed (${result.status}):\n${(result.stdout ?? "").slice(-4000)}\n${(result.stderr ?? "").slice(-4000)}`,
    );
  }
}

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface RunningServer {
  readonly url: string;
  /** Everything the process printed (for failure messages). */
  readonly output: string[];
  stop(): Promise<void>;
}

/**
 * Starts the real server process (gateway, admin API, auth and console on one port) on 127.0.0.1
 * with a fresh embedded database in a temporary DATA_DIR, and waits until the console answers.
 */
export async function startServer(): Promise<RunningServer> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "rb-e2e-"));
  const port = await freePort();
  const dev = process.env.E2E_SERVER === "dev";
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: dev ? "development" : "production",
    NEXT_TELEMETRY_DISABLED: "1",
    HOST: "127.0.0.1",
    PORT: String(port),
    DATA_DIR: dataDir,
    ADMIN_USERNAME: ADMIN.username,
    ADMIN_PASSWORD: ADMIN.password,
    ADMIN_TOKEN: "e2e-admin-token-0123456789",
    LOG_LEVEL: "warn",
    // Mock upstreams listen on loopback: allowed explicitly, as an operator would.
    OUTBOUND_ALLOW: LOOPBACK_OUTBOUND_ALLOW,
  };
  const args = dev ? [path.join(ROOT, "node_modules/tsx/dist/cli.mjs"), "server.ts"] : ["dist/server.mjs"];
  // Its own process group, so stopping it also stops what it started (tsx runs the server in a child).
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: ROOT,
    env,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  const output: string[] = [];
  child.stdout?.on("data", (chunk: Buffer) => output.push(chunk.toString("utf8")));
  child.stderr?.on("data", (chunk: Buffer) => output.push(chunk.toString("utf8")));
  const url = `http://127.0.0.1:${port}`;

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      const signalGroup = (signal: NodeJS.Signals) => {
        try {
          if (child.pid) process.kill(-child.pid, signal);
        } catch {
          // Already gone.
        }
      };
      signalGroup("SIGTERM");
      const timer = setTimeout(() => signalGroup("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dataDir, { recursive: true, force: true });
  };

  // A first start (migrations, Next preparing) took 40-60 s at load average 25 on the shared machine.
  const deadline = Date.now() + (dev ? 180_000 : 150_000);
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    try {
      const response = await fetch(`${url}/sign-in`, { signal: AbortSignal.timeout(dev ? 120_000 : 5_000) });
      if (response.ok) return { url, output, stop };
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await stop();
  throw new Error(`The server did not come up on ${url}:\n${output.join("").slice(-4000)}`);
}

/** Launches Debian's chromium; fails loudly (never skips) when it is not installed. */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} is missing: the browser suite needs it. Install it with ` +
        "`apt-get install -y chromium fonts-liberation fonts-noto-cjk` (`npm test` does when run as root).",
    );
  }
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
}
