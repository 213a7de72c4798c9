import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createWriteStream, existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { LOOPBACK_OUTBOUND_ALLOW } from "../src/testing/loopback-outbound";
import { findFreePort } from "../src/testing/free-port";
import { treeUsage } from "./proc-tree";
import type { BenchChild } from "./spawn-child";
import { connectServerProfiler, type ServerProfiler } from "./server-profiler";

/**
 * The real server, started exactly as `npm start` starts it (`node scripts/start.mjs`: the built
 * dist/server.mjs with the Next console, logging, rollups, retention, the alert scheduler and active
 * health checks, at the default LOG_LEVEL), in a fresh temporary DATA_DIR, then configured through
 * the admin API like an operator would. Seen by the benchmark as a BenchChild: CPU and RSS are the
 * whole process tree's (every thread) from /proc; the longest event-loop stall of a window is read
 * from the server's own `/metrics` (`roundabout_event_loop_stall_max_seconds`, reset by each scrape).
 * Each read first waits until the request log is written (`roundabout_log_queue_depth` 0), so a cell's
 * CPU includes the logging its requests caused, however the database thread was scheduled.
 */

const ROOT = path.resolve(import.meta.dirname, "..");
const READY_TIMEOUT_MS = 180_000;
const STOP_TIMEOUT_MS = 30_000;
const running = new Set<ChildProcess>();

export interface RealServerOptions {
  readonly name: string;
  /** Fresh folder for DATA_DIR (the embedded database, spill, generated secrets). */
  readonly dataDir: string;
  /** DATABASE_URL / REDIS_URL / REDIS_PREFIX / SECRET_KEY and the like; nothing else is inherited. */
  readonly env: Record<string, string>;
  /** Pin the server (every thread) to this CPU with taskset; null: not pinned. */
  readonly cpu: number | null;
  /** Open the inspector on loopback so load windows can be CPU-profiled (`--profile`). */
  readonly inspect: boolean;
  /** Where the server's stdout/stderr (its JSON log) go. */
  readonly logFile: string;
  /** Mock upstreams to configure as providers of one group. */
  readonly upstreams: string[];
}

/** A started real server: a BenchChild plus what the load needs. */
export interface RealServer extends BenchChild {
  readonly origin: string;
  readonly apiKey: string;
  readonly pathPrefix: string;
  /** The inspector's loopback port when started with `inspect`, else null. */
  readonly inspectPort: number | null;
}

/** Kills every server still running (SIGKILL); for exit paths where awaiting is impossible. */
export function killAllServers(): void {
  for (const child of running)
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  running.clear();
}

/** True when `taskset` can pin processes here. */
export function canPin(): boolean {
  return spawnSync("taskset", ["-p", String(process.pid)], { stdio: "ignore" }).status === 0;
}

/** Pins every thread of `pid` to `cpu` (no-op without taskset). */
export function pinProcess(pid: number, cpu: number): void {
  spawnSync("taskset", ["-a", "-p", "-c", String(cpu), String(pid)], { stdio: "ignore" });
}

/**
 * Builds the production bundle first when `npm start` would (missing or older than the sources), so
 * two servers starting at once never build over each other and the build is not in any measurement.
 */
export function buildServerIfStale(progress: (message: string) => void): void {
  const check = spawnSync(
    process.execPath,
    ["-e", "import('./scripts/build-state.mjs').then((m) => process.exit(m.buildIsStale() ? 10 : 0))"],
    { cwd: ROOT, stdio: "inherit" },
  );
  if (check.status === 0) return;
  progress("building the server as `npm start` would (sources newer than the build; about a minute)…");
  const build = spawnSync("npm", ["run", "build"], {
    cwd: ROOT,
    stdio: ["ignore", "ignore", "inherit"],
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
  });
  if (build.status !== 0) throw new Error("npm run build failed");
}

/** The environment `npm start` sees on a fresh machine, plus what the benchmark must set. */
function serverEnv(
  port: number,
  options: Pick<RealServerOptions, "dataDir" | "env">,
  adminToken: string,
): NodeJS.ProcessEnv {
  const inherited: Record<string, string> = {};
  for (const name of ["PATH", "HOME", "LANG", "TMPDIR"]) {
    const value = process.env[name];
    if (value !== undefined) inherited[name] = value;
  }
  return {
    ...inherited,
    // What scripts/start.mjs sets when NODE_ENV is unset (a fresh shell).
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    PORT: String(port),
    HOST: "127.0.0.1",
    DATA_DIR: options.dataDir,
    ADMIN_TOKEN: adminToken,
    // The mock upstreams listen on loopback: allowed explicitly, as an operator would.
    OUTBOUND_ALLOW: LOOPBACK_OUTBOUND_ALLOW,
    ...options.env,
  };
}

/** Polls GET /readyz until it answers 200 (the database answers and the server listens). */
async function waitReady(origin: string, child: ChildProcess, name: string, logFile: string): Promise<void> {
  const started = Date.now();
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${name} exited before it was ready (code ${child.exitCode}); see ${logFile}`);
    }
    if (Date.now() - started > READY_TIMEOUT_MS) {
      throw new Error(`${name} was not ready within ${READY_TIMEOUT_MS} ms; see ${logFile}`);
    }
    try {
      const res = await fetch(`${origin}/readyz`, { signal: AbortSignal.timeout(2_000) });
      await res.arrayBuffer();
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
}

/** Three providers (bearer credentials, sealed by the server), one group, one key — through the admin API. */
async function configure(origin: string, adminToken: string, upstreams: string[]): Promise<string> {
  const call = async (route: string, body: unknown) => {
    const res = await fetch(`${origin}/api/admin${route}`, {
      method: "POST",
      headers: { authorization: `Bearer ${adminToken}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    if (res.status !== 201) throw new Error(`admin API ${route}: ${res.status} ${await res.text()}`);
    return (await res.json()) as { id: string; key?: string };
  };
  const group = await call("/groups", { slug: "bench", name: "Benchmark" });
  for (const [i, baseUrl] of upstreams.entries()) {
    const provider = await call("/providers", {
      name: `mock-${i}`,
      baseUrl,
      authStyle: "bearer",
      apiKey: `sk-upstream-${randomBytes(12).toString("hex")}`,
    });
    await call(`/groups/${group.id}/providers`, { providerId: provider.id });
  }
  // Limits on, far above what the load reaches: their cost is measured, never a refusal.
  const key = await call("/api-keys", {
    name: "bench",
    groupId: group.id,
    rateLimitPerMinute: 1_000_000,
    maxConcurrency: 100_000,
  });
  if (!key.key) throw new Error("admin API /api-keys answered without the key");
  return key.key;
}

/** What one /metrics read says: the stall gauge (each read starts a new window) and the log queue. */
interface ServerGauges {
  readonly stallMs: number;
  readonly logQueueDepth: number;
}

/** Reads the server's gauges; NaN for what /metrics did not answer. */
async function scrapeGauges(origin: string): Promise<ServerGauges> {
  try {
    const res = await fetch(`${origin}/metrics`, { signal: AbortSignal.timeout(5_000) });
    const text = await res.text();
    const stall = /^roundabout_event_loop_stall_max_seconds (\S+)$/m.exec(text);
    const depth = /^roundabout_log_queue_depth (\S+)$/m.exec(text);
    return {
      stallMs: stall ? Number(stall[1]) * 1000 : Number.NaN,
      logQueueDepth: depth ? Number(depth[1]) : Number.NaN,
    };
  } catch {
    return { stallMs: Number.NaN, logQueueDepth: Number.NaN };
  }
}

/** Longest wait for the request log to be written before the server's CPU is read. */
const LOG_DRAIN_TIMEOUT_MS = 30_000;
const LOG_DRAIN_POLL_MS = 50;

/**
 * Waits until every queued request-log row is written (bounded), so the CPU read after a cell includes
 * the database work its requests caused, and the one before it none of the warm-up's. Returns the
 * longest stall of the window (every read restarts the gauge, so the longest of the reads).
 */
async function drainLogsAndReadStall(origin: string): Promise<number> {
  const deadline = performance.now() + LOG_DRAIN_TIMEOUT_MS;
  let stallMs = Number.NaN;
  for (;;) {
    const gauges = await scrapeGauges(origin);
    if (!Number.isNaN(gauges.stallMs))
      stallMs = Number.isNaN(stallMs) ? gauges.stallMs : Math.max(stallMs, gauges.stallMs);
    if (!(gauges.logQueueDepth > 0)) return stallMs;
    if (performance.now() > deadline) {
      console.warn(
        `[bench] the request log still held ${gauges.logQueueDepth} rows after 30 s: CPU read anyway`,
      );
      return stallMs;
    }
    await sleep(LOG_DRAIN_POLL_MS);
  }
}

/** A server process started from scripts/start.mjs, answering /readyz, and how to stop it. */
export interface LaunchedServer {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly origin: string;
  /** Sends SIGTERM (SIGKILL after STOP_TIMEOUT_MS), waits for the exit and closes the log. */
  stop(): Promise<void>;
}

export interface LaunchOptions {
  readonly name: string;
  readonly dataDir: string;
  readonly env: Record<string, string>;
  readonly logFile: string;
  /** `gateway` runs `npm run start:gateway`'s command, otherwise `npm start`'s. */
  readonly role?: "full" | "gateway";
  readonly cpu?: number | null;
  readonly inspectPort?: number | null;
  readonly adminToken?: string;
  /** Append to the log file instead of replacing it. */
  readonly appendLog?: boolean;
}

/**
 * Starts `node scripts/start.mjs` as `npm start` (or `npm run start:gateway`) would, on a free
 * loopback port, and waits until /readyz answers; a server that fails to get ready is killed.
 */
export async function launchServer(options: LaunchOptions): Promise<LaunchedServer> {
  mkdirSync(options.dataDir, { recursive: true });
  const port = await findFreePort();
  const node = [
    process.execPath,
    ...(options.inspectPort != null ? [`--inspect=127.0.0.1:${options.inspectPort}`] : []),
    "scripts/start.mjs",
    ...(options.role === "gateway" ? ["gateway"] : []),
  ];
  const argv = options.cpu != null ? ["taskset", "-c", String(options.cpu), ...node] : node;
  const log = createWriteStream(options.logFile, { flags: options.appendLog ? "a" : "w" });
  const adminToken = options.adminToken ?? `bench-admin-${randomBytes(16).toString("hex")}`;
  const child = spawn(argv[0]!, argv.slice(1), {
    cwd: ROOT,
    env: serverEnv(port, options, adminToken),
    stdio: ["ignore", "pipe", "pipe"],
  });
  running.add(child);
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  void exited.then(() => running.delete(child));
  const origin = `http://127.0.0.1:${port}`;
  const stop = async (signal: NodeJS.Signals = "SIGTERM") => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill(signal);
      const timer = setTimeout(() => child.kill("SIGKILL"), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    }
    log.end();
  };
  try {
    await waitReady(origin, child, options.name, options.logFile);
  } catch (err) {
    await stop("SIGKILL");
    throw err;
  }
  return { child, pid: child.pid ?? -1, origin, stop: () => stop() };
}

/** Starts the server, waits until ready, opens the console once, configures a route. */
export async function startRealServer(options: RealServerOptions): Promise<RealServer> {
  if (!existsSync(path.join(ROOT, "dist", "server.mjs"))) throw new Error("dist/server.mjs is missing");
  const inspectPort = options.inspect ? await findFreePort() : null;
  const adminToken = `bench-admin-${randomBytes(16).toString("hex")}`;
  const server = await launchServer({ ...options, inspectPort, adminToken });
  const { origin, pid } = server;
  try {
    // A user opens the console: Next loads its pages on the first request, not at start.
    await fetch(`${origin}/`, { redirect: "manual" }).then((r) => r.arrayBuffer());
    const apiKey = await configure(origin, adminToken, options.upstreams);
    let profiler: ServerProfiler | null = null;
    return {
      name: options.name,
      pid,
      urls: { gateway: origin },
      notes: { database: options.env.DATABASE_URL ? "postgresql" : "pglite", log: options.logFile },
      origin,
      apiKey,
      pathPrefix: "/api/proxy/bench",
      inspectPort,
      async stats() {
        const eventLoopStallMaxMs = await drainLogsAndReadStall(origin);
        const usage = treeUsage(pid);
        return {
          cpuUserUs: usage.userUs,
          cpuSystemUs: usage.systemUs,
          rssBytes: usage.rssBytes,
          heapUsedBytes: Number.NaN,
          extra: {
            eventLoopStallMaxMs,
            threads: usage.threads,
            processes: usage.processes,
          },
        };
      },
      async profile(action, file) {
        if (inspectPort === null) throw new Error(`${options.name}: started without the inspector`);
        if (action === "start") {
          profiler ??= await connectServerProfiler(inspectPort);
          await profiler.start();
        } else {
          if (!profiler || file === undefined) throw new Error(`${options.name}: profiler not started`);
          await profiler.stop(file);
        }
      },
      async close() {
        await profiler?.close();
        await server.stop();
      },
    };
  } catch (err) {
    server.child.kill("SIGKILL");
    await server.stop();
    throw err;
  }
}
