import { spawn } from "node:child_process";
import path from "node:path";

/**
 * Runs the LLM-routing benchmark (bench/routing.ts: prompt-cache affinity off vs on, smooth WRR vs
 * p2c_ewma) as its own process after the load cells, so `npm run bench` prints its tables too; its
 * output goes straight to this terminal. Resolves with its exit code.
 */
export function runRoutingBench(progress: (message: string) => void): Promise<number> {
  progress("LLM routing: prompt-cache affinity and latency-aware balancing (bench/routing.ts)…");
  const child = spawn(process.execPath, ["--import", "tsx", path.join(import.meta.dirname, "routing.ts")], {
    stdio: ["ignore", "inherit", "inherit"],
  });
  return new Promise((resolve) => {
    child.once("error", (err) => {
      progress(`routing benchmark failed to start: ${err.message}`);
      resolve(1);
    });
    child.once("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}
