/**
 * `npm run drill:outages [-- --short] [-- --rate 200] [-- --phases a,b,c,d]`: two Roundabout
 * instances (`node dist/server.mjs`, as users run them) behind a private nginx, on a private
 * PostgreSQL and a private Redis, with mock upstreams on loopback; steady load through nginx while the
 * drill stops the database, stops and freezes Redis, SIGTERMs one instance and kill -9s the other.
 * Prints figures, asserts nothing, and removes every process and folder it made (also on Ctrl-C).
 */
import { randomBytes } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import postgres from "postgres";
import { Agent } from "undici";
import { z } from "zod";
import { findFreePort } from "../../src/testing/free-port";
import { startPrivatePostgres, type PrivatePostgres } from "../../src/testing/private-postgres";
import { startPrivateRedis, type PrivateRedis } from "../../src/testing/private-redis";
import { killAllChildren, spawnBenchChild, type BenchChild } from "../spawn-child";
import { formatSummary, recordsBetween, sleep, summariseLoad } from "./drill-figures";
import { seedGroup, seedKey, waitUntilRoutable } from "./drill-seed";
import { startLoad, type LoadGenerator } from "./load-generator";
import { MetricsSampler } from "./metrics-sampler";
import {
  runDatabaseOutage,
  runGracefulStop,
  runHardKill,
  runRedisOutages,
  type DrillContext,
  type PhaseSpan,
} from "./outage-phases";
import { startPrivateNginx, type PrivateNginx } from "./private-nginx";
import { assertBuilt, defineInstance, stopInstance, type RoundaboutInstance } from "./roundabout-instance";

const argsSchema = z.object({
  short: z.boolean().default(false),
  rate: z.coerce.number().int().min(1).max(2_000).default(200),
  phases: z
    .string()
    .regex(/^[abcd](,[abcd])*$/)
    .default("a,b,c,d"),
  /** Copy the instances' and nginx's logs here before the temp folder goes. */
  logs: z.string().min(1).optional(),
  "log-level": z.enum(["warn", "info", "debug"]).default("warn"),
});

const GROUP = "drill";
const SLOW_GROUP = "drill-slow";
const LIMIT_PER_MINUTE = 20;

/** Counts, per phase, the request-log rows of the requests an instance answered (by request id). */
async function countRows(
  databaseUrl: string,
  spans: readonly PhaseSpan[],
  load: LoadGenerator,
): Promise<void> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => undefined });
  try {
    console.log("\n== request-log rows vs requests answered by an instance (after drain) ==");
    for (const span of spans) {
      const answered = recordsBetween(load.records, span.from, span.to).filter((r) => r.requestId !== null);
      const ids = answered.map((r) => r.requestId as string);
      const found = new Set<string>();
      for (let i = 0; i < ids.length; i += 5_000) {
        const rows = await sql<
          { id: string }[]
        >`select id from request_logs where id = any(${ids.slice(i, i + 5_000)})`;
        for (const row of rows) found.add(row.id);
      }
      const missing = answered.filter((r) => !found.has(r.requestId as string));
      const byUpstream: Record<string, number> = {};
      for (const r of missing)
        byUpstream[r.upstream ?? "direct"] = (byUpstream[r.upstream ?? "direct"] ?? 0) + 1;
      console.log(
        `  ${span.name}: answered ${answered.length}, rows ${found.size}, missing ${missing.length}` +
          (missing.length > 0 ? ` (by instance: ${JSON.stringify(byUpstream)})` : ""),
      );
    }
  } finally {
    await sql.end({ timeout: 5 });
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      short: { type: "boolean" },
      rate: { type: "string" },
      phases: { type: "string" },
      logs: { type: "string" },
      "log-level": { type: "string" },
    },
    strict: true,
  });
  const args = argsSchema.parse(values);
  assertBuilt();
  const outageMs = args.short ? 12_000 : 60_000;
  const freezeMs = args.short ? 10_000 : 20_000;
  const settleMs = args.short ? 3_000 : 5_000;
  const dir = mkdtempSync(path.join(tmpdir(), "rb-drill-"));
  const cleanups: (() => Promise<void> | void)[] = [() => rmSync(dir, { recursive: true, force: true })];
  const logsTo = args.logs;
  if (logsTo !== undefined) {
    cleanups.push(() => {
      mkdirSync(logsTo, { recursive: true });
      for (const name of ["instance-A.log", "instance-B.log", "nginx/error.log"]) {
        const from = path.join(dir, name);
        if (existsSync(from)) copyFileSync(from, path.join(logsTo, name.replace("/", "-")));
      }
    });
  }
  const cleanup = async () => {
    for (const fn of cleanups.reverse()) await Promise.resolve(fn()).catch(() => undefined);
    cleanups.length = 0;
  };
  process.once("SIGINT", () => {
    console.log("\ninterrupted: cleaning up");
    void cleanup().finally(() => process.exit(130));
  });

  try {
    console.log(
      `outages drill: ${args.rate} req/s (1 in 4 streaming), outage ${outageMs / 1000} s, freeze ${freezeMs / 1000} s`,
    );
    const pg: PrivatePostgres = await startPrivatePostgres();
    cleanups.push(() => pg.destroy());
    const redis: PrivateRedis = await startPrivateRedis();
    cleanups.push(() => redis.stop());
    const fast: BenchChild = await spawnBenchChild({
      name: "mocks",
      script: "mock-process.ts",
      args: ["--count", "2", "--events", "20", "--interval-ms", "20"],
    });
    cleanups.push(() => fast.close());
    const slow: BenchChild = await spawnBenchChild({
      name: "slow-mock",
      script: "mock-process.ts",
      args: ["--count", "1", "--events", "50", "--interval-ms", "100"],
    });
    cleanups.push(() => slow.close());

    const adminToken = randomBytes(24).toString("hex");
    const shared = {
      DATABASE_URL: pg.url,
      REDIS_URL: redis.url,
      SECRET_KEY: randomBytes(32).toString("base64"),
      ADMIN_TOKEN: adminToken,
      OUTBOUND_ALLOW: "127.0.0.0/8",
      STATE_STORE_FAILURE: "open",
      LOG_LEVEL: args["log-level"],
    };
    const instances: RoundaboutInstance[] = [];
    for (const name of ["A", "B"]) {
      const instance = defineInstance({
        name,
        port: await findFreePort(),
        env: { ...shared, DATA_DIR: path.join(dir, `data-${name}`) },
        logFile: path.join(dir, `instance-${name}.log`),
      });
      cleanups.push(() => stopInstance(instance));
      // One after the other: the first one runs the migrations.
      const ms = await instance.start();
      console.log(`instance ${name} on ${instance.url}: ready in ${ms} ms (pid ${instance.pid()})`);
      instances.push(instance);
    }
    const [a, b] = instances as [RoundaboutInstance, RoundaboutInstance];

    await seedGroup(a.url, adminToken, GROUP, Object.values(fast.urls));
    await seedGroup(a.url, adminToken, SLOW_GROUP, Object.values(slow.urls));
    // Limits far above the load, so every request goes through the state store (as a limited key does).
    const loadKey = await seedKey(a.url, adminToken, {
      rateLimitPerMinute: 1_000_000,
      maxConcurrency: 100_000,
    });
    const limitKeys = [
      await seedKey(a.url, adminToken, { rateLimitPerMinute: LIMIT_PER_MINUTE }),
      await seedKey(a.url, adminToken, { rateLimitPerMinute: LIMIT_PER_MINUTE }),
    ] as const;
    for (const i of instances) await waitUntilRoutable(i.url, GROUP, loadKey.key);

    const nginxPort = await findFreePort();
    const nginx: PrivateNginx = await startPrivateNginx({
      dir: path.join(dir, "nginx"),
      port: nginxPort,
      upstreamPorts: [a.port, b.port],
    });
    cleanups.push(() => nginx.stop());
    console.log(`nginx on ${nginx.url} → ${a.url}, ${b.url}`);

    const sampler = new MetricsSampler(instances);
    cleanups.push(() => sampler.stop());
    const agent = new Agent({ connections: 64 });
    cleanups.push(() => agent.close());
    const viaNginx = { baseUrl: nginx.url, groupSlug: GROUP, apiKey: loadKey.key };
    const load = startLoad(viaNginx, { ratePerSecond: args.rate, streamEvery: 4 });
    cleanups.push(() => load.stop());
    const began = Date.now();
    const ctx: DrillContext = {
      outageMs,
      freezeMs,
      settleMs,
      pg,
      redis,
      instances: [a, b],
      load,
      sampler,
      agent,
      viaNginx,
      slowGroupSlug: SLOW_GROUP,
      limitKeys,
      limitPerMinute: LIMIT_PER_MINUTE,
      spans: [],
    };
    await sleep(settleMs);
    const phases = new Set(args.phases.split(","));
    if (phases.has("a")) await runDatabaseOutage(ctx);
    if (phases.has("b")) await runRedisOutages(ctx);
    if (phases.has("c")) await runGracefulStop(ctx);
    if (phases.has("d")) await runHardKill(ctx);

    await load.stop();
    const ended = Date.now();
    const seconds = (ended - began) / 1000;
    console.log(
      `\n== whole run: ${seconds.toFixed(0)} s, ${(load.records.length / seconds).toFixed(1)} req/s achieved ==`,
    );
    console.log(`  ${formatSummary(summariseLoad(load.records))}`);
    const drainMs = await sampler.waitFor((s) => s.spillRows === 0 && s.queueDepth === 0, 300_000);
    await sleep(2_000);
    console.log(`  final drain: ${drainMs} ms`);
    const finalSamples = await sampler.scrape();
    for (const s of finalSamples) {
      console.log(
        `  ${s.instance} (current process): log rows dropped ${s.dropped}, spill rows ${s.spillRows}`,
      );
    }
    await countRows(pg.url, ctx.spans, load);
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
