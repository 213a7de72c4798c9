/**
 * `npm run bench`: the data plane's benchmark. Starts the mock upstreams, the bare reference proxy and
 * the gateway in child processes (CPU is read per process), loads each at several connection counts
 * with autocannon, probes SSE pacing, optionally soaks the gateway for RSS, and prints one table.
 * With --server the gateway child is replaced by the real server started as `npm start` starts it
 * (bench/server-process.ts), the load generator pinned to one core and the proxies to the other.
 * It prints figures; it is not a test and asserts nothing.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import path from "node:path";
import { parseBenchOptions, type BenchOptions } from "./bench-options";
import { buildBenchChildren, sourceChildScripts, type ChildScript } from "./build-children";
import type { BenchReport, SoakRound, SseRow, TargetName } from "./bench-types";
import {
  measureCell,
  measureSse,
  runSoak,
  withAddedLatency,
  type BenchSide,
  type MeasuredCell,
} from "./measure";
import { openPostgresProbe } from "./postgres-probe";
import { openRedisProbe } from "./redis-probe";
import { evaluateTargets, formatReport } from "./report";
import { buildServerIfStale, canPin, killAllServers, pinProcess, type RealServer } from "./server-process";
import { describeError, LOAD_CPU, PROXY_CPU, startServerSides, type Probes } from "./server-sides";
import { runRoutingBench } from "./routing-child";
import { mergeRounds } from "./rounds";
import { killAllChildren, spawnBenchChild, type BenchChild } from "./spawn-child";

const GATEWAY_READY_TIMEOUT_MS = 120_000;

function progress(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

/** A generous bound on the whole run, so a hang can never leave it (or its children) running. */
function runBudgetMs(o: BenchOptions, sides: number): number {
  const perCell = o.durationS !== null ? o.durationS : o.requests! / 500;
  const load = (o.rounds ?? 1) * o.connections.length * sides * (perCell + o.warmupS + 1.5);
  const sse =
    (sides * 2 * Math.ceil(o.sseStreams / o.sseConcurrency) * (o.sseEvents * o.sseIntervalMs * 2 + 500)) /
    1000;
  const soak = o.soakRounds * (o.soakRequests / 500 + 2);
  // --server may build first (`npm run build`: minutes on a loaded machine) and start two servers.
  const server = o.server ? 900_000 : 0;
  return (load + sse + soak) * 3 * 1000 + 240_000 + server;
}

function directSide(mockUrl: string): BenchSide {
  return { name: "direct", origin: mockUrl, pathPrefix: "", authHeaders: () => ({}), child: null };
}

function gatewaySide(name: TargetName, child: BenchChild, storeCpuUs?: () => Promise<number>): BenchSide {
  const key = child.notes.apiKey ?? "";
  return {
    name,
    origin: child.urls.gateway ?? "",
    pathPrefix: child.notes.pathPrefix ?? "",
    authHeaders: (shape): Record<string, string> =>
      shape === "anthropic" ? { "x-api-key": key } : { authorization: `Bearer ${key}` },
    child,
    storeCpuUs,
  };
}

/** Where the profile of one load cell goes (null when not profiling). */
function profileFile(o: BenchOptions, side: BenchSide, connections: number): string | null {
  if (!o.profileDir || !side.child) return null;
  return path.resolve(o.profileDir, `${side.name}-${connections}c.cpuprofile`);
}

const MIGRATIONS_FOLDER = path.resolve(import.meta.dirname, "..", "drizzle");

async function spawnGateway(
  scripts: Record<ChildScript, string>,
  name: string,
  upstreams: string[],
  extra: string[],
) {
  return spawnBenchChild({
    name,
    script: scripts["gateway-process"],
    args: [...upstreams.flatMap((u) => ["--upstream", u]), ...["--migrations", MIGRATIONS_FOLDER], ...extra],
    readyTimeoutMs: GATEWAY_READY_TIMEOUT_MS,
  });
}

/** The gateway-only children: embedded, and with --redis / --postgres. */
async function startGatewaySides(
  options: BenchOptions,
  scripts: Record<ChildScript, string>,
  upstreams: string[],
  children: BenchChild[],
  unavailable: Record<string, string>,
  probes: Probes,
  redisPrefix: string,
): Promise<BenchSide[]> {
  const sides: BenchSide[] = [];
  progress("starting the gateway (embedded PGlite: migrate + seed)…");
  try {
    const gw = await spawnGateway(scripts, "gateway", upstreams, []);
    children.push(gw);
    sides.push(gatewaySide("gateway", gw));
  } catch (err) {
    unavailable.gateway = describeError(err);
  }
  if (options.capture) {
    for (const mode of ["errors", "all"] as const) {
      const name: TargetName = `gateway+capture-${mode}`;
      progress(`starting the gateway with request capture "${mode}"…`);
      try {
        const child = await spawnGateway(scripts, name, upstreams, ["--capture", mode]);
        children.push(child);
        sides.push(gatewaySide(name, child));
      } catch (err) {
        unavailable[name] = describeError(err);
      }
    }
  }
  if (options.quota) {
    progress("starting the gateway with a key and tenant quota (memory store)…");
    try {
      const child = await spawnGateway(scripts, "gateway+quota", upstreams, ["--quota"]);
      children.push(child);
      sides.push(gatewaySide("gateway+quota", child));
    } catch (err) {
      unavailable["gateway+quota"] = describeError(err);
    }
  }
  if (options.redisUrl) {
    progress("starting the gateway with Redis state…");
    try {
      probes.redis = await openRedisProbe(options.redisUrl);
      const gwr = await spawnGateway(scripts, "gateway+redis", upstreams, [
        "--redis",
        options.redisUrl,
        "--redis-prefix",
        redisPrefix,
      ]);
      children.push(gwr);
      sides.push(gatewaySide("gateway+redis", gwr, probes.redis.cpuUs));
    } catch (err) {
      unavailable["gateway+redis"] = describeError(err);
    }
  }
  if (options.redisUrl && options.quota && probes.redis) {
    progress("starting the gateway with a key and tenant quota (Redis state)…");
    try {
      const child = await spawnGateway(scripts, "gateway+redis+quota", upstreams, [
        "--redis",
        options.redisUrl,
        "--redis-prefix",
        `${redisPrefix}quota:`,
        "--quota",
      ]);
      children.push(child);
      sides.push(gatewaySide("gateway+redis+quota", child, probes.redis.cpuUs));
    } catch (err) {
      unavailable["gateway+redis+quota"] = describeError(err);
    }
  }
  if (options.postgresUrl) {
    progress("starting the gateway with its request log in PostgreSQL…");
    try {
      probes.postgres = await openPostgresProbe(options.postgresUrl);
      const gwp = await spawnGateway(scripts, "gateway+postgres", upstreams, [
        "--database-url",
        probes.postgres.url,
      ]);
      children.push(gwp);
      sides.push(gatewaySide("gateway+postgres", gwp, probes.postgres.cpuUs));
    } catch (err) {
      unavailable["gateway+postgres"] = describeError(err);
    }
  }
  return sides;
}

async function main(): Promise<number> {
  const options = parseBenchOptions(
    process.argv.slice(2),
    process.env.BENCH_REDIS_URL,
    process.env.BENCH_POSTGRES_URL,
  );
  if (options === null) return 0;
  const code = await measure(options);
  // After the load cells' processes are gone: the routing bench runs its own gateway and upstreams.
  return code === 0 && options.routing === true ? runRoutingBench(progress) : code;
}

/** The load cells, the streaming probe and the soak; prints the report and writes the JSON. */
async function measure(options: BenchOptions): Promise<number> {
  const startedAt = new Date().toISOString();
  const children: BenchChild[] = [];
  const unavailable: Record<string, string> = {};
  const redisPrefix = `rb-bench:${randomBytes(4).toString("hex")}:`;
  const probes: Probes = { redis: null, postgres: null };
  const servers: RealServer[] = [];
  const deadline = setTimeout(
    () => {
      progress("run budget exceeded: stopping");
      killAllChildren();
      killAllServers();
      process.exit(1);
    },
    runBudgetMs(
      options,
      3 +
        (options.redisUrl ? 1 : 0) +
        (options.postgresUrl ? 1 : 0) +
        (options.capture ? 2 : 0) +
        (options.quota ? (options.redisUrl ? 2 : 1) : 0),
    ),
  );

  try {
    if (options.profileDir) mkdirSync(options.profileDir, { recursive: true });
    if (options.server) buildServerIfStale(progress);
    // Pinned before the mocks are forked: they inherit this CPU and share it with the load generator.
    const pinning = options.server && canPin() ? { load: LOAD_CPU, proxies: PROXY_CPU } : null;
    if (pinning) pinProcess(process.pid, pinning.load);
    let scripts = sourceChildScripts();
    if (!options.tsx) {
      progress("bundling the child processes with esbuild (as shipped)…");
      scripts = await buildBenchChildren(path.resolve(".bench", "build"));
    }
    progress("starting mock upstreams and the bare reference proxy…");
    const mocks = await spawnBenchChild({
      name: "mock upstreams",
      script: scripts["mock-process"],
      args: [
        ...["--events", String(options.sseEvents), "--interval-ms", String(options.sseIntervalMs)],
        ...["--latency-ms", String(options.upstreamLatencyMs)],
      ],
    });
    children.push(mocks);
    const upstreams = Object.values(mocks.urls);
    const bare = await spawnBenchChild({
      name: "bare proxy",
      script: scripts["bare-proxy"],
      args: upstreams.flatMap((u) => ["--upstream", u]),
    });
    children.push(bare);
    const sides: BenchSide[] = [
      directSide(upstreams[0]!),
      { name: "bare", origin: bare.urls.proxy!, pathPrefix: "", authHeaders: () => ({}), child: bare },
    ];

    if (options.server) {
      pinProcess(bare.pid, pinning?.proxies ?? PROXY_CPU);
      sides.push(
        ...(await startServerSides(options, upstreams, servers, unavailable, probes, redisPrefix, progress)),
      );
    } else {
      sides.push(
        ...(await startGatewaySides(options, scripts, upstreams, children, unavailable, probes, redisPrefix)),
      );
    }

    const rounds: MeasuredCell[][] = [];
    for (let round = 1; round <= (options.rounds ?? 1); round++) {
      const cells: MeasuredCell[] = [];
      for (const connections of options.connections) {
        for (const side of sides) {
          const of = (options.rounds ?? 1) > 1 ? ` (round ${round} of ${options.rounds})` : "";
          progress(`load: ${side.name} at ${connections} connection(s)${of}…`);
          const load = {
            connections,
            durationS: options.durationS ?? undefined,
            amount: options.requests ?? undefined,
          };
          // Profiles are of the first round only: later rounds would overwrite them.
          const profile = round === 1 ? profileFile(options, side, connections) : null;
          cells.push(await measureCell(side, load, options.warmupS, profile));
        }
      }
      rounds.push(cells);
    }
    const cells = mergeRounds(rounds);

    const sse: SseRow[] = [];
    for (const side of sides) {
      progress(`SSE: ${side.name}…`);
      sse.push(
        ...(await measureSse(side, {
          streams: options.sseStreams,
          concurrency: options.sseConcurrency,
          intervalMs: options.sseIntervalMs,
          // 200 streams opened at once take seconds to get going on a loaded machine: not a failure.
          timeoutMs: Math.max(30_000, options.sseEvents * options.sseIntervalMs * 5 + 5_000),
        })),
      );
    }

    let soak: SoakRound[] = [];
    const gwSide = sides.find((s) => s.name === (options.server ? "server" : "gateway"));
    if (options.soakRounds > 0 && gwSide) {
      soak = await runSoak(gwSide, options.soakRounds, options.soakRequests, (r) =>
        progress(`soak round ${r.round}: ${r.requests} requests, RSS ${r.rssMb.toFixed(1)} MB`),
      );
    }

    const partial = {
      startedAt,
      machine: { cpus: cpus().length, node: process.version, loadAvg: loadavg() },
      settings: {
        connections: options.connections,
        durationS: options.durationS,
        requests: options.requests,
        warmupS: options.warmupS,
        rounds: options.rounds ?? 1,
        upstreamLatencyMs: options.upstreamLatencyMs,
        sseEvents: options.sseEvents,
        sseIntervalMs: options.sseIntervalMs,
        sseStreams: options.sseStreams,
        sseConcurrency: options.sseConcurrency,
        soakRounds: options.soakRounds,
        soakRequests: options.soakRequests,
        redis: options.redis,
        postgres: options.postgres,
        capture: options.capture,
        quota: options.quota,
        server: options.server,
        pinning,
        runtime: options.runtime,
      },
      processNotes: Object.fromEntries(
        sides.flatMap((side) => {
          if (!side.child) return [];
          const { apiKey: _secret, ...notes } = side.child.notes;
          return [[side.name, notes]];
        }),
      ),
      unavailable,
      cells: withAddedLatency(cells),
      sse,
      soak,
    };
    const report: BenchReport = {
      ...partial,
      checks: evaluateTargets(partial),
      finishedAt: new Date().toISOString(),
    };
    console.log(formatReport(report));
    const jsonPath = path.resolve(options.jsonPath);
    mkdirSync(path.dirname(jsonPath), { recursive: true });
    writeFileSync(jsonPath, `${JSON.stringify(report, null, 2)}\n`);
    progress(`figures written to ${path.relative(process.cwd(), jsonPath)}`);
    if (options.profileDir) progress(`CPU profiles of each load window in ${options.profileDir}/`);
    return 0;
  } finally {
    clearTimeout(deadline);
    const closing = performance.now();
    await Promise.all([...children, ...servers].map((c) => c.close().catch(() => undefined)));
    progress(`child processes closed in ${Math.round(performance.now() - closing)} ms`);
    if (probes.redis) {
      await probes.redis.removePrefix(redisPrefix).catch(() => 0);
      await probes.redis.close();
    }
    // After the children closed: the gateway's pool is gone, so the drop does not need to force.
    if (probes.postgres) await probes.postgres.close().catch(() => undefined);
  }
}

process.on("exit", () => {
  killAllChildren();
  killAllServers();
});
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    killAllChildren();
    killAllServers();
    process.exit(130);
  });
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    killAllChildren();
    killAllServers();
    process.exit(1);
  },
);
