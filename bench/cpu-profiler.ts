import { writeFile } from "node:fs/promises";
import { Session } from "node:inspector/promises";

/**
 * The V8 CPU profiler of the current process, driven through an inspector session so a profile can
 * cover exactly one load window (no startup, migrations or warm-up in it).
 */
export interface WindowProfiler {
  start(): Promise<void>;
  /** Stops profiling and writes the profile (Chrome DevTools `.cpuprofile` JSON) to `file`. */
  stop(file: string): Promise<void>;
}

/** Sampling interval: fine enough for short cells, coarse enough to keep the profiler's cost low. */
const SAMPLING_INTERVAL_US = 250;

/** Creates a profiler on a lazily connected inspector session. */
export function createWindowProfiler(): WindowProfiler {
  let session: Session | null = null;
  return {
    async start() {
      if (session === null) {
        session = new Session();
        session.connect();
        await session.post("Profiler.enable");
        await session.post("Profiler.setSamplingInterval", { interval: SAMPLING_INTERVAL_US });
      }
      await session.post("Profiler.start");
    },
    async stop(file) {
      if (session === null) throw new Error("the profiler was not started");
      const { profile } = await session.post("Profiler.stop");
      await writeFile(file, JSON.stringify(profile));
    },
  };
}
