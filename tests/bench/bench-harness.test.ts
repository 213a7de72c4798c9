import { spawn } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { parseBenchOptions } from "../../bench/bench-options";
import { treePids, treeUsage } from "../../bench/proc-tree";
import { evaluateTargets } from "../../bench/report";
import { mergeRounds } from "../../bench/rounds";
import type { BenchReport, LoadCell } from "../../bench/bench-types";

/** The benchmark's own arithmetic: options, whole-tree CPU from /proc, and which target the checks read. */

describe("bench options", () => {
  it("--server asks for the real server; the default does not", () => {
    expect(parseBenchOptions(["--server", "--quick"], undefined)?.server).toBe(true);
    expect(parseBenchOptions(["--quick"], undefined)?.server).toBe(false);
  });

  it("the plain gateway run also prints the LLM-routing tables; quick, server and SSE-only runs do not unless asked", () => {
    expect(parseBenchOptions([], undefined)?.routing).toBe(true);
    expect(parseBenchOptions(["--skip-routing"], undefined)?.routing).toBe(false);
    for (const flags of [["--quick"], ["--server"], ["--sse-only"]]) {
      expect(parseBenchOptions(flags, undefined)?.routing).toBe(false);
      expect(parseBenchOptions([...flags, "--routing"], undefined)?.routing).toBe(true);
    }
  });
});

describe("process tree usage", () => {
  it("counts a child process's CPU in its parent's tree", async () => {
    // Spins until it has used 150 ms of CPU (not wall time: a loaded machine gives it less), then idles.
    const child = spawn(
      process.execPath,
      ["-e", "while (process.cpuUsage().user < 150_000); console.log('spun'); setTimeout(() => {}, 30_000)"],
      { stdio: ["ignore", "pipe", "ignore"] },
    );
    try {
      await new Promise<void>((resolve) => child.stdout!.once("data", () => resolve()));
      await sleep(50);
      expect(treePids(process.pid)).toContain(child.pid);
      const mine = treeUsage(process.pid);
      const theirs = treeUsage(child.pid!);
      expect(theirs.userUs + theirs.systemUs).toBeGreaterThan(100_000);
      expect(mine.userUs + mine.systemUs).toBeGreaterThanOrEqual(theirs.userUs + theirs.systemUs);
      expect(mine.rssBytes).toBeGreaterThan(theirs.rssBytes);
      expect(mine.processes).toBeGreaterThanOrEqual(2);
      expect(mine.threads).toBeGreaterThan(1);
    } finally {
      child.kill("SIGKILL");
    }
  });

  it("gives NaN for a process that does not exist", () => {
    expect(treeUsage(2 ** 22 + 7).userUs).toBeNaN();
  });
});

function cell(
  target: LoadCell["target"],
  connections: number,
  p99Ms: number,
  stallMaxMs: number | null,
): LoadCell {
  return {
    target,
    load: {
      connections,
      responses: 1000,
      non2xx: 0,
      errors: 0,
      durationS: 1,
      rps: 1000,
      p50Ms: 1,
      p90Ms: 2,
      p99Ms,
      p999Ms: p99Ms * 2,
      meanMs: 1,
    },
    addedP50Ms: 0.5,
    addedP99Ms: 1,
    cpuUsPerReq: target === "bare" ? 100 : 140,
    storeCpuUsPerReq: null,
    rssMb: 100,
    stallMaxMs,
  };
}

describe("target checks", () => {
  it("judge the real server when it was measured: p99 over bare and the stall at 16 connections", () => {
    const report = {
      settings: { connections: [16], server: true },
      cells: [cell("bare", 16, 5, 1), cell("server", 16, 6.5, 4)],
      sse: [],
      soak: [],
    } as unknown as Omit<BenchReport, "checks" | "finishedAt">;
    const checks = evaluateTargets(report);
    const byName = (start: string) => checks.find((c) => c.name.startsWith(start));
    expect(byName("server CPU per request")?.pass).toBe(true);
    expect(byName("server p99 ≤ bare p99 + 2 ms")?.pass).toBe(true);
    expect(byName("server longest event-loop stall")?.pass).toBe(true);
  });
});

describe("rounds", () => {
  const at = (target: LoadCell["target"], cpu: number): LoadCell => ({
    ...cell(target, 16, 5, 1),
    cpuUsPerReq: cpu,
  });

  it("pairs each round's server with that round's bare and judges the median of those ratios", () => {
    // Bare drifts 100 → 200 → 120 µs; the server follows it. Ratios 1.4, 1.6, 1.45: median 1.45.
    const merged = mergeRounds([
      [at("bare", 100), at("server", 140)],
      [at("bare", 200), at("server", 320)],
      [at("bare", 120), at("server", 174)],
    ]);
    const server = merged.find((c) => c.target === "server")!;
    expect(server.cpuRatioRounds).toEqual([1.4, 1.6, 1.45]);
    // The cell shown is the round of median CPU (174 µs), not an average of rounds.
    expect(server.cpuUsPerReq).toBe(174);
    expect(merged.find((c) => c.target === "bare")!.cpuUsPerReq).toBe(120);
    const report = {
      settings: { connections: [16], server: true },
      cells: merged,
      sse: [],
      soak: [],
    } as unknown as Omit<BenchReport, "checks" | "finishedAt">;
    const check = evaluateTargets(report).find((c) => c.name.startsWith("server CPU per request"))!;
    expect(check.pass).toBe(true);
    expect(check.detail).toBe("16 conn: 1.45× (rounds 1.40, 1.60, 1.45)");
  });

  it("one round passes through unchanged", () => {
    const round = [at("bare", 100), at("server", 160)];
    expect(mergeRounds([round])).toEqual(round);
  });
});
