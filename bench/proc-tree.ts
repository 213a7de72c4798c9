import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

/**
 * CPU and memory of a whole process tree from /proc (Linux): a process's `stat` counts every one of
 * its threads (worker threads, libuv's pool, V8's GC helpers), and child processes are found through
 * each thread's `children` list, recursively. No /proc: NaN figures.
 */

let ticksPerSecond: number | null = null;

/** `getconf CLK_TCK` once (100 on every mainstream kernel config). */
function clockTicksPerSecond(): number {
  if (ticksPerSecond === null) {
    try {
      ticksPerSecond = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** `pid` and all its descendants that are alive now. */
export function treePids(pid: number): number[] {
  const out: number[] = [];
  const visit = (p: number) => {
    out.push(p);
    let tasks: string[];
    try {
      tasks = readdirSync(`/proc/${p}/task`);
    } catch {
      return;
    }
    for (const task of tasks) {
      let children = "";
      try {
        children = readFileSync(`/proc/${p}/task/${task}/children`, "utf8").trim();
      } catch {
        continue;
      }
      for (const child of children.split(/\s+/)) if (child) visit(Number(child));
    }
  };
  visit(pid);
  return out;
}

export interface TreeUsage {
  /** user and system CPU of every thread of every process in the tree, µs. */
  readonly userUs: number;
  readonly systemUs: number;
  /** Sum of the processes' resident set sizes, bytes. */
  readonly rssBytes: number;
  readonly processes: number;
  readonly threads: number;
}

/** CPU (all threads) and RSS of `pid` and its descendants now. */
export function treeUsage(pid: number): TreeUsage {
  const tick = 1e6 / clockTicksPerSecond();
  let userUs = 0;
  let systemUs = 0;
  let rssBytes = 0;
  let threads = 0;
  const pids = treePids(pid);
  for (const p of pids) {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, "utf8");
      // Fields after the command name (which may hold spaces): state is [0], utime [11], stime [12].
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      userUs += Number(fields[11]) * tick;
      systemUs += Number(fields[12]) * tick;
      threads += Number(fields[17]);
      const status = readFileSync(`/proc/${p}/status`, "utf8");
      rssBytes += Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? 0) * 1024;
    } catch {
      // exited between the listing and the read
    }
  }
  if (pids.length === 1 && threads === 0) {
    return { userUs: NaN, systemUs: NaN, rssBytes: NaN, processes: 0, threads: 0 };
  }
  return { userUs, systemUs, rssBytes, processes: pids.length, threads };
}
