import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { request } from "node:http";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOOPBACK_OUTBOUND_ALLOW } from "@/testing/loopback-outbound";
import { startMockUpstream, type MockUpstream } from "@/testing/mock-upstream";
import { callAdminApi } from "@/testing/process-setups";
import { openTestDatabase, testRedis } from "@/testing/test-database";

/**
 * WORKERS=2 on PostgreSQL + Redis, as a real cluster (src/testing/drill-server-entry.ts runs the
 * production cluster primary and, in each worker, the full runtime without the Next console): both
 * workers serve one port, a key's rate limit holds across them, an admin write is seen by the next
 * request whichever worker takes it, and SIGTERM to the primary stops every worker cleanly.
 */

const ROOT = path.resolve(import.meta.dirname, "../..");
const TOKEN = `adm-${randomBytes(12).toString("hex")}`;
const METRICS_TOKEN = `met-${randomBytes(12).toString("hex")}`;

let child: ChildProcess;
let exited: Promise<number | null>;
let out = "";
let base: string;
let up: MockUpstream;
let dataDir: string;

beforeAll(async () => {
  up = await startMockUpstream({ record: false });
  dataDir = mkdtempSync(path.join(os.tmpdir(), "rb-cluster-"));
  const db = await openTestDatabase("postgres");
  await db.close();
  const redis = testRedis();
  child = spawn(process.execPath, ["--import", "tsx", "src/testing/drill-server-entry.ts"], {
    cwd: ROOT,
    env: {
      ...process.env,
      WORKERS: "2",
      DATA_DIR: dataDir,
      DATABASE_URL: db.url!,
      REDIS_URL: redis.url,
      REDIS_PREFIX: redis.prefix,
      SECRET_KEY: randomBytes(32).toString("base64"),
      ADMIN_TOKEN: TOKEN,
      METRICS_TOKEN,
      OUTBOUND_ALLOW: LOOPBACK_OUTBOUND_ALLOW,
      HEALTH_CHECK_INTERVAL_MS: "0",
      LOG_LEVEL: "info",
      NODE_ENV: "test",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (out += d.toString()));
  exited = new Promise((resolve) => child.once("exit", (code) => resolve(code)));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`cluster did not start:\n${out}`)), 120_000);
    child.stdout!.on("data", () => {
      const m = /"port":(\d+),"workers":2,"msg":"cluster listening"/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    void exited.then(() => reject(new Error(`cluster exited early:\n${out}`)));
  });
  base = `http://127.0.0.1:${port}`;
}, 150_000);

afterAll(async () => {
  child?.kill("SIGKILL");
  await up?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** One request on a connection of its own (so the primary hands it to the next worker in turn). */
function send(route: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${base}${route}`,
      { agent: false, headers: { ...headers, connection: "close" } },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => (body += c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on("error", reject);
    req.end();
  });
}

async function admin(method: string, route: string, body?: unknown) {
  const r = await callAdminApi(base, TOKEN, method, route, body);
  if (r.status >= 300) throw new Error(`${method} ${route}: ${r.status} ${r.text}`);
  return r.json ?? {};
}

/** Adds a provider + group `slug` and a key (optionally rate-limited); returns the key. */
async function addRoute(slug: string, keyExtra: Record<string, unknown> = {}): Promise<string> {
  const provider = await admin("POST", "/providers", { name: slug, baseUrl: up.url, authStyle: "none" });
  const group = await admin("POST", "/groups", { slug, name: slug });
  await admin("POST", `/groups/${String(group.id)}/providers`, { providerId: provider.id });
  return String((await admin("POST", "/api-keys", { name: slug, ...keyExtra })).key);
}

/** The requests_total counter of the worker that answered one /metrics scrape. */
async function scrapeRequestsTotal(slug: string): Promise<number> {
  const res = await send("/metrics", { authorization: `Bearer ${METRICS_TOKEN}` });
  expect(res.status).toBe(200);
  let total = 0;
  for (const line of res.body.split("\n")) {
    if (line.startsWith("roundabout_requests_total{") && line.includes(`group="${slug}"`)) {
      total += Number(line.slice(line.lastIndexOf(" ") + 1));
    }
  }
  return total;
}

describe("WORKERS=2 with PostgreSQL and Redis", () => {
  it("serves requests from both workers on one port", async () => {
    const key = await addRoute("both");
    const statuses: number[] = [];
    for (let i = 0; i < 40; i++) {
      statuses.push((await send("/api/proxy/both/v1/models", { "x-api-key": key })).status);
    }
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    // Each worker counts what it served: every scrape shows a worker that served some but not all
    // 40, and the two counts (equal when the primary alternated exactly) add up to 40.
    const counts: number[] = [];
    for (let i = 0; i < 10; i++) counts.push(await scrapeRequestsTotal("both"));
    for (const count of counts) expect(count, String(counts)).toBeGreaterThan(0);
    for (const count of counts) expect(count, String(counts)).toBeLessThan(40);
    const distinct = [...new Set(counts)];
    expect(distinct.length === 1 ? distinct[0]! * 2 : distinct.reduce((a, b) => a + b, 0)).toBe(40);
  }, 60_000);

  it("holds a key's rate limit across the workers", async () => {
    const key = await addRoute("limited", { rateLimitPerMinute: 12 });
    const responses = await Promise.all(
      Array.from({ length: 40 }, () => send("/api/proxy/limited/v1/models", { "x-api-key": key })),
    );
    expect(responses.filter((r) => r.status === 200)).toHaveLength(12);
    expect(responses.filter((r) => r.status === 429)).toHaveLength(28);
  }, 60_000);

  it("an admin write is seen by the next request on either worker (read-your-writes)", async () => {
    for (let round = 0; round < 10; round++) {
      const slug = `ryw-${round}`;
      const key = await addRoute(slug);
      // Two requests on fresh connections: one lands on each worker.
      const [a, b] = [
        await send(`/api/proxy/${slug}/v1/models`, { "x-api-key": key }),
        await send(`/api/proxy/${slug}/v1/models`, { "x-api-key": key }),
      ];
      expect([a.status, b.status], `round ${round}`).toEqual([200, 200]);
    }
  }, 120_000);

  it("SIGTERM to the primary stops both workers gracefully (exit 0)", async () => {
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(out.match(/shutdown complete/g)).toHaveLength(2);
    expect(out).not.toMatch(/uncaught|unhandled|worker exited/i);
  }, 90_000);
});
