import { spawn, type ChildProcess } from "node:child_process";
import { LOOPBACK_OUTBOUND_ALLOW } from "../testing/loopback-outbound";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startMockUpstream } from "@/testing/mock-upstream";
import { seedRouteInDataDir } from "@/testing/process-setups";

const ROOT = path.resolve(import.meta.dirname, "../..");
const dirs: string[] = [];

/** Spawns the real gateway-only entry point (tsx) and resolves once it prints its URL. */
async function spawnGateway(
  dataDir = newDataDir(),
): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const child = spawn(process.execPath, ["--import", "tsx", "gateway.ts"], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: "0",
      HOST: "127.0.0.1",
      DATA_DIR: dataDir,
      LOG_LEVEL: "info",
      NODE_ENV: "test",
      OUTBOUND_ALLOW: LOOPBACK_OUTBOUND_ALLOW,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (out += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`gateway did not start:\n${out}`)), 45_000);
    const check = () => {
      const m = /"port":(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(`http://127.0.0.1:${m[1]}`);
      }
    };
    child.stdout!.on("data", check);
    child.once("exit", () => reject(new Error(`gateway exited early:\n${out}`)));
  });
  return { child, url, output: () => out };
}

function newDataDir(): string {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "rb-sig-"));
  dirs.push(dataDir);
  return dataDir;
}

function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.once("exit", (code) => resolve(code)));
}

afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe("graceful shutdown of the real process", () => {
  it("drains an in-flight request on SIGTERM, then exits 0", async () => {
    const upstream = await startMockUpstream({ behaviour: { delayMs: 700 } });
    const dataDir = newDataDir();
    const key = await seedRouteInDataDir(dataDir, upstream.url);
    const { child, url, output } = await spawnGateway(dataDir);
    try {
      // The upstream answers after 700 ms; the signal arrives while the request is in flight.
      const inFlight = fetch(`${url}/api/proxy/main/v1/models`, { headers: { "x-api-key": key } }).then(
        async (r) => ({ status: r.status, body: await r.text() }),
      );
      // Wait for the request to reach the upstream (a fixed pause is too short on a loaded machine).
      for (let waited = 0; upstream.requestCount === 0 && waited < 10_000; waited += 20) {
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(upstream.requestCount).toBe(1);
      const exited = exitOf(child);
      child.kill("SIGTERM");
      const answered = await inFlight;
      expect(answered.status).toBe(200);
      expect(answered.body).toContain("mock-model");
      expect(await exited).toBe(0);
      expect(output()).toContain("shutdown complete");
      await expect(fetch(`${url}/healthz`)).rejects.toThrow();
    } finally {
      child.kill("SIGKILL");
      await upstream.close();
    }
    // Two real processes start here (seeding, then the gateway with its database thread): ~12 s alone,
    // more while the rest of the suite shares the two cores.
  }, 60_000);

  it("exits at once on a second signal", async () => {
    const { child, output } = await spawnGateway();
    const exited = exitOf(child);
    child.kill("SIGTERM");
    child.kill("SIGINT");
    const code = await exited;
    expect(code === 1 || code === 0).toBe(true);
    expect(output()).toMatch(/second signal|shutdown complete/);
  });
});
