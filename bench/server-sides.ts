/**
 * `npm run bench -- --server`: the real server as a benchmark side, started as `npm start` starts it
 * (bench/server-process.ts) on the embedded default and, with --postgres, on PostgreSQL (+ Redis), each
 * in a fresh DATA_DIR, pinned to the proxies' CPU. Split from run.ts, which picks these sides or the
 * gateway-only children.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { BenchOptions } from "./bench-options";
import type { TargetName } from "./bench-types";
import type { BenchSide } from "./measure";
import { openPostgresProbe, type PostgresProbe } from "./postgres-probe";
import { openRedisProbe, type RedisProbe } from "./redis-probe";
import { canPin, startRealServer, type RealServer } from "./server-process";

/** --server: the load generator (this process, and the mocks it forks) on one CPU, the proxies on the other. */
export const LOAD_CPU = 0;
export const PROXY_CPU = 1;

/** Probes reading the CPU of the stores a side uses (filled as sides start). */
export interface Probes {
  redis: RedisProbe | null;
  postgres: PostgresProbe | null;
}

/** The first lines of an error, for the report's "unavailable" notes. */
export function describeError(err: unknown): string {
  return err instanceof Error ? err.message.split("\n").slice(0, 6).join("\n   ") : String(err);
}

/** A started real server as a benchmark side (its load target: measure.ts chatTarget). */
export function serverSide(
  name: TargetName,
  server: RealServer,
  storeCpuUs?: () => Promise<number>,
): BenchSide {
  return {
    name,
    origin: server.origin,
    pathPrefix: server.pathPrefix,
    authHeaders: (shape): Record<string, string> =>
      shape === "anthropic" ? { "x-api-key": server.apiKey } : { authorization: `Bearer ${server.apiKey}` },
    child: server,
    storeCpuUs,
  };
}

/**
 * --server: the real server on the embedded default and, with --postgres, on DATABASE_URL (+ REDIS_URL
 * with --redis), each in a fresh DATA_DIR, pinned to the proxies' CPU.
 */
export async function startServerSides(
  options: BenchOptions,
  upstreams: string[],
  servers: RealServer[],
  unavailable: Record<string, string>,
  probes: Probes,
  redisPrefix: string,
  progress: (message: string) => void,
): Promise<BenchSide[]> {
  const sides: BenchSide[] = [];
  const start = async (name: TargetName, env: Record<string, string>) => {
    const dataDir = mkdtempSync(path.join(tmpdir(), "rb-bench-server-"));
    try {
      const server = await startRealServer({
        name,
        dataDir,
        env,
        cpu: canPin() ? PROXY_CPU : null,
        inspect: options.profileDir !== null,
        logFile: path.resolve(".bench", `${name}.log`),
        upstreams,
      });
      const close = server.close.bind(server);
      servers.push({
        ...server,
        close: () => close().finally(() => rmSync(dataDir, { recursive: true, force: true })),
      });
      return server;
    } catch (err) {
      rmSync(dataDir, { recursive: true, force: true });
      throw err;
    }
  };
  progress("starting the real server as `npm start` does (embedded PGlite, fresh DATA_DIR)…");
  try {
    sides.push(serverSide("server", await start("server", {})));
  } catch (err) {
    unavailable.server = describeError(err);
  }
  if (options.postgresUrl) {
    progress(`starting the real server on PostgreSQL${options.redisUrl ? " + Redis" : ""}…`);
    try {
      probes.postgres = await openPostgresProbe(options.postgresUrl);
      const env: Record<string, string> = {
        DATABASE_URL: probes.postgres.url,
        SECRET_KEY: randomBytes(32).toString("base64"),
      };
      if (options.redisUrl) {
        probes.redis = await openRedisProbe(options.redisUrl);
        Object.assign(env, { REDIS_URL: options.redisUrl, REDIS_PREFIX: redisPrefix });
      }
      const server = await start("server+postgres", env);
      const pg = probes.postgres;
      const redis = probes.redis;
      // Both servers' CPU: the database backends, and Redis when it is in the path.
      const storeCpuUs = async () => (await pg.cpuUs()) + (redis ? await redis.cpuUs() : 0);
      sides.push(serverSide("server+postgres", server, storeCpuUs));
    } catch (err) {
      unavailable["server+postgres"] = describeError(err);
    }
  }
  return sides;
}
