import { spawn, type ChildProcess } from "node:child_process";
import { createConnection } from "node:net";
import { findFreePort } from "./free-port";

/**
 * A redis-server of a test's own on a free loopback port, which the test may kill and restart (the
 * shared Redis on 6379 serves other suites and must never be stopped). No persistence: a restart
 * comes back empty, as a real Redis without persistence would.
 */

export interface PrivateRedis {
  readonly url: string;
  readonly port: number;
  /** Kills the server at once (SIGKILL), as a crash would. */
  kill(): Promise<void>;
  /**
   * Stops the process (SIGSTOP): it stops answering while its connections stay open, as a stalled
   * host or a long pause would. Commands sent meanwhile run once it is thawed.
   */
  freeze(): void;
  /** Lets a frozen server run again (SIGCONT). */
  thaw(): void;
  /** Starts it again on the same port (no-op while running) and waits until it answers. */
  restart(): Promise<void>;
  /** Stops it for good. */
  stop(): Promise<void>;
}

/** Resolves once the server answers PING with PONG; rejects after `timeoutMs`. */
async function waitForPong(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ host: "127.0.0.1", port });
      const done = (result: boolean) => {
        socket.destroy();
        resolve(result);
      };
      socket.setTimeout(500, () => done(false));
      socket.once("error", () => done(false));
      socket.once("connect", () => socket.write("PING\r\n"));
      socket.once("data", (data) => done(data.toString().startsWith("+PONG")));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`private redis-server on port ${port} did not start`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Starts a private redis-server (needs `redis-server` on the PATH). */
export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await findFreePort();
  let child: ChildProcess | null = null;

  const launch = async () => {
    if (child !== null && child.exitCode === null) return;
    const proc = spawn(
      "redis-server",
      ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
      { stdio: "ignore" },
    );
    child = proc;
    await waitForPong(port, 10_000);
  };

  const kill = async () => {
    const proc = child;
    child = null;
    if (proc === null || proc.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      proc.once("exit", () => resolve());
      proc.kill("SIGKILL");
    });
  };

  const signal = (name: "SIGSTOP" | "SIGCONT") => {
    const proc = child;
    if (proc === null || proc.exitCode !== null) throw new Error("private redis-server is not running");
    proc.kill(name);
  };

  await launch();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    kill,
    freeze: () => signal("SIGSTOP"),
    thaw: () => signal("SIGCONT"),
    restart: launch,
    stop: kill,
  };
}
