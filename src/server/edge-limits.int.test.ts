import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { connect, type Socket } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMockUpstream, type MockUpstream } from "@/testing/mock-upstream";
import { seedRouteInDataDir } from "@/testing/process-setups";
import { startTestProcess } from "@/testing/runtime-test-support";

/**
 * Slow and abusive clients against the real gateway process (gateway.ts, spawned) with short
 * deadlines: headers 500 ms, whole request 1 s, idle 800 ms, headers at most 2 KiB / 20 lines.
 */

const ROOT = path.resolve(import.meta.dirname, "../..");
const LIMITS = {
  HEADERS_TIMEOUT_MS: "500",
  BODY_TIMEOUT_MS: "1000",
  IDLE_TIMEOUT_MS: "800",
  MAX_HEADER_BYTES: "2048",
  MAX_HEADERS_COUNT: "20",
};
const dirs: string[] = [];
let upstream: MockUpstream;
let child: ChildProcess;
let port = 0;
let key = "";
let output = "";

beforeAll(async () => {
  upstream = await startMockUpstream();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "rb-edge-"));
  dirs.push(dataDir);
  key = await seedRouteInDataDir(dataDir, upstream.url);
  child = spawn(process.execPath, ["--import", "tsx", "gateway.ts"], {
    cwd: ROOT,
    env: { ...process.env, PORT: "0", HOST: "127.0.0.1", DATA_DIR: dataDir, LOG_LEVEL: "info", ...LIMITS },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (output += d.toString()));
  port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`gateway did not start:\n${output}`)), 45_000);
    child.stdout!.on("data", () => {
      const m = /"port":(\d+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.once("exit", () => reject(new Error(`gateway exited early:\n${output}`)));
  });
}, 90_000);

afterAll(async () => {
  child?.kill("SIGKILL");
  await upstream?.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

interface RawExchange {
  readonly socket: Socket;
  /** Everything received, once the server closed the connection. */
  readonly closed: Promise<{ text: string; afterMs: number }>;
}

function openRaw(): RawExchange {
  const socket = connect(port, "127.0.0.1");
  const t0 = Date.now();
  const chunks: Buffer[] = [];
  socket.on("data", (c: Buffer) => chunks.push(c));
  const closed = new Promise<{ text: string; afterMs: number }>((resolve) => {
    socket.on("error", () => undefined);
    socket.on("close", () =>
      resolve({ text: Buffer.concat(chunks).toString("utf8"), afterMs: Date.now() - t0 }),
    );
  });
  return { socket, closed };
}

describe("slow and abusive clients (spawned gateway process)", () => {
  it("closes the socket of a client that never finishes its headers, with 408 REQUEST_TIMEOUT", async () => {
    const raw = openRaw();
    raw.socket.write(`GET /api/proxy/main/v1/models HTTP/1.1\r\nhost: gw\r\nx-api-key: ${key}\r\n`);
    const timer = setInterval(() => raw.socket.write("x-drip: 1\r\n"), 100);
    const { text, afterMs } = await raw.closed;
    clearInterval(timer);
    expect(text).toMatch(/^HTTP\/1\.1 408 /);
    expect(text).toContain('"code":"REQUEST_TIMEOUT"');
    console.log(`slow headers: socket closed after ${afterMs} ms (HEADERS_TIMEOUT_MS=500)`);
  });

  it("answers 408 REQUEST_TIMEOUT to a body trickling past the body deadline", async () => {
    const raw = openRaw();
    raw.socket.write(
      `POST /api/proxy/main/v1/chat/completions HTTP/1.1\r\nhost: gw\r\nx-api-key: ${key}\r\n` +
        "content-type: application/json\r\ncontent-length: 1000\r\n\r\n{",
    );
    const timer = setInterval(() => raw.socket.writable && raw.socket.write(" "), 100);
    const { text, afterMs } = await raw.closed;
    clearInterval(timer);
    expect(text).toMatch(/^HTTP\/1\.1 408 /);
    expect(text).toContain('"code":"REQUEST_TIMEOUT"');
    expect(upstream.requests.filter((r) => r.path === "/v1/chat/completions")).toHaveLength(0);
    console.log(`slow body: answered after ${afterMs} ms (BODY_TIMEOUT_MS=1000)`);
  });

  it("streams an SSE response for longer than the idle deadline, with gaps longer than it", async () => {
    await upstream.setBehaviour({ chunks: 3, chunkDelayMs: 1_100 });
    try {
      const t0 = Date.now();
      const res = await fetch(`http://127.0.0.1:${port}/api/proxy/main/v1/chat/completions`, {
        method: "POST",
        headers: { "x-api-key": key, "content-type": "application/json" },
        body: JSON.stringify({ model: "m", stream: true, messages: [] }),
      });
      expect(res.status).toBe(200);
      const text = await res.text();
      const tookMs = Date.now() - t0;
      expect(text).toContain("[DONE]");
      expect(tookMs).toBeGreaterThan(3_000);
      console.log(`SSE: ${tookMs} ms with 1100 ms gaps, IDLE_TIMEOUT_MS=800`);
    } finally {
      await upstream.setBehaviour({});
    }
  });

  it("answers 431 HEADERS_TOO_LARGE to too many header lines and to an oversized header block", async () => {
    const many = openRaw();
    const lines = Array.from({ length: 30 }, (_, i) => `x-h${i}: ${i}\r\n`).join("");
    many.socket.write(
      `GET /api/proxy/main/v1/models HTTP/1.1\r\nhost: gw\r\nx-api-key: ${key}\r\n${lines}\r\n`,
    );
    const tooMany = await many.closed;
    expect(tooMany.text).toMatch(/^HTTP\/1\.1 431 /);
    expect(tooMany.text).toContain('"code":"HEADERS_TOO_LARGE"');

    const big = openRaw();
    big.socket.write(
      `GET /api/proxy/main/v1/models HTTP/1.1\r\nhost: gw\r\nx-big: ${"a".repeat(4096)}\r\n\r\n`,
    );
    const tooBig = await big.closed;
    expect(tooBig.text).toMatch(/^HTTP\/1\.1 431 /);
    expect(tooBig.text).toContain('"code":"HEADERS_TOO_LARGE"');
  });

  it("never logged an uncaught exception", () => {
    expect(output).not.toMatch(/uncaught|unhandled/i);
  });
});

describe("slow bodies on the admin API and sign-in (same server settings, in process)", () => {
  it("answers 408 REQUEST_TIMEOUT to a trickled admin API body and sign-in body", async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), "rb-edge-admin-"));
    dirs.push(dataDir);
    const proc = await startTestProcess({
      DATA_DIR: dataDir,
      ADMIN_TOKEN: "edge-limits-admin-token",
      LOG_LEVEL: "silent",
      ...LIMITS,
    });
    try {
      const { port: adminPort } = new URL(proc.url);
      for (const [route, auth] of [
        ["/api/admin/providers", "authorization: Bearer edge-limits-admin-token\r\n"],
        ["/api/auth/sign-in/email", ""],
      ] as const) {
        const socket = connect(Number(adminPort), "127.0.0.1");
        const chunks: Buffer[] = [];
        socket.on("data", (c: Buffer) => chunks.push(c));
        socket.on("error", () => undefined);
        const closed = new Promise<void>((resolve) => socket.on("close", () => resolve()));
        socket.write(
          `POST ${route} HTTP/1.1\r\nhost: 127.0.0.1\r\n${auth}content-type: application/json\r\n` +
            "content-length: 500\r\n\r\n{",
        );
        const timer = setInterval(() => socket.writable && socket.write(" "), 100);
        await closed;
        clearInterval(timer);
        const text = Buffer.concat(chunks).toString("utf8");
        expect(text, route).toMatch(/^HTTP\/1\.1 408 /);
        expect(text, route).toContain('"code":"REQUEST_TIMEOUT"');
      }
    } finally {
      await proc.stop();
    }
  });
});
