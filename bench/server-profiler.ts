import { writeFile } from "node:fs/promises";
import { WebSocket } from "undici";

/**
 * The V8 CPU profiler of another process (the real server, started with `--inspect=127.0.0.1:PORT`),
 * driven over the inspector's WebSocket, so a profile covers exactly one load window — the in-process
 * profiler of bench/cpu-profiler.ts, from outside.
 */
export interface ServerProfiler {
  start(): Promise<void>;
  /** Stops and writes the profile (Chrome DevTools `.cpuprofile` JSON) to `file`. */
  stop(file: string): Promise<void>;
  close(): Promise<void>;
}

/** Same interval as the in-process profiler, so profiles of both kinds compare. */
const SAMPLING_INTERVAL_US = 250;
const CALL_TIMEOUT_MS = 60_000;

/** Connects to the inspector on `port` (loopback) and enables the profiler. */
export async function connectServerProfiler(port: number): Promise<ServerProfiler> {
  const targets = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as {
    webSocketDebuggerUrl?: string;
  }[];
  const url = targets[0]?.webSocketDebuggerUrl;
  if (!url) throw new Error(`no inspector target on port ${port}`);
  const ws = new WebSocket(url);
  await new Promise<void>((resolve, reject) => {
    ws.addEventListener("open", () => resolve(), { once: true });
    ws.addEventListener("error", () => reject(new Error(`inspector WebSocket ${url} failed`)), {
      once: true,
    });
  });
  let nextId = 1;
  const pending = new Map<number, { resolve: (r: unknown) => void; reject: (e: Error) => void }>();
  ws.addEventListener("message", (event) => {
    const msg = JSON.parse(String(event.data)) as {
      id?: number;
      result?: unknown;
      error?: { message: string };
    };
    if (msg.id === undefined) return;
    const waiter = pending.get(msg.id);
    pending.delete(msg.id);
    if (msg.error) waiter?.reject(new Error(msg.error.message));
    else waiter?.resolve(msg.result);
  });
  const post = (method: string, params: Record<string, unknown> = {}) =>
    new Promise<unknown>((resolve, reject) => {
      const id = nextId++;
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error(`inspector ${method}: no answer within ${CALL_TIMEOUT_MS} ms`));
      }, CALL_TIMEOUT_MS);
      pending.set(id, {
        resolve: (r) => {
          clearTimeout(timer);
          resolve(r);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      ws.send(JSON.stringify({ id, method, params }));
    });
  await post("Profiler.enable");
  await post("Profiler.setSamplingInterval", { interval: SAMPLING_INTERVAL_US });
  return {
    async start() {
      await post("Profiler.start");
    },
    async stop(file) {
      const { profile } = (await post("Profiler.stop")) as { profile: unknown };
      await writeFile(file, JSON.stringify(profile));
    },
    async close() {
      ws.close();
    },
  };
}
