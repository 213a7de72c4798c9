import { fork, type ChildProcess } from "node:child_process";
import path from "node:path";
import { childMessageSchema, type ChildStats, type ReadyMessage } from "./ipc-protocol";

/** A running benchmark child process seen from the orchestrator. */
export interface BenchChild {
  readonly name: string;
  readonly pid: number;
  readonly urls: Record<string, string>;
  readonly notes: Record<string, string>;
  /** CPU/RSS figures now; `gc` forces a collection first (children run with --expose-gc). */
  stats(gc?: boolean): Promise<ChildStats>;
  /** Starts the child's CPU profiler, or stops it and has the child write the profile to `file`. */
  profile(action: "start" | "stop", file?: string): Promise<void>;
  /** Asks the child to close, then kills it if it has not exited within the timeout. */
  close(): Promise<void>;
}

export interface SpawnChildOptions {
  /** Display name for errors. */
  name: string;
  /** Script path relative to the bench folder. */
  script: string;
  args?: string[];
  /** Extra node flags (e.g. --cpu-prof). */
  execArgv?: string[];
  /** How long close() waits before SIGKILL (CPU profiles are written at exit and take a while). */
  exitTimeoutMs?: number;
  /** How long the child may take to report `ready` (PGlite migrations take seconds here). */
  readyTimeoutMs?: number;
}

const STATS_TIMEOUT_MS = 10_000;
/** Writing a long cell's profile takes a while on a busy machine. */
const PROFILE_TIMEOUT_MS = 60_000;
// Above the child's own 15 s bound: a gateway flushes its log and closes PGlite before exiting.
const EXIT_TIMEOUT_MS = 20_000;
const running = new Set<ChildProcess>();

/** Kills every child still running (SIGKILL); for exit paths where awaiting is impossible. */
export function killAllChildren(): void {
  for (const child of running) {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  }
  running.clear();
}

/** Forks a child under tsx with IPC and --expose-gc, and waits for its `ready` message. */
export async function spawnBenchChild(options: SpawnChildOptions): Promise<BenchChild> {
  const script = path.join(import.meta.dirname, options.script);
  const child = fork(script, options.args ?? [], {
    // TypeScript sources run under tsx; a prebuilt .mjs bundle runs on plain node, as it ships.
    execArgv: [
      ...(script.endsWith(".ts") ? ["--import", "tsx"] : []),
      "--expose-gc",
      ...(options.execArgv ?? []),
    ],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  running.add(child);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  exited.then(() => running.delete(child));

  const pending = new Map<number, (stats: ChildStats) => void>();
  const pendingProfile = new Map<number, (error: string | undefined) => void>();
  let nextId = 1;
  // Held in an object: control-flow narrowing would otherwise pin these to their initial null.
  const state: { ready: ReadyMessage | null; failure: string | null; onReady: (() => void) | null } = {
    ready: null,
    failure: null,
    onReady: null,
  };

  child.on("message", (raw: unknown) => {
    const parsed = childMessageSchema.safeParse(raw);
    if (!parsed.success) return;
    const msg = parsed.data;
    if (msg.type === "ready") state.ready = msg;
    else if (msg.type === "failed") state.failure = msg.message;
    else if (msg.type === "profiled") {
      pendingProfile.get(msg.id)?.(msg.error);
      pendingProfile.delete(msg.id);
      return;
    } else {
      const { type: _type, id, ...stats } = msg;
      pending.get(id)?.(stats);
      pending.delete(id);
      return;
    }
    state.onReady?.();
  });

  const readyTimeoutMs = options.readyTimeoutMs ?? 30_000;
  const info = await new Promise<ReadyMessage>((resolve, reject) => {
    const timer = setTimeout(() => fail(`did not report ready within ${readyTimeoutMs} ms`), readyTimeoutMs);
    const fail = (why: string) => {
      clearTimeout(timer);
      child.kill("SIGKILL");
      reject(new Error(`${options.name}: ${why}`));
    };
    state.onReady = () => {
      if (state.failure !== null) fail(`failed to start:\n${state.failure}`);
      else if (state.ready) {
        clearTimeout(timer);
        resolve(state.ready);
      }
    };
    child.once("exit", (code, signal) => {
      if (!state.ready) fail(state.failure ?? `exited before ready (code ${code}, signal ${signal})`);
    });
  });

  return {
    name: options.name,
    pid: child.pid ?? -1,
    urls: info.urls,
    notes: info.notes,
    stats(gc = false) {
      const id = nextId++;
      return new Promise<ChildStats>((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error(`${options.name}: no stats answer within ${STATS_TIMEOUT_MS} ms`));
        }, STATS_TIMEOUT_MS);
        pending.set(id, (stats) => {
          clearTimeout(timer);
          resolve(stats);
        });
        child.send({ type: "stats", id, gc });
      });
    },
    profile(action, file) {
      const id = nextId++;
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          pendingProfile.delete(id);
          reject(new Error(`${options.name}: no profile answer within ${PROFILE_TIMEOUT_MS} ms`));
        }, PROFILE_TIMEOUT_MS);
        pendingProfile.set(id, (error) => {
          clearTimeout(timer);
          if (error === undefined) resolve();
          else reject(new Error(`${options.name}: profiler: ${error}`));
        });
        child.send({ type: "profile", id, action, ...(file !== undefined ? { file } : {}) });
      });
    },
    async close() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      if (child.connected) child.send({ type: "close" });
      const timer = setTimeout(() => child.kill("SIGKILL"), options.exitTimeoutMs ?? EXIT_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}
