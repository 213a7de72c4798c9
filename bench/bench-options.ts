import { parseArgs } from "node:util";
import { z } from "zod";
import type { BenchSettings } from "./bench-types";

export interface BenchOptions extends BenchSettings {
  readonly redisUrl: string | null;
  /** Admin URL of a PostgreSQL server for the gateway+postgres side (a throwaway database is made). */
  readonly postgresUrl: string | null;
  readonly jsonPath: string;
  /** Folder for per-cell V8 CPU profiles of the bare proxy and gateway processes, or null. */
  readonly profileDir: string | null;
  /** Run the children from source under tsx (default: esbuild bundles, as the server ships). */
  readonly tsx: boolean;
  readonly server: boolean;
}

const USAGE = `Usage: npm run bench -- [options]
  --server              measure what users run: the real server started as \`npm start\` starts it (the
                        built dist/server.mjs with the console, logging, rollups, alert scheduler and
                        health checks) in a fresh DATA_DIR, configured through the admin API; with
                        --postgres URL and --redis URL also a second one on DATABASE_URL + REDIS_URL.
                        The load generator is pinned to CPU 0, the proxies to CPU 1 (taskset)
  --quick               1 s per cell, short SSE probe (for development)
  --requests N          N requests per cell instead of a fixed duration
  --duration S          seconds per cell (default 5; --quick: 1)
  --connections LIST    comma-separated connection counts (default 1,16,64)
  --rounds N            measure every load cell N times, the sides back to back in each round; the
                        table shows the round of median CPU and "×bare" is the median of the ratios
                        taken within each round (this host's CPU per request drifts by ±30 %)
  --latency MS          mock upstream latency before each response head (default 0)
  --redis URL           also run a gateway whose state store is this Redis (or set BENCH_REDIS_URL)
  --postgres URL        also run a gateway logging to PostgreSQL: a throwaway database is created on
                        this server (admin URL, e.g. postgres://postgres@127.0.0.1:5432/postgres) and
                        dropped afterwards (or set BENCH_POSTGRES_URL)
  --capture             also run the gateway with request capture on (group capture "errors", then
                        "all"): rows gateway (capture off), gateway+capture-errors, gateway+capture-all
                        and a check that "all" costs at most 25% more gateway CPU than "off" at 16
                        connections (gateway children only, not with --server)
  --routing             also print the LLM-routing tables (bench/routing.ts: prompt-cache affinity off vs
                        on, smooth WRR vs p2c_ewma); on by default in the plain gateway run (no
                        --server, --quick, --sse-only); --skip-routing leaves them out
  --quota               also run the gateway with a quota on its key and its tenant (every metric limited,
                        never reached): row gateway+quota (memory store), and gateway+redis+quota with
                        --redis — the added CPU per request against gateway / gateway+redis (not with --server)
  --soak                RSS soak: 3 rounds of 100k requests through the gateway at 16 connections
  --soak-requests N     requests per soak round (default 100000)
  --soak-rounds N       soak rounds (default 3)
  --json PATH           where to write the figures (default .bench/last.json)
  --tsx                 run the child processes from source under tsx instead of esbuild bundles
  --sse-streams N       SSE streams per shape and target (default 20; --quick: 4)
  --sse-concurrency N   streams open at once (default 4, or all of --sse-streams when that is given)
  --sse-events N        content events per stream (default 20)
  --sse-interval-ms MS  spacing of the upstream's events (default 20)
                        (the issue's streaming target: --sse-streams 200 --sse-events 10 --sse-interval-ms 50)
  --sse-only            skip the load cells: only the SSE probe (and --soak when given)
  --profile             write a V8 CPU profile of the proxy process for each load cell (the measured
                        window only: no startup, no warm-up) to .bench/profiles/{target}-{conns}c.cpuprofile`;

const positiveInt = (max: number) => z.coerce.number().int().min(1).max(max);

const argsSchema = z.strictObject({
  quick: z.boolean().default(false),
  rounds: positiveInt(20).default(1),
  server: z.boolean().default(false),
  requests: positiveInt(10_000_000).optional(),
  duration: z.coerce.number().min(0.2).max(600).optional(),
  connections: z
    .string()
    .regex(/^\d+(,\d+)*$/, "--connections takes a comma-separated list such as 1,16,64")
    .optional(),
  latency: z.coerce.number().min(0).max(10_000).default(0),
  redis: z.url({ protocol: /^rediss?$/, error: "--redis must be a redis:// URL" }).optional(),
  postgres: z.url({ protocol: /^postgres(ql)?$/, error: "--postgres must be a postgres:// URL" }).optional(),
  soak: z.boolean().default(false),
  capture: z.boolean().default(false),
  quota: z.boolean().default(false),
  routing: z.boolean().default(false),
  "skip-routing": z.boolean().default(false),
  "soak-requests": positiveInt(10_000_000).default(100_000),
  "soak-rounds": positiveInt(20).default(3),
  json: z.string().min(1).default(".bench/last.json"),
  profile: z.boolean().default(false),
  "sse-streams": positiveInt(5_000).optional(),
  "sse-concurrency": positiveInt(5_000).optional(),
  "sse-events": positiveInt(1_000).default(20),
  "sse-interval-ms": positiveInt(10_000).default(20),
  "sse-only": z.boolean().default(false),
  tsx: z.boolean().default(false),
  help: z.boolean().default(false),
});

/** Parses the command line (and the BENCH_REDIS_URL / BENCH_POSTGRES_URL fallbacks); prints usage on --help. */
export function parseBenchOptions(
  argv: string[],
  envRedisUrl: string | undefined,
  envPostgresUrl?: string,
): BenchOptions | null {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: "boolean" },
      rounds: { type: "string" },
      server: { type: "boolean" },
      requests: { type: "string" },
      duration: { type: "string" },
      connections: { type: "string" },
      latency: { type: "string" },
      redis: { type: "string" },
      postgres: { type: "string" },
      soak: { type: "boolean" },
      capture: { type: "boolean" },
      quota: { type: "boolean" },
      routing: { type: "boolean" },
      "skip-routing": { type: "boolean" },
      "soak-requests": { type: "string" },
      "soak-rounds": { type: "string" },
      json: { type: "string" },
      profile: { type: "boolean" },
      "sse-streams": { type: "string" },
      "sse-concurrency": { type: "string" },
      "sse-events": { type: "string" },
      "sse-interval-ms": { type: "string" },
      "sse-only": { type: "boolean" },
      tsx: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
  const parsed = argsSchema.safeParse({
    ...values,
    redis: values.redis ?? (envRedisUrl || undefined),
    postgres: values.postgres ?? (envPostgresUrl || undefined),
  });
  if (!parsed.success) {
    throw new Error(
      `${parsed.error.issues.map((i) => `--${i.path.join(".")}: ${i.message}`).join("\n")}\n\n${USAGE}`,
    );
  }
  const a = parsed.data;
  if (a.help) {
    console.log(USAGE);
    return null;
  }
  const connections = a["sse-only"] ? [] : (a.connections ?? "1,16,64").split(",").map(Number);
  if (connections.some((c) => c < 1 || c > 1024))
    throw new Error("--connections: each count must be 1..1024");
  return {
    server: a.server,
    connections,
    durationS: a.requests !== undefined ? null : (a.duration ?? (a.quick ? 1 : 5)),
    requests: a.requests ?? null,
    warmupS: a.quick ? 0.3 : 1,
    rounds: a.rounds,
    upstreamLatencyMs: a.latency,
    sseEvents: a["sse-events"],
    sseIntervalMs: a["sse-interval-ms"],
    sseStreams: a["sse-streams"] ?? (a.quick ? 4 : 20),
    sseConcurrency:
      a["sse-concurrency"] ?? (a["sse-streams"] !== undefined ? a["sse-streams"] : a.quick ? 2 : 4),
    soakRounds: a.soak ? a["soak-rounds"] : 0,
    soakRequests: a["soak-requests"],
    redis: a.redis !== undefined,
    redisUrl: a.redis ?? null,
    postgres: a.postgres !== undefined,
    capture: a.capture && !a.server,
    quota: a.quota && !a.server,
    routing: a.routing || (!a["skip-routing"] && !a.server && !a.quick && !a["sse-only"]),
    postgresUrl: a.postgres ?? null,
    jsonPath: a.json,
    profileDir: a.profile ? ".bench/profiles" : null,
    tsx: a.tsx,
    runtime: a.tsx ? "tsx" : "esbuild bundle",
  };
}
