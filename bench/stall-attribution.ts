import { readFileSync } from "node:fs";
import { Session } from "node:inspector/promises";

/**
 * What held the event loop during its longest stalls: a 1 ms interval timer notes when the loop
 * turned, the V8 CPU profiler samples what ran, and each gap longer than the threshold is matched
 * with the samples inside it (both clocks are CLOCK_MONOTONIC: V8's TimeTicks and uv_hrtime). Each
 * stall is reported with the functions that took its time, by self time and by the innermost frame
 * of our own code (src/) on the stack. Gaps are ranked by the main thread's own CPU time inside them
 * (/proc schedstat), not wall time: on a shared machine the longest wall gaps are waits for a core.
 * In-process, for benchmarks such as bench:import.
 */

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { functionName: string; url: string; lineNumber: number };
  readonly children?: number[];
}

interface CpuProfile {
  readonly nodes: ProfileNode[];
  readonly startTime: number;
  readonly samples: number[];
  readonly timeDeltas: number[];
}

export interface StallShare {
  readonly frame: string;
  readonly ms: number;
}

export interface AttributedStall {
  /** ms since the tracer started. */
  readonly atMs: number;
  readonly durationMs: number;
  /** Main-thread CPU inside the gap, ms. */
  readonly cpuMs: number;
  /** Phase label current when the stall began (see `phase`). */
  readonly phase: string;
  /** Top functions by self time inside the stall. */
  readonly self: StallShare[];
  /** Top innermost src/ frames on the stack inside the stall (inclusive time). */
  readonly ours: StallShare[];
}

export interface StallTracer {
  /** Labels what runs from now on (shown with each stall). */
  phase(name: string): void;
  /** Stops tracing; the `top` longest stalls above `thresholdMs`, longest first. */
  stop(top?: number): Promise<AttributedStall[]>;
}

const TICK_MS = 1;
const SAMPLING_INTERVAL_US = 200;

const nowUs = () => Number(process.hrtime.bigint() / 1000n);
const SCHEDSTAT = `/proc/self/task/${process.pid}/schedstat`;
/** Main-thread CPU so far, µs (0 without /proc: gaps are then ranked by wall time alone). */
const cpuUs = (): number => {
  try {
    return Number(readFileSync(SCHEDSTAT, "utf8").split(" ")[0]) / 1000;
  } catch {
    return 0;
  }
};

function frameName(node: ProfileNode, root: string): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const file = url.replace(/^file:\/\//, "").replace(root, "");
  return `${functionName || "(anonymous)"} ${file ? `${file}:${lineNumber + 1}` : ""}`.trim();
}

/** Starts the profiler and the loop-turn timer. */
export async function startStallTracer(thresholdMs = 20): Promise<StallTracer> {
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.setSamplingInterval", { interval: SAMPLING_INTERVAL_US });
  await session.post("Profiler.start");
  const startedUs = nowUs();
  const turns: number[] = [startedUs];
  const cpus: number[] = [cpuUs()];
  const phases: { atUs: number; name: string }[] = [{ atUs: startedUs, name: "start" }];
  const timer = setInterval(() => {
    turns.push(nowUs());
    cpus.push(cpuUs());
  }, TICK_MS);

  return {
    phase(name) {
      phases.push({ atUs: nowUs(), name });
    },
    async stop(top = 5) {
      clearInterval(timer);
      turns.push(nowUs());
      cpus.push(cpuUs());
      const { profile } = (await session.post("Profiler.stop")) as { profile: CpuProfile };
      session.disconnect();
      const gaps: { from: number; to: number; cpu: number }[] = [];
      for (let i = 1; i < turns.length; i++) {
        const cpu = (cpus[i]! - cpus[i - 1]!) / 1000;
        if ((turns[i]! - turns[i - 1]!) / 1000 - TICK_MS >= thresholdMs) {
          gaps.push({ from: turns[i - 1]!, to: turns[i]!, cpu });
        }
      }
      gaps.sort((a, b) => b.cpu - a.cpu || b.to - b.from - (a.to - a.from));
      return gaps.slice(0, top).map((gap) => attribute(profile, gap, phases, startedUs));
    },
  };
}

function attribute(
  profile: CpuProfile,
  gap: { from: number; to: number; cpu: number },
  phases: { atUs: number; name: string }[],
  startedUs: number,
): AttributedStall {
  const root = process.cwd() + "/";
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<string, number>();
  const ours = new Map<string, number>();
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = profile.timeDeltas[i] ?? 0;
    t += dt;
    if (t < gap.from || t > gap.to) continue;
    const node = byId.get(profile.samples[i]!);
    if (!node) continue;
    const ms = dt / 1000;
    const name = frameName(node, root);
    self.set(name, (self.get(name) ?? 0) + ms);
    // The innermost frame of our own code (src/), walking up from the sampled frame.
    for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
      const n = byId.get(id)!;
      if (n.callFrame.url.includes("/src/")) {
        const own = frameName(n, root);
        ours.set(own, (ours.get(own) ?? 0) + ms);
        break;
      }
    }
  }
  const topOf = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 6)
      .map(([frame, ms]) => ({ frame, ms }));
  const phase = [...phases].reverse().find((p) => p.atUs <= gap.from)?.name ?? "start";
  return {
    atMs: (gap.from - startedUs) / 1000,
    durationMs: (gap.to - gap.from) / 1000 - TICK_MS,
    cpuMs: gap.cpu,
    phase,
    self: topOf(self),
    ours: topOf(ours),
  };
}

/** Prints attributed stalls as indented text. */
export function formatStalls(stalls: AttributedStall[]): string {
  return stalls
    .map(
      (s) =>
        `  stall ${s.durationMs.toFixed(1)} ms (${s.cpuMs.toFixed(1)} ms own CPU) at +${(s.atMs / 1000).toFixed(2)} s (${s.phase})\n` +
        `    self: ${s.self.map((f) => `${f.frame} ${f.ms.toFixed(1)}`).join("; ")}\n` +
        `    ours: ${s.ours.map((f) => `${f.frame} ${f.ms.toFixed(1)}`).join("; ")}`,
    )
    .join("\n");
}
