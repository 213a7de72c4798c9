import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, existsSync, openSync, readFileSync } from "node:fs";
import path from "node:path";
import { sleep } from "./drill-figures";

/**
 * One Roundabout process as users run it: `node dist/server.mjs` from the repository root with
 * NODE_ENV=production and its configuration in the environment (what `npm start` does once built).
 * Its output goes to a log file in the drill's temp folder, never to the terminal.
 */

export interface RoundaboutInstance {
  readonly name: string;
  readonly port: number;
  readonly url: string;
  pid(): number;
  /** Starts the process (again) and waits until `/readyz` answers 200; returns the ms it took. */
  start(): Promise<number>;
  /** Sends a signal; `waitExit` resolves when the process has gone. */
  signal(name: NodeJS.Signals): void;
  waitExit(): Promise<void>;
  running(): boolean;
  /** `/metrics` as text ("" when the instance does not answer). */
  metrics(): Promise<string>;
  /** CPU seconds (user + system) the current process has used; 0 when it is not running. */
  cpuSeconds(): number;
}

/** User + system CPU seconds of a process, from /proc/PID/stat (clock ticks of 1/100 s). */
export function cpuSecondsOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name (which may hold spaces) start after the last ")".
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

export const REPO_ROOT = path.resolve(import.meta.dirname, "../..");
const SERVER_BUNDLE = path.join(REPO_ROOT, "dist", "server.mjs");
const READY_TIMEOUT_MS = 120_000;

/** Fails with a hint when the production build is missing. */
export function assertBuilt(): void {
  if (!existsSync(SERVER_BUNDLE) || !existsSync(path.join(REPO_ROOT, ".next"))) {
    throw new Error("dist/server.mjs or .next is missing: run `npm run build` first");
  }
}

/** Describes (does not start) an instance on `port` with `env` added to a clean production env. */
export function defineInstance(options: {
  name: string;
  port: number;
  env: Record<string, string>;
  logFile: string;
  /** Extra node flags (the soak's observer preload). */
  execArgv?: string[];
}): RoundaboutInstance {
  const url = `http://127.0.0.1:${options.port}`;
  let child: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();

  const running = () => child !== null && child.exitCode === null && child.signalCode === null;
  return {
    name: options.name,
    port: options.port,
    url,
    pid: () => child?.pid ?? 0,
    running,
    async start() {
      if (running()) return 0;
      const began = Date.now();
      const fd = openSync(options.logFile, "a");
      const proc = spawn(process.execPath, [...(options.execArgv ?? []), SERVER_BUNDLE], {
        cwd: REPO_ROOT,
        env: {
          PATH: process.env.PATH ?? "/usr/bin:/bin",
          HOME: process.env.HOME ?? "/tmp",
          NODE_ENV: "production",
          NEXT_TELEMETRY_DISABLED: "1",
          HOST: "127.0.0.1",
          PORT: String(options.port),
          ...options.env,
        },
        stdio: ["ignore", fd, fd],
      });
      closeSync(fd);
      child = proc;
      exited = new Promise((resolve) => proc.once("exit", () => resolve()));
      while (Date.now() - began < READY_TIMEOUT_MS) {
        if (!running()) throw new Error(`${options.name} exited during start; see ${options.logFile}`);
        const ok = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2_000) }).then(
          (r) => r.status === 200,
          () => false,
        );
        if (ok) return Date.now() - began;
        await sleep(100);
      }
      throw new Error(`${options.name} not ready after ${READY_TIMEOUT_MS} ms; see ${options.logFile}`);
    },
    signal(name) {
      if (running()) child?.kill(name);
    },
    waitExit: () => exited,
    cpuSeconds: () => (running() ? cpuSecondsOf(child?.pid ?? 0) : 0),
    async metrics() {
      if (!running()) return "";
      return fetch(`${url}/metrics`, { signal: AbortSignal.timeout(3_000) }).then(
        (r) => r.text(),
        () => "",
      );
    },
  };
}

/** Stops an instance for good: SIGTERM, then SIGKILL after `graceMs`. */
export async function stopInstance(instance: RoundaboutInstance, graceMs = 15_000): Promise<void> {
  if (!instance.running()) return;
  instance.signal("SIGTERM");
  const done = await Promise.race([instance.waitExit().then(() => true), sleep(graceMs).then(() => false)]);
  if (!done) {
    instance.signal("SIGKILL");
    await instance.waitExit();
  }
}
