import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { request } from "node:http";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

/**
 * Crashes and shutdown against a spawned process (src/testing/drill-server-entry.ts: the full runtime
 * on the production server factory, shutdown and crash guard, without the Next console).
 */

const ROOT = path.resolve(import.meta.dirname, "../..");
const TOKEN = "crash-drill-admin-token";
const dirs: string[] = [];
const children: ChildProcess[] = [];

afterAll(() => {
  for (const c of children) c.kill("SIGKILL");
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function spawnDrill(extra: Record<string, string> = {}) {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "rb-drill-"));
  dirs.push(dataDir);
  const child = spawn(process.execPath, ["--import", "tsx", "src/testing/drill-server-entry.ts"], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATA_DIR: dataDir,
      ADMIN_TOKEN: TOKEN,
      LOG_LEVEL: "info",
      NODE_ENV: "test",
      ...extra,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let out = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const port = await new Promise<number>((resolve, reject) => {
    // A fresh embedded database migrates first: slow on a loaded machine.
    const timer = setTimeout(() => reject(new Error(`drill server did not start:\n${out}`)), 100_000);
    child.stdout!.on("data", () => {
      const m = /"port":(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    void exited.then(() => reject(new Error(`drill server exited early:\n${out}`)));
  });
  return { child, port, exited, output: () => out };
}

/** Opens an admin GET and resolves once the first response bytes arrived (the request stays open). */
function openStreaming(port: number, route: string) {
  return new Promise<{ destroy: () => void }>((resolve, reject) => {
    const req = request(
      { host: "127.0.0.1", port, path: `/api/admin${route}`, headers: { authorization: `Bearer ${TOKEN}` } },
      (res) => {
        res.once("data", () => resolve({ destroy: () => req.destroy() }));
        res.on("error", () => undefined);
      },
    );
    req.on("error", (err) => reject(err));
    req.end();
  });
}

describe("nothing escapes as an uncaught exception", () => {
  it("clients leaving mid-response during shutdown, and one cut by the drain deadline: clean exit 0", async () => {
    const drill = await spawnDrill({ DRILL_DRAIN_MS: "800" });
    const leaving = await openStreaming(drill.port, "/health/stream");
    const staying = await openStreaming(drill.port, "/health/stream");
    const exporting = await openStreaming(drill.port, "/logs/export?format=csv");
    drill.child.kill("SIGTERM");
    await new Promise((r) => setTimeout(r, 50));
    leaving.destroy();
    exporting.destroy();
    expect(await drill.exited).toBe(0);
    staying.destroy();
    expect(drill.output()).toContain("shutdown complete");
    expect(drill.output()).not.toMatch(/uncaught|unhandled|TypeError/i);
  }, 120_000);

  it("a bug thrown from a timer is logged with its stack, shuts down gracefully and exits 1", async () => {
    const drill = await spawnDrill({ DRILL_THROW_AFTER_MS: "300" });
    expect(await drill.exited).toBe(1);
    const out = drill.output();
    const line = out.split("\n").find((l) => l.includes("bug: uncaughtException"));
    expect(line, out).toBeDefined();
    const entry = JSON.parse(line!) as { level: number; err: { type: string; stack: string } };
    expect(entry.level).toBe(60);
    expect(entry.err.type).toBe("TypeError");
    expect(entry.err.stack).toContain("drill-server-entry");
    expect(out).toContain("shutdown complete");
  }, 120_000);
});
