/**
 * `npm run bench:workers`: requests/s of one instance at WORKERS=1, 2 and one per core. Starts the
 * mock upstreams, then for each worker count the whole runtime (src/testing/drill-server-entry.ts: the
 * production cluster primary and, per worker, everything but the Next console) on a throwaway
 * PostgreSQL database and a Redis prefix of its own, seeds a route through the admin API, and drives
 * it with autocannon. CPU is the whole process tree's (primary + workers). It prints figures only.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { parseArgs } from "node:util";
import { z } from "zod";
import { LOOPBACK_OUTBOUND_ALLOW } from "../src/testing/loopback-outbound";
import { runLoad, type LoadResult } from "./load";
import { openPostgresProbe } from "./postgres-probe";
import { killAllChildren, spawnBenchChild } from "./spawn-child";

const ROOT = path.resolve(import.meta.dirname, "..");
const TOKEN = `bench-${randomBytes(12).toString("hex")}`;
const CLOCK_TICKS_PER_S = 100;
const CHAT_BODY = JSON.stringify({ model: "m", messages: [{ role: "user", content: "hi" }], max_tokens: 16 });

const argsSchema = z.strictObject({
  postgres: z.url().default(process.env.BENCH_POSTGRES_URL || "postgres://postgres@127.0.0.1:5432/postgres"),
  redis: z.url().default(process.env.BENCH_REDIS_URL || "redis://127.0.0.1:6379"),
  workers: z
    .string()
    .regex(/^(\d+|auto)(,(\d+|auto))*$/)
    .default("1,2,auto"),
  connections: z.coerce.number().int().min(1).max(1024).default(64),
  duration: z.coerce.number().min(1).max(120).default(5),
});

function progress(message: string): void {
  process.stderr.write(`[bench:workers] ${message}\n`);
}

/** user+system CPU of `pid` and its children (one level: the cluster workers), µs. */
function treeCpuUs(pid: number): number {
  const pids = [pid];
  try {
    for (const task of readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/)) {
      if (task) pids.push(Number(task));
    }
  } catch {
    // no /proc: the primary alone
  }
  let total = 0;
  for (const p of pids) {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      total += ((Number(fields[11]) + Number(fields[12])) * 1e6) / CLOCK_TICKS_PER_S;
    } catch {
      // exited
    }
  }
  return total;
}

const servers = new Set<ChildProcess>();

interface Server {
  readonly child: ChildProcess;
  readonly base: string;
  stop(): Promise<number | null>;
}

async function startServer(workers: number, vars: Record<string, string>): Promise<Server> {
  const child = spawn(process.execPath, ["--import", "tsx", "src/testing/drill-server-entry.ts"], {
    cwd: ROOT,
    env: { ...process.env, ...vars, WORKERS: String(workers), NODE_ENV: "production", LOG_LEVEL: "info" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  servers.add(child);
  let out = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  // Measure only once every worker listens (the primary logs it; a single process logs "listening").
  const ready = workers > 1 ? '"msg":"all workers listening"' : '"msg":"listening"';
  const started = Date.now();
  while (!out.includes(ready)) {
    if (child.exitCode !== null) throw new Error(`server exited:\n${out}`);
    if (Date.now() - started > 180_000) throw new Error(`server did not start:\n${out}`);
    await sleep(200);
  }
  const base = `http://127.0.0.1:${vars.DRILL_PORT}`;
  return {
    child,
    base,
    async stop() {
      child.kill("SIGTERM");
      return exited;
    },
  };
}

async function seed(base: string, upstream: string, slug: string): Promise<string> {
  const call = async (route: string, body: unknown) => {
    const res = await fetch(`${base}/api/admin${route}`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    if (res.status !== 201) throw new Error(`${route}: ${res.status} ${await res.text()}`);
    return (await res.json()) as { id: string; key?: string };
  };
  const provider = await call("/providers", { name: slug, baseUrl: upstream, authStyle: "none" });
  const group = await call("/groups", { slug, name: slug });
  await call(`/groups/${group.id}/providers`, { providerId: provider.id });
  return (await call("/api-keys", { name: slug })).key!;
}

interface Row {
  readonly workers: number;
  readonly load: LoadResult;
  readonly cpuUsPerReq: number;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      postgres: { type: "string" },
      redis: { type: "string" },
      workers: { type: "string" },
      connections: { type: "string" },
      duration: { type: "string" },
    },
    strict: true,
  });
  const args = argsSchema.parse(values);
  const cores = availableParallelism();
  const counts = [...new Set(args.workers.split(",").map((w) => (w === "auto" ? cores : Number(w))))];
  const mocks = await spawnBenchChild({ name: "mock upstreams", script: "mock-process.ts" });
  const pg = await openPostgresProbe(args.postgres);
  const rows: Row[] = [];
  try {
    for (const workers of counts) {
      const port = String(20_000 + Math.floor(Math.random() * 20_000));
      progress(`WORKERS=${workers}: starting on port ${port}…`);
      const server = await startServer(workers, {
        DRILL_PORT: port,
        DATA_DIR: path.join(ROOT, ".bench", `workers-${workers}`),
        DATABASE_URL: pg.url,
        REDIS_URL: args.redis,
        REDIS_PREFIX: `rb-bench-w:${randomBytes(4).toString("hex")}:`,
        SECRET_KEY: "bench-secret-key-bench-secret-key-0123456789",
        ADMIN_TOKEN: TOKEN,
        OUTBOUND_ALLOW: LOOPBACK_OUTBOUND_ALLOW,
        HEALTH_CHECK_INTERVAL_MS: "0",
      });
      try {
        const key = await seed(server.base, Object.values(mocks.urls)[0]!, `w${workers}`);
        const target = {
          origin: server.base,
          path: `/api/proxy/w${workers}/v1/chat/completions`,
          headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
          body: CHAT_BODY,
        };
        // Warm-up: JIT, pools and every worker's snapshot, so the measured window starts hot.
        await runLoad(target, { connections: args.connections, durationS: 3 });
        const cpuBefore = treeCpuUs(server.child.pid!);
        const load = await runLoad(target, { connections: args.connections, durationS: args.duration });
        const cpuUsPerReq = (treeCpuUs(server.child.pid!) - cpuBefore) / Math.max(1, load.responses);
        rows.push({ workers, load, cpuUsPerReq });
        progress(
          `WORKERS=${workers}: ${load.rps.toFixed(0)} req/s, p50 ${load.p50Ms.toFixed(2)} ms, p99 ${load.p99Ms.toFixed(2)} ms`,
        );
      } finally {
        const code = await server.stop();
        if (code !== 0) progress(`WORKERS=${workers}: exit code ${String(code)}`);
      }
    }
  } finally {
    progress("closing the mock upstreams and dropping the database…");
    await mocks.close();
    await pg.close().catch(() => undefined);
  }
  console.log(`\nWORKERS bench: ${args.connections} connections, ${args.duration} s per row, ${cores} cores`);
  console.log(
    `load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")} (autocannon shares the machine)\n`,
  );
  console.log("| WORKERS | req/s | p50 ms | p99 ms | non-2xx | CPU µs/req (primary + workers) |");
  console.log("|--:|--:|--:|--:|--:|--:|");
  for (const r of rows) {
    console.log(
      `| ${r.workers} | ${r.load.rps.toFixed(0)} | ${r.load.p50Ms.toFixed(2)} | ${r.load.p99Ms.toFixed(2)} | ${r.load.non2xx + r.load.errors} | ${r.cpuUsPerReq.toFixed(0)} |`,
    );
  }
}

process.on("exit", () => {
  killAllChildren();
  for (const child of servers) if (child.exitCode === null) child.kill("SIGKILL");
});
main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(`bench:workers failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    killAllChildren();
    process.exit(1);
  },
);
