import { writeFile } from "node:fs/promises";
import { connectInspector } from "./inspector-client";

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

/** Connects to the inspector on `port` (loopback) and enables the profiler. */
export async function connectServerProfiler(port: number): Promise<ServerProfiler> {
  const inspector = await connectInspector(port);
  await inspector.call("Profiler.enable");
  await inspector.call("Profiler.setSamplingInterval", { interval: SAMPLING_INTERVAL_US });
  return {
    async start() {
      await inspector.call("Profiler.start");
    },
    async stop(file) {
      const { profile } = (await inspector.call("Profiler.stop")) as { profile: unknown };
      await writeFile(file, JSON.stringify(profile));
    },
    async close() {
      inspector.close();
    },
  };
}
