import { readFileSync } from "node:fs";

/**
 * Event-loop stalls measured twice: in wall time (what a request waiting on the loop sees) and in
 * CPU time of the main thread (what the stalling code itself spent). On a shared, overloaded machine
 * a 20 ms slice of work can take 200 ms of wall time because the thread waits for a core; the CPU
 * figure is what the same stall would be on a quiet machine. A 2 ms interval timer samples wall
 * time and the main thread's run time from /proc/self/task/<pid>/schedstat (ns; Linux only — elsewhere
 * the CPU figures are NaN).
 */
export interface CpuStallMonitor {
  /** Stops and returns the longest gaps between two turns of the loop, ms. */
  stop(): CpuStallReport;
}

export interface CpuStallReport {
  /** Longest wall-clock gap (minus the timer interval). */
  readonly maxWallMs: number;
  /** Main-thread CPU spent inside that longest wall-clock gap. */
  readonly cpuOfMaxWallMs: number;
  /** Longest main-thread CPU time between two turns (the longest stall of the code itself). */
  readonly maxCpuMs: number;
}

const INTERVAL_MS = 2;
const SCHEDSTAT = `/proc/self/task/${process.pid}/schedstat`;

function mainThreadCpuNs(): number {
  try {
    return Number(readFileSync(SCHEDSTAT, "utf8").split(" ")[0]);
  } catch {
    return Number.NaN;
  }
}

/** Starts sampling; call stop() after one more turn of the loop (e.g. after a short sleep). */
export function startCpuStallMonitor(): CpuStallMonitor {
  let wall = performance.now();
  let cpu = mainThreadCpuNs();
  let maxWallMs = 0;
  let cpuOfMaxWallMs = 0;
  let maxCpuMs = 0;
  const timer = setInterval(() => {
    const nowWall = performance.now();
    const nowCpu = mainThreadCpuNs();
    const dWall = nowWall - wall - INTERVAL_MS;
    const dCpu = (nowCpu - cpu) / 1e6;
    if (dWall > maxWallMs) {
      maxWallMs = dWall;
      cpuOfMaxWallMs = dCpu;
    }
    if (dCpu > maxCpuMs) maxCpuMs = dCpu;
    wall = nowWall;
    cpu = nowCpu;
  }, INTERVAL_MS);
  return {
    stop() {
      clearInterval(timer);
      return { maxWallMs, cpuOfMaxWallMs, maxCpuMs };
    },
  };
}
