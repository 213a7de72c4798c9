/**
 * Statistics benchmark: loads 1,000,000 request-log rows spread over 7 days into a throwaway
 * PostgreSQL database on 127.0.0.1 (COPY for the raw rows; rollups built by the log writer's own
 * aggregate + upsert functions, batch by batch), then times the dashboard and log queries through the
 * real services. The database is dropped at the end.
 *
 *   npm run bench:stats -- [--rows N] [--runs N] [--url postgres://postgres@127.0.0.1:5432/postgres] [--keep]
 */
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { parseArgs } from "node:util";
import postgres from "postgres";
import { z } from "zod";
import { openDatabase, type Database } from "../src/db/client";
import type { NewRequestLogRow } from "../src/db/schema";
import { createLogger } from "../src/observability/logger";
import { createSecretBox } from "../src/security/secret-box";
import type { AdminServices } from "../src/services/admin-services";
import { createLogsService } from "../src/services/logs-service";
import { createServiceContext } from "../src/services/service-context";
import { createStatsService } from "../src/services/stats-service";
import { aggregateRollups } from "../src/stats/rollup-aggregate";
import { upsertRollups } from "../src/stats/rollup-write";
import { createMemoryStore } from "../src/store/memory-store";
import { generateRows, seedTopology, type Topology } from "./log-rows";
import { timeRuns, type Timing } from "./query-timing";
import { withDatabaseName } from "../src/testing/services";

const argsSchema = z.strictObject({
  rows: z.coerce.number().int().min(1_000).max(20_000_000).default(1_000_000),
  runs: z.coerce.number().int().min(1).max(100).default(7),
  url: z.url({ protocol: /^postgres(ql)?$/ }).default("postgres://postgres@127.0.0.1:5432/postgres"),
  keep: z.boolean().default(false),
});

const DAY = 86_400_000;
const COLUMNS = [
  "id",
  "created_at",
  "group_id",
  "group_slug",
  "provider_id",
  "key_id",
  "method",
  "path",
  "status",
  "total_ms",
  "ttfb_ms",
  "attempts",
  "error_code",
  "bytes_in",
  "bytes_out",
  "model",
  "input_tokens",
  "output_tokens",
  "client_ip",
  "streamed",
] as const;

const text = (v: string | number | boolean | null | undefined) =>
  v === null || v === undefined
    ? "\\N"
    : String(v).replace(/\\/g, "\\\\").replace(/\t/g, "\\t").replace(/\n/g, "\\n");

function copyLines(rows: readonly NewRequestLogRow[]): string {
  let out = "";
  for (const r of rows) {
    out += [
      r.id,
      r.createdAt.toISOString(),
      r.groupId,
      r.groupSlug,
      r.providerId,
      r.keyId,
      r.method,
      r.path,
      r.status,
      r.totalMs,
      r.ttfbMs,
      JSON.stringify(r.attempts),
      r.errorCode,
      r.bytesIn,
      r.bytesOut,
      r.model,
      r.inputTokens,
      r.outputTokens,
      r.clientIp,
      r.streamed ? "t" : "f",
    ]
      .map(text)
      .join("\t");
    out += "\n";
  }
  return out;
}

async function load(database: Database, sql: postgres.Sql, topology: Topology, total: number, now: number) {
  const next = generateRows(topology, total, now - 7 * DAY, 7 * DAY);
  let loaded = 0;
  let copyMs = 0;
  let rollupMs = 0;
  for (let rows = next(); rows !== null; rows = next()) {
    let t = performance.now();
    const stream =
      await sql`copy request_logs (${sql(COLUMNS as unknown as string[])}) from stdin`.writable();
    stream.end(copyLines(rows));
    await once(stream, "finish");
    copyMs += performance.now() - t;
    t = performance.now();
    await database.db.transaction((tx) => upsertRollups(tx, aggregateRollups(rows)));
    rollupMs += performance.now() - t;
    loaded += rows.length;
    if (loaded % 100_000 === 0) process.stdout.write(`  loaded ${loaded.toLocaleString("en")} rows\n`);
  }
  return { copyMs, rollupMs };
}

async function measure(
  services: Pick<AdminServices, "stats" | "logs">,
  topology: Topology,
  runs: number,
  now: number,
): Promise<Timing[]> {
  const last24h = { from: String(now - DAY), to: String(now) };
  const last7d = { from: String(now - 7 * DAY), to: String(now) };
  const provider = topology.groups[0]!.providers[0]!;
  const drain = async (body: ReadableStream<Uint8Array>, limitBytes: number) => {
    const reader = body.getReader();
    let bytes = 0;
    while (bytes < limitBytes) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.byteLength;
    }
    await reader.cancel();
  };
  return [
    await timeRuns("overview 24h", "auto bucket (1h, hour rollups)", runs, () =>
      services.stats.overview(last24h),
    ),
    await timeRuns("overview 24h", "5m buckets (minute rollups)", runs, () =>
      services.stats.overview({ ...last24h, bucket: "5m" }),
    ),
    await timeRuns("overview 24h", "one group", runs, () =>
      services.stats.overview({ ...last24h, groupId: topology.groups[1]!.id }),
    ),
    await timeRuns("overview 7d", "auto bucket (6h, hour rollups)", runs, () =>
      services.stats.overview(last7d),
    ),
    await timeRuns("overview 7d", "1d buckets (day rollups)", runs, () =>
      services.stats.overview({ ...last7d, bucket: "1d" }),
    ),
    await timeRuns("provider detail 24h", "split per group + health", runs, () =>
      services.stats.provider(provider, last24h),
    ),
    await timeRuns("provider detail 7d", "auto bucket", runs, () =>
      services.stats.provider(provider, last7d),
    ),
    await timeRuns("logs page 1", "no filter, 50 rows", runs, () => services.logs.list({})),
    await timeRuns("logs page 1", "provider + statusClass=5xx", runs, () =>
      services.logs.list({ providerId: provider, statusClass: "5xx" }),
    ),
    await timeRuns("logs page 1", "errorCode=UPSTREAM_TIMEOUT", runs, () =>
      services.logs.list({ errorCode: "UPSTREAM_TIMEOUT" }),
    ),
    await timeRuns("logs page 1", "model + streamed, 200 rows", runs, () =>
      services.logs.list({ model: "gpt-4o", streamed: "true", limit: "200" }),
    ),
    await timeRuns("logs export", "first 1 MB of CSV", Math.min(runs, 3), () =>
      drain(services.logs.export({ format: "csv" }).body, 1_000_000),
    ),
  ];
}

function printTable(rows: Timing[]): void {
  const header = ["query", "detail", "min ms", "median ms", "max ms"];
  const cells = rows.map((r) => [r.name, r.detail, r.min.toFixed(1), r.median.toFixed(1), r.max.toFixed(1)]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) =>
    `| ${c.map((v, i) => (i < 2 ? v.padEnd(widths[i]!) : v.padStart(widths[i]!))).join(" | ")} |`;
  console.log(line(header));
  console.log(`|${widths.map((w, i) => (i < 2 ? "-".repeat(w + 2) : `${"-".repeat(w + 1)}:`)).join("|")}|`);
  for (const c of cells) console.log(line(c));
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rows: { type: "string" },
      runs: { type: "string" },
      url: { type: "string" },
      keep: { type: "boolean" },
    },
    strict: true,
  });
  const options = argsSchema.parse(values);
  const name = `rb_bench_stats_${randomBytes(4).toString("hex")}`;
  const admin = postgres(options.url, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  const url = withDatabaseName(options.url, name);
  const database = await openDatabase({ url, poolSize: 4 });
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await database.migrate();
    const now = Date.now();
    const topology = await seedTopology(database.db);
    console.log(`Loading ${options.rows.toLocaleString("en")} request rows over 7 days into ${name}...`);
    const t = performance.now();
    const { copyMs, rollupMs } = await load(database, sql, topology, options.rows, now);
    await sql`analyze`;
    const counts = await sql<
      { grain: number; n: string }[]
    >`select grain, count(*)::text as n from stats_rollups group by grain order by grain`;
    console.log(
      `Loaded in ${((performance.now() - t) / 1000).toFixed(1)} s (COPY ${(copyMs / 1000).toFixed(1)} s, rollups ${(rollupMs / 1000).toFixed(1)} s); rollup rows: ${counts
        .map(
          (c) =>
            `${c.grain === 1 ? "minute" : c.grain === 60 ? "hour" : "day"} ${Number(c.n).toLocaleString("en")}`,
        )
        .join(", ")}\n`,
    );
    const box = createSecretBox({ keys: [{ id: "b", key: randomBytes(32) }], activeKeyId: "b" });
    const ctx = createServiceContext({
      db: database.db,
      store: createMemoryStore(),
      sealer: box,
      logger: createLogger("silent"),
      now: () => now,
    });
    const services = { stats: createStatsService(ctx), logs: createLogsService(ctx) };
    printTable(await measure(services, topology, options.runs, now));
  } finally {
    await sql.end({ timeout: 5 });
    await database.close();
    if (options.keep) console.log(`\nKept database ${name} (drop it when done).`);
    else await admin.unsafe(`drop database if exists "${name}" with (force)`);
    await admin.end({ timeout: 5 });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
