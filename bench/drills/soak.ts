/**
 * `npm run drill:soak [-- --minutes 30] [-- --rate 200] [-- --postgres]`: one Roundabout instance
 * (`node dist/server.mjs`, embedded PGlite and in-memory state as `npm start` runs it; with
 * --postgres on a private PostgreSQL) under steady load (1 in 4 requests streaming). Every
 * --interval-seconds it prints RSS, heap, event-loop delay (p99, max), open file descriptors and the
 * requests of the interval; at the end first/last/max and the slope of each series. No asserts.
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { z } from "zod";
import { findFreePort } from "../../src/testing/free-port";
import { startPrivatePostgres } from "../../src/testing/private-postgres";
import { killAllChildren, spawnBenchChild } from "../spawn-child";
import { formatSummary, sleep, slopeOf, summariseLoad } from "./drill-figures";
import { seedGroup, seedKey, waitUntilRoutable } from "./drill-seed";
import { startLoad } from "./load-generator";
import { assertBuilt, defineInstance, stopInstance } from "./roundabout-instance";

const argsSchema = z.object({
  minutes: z.coerce
    .number()
    .min(0.5)
    .max(24 * 60)
    .default(30),
  rate: z.coerce.number().int().min(1).max(2_000).default(200),
  postgres: z.boolean().default(false),
  "interval-seconds": z.coerce.number().int().min(5).max(600).default(30),
});

const GROUP = "soak";

interface SoakRow {
  minute: number;
  rssMb: number;
  heapMb: number;
  eldP99Ms: number;
  eldMaxMs: number;
  fds: number;
  ok: number;
  failed: number;
}

interface ProbeLine {
  heapUsed: number;
  eldP99Ms: number;
  eldMaxMs: number;
}

function rssMbOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? "0");
  return kb / 1024;
}

function lastProbeLine(file: string): ProbeLine | null {
  if (!existsSync(file)) return null;
  const lines = readFileSync(file, "utf8").trim().split("\n");
  const last = lines.at(-1);
  return last ? (JSON.parse(last) as ProbeLine) : null;
}

function printSummary(rows: readonly SoakRow[]): void {
  console.log("\n== summary (slope: least squares per 10 minutes) ==");
  const series: [string, (r: SoakRow) => number, string][] = [
    ["RSS", (r) => r.rssMb, "MB"],
    ["heap used", (r) => r.heapMb, "MB"],
    ["event-loop delay p99", (r) => r.eldP99Ms, "ms"],
    ["event-loop delay max", (r) => r.eldMaxMs, "ms"],
    ["open fds", (r) => r.fds, ""],
  ];
  for (const [name, read, unit] of series) {
    const first = rows[0];
    const last = rows.at(-1);
    if (!first || !last) return;
    const max = Math.max(...rows.map(read));
    const slope = slopeOf(rows.map((r) => ({ x: r.minute / 10, y: read(r) })));
    console.log(
      `  ${name}: first ${read(first).toFixed(1)} ${unit}, last ${read(last).toFixed(1)} ${unit}, max ${max.toFixed(1)} ${unit}, slope ${slope >= 0 ? "+" : ""}${slope.toFixed(2)} ${unit}/10 min`,
    );
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      minutes: { type: "string" },
      rate: { type: "string" },
      postgres: { type: "boolean" },
      "interval-seconds": { type: "string" },
    },
    strict: true,
  });
  const args = argsSchema.parse(values);
  assertBuilt();
  const intervalMs = args["interval-seconds"] * 1000;
  const dir = mkdtempSync(path.join(tmpdir(), "rb-soak-"));
  const cleanups: (() => Promise<void> | void)[] = [() => rmSync(dir, { recursive: true, force: true })];
  const cleanup = async () => {
    for (const fn of cleanups.reverse()) await Promise.resolve(fn()).catch(() => undefined);
    cleanups.length = 0;
  };
  let interrupted = false;
  process.once("SIGINT", () => {
    // Stop the loop at the next interval and print the summary so far.
    interrupted = true;
  });

  try {
    const env: Record<string, string> = {
      DATA_DIR: path.join(dir, "data"),
      ADMIN_TOKEN: randomBytes(24).toString("hex"),
      OUTBOUND_ALLOW: "127.0.0.0/8",
      LOG_LEVEL: "warn",
      DRILL_PROBE_FILE: path.join(dir, "probe.jsonl"),
      DRILL_PROBE_WINDOW_MS: String(intervalMs),
    };
    if (args.postgres) {
      const pg = await startPrivatePostgres();
      cleanups.push(() => pg.destroy());
      env.DATABASE_URL = pg.url;
      env.SECRET_KEY = randomBytes(32).toString("base64");
    }
    const mocks = await spawnBenchChild({
      name: "mocks",
      script: "mock-process.ts",
      args: ["--count", "2", "--events", "20", "--interval-ms", "20"],
    });
    cleanups.push(() => mocks.close());
    const instance = defineInstance({
      name: "soak",
      port: await findFreePort(),
      env,
      logFile: path.join(dir, "instance.log"),
      execArgv: ["--import", path.join(import.meta.dirname, "process-probe.mjs")],
    });
    cleanups.push(() => stopInstance(instance));
    const readyMs = await instance.start();
    const adminToken = env.ADMIN_TOKEN ?? "";
    await seedGroup(instance.url, adminToken, GROUP, Object.values(mocks.urls));
    const key = await seedKey(instance.url, adminToken, {
      rateLimitPerMinute: 1_000_000,
      maxConcurrency: 100_000,
    });
    await waitUntilRoutable(instance.url, GROUP, key.key);
    console.log(
      `soak: ${args.minutes} min at ${args.rate} req/s (1 in 4 streaming), ${args.postgres ? "private PostgreSQL" : "embedded PGlite"}, in-memory state; pid ${instance.pid()}, ready in ${readyMs} ms`,
    );
    console.log("minute | RSS MB | heap MB | ELD p99 ms | ELD max ms | fds | ok | failed");

    const load = startLoad(
      { baseUrl: instance.url, groupSlug: GROUP, apiKey: key.key },
      {
        ratePerSecond: args.rate,
        streamEvery: 4,
      },
    );
    cleanups.push(() => load.stop());
    const began = Date.now();
    const rows: SoakRow[] = [];
    let seen = 0;
    while (!interrupted && Date.now() - began < args.minutes * 60_000) {
      await sleep(intervalMs);
      if (!instance.running()) {
        console.log("the instance exited: stopping");
        break;
      }
      const probe = lastProbeLine(env.DRILL_PROBE_FILE ?? "");
      const fresh = load.records.slice(seen);
      seen = load.records.length;
      const s = summariseLoad(fresh);
      const row: SoakRow = {
        minute: (Date.now() - began) / 60_000,
        rssMb: rssMbOf(instance.pid()),
        heapMb: (probe?.heapUsed ?? 0) / (1024 * 1024),
        eldP99Ms: probe?.eldP99Ms ?? 0,
        eldMaxMs: probe?.eldMaxMs ?? 0,
        fds: readdirSync(`/proc/${instance.pid()}/fd`).length,
        ok: s.ok,
        failed: s.sent - s.ok,
      };
      rows.push(row);
      console.log(
        `${row.minute.toFixed(1).padStart(6)} | ${row.rssMb.toFixed(0).padStart(6)} | ${row.heapMb.toFixed(1).padStart(7)} | ${row.eldP99Ms.toFixed(1).padStart(10)} | ${row.eldMaxMs.toFixed(1).padStart(10)} | ${String(row.fds).padStart(3)} | ${row.ok} | ${row.failed}`,
      );
    }
    await load.stop();
    const seconds = (Date.now() - began) / 1000;
    console.log(`\nwhole run: ${(load.records.length / seconds).toFixed(1)} req/s achieved`);
    console.log(`  ${formatSummary(summariseLoad(load.records))}`);
    printSummary(rows);
  } finally {
    await cleanup();
    killAllChildren();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    killAllChildren();
    process.exit(1);
  },
);
